using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace ResilienceAnalyzers.Tests.Robustness
{
    /// <summary>
    /// Every offered fix, for every diagnostic of the flagged corpus, one at a time and as Fix All per document:
    /// the result compiles with no new errors and the diagnostic it fixed is gone.
    /// </summary>
    public class FixesCompileTests
    {
        [Fact]
        public async Task Every_single_fix_compiles_and_removes_its_diagnostic()
        {
            var (project, diagnostics) = await FlaggedAsync();
            var errorsBefore = await ErrorsAsync(project);
            var failures = new List<string>();
            var appliedBy = new HashSet<string>();
            foreach (var diagnostic in diagnostics)
            {
                var document = project.GetDocument(diagnostic.Location.SourceTree)!;
                foreach (var (fixer, action) in await CorpusWorkspace.FixesAsync(document, diagnostic))
                {
                    var fixedProject = (await CorpusWorkspace.ApplyAsync(action, project.Solution)).GetProject(project.Id)!;
                    appliedBy.Add(fixer.GetType().Name);
                    string where = $"{fixer.GetType().Name} '{action.Title}' for {diagnostic.Id} at {diagnostic.Location.GetLineSpan().StartLinePosition}";
                    var newErrors = (await ErrorsAsync(fixedProject)).Except(errorsBefore).ToList();
                    if (newErrors.Count > 0)
                    {
                        failures.Add(where + " introduced: " + string.Join("; ", newErrors));
                        continue;
                    }

                    var (after, exceptions) = await CorpusWorkspace.AnalyzeAsync((await fixedProject.GetCompilationAsync())!);
                    failures.AddRange(exceptions);
                    if (after.Count(d => d.Id == diagnostic.Id) >= diagnostics.Count(d => d.Id == diagnostic.Id))
                    {
                        failures.Add(where + " left the diagnostic in place");
                    }
                }
            }

            var never = Meta.RuleCatalogTests.Fixers.Select(f => f.GetType().Name).Where(n => !appliedBy.Contains(n)).ToList();
            Assert.True(never.Count == 0, "the flagged corpus must give every fixer something to fix; never offered: " + string.Join(", ", never));
            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        }

        [Fact]
        public async Task Fix_all_in_document_compiles_and_applying_it_again_changes_nothing()
        {
            var (project, diagnostics) = await FlaggedAsync();
            var errorsBefore = await ErrorsAsync(project);
            foreach (var fixer in Meta.RuleCatalogTests.Fixers)
            {
                foreach (var group in diagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id)).GroupBy(d => d.Location.SourceTree))
                {
                    var document = project.GetDocument(group.Key)!;
                    var first = (await CorpusWorkspace.FixesAsync(document, group.First())).FirstOrDefault(f => f.Fixer == fixer).Action;
                    if (first == null)
                    {
                        continue;
                    }

                    var once = await FixAllAsync(fixer, document, first.EquivalenceKey, group.ToImmutableArray());
                    var onceProject = once.GetProject(project.Id)!;
                    Assert.Empty((await ErrorsAsync(onceProject)).Except(errorsBefore));

                    // Again, on what is left: nothing more to change for this fixer's rule.
                    var (remaining, _) = await CorpusWorkspace.AnalyzeAsync((await onceProject.GetCompilationAsync())!);
                    var onceDocument = onceProject.GetDocument(document.Id)!;
                    var onceTree = await onceDocument.GetSyntaxTreeAsync();
                    var again = remaining.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id) && d.Location.SourceTree == onceTree).ToImmutableArray();
                    string textOnce = (await onceDocument.GetTextAsync()).ToString();
                    if (!again.IsEmpty)
                    {
                        var twice = await FixAllAsync(fixer, onceDocument, first.EquivalenceKey, again);
                        Assert.Equal(textOnce, (await twice.GetDocument(document.Id)!.GetTextAsync()).ToString());
                    }
                }
            }
        }

        [Fact]
        public async Task Fix_all_in_project_compiles_reaches_every_file_and_applying_it_again_changes_nothing()
        {
            var (project, diagnostics) = await FlaggedAsync();
            Assert.True(diagnostics.Select(d => d.Location.SourceTree).Distinct().Count() >= 2, "the flagged corpus spans several files");
            var errorsBefore = await ErrorsAsync(project);
            foreach (var fixer in Meta.RuleCatalogTests.Fixers)
            {
                var fixable = diagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id)).ToImmutableArray();
                (CodeFixProvider Fixer, CodeAction Action) offered = default;
                foreach (var diagnostic in fixable)
                {
                    offered = (await CorpusWorkspace.FixesAsync(project.GetDocument(diagnostic.Location.SourceTree)!, diagnostic)).FirstOrDefault(f => f.Fixer == fixer);
                    if (offered.Action != null)
                    {
                        break;
                    }
                }

                Assert.True(offered.Action != null, fixer.GetType().Name + " is offered somewhere in the corpus");
                var once = (await FixAllAsync(fixer, project.Documents.First(), offered.Action!.EquivalenceKey, fixable, FixAllScope.Project)).GetProject(project.Id)!;
                Assert.Empty((await ErrorsAsync(once)).Except(errorsBefore));

                // Every file with a fix offered for this rule changed, and what is left has nothing more to change.
                var changedFiles = once.GetChanges(project).GetChangedDocuments().Count();
                int filesWithAFix = 0;
                foreach (var tree in fixable.Select(d => d.Location.SourceTree).Distinct())
                {
                    foreach (var diagnostic in fixable.Where(d => d.Location.SourceTree == tree))
                    {
                        if ((await CorpusWorkspace.FixesAsync(project.GetDocument(tree)!, diagnostic)).Any(f => f.Fixer == fixer))
                        {
                            filesWithAFix++;
                            break;
                        }
                    }
                }

                Assert.Equal(filesWithAFix, changedFiles);
                var (remaining, _) = await CorpusWorkspace.AnalyzeAsync((await once.GetCompilationAsync())!);
                var again = remaining.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id)).ToImmutableArray();
                if (!again.IsEmpty)
                {
                    var twice = (await FixAllAsync(fixer, once.Documents.First(), offered.Action.EquivalenceKey, again, FixAllScope.Project)).GetProject(project.Id)!;
                    Assert.Empty(twice.GetChanges(once).GetChangedDocuments());
                }
            }
        }

        private static async Task<(Project Project, ImmutableArray<Diagnostic> Diagnostics)> FlaggedAsync()
        {
            var project = CorpusWorkspace.CreateProject(CorpusWorkspace.Files("Flagged").Select(f => (Path.GetFileName(f), File.ReadAllText(f))));
            var (diagnostics, exceptions) = await CorpusWorkspace.AnalyzeAsync((await project.GetCompilationAsync())!);
            Assert.Empty(exceptions);
            return (project, diagnostics);
        }

        private static async Task<HashSet<string>> ErrorsAsync(Project project)
            => (await project.GetCompilationAsync())!.GetDiagnostics()
                .Where(d => d.Severity == DiagnosticSeverity.Error)
                .Select(d => d.Id + ": " + d.GetMessage())
                .ToHashSet();

        private static async Task<Solution> FixAllAsync(CodeFixProvider fixer, Document document, string? equivalenceKey, ImmutableArray<Diagnostic> diagnostics, FixAllScope scope = FixAllScope.Document)
        {
            var fixAll = fixer.GetFixAllProvider()!;
            var context = new FixAllContext(document, fixer, scope, equivalenceKey, diagnostics.Select(d => d.Id).Distinct(), new Provider(diagnostics), CancellationToken.None);
            var action = await fixAll.GetFixAsync(context);
            return action == null ? document.Project.Solution : await CorpusWorkspace.ApplyAsync(action, document.Project.Solution);
        }

        private sealed class Provider : FixAllContext.DiagnosticProvider
        {
            private readonly ImmutableArray<Diagnostic> diagnostics;

            public Provider(ImmutableArray<Diagnostic> diagnostics) => this.diagnostics = diagnostics;

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

            public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            {
                var tree = await document.GetSyntaxTreeAsync(cancellationToken);
                return diagnostics.Where(d => d.Location.SourceTree == tree);
            }

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult(Enumerable.Empty<Diagnostic>());
        }
    }
}
