using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests
{
    public class InformerTests
    {
        [Fact]
        public async Task SyncsFromOneListAtResourceVersionZeroServedFromCacheThenWatchesWithBookmarks()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 3, podsPerNode: 4);
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: FastOptions());

            await informer.StartAsync(Timeout());

            Assert.True(informer.HasSynced);
            Assert.Equal(12, informer.Count);
            Assert.True(informer.TryGet("ns-0", "pod-0-0", out var pod));
            Assert.Equal("node-0", pod.Spec.NodeName);
            Assert.False(informer.TryGet("ns-0", "missing", out _));
            var snapshot = informer.List();
            Assert.Equal(12, snapshot.Items.Count);
            Assert.Equal(server.CurrentResourceVersion.ToString(), snapshot.Metadata.ResourceVersion);

            var list = Assert.Single(server.Lists);
            Assert.Equal("0", list.ResourceVersion);
            Assert.Null(list.Limit);
            Assert.Equal(ServedFrom.Cache, list.ServedFrom);
            Assert.Equal(12, list.ObjectsReturned);

            await Eventually(() => server.Watches.Count == 1, "the watch starts");
            var watch = server.Watches[0];
            Assert.Equal(snapshot.Metadata.ResourceVersion, watch.ResourceVersion);
            Assert.True(watch.AllowWatchBookmarks);
            Assert.Equal(450, watch.TimeoutSeconds); // 300 s × (1 + 0.5): client-go's [5, 10) min window
            Assert.Null(watch.Limit);
        }

        [Fact]
        public async Task ReceivesAddedModifiedAndDeletedEvents()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 3);
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, "ns-0", options: FastOptions());
            var seen = new ConcurrentQueue<string>();
            informer.Added += p => seen.Enqueue("added " + p.Metadata.Name);
            informer.Updated += (o, n) => seen.Enqueue($"updated {n.Metadata.Name} {o.Metadata.ResourceVersion}->{n.Metadata.ResourceVersion}");
            informer.Deleted += p => seen.Enqueue("deleted " + p.Metadata.Name);

            await informer.StartAsync(Timeout());
            Assert.Equal(new[] { "added pod-0-0" }, seen.ToArray()); // ns-0 holds pod-0-0 only
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            server.Upsert(FakeApiServer.Pod("ns-0", "new", "node-0"));
            server.Upsert(FakeApiServer.Pod("ns-1", "other-namespace", "node-0"));
            var changed = FakeApiServer.Pod("ns-0", "pod-0-0", "node-0", new Dictionary<string, string> { ["v"] = "2" });
            var before = informer.List().Items.Single(p => p.Metadata.Name == "pod-0-0").Metadata.ResourceVersion;
            var modifiedRv = server.Upsert(changed);
            var deletedRv = server.CurrentResourceVersion + 1;
            Assert.True(server.Delete("pods", "ns-0", "new"));

            await Eventually(() => seen.Count == 4, "three events arrive");
            Assert.Equal(new[] { "added pod-0-0", "added new", $"updated pod-0-0 {before}->{modifiedRv}", "deleted new" }, seen.ToArray());
            Assert.Equal("2", informer.Items.Single().Metadata.Labels["v"]);
            Assert.Equal(deletedRv.ToString(), informer.LastSyncResourceVersion);
            Assert.Single(server.Lists);
        }

        [Fact]
        public async Task ResumesFromTheLastResourceVersionAfterADroppedConnectionWithoutRelisting()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 2);
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: FastOptions());
            var backoffs = new ConcurrentQueue<InformerBackoff>();
            informer.BackingOff += backoffs.Enqueue;
            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            var seenRv = server.Upsert(FakeApiServer.Pod("ns-0", "a", "node-0"));
            await Eventually(() => informer.TryGet("ns-0", "a", out _), "pod a arrives");

            server.DropWatches();
            server.Upsert(FakeApiServer.Pod("ns-0", "b", "node-0"));
            await Eventually(() => informer.TryGet("ns-0", "b", out _), "pod b arrives after the reconnect");

            Assert.Single(server.Lists);
            Assert.Equal(1, informer.ListCount);
            Assert.Equal(0, informer.RelistCount);
            var watches = server.Watches;
            Assert.Equal("dropped", watches[0].CloseReason);
            Assert.Equal(seenRv.ToString(), watches[1].ResourceVersion);
            Assert.NotEmpty(backoffs); // a broken stream is a failure: back off before re-watching
        }

        [Fact]
        public async Task RewatchesAtOnceWhenTheServerEndsTheWatchNormally()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 2);
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: FastOptions());
            var backoffs = new ConcurrentQueue<InformerBackoff>();
            informer.BackingOff += backoffs.Enqueue;
            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");
            var rv = server.Upsert(FakeApiServer.Pod("ns-0", "a", "node-0"));
            await Eventually(() => informer.LastSyncResourceVersion == rv.ToString(), "the event arrives");

            server.CloseWatches(); // as at timeoutSeconds

            await Eventually(() => server.Watches.Count == 2 && server.ActiveWatchCount == 1, "a new watch opens");
            Assert.Equal(rv.ToString(), server.Watches[1].ResourceVersion);
            Assert.Empty(backoffs);
            Assert.Single(server.Lists);
        }

        [Fact]
        public async Task ResumesFromTheBookmarkResourceVersion()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 3);
            using var client = server.CreateClient();
            await using var informer = Informers.ForNodePods(client, "node-0", options: FastOptions());
            await informer.StartAsync(Timeout());
            var listRv = informer.LastSyncResourceVersion;
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            // Writes the informer does not see (another node's pods) move the server's resourceVersion on.
            server.Upsert(FakeApiServer.Pod("ns-0", "elsewhere-1", "node-1"));
            server.Upsert(FakeApiServer.Pod("ns-0", "elsewhere-2", "node-1"));
            var bookmarkRv = server.CurrentResourceVersion.ToString();
            Assert.NotEqual(listRv, bookmarkRv);

            server.SendBookmarks();
            await Eventually(() => informer.LastSyncResourceVersion == bookmarkRv, "the bookmark advances the resourceVersion");
            Assert.Equal(3, informer.Count); // a bookmark carries no object

            server.DropWatches();
            await Eventually(() => server.Watches.Count == 2, "the watch resumes");
            Assert.Equal(bookmarkRv, server.Watches[1].ResourceVersion);
            Assert.Single(server.Lists);
        }

        [Fact]
        public async Task RelistsAsAPaginatedConsistentReadAfterA410ErrorEvent()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 12);
            using var client = server.CreateClient();
            var options = FastOptions();
            options.PageSize = 5;
            await using var informer = Informers.ForPods(client, options: options);
            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            server.SendWatchError(410);

            await Eventually(() => informer.RelistCount == 1 && server.ActiveWatchCount == 1 && server.Watches.Count == 2,
                () => "the informer relists and watches again; requests:\n" + string.Join("\n", server.Requests) + $"\nrelists={informer.RelistCount}");
            var lists = server.Lists;
            Assert.Equal(1 + 3, lists.Count); // the initial cache list, then 12 pods in pages of 5
            Assert.Equal("0", lists[0].ResourceVersion);
            Assert.All(lists.Skip(1), l =>
            {
                Assert.Null(l.ResourceVersion);
                Assert.Equal(5, l.Limit);
                Assert.Equal(ServedFrom.Etcd, l.ServedFrom);
            });
            Assert.Equal(2, informer.ListCount);
            Assert.Equal(12, informer.Count);
        }

        [Fact]
        public async Task RelistsAfterAnHttp410OnTheWatch()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 2);
            server.FailNext(r => r.Verb == "watch", 410);
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: FastOptions());
            await informer.StartAsync(Timeout());

            await Eventually(() => informer.RelistCount == 1 && server.ActiveWatchCount == 1, "the informer relists and watches again");
            Assert.Equal(new[] { "0", null }, server.Lists.Select(l => l.ResourceVersion).ToArray());
        }

        [Fact]
        public async Task StopsWaitingForAWatchAtItsErrorEventWithoutCancellingTheReadInFlight()
        {
            // A server that sends an ERROR event and keeps the stream open: the informer relists at once (after its
            // backoff) and leaves that stream alone until the server closes it or the informer is disposed. Cancelling the
            // pending read of a stream the server is closing lets the client put the connection back in its pool with
            // the read still pending, and the next request on it never sees its response (docs/informer.md).
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 2);
            using var client = server.CreateClient();
            var informer = Informers.ForPods(client, options: FastOptions());
            try
            {
                await informer.StartAsync(Timeout());
                await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");
                var errored = server.ActiveWatches[0].Id;

                server.SendWatchError(410, close: false);

                // Well before the 5 s the informer used to wait for the stream to end before cancelling it.
                await Eventually(() => informer.RelistCount == 1 && server.ActiveWatches.Any(w => w.Id > errored),
                    () => "the informer relists and watches again while the errored stream is open; requests:\n" + string.Join("\n", server.Requests),
                    timeoutMs: 3_000);
                Assert.Contains(server.ActiveWatches, w => w.Id == errored); // not cancelled by the informer
                Assert.Equal(2, server.ActiveWatchCount);
                Assert.Equal(2, informer.Count);
            }
            finally
            {
                await informer.DisposeAsync();
            }

            await Eventually(() => server.ActiveWatchCount == 0, "disposal closes the errored stream too");
        }

        [Fact]
        public async Task ALostListResponseFailsAfterListTimeoutAndIsListedAgain()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 2);
            server.DelayNext(r => r.Verb == "list", TimeSpan.FromMinutes(5)); // a response that does not come
            using var client = server.CreateClient();
            var options = FastOptions();
            options.ListTimeout = TimeSpan.FromMilliseconds(300);
            await using var informer = Informers.ForPods(client, options: options);
            var errors = new ConcurrentQueue<Exception>();
            informer.Error += errors.Enqueue;

            await informer.StartAsync(Timeout());

            Assert.Equal(2, informer.Count);
            Assert.Equal(2, server.Lists.Count);
            Assert.IsType<TimeoutException>(Assert.Single(errors));
            Assert.Equal(2, informer.ListCount);
        }

        [Fact]
        public async Task BacksOffOn500And429WithJitteredDelaysOnTheInjectedClockAndHonoursRetryAfter()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 2);
            server.FailNext(r => r.Verb == "watch", 500, times: 3);
            server.FailNext(r => r.Verb == "watch", 429, times: 1, retryAfterSeconds: 7);
            var time = new FakeTimeProvider();
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: new InformerOptions { StreamingInitialList = false, TimeProvider = time, Random = new FixedRandom(0.5) });
            var backoffs = new ConcurrentQueue<InformerBackoff>();
            informer.BackingOff += backoffs.Enqueue;
            await informer.StartAsync(Timeout());

            // Full jitter at 0.5 of the ceiling: 0.8 s, 1.6 s, 3.2 s ceilings; then Retry-After 7 s beats 6.4 s × 0.5.
            var expected = new[] { 0.4, 0.8, 1.6, 7.0 };
            for (var i = 0; i < expected.Length; i++)
            {
                await Eventually(() => backoffs.Count == i + 1, $"backoff {i + 1} is chosen");
                var chosen = backoffs.ElementAt(i);
                Assert.Equal(TimeSpan.FromSeconds(expected[i]), chosen.Delay);
                Assert.Equal(i < 3 ? 500 : 429, ApiErrors.StatusCode(chosen.Reason));
                Assert.Equal(i + 1, server.Watches.Count);

                time.Advance(TimeSpan.FromSeconds(expected[i]) - TimeSpan.FromMilliseconds(1));
                await Task.Delay(50); // negative check: no retry before the delay has passed on the clock
                Assert.Equal(i + 1, server.Watches.Count);
                time.Advance(TimeSpan.FromMilliseconds(1));
                await Eventually(() => server.Watches.Count == i + 2, $"watch {i + 2} is sent once the clock passes the delay");
            }

            await Eventually(() => server.ActiveWatchCount == 1, "the fifth watch stays open");
            Assert.Single(server.Lists);
            Assert.Equal(4, backoffs.Count);
        }

        [Fact]
        public async Task TheBackoffWaitIsRunningWhenBackingOffIsRaised()
        {
            // A handler that moves the clock past the delay (as a test driving a fake clock does from another thread)
            // must not postpone the retry: the wait started before the handler ran and is due at Until.
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 1);
            server.FailNext(r => r.Verb == "watch", 500, times: 2);
            var time = new FakeTimeProvider();
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: new InformerOptions { StreamingInitialList = false, TimeProvider = time, Random = new FixedRandom(0.5) });
            var backoffs = new ConcurrentQueue<(InformerBackoff Backoff, DateTimeOffset RaisedAt)>();
            informer.BackingOff += b =>
            {
                backoffs.Enqueue((b, time.GetUtcNow()));
                time.Advance(b.Delay);
            };
            await informer.StartAsync(Timeout());

            await Eventually(() => server.ActiveWatchCount == 1, "the third watch opens without any further clock movement");
            Assert.Equal(3, server.Watches.Count);
            Assert.Equal(2, backoffs.Count);
            Assert.All(backoffs, b => Assert.Equal(b.RaisedAt + b.Backoff.Delay, b.Backoff.Until));
        }

        [Fact]
        public async Task NodeScopedInformerHoldsOnlyItsNodesPodsAndCostsOnlyThoseFromTheCache()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 10, podsPerNode: 5);
            using var client = server.CreateClient();
            await using var informer = Informers.ForNodePods(client, "node-3", options: FastOptions());
            await informer.StartAsync(Timeout());

            Assert.Equal(5, informer.Count);
            Assert.All(informer.Items, p => Assert.Equal("node-3", p.Spec.NodeName));
            var list = Assert.Single(server.Lists);
            Assert.Equal("spec.nodeName=node-3", list.FieldSelector);
            Assert.Equal(ServedFrom.Cache, list.ServedFrom);
            Assert.Equal(5, list.ObjectsProcessed); // the watch cache's spec.nodeName index, not 50 pods
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");
            Assert.Equal("spec.nodeName=node-3", server.Watches[0].FieldSelector);

            server.Upsert(FakeApiServer.Pod("ns-0", "on-4", "node-4"));
            server.Upsert(FakeApiServer.Pod("ns-0", "on-3", "node-3"));
            await Eventually(() => informer.TryGet("ns-0", "on-3", out _), "the node-3 pod arrives");
            Assert.False(informer.TryGet("ns-0", "on-4", out _));
            Assert.Equal(6, informer.Count);
        }

        [Fact]
        public async Task NodeInformerCanWatchOnlyItsOwnNode()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 4, podsPerNode: 0);
            using var client = server.CreateClient();
            await using var informer = Informers.ForNodes(client, fieldSelector: "metadata.name=node-2", options: FastOptions());
            await informer.StartAsync(Timeout());

            var node = Assert.Single(informer.Items);
            Assert.True(informer.TryGet(null, "node-2", out var same));
            Assert.Same(node, same);
            Assert.Equal("metadata.name=node-2", server.Lists[0].FieldSelector);
        }

        [Fact]
        public async Task SurvivesAServerRestartThatLosesWatchesAndCompactsHistory()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 3);
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: FastOptions());
            var deleted = new ConcurrentQueue<string>();
            var updated = new ConcurrentQueue<string>();
            informer.Deleted += p => deleted.Enqueue(p.Metadata.Name);
            informer.Updated += (_, n) => updated.Enqueue(n.Metadata.Name);
            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            // Keep the informer out while the cluster changes, then restart the server.
            server.FailNext(r => r.Verb == "watch", 503, times: int.MaxValue);
            server.DropWatches();
            Assert.True(server.Delete("pods", "ns-0", "pod-0-0"));
            server.Upsert(FakeApiServer.Pod("ns-1", "pod-0-1", "node-0", new Dictionary<string, string> { ["changed"] = "yes" }));
            server.Upsert(FakeApiServer.Pod("ns-2", "after-restart", "node-1"));
            server.Restart();
            server.ClearFaults();

            await Eventually(() => informer.TryGet("ns-2", "after-restart", out _) && server.ActiveWatchCount == 1, "the informer converges");
            // Handlers run from their own buffers (HandlerBufferTests): they may still be behind the store here.
            await Eventually(() => !deleted.IsEmpty && !updated.IsEmpty, "the handlers see the relist's changes");
            Assert.False(informer.TryGet("ns-0", "pod-0-0", out _));
            Assert.Equal(new[] { "pod-0-0" }, deleted.ToArray());
            Assert.Equal(new[] { "pod-0-1" }, updated.ToArray());
            Assert.Equal(6, informer.Count);
            Assert.Equal(1, informer.RelistCount);
            Assert.Null(server.Lists.Last().ResourceVersion);
        }

        [Fact]
        public async Task DisposalClosesTheWatchConnection()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 2);
            using var client = server.CreateClient();
            var informer = Informers.ForPods(client, options: FastOptions());
            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            await informer.DisposeAsync();

            await Eventually(() => server.ActiveWatchCount == 0, "the server sees the watch close", timeoutMs: 5_000);
            Assert.Equal("client", server.Watches.Single().CloseReason);
            var requests = server.Requests.Count;
            server.Upsert(FakeApiServer.Pod("ns-0", "late", "node-0"));
            Assert.False(informer.TryGet("ns-0", "late", out _));
            Assert.Equal(requests, server.Requests.Count);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => informer.WaitForSyncAsync());
            Assert.Throws<ObjectDisposedException>(() => informer.Start());
        }

        [Fact]
        public async Task CustomObjectInformerUsesTheClientsHttpOperationAndWatchStream()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.Upsert(new TestWidget { Metadata = new V1ObjectMeta { Name = "w1", NamespaceProperty = "default" }, Spec = new TestWidgetSpec { Size = 1 } });
            server.Upsert(new TestWidget { Metadata = new V1ObjectMeta { Name = "w2", NamespaceProperty = "other" }, Spec = new TestWidgetSpec { Size = 2 } });
            using var client = server.CreateClient();
            await using var informer = Informers.Create(
                ListWatch.ForCustomObjects<TestWidget, TestWidgetList>(client, "example.com", "v1", "widgets", "default"), FastOptions());
            await informer.StartAsync(Timeout());

            var w1 = Assert.Single(informer.Items);
            Assert.Equal(1, w1.Spec!.Size);
            Assert.Equal("/apis/example.com/v1/namespaces/default/widgets", server.Lists[0].PathAndQuery.Split('?')[0]);
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            var rv = server.Upsert(new TestWidget { Metadata = new V1ObjectMeta { Name = "w1", NamespaceProperty = "default" }, Spec = new TestWidgetSpec { Size = 10 } });
            await Eventually(() => informer.TryGet("default", "w1", out var w) && w.Spec!.Size == 10, "the MODIFIED event arrives");
            server.SendBookmarks();
            server.Upsert(new TestWidget { Metadata = new V1ObjectMeta { Name = "w3", NamespaceProperty = "other" } });
            server.SendBookmarks();
            var last = server.CurrentResourceVersion.ToString();
            await Eventually(() => informer.LastSyncResourceVersion == last, "bookmarks arrive through the same reader");
            Assert.NotEqual(rv.ToString(), last);

            server.SendWatchError(410);
            await Eventually(() => informer.RelistCount == 1 && server.ActiveWatchCount == 1, "an ERROR event read by the client's reader causes a relist");
            Assert.Single(informer.Items);
        }
    }
}
