using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Kubernetes
{
    /// <summary>
    /// RES1006 → <c>new Kubernetes(config)</c> becomes <c>new Kubernetes(config, new RateLimitingHandler())</c>: the
    /// constructor's <c>params DelegatingHandler[] handlers</c> takes one more (client-go's 5 requests/s, burst 10, and the
    /// server's Retry-After on 429). Offered when the compilation references Resilience.Kubernetes and the handlers are
    /// written as separate arguments (an explicit array is left alone).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RES1006AddRateLimitFixer))]
    [Shared]
    public sealed class RES1006AddRateLimitFixer : DocumentFixProvider
    {
        internal const string HandlerType = "Resilience.Kubernetes.RateLimitingHandler";
        private const string Title = "Add a RateLimitingHandler (client-go's 5 requests/s, burst 10)";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.ClientWithoutRateLimit);

        private protected override string RequiredType => HandlerType;

        private protected override string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            => Target(root, model, diagnostic, cancellationToken) != null ? Title : null;

        private protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var handlerType = model?.Compilation.GetTypeByMetadataName(HandlerType);
            if (root == null || model == null || handlerType == null)
            {
                return document;
            }

            var targets = new HashSet<ObjectCreationExpressionSyntax>();
            foreach (var diagnostic in diagnostics)
            {
                if (Target(root, model, diagnostic, cancellationToken) is ObjectCreationExpressionSyntax creation)
                {
                    targets.Add(creation);
                }
            }

            if (targets.Count == 0)
            {
                return document;
            }

            var handler = ObjectCreationExpression(TypeNames.Of(handlerType).WithLeadingTrivia(Space)).WithArgumentList(ArgumentList());
            var updated = root.ReplaceNodes(
                targets,
                (original, _) => original.WithArgumentList(original.ArgumentList!.AddArguments(Argument(handler))));
            return document.WithSyntaxRoot(updated);
        }

        /// <summary>The flagged <c>new Kubernetes(…)</c>, when its handlers are passed one by one (or not at all).</summary>
        private static ObjectCreationExpressionSyntax? Target(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var creation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .AncestorsAndSelf().OfType<ObjectCreationExpressionSyntax>().FirstOrDefault();
            if (creation?.ArgumentList == null || !(model.GetOperation(creation, cancellationToken) is IObjectCreationOperation operation))
            {
                return null;
            }

            return operation.Arguments.Any(a => a.ArgumentKind == ArgumentKind.ParamArray) ? creation : null;
        }
    }
}
