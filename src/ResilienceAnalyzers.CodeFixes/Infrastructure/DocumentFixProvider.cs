using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
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
    /// so a <c>using</c> or a helper variable is added once however many diagnostics are fixed. A fix that must also edit
    /// another document of the project (a DI registration in <c>Program.cs</c>) asks for it through
    /// <see cref="FollowUpAsync"/>: it runs once per project after every document is fixed, one fix or Fix All alike.
    /// </summary>
    public abstract class DocumentFixProvider : CodeFixProvider
    {
        /// <summary>A type the fixed code uses (metadata name); no fix is offered without it. Null: none needed.</summary>
        private protected abstract string? RequiredType { get; }

        public sealed override FixAllProvider GetFixAllProvider() => new SolutionFixAll(this);

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
                        CodeAction.Create(
                            title,
                            ct => FixSolutionAsync(context.Document.Project.Solution, new[] { (context.Document.Id, ImmutableArray.Create(diagnostic)) }, ct),
                            equivalenceKey: GetType().Name),
                        diagnostic);
                }
            }
        }

        /// <summary>The fix's title for <paramref name="diagnostic"/>, or null when its result would not compile.</summary>
        private protected abstract string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken);

        /// <summary>
        /// Fixes each document from the solution as it was (so the diagnostics' places hold), then gives each project's
        /// follow-ups to <see cref="FollowUpAsync"/> on the solution with every document fixed.
        /// </summary>
        private async Task<Solution> FixSolutionAsync(Solution solution, IEnumerable<(DocumentId Document, ImmutableArray<Diagnostic> Diagnostics)> work, CancellationToken cancellationToken)
        {
            var fixedSolution = solution;
            var followUps = new Dictionary<ProjectId, List<string>>();
            foreach (var (id, diagnostics) in work)
            {
                var document = solution.GetDocument(id);
                if (document == null)
                {
                    continue;
                }

                var requests = new List<string>();
                var changed = await TypeNames.ImportAndReduceAsync(await FixAsync(document, diagnostics, requests, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                var text = await changed.GetTextAsync(cancellationToken).ConfigureAwait(false);
                if (!text.ContentEquals(await document.GetTextAsync(cancellationToken).ConfigureAwait(false)))
                {
                    // Only a document whose text changed counts as changed (Fix All must not touch the others).
                    fixedSolution = fixedSolution.WithDocumentSyntaxRoot(id, (await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!);
                }

                if (requests.Count > 0)
                {
                    if (!followUps.TryGetValue(id.ProjectId, out var list))
                    {
                        followUps[id.ProjectId] = list = new List<string>();
                    }

                    list.AddRange(requests.Where(r => !list.Contains(r)));
                }
            }

            foreach (var pair in followUps)
            {
                fixedSolution = await FollowUpAsync(fixedSolution, pair.Key, pair.Value, cancellationToken).ConfigureAwait(false);
            }

            return fixedSolution;
        }

        /// <summary>
        /// Fixes every diagnostic of <paramref name="diagnostics"/> it can in <paramref name="document"/>, and adds to
        /// <paramref name="followUps"/> what must then be done elsewhere in the project (<see cref="FollowUpAsync"/>).
        /// </summary>
        private protected virtual Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, ICollection<string> followUps, CancellationToken cancellationToken)
            => FixAsync(document, diagnostics, cancellationToken);

        /// <summary>The edits of <paramref name="project"/> beyond the fixed documents, once per project for all its <paramref name="followUps"/>.</summary>
        private protected virtual Task<Solution> FollowUpAsync(Solution solution, ProjectId project, IReadOnlyList<string> followUps, CancellationToken cancellationToken)
            => Task.FromResult(solution);

        /// <summary>
        /// Fixes every diagnostic of <paramref name="diagnostics"/> it can in <paramref name="document"/>, naming the types it
        /// writes by their symbols (<see cref="TypeNames.Of(ITypeSymbol)"/>): the imports follow.
        /// </summary>
        private protected abstract Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken);

        /// <summary>Fix All in a document, a project or the solution: every document's diagnostics, then the follow-ups once per project.</summary>
        private sealed class SolutionFixAll : FixAllProvider
        {
            private readonly DocumentFixProvider fixer;

            public SolutionFixAll(DocumentFixProvider fixer) => this.fixer = fixer;

            public override IEnumerable<FixAllScope> GetSupportedFixAllScopes()
                => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

            public override async Task<CodeAction?> GetFixAsync(FixAllContext context)
            {
                IEnumerable<Document> documents = context.Scope switch
                {
                    FixAllScope.Document when context.Document != null => new[] { context.Document },
                    FixAllScope.Project => context.Project.Documents,
                    FixAllScope.Solution => context.Solution.Projects.SelectMany(p => p.Documents),
                    _ => Enumerable.Empty<Document>(),
                };
                var work = new List<(DocumentId, ImmutableArray<Diagnostic>)>();
                foreach (var document in documents)
                {
                    var diagnostics = await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false);
                    if (!diagnostics.IsEmpty)
                    {
                        work.Add((document.Id, diagnostics));
                    }
                }

                if (work.Count == 0)
                {
                    return null;
                }

                // Computed here so that a Fix All that changes nothing offers nothing (as Roslyn's document-based Fix All does):
                // an action returning the same solution would still have its documents cleaned up, and count as changing them.
                var fixedSolution = await fixer.FixSolutionAsync(context.Solution, work, context.CancellationToken).ConfigureAwait(false);
                return fixedSolution.GetChanges(context.Solution).GetProjectChanges().Any(p => p.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true).Any())
                    ? CodeAction.Create(context.CodeActionEquivalenceKey ?? fixer.GetType().Name, _ => Task.FromResult(fixedSolution), context.CodeActionEquivalenceKey)
                    : null;
            }
        }
    }
}
