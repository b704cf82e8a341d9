using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ResilienceAnalyzers.CodeFixes.Infrastructure
{
    /// <summary>
    /// The plumbing every fix that edits a whole document shares: offered only when the compilation references
    /// the runtime the fix calls (<see cref="RequiredType"/>), registered per diagnostic with the title the fixer
    /// gives, and applied by one <see cref="FixAsync"/> over a document's diagnostics — which is also the Fix All,
    /// so a <c>using</c> or a helper variable is added once however many diagnostics are fixed.
    /// </summary>
    public abstract class DocumentFixProvider : CodeFixProvider
    {
        /// <summary>A type the fixed code uses (metadata name); no fix is offered without it. Null: none needed.</summary>
        private protected abstract string? RequiredType { get; }

        public sealed override FixAllProvider GetFixAllProvider()
            => FixAllProvider.Create(async (context, document, diagnostics) => await FixAndImportAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null || model == null || (RequiredType != null && model.Compilation.GetTypeByMetadataName(RequiredType) == null))
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                string? title = Describe(root, model, diagnostic, context.CancellationToken);
                if (title != null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(title, ct => FixAndImportAsync(context.Document, ImmutableArray.Create(diagnostic), ct), equivalenceKey: GetType().Name),
                        diagnostic);
                }
            }
        }

        /// <summary>The fix's title for <paramref name="diagnostic"/>, or null when its result would not compile.</summary>
        private protected abstract string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken);

        private async Task<Document> FixAndImportAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
            => await TypeNames.ImportAndReduceAsync(await FixAsync(document, diagnostics, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

        /// <summary>
        /// Fixes every diagnostic of <paramref name="diagnostics"/> it can in <paramref name="document"/>, naming the types it
        /// writes by their symbols (<see cref="TypeNames.Of(ITypeSymbol)"/>): the imports follow.
        /// </summary>
        private protected abstract Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken);
    }
}
