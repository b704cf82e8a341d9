using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests
{
    public class TransformTests
    {
        [Fact]
        public async Task ManagedFieldsAreStrippedFromTheFirstListWatchEventsAndTheRelistByDefault()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.Upsert(Managed(FakeApiServer.Pod("ns-0", "listed", "node-0")));
            server.Upsert(Managed(FakeApiServer.Pod("ns-0", "changed-while-away", "node-0")));
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: FastOptions());
            var handed = new ConcurrentQueue<V1Pod>();
            informer.Added += handed.Enqueue;
            informer.Updated += (_, now) => handed.Enqueue(now);
            informer.Deleted += handed.Enqueue;
            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            server.Upsert(Managed(FakeApiServer.Pod("ns-0", "watched", "node-0")));
            server.Upsert(Managed(FakeApiServer.Pod("ns-0", "listed", "node-0", new Dictionary<string, string> { ["v"] = "2" })));
            var deletedRv = server.CurrentResourceVersion + 1;
            Assert.True(server.Delete("pods", "ns-0", "watched"));
            await Eventually(() => informer.LastSyncResourceVersion == deletedRv.ToString(), "ADDED, MODIFIED and DELETED arrive");

            // Keep the informer out while a pod changes, then compact: the resumed watch gets 410 and the relist brings it.
            server.FailNext(r => r.Verb == "watch", 503, times: int.MaxValue);
            server.DropWatches();
            var relistedRv = server.Upsert(Managed(FakeApiServer.Pod("ns-0", "changed-while-away", "node-0", new Dictionary<string, string> { ["v"] = "2" })));
            server.Restart();
            server.ClearFaults();
            await Eventually(() => informer.RelistCount == 1 && server.ActiveWatchCount == 1, "the informer relists");

            Assert.Equal(relistedRv.ToString(), handed.Last().Metadata.ResourceVersion); // the relisted object reached the handler
            Assert.Equal(6, handed.Count); // 2 listed, ADDED, MODIFIED, DELETED, 1 relisted
            Assert.All(handed, p => Assert.Null(p.Metadata.ManagedFields));
            Assert.All(informer.Items, p => Assert.Null(p.Metadata.ManagedFields));
            Assert.Equal(2, informer.Count);
            Assert.All(server.Snapshot("pods").Keys, key => Assert.Contains(key, informer.Items.Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name)));
        }

        [Fact]
        public async Task ManagedFieldsAreKeptWhenStrippingIsTurnedOff()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.Upsert(Managed(FakeApiServer.Pod("ns-0", "listed", "node-0")));
            using var client = server.CreateClient();
            var options = FastOptions();
            options.StripManagedFields = false;
            await using var informer = Informers.ForPods(client, options: options);
            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            server.Upsert(Managed(FakeApiServer.Pod("ns-0", "watched", "node-0")));
            await Eventually(() => informer.Count == 2, "the ADDED event arrives");

            Assert.All(informer.Items, p => Assert.Equal("kubectl", Assert.Single(p.Metadata.ManagedFields).Manager));
        }

        [Fact]
        public async Task ACustomTransformShapesCustomObjectsFromListWatchAndRelist()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.Upsert(Widget("w1", 1));
            using var client = server.CreateClient();
            var options = FastOptions();
            var seenBySize = new ConcurrentDictionary<int, int>();
            options.Transform = o =>
            {
                var widget = (TestWidget)o;
                seenBySize.AddOrUpdate(widget.Spec!.Size, 1, (_, n) => n + 1);
                return new TestWidget { Metadata = widget.Metadata, Spec = new TestWidgetSpec { Size = widget.Spec.Size * 100 } };
            };
            await using var informer = Informers.Create(
                ListWatch.ForCustomObjects<TestWidget, TestWidgetList>(client, "example.com", "v1", "widgets", "default"), options);
            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            server.Upsert(Widget("w2", 2));
            await Eventually(() => informer.Count == 2, "the ADDED event arrives");
            server.SendWatchError(410);
            await Eventually(() => informer.RelistCount == 1 && server.ActiveWatchCount == 1, "the informer relists");

            Assert.Equal(new[] { 100, 200 }, informer.Items.Select(w => w.Spec!.Size).ToArray());
            Assert.All(informer.Items, w => Assert.Null(w.Metadata.ManagedFields)); // stripped before the custom transform
            Assert.Equal(2, seenBySize[1]); // first list and relist
            Assert.Equal(2, seenBySize[2]); // ADDED event and relist
        }

        [Fact]
        public async Task ATransformThatThrowsFailsTheListWhichIsReportedBackedOffAndRetried()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 2);
            using var client = server.CreateClient();
            var options = FastOptions();
            var calls = 0;
            options.Transform = o => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("bad object") : o;
            await using var informer = Informers.ForPods(client, options: options);
            var errors = new ConcurrentQueue<Exception>();
            var backoffs = new ConcurrentQueue<InformerBackoff>();
            informer.Error += errors.Enqueue;
            informer.BackingOff += backoffs.Enqueue;

            await informer.StartAsync(Timeout());

            Assert.Equal("bad object", Assert.Single(errors).Message);
            Assert.Single(backoffs);
            Assert.Equal(2, server.Lists.Count);
            Assert.Equal(2, informer.Count);
        }

        [Fact]
        public async Task ATransformThatReturnsNullIsAnError()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 1);
            using var client = server.CreateClient();
            var options = FastOptions();
            options.Transform = _ => null!;
            await using var informer = Informers.ForPods(client, options: options);
            var errors = new ConcurrentQueue<Exception>();
            informer.Error += errors.Enqueue;
            informer.Start();

            await Eventually(() => !errors.IsEmpty, "the list fails");
            Assert.IsType<InformerException>(errors.First());
            Assert.False(informer.HasSynced);
        }

        private static T Managed<T>(T obj)
            where T : IKubernetesObject<V1ObjectMeta>
        {
            obj.Metadata.ManagedFields = new List<V1ManagedFieldsEntry>
            {
                new() { Manager = "kubectl", Operation = "Apply", ApiVersion = "v1", FieldsType = "FieldsV1" },
            };
            return obj;
        }

        private static TestWidget Widget(string name, int size) =>
            Managed(new TestWidget { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" }, Spec = new TestWidgetSpec { Size = size } });
    }
}
