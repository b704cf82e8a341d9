using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;
using Resilience.Kubernetes.Testing;

namespace Resilience.Kubernetes.Tests.Measurement
{
    /// <summary>The fleet and cluster of one measurement. Time is compressed: polling rounds run back to back and count as <see cref="PollInterval"/> each.</summary>
    public sealed record FleetScenario(int Agents = 200, int PodsPerNode = 30, int PollRounds = 2, int PollIntervalSeconds = 30, int ChurnPerMinute = 120)
    {
        /// <summary>Simulated minutes the polling rounds (and the informers' steady phase) stand for.</summary>
        public double Minutes => PollRounds * PollIntervalSeconds / 60.0;
    }

    /// <summary>What one access pattern cost the loopback API server, from its per-request accounting.</summary>
    public sealed record PatternCost(
        string Pattern,
        double RequestsPerMinute,
        double ObjectsProcessedPerMinute,
        double ObjectsReturnedPerMinute,
        double BytesPerMinute,
        long StartupRequests,
        long StartupObjectsProcessed,
        long StartupBytes);

    /// <summary>
    /// N per-node agents against one loopback API server holding N nodes × P pods with churn:
    /// (A) each agent lists all pods every interval (resourceVersion unset: a consistent read from etcd), the pattern of
    /// the incident; (B) the same with a spec.nodeName field selector (still etcd, so still every stored pod processed);
    /// (C) each agent runs a node-scoped informer (one LIST at RV=0 from the cache's spec.nodeName index, then a watch
    /// that receives only its node's events).
    /// </summary>
    public static class FleetMeasurement
    {
        public static async Task<IReadOnlyList<PatternCost>> RunAsync(FleetScenario s, Action<string>? progress = null, CancellationToken ct = default)
        {
            var results = new List<PatternCost>
            {
                await PollAsync(s, nodeSelector: false, progress, ct).ConfigureAwait(false),
                await PollAsync(s, nodeSelector: true, progress, ct).ConfigureAwait(false),
                await InformersAsync(s, progress, ct).ConfigureAwait(false),
            };
            return results;
        }

        private static async Task<FakeApiServer> ClusterAsync(FleetScenario s)
        {
            var server = await FakeApiServer.StartAsync().ConfigureAwait(false);
            server.AddCluster(s.Agents, s.PodsPerNode, addNodes: false);
            return server;
        }

        private static void Churn(FakeApiServer server, FleetScenario s, Random rng, int writes)
        {
            for (var i = 0; i < writes; i++)
            {
                var n = rng.Next(s.Agents);
                var p = rng.Next(s.PodsPerNode);
                server.Upsert(FakeApiServer.Pod("ns-" + (p % 3), $"pod-{n}-{p}", "node-" + n,
                    new Dictionary<string, string> { ["app"] = p % 2 == 0 ? "web" : "db", ["gen"] = rng.Next().ToString(CultureInfo.InvariantCulture) }));
            }
        }

        private static async Task<PatternCost> PollAsync(FleetScenario s, bool nodeSelector, Action<string>? progress, CancellationToken ct)
        {
            await using var server = await ClusterAsync(s).ConfigureAwait(false);
            var clients = Enumerable.Range(0, s.Agents).Select(_ => server.CreateClient()).ToArray();
            var rng = new Random(42);
            var churnPerRound = (int)Math.Round(s.ChurnPerMinute * s.PollIntervalSeconds / 60.0);
            try
            {
                using var throttle = new SemaphoreSlim(8); // agents poll at their own phase; keep the loopback from thrashing
                for (var round = 0; round < s.PollRounds; round++)
                {
                    Churn(server, s, rng, churnPerRound);
                    await Task.WhenAll(clients.Select(async (client, n) =>
                    {
                        await throttle.WaitAsync(ct).ConfigureAwait(false);
                        try
                        {
                            var pods = await client.CoreV1.ListPodForAllNamespacesAsync(
                                fieldSelector: nodeSelector ? "spec.nodeName=node-" + n : null, cancellationToken: ct).ConfigureAwait(false);
                            var mine = pods.Items.Count(p => p.Spec?.NodeName == "node-" + n); // what the agent keeps
                            if (mine != s.PodsPerNode) throw new InvalidOperationException($"agent {n} saw {mine} pods of its node");
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    })).ConfigureAwait(false);
                    progress?.Invoke($"{(nodeSelector ? "B" : "A")}: round {round + 1}/{s.PollRounds}");
                }
            }
            finally
            {
                foreach (var c in clients) c.Dispose();
            }

            var requests = server.Requests;
            return new PatternCost(
                nodeSelector ? "B: poll own node (fieldSelector, etcd)" : "A: poll all pods (cluster-wide, etcd)",
                requests.Count / s.Minutes,
                requests.Sum(r => r.ObjectsProcessed) / s.Minutes,
                requests.Sum(r => r.ObjectsReturned) / s.Minutes,
                requests.Sum(r => r.Bytes) / s.Minutes,
                0, 0, 0);
        }

        private static async Task<PatternCost> InformersAsync(FleetScenario s, Action<string>? progress, CancellationToken ct)
        {
            await using var server = await ClusterAsync(s).ConfigureAwait(false);
            var clients = new List<k8s.Kubernetes>();
            var informers = new List<Informer<V1Pod, V1PodList>>();
            var rng = new Random(42);
            try
            {
                for (var n = 0; n < s.Agents; n++)
                {
                    var client = server.CreateClient();
                    clients.Add(client);
                    informers.Add(Informers.ForNodePods(client, "node-" + n, options: new InformerOptions { StreamingInitialList = false })); // pattern C: LIST at RV=0 + WATCH
                }

                using var throttle = new SemaphoreSlim(8);
                await Task.WhenAll(informers.Select(async informer =>
                {
                    await throttle.WaitAsync(ct).ConfigureAwait(false);
                    try { await informer.StartAsync(ct).ConfigureAwait(false); }
                    finally { throttle.Release(); }
                })).ConfigureAwait(false);
                await WaitAsync(() => server.ActiveWatchCount == s.Agents, "every informer watches", ct).ConfigureAwait(false);
                if (informers.Any(i => i.Count != s.PodsPerNode)) throw new InvalidOperationException("an informer holds the wrong pods");

                var startup = server.Requests;
                var startRequests = startup.Count;
                var startProcessed = startup.Sum(r => r.ObjectsProcessed);
                var startReturned = startup.Sum(r => r.ObjectsReturned);
                var startBytes = startup.Sum(r => r.Bytes);
                progress?.Invoke($"C: {s.Agents} informers synced");

                var writes = (int)Math.Round(s.ChurnPerMinute * s.Minutes);
                Churn(server, s, rng, writes);
                await WaitAsync(() => server.Watches.Sum(r => r.EventsSent) == writes && informers.Sum(i => i.ListCount) == s.Agents, "every change is written to its node's watch stream", ct).ConfigureAwait(false);
                progress?.Invoke($"C: {writes} changes delivered");

                var end = server.Requests;
                return new PatternCost(
                    "C: node-scoped informers (RV=0 list + watch)",
                    (end.Count - startRequests) / s.Minutes,
                    (end.Sum(r => r.ObjectsProcessed) - startProcessed) / s.Minutes,
                    (end.Sum(r => r.ObjectsReturned) - startReturned) / s.Minutes,
                    (end.Sum(r => r.Bytes) - startBytes) / s.Minutes,
                    startRequests, startProcessed, startBytes);
            }
            finally
            {
                foreach (var i in informers) await i.DisposeAsync().ConfigureAwait(false);
                foreach (var c in clients) c.Dispose();
            }
        }

        /// <summary>Polls <paramref name="condition"/> until it holds; a <see cref="TimeoutException"/> after 120 s.</summary>
        internal static async Task WaitAsync(Func<bool> condition, string what, CancellationToken ct)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (!condition())
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting until " + what);
                await Task.Delay(10, ct).ConfigureAwait(false);
            }
        }

        /// <summary>A Markdown table of the results.</summary>
        public static string Table(FleetScenario s, IReadOnlyList<PatternCost> results)
        {
            static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
            static string B(double v) => v >= 1 << 20 ? (v / (1 << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB" : (v / 1024).ToString("F1", CultureInfo.InvariantCulture) + " KiB";
            var sb = new StringBuilder();
            sb.AppendLine(FormattableString.Invariant($"{s.Agents} agents, {s.Agents} nodes × {s.PodsPerNode} pods = {s.Agents * s.PodsPerNode} pods, poll every {s.PollIntervalSeconds} s, churn {s.ChurnPerMinute} pod updates/min; {s.PollRounds} rounds = {s.Minutes:0.##} simulated min"));
            sb.AppendLine();
            sb.AppendLine("| pattern | requests/min | objects processed/min | objects returned/min | bytes/min | startup (once): requests / processed / bytes |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var r in results)
            {
                var startup = r.StartupRequests == 0 ? "–" : $"{N(r.StartupRequests)} / {N(r.StartupObjectsProcessed)} / {B(r.StartupBytes)}";
                sb.AppendLine($"| {r.Pattern} | {N(r.RequestsPerMinute)} | {N(r.ObjectsProcessedPerMinute)} | {N(r.ObjectsReturnedPerMinute)} | {B(r.BytesPerMinute)} | {startup} |");
            }

            return sb.ToString();
        }
    }
}
