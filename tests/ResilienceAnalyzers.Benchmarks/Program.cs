using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace ResilienceAnalyzers.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/ResilienceAnalyzers.Benchmarks -- --quick</c>: every scenario once on a
/// small workload, counts asserted, plus per-analyzer telemetry (seconds).
/// <c>-- --telemetry</c>: per-analyzer telemetry on the full workload.
/// <c>-- --real &lt;dir&gt; [survey flags]</c>: the same telemetry on a real project, against compile time (<see cref="RealProjects"/>).
/// Anything else goes to BenchmarkDotNet, e.g. <c>-- --filter '*'</c> (docs/performance.md) or <c>-- --filter '*' --job dry</c>.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Contains("--quick"))
        {
            await QuickAsync().ConfigureAwait(false);
            return 0;
        }

        if (args.Contains("--real"))
        {
            return await RealProjects.RunAsync(args).ConfigureAwait(false);
        }

        int repeat = Array.IndexOf(args, "--repeat");
        if (repeat >= 0)
        {
            // For a profiler or a quick look: one scenario, compiled again and again.
            await RepeatAsync(args[repeat + 1], int.Parse(args[repeat + 2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[repeat + 3], System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
            return 0;
        }

        if (args.Contains("--telemetry"))
        {
            var workload = Workload.Create(Workload.FullFiles);
            Describe(workload);
            await Telemetry.ReportAsync(workload, runs: 5).ConfigureAwait(false);
            return 0;
        }

        // A compile takes seconds: one per iteration, a fixed number of iterations (the default job would take hours).
        IConfig config = DefaultConfig.Instance
            .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"))
            .AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(6).WithInvocationCount(1).WithUnrollFactor(1).WithId("Compile").AsDefault());
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }

    private static async Task QuickAsync()
    {
        var workload = Workload.Create(Workload.QuickFiles);
        Describe(workload);
        foreach (string name in Scenario.Names())
        {
            var scenario = Scenario.Create(name, workload);
            var watch = Stopwatch.StartNew();
            int count = await scenario.RunAsync(workload).ConfigureAwait(false);
            Console.WriteLine($"{name,-45} {watch.Elapsed.TotalMilliseconds,9:F0} ms  {count,5} diagnostics (expected {scenario.Expected})");
        }

        await Telemetry.ReportAsync(workload, runs: 1).ConfigureAwait(false);
    }

    private static async Task RepeatAsync(string name, int files, int runs)
    {
        var workload = Workload.Create(files);
        Describe(workload);
        var scenario = Scenario.Create(name, workload);
        for (int run = 0; run < runs; run++)
        {
            var watch = Stopwatch.StartNew();
            int count = await scenario.RunAsync(workload).ConfigureAwait(false);
            Console.WriteLine($"{name} run {run + 1}: {watch.Elapsed.TotalMilliseconds:F0} ms, {count} diagnostics");
        }
    }

    private static void Describe(Workload workload)
        => Console.WriteLine($"Workload: {workload.Files} generated files + sample = {workload.SyntaxTrees} syntax trees, {workload.Invocations:N0} invocations; Roslyn {typeof(Microsoft.CodeAnalysis.Compilation).Assembly.GetName().Version}");
}
