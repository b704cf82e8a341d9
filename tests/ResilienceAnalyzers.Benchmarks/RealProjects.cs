using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ResilienceAnalyzers.Survey;

namespace ResilienceAnalyzers.Benchmarks;

/// <summary>
/// <c>--real &lt;dir&gt; [survey flags] [--runs N] [--alone] [--memory]</c>: the package's cost on a real project, compiled
/// the way the survey compiles it (tests/ResilienceAnalyzers.Survey/Projects.cs, linked: SDK reference packs, the real
/// KubernetesClient, the project's global usings, <c>--only</c>/<c>--single</c>/<c>--workload</c> as there). For each
/// project found, after one warm-up, N runs of: the compile alone (<c>GetDiagnostics</c> + <c>Emit</c>), the empty
/// analyzer (the driver's floor), all of ours and all of Meziantou.Analyzer's, with the driver's telemetry
/// (<c>logAnalyzerExecutionTime</c>). Every run compiles a fresh <see cref="Compilation.Clone"/>, single-threaded.
/// </summary>
public static class RealProjects
{
    public const string Usage =
        "usage: --real <dir> [--only <folder>]... [--exclude <folder>]... [--single] [--skip-tests] [--workload W] [--replicas N]\n" +
        "              [--runs N (default 5)] [--warmup N] [--alone] [--memory] [--profile]\n" +
        "  --alone   also each of our analyzers alone (3 runs), and the caller index built by itself: where the time goes\n" +
        "  --memory  after a warm-up, 3 compilations with our analyzers in a row: managed heap after a full compacting GC,\n" +
        "            and the live entries of our per-compilation tables, before and after each";

    private static readonly ImmutableArray<string> OwnFlags = ImmutableArray.Create("--real", "--alone", "--memory", "--ab", "--profile");

    public static async Task<int> RunAsync(string[] args)
    {
        int runs = 5;
        int warmup = 0;
        var surveyArgs = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs" && i + 1 < args.Length)
            {
                runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--warmup" && i + 1 < args.Length)
            {
                warmup = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (!OwnFlags.Contains(args[i]))
            {
                surveyArgs.Add(args[i]);
            }
        }

        Options options;
        try
        {
            options = Options.Parse(surveyArgs.ToArray());
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var references = References.Load(options.AspNet);
        var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new ConfigProvider(options.GlobalOptions()));
        Console.WriteLine($"{options.Root} at {Commit(options.Root)}; {options.Describe()}; Roslyn {typeof(Compilation).Assembly.GetName().Version}");
        var summaries = new List<string>();
        foreach (var project in Projects.Find(options))
        {
            var compilation = Prepare(project.Compile(references));
            string name = Path.GetRelativePath(options.Root, project.Directory);
            if (args.Contains("--memory"))
            {
                await MemoryAsync(compilation, analyzerOptions).ConfigureAwait(false);
                continue;
            }

            if (args.Contains("--profile"))
            {
                await ProfileAsync(compilation, analyzerOptions, runs).ConfigureAwait(false);
                continue;
            }

            if (args.Contains("--ab"))
            {
                summaries.Add(await AgainstEmptyAsync(name, compilation, analyzerOptions, runs).ConfigureAwait(false));
                continue;
            }

            if (warmup > 0)
            {
                await WarmUpAsync(compilation, analyzerOptions, warmup).ConfigureAwait(false);
            }

            summaries.Add(await MeasureAsync(name, compilation, analyzerOptions, runs, args.Contains("--alone")).ConfigureAwait(false));
        }

        Console.WriteLine();
        summaries.ForEach(Console.WriteLine);
        return 0;
    }

    /// <summary>
    /// <c>--warmup N</c>: our analyzers and Meziantou's analyzed N times, uncounted, before the measured runs. The .NET JIT
    /// compiles a method again, optimized, only after it has run enough (tiered compilation): our rules' code ran in fewer
    /// callbacks than the compiler's own in the first runs, and its telemetry fell from 310 ms to ~20 ms over 30 analyses
    /// of Steeltoe. A compiler server (VBCSCompiler) that stays up between builds runs the warm code; a single cold build
    /// pays the first runs (docs/performance.md, "Binding").
    /// </summary>
    private static async Task WarmUpAsync(CSharpCompilation compilation, AnalyzerOptions analyzerOptions, int times)
    {
        var ours = OursOrShape();
        var meziantou = AnalyzerSets.Meziantou();
        for (int i = 0; i < times; i++)
        {
            await AnalyzeAsync(compilation.Clone(), ours, analyzerOptions).ConfigureAwait(false);
            await AnalyzeAsync(compilation.Clone(), meziantou, analyzerOptions).ConfigureAwait(false);
        }

        Console.WriteLine($"  warmed up: ours and Meziantou analyzed {times} times, uncounted");
    }

    /// <summary>Ours only, one warm-up and <paramref name="runs"/> analyses, for a profiler attached to this process (dotnet-trace).</summary>
    private static async Task ProfileAsync(CSharpCompilation compilation, AnalyzerOptions analyzerOptions, int runs)
    {
        var ours = OursOrShape();
        for (int run = 0; run <= runs; run++)
        {
            var o = await AnalyzeAsync(compilation.Clone(), ours, analyzerOptions).ConfigureAwait(false);
            Console.WriteLine($"  run {run}: ours {o.Wall:F0} ms (CPU {o.CpuMs:F0}, telemetry {o.Total:F1} ms, allocated {o.Allocated / 1048576.0:F1} MB); {o.Diagnostics}");
        }
    }

    /// <summary>As the benchmark's workload: single-threaded binding (CPU cost), the SDK's default NoWarn.</summary>
    private static CSharpCompilation Prepare(CSharpCompilation compilation)
        => compilation.WithOptions(compilation.Options
            .WithConcurrentBuild(false)
            .WithSpecificDiagnosticOptions(compilation.Options.SpecificDiagnosticOptions
                .SetItem("CS1701", ReportDiagnostic.Suppress)
                .SetItem("CS1702", ReportDiagnostic.Suppress)));

    private static async Task<string> MeasureAsync(string name, CSharpCompilation compilation, AnalyzerOptions analyzerOptions, int runs, bool alone)
    {
        var ours = OursOrShape();
        var meziantou = AnalyzerSets.Meziantou();
        var empty = ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer());
        int files = compilation.SyntaxTrees.Count();
        int invocations = compilation.SyntaxTrees.Sum(t => t.GetRoot().DescendantNodes().Count(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax));
        int errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
        Console.WriteLine();
        Console.WriteLine($"== {name}: {files} syntax trees, {invocations:N0} invocations, {errors} compile errors (partial compilation); warm-up + {runs} runs");

        var compile = new List<(double Bind, double Emit)>();
        var emptyWall = new List<double>();
        var emptyCpu = new List<double>();
        var emptyAllocated = new List<double>();
        var ourRuns = new List<Analysis>();
        var theirRuns = new List<Analysis>();
        for (int run = 0; run <= runs; run++)
        {
            // Run 0 is the warm-up (JIT, the references' metadata): not counted.
            var c = Compile(compilation.Clone());
            var e = await AnalyzeAsync(compilation.Clone(), empty, analyzerOptions).ConfigureAwait(false);
            var o = await AnalyzeAsync(compilation.Clone(), ours, analyzerOptions).ConfigureAwait(false);
            var m = await AnalyzeAsync(compilation.Clone(), meziantou, analyzerOptions).ConfigureAwait(false);
            Console.WriteLine($"  run {run}{(run == 0 ? " (warm-up)" : "")}: compile {c.Bind + c.Emit:F0} ms, empty analyzer {e.Wall:F0} ms (CPU {e.CpuMs:F0}), ours {o.Wall:F0} ms (CPU {o.CpuMs:F0}, telemetry {o.Total:F1} ms), Meziantou {m.Wall:F0} ms (CPU {m.CpuMs:F0}, telemetry {m.Total:F0} ms)");
            if (ourRuns.Count > 0 && o.Diagnostics != ourRuns[0].Diagnostics)
            {
                throw new InvalidOperationException($"our diagnostics changed between runs: {ourRuns[0].Diagnostics} then {o.Diagnostics}");
            }

            if (run > 0)
            {
                compile.Add(c);
                emptyWall.Add(e.Wall);
                emptyCpu.Add(e.CpuMs);
                emptyAllocated.Add(e.Allocated / 1048576.0);
                ourRuns.Add(o);
                theirRuns.Add(m);
            }
        }

        double compileMs = Telemetry.Median(compile.Select(c => c.Bind + c.Emit).ToList());
        double oursMs = Telemetry.Median(ourRuns.Select(r => r.Total).ToList());
        double percent = 100 * oursMs / compileMs;
        var oursEach = PerAnalyzer(ours, ourRuns, compilation.Options);
        var theirsEach = PerAnalyzer(meziantou, theirRuns, compilation.Options);
        double theirMedian = Telemetry.Median(theirsEach.Select(t => t.Milliseconds).ToList());
        double wallDelta = Telemetry.Median(ourRuns.Select(r => r.Wall).ToList()) - Telemetry.Median(emptyWall);

        Console.WriteLine($"  compile (GetDiagnostics + Emit to memory), median: {compileMs:F0} ms (GetDiagnostics {Telemetry.Median(compile.Select(c => c.Bind).ToList()):F0} ms, Emit {Telemetry.Median(compile.Select(c => c.Emit).ToList()):F0} ms)");
        Console.WriteLine($"  ResilienceAnalyzers, telemetry, median of {runs}: {oursMs:F1} ms = {percent:F2} % of compile; diagnostics: {ourRuns[0].Diagnostics}");
        foreach (var (analyzer, ms) in oursEach)
        {
            Console.WriteLine($"    {analyzer,-55} {ms,9:F2} ms");
        }

        Console.WriteLine($"  Meziantou.Analyzer {Paths.MeziantouAnalyzerVersion}: {theirsEach.Count} enabled analyzers, total {Telemetry.Median(theirRuns.Select(r => r.Total).ToList()):F0} ms, median analyzer {theirMedian:F2} ms, slowest {theirsEach[0].Analyzer} {theirsEach[0].Milliseconds:F1} ms");
        var slowest = oursEach[0];
        double ratio = slowest.Milliseconds / Math.Max(theirMedian, 1e-9);
        Console.WriteLine($"  our slowest {slowest.Analyzer} {slowest.Milliseconds:F2} ms = {ratio:F1} x Meziantou's median analyzer");
        Console.WriteLine($"  wall, GetAnalyzerDiagnosticsAsync (median): empty analyzer {Telemetry.Median(emptyWall):F0} ms, ours {Telemetry.Median(ourRuns.Select(r => r.Wall).ToList()):F0} ms: ours add {wallDelta:F0} ms ({100 * wallDelta / compileMs:F1} % of compile)");
        double cpuDelta = Telemetry.Median(ourRuns.Select(r => r.CpuMs).ToList()) - Telemetry.Median(emptyCpu);
        double theirCpuDelta = Telemetry.Median(theirRuns.Select(r => r.CpuMs).ToList()) - Telemetry.Median(emptyCpu);
        Console.WriteLine($"  CPU time, GetAnalyzerDiagnosticsAsync (median): empty analyzer {Telemetry.Median(emptyCpu):F0} ms, ours {Telemetry.Median(ourRuns.Select(r => r.CpuMs).ToList()):F0} ms: ours add {cpuDelta:F0} ms ({100 * cpuDelta / compileMs:F1} % of compile); Meziantou adds {theirCpuDelta:F0} ms");
        double MegaBytes(IEnumerable<Analysis> measured) => Telemetry.Median(measured.Select(r => r.Allocated / 1048576.0).ToList());
        double emptyMb = Telemetry.Median(emptyAllocated), oursMb = MegaBytes(ourRuns), theirsMb = MegaBytes(theirRuns);
        Console.WriteLine($"  allocated, GetAnalyzerDiagnosticsAsync (median): empty analyzer {emptyMb:F1} MB, ours {oursMb:F1} MB: ours add {oursMb - emptyMb:F2} MB ({100 * (oursMb - emptyMb) / emptyMb:F2} % of the analysis' own); Meziantou adds {theirsMb - emptyMb:F1} MB");
        if (alone)
        {
            await AloneAsync(compilation, analyzerOptions, ours).ConfigureAwait(false);
        }

        return $"SUMMARY {name}: {files} trees, compile {compileMs:F0} ms; ours {oursMs:F1} ms = {percent:F2} %; slowest {Rule(slowest.Analyzer)} {slowest.Milliseconds:F1} ms vs Meziantou median {theirMedian:F2} ms = {ratio:F1}x; wall delta vs empty analyzer {wallDelta:F0} ms, CPU delta {cpuDelta:F0} ms, allocated {oursMb - emptyMb:F2} MB over the empty analyzer";
    }

    /// <summary>
    /// What the analyzers add to the driver's work, measured so that a busy machine does not drown it: each round runs the
    /// empty analyzer, ours, and the empty analyzer again, and takes the CPU time of ours over the mean of its two
    /// neighbours (the machine's speed drifts slower than a round). The median ratio over the rounds, minus one, times the
    /// empty analyzer's median CPU time is what ours add; the compile is measured once per round for the denominator.
    /// </summary>
    private static async Task<string> AgainstEmptyAsync(string name, CSharpCompilation compilation, AnalyzerOptions analyzerOptions, int runs)
    {
        var ours = OursOrShape();
        var empty = ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer());
        var ratios = new List<double>();
        var emptyCpu = new List<double>();
        var compile = new List<double>();
        var telemetry = new List<double>();
        string diagnostics = string.Empty;
        for (int run = 0; run <= runs; run++)
        {
            var c = Compile(compilation.Clone());
            var e1 = await AnalyzeAsync(compilation.Clone(), empty, analyzerOptions).ConfigureAwait(false);
            var o = await AnalyzeAsync(compilation.Clone(), ours, analyzerOptions).ConfigureAwait(false);
            var e2 = await AnalyzeAsync(compilation.Clone(), empty, analyzerOptions).ConfigureAwait(false);
            double ratio = o.CpuMs / ((e1.CpuMs + e2.CpuMs) / 2);
            Console.WriteLine($"  run {run}{(run == 0 ? " (warm-up)" : "")}: compile {c.Bind + c.Emit:F0} ms; CPU: empty {e1.CpuMs:F0}, ours {o.CpuMs:F0}, empty {e2.CpuMs:F0} ms: x{ratio:F3}; telemetry {o.Total:F1} ms");
            if (run > 0)
            {
                ratios.Add(ratio);
                emptyCpu.Add((e1.CpuMs + e2.CpuMs) / 2);
                compile.Add(c.Bind + c.Emit);
                telemetry.Add(o.Total);
                diagnostics = o.Diagnostics;
            }
        }

        double added = (Telemetry.Median(ratios) - 1) * Telemetry.Median(emptyCpu);
        double compileMs = Telemetry.Median(compile);
        string summary = $"AB {name}: compile {compileMs:F0} ms; ours add x{Telemetry.Median(ratios):F3} (quartiles x{Quartile(ratios, 1):F3}..x{Quartile(ratios, 3):F3}) of the empty analyzer's {Telemetry.Median(emptyCpu):F0} ms CPU = {added:F0} ms = {100 * added / compileMs:F1} % of compile; telemetry {Telemetry.Median(telemetry):F1} ms; diagnostics {diagnostics}";
        Console.WriteLine(summary);
        return summary;
    }

    /// <summary>Our analyzers, or for an experiment N analyzers of one registration shape doing nothing (BENCH_SHAPE=9:symbol,end).</summary>
    private static ImmutableArray<DiagnosticAnalyzer> OursOrShape()
    {
        if (Environment.GetEnvironmentVariable("BENCH_SHAPE") is not { Length: > 0 } shape)
        {
            return AnalyzerSets.Ours();
        }

        var parts = shape.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
        {
            throw new ArgumentException($"BENCH_SHAPE must be <count>:<shape>, e.g. 9:symbol,end (shapes: plain, symbol, semantic, each with ,end); got '{shape}'");
        }

        return Enumerable.Range(0, count).Select(_ => (DiagnosticAnalyzer)new EmptyShapeAnalyzer(parts[1])).ToImmutableArray();
    }

    private static double Quartile(List<double> values, int q)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Round(q * (sorted.Count - 1) / 4.0))];
    }

    /// <summary>Each of our analyzers on its own (it then pays for everything it shares), and the caller index built alone.</summary>
    private static async Task AloneAsync(CSharpCompilation compilation, AnalyzerOptions analyzerOptions, ImmutableArray<DiagnosticAnalyzer> ours)
    {
        Console.WriteLine("  each of ours alone (telemetry, median of 3; wall and bytes allocated of GetAnalyzerDiagnosticsAsync minus the empty analyzer's in the same round):");
        var empty = ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer());
        foreach (var analyzer in ours.Where(a => !Telemetry.IsSuppressed(a, compilation.Options)))
        {
            var times = new List<double>();
            var walls = new List<double>();
            var allocated = new List<double>();
            for (int run = 0; run < 3; run++)
            {
                var e = await AnalyzeAsync(compilation.Clone(), empty, analyzerOptions).ConfigureAwait(false);
                var a = await AnalyzeAsync(compilation.Clone(), ImmutableArray.Create(analyzer), analyzerOptions).ConfigureAwait(false);
                times.Add(a.Total);
                walls.Add(a.Wall - e.Wall);
                allocated.Add((a.Allocated - e.Allocated) / 1048576.0);
            }

            Console.WriteLine($"    {Telemetry.Name(analyzer),-55} {Telemetry.Median(times),9:F2} ms   wall {Telemetry.Median(walls),7:F0} ms   allocated {Telemetry.Median(allocated),6:F2} MB");
        }

        // The caller index (src/ResilienceAnalyzers/Analysis/CallerIndex.cs) is internal: reached by reflection, like
        // the survey's recognizer. Built on a fresh, unbound compilation it is a walk over every syntax tree.
        var modelType = ours[0].GetType().Assembly.GetType("ResilienceAnalyzers.Analysis.ResilienceCompilation");
        var getOrCreate = modelType?.GetMethod("GetOrCreate", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
        var callers = modelType?.GetProperty("Callers", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance);
        if (getOrCreate == null || callers == null)
        {
            Console.WriteLine("    caller index: ResilienceCompilation.GetOrCreate/Callers not found (renamed?)");
            return;
        }

        var index = new List<double>();
        for (int run = 0; run < 4; run++)
        {
            var model = getOrCreate.Invoke(null, new object[] { compilation.Clone(), analyzerOptions });
            var watch = Stopwatch.StartNew();
            callers.GetValue(model);
            index.Add(watch.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"    {"caller index alone (syntax walk of every tree)",-55} {Telemetry.Median(index.Skip(1).ToList()),9:F2} ms (first {index[0]:F1} ms)");
    }

    /// <summary>
    /// A warm-up compilation with our analyzers, then three more in a row; after each, everything is dropped and a
    /// full blocking compacting collection runs. The heap must come back to where it was after the warm-up (the parsed
    /// trees and the references' metadata stay: they belong to the source compilation all runs clone), and our
    /// compilation-keyed tables must hold no entry.
    /// </summary>
    private static async Task MemoryAsync(CSharpCompilation compilation, AnalyzerOptions analyzerOptions)
    {
        var tables = CompilationTables(AnalyzerSets.Ours()[0].GetType().Assembly);
        Console.WriteLine($"  memory: our tables keyed by Compilation: {string.Join(", ", tables.Select(t => t.Name))}; before any compile: {CollectedHeap() / 1e6:F1} MB managed heap");
        for (int run = 0; run < 3; run++)
        {
            var compiled = CompileOnly(compilation);
            Console.WriteLine($"  compile only (control) {run}: dropped + GC: {CollectedHeap() / 1e6:F1} MB, compilation collected: {!compiled.IsAlive}");
        }

        foreach (var (label, analyzers) in new (string, Func<ImmutableArray<DiagnosticAnalyzer>>)[]
        {
            ("empty analyzer (control)", () => ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer())),
            ("ResilienceAnalyzers", AnalyzerSets.Ours),
        })
        {
            await OneCompilationAsync(compilation, analyzers(), analyzerOptions, tables).ConfigureAwait(false);
            long baseline = CollectedHeap();
            Console.WriteLine($"  {label}: after warm-up + full compacting GC: {baseline / 1e6:F1} MB managed heap, {LiveEntries(tables)} live table entries");
            WeakReference? last = null;
            for (int run = 1; run <= 3; run++)
            {
                var (during, entries, compilationAlive) = await OneCompilationAsync(compilation, analyzers(), analyzerOptions, tables).ConfigureAwait(false);
                long after = CollectedHeap();
                last = compilationAlive;
                Console.WriteLine($"    compilation {run}: while the driver holds it (after a full GC) {during / 1e6:F1} MB, {entries} table entries; dropped + GC: {after / 1e6:F1} MB ({after - baseline:+#,0;-#,0;0} bytes vs baseline), compilation collected: {!compilationAlive.IsAlive}, {LiveEntries(tables)} live table entries");
            }

            // The driver keeps the compilation it analyzed last (the control shows it with an analyzer that holds
            // nothing); one more analysis of an unrelated one-line compilation lets it go.
            var other = CSharpCompilation.Create("Other", new[] { CSharpSyntaxTree.ParseText("class C { void M() { M(); } }") }, compilation.References);
            await OneCompilationAsync(other, ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer()), analyzerOptions, tables).ConfigureAwait(false);
            long released = CollectedHeap();
            Console.WriteLine($"    after one more analysis of another compilation: {released / 1e6:F1} MB ({released - baseline:+#,0;-#,0;0} bytes vs baseline), compilation 3 collected: {!last!.IsAlive}, {LiveEntries(tables)} live table entries");
        }
    }

    /// <summary>
    /// One compilation analyzed with fresh instances of our analyzers, measured while the driver still holds it (the
    /// compilation our models are keyed by is the driver's); returns nothing that keeps it alive.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(long During, int Entries, WeakReference Compilation)> OneCompilationAsync(CSharpCompilation source, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions analyzerOptions, IReadOnlyList<(string Name, object Table)> tables)
    {
        (long During, int Entries, WeakReference Compilation) seen = default;
        await AnalyzeAsync(source.Clone(), analyzers, analyzerOptions, driver =>
            seen = (CollectedHeap(), LiveEntries(tables), new WeakReference(driver.Compilation))).ConfigureAwait(false);
        return seen;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference CompileOnly(CSharpCompilation source)
    {
        var compilation = source.Clone();
        compilation.GetDiagnostics();
        return new WeakReference(compilation);
    }

    private static long CollectedHeap()
    {
        for (int i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Every static <c>ConditionalWeakTable&lt;Compilation, …&gt;</c> of the analyzer assembly.</summary>
    private static List<(string Name, object Table)> CompilationTables(Assembly assembly)
        => assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(f => !f.DeclaringType!.ContainsGenericParameters
                && f.FieldType.IsGenericType
                && f.FieldType.GetGenericTypeDefinition() == typeof(ConditionalWeakTable<,>)
                && f.FieldType.GetGenericArguments()[0] == typeof(Compilation))
            .Select(f => (f.DeclaringType!.Name + "." + f.Name, f.GetValue(null)!))
            .ToList();

    /// <summary>Entries whose key is still alive (a ConditionalWeakTable enumerates only those).</summary>
    private static int LiveEntries(IReadOnlyList<(string Name, object Table)> tables)
        => tables.Sum(t => ((IEnumerable)t.Table).Cast<object>().Count());

    private static (double Bind, double Emit) Compile(CSharpCompilation compilation)
    {
        Settle();
        var watch = Stopwatch.StartNew();
        compilation.GetDiagnostics();
        double bind = watch.Elapsed.TotalMilliseconds;
        using var stream = new MemoryStream();
        watch.Restart();
        compilation.Emit(stream);
        return (bind, watch.Elapsed.TotalMilliseconds);
    }

    private sealed record Analysis(double Wall, double Total, string Diagnostics, Dictionary<DiagnosticAnalyzer, double> Times)
    {
        /// <summary>CPU time of the process during the analysis: unlike wall time, not inflated by other processes on a busy machine.</summary>
        public double CpuMs { get; init; }

        /// <summary>
        /// Bytes the process allocated during the analysis (binding included). Against the empty analyzer's, what the
        /// analyzers allocate: the same from run to run whatever the machine's load, and what decides how many of the
        /// build's garbage collections they cause (a collection is charged by the telemetry to whichever callback
        /// allocates when the budget runs out, so it lands in ours in some runs and not in others).
        /// </summary>
        public long Allocated { get; init; }
    }

    /// <summary>The garbage of the previous measurement is collected before the next one starts, not during it.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static TimeSpan Cpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static async Task<Analysis> AnalyzeAsync(CSharpCompilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions analyzerOptions, Action<CompilationWithAnalyzers>? inspect = null)
    {
        Exception? failure = null;
        var withAnalyzers = compilation.WithAnalyzers(
            analyzers,
            new CompilationWithAnalyzersOptions(
                analyzerOptions,
                onAnalyzerException: (e, analyzer, _) => failure ??= new InvalidOperationException(analyzer.GetType().Name + " threw: " + e.Message, e),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: true,
                reportSuppressedDiagnostics: false));
        Settle();
        var cpu = Cpu();
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(default).ConfigureAwait(false);
        double wall = watch.Elapsed.TotalMilliseconds;
        cpu = Cpu() - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        if (failure != null)
        {
            throw failure;
        }

        var times = new Dictionary<DiagnosticAnalyzer, double>();
        foreach (var analyzer in analyzers)
        {
            times[analyzer] = (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default).ConfigureAwait(false)).ExecutionTime.TotalMilliseconds;
        }

        inspect?.Invoke(withAnalyzers);
        string byId = string.Join(" ", diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key + "x" + g.Count()));
        return new Analysis(wall, times.Values.Sum(), diagnostics.Length + (byId.Length > 0 ? " (" + byId + ")" : ""), times) { CpuMs = cpu.TotalMilliseconds, Allocated = allocated };
    }

    /// <summary>Each enabled analyzer's median over the runs, slowest first.</summary>
    private static List<(string Analyzer, double Milliseconds)> PerAnalyzer(ImmutableArray<DiagnosticAnalyzer> analyzers, List<Analysis> runs, CompilationOptions options)
        => analyzers.Where(a => !Telemetry.IsSuppressed(a, options))
            .Select(a => (Telemetry.Name(a), Telemetry.Median(runs.Select(r => r.Times[a]).ToList())))
            .OrderByDescending(t => t.Item2)
            .ToList();

    private static string Rule(string analyzerName) => analyzerName.Split('(', ')')[1];

    /// <summary>The commit named in the survey's label file for this repository (labels/&lt;owner&gt;.&lt;name&gt;.tsv).</summary>
    private static string Commit(string root)
    {
        string labels = Path.Combine(Paths.RepositoryRoot, "tests", "ResilienceAnalyzers.Survey", "labels", Path.GetFileName(root.TrimEnd('/')) + ".tsv");
        string? line = File.Exists(labels) ? File.ReadLines(labels).FirstOrDefault(l => l.StartsWith("# commit:", StringComparison.Ordinal)) : null;
        return line != null ? "commit " + line.Substring("# commit:".Length).Trim() : "unknown commit (no label file)";
    }
}
