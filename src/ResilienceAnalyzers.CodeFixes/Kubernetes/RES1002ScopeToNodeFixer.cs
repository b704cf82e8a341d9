using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Kubernetes
{
    /// <summary>
    /// RES1002 → narrow the call with a field selector: <c>spec.nodeName=&lt;node&gt;</c> for a per-node pod
    /// list/watch, <c>metadata.name=&lt;name&gt;</c> when the copy looks for its own node or pod. An existing
    /// constant selector is kept and extended. The name comes from a string variable in scope
    /// (<c>nodeName</c>, <c>_nodeName</c>, …) or else from the downward-API environment variable.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RES1002ScopeToNodeFixer))]
    [Shared]
    public sealed class RES1002ScopeToNodeFixer : DocumentFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.ClusterWideAccess);

        /// <summary>Nothing beyond the client: the fixed call is the same call with a selector.</summary>
        private protected override string? RequiredType => null;

        private protected override string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            => Plan(root, model, diagnostic, cancellationToken)?.Title;

        private protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return document;
            }

            var updates = new Dictionary<InvocationExpressionSyntax, InvocationExpressionSyntax>();
            foreach (var diagnostic in diagnostics)
            {
                if (Plan(root, model, diagnostic, cancellationToken) is { } plan && !updates.ContainsKey(plan.Invocation))
                {
                    updates[plan.Invocation] = plan.Updated;
                }
            }

            return updates.Count == 0 ? document : document.WithSyntaxRoot(root.ReplaceNodes(updates.Keys, (original, _) => updates[original]));
        }

        private sealed class FixPlan
        {
            public FixPlan(InvocationExpressionSyntax invocation, InvocationExpressionSyntax updated, string title)
            {
                Invocation = invocation;
                Updated = updated;
                Title = title;
            }

            public InvocationExpressionSyntax Invocation { get; }

            public InvocationExpressionSyntax Updated { get; }

            public string Title { get; }
        }

        private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            if (invocation == null
                || !diagnostic.Properties.TryGetValue(RES1002ClusterWideAccessAnalyzer.KindProperty, out string? kind)
                || kind == null
                || kind == "NamespacePods" // the intent (every pod of the namespace, or this node's) is not in the code
                || !(model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation)
                || !KubernetesApi.TryGetCall(operation, out var call)
                || call == null
                || !call.Accepts(KubernetesParameter.FieldSelector))
            {
                return null;
            }

            // "ByName": the list is searched for one object by name; "PodOnNode": the pods are filtered by node on the
            // client. Either way the value it compares with moves into the selector.
            ExpressionSyntax? searchedName = null;
            if (kind == "ByName" || kind == "PodOnNode")
            {
                searchedName = diagnostic.AdditionalLocations.Count > 0
                    ? root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) as ExpressionSyntax
                    : null;
                if (searchedName == null)
                {
                    return null;
                }
            }

            string selectorKey = kind == "Pod" || kind == "PodOnNode" ? "spec.nodeName=" : "metadata.name=";
            string title = kind == "Pod" || kind == "PodOnNode"
                ? "Scope to this node's pods (fieldSelector spec.nodeName)"
                : kind == "Node" ? "Select only this node (fieldSelector metadata.name)"
                : kind == "ByName" ? "Select only the object it looks for (fieldSelector metadata.name)"
                : "Select only this pod (fieldSelector metadata.name)";

            var nameExpression = searchedName != null
                ? ParenthesizeIfNeeded(searchedName.WithoutTrivia())
                : NameExpression(model, invocation, kind == "PodByName" ? "podname" : "nodename", kind == "PodByName" ? "POD_NAME" : "NODE_NAME");
            var existing = call.Argument(KubernetesParameter.FieldSelector);
            string prefix = string.Empty;
            if (existing != null)
            {
                var value = StringValue.Of(existing);
                if (value != null && value.IsConstant && value.Text.Length > 0)
                {
                    prefix = value.Text + ",";
                }
            }

            ExpressionSyntax selector = BinaryExpression(
                SyntaxKind.AddExpression,
                LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(prefix + selectorKey)),
                nameExpression);

            InvocationExpressionSyntax updated;
            if (existing?.Syntax.Parent is ArgumentSyntax argumentSyntax && invocation.ArgumentList.Arguments.Contains(argumentSyntax))
            {
                updated = invocation.ReplaceNode(argumentSyntax, argumentSyntax.WithExpression(selector.WithTriviaFrom(argumentSyntax.Expression)));
            }
            else
            {
                var argument = Argument(NameColon(IdentifierName("fieldSelector")), default, selector);
                updated = invocation.WithArgumentList(invocation.ArgumentList.AddArguments(argument));
            }

            return new FixPlan(invocation, updated.WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation), title);
        }

        /// <summary><c>"metadata.name=" + (a ?? b)</c>: an operand of lower precedence than <c>+</c> keeps its meaning.</summary>
        private static ExpressionSyntax ParenthesizeIfNeeded(ExpressionSyntax expression)
            => expression is IdentifierNameSyntax || expression is MemberAccessExpressionSyntax || expression is InvocationExpressionSyntax
                || expression is LiteralExpressionSyntax || expression is ElementAccessExpressionSyntax || expression is ParenthesizedExpressionSyntax
                ? expression
                : ParenthesizedExpression(expression);

        /// <summary>A string variable, parameter, field or property in scope named like the node (or pod) name; else the downward-API variable.</summary>
        private static ExpressionSyntax NameExpression(SemanticModel model, InvocationExpressionSyntax invocation, string normalizedName, string environmentVariable)
        {
            var enclosing = model.GetEnclosingSymbol(invocation.SpanStart);
            bool staticContext = enclosing?.IsStatic == true || (enclosing is IMethodSymbol m && m.MethodKind == MethodKind.LambdaMethod && m.ContainingSymbol?.IsStatic == true);
            foreach (var symbol in model.LookupSymbols(invocation.SpanStart))
            {
                if (!string.Equals(symbol.Name.TrimStart('_').Replace("_", string.Empty), normalizedName, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                ITypeSymbol? type = symbol switch
                {
                    // A local declared after the call is in scope but cannot be used yet (CS0841).
                    ILocalSymbol local when local.DeclaringSyntaxReferences.All(r => r.Span.End < invocation.SpanStart) => local.Type,
                    IParameterSymbol parameter => parameter.Type,
                    IFieldSymbol field when field.IsStatic || !staticContext => field.Type,
                    IPropertySymbol property when property.IsStatic || !staticContext => property.Type,
                    _ => null,
                };
                if (type?.SpecialType == SpecialType.System_String)
                {
                    return IdentifierName(symbol.Name);
                }
            }

            // "Environment" where it already means System.Environment (using System;), else qualified.
            bool environmentInScope = model.LookupNamespacesAndTypes(invocation.SpanStart, name: "Environment")
                .Any(t => ResilienceAnalyzers.Infrastructure.Namespaces.IsType(t as ITypeSymbol, "System", "Environment"));
            return ParseExpression((environmentInScope ? "Environment" : "System.Environment") + ".GetEnvironmentVariable(\"" + environmentVariable + "\")");
        }
    }
}
