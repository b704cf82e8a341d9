using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Kubernetes
{
    /// <summary>
    /// RES1002's "lists to find one object by name" as a GET by name (issue 12): the list and its one search
    /// <code>
    /// var pods = await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: ct);
    /// return pods.Items.FirstOrDefault(p =&gt; p.Metadata.Name == name);
    /// </code>
    /// become <c>return await Reads.ReadOrNullAsync(name, n =&gt; client.CoreV1.ReadNamespacedPodAsync(n, ns, cancellationToken: ct));</c>
    /// — null where the search found nothing, as before (the runtime's <c>Reads</c> turns 404 into null). Only where it
    /// means the same: the list's result is used by that one search and nothing else; the search is
    /// <c>FirstOrDefault</c>/<c>SingleOrDefault</c> with nothing but the name comparison (ordinal); the list passes
    /// nothing but the namespace, <c>pretty</c> and the cancellation token (a selector would narrow what the GET does
    /// not); the search runs right after the list (the next statement, or the same expression), in the same function,
    /// where it can be awaited; and a <c>Read…</c> twin exists on the same operations — bound speculatively at the search, so
    /// the result compiles. Anywhere else the selector fix applies.
    /// </summary>
    internal sealed class ReadByNameSyntax
    {
        internal const string RuntimeType = "Resilience.Kubernetes.Reads";

        private ReadByNameSyntax(StatementSyntax? removed, StatementSyntax? next, ExpressionSyntax replaced, ExpressionSyntax replacement, string readName)
        {
            Next = next;
            Removed = removed;
            Replaced = replaced;
            Replacement = replacement;
            ReadName = readName;
        }

        /// <summary>The list's own statement, when the search is the next one (null: the search is in the list's expression).</summary>
        public StatementSyntax? Removed { get; }

        /// <summary>The statement after <see cref="Removed"/>, which holds the search (and takes the removed one's comments).</summary>
        public StatementSyntax? Next { get; }

        /// <summary>The search expression (<c>pods.Items.FirstOrDefault(…)</c>).</summary>
        public ExpressionSyntax Replaced { get; }

        /// <summary><c>await Reads.ReadOrNullAsync(name, n =&gt; …Read…Async(n, …))</c>.</summary>
        public ExpressionSyntax Replacement { get; }

        public string ReadName { get; }

        public static ReadByNameSyntax? TryCreate(SemanticModel model, IInvocationOperation list, ExpressionSyntax searchedName, CancellationToken cancellationToken)
        {
            var method = list.TargetMethod;
            if (!(model.Compilation.GetTypeByMetadataName(RuntimeType) is { } reads)
                || !(list.Syntax is InvocationExpressionSyntax invocation)
                || !(invocation.Expression is MemberAccessExpressionSyntax member)
                // client.CoreV1.ListX(…): the group's extension called on its operations (IOperation shows it static, the
                // operations as argument 0 written as the receiver, not as an argument).
                || !method.IsExtensionMethod || list.Arguments.Length == 0 || list.Arguments[0].Syntax is ArgumentSyntax
                || !method.Name.StartsWith("List", StringComparison.Ordinal)
                || !method.Name.EndsWith("Async", StringComparison.Ordinal)
                || list.Arguments.Skip(1).Any(a => a.ArgumentKind == ArgumentKind.Explicit
                    && a.Parameter?.Name != "namespaceParameter" && a.Parameter?.Name != "pretty" && a.Parameter?.Name != "cancellationToken")
                || invocation.ArgumentList.DescendantNodes().OfType<AwaitExpressionSyntax>().Any()
                || FixHelpers.AwaitOf(invocation) is not { } awaited)
            {
                return null;
            }

            // The list's value: `var pods = await …;` searched in the next statement, or `(await …).Items.FirstOrDefault(…)`.
            StatementSyntax? removed = null;
            ExpressionSyntax? itemsOwner = null;
            SyntaxNode scope;
            if (awaited.Parent is EqualsValueClauseSyntax equals
                && equals.Parent is VariableDeclaratorSyntax declarator
                && declarator.Parent is VariableDeclarationSyntax declaration && declaration.Variables.Count == 1
                && declaration.Parent is LocalDeclarationStatementSyntax statement
                && statement.UsingKeyword.IsKind(SyntaxKind.None) && !statement.IsConst
                && statement.Parent is BlockSyntax block
                && model.GetDeclaredSymbol(declarator, cancellationToken) is ILocalSymbol local)
            {
                int index = block.Statements.IndexOf(statement);
                if (index + 1 >= block.Statements.Count)
                {
                    return null;
                }

                var next = block.Statements[index + 1];
                var uses = block.DescendantNodes().OfType<IdentifierNameSyntax>()
                    .Where(i => i.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(i, cancellationToken).Symbol, local))
                    .ToList();
                if (uses.Count != 1 || !next.Span.Contains(uses[0].Span))
                {
                    return null;
                }

                removed = statement;
                itemsOwner = uses[0];
                scope = next;
            }
            else
            {
                itemsOwner = awaited.Parent is ParenthesizedExpressionSyntax parenthesized ? parenthesized : null;
                scope = awaited;
            }

            // owner.Items.FirstOrDefault(λ) or owner.Items?.FirstOrDefault(λ)
            if (!(itemsOwner?.Parent is MemberAccessExpressionSyntax items) || items.Expression != itemsOwner || items.Name.Identifier.ValueText != "Items")
            {
                return null;
            }

            InvocationExpressionSyntax search;
            ExpressionSyntax replaced;
            if (items.Parent is MemberAccessExpressionSyntax searchMember && searchMember.Expression == items && searchMember.Parent is InvocationExpressionSyntax plain)
            {
                search = plain;
                replaced = plain;
            }
            else if (items.Parent is ConditionalAccessExpressionSyntax conditional && conditional.Expression == items
                && conditional.WhenNotNull is InvocationExpressionSyntax bound && bound.Expression is MemberBindingExpressionSyntax)
            {
                search = bound;
                replaced = conditional;
            }
            else
            {
                return null;
            }

            if (!(model.GetOperation(search, cancellationToken) is IInvocationOperation searchOperation)
                || !(searchOperation.TargetMethod.Name == "FirstOrDefault" || searchOperation.TargetMethod.Name == "SingleOrDefault")
                || searchOperation.TargetMethod.ContainingType?.ToDisplayString() != "System.Linq.Enumerable"
                || search.ArgumentList.Arguments.Count != 1
                || !(search.ArgumentList.Arguments[0].Expression is SimpleLambdaExpressionSyntax lambda)
                || !(lambda.ExpressionBody is { } body)
                || !ComparesOnlyTheName(model, body, lambda.Parameter.Identifier.ValueText, searchedName, cancellationToken)
                || !SameFunction(invocation, search)
                || !FixHelpers.CanAwait(search))
            {
                return null;
            }

            // receiver.ReadX(n, …the list's own arguments by name…), bound at the search so the fix compiles.
            string readName = "Read" + method.Name.Substring("List".Length);
            string n = FixHelpers.UniqueName(model, search.SpanStart, "n", new System.Collections.Generic.HashSet<string>());
            var arguments = new System.Collections.Generic.List<ArgumentSyntax> { Argument(IdentifierName(n)) };
            foreach (var argument in list.Arguments.Skip(1))
            {
                if (argument.ArgumentKind == ArgumentKind.Explicit && argument.Syntax is ArgumentSyntax written && argument.Parameter != null)
                {
                    arguments.Add(Argument(NameColon(IdentifierName(argument.Parameter.Name)), default, written.Expression.WithoutTrivia()));
                }
            }

            var read = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, member.Expression.WithoutTrivia(), IdentifierName(readName)),
                ArgumentList(SeparatedList(arguments)));
            var expected = searchOperation.Type;
            var bindAt = search.SpanStart;
            var probe = read.ReplaceNode(read.ArgumentList.Arguments[0].Expression, ParenthesizedExpression(searchedName.WithoutTrivia()));
            if (!(model.GetSpeculativeSymbolInfo(bindAt, probe, SpeculativeBindingOption.BindAsExpression).Symbol is IMethodSymbol readMethod)
                || !(readMethod.ReturnType is INamedTypeSymbol task) || task.Name != "Task" || task.TypeArguments.Length != 1
                || expected == null || !SymbolEqualityComparer.Default.Equals(task.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.None), expected.WithNullableAnnotation(NullableAnnotation.None))
                || readMethod.Parameters.FirstOrDefault()?.Name != "name" && readMethod.ReducedFrom?.Parameters.ElementAtOrDefault(1)?.Name != "name")
            {
                return null;
            }

            // Reads.ReadOrNullAsync(name, n => read), with the list's own ConfigureAwait(…).
            ExpressionSyntax call = InvocationExpression(
                TypeNames.StaticMember(reads, "ReadOrNullAsync"),
                ArgumentList(SeparatedList(new[]
                {
                    Argument(searchedName.WithoutTrivia()),
                    Argument(SimpleLambdaExpression(Parameter(Identifier(n)), read)),
                })));
            ExpressionSyntax replacement = AwaitExpression(FixHelpers.WithConfigureAwaitOf(awaited, invocation, call));
            if (replaced.Parent is MemberAccessExpressionSyntax || replaced.Parent is ConditionalAccessExpressionSyntax || replaced.Parent is PostfixUnaryExpressionSyntax)
            {
                replacement = ParenthesizedExpression(replacement);
            }

            return new ReadByNameSyntax(removed, removed == null ? null : (StatementSyntax)scope, replaced, replacement.WithTriviaFrom(replaced), readName);
        }

        /// <summary>The lambda's body is the name comparison and nothing else: <c>p.Metadata.Name == x</c>, <c>x == p.Name()</c>, <c>p.Metadata.Name.Equals(x)</c>, <c>string.Equals(p.Metadata.Name, x[, StringComparison.Ordinal])</c>.</summary>
        private static bool ComparesOnlyTheName(SemanticModel model, ExpressionSyntax body, string parameter, ExpressionSyntax searchedName, CancellationToken cancellationToken)
        {
            bool IsSearched(ExpressionSyntax e) => e.Span == searchedName.Span;
            bool IsItemName(ExpressionSyntax e)
                => (e is MemberAccessExpressionSyntax name && name.Name.Identifier.ValueText == "Name"
                        && name.Expression is MemberAccessExpressionSyntax metadata && metadata.Name.Identifier.ValueText == "Metadata"
                        && metadata.Expression is IdentifierNameSyntax item && item.Identifier.ValueText == parameter)
                    || (e is InvocationExpressionSyntax call && call.ArgumentList.Arguments.Count == 0
                        && call.Expression is MemberAccessExpressionSyntax shorthand && shorthand.Name.Identifier.ValueText == "Name"
                        && shorthand.Expression is IdentifierNameSyntax owner && owner.Identifier.ValueText == parameter);

            switch (body)
            {
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.EqualsExpression):
                    return (IsItemName(binary.Left) && IsSearched(binary.Right)) || (IsSearched(binary.Left) && IsItemName(binary.Right));
                case InvocationExpressionSyntax equalsCall when equalsCall.Expression is MemberAccessExpressionSyntax equalsMember && equalsMember.Name.Identifier.ValueText == "Equals":
                    var args = equalsCall.ArgumentList.Arguments;
                    if (args.Count == 1)
                    {
                        return IsItemName(equalsMember.Expression) && IsSearched(args[0].Expression);
                    }

                    bool ordinal = args.Count == 2
                        || (args.Count == 3 && model.GetOperation(args[2].Expression, cancellationToken) is IFieldReferenceOperation field && field.Field.Name == "Ordinal" && field.Field.ContainingType?.Name == "StringComparison");
                    return ordinal && (args.Count == 2 || args.Count == 3)
                        && model.GetSymbolInfo(equalsMember.Expression, cancellationToken).Symbol is ITypeSymbol { SpecialType: SpecialType.System_String }
                        && ((IsItemName(args[0].Expression) && IsSearched(args[1].Expression)) || (IsSearched(args[0].Expression) && IsItemName(args[1].Expression)));
                default:
                    return false;
            }
        }

        /// <summary>The two nodes run in the same method, lambda or local function.</summary>
        private static bool SameFunction(SyntaxNode a, SyntaxNode b)
        {
            static SyntaxNode? Function(SyntaxNode node) => node.Ancestors().FirstOrDefault(n => n is AnonymousFunctionExpressionSyntax || n is LocalFunctionStatementSyntax || n is MemberDeclarationSyntax);
            return Function(a) == Function(b);
        }
    }
}
