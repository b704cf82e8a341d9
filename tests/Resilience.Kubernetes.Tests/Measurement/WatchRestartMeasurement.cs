using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using Resilience.Kubernetes.Testing;

namespace Resilience.Kubernetes.Tests.Measurement
{
    /// <summary>What a fleet's watches cost the loopback API server over a number of server-side watch ends.</summary>
    public sealed record RestartCost(string Pattern, int Agents, int Restarts, long Requests, long Lists, long EventsSent, long Bytes, long EventsSeenByAgents);

    /// <summary>
    /// RES1004 measured: N per-node agents each watch their node's pods; the server then ends every watch
    /// <c>restarts</c> times, as it does at <c>timeoutSeconds</c> (5–10 min in client-go) and on every API-server restart.
    /// (D) <c>WatchListPodForAllNamespacesAsync</c> without a resourceVersion, restarted in a loop — the flagged shape:
    /// each restart replays the agent's pods as ADDED. (E) the same stream through <c>Informers.WatchEventsAsync</c> — the
    /// code fix: each restart resumes from the last resourceVersion and sends nothing that has not changed.
    /// Costs after the initial sync, from the server's per-request accounting.
    /// </summary>
    public static class WatchRestartMeasurement
    {
        /// <summary>
        /// The informer counts a watch that ends within 1 s without an event as a failure and backs off; real watches last
        /// minutes, so the restarts are spaced past that.
        /// </summary>
        private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(1200);

        public static async Task<IReadOnlyList<RestartCost>> RunAsync(int agents, int podsPerNode, int restarts, Action<string>? progress = null, CancellationToken ct = default)
        {
            if (agents < 1 || podsPerNode < 1 || restarts < 1) throw new ArgumentOutOfRangeException(nameof(agents), "agents, pods per node and restarts must be positive");
            return new[]
            {
                await MeasureAsync("D: watch without resourceVersion, restarted in a loop", agents, podsPerNode, restarts, Plain, progress, ct).ConfigureAwait(false),
                await MeasureAsync("E: Informers.WatchEventsAsync (resumes)", agents, podsPerNode, restarts, Resuming, progress, ct).ConfigureAwait(false),
            };
        }

        private static async Task Plain(k8s.Kubernetes client, string selector, Action onEvent, CancellationToken ct)
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await foreach (var _ in client.CoreV1.WatchListPodForAllNamespacesAsync(fieldSelector: selector, cancellationToken: ct).ConfigureAwait(false))
                    {
                        onEvent();
                    }
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    // a dropped stream: the loop starts it again, as the flagged code does
                }
            }
        }

        private static async Task Resuming(k8s.Kubernetes client, string selector, Action onEvent, CancellationToken ct)
        {
            var stream = Informers.WatchEventsAsync(ListWatch.ForPods(client), options: new InformerOptions { FieldSelector = selector, StreamingInitialList = false }, cancellationToken: ct);
            await foreach (var _ in stream.ConfigureAwait(false))
            {
                onEvent();
            }
        }

        private static async Task<RestartCost> MeasureAsync(
            string pattern, int agents, int podsPerNode, int restarts,
            Func<k8s.Kubernetes, string, Action, CancellationToken, Task> agent, Action<string>? progress, CancellationToken ct)
        {
            await using var server = await FakeApiServer.StartAsync().ConfigureAwait(false);
            server.AddCluster(agents, podsPerNode, addNodes: false);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var clients = Enumerable.Range(0, agents).Select(_ => server.CreateClient()).ToArray();
            var seen = new long[agents];
            var running = clients.Select((client, n) => Task.Run(() => agent(client, "spec.nodeName=node-" + n, () => Interlocked.Increment(ref seen[n]), stop.Token))).ToArray();
            try
            {
                await FleetMeasurement.WaitAsync(() => server.ActiveWatchCount == agents && seen.All(s => s == podsPerNode), "every agent watches and has its pods", ct).ConfigureAwait(false);
                var baseline = server.Requests.Max(r => r.Id);
                var seenBefore = seen.Sum();
                progress?.Invoke($"{pattern}: {agents} agents synced");

                for (var r = 0; r < restarts; r++)
                {
                    await Task.Delay(Spacing, ct).ConfigureAwait(false);
                    var before = server.Requests.Max(x => x.Id);
                    server.CloseWatches();
                    await FleetMeasurement.WaitAsync(() => server.ActiveWatches.Count(w => w.Id > before) == agents, $"every agent watches again after restart {r + 1}", ct).ConfigureAwait(false);
                    progress?.Invoke($"{pattern}: restart {r + 1}/{restarts}");
                }

                // Quiet: the agents have read every event the server sent since the sync, and nothing moved for 300 ms.
                long Sent() => server.Requests.Where(x => x.Id > baseline).Sum(x => (long)x.EventsSent);
                var last = (Sent: -1L, Seen: -1L);
                var stableSince = DateTime.UtcNow;
                await FleetMeasurement.WaitAsync(
                    () =>
                    {
                        var now = (Sent: Sent(), Seen: seen.Sum() - seenBefore);
                        if (now != last)
                        {
                            last = now;
                            stableSince = DateTime.UtcNow;
                            return false;
                        }

                        return now.Sent == now.Seen && DateTime.UtcNow - stableSince > TimeSpan.FromMilliseconds(300);
                    },
                    "the agents have read everything the server sent",
                    ct).ConfigureAwait(false);
                var after = server.Requests.Where(x => x.Id > baseline).ToArray();
                return new RestartCost(
                    pattern, agents, restarts,
                    after.Length,
                    after.Count(x => x.Verb == "list"),
                    after.Sum(x => (long)x.EventsSent),
                    after.Sum(x => x.Bytes),
                    seen.Sum() - seenBefore);
            }
            finally
            {
                stop.Cancel();
                try
                {
                    await Task.WhenAll(running).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                foreach (var c in clients) c.Dispose();
            }
        }

        /// <summary>A Markdown table of the results.</summary>
        public static string Table(IReadOnlyList<RestartCost> results)
        {
            var first = results[0];
            var lines = new List<string>
            {
                $"{first.Agents} agents, each watching its node's pods; the server ends every watch {first.Restarts} times (as at timeoutSeconds or an API-server restart)",
                string.Empty,
                "| pattern | requests | lists | watch events sent | bytes | events the agents saw |",
                "|---|---:|---:|---:|---:|---:|",
            };
            lines.AddRange(results.Select(r => FormattableString.Invariant($"| {r.Pattern} | {r.Requests:N0} | {r.Lists:N0} | {r.EventsSent:N0} | {r.Bytes:N0} | {r.EventsSeenByAgents:N0} |")));
            return string.Join(Environment.NewLine, lines) + Environment.NewLine;
        }
    }
}
