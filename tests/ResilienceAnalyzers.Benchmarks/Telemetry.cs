using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ResilienceAnalyzers.Benchmarks;

/// <summary>
/// Per-analyzer execution time from the analyzer driver's own telemetry (<c>logAnalyzerExecutionTime</c>), all of a
/// package's analyzers on one compilation as in a build: compares our slowest analyzer with the peer's median.
/// </summary>
public static class Telemetry
{
    public static async Task<IReadOnlyList<(string Analyzer, double Milliseconds)>> MeasureAsync(Workload workload, string scenarioName, int runs)
    {
        var scenario = Scenario.Create(scenarioName, workload);
        var times = scenario.Analyzers.ToDictionary(a => a, _ => new List<double>());
        var enabled = scenario.Analyzers.Where(a => !IsSuppressed(a, workload.Compilation.Options)).ToImmutableHashSet();
        for (int run = 0; run < runs; run++)
        {
            await scenario.RunAsync(workload, logExecutionTime: true, inspect: withAnalyzers =>
            {
                foreach (var analyzer in scenario.Analyzers)
                {
                    var info = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default).GetAwaiter().GetResult();
                    times[analyzer].Add(info.ExecutionTime.TotalMilliseconds);
                }
            }).ConfigureAwait(false);
        }

        // Analyzers whose every rule is off by default never run (the driver skips them): not part of the median.
        return times.Where(t => enabled.Contains(t.Key))
            .Select(t => (Name(t.Key), Median(t.Value)))
            .OrderByDescending(t => t.Item2)
            .ToList();
    }

    public static async Task ReportAsync(Workload workload, int runs)
    {
        var ours = await MeasureAsync(workload, Scenario.AllOurs, runs).ConfigureAwait(false);
        Console.WriteLine();
        Console.WriteLine($"Per-analyzer execution time (analyzer driver telemetry, median of {runs} run(s), {workload.Files} generated files + sample):");
        Console.WriteLine("ResilienceAnalyzers:");
        foreach (var (name, ms) in ours)
        {
            Console.WriteLine($"  {name,-45} {ms,10:F2} ms");
        }

        Console.WriteLine($"  {"total",-45} {ours.Sum(o => o.Milliseconds),10:F2} ms");

        // Alone: no other analyzer shares (or is charged for) the first touch of lazily built operation state.
        // The empty analyzer is the driver's floor for one invocation callback per call site.
        Console.WriteLine("Each alone (same telemetry), and the empty analyzer as the per-callback floor:");
        foreach (string name in new[] { Scenario.Empty }.Concat(ours.Select(o => o.Analyzer.Split(' ')[0])))
        {
            var alone = await MeasureAsync(workload, name, Math.Min(runs, 3)).ConfigureAwait(false);
            Console.WriteLine($"  {name,-45} {alone.Sum(a => a.Milliseconds),10:F2} ms");
        }

        var slowest = ours[0];
        foreach (string peer in new[] { Scenario.Meziantou, Scenario.NetAnalyzers })
        {
            var times = await MeasureAsync(workload, peer, runs).ConfigureAwait(false);
            double median = Median(times.Select(t => t.Milliseconds).ToList());
            double p90 = Percentile(times.Select(t => t.Milliseconds).ToList(), 0.9);
            Console.WriteLine($"{peer}: {times.Count} enabled analyzers, total {times.Sum(t => t.Milliseconds):F1} ms, median {median:F2} ms, p90 {p90:F2} ms, slowest {times[0].Analyzer} {times[0].Milliseconds:F1} ms");
            foreach (var (name, ms) in times.Take(5))
            {
                Console.WriteLine($"  {name,-60} {ms,10:F2} ms");
            }

            string verdict = slowest.Milliseconds <= median ? "MET" : "NOT MET";
            Console.WriteLine($"  goal 'our slowest ({slowest.Analyzer}, {slowest.Milliseconds:F2} ms) <= peer median ({median:F2} ms)': {verdict} (ratio {slowest.Milliseconds / Math.Max(median, 1e-9):F2})");
        }
    }

    /// <summary>Whether the driver skips the analyzer: every rule it reports is off (by the options, else by default).</summary>
    public static bool IsSuppressed(DiagnosticAnalyzer analyzer, CompilationOptions options)
    {
        var specific = options.SpecificDiagnosticOptions;
        return analyzer.SupportedDiagnostics.All(d =>
            specific.TryGetValue(d.Id, out var option) ? option == ReportDiagnostic.Suppress : !d.IsEnabledByDefault);
    }

    public static string Name(DiagnosticAnalyzer analyzer)
    {
        string ids = string.Join(",", analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal).Take(3));
        return analyzer.GetType().Name + " (" + ids + (analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().Count() > 3 ? ",…" : string.Empty) + ")";
    }

    public static double Median(IList<double> values) => Percentile(values, 0.5);

    private static double Percentile(IList<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToList();
        if (sorted.Count == 0)
        {
            return 0;
        }

        double rank = p * (sorted.Count - 1);
        int lo = (int)Math.Floor(rank);
        int hi = (int)Math.Ceiling(rank);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }
}
