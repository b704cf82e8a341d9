using System.Linq;
using System.Threading.Tasks;
using k8s.Models;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests
{
    public class InformerOptionsTests
    {
        [Fact]
        public async Task ChangingTheCallersOptionsAfterConstructionDoesNotReScopeTheWatch()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 2);
            using var client = server.CreateClient();
            var options = FastOptions();
            options.FieldSelector = "spec.nodeName=node-0";
            await using var informer = new Informer<V1Pod, V1PodList>(ListWatch.ForPods(client), options);
            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            // The caller reuses its options object, e.g. for the next node's informer. Had the informer kept it, its next
            // watch would follow node-1's pods from a resourceVersion that belongs to node-0's list, without a relist.
            options.FieldSelector = "spec.nodeName=node-1";
            server.CloseWatches();
            await Eventually(() => server.Watches.Count == 2 && server.ActiveWatchCount == 1, "it re-watches");
            Assert.Equal("spec.nodeName=node-0", server.Watches[1].FieldSelector);
            server.Upsert(FakeApiServer.Pod("ns-0", "late", "node-1"));
            var rv = server.Upsert(FakeApiServer.Pod("ns-0", "later", "node-0"));
            await Eventually(() => informer.LastSyncResourceVersion == rv.ToString(), "the node-0 event arrives");

            Assert.All(server.Watches, w => Assert.Equal("spec.nodeName=node-0", w.FieldSelector));
            Assert.Single(server.Lists);
            Assert.All(informer.Items, p => Assert.Equal("node-0", p.Spec.NodeName));
            Assert.Equal(3, informer.Items.Count);
        }
    }
}
