using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using k8s.Models;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>The streaming initial list (KEP-3157) against the loopback server speaking it, refusing it, or ignoring it.</summary>
    public class StreamingListTests
    {
        [Fact]
        public void StreamingIsOnByDefault()
        {
            Assert.True(new InformerOptions().StreamingInitialList);
        }

        [Fact]
        public async Task ASupportingServerIsReadWithOneWatchAndNoListSyncedAtTheInitialEventsEndBookmark()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 3);
            using var client = server.CreateClient();
            await using var informer = Informers.ForNodePods(client, "node-1", options: StreamingOptions());
            var added = new ConcurrentQueue<string>();
            informer.Added += p => added.Enqueue(p.Metadata.Name);
            var rvAtStart = server.CurrentResourceVersion;

            await informer.StartAsync(Timeout());

            Assert.Empty(server.Lists);
            var watch = Assert.Single(server.Watches);
            Assert.True(watch.SendInitialEvents);
            Assert.Equal("NotOlderThan", watch.ResourceVersionMatch);
            Assert.True(watch.AllowWatchBookmarks);
            Assert.Equal("", watch.ResourceVersion);
            Assert.Equal("spec.nodeName=node-1", watch.FieldSelector);
            Assert.Equal(new[] { "pod-1-0", "pod-1-1", "pod-1-2" }, added.OrderBy(n => n).ToArray());
            Assert.Equal(rvAtStart.ToString(), informer.LastSyncResourceVersion); // the bookmark's resourceVersion
            Assert.True(informer.UsesStreamingList);
            Assert.Equal(0, informer.ListCount);

            // The same stream goes on as the watch.
            server.Upsert(FakeApiServer.Pod("ns-0", "later", "node-1"));
            await Eventually(() => informer.Count == 4, "the change arrives on the streaming watch");
            Assert.Single(server.Watches);
            Assert.Empty(server.Lists);
        }

        [Fact]
        public async Task ObjectsOfTheInitialEventsReachTheCacheAndHandlersOnlyAtTheBookmark()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 3);
            server.WatchList = WatchListSupport.Ignored; // ADDED events, but never the bookmark
            server.WatchTimeoutOverride = TimeSpan.FromMilliseconds(300);
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: StreamingOptions());
            var added = new ConcurrentQueue<string>();
            var countsSeenByHandlers = new ConcurrentQueue<int>();
            informer.Added += p => added.Enqueue(p.Metadata.Name);
            informer.Start();

            await Eventually(() => server.Watches.Count >= 1 && server.Watches[0].EventsSent == 3, "the ignoring server streams the pods as ADDED");
            Assert.False(informer.HasSynced);
            Assert.Equal(0, informer.Count);
            Assert.Empty(added);

            await informer.WaitForSyncAsync(Timeout());
            Assert.Equal(3, added.Count); // each pod once: from the LIST of the fallback, not from the bookmark-less stream
        }

        [Fact]
        public async Task ARejectingServerMakesTheInformerListThenWatchAtOnceAndForTheRestOfItsLife()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 3);
            server.WatchList = WatchListSupport.Rejected;
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: StreamingOptions());
            var errors = new ConcurrentQueue<Exception>();
            var backoffs = new ConcurrentQueue<InformerBackoff>();
            informer.Error += errors.Enqueue;
            informer.BackingOff += backoffs.Enqueue;

            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the plain watch is open");

            var requests = server.Requests;
            Assert.Equal(3, requests.Count);
            Assert.True(requests[0].Verb == "watch" && requests[0].SendInitialEvents && requests[0].StatusCode == 422);
            Assert.True(requests[1].Verb == "list" && requests[1].ResourceVersion == "0");
            Assert.True(requests[2].Verb == "watch" && !requests[2].SendInitialEvents && requests[2].ResourceVersionMatch is null);
            Assert.Equal(422, ApiErrors.StatusCode(Assert.Single(errors)));
            Assert.Empty(backoffs); // the fallback is immediate
            Assert.False(informer.UsesStreamingList);
            Assert.Equal(3, informer.Count);

            // Remembered: a normal close re-watches plainly, and a 410 relists with LIST, never streaming again.
            server.CloseWatches();
            await Eventually(() => server.Watches.Count == 3 && server.ActiveWatchCount == 1, "the informer re-watches");
            server.SendWatchError(410);
            await Eventually(() => informer.RelistCount == 1 && server.ActiveWatchCount == 1 && server.Lists.Count == 2, "the informer relists");
            Assert.Single(server.Requests, r => r.SendInitialEvents);
        }

        [Fact]
        public async Task AServerErrorBeforeTheBookmarkIsRetriedAsAStreamAfterABackoffNotAFallback()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 2);
            server.FailNext(r => r.Verb == "watch" && r.SendInitialEvents, 500);
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: StreamingOptions());
            var backoffs = new ConcurrentQueue<InformerBackoff>();
            informer.BackingOff += backoffs.Enqueue;

            await informer.StartAsync(Timeout());

            Assert.Equal(new[] { 500, 200 }, server.Watches.Select(w => w.StatusCode).ToArray());
            Assert.All(server.Watches, w => Assert.True(w.SendInitialEvents));
            Assert.Empty(server.Lists);
            Assert.Single(backoffs);
            Assert.True(informer.UsesStreamingList);
        }

        [Fact]
        public async Task A410AfterAStreamingSyncRelistsByStreamingAndHandsTheHandlersTheDifferences()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.Upsert(FakeApiServer.Pod("ns-0", "stays", "node-0"));
            server.Upsert(FakeApiServer.Pod("ns-0", "changes", "node-0"));
            server.Upsert(FakeApiServer.Pod("ns-0", "goes", "node-0"));
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: StreamingOptions());
            var seen = new ConcurrentQueue<string>();
            informer.Added += p => seen.Enqueue("+" + p.Metadata.Name);
            informer.Updated += (_, p) => seen.Enqueue("~" + p.Metadata.Name);
            informer.Deleted += p => seen.Enqueue("-" + p.Metadata.Name);
            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the streaming watch is open");
            while (seen.TryDequeue(out _)) { }

            // Keep the informer away while things change, then compact: the resumed watch gets 410.
            server.FailNext(r => r.Verb == "watch", 503, times: int.MaxValue);
            server.DropWatches();
            server.Upsert(FakeApiServer.Pod("ns-0", "changes", "node-0", new Dictionary<string, string> { ["v"] = "2" }));
            Assert.True(server.Delete("pods", "ns-0", "goes"));
            server.Upsert(FakeApiServer.Pod("ns-0", "new", "node-0"));
            server.Restart();
            server.ClearFaults();
            await Eventually(() => informer.RelistCount == 1 && server.ActiveWatchCount == 1 && seen.Count == 3, () => string.Join("\n", server.Requests));

            Assert.Empty(server.Lists);
            var relist = server.Watches.Last();
            Assert.True(relist.SendInitialEvents);
            Assert.Equal("", relist.ResourceVersion);
            Assert.Equal(new[] { "+new", "-goes", "~changes" }, seen.OrderBy(e => e.Substring(1)).ThenBy(e => e).OrderBy(e => e[0]).ToArray());
            Assert.Equal(server.Snapshot("pods").OrderBy(p => p.Key).Select(p => p.Value.ResourceVersion), informer.Items.Select(p => p.Metadata.ResourceVersion));
        }

        [Theory]
        [InlineData(WatchListSupport.Supported)]
        [InlineData(WatchListSupport.Rejected)]
        [InlineData(WatchListSupport.Ignored)]
        public async Task CustomObjectsStreamOrFallBackLikeTypedOnes(WatchListSupport support)
        {
            await using var server = await FakeApiServer.StartAsync();
            server.WatchList = support;
            if (support == WatchListSupport.Ignored) server.WatchTimeoutOverride = TimeSpan.FromMilliseconds(300);
            for (var i = 0; i < 3; i++)
            {
                server.Upsert(new TestWidget { Metadata = new V1ObjectMeta { Name = "w" + i, NamespaceProperty = "default" }, Spec = new TestWidgetSpec { Size = i } });
            }

            using var client = server.CreateClient();
            await using var informer = Informers.Create(
                ListWatch.ForCustomObjects<TestWidget, TestWidgetList>(client, "example.com", "v1", "widgets", "default"), StreamingOptions());

            await informer.StartAsync(Timeout());

            Assert.Equal(new[] { 0, 1, 2 }, informer.Items.Select(w => w.Spec!.Size).ToArray());
            var first = server.Watches.First();
            Assert.True(first.SendInitialEvents);
            Assert.Equal("NotOlderThan", first.ResourceVersionMatch);
            Assert.Equal("/apis/example.com/v1/namespaces/default/widgets", first.PathAndQuery.Split('?')[0]);
            Assert.Equal(support == WatchListSupport.Supported ? 0 : 1, server.Lists.Count);
            Assert.Equal(support == WatchListSupport.Supported, informer.UsesStreamingList);

            if (support != WatchListSupport.Ignored)
            {
                server.Upsert(new TestWidget { Metadata = new V1ObjectMeta { Name = "w9", NamespaceProperty = "default" }, Spec = new TestWidgetSpec { Size = 9 } });
                await Eventually(() => informer.Count == 4, "the widget added later arrives on the watch");
            }
        }

        [Fact]
        public async Task AClientThatCannotSendTheParameterFallsBack()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.Upsert(new TestWidget { Metadata = new V1ObjectMeta { Name = "w0", NamespaceProperty = "default" }, Spec = new TestWidgetSpec { Size = 1 } });
            using var client = server.CreateClient();
            var wrapped = Forwarder.Wrap(client);
            await using var informer = Informers.Create(
                ListWatch.ForCustomObjects<TestWidget, TestWidgetList>(wrapped, "example.com", "v1", "widgets", "default"), StreamingOptions());
            var errors = new ConcurrentQueue<Exception>();
            informer.Error += errors.Enqueue;

            await informer.StartAsync(Timeout());

            Assert.IsType<NotSupportedException>(Assert.Single(errors));
            Assert.Single(server.Lists);
            Assert.Equal(1, informer.Count);
        }

        private static InformerOptions StreamingOptions()
        {
            var options = FastOptions();
            options.StreamingInitialList = true;
            return options;
        }

        /// <summary>An <see cref="k8s.IKubernetes"/> that is not a <see cref="k8s.Kubernetes"/> (a decorator), forwarding every call.</summary>
        public class Forwarder : System.Reflection.DispatchProxy
        {
            public k8s.Kubernetes Inner { get; set; } = null!;

            public static k8s.IKubernetes Wrap(k8s.Kubernetes inner)
            {
                var proxy = Create<k8s.IKubernetes, Forwarder>();
                ((Forwarder)(object)proxy).Inner = inner;
                return proxy;
            }

            protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) => targetMethod!.Invoke(Inner, args);
        }
    }
}
