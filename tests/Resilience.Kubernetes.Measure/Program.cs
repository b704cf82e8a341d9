using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Resilience.Kubernetes.Tests.Measurement;

namespace Resilience.Kubernetes.Measure
{
    /// <summary>
    /// 200 per-node agents polling all pods every 30 s vs the same agents on node-scoped informers, against the loopback
    /// API server (200 nodes × 30 pods, 120 pod updates/min), costs from the server's per-request accounting; then the
    /// same agents' watches across 3 server-side watch ends, restarted without a resourceVersion vs resumed
    /// (<c>--restarts N</c>, 0 to skip). <c>--informer-cost [--pods 10000,150000] [--rounds 3] [--events 20000]</c> measures the
    /// informer against a plain paged LIST instead (<see cref="InformerCost"/>); <c>--server-throughput [--pods 3000,30000,150000]
    /// [--rounds 3] [--events 20000]</c> the loopback API server's own list and watch throughput (<see cref="ServerThroughput"/>).
    /// </summary>
    internal static class Program
    {
        private static async Task<int> Main(string[] args)
        {
            // KubernetesClient 21.x deserializes LIST bodies synchronously on pool threads (see the test project's TestSetup).
            ThreadPool.GetMinThreads(out var worker, out var io);
            ThreadPool.SetMinThreads(Math.Max(worker, 64), Math.Max(io, 64));

            var json = args.Contains("--json");
            int Arg(string name, int fallback)
            {
                var i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
            }

            if (args.Contains("--informer-cost"))
            {
                // The informer against a plain paged LIST (docs/informer.md, "Measured: what the informer costs").
                var p = Array.IndexOf(args, "--pods");
                var sizes = p >= 0 && p + 1 < args.Length
                    ? args[p + 1].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray()
                    : new[] { 10_000, 150_000 };
                await InformerCost.RunAsync(sizes, Arg("--rounds", 3), Arg("--events", 20_000), m => Console.Error.WriteLine(m)).ConfigureAwait(false);
                return 0;
            }

            if (args.Contains("--server-throughput"))
            {
                // The loopback API server's own throughput (docs/testing-server.md, "Throughput").
                var p = Array.IndexOf(args, "--pods");
                var sizes = p >= 0 && p + 1 < args.Length
                    ? args[p + 1].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray()
                    : new[] { 3_000, 30_000, 150_000 };
                await ServerThroughput.RunAsync(sizes, Arg("--rounds", 3), Arg("--events", 20_000), m => Console.Error.WriteLine(m)).ConfigureAwait(false);
                return 0;
            }

            var scenario = new FleetScenario(
                Agents: Arg("--agents", 200), PodsPerNode: Arg("--pods-per-node", 30), PollRounds: Arg("--rounds", 2),
                PollIntervalSeconds: Arg("--interval", 30), ChurnPerMinute: Arg("--churn", 120));
            var started = DateTime.UtcNow;
            var results = await FleetMeasurement.RunAsync(scenario, json ? null : m => Console.Error.WriteLine(m)).ConfigureAwait(false);
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new { scenario, results }, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                Console.WriteLine(FleetMeasurement.Table(scenario, results));
                var a = results[0];
                var c = results[2];
                Console.WriteLine(FormattableString.Invariant(
                    $"polling / informers: objects processed ×{a.ObjectsProcessedPerMinute / Math.Max(1, c.ObjectsProcessedPerMinute):N0}, bytes ×{a.BytesPerMinute / Math.Max(1, c.BytesPerMinute):N0}; measured in {(DateTime.UtcNow - started).TotalSeconds:F0} s"));
            }

            // RES1004: the same fleet's watches across server-side watch ends, without and with resume.
            var restarts = Arg("--restarts", 3);
            if (restarts > 0)
            {
                var watchResults = await WatchRestartMeasurement.RunAsync(scenario.Agents, scenario.PodsPerNode, restarts, json ? null : m => Console.Error.WriteLine(m)).ConfigureAwait(false);
                Console.WriteLine(json
                    ? JsonSerializer.Serialize(new { restarts, watchResults }, new JsonSerializerOptions { WriteIndented = true })
                    : WatchRestartMeasurement.Table(watchResults));
            }

            return 0;
        }
    }
}
