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
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Kubernetes
{
    /// <summary>
    /// RES1001 → page through the list with the runtime's pager, 500 objects a page (client-go's size), which
    /// falls back to a full list when a continue token expires:
    /// <c>await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: s, cancellationToken: ct)</c> →
    /// <c>await ListPager.ListAllAsync(ListWatch.FromHttpOperation&lt;V1Pod, V1PodList&gt;((o, c) =&gt; …), cancellationToken: ct)</c>.
    /// The result is the same list type, so the code that uses it compiles unchanged. Offered for awaited calls
    /// of the group and pre-10.x shapes when the project references Resilience.Kubernetes.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RES1001PaginateFixer))]
    [Shared]
    public sealed class RES1001PaginateFixer : DocumentFixProvider
    {
        internal const string RuntimeMarker = "Resilience.Kubernetes.ListPager";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.UnboundedList);

        private protected override string RequiredType => RuntimeMarker;

        private protected override string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            => Plan(root, model, diagnostic, cancellationToken) != null ? "Page through the list with ListPager (500 per page)" : null;

        private static (InvocationExpressionSyntax Call, ExpressionSyntax Replacement)? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            if (invocation == null
                // Awaited here (also through ConfigureAwait, which ListAllAsync's Task<TList> keeps): the pager then runs
                // while this method waits, so the locals its lambda captures cannot change under it.
                || FixHelpers.AwaitOf(invocation) == null
                || !(model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation)
                || !KubernetesApi.TryGetCall(operation, out var call) || call == null
                || call.Verb != KubernetesVerb.List
                || call.Passes(KubernetesParameter.Continue))
            {
                return null;
            }

            var listWatch = ListWatchSyntax.TryCreate(model, operation, call);
            if (listWatch == null)
            {
                return null;
            }

            var arguments = new List<ArgumentSyntax> { Argument(listWatch.Expression) };
            if (listWatch.CancellationToken != null)
            {
                arguments.Add(Argument(NameColon(IdentifierName("cancellationToken")), default, listWatch.CancellationToken));
            }

            if (!(model.Compilation.GetTypeByMetadataName(RuntimeMarker) is { } pager))
            {
                return null;
            }

            var replacement = InvocationExpression(
                TypeNames.StaticMember(pager, "ListAllAsync"),
                ArgumentList(SeparatedList(arguments)));
            return (invocation, replacement.WithTriviaFrom(invocation));
        }

        private protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return document;
            }

            var plans = diagnostics
                .Select(d => Plan(root, model, d, cancellationToken))
                .Where(p => p != null)
                .Select(p => p!.Value)
                .GroupBy(p => p.Call)
                .ToDictionary(g => g.Key, g => g.First().Replacement);
            if (plans.Count == 0)
            {
                return document;
            }

            var updated = root.ReplaceNodes(plans.Keys, (original, _) => plans[original]);
            return document.WithSyntaxRoot(updated);
        }
    }
}
