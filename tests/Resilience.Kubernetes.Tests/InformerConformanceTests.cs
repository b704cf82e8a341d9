using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;
using Resilience.Kubernetes.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>
    /// Property-style conformance of the informer against the loopback API server, driven by the real KubernetesClient:
    /// for each seed, a random sequence of creates/updates/deletes interleaved with every fault the server can inject.
    /// After each step the informer must quiesce with exactly the server's state (same keys, same resourceVersions) and
    /// one open watch, and for faults that leave a resume possible the server must see no new LIST.
    /// The informer runs with client-go's backoff (0.8 s → 30 s, Retry-After honoured) on a clock
    /// that runs 500× faster than real time.
    /// Replay one seed: <c>RK_CONFORMANCE_SEEDS=17 dotnet test --filter InformerConformanceTests</c>.
    /// </summary>
    public class InformerConformanceTests
    {
        private const int DefaultSeeds = 32;
        private const int StepsPerSeed = 14;
        private const int Parallelism = 4;
        private const double ClockScale = 500;
        private static readonly TimeSpan SeedBudget = TimeSpan.FromSeconds(45);
        private readonly ITestOutputHelper output;

        public InformerConformanceTests(ITestOutputHelper output) => this.output = output;

        internal enum FaultKind
        {
            // A resume from the last resourceVersion is possible: no LIST allowed.
            DroppedConnection,
            NormalClose,
            TooManyRequestsWithRetryAfter,
            InternalServerError,
            SlowWatchResponse,
            BookmarkThenDrop,

            // Only these may relist.
            GoneErrorEvent,
            GoneHttpStatus,
            Compaction,
            RestartLosingAllWatches,
            ExpiredContinueTokenDuringRelist,
            FailingRelist,
            SlowRelist,
        }

        internal static bool AllowsResume(FaultKind kind) => kind <= FaultKind.BookmarkThenDrop;

        [Fact]
        public async Task StoreEqualsServerStateAfterRandomWritesAndFaultsAndNeverRelistsWhenAResumeIsPossible()
        {
            var seeds = Seeds();
            var failures = new ConcurrentBag<string>();
            var coverage = new ConcurrentDictionary<FaultKind, int>();
            var started = DateTime.UtcNow;
            using var throttle = new SemaphoreSlim(Parallelism);
            await Task.WhenAll(seeds.Select(async seed =>
            {
                await throttle.WaitAsync();
                try
                {
                    var log = new StringBuilder();
                    try
                    {
                        await RunSeedAsync(seed, log, coverage).WaitAsync(SeedBudget);
                    }
                    catch (Exception ex)
                    {
                        failures.Add($"seed {seed} FAILED (replay: RK_CONFORMANCE_SEEDS={seed}): {ex.GetType().Name}: {ex.Message}\n{log}");
                    }
                }
                finally
                {
                    throttle.Release();
                }
            }));

            output.WriteLine($"{seeds.Count} seeds × {StepsPerSeed} steps in {(DateTime.UtcNow - started).TotalSeconds:F1} s; faults: " +
                             string.Join(", ", coverage.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
            if (!failures.IsEmpty) Assert.Fail(string.Join("\n\n", failures.OrderBy(f => f, StringComparer.Ordinal)));
            if (seeds.Count >= DefaultSeeds)
            {
                foreach (var kind in Enum.GetValues<FaultKind>()) Assert.True(coverage.GetValueOrDefault(kind) > 0, $"fault {kind} was never exercised");
            }
        }

        private static IReadOnlyList<int> Seeds()
        {
            var fromEnv = Environment.GetEnvironmentVariable("RK_CONFORMANCE_SEEDS");
            if (!string.IsNullOrWhiteSpace(fromEnv))
                return fromEnv.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s.Trim(), CultureInfo.InvariantCulture)).ToArray();
            return Enumerable.Range(1, DefaultSeeds).ToArray();
        }

        private static async Task RunSeedAsync(int seed, StringBuilder log, ConcurrentDictionary<FaultKind, int> coverage)
        {
            var rng = new Random(seed);
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 3, podsPerNode: 4); // 12 pods over ns-0..ns-2
            using var client = server.CreateClient();
            var options = new InformerOptions
            {
                StreamingInitialList = false,
                PageSize = 3,
                TimeProvider = new ScaledTimeProvider(ClockScale),
                Random = new Random(seed),
                // No LIST timeout: a response lost on the way must show up here as a stall, not be retried away
                // (ListTimeout has its own test, InformerTests).
                ListTimeout = Timeout.InfiniteTimeSpan,
            };

            // Three scopes: all pods, one node's pods (field selector), one namespace.
            var scopeKind = seed % 3;
            Func<string, string?, bool> inScope = scopeKind switch
            {
                0 => (_, _) => true,
                1 => (_, node) => node == "node-1",
                _ => (key, _) => key.StartsWith("ns-1/", StringComparison.Ordinal),
            };
            var informer = scopeKind switch
            {
                0 => Informers.ForPods(client, options: options),
                1 => Informers.ForNodePods(client, "node-1", options: options),
                _ => Informers.ForPods(client, "ns-1", options: options),
            };
            log.AppendLine($"seed {seed}: scope {(scopeKind == 0 ? "all pods" : scopeKind == 1 ? "node-1" : "namespace ns-1")}");

            var backoffs = new ConcurrentQueue<InformerBackoff>();
            informer.BackingOff += backoffs.Enqueue;
            var mirror = new ConcurrentDictionary<string, string>(StringComparer.Ordinal); // rebuilt from events only
            informer.Added += p => mirror[ObjectKey.Of(p)] = p.Metadata.ResourceVersion;
            informer.Updated += (_, p) => mirror[ObjectKey.Of(p)] = p.Metadata.ResourceVersion;
            informer.Deleted += p => mirror.TryRemove(ObjectKey.Of(p), out _);
            var created = 0;

            try
            {
                using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15))) await informer.StartAsync(cts.Token);
                await QuiesceAsync("initial sync", expectNoPendingFaults: true, afterRequestId: 0);

                for (var step = 0; step < StepsPerSeed; step++)
                {
                    var kind = (FaultKind)rng.Next(Enum.GetValues<FaultKind>().Length);
                    coverage.AddOrUpdate(kind, 1, (_, n) => n + 1);
                    var listsBefore = server.Lists.Count;
                    var relistsBefore = informer.RelistCount;
                    var requestsBefore = server.Requests.Count;
                    var lastIdBefore = server.Requests.Max(r => r.Id);
                    log.Append($"step {step}: {kind}");
                    Write(rng.Next(0, 3));
                    var expectNoPendingFaults = Inject(kind);
                    Write(rng.Next(0, 4));
                    log.AppendLine();
                    await QuiesceAsync($"step {step} ({kind})", expectNoPendingFaults, lastIdBefore);

                    if (AllowsResume(kind))
                    {
                        var newLists = server.Lists.Skip(listsBefore).ToArray();
                        Assert.True(newLists.Length == 0 && informer.RelistCount == relistsBefore,
                            $"step {step} ({kind}): a resume was possible but the informer listed again:\n" + string.Join("\n", newLists.Select(r => r.ToString())));
                    }

                    log.AppendLine("   " + string.Join("\n   ", server.Requests.Skip(requestsBefore).Select(r => r.ToString())));
                    server.ClearFaults();
                }

                foreach (var b in backoffs.Where(b => ApiErrors.IsTooManyRequests(b.Reason)))
                    Assert.True(b.Delay >= TimeSpan.FromSeconds(1), $"a 429 with Retry-After: 1 was retried after {b.Delay}");
            }
            finally
            {
                await informer.DisposeAsync();
            }

            await TestKit.Eventually(() => server.ActiveWatchCount == 0, "disposal closes the watch");

            // Every fault ends the current watch: quiet means a watch opened after the fault is the only one open.
            async Task QuiesceAsync(string what, bool expectNoPendingFaults, int afterRequestId)
            {
                string Diff()
                {
                    var expected = server.Snapshot("pods").Where(p => inScope(p.Key, p.Value.NodeName)).ToDictionary(p => p.Key, p => p.Value.ResourceVersion, StringComparer.Ordinal);
                    var actual = informer.Items.ToDictionary(ObjectKey.Of, p => p.Metadata.ResourceVersion, StringComparer.Ordinal);
                    var missing = expected.Where(p => !actual.TryGetValue(p.Key, out var rv) || rv != p.Value).Select(p => $"{p.Key}@{p.Value}");
                    var extra = actual.Where(p => !expected.TryGetValue(p.Key, out var rv) || rv != p.Value).Select(p => $"{p.Key}@{p.Value}");
                    var mirrored = actual.Count == mirror.Count && actual.All(p => mirror.TryGetValue(p.Key, out var rv) && rv == p.Value);
                    return $"missing/stale on the informer: [{string.Join(", ", missing)}]; extra/stale: [{string.Join(", ", extra)}]; " +
                           $"handlers agree with the store: {mirrored}; active watches: {server.ActiveWatchCount}; pending faults: {server.PendingFaults}";
                }

                bool Converged()
                {
                    var active = server.ActiveWatches;
                    if (active.Count != 1 || active[0].Id <= afterRequestId) return false;
                    if (expectNoPendingFaults && server.PendingFaults != 0) return false;
                    var expected = server.Snapshot("pods").Where(p => inScope(p.Key, p.Value.NodeName)).ToDictionary(p => p.Key, p => p.Value.ResourceVersion, StringComparer.Ordinal);
                    var actual = informer.Items;
                    if (actual.Count != expected.Count || mirror.Count != expected.Count) return false;
                    foreach (var item in actual)
                    {
                        var key = ObjectKey.Of(item);
                        if (!expected.TryGetValue(key, out var rv) || rv != item.Metadata.ResourceVersion) return false;
                        if (!mirror.TryGetValue(key, out var seen) || seen != rv) return false;
                    }

                    return true;
                }

                await TestKit.Eventually(Converged, () => $"{what} converges: {Diff()}\nrequests:\n" + string.Join("\n", server.Requests.TakeLast(30)), timeoutMs: 20_000);
            }

            void Write(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    var state = server.Snapshot("pods").OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
                    var op = state.Length < 8 ? 0 : rng.Next(3);
                    if (op == 0)
                    {
                        var node = "node-" + rng.Next(3);
                        var ns = "ns-" + rng.Next(3);
                        var name = $"c-{seed}-{created++}";
                        server.Upsert(FakeApiServer.Pod(ns, name, node));
                        log.Append($" +{ns}/{name}");
                    }
                    else
                    {
                        var (key, (_, node)) = state[rng.Next(state.Length)];
                        var parts = key.Split('/');
                        if (op == 1)
                        {
                            server.Upsert(FakeApiServer.Pod(parts[0], parts[1], node, new Dictionary<string, string> { ["v"] = rng.Next().ToString(CultureInfo.InvariantCulture) }));
                            log.Append($" ~{key}");
                        }
                        else
                        {
                            server.Delete("pods", parts[0], parts[1]);
                            log.Append($" -{key}");
                        }
                    }
                }
            }

            bool Inject(FaultKind kind)
            {
                static bool IsWatch(RequestRecord r) => r.Verb == "watch";
                static bool IsList(RequestRecord r) => r.Verb == "list";
                switch (kind)
                {
                    case FaultKind.DroppedConnection:
                        server.DropWatches();
                        return true;
                    case FaultKind.NormalClose:
                        server.CloseWatches();
                        return true;
                    case FaultKind.TooManyRequestsWithRetryAfter:
                        server.FailNext(IsWatch, 429, times: rng.Next(1, 3), retryAfterSeconds: 1);
                        server.DropWatches();
                        return true;
                    case FaultKind.InternalServerError:
                        server.FailNext(IsWatch, 500, times: rng.Next(1, 4));
                        if (rng.Next(2) == 0) server.DropWatches();
                        else server.CloseWatches();
                        return true;
                    case FaultKind.SlowWatchResponse:
                        server.DelayNext(IsWatch, TimeSpan.FromMilliseconds(rng.Next(20, 150)));
                        server.CloseWatches();
                        return true;
                    case FaultKind.BookmarkThenDrop:
                        server.SendBookmarks();
                        server.DropWatches();
                        return true;
                    case FaultKind.GoneErrorEvent:
                        server.SendWatchError(410);
                        return true;
                    case FaultKind.GoneHttpStatus:
                        server.FailNext(IsWatch, 410);
                        server.DropWatches();
                        return true;
                    case FaultKind.Compaction:
                        // Keep the informer out while the cluster changes, then compact past what it has seen.
                        server.FailNext(IsWatch, 503, times: int.MaxValue);
                        server.DropWatches();
                        Write(1 + rng.Next(3));
                        server.CompactHistory();
                        server.ClearFaults();
                        return true;
                    case FaultKind.RestartLosingAllWatches:
                        server.Restart(advanceResourceVersion: rng.Next(2) == 0);
                        return true;
                    case FaultKind.ExpiredContinueTokenDuringRelist:
                        // The relist is paginated by 3; the token of its first page expires before the second page is read.
                        server.ExpireContinueTokensOnNext(r => IsList(r) && r.HasContinue);
                        server.SendWatchError(410);
                        return false; // a scope of ≤ 3 objects needs no second page
                    case FaultKind.FailingRelist:
                        if (rng.Next(2) == 0) server.FailNext(IsList, 500, times: rng.Next(1, 3));
                        else server.FailNext(IsList, 429, times: 1, retryAfterSeconds: 1);
                        server.SendWatchError(410);
                        return true;
                    case FaultKind.SlowRelist:
                        server.DelayNext(IsList, TimeSpan.FromMilliseconds(rng.Next(20, 150)), times: 2);
                        server.SendWatchError(410);
                        return false; // a one-page relist consumes one delay only
                    default:
                        throw new ArgumentOutOfRangeException(nameof(kind));
                }
            }
        }
    }
}
