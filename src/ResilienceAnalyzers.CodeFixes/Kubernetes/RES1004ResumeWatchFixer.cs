using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Kubernetes
{
    /// <summary>
    /// RES1004 → a watch that resumes. The stream a <c>WatchList…Async</c> call returns (typically read by an
    /// <c>await foreach</c>) becomes
    /// <c>Informers.WatchEventsAsync(ListWatch.FromHttpOperation&lt;V1Pod, V1PodList&gt;((o, c) =&gt; …))</c>, which yields
    /// the same <c>(WatchEventType, V1Pod)</c> elements — ADDED for the current state, then each change — but lists
    /// once, resumes from the last resourceVersion when the server ends the watch, relists only on 410 and backs off
    /// with jitter. The element types are identity-convertible, so the loop body and any variable typed
    /// <c>IAsyncEnumerable&lt;(WatchEventType, V1Pod)&gt;</c> compile unchanged; the call's selectors, <c>onError</c> and cancellation token are
    /// kept. Offered for the group extension shape (the only one whose watch is an <c>IAsyncEnumerable</c>) when the
    /// project references a Resilience.Kubernetes with <c>WatchEventsAsync</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RES1004ResumeWatchFixer))]
    [Shared]
    public sealed class RES1004ResumeWatchFixer : DocumentFixProvider
    {
        private const string InformersType = "Resilience.Kubernetes.Informers";
        private const string WatchEvents = "WatchEventsAsync";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.WatchWithoutResume);

        private protected override string RequiredType => InformersType;

        private protected override string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            => Plan(root, model, diagnostic, cancellationToken) != null ? "Resume the watch: list once, then watch from the last resourceVersion (Informers.WatchEventsAsync)" : null;

        private static (InvocationExpressionSyntax Target, ExpressionSyntax Replacement)? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            if (invocation == null
                || !(model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation)
                || operation.TargetMethod.ReturnType.Name != "IAsyncEnumerable"
                || !KubernetesApi.TryGetCall(operation, out var call) || call == null
                || call.Verb != KubernetesVerb.Watch
                || !(model.Compilation.GetTypeByMetadataName(InformersType) is { } informers)
                || !informers.GetMembers(WatchEvents).Any())
            {
                return null;
            }

            var listWatch = ListWatchSyntax.TryCreate(model, operation, call);
            if (listWatch == null)
            {
                return null;
            }

            var arguments = new List<ArgumentSyntax> { Argument(listWatch.Expression) };
            if (listWatch.OnError != null)
            {
                arguments.Add(Argument(NameColon(IdentifierName("onError")), default, listWatch.OnError));
            }

            if (listWatch.CancellationToken != null)
            {
                arguments.Add(Argument(NameColon(IdentifierName("cancellationToken")), default, listWatch.CancellationToken));
            }

            var replacement = InvocationExpression(
                TypeNames.StaticMember(informers, WatchEvents),
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

            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var seen = new HashSet<SyntaxNode>();
            foreach (var diagnostic in diagnostics)
            {
                if (Plan(root, model, diagnostic, cancellationToken) is { } plan && seen.Add(plan.Target))
                {
                    editor.ReplaceNode(plan.Target, plan.Replacement);
                }
            }

            if (seen.Count == 0)
            {
                return document;
            }

            return document.WithSyntaxRoot(editor.GetChangedRoot());
        }
    }
}
