using System;
using System.IO;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Resilience.Dns.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project tests/Resilience.Dns.Benchmarks -- --filter '*' --job short</c>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected on the command line (BenchmarkDotNet's switches).</summary>
    /// <param name="args">For example <c>--filter '*' --job short</c>.</param>
    public static void Main(string[] args)
    {
        // Reports go next to the binaries (bin/, ignored by git), not into the directory the command was run from.
        IConfig config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
