using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ResilienceAnalyzers.Benchmarks;

/// <summary>One row of the table: what runs on the compilation, and how many diagnostics it must report.</summary>
public sealed class Scenario
{
    // BenchmarkDotNet shortens parameter values past 20 characters: the names stay under that.
    public const string CompileOnly = "compile only";
    public const string Empty = "empty analyzer";
    public const string AllOurs = "RES* (all ours)";
    public const string Meziantou = "Meziantou (all)";
    public const string NetAnalyzers = "NetAnalyzers (all)";

    /// <summary>
    /// Diagnostics of the sample agent (samples/NodeTelemetryAgent) per rule, as the end-to-end build test
    /// asserts them: the cluster-wide pod and node lists in the 30 s loop (RES1001, RES1002, RES1003 on each),
    /// the watch restarted by a loop (RES1004), the startup retry every 5 s (RES1005), the lookup before the
    /// connect (RES2001).
    /// </summary>
    private static readonly ImmutableDictionary<string, int> Sample = new Dictionary<string, int>
    {
        ["RES0001"] = 0,
        ["RES1001"] = 2,
        ["RES1002"] = 2,
        ["RES1003"] = 2,
        ["RES1004"] = 1,
        ["RES1005"] = 1,
        ["RES2001"] = 1,
        ["RES2002"] = 0,
        ["RES2003"] = 0,
    }.ToImmutableDictionary();

    /// <summary>
    /// The peer packages' counts in the generated files, pinned from a run (they are not built to trigger anything in
    /// particular; pinning still catches a run that silently analyzed nothing or a changed peer version). The
    /// sample's peer diagnostics are left out: the sample is edited with the product, and only our rules are its spec.
    /// Keyed by generated file count.
    /// </summary>
    private static readonly ImmutableDictionary<(string, int), int> Peers = new Dictionary<(string, int), int>
    {
        // Meziantou.Analyzer 3.0.321, default severities: MA0002, MA0006, MA0038, MA0048, MA0075, MA0089, MA0106, MA0159, MA0193.
        [(Meziantou, Workload.FullFiles)] = 2760,
        [(Meziantou, Workload.QuickFiles)] = 140,
        // NetAnalyzers 10.0.401, default severities: CA1822, CA1848, CA1873.
        [(NetAnalyzers, Workload.FullFiles)] = 1550,
        [(NetAnalyzers, Workload.QuickFiles)] = 81,
    }.ToImmutableDictionary();

    private Scenario(string name, ImmutableArray<DiagnosticAnalyzer> analyzers, int expected, bool generatedOnly = false)
    {
        GeneratedOnly = generatedOnly;
        Name = name;
        Analyzers = analyzers;
        Expected = expected;
    }

    public string Name { get; }

    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; }

    /// <summary>Diagnostics the run must report: analyzer diagnostics, or for compile only the compiler's.</summary>
    public int Expected { get; }

    /// <summary>Only diagnostics in the generated files count (the peers).</summary>
    public bool GeneratedOnly { get; }

    public override string ToString() => Name;

    /// <summary>Each of our analyzers is named by its rule (one rule per analyzer).</summary>
    public static string RuleOf(DiagnosticAnalyzer analyzer) => analyzer.SupportedDiagnostics[0].Id;

    public static IReadOnlyList<string> Names()
        => new[] { CompileOnly, Empty }
            .Concat(AnalyzerSets.Ours().Select(RuleOf).OrderBy(id => id, StringComparer.Ordinal))
            .Concat(new[] { AllOurs, Meziantou, NetAnalyzers })
            .ToList();

    public static Scenario Create(string name, Workload workload)
    {
        var ours = AnalyzerSets.Ours();
        int triggers = WorkloadGenerator.TriggerFiles(workload.Files);
        int ExpectedOf(DiagnosticAnalyzer analyzer)
            => analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().Sum(id => Sample[id] + (id == "RES0001" ? 0 : triggers));

        switch (name)
        {
            case CompileOnly:
                return new Scenario(name, ImmutableArray<DiagnosticAnalyzer>.Empty, 0);
            case Empty:
                return new Scenario(name, ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer()), 0);
            case AllOurs:
                return new Scenario(name, ours, ours.Sum(ExpectedOf));
            case Meziantou:
                return new Scenario(name, AnalyzerSets.Meziantou(), Peers.GetValueOrDefault((name, workload.Files), -1), generatedOnly: true);
            case NetAnalyzers:
                return new Scenario(name, AnalyzerSets.NetAnalyzers(), Peers.GetValueOrDefault((name, workload.Files), -1), generatedOnly: true);
            default:
                var analyzer = ours.Single(a => RuleOf(a) == name || a.GetType().Name == name);
                return new Scenario(name, ImmutableArray.Create(analyzer), ExpectedOf(analyzer));
        }
    }

    /// <summary>Compiles a fresh copy of the workload with this scenario's analyzers; throws unless the count is the expected one.</summary>
    public async Task<int> RunAsync(Workload workload, bool logExecutionTime = false, Action<CompilationWithAnalyzers>? inspect = null)
    {
        var compilation = workload.FreshCompilation();
        ImmutableArray<Diagnostic> diagnostics;
        if (Analyzers.IsEmpty)
        {
            // What a build shows: hidden diagnostics (unnecessary usings) are IDE-only.
            diagnostics = compilation.GetDiagnostics().Where(d => d.Severity != DiagnosticSeverity.Hidden).ToImmutableArray();
        }
        else
        {
            Exception? failure = null;
            var options = new CompilationWithAnalyzersOptions(
                workload.Options.ToAnalyzerOptions(),
                onAnalyzerException: (e, analyzer, _) => failure ??= new InvalidOperationException(analyzer.GetType().Name + " threw: " + e.Message, e),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: logExecutionTime,
                reportSuppressedDiagnostics: false);
            var withAnalyzers = compilation.WithAnalyzers(Analyzers, options);
            diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
            if (failure != null)
            {
                throw failure;
            }

            inspect?.Invoke(withAnalyzers);
        }

        if (GeneratedOnly)
        {
            diagnostics = diagnostics.Where(d => d.Location.SourceTree?.FilePath.StartsWith(WorkloadGenerator.Folder, StringComparison.Ordinal) == true).ToImmutableArray();
        }

        if (diagnostics.Length != Expected)
        {
            string byId = string.Join(", ", diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key + "×" + g.Count()));
            string first = string.Join("\n  ", diagnostics.Take(5).Select(d => d.ToString()));
            throw new InvalidOperationException($"{Name}: {diagnostics.Length} diagnostics, expected {Expected} ({byId})\n  {first}");
        }

        return diagnostics.Length;
    }
}
