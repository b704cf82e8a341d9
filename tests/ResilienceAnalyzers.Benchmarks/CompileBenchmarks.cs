using System.Collections.Generic;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace ResilienceAnalyzers.Benchmarks;

/// <summary>
/// One compile of the whole workload per operation (a fresh compilation: binding and every analyzer callback run
/// again), for each scenario. Every operation checks its diagnostic count, so no row can measure nothing.
/// </summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private Workload workload = null!;
    private Scenario scenario = null!;

    [ParamsSource(nameof(Scenarios))]
    public string Analyzers { get; set; } = Scenario.CompileOnly;

    public static IEnumerable<string> Scenarios() => Scenario.Names();

    [GlobalSetup]
    public void Setup()
    {
        workload = Workload.Create(Workload.FullFiles);
        scenario = Scenario.Create(Analyzers, workload);
    }

    [Benchmark]
    public Task<int> Compile() => scenario.RunAsync(workload);
}
