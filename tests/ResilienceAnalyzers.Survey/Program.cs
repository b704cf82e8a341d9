using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ResilienceAnalyzers.Survey;

/// <summary>
/// Runs every analyzer of ResilienceAnalyzers over a directory of someone else's C#: one compilation per project
/// (the files under the nearest folder holding a *.csproj), against the SDK reference packs and the real
/// KubernetesClient. Third-party code has dependencies we do not have, so compilations are partial; the
/// analyzers must cope. Prints every diagnostic, the client call sites the recognizer saw (and list/watch-looking
/// ones it did not), and every analyzer exception with its stack.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }

        var analyzers = Analyzers.All();
        var recognizer = new Recognizer();
        if (options.Manifest != null)
        {
            return await RunManifestAsync(options, analyzers, recognizer).ConfigureAwait(false);
        }

        var run = await RunAsync(options, analyzers, recognizer).ConfigureAwait(false);
        if (options.Fixes)
        {
            FixResults.Print(Console.Out);
        }

        if (options.Labels.Count > 0)
        {
            var totals = new LabelScore();
            var set = LabelSet.Load(options.Labels);
            set.PrintProblems(Console.Out);
            totals.Add(LabelEvaluation.Evaluate(set, run, options.Root, Console.Out));
            if (set.Files.Count > 1)
            {
                totals.Print(Console.Out, "all label files");
            }
        }

        return run.Summary.Exceptions.Count > 0 || FixResults.AnyFailure ? 1 : 0;
    }

    /// <summary>Every --fixes result of this process (all manifest entries together).</summary>
    private static readonly FixCompile FixResults = new();

    /// <summary>Analyzes one directory with one set of options: prints per project, returns what the labels are matched against.</summary>
    private static async Task<SurveyRun> RunAsync(Options options, ImmutableArray<DiagnosticAnalyzer> analyzers, Recognizer recognizer)
    {
        var references = References.Load(options.AspNet);
        var run = new SurveyRun(options);
        foreach (var project in Projects.Find(options))
        {
            run.AnalyzedFiles.UnionWith(project.Files.Select(f => LabelEvaluation.Relative(options.Root, f)));
            await AnalyzeProjectAsync(project, options, analyzers, references, recognizer, run.Summary, run.Diagnostics).ConfigureAwait(false);
            if (options.Fixes)
            {
                await FixResults.RunAsync(project, options, analyzers, references).ConfigureAwait(false);
            }
        }

        run.Summary.Print(options);
        return run;
    }

    /// <summary>
    /// --manifest: every line names a label file, the repository's extracted root and the survey flags; each entry is
    /// analyzed and scored, then the per-family totals are printed (one command reproduces the numbers).
    /// </summary>
    private static async Task<int> RunManifestAsync(Options options, ImmutableArray<DiagnosticAnalyzer> analyzers, Recognizer recognizer)
    {
        List<ManifestEntry> entries;
        try
        {
            entries = ManifestEntry.Load(options.Manifest!, options.SurveyDir);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        var totals = new LabelScore();
        var evaluated = new HashSet<LabelRow>();
        var allRows = new List<LabelRow>();
        var loaded = new Dictionary<string, LabelSet>(StringComparer.Ordinal);
        int exceptions = 0;
        foreach (var entry in entries)
        {
            Console.WriteLine();
            Console.WriteLine($"######## {Path.GetFileName(entry.LabelFile)}: {entry.Root} {string.Join(' ', entry.Flags)}");
            if (!Directory.Exists(entry.Root))
            {
                Console.WriteLine($"SKIPPED: {entry.Root} does not exist (extract the repository there first; see the label file's header)");
                continue;
            }

            Options entryOptions;
            try
            {
                entryOptions = Options.Parse(entry.Flags.Prepend(entry.Root).Concat(options.PassThrough()).ToArray());
            }
            catch (ArgumentException e)
            {
                Console.WriteLine($"SKIPPED: bad flags in {options.Manifest}: {e.Message}");
                continue;
            }

            if (!loaded.TryGetValue(entry.LabelFile, out var set))
            {
                set = loaded[entry.LabelFile] = LabelSet.Load(new[] { entry.LabelFile });
                set.PrintProblems(Console.Out);
                allRows.AddRange(set.Rows);
            }

            var run = await RunAsync(entryOptions, analyzers, recognizer).ConfigureAwait(false);
            exceptions += run.Summary.Exceptions.Count;
            var score = LabelEvaluation.Evaluate(set, run, entryOptions.Root, Console.Out, evaluated);
            totals.Add(score);
        }

        var never = allRows.Where(r => !evaluated.Contains(r)).ToList();
        Console.WriteLine();
        Console.WriteLine($"######## totals over {entries.Count} manifest entries, {allRows.Count} label rows ({never.Count} never analyzed)");
        foreach (var row in never)
        {
            Console.WriteLine($"  never analyzed: {row.Where} {row.Family} {row.Label} ({Path.GetFileName(row.Source)}:{row.SourceLine})");
        }

        totals.Print(Console.Out, "all repositories");
        if (options.Fixes)
        {
            FixResults.Print(Console.Out);
        }

        return exceptions > 0 || FixResults.AnyFailure ? 1 : 0;
    }

    private static async Task AnalyzeProjectAsync(
        Project project,
        Options options,
        ImmutableArray<DiagnosticAnalyzer> analyzers,
        ImmutableArray<MetadataReference> references,
        Recognizer recognizer,
        Summary summary,
        List<Diagnostic> collected)
    {
        var compilation = project.Compile(references);
        var trees = compilation.SyntaxTrees.ToList();
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var exceptions = new List<string>();
        var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new ConfigProvider(options.GlobalOptions()));
        var withAnalyzers = compilation.WithAnalyzers(
            analyzers,
            new CompilationWithAnalyzersOptions(
                analyzerOptions,
                onAnalyzerException: (exception, analyzer, diagnostic) =>
                {
                    lock (exceptions)
                    {
                        exceptions.Add(analyzer.GetType().Name + ": " + exception);
                    }
                },
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false));

        var diagnostics = (await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false))
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToList();

        collected.AddRange(diagnostics);
        var calls = new List<CallSite>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var invocation in tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                var site = recognizer.Classify(model, invocation);
                if (site != null)
                {
                    calls.Add(site);
                }
            }
        }

        summary.Add(project, options, trees.Count - (project.GlobalUsings.Count > 0 ? 1 : 0), errors, diagnostics, calls, exceptions);
    }
}

internal static class Analyzers
{
    /// <summary>Every non-abstract analyzer with [DiagnosticAnalyzer] in the product assembly.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> All()
        => typeof(ResilienceAnalyzers.Kubernetes.RES1001UnboundedListAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() != null)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
}

internal sealed record CallSite(string File, int Line, string Kind, string Text);

/// <summary>
/// Asks the product's own recognizer (internal <c>KubernetesApi</c>, reached by reflection: the survey must see
/// exactly what the rules see) about every invocation, and flags list/watch-looking calls it did not take.
/// </summary>
internal sealed class Recognizer
{
    private static readonly Regex ListOrWatch = new("^(Watch|List|ListNamespaced|WatchList|WatchNamespaced)", RegexOptions.Compiled);
    private readonly MethodInfo tryGetCall;
    private readonly MethodInfo tryGetUnboundCall;
    private readonly MethodInfo isApiCall;

    public Recognizer()
    {
        var api = typeof(ResilienceAnalyzers.Kubernetes.RES1001UnboundedListAnalyzer).Assembly.GetType("ResilienceAnalyzers.Kubernetes.KubernetesApi", throwOnError: true)!;
        var callType = api.Assembly.GetType("ResilienceAnalyzers.Kubernetes.KubernetesCall", throwOnError: true)!.MakeByRefType();
        tryGetCall = api.GetMethod("TryGetCall", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, new[] { typeof(IInvocationOperation), callType })!;
        tryGetUnboundCall = api.GetMethod("TryGetUnboundCall", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, new[] { typeof(IInvalidOperation), callType })!;
        isApiCall = api.GetMethod("IsApiCall", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;
    }

    public CallSite? Classify(SemanticModel model, InvocationExpressionSyntax syntax)
    {
        var line = syntax.GetLocation().GetLineSpan();
        string text = Shorten(syntax.Expression.ToString());
        var symbolInfo = model.GetSymbolInfo(syntax);
        var method = symbolInfo.Symbol as IMethodSymbol;
        string name = syntax.Expression switch
        {
            MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
            IdentifierNameSyntax i => i.Identifier.ValueText,
            GenericNameSyntax g => g.Identifier.ValueText,
            _ => "",
        };

        if (method == null)
        {
            // Does not bind: what the rules read from it (its only candidate, or the pre-10.x operation on IKubernetes).
            if (model.GetOperation(syntax) is IInvalidOperation invalid)
            {
                object?[] unboundArgs = { invalid, null };
                if ((bool)tryGetUnboundCall.Invoke(null, unboundArgs)!)
                {
                    var call = unboundArgs[1]!;
                    return new CallSite(line.Path, line.StartLinePosition.Line + 1, "RECOGNIZED (unbound) " + Property(call, "Verb") + " " + Property(call, "Kind") + " " + Property(call, "Scope") + " " + Property(call, "Shape"), text);
                }
            }

            // Unresolved: only interesting if it looks like a client call (a candidate in k8s, or a client-looking name).
            var candidate = symbolInfo.CandidateSymbols.OfType<IMethodSymbol>().FirstOrDefault();
            bool k8sCandidate = candidate != null && InClientNamespace(candidate.ContainingType);
            bool looksLikeClient = Regex.IsMatch(name, "^(Watch)?List[A-Z].*(Namespaced|ForAllNamespaces|Node|Pod|Endpoints|Service|CustomObject)", RegexOptions.None)
                || name.EndsWith("WithHttpMessagesAsync", StringComparison.Ordinal);
            return k8sCandidate || looksLikeClient
                ? new CallSite(line.Path, line.StartLinePosition.Line + 1, "UNRESOLVED " + symbolInfo.CandidateReason, text)
                : null;
        }

        if (!InClientNamespace(method.ContainingType))
        {
            return null;
        }

        var operation = model.GetOperation(syntax) as IInvocationOperation;
        if (operation != null)
        {
            object?[] args = { operation, null };
            if ((bool)tryGetCall.Invoke(null, args)!)
            {
                var call = args[1]!;
                string verb = Property(call, "Verb");
                string kind = Property(call, "Kind");
                string scope = Property(call, "Scope");
                string shape = Property(call, "Shape");
                return new CallSite(line.Path, line.StartLinePosition.Line + 1, "RECOGNIZED " + verb + " " + kind + " " + scope + " " + shape, text);
            }
        }

        bool api = (bool)isApiCall.Invoke(null, new object[] { method })!;
        if (ListOrWatch.IsMatch(method.Name) || method.Name is "Watch" or "WatchAsync")
        {
            return new CallSite(line.Path, line.StartLinePosition.Line + 1, "MISSED list/watch-looking " + method.ContainingType.Name + "." + method.Name, text);
        }

        return api ? new CallSite(line.Path, line.StartLinePosition.Line + 1, "API " + method.ContainingType.Name + "." + method.Name, text) : null;
    }

    private static string Property(object o, string name) => o.GetType().GetProperty(name)?.GetValue(o)?.ToString() ?? "?";

    private static bool InClientNamespace(INamedTypeSymbol? type)
    {
        var ns = type?.ContainingNamespace;
        while (ns != null && !ns.IsGlobalNamespace && ns.ContainingNamespace is { IsGlobalNamespace: false })
        {
            ns = ns.ContainingNamespace;
        }

        return ns != null && ns.Name == "k8s";
    }

    private static string Shorten(string s)
    {
        s = Regex.Replace(s, "\\s+", " ");
        return s.Length > 90 ? s.Substring(0, 87) + "..." : s;
    }
}

internal sealed class Summary
{
    private int files;
    private int projects;
    private int compileErrors;
    private readonly SortedDictionary<string, int> perRule = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> callKinds = new(StringComparer.Ordinal);

    public List<string> Exceptions { get; } = new();

    public void Add(Project project, Options options, int fileCount, List<Diagnostic> errors, List<Diagnostic> diagnostics, List<CallSite> calls, List<string> exceptions)
    {
        projects++;
        files += fileCount;
        compileErrors += errors.Count;
        string relativeProject = Path.GetRelativePath(options.Root, project.Directory);
        int recognized = calls.Count(c => c.Kind.StartsWith("RECOGNIZED", StringComparison.Ordinal));
        Console.WriteLine($"== {relativeProject}: {fileCount} files, {errors.Count} compile errors, {recognized} LIST/WATCH call sites recognized, {calls.Count(c => c.Kind.StartsWith("API", StringComparison.Ordinal))} other API calls, {calls.Count(c => c.Kind.StartsWith("MISSED", StringComparison.Ordinal) || c.Kind.StartsWith("UNRESOLVED", StringComparison.Ordinal))} missed/unresolved");
        if (options.PrintErrors && errors.Count > 0)
        {
            foreach (var group in errors.GroupBy(e => e.Id + " " + e.GetMessage()).OrderByDescending(g => g.Count()).Take(8))
            {
                Console.WriteLine($"   error x{group.Count()}: {group.Key}");
            }
        }

        foreach (var call in calls)
        {
            string key = call.Kind.Split(' ')[0];
            callKinds[key] = callKinds.GetValueOrDefault(key) + 1;
            if (options.PrintCalls && !options.LabelsOnly && !call.Kind.StartsWith("API", StringComparison.Ordinal))
            {
                Console.WriteLine($"   call {Path.GetRelativePath(options.Root, call.File)}:{call.Line}: {call.Kind}: {call.Text}");
            }
        }

        foreach (var d in diagnostics)
        {
            var span = d.Location.GetLineSpan();
            string where = d.Location.IsInSource ? Path.GetRelativePath(options.Root, span.Path) + ":" + (span.StartLinePosition.Line + 1) : "(no location)";
            if (!options.LabelsOnly)
            {
                Console.WriteLine($"{where}: {d.Id} {d.Severity}: {d.GetMessage()}");
            }

            perRule[d.Id] = perRule.GetValueOrDefault(d.Id) + 1;
            if (d.Id == "AD0001")
            {
                Exceptions.Add(where + ": " + d.GetMessage());
            }
        }

        foreach (string e in exceptions)
        {
            Console.WriteLine("ANALYZER EXCEPTION in " + relativeProject + ": " + e);
            Exceptions.Add(relativeProject + ": " + e);
        }
    }

    public void Print(Options options)
    {
        Console.WriteLine();
        Console.WriteLine("== summary: " + options.Root);
        Console.WriteLine($"settings: {options.Describe()}");
        Console.WriteLine($"projects: {projects}, files: {files}, compile errors: {compileErrors} (partial compilations are expected)");
        Console.WriteLine("KubernetesClient call sites: " + (callKinds.Count == 0 ? "none" : string.Join(", ", callKinds.Select(k => k.Key.ToLowerInvariant() + " " + k.Value))));
        Console.WriteLine("diagnostics: " + (perRule.Count == 0 ? "none" : string.Join(", ", perRule.Select(k => k.Key + " " + k.Value))));
        Console.WriteLine("analyzer exceptions: " + Exceptions.Count);
        foreach (string e in Exceptions)
        {
            Console.WriteLine("  " + e);
        }
    }
}
