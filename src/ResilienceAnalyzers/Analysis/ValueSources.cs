using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Analysis
{
    /// <summary>
    /// Where the values of a field or property come from, and what a constructor is handed, across the compilation: every
    /// assignment (<c>x.RemoteEndpoint = …</c>, an object initializer's <c>RemoteEndpoint = …</c>), field and property
    /// initializer, and <c>new T(…)</c>, found by the name written (one syntax walk of every tree, built on first need),
    /// then bound and checked only where the name matches. The caller index does not serve here: it records calls and
    /// method groups, not assignments or constructions.
    /// </summary>
    /// <remarks>
    /// Built only when a rule traces a value through members (RES2003 following an <c>EndPoint</c> handed to a socket
    /// connect back to a <c>DnsEndPoint</c>), so a compilation that never connects a socket to an end point held in a
    /// member never pays for the walk.
    /// </remarks>
    internal sealed class ValueSources
    {
        private readonly ResilienceCompilation model;
        private readonly Dictionary<string, List<SyntaxNode>> byName = new Dictionary<string, List<SyntaxNode>>(System.StringComparer.Ordinal);

        public ValueSources(ResilienceCompilation model)
        {
            this.model = model;
            foreach (var tree in model.Compilation.SyntaxTrees)
            {
                foreach (var node in tree.GetRoot().DescendantNodes())
                {
                    string? name = node switch
                    {
                        AssignmentExpressionSyntax assignment => CalledNames.AssignedMember(assignment.Left),
                        VariableDeclaratorSyntax { Initializer: { }, Parent: VariableDeclarationSyntax { Parent: FieldDeclarationSyntax } } field => field.Identifier.ValueText,
                        PropertyDeclarationSyntax { Initializer: { } } property => property.Identifier.ValueText,
                        ObjectCreationExpressionSyntax creation => CalledNames.CreatedType(creation),
                        _ => null,
                    };
                    if (name == null)
                    {
                        continue;
                    }

                    if (!byName.TryGetValue(name, out var list))
                    {
                        byName[name] = list = new List<SyntaxNode>();
                    }

                    list.Add(node);
                }
            }
        }

        /// <summary>The values assigned to <paramref name="member"/> (a field or property) anywhere in the compilation, initializers included.</summary>
        public IEnumerable<IOperation> AssignedTo(ISymbol member)
        {
            if (!byName.TryGetValue(member.Name, out var nodes))
            {
                yield break;
            }

            var wanted = member.OriginalDefinition;
            foreach (var node in nodes)
            {
                if (node is ObjectCreationExpressionSyntax)
                {
                    continue;
                }

                var semanticModel = model.ModelFor(node.SyntaxTree);
                IOperation? value = node switch
                {
                    AssignmentExpressionSyntax assignment => semanticModel.GetOperation(assignment) is ISimpleAssignmentOperation { Target: IMemberReferenceOperation target } bound
                        && SymbolEqualityComparer.Default.Equals(target.Member.OriginalDefinition, wanted) ? bound.Value : null,
                    VariableDeclaratorSyntax declarator => semanticModel.GetDeclaredSymbol(declarator) is ISymbol declared && SymbolEqualityComparer.Default.Equals(declared.OriginalDefinition, wanted)
                        ? semanticModel.GetOperation(declarator.Initializer!.Value) : null,
                    PropertyDeclarationSyntax property => semanticModel.GetDeclaredSymbol(property) is ISymbol declared && SymbolEqualityComparer.Default.Equals(declared.OriginalDefinition, wanted)
                        ? semanticModel.GetOperation(property.Initializer!.Value) : null,
                    _ => null,
                };
                if (value != null)
                {
                    yield return value;
                }
            }
        }

        /// <summary>What each <c>new T(…)</c> of <paramref name="constructor"/> in the compilation passes for <paramref name="parameter"/>.</summary>
        public IEnumerable<IOperation> PassedTo(IMethodSymbol constructor, IParameterSymbol parameter)
        {
            if (!byName.TryGetValue(constructor.ContainingType.Name, out var nodes))
            {
                yield break;
            }

            var wanted = constructor.OriginalDefinition;
            foreach (var node in nodes)
            {
                if (node is ObjectCreationExpressionSyntax
                    && model.ModelFor(node.SyntaxTree).GetOperation(node) is IObjectCreationOperation { Constructor: { } bound } creation
                    && SymbolEqualityComparer.Default.Equals(bound.OriginalDefinition, wanted))
                {
                    foreach (var argument in creation.Arguments)
                    {
                        if (argument.Parameter?.Ordinal == parameter.Ordinal)
                        {
                            yield return argument.Value;
                        }
                    }
                }
            }
        }
    }
}
