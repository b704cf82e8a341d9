using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ResilienceAnalyzers.Survey;

/// <summary>
/// --fixes (issue 12, "a fix-compile suite over real public whole projects"): every code fix our fixers offer on a real
/// project, applied one at a time and as Fix All per project for each rule; the result must not add a compile error
/// (only the changed documents are re-checked: a fix changes no declaration another file sees) and must remove the
/// diagnostic it was offered for. The project references the runtime packages the fixes call (Resilience.Kubernetes,
/// Resilience.Dns), as a user who takes the fixes does.
/// </summary>
internal sealed class FixCompile
{
    private static readonly ImmutableArray<CodeFixProvider> Fixers = typeof(ResilienceAnalyzers.CodeFixes.Kubernetes.RES1002ScopeToNodeFixer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() != null)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>The runtime assemblies the fixes call, referenced like the packages would be.</summary>
    public static ImmutableArray<MetadataReference> RuntimeReferences { get; } = ImmutableArray.Create<MetadataReference>(
        MetadataReference.CreateFromFile(typeof(global::Resilience.Kubernetes.Informers).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(global::Resilience.Dns.CachedDnsResolver).Assembly.Location));

    /// <summary>Resilience.Kubernetes.Hosting (<c>SharedInformerFactory</c>, <c>AddKubernetesInformers</c>), referenced with <c>--hosting</c>.</summary>
    public static MetadataReference HostingReference { get; } = MetadataReference.CreateFromFile(typeof(global::Resilience.Kubernetes.Hosting.SharedInformerFactory).Assembly.Location);

    private readonly Dictionary<string, RuleTotals> totals = new(StringComparer.Ordinal);

    private sealed class RuleTotals
    {
        public int Diagnostics;
        public int Offered;
        public int Applied;
        public int Compiled;
        public int Removed;
        public int FixAllRuns;
        public int FixAllCompiled;
        public int FixAllRemaining;
        public List<string> Failures { get; } = new();
        public List<string> NotOffered { get; } = new();

        /// <summary>Offered fixes by the kind their title names (the part before ':'), e.g. RES1003's private or shared informer.</summary>
        public SortedDictionary<string, int> Kinds { get; } = new(StringComparer.Ordinal);
    }

    public async Task RunAsync(Project surveyed, Options options, ImmutableArray<DiagnosticAnalyzer> analyzers, ImmutableArray<MetadataReference> references)
    {
        var compilation = surveyed.Compile(references.AddRange(RuntimeReferences).AddRange(options.Hosting ? ImmutableArray.Create(HostingReference) : ImmutableArray<MetadataReference>.Empty));
        using var workspace = new AdhocWorkspace();
        var id = ProjectId.CreateNewId();
        var documents = compilation.SyntaxTrees.Select(t => DocumentInfo.Create(
            DocumentId.CreateNewId(id), Path.GetFileName(t.FilePath), loader: TextLoader.From(TextAndVersion.Create(t.GetText(), VersionStamp.Create(), t.FilePath)), filePath: t.FilePath));
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            id, VersionStamp.Create(), compilation.AssemblyName!, compilation.AssemblyName!, LanguageNames.CSharp,
            compilationOptions: compilation.Options, parseOptions: compilation.SyntaxTrees.First().Options,
            documents: documents, metadataReferences: compilation.References));
        var project = solution.GetProject(id)!;
        var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new ConfigProvider(options.GlobalOptions()));
        var before = await AnalyzeAsync(project, analyzers, analyzerOptions).ConfigureAwait(false);
        Console.WriteLine($"== fixes in {LabelEvaluation.Relative(options.Root, surveyed.Directory)}: {before.Length} diagnostics of ours");

        foreach (var diagnostic in before)
        {
            var rule = Totals(diagnostic.Id);
            rule.Diagnostics++;
            var document = project.GetDocument(diagnostic.Location.SourceTree);
            if (document == null)
            {
                continue;
            }

            var offered = await OfferedAsync(document, diagnostic).ConfigureAwait(false);
            if (offered.Count == 0)
            {
                var message = diagnostic.GetMessage();
                rule.NotOffered.Add($"{diagnostic.Id} {diagnostic.Severity} at {LabelEvaluation.Relative(options.Root, diagnostic.Location.GetLineSpan().Path)}:{diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1}: "
                    + diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan).Replace('\n', ' ') + " | " + (message.Length > 160 ? message.Substring(0, 160) : message));
            }

            foreach (var (fixer, action) in offered)
            {
                rule.Offered++;
                string kind = action.Title.Split(':')[0];
                rule.Kinds[kind] = rule.Kinds.TryGetValue(kind, out int count) ? count + 1 : 1;
                string where = $"{fixer.GetType().Name} '{action.Title}' for {diagnostic.Id} at {LabelEvaluation.Relative(options.Root, diagnostic.Location.GetLineSpan().Path)}:{diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1}";
                var changed = await ApplyAsync(action, project.Solution).ConfigureAwait(false);
                var fixedProject = changed.GetProject(id)!;
                if (fixedProject == project || !fixedProject.GetChanges(project).GetChangedDocuments().Any())
                {
                    rule.Failures.Add(where + ": changed nothing");
                    continue;
                }

                rule.Applied++;
                var newErrors = await NewErrorsAsync(project, fixedProject).ConfigureAwait(false);
                if (newErrors.Count > 0)
                {
                    rule.Failures.Add(where + " introduced: " + string.Join("; ", newErrors.Take(3)));
                    continue;
                }

                rule.Compiled++;
                var after = await AnalyzeAsync(fixedProject, analyzers, analyzerOptions).ConfigureAwait(false);
                if (after.Count(d => d.Id == diagnostic.Id) < before.Count(d => d.Id == diagnostic.Id))
                {
                    rule.Removed++;
                }
                else
                {
                    rule.Failures.Add(where + ": the diagnostic is still there");
                }
            }
        }

        // Fix All in the project, per fixer and equivalence key: compiles, and what it was offered for is gone.
        foreach (var fixer in Fixers)
        {
            var fixable = before.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id)).ToImmutableArray();
            foreach (var group in await FirstActionsAsync(project, fixer, fixable).ConfigureAwait(false))
            {
                var rule = Totals(group.Diagnostic.Id);
                rule.FixAllRuns++;
                var fixAll = fixer.GetFixAllProvider();
                if (fixAll == null)
                {
                    continue;
                }

                var context = new FixAllContext(project.GetDocument(group.Diagnostic.Location.SourceTree)!, fixer, FixAllScope.Project, group.EquivalenceKey,
                    fixable.Select(d => d.Id).Distinct(), new Provider(fixable), CancellationToken.None);
                var action = await fixAll.GetFixAsync(context).ConfigureAwait(false);
                if (action == null)
                {
                    continue;
                }

                var fixedProject = (await ApplyAsync(action, project.Solution).ConfigureAwait(false)).GetProject(id)!;
                var newErrors = await NewErrorsAsync(project, fixedProject).ConfigureAwait(false);
                if (newErrors.Count > 0)
                {
                    rule.Failures.Add($"Fix All {fixer.GetType().Name} ({group.EquivalenceKey}) introduced: " + string.Join("; ", newErrors.Take(3)));
                    continue;
                }

                rule.FixAllCompiled++;
                var after = await AnalyzeAsync(fixedProject, analyzers, analyzerOptions).ConfigureAwait(false);
                rule.FixAllRemaining += after.Count(d => fixer.FixableDiagnosticIds.Contains(d.Id));
            }
        }
    }

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("######## fixes: every offered fix applied alone, and Fix All in the project per fixer and key");
        output.WriteLine($"   {"rule",-8} {"diagnostics",11} {"offered",8} {"applied",8} {"compiled",9} {"removed",8} {"fix-all",8} {"compiled",9} {"left after",10}");
        foreach (var (id, rule) in totals.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"   {id,-8} {rule.Diagnostics,11} {rule.Offered,8} {rule.Applied,8} {rule.Compiled,9} {rule.Removed,8} {rule.FixAllRuns,8} {rule.FixAllCompiled,9} {rule.FixAllRemaining,10}");
        }

        foreach (var (id, rule) in totals.OrderBy(p => p.Key, StringComparer.Ordinal).Where(p => p.Value.Kinds.Count > 0))
        {
            output.WriteLine($"   {id} offered: " + string.Join(", ", rule.Kinds.Select(k => $"{k.Value} '{k.Key}'")));
        }

        foreach (var (id, rule) in totals.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var failure in rule.Failures)
            {
                output.WriteLine("   FAILED " + failure);
            }
        }

        foreach (var (id, rule) in totals.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var missing in rule.NotOffered)
            {
                output.WriteLine("   NO FIX " + missing);
            }
        }
    }

    public bool AnyFailure => totals.Values.Any(r => r.Failures.Count > 0);

    private RuleTotals Totals(string id) => totals.TryGetValue(id, out var t) ? t : totals[id] = new RuleTotals();

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Microsoft.CodeAnalysis.Project project, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options)
    {
        var compilation = (await project.GetCompilationAsync().ConfigureAwait(false))!;
        var diagnostics = await compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(options, null, concurrentAnalysis: false, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
        return diagnostics.Where(d => d.Id.StartsWith("RES", StringComparison.Ordinal) && d.Id != "RES0001").ToImmutableArray();
    }

    private static async Task<IReadOnlyList<(CodeFixProvider Fixer, CodeAction Action)>> OfferedAsync(Document document, Diagnostic diagnostic)
    {
        var actions = new List<(CodeFixProvider, CodeAction)>();
        foreach (var fixer in Fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
        {
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add((fixer, action)), CancellationToken.None)).ConfigureAwait(false);
        }

        return actions;
    }

    /// <summary>One diagnostic per equivalence key this fixer offers on the project, to start a Fix All from.</summary>
    private static async Task<List<(Diagnostic Diagnostic, string? EquivalenceKey)>> FirstActionsAsync(Microsoft.CodeAnalysis.Project project, CodeFixProvider fixer, ImmutableArray<Diagnostic> fixable)
    {
        var keys = new Dictionary<string, Diagnostic>(StringComparer.Ordinal);
        foreach (var diagnostic in fixable)
        {
            var document = project.GetDocument(diagnostic.Location.SourceTree);
            if (document == null)
            {
                continue;
            }

            foreach (var (owner, action) in await OfferedAsync(document, diagnostic).ConfigureAwait(false))
            {
                if (owner == fixer && !keys.ContainsKey(action.EquivalenceKey ?? string.Empty))
                {
                    keys[action.EquivalenceKey ?? string.Empty] = diagnostic;
                }
            }
        }

        return keys.Select(p => (p.Value, (string?)(p.Key.Length == 0 ? null : p.Key))).ToList();
    }

    private static async Task<Solution> ApplyAsync(CodeAction action, Solution solution)
    {
        foreach (var operation in await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (operation is ApplyChangesOperation apply)
            {
                return apply.ChangedSolution;
            }
        }

        return solution;
    }

    /// <summary>Errors in the changed documents that were not there before (by ID and message, so moved lines do not count).</summary>
    private static async Task<List<string>> NewErrorsAsync(Microsoft.CodeAnalysis.Project before, Microsoft.CodeAnalysis.Project after)
    {
        var beforeCompilation = (await before.GetCompilationAsync().ConfigureAwait(false))!;
        var afterCompilation = (await after.GetCompilationAsync().ConfigureAwait(false))!;
        var found = new List<string>();
        foreach (var documentId in after.GetChanges(before).GetChangedDocuments())
        {
            var oldTree = (await before.GetDocument(documentId)!.GetSyntaxTreeAsync().ConfigureAwait(false))!;
            var newTree = (await after.GetDocument(documentId)!.GetSyntaxTreeAsync().ConfigureAwait(false))!;
            var old = Errors(beforeCompilation.GetSemanticModel(oldTree).GetDiagnostics());
            foreach (var error in Errors(afterCompilation.GetSemanticModel(newTree).GetDiagnostics()))
            {
                if (!old.Remove(error))
                {
                    found.Add(Path.GetFileName(newTree.FilePath) + ": " + error);
                }
            }
        }

        return found;
    }

    private static List<string> Errors(ImmutableArray<Diagnostic> diagnostics)
        => diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id + " " + d.GetMessage()).ToList();

    private sealed class Provider : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> diagnostics;

        public Provider(ImmutableArray<Diagnostic> diagnostics) => this.diagnostics = diagnostics;

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Microsoft.CodeAnalysis.Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            return diagnostics.Where(d => d.Location.SourceTree == tree);
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Microsoft.CodeAnalysis.Project project, CancellationToken cancellationToken) => Task.FromResult(Enumerable.Empty<Diagnostic>());
    }
}
