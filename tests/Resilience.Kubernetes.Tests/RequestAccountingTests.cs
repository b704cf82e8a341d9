using System.Threading.Tasks;
using k8s;
using Resilience.CostModel;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>The package's accounting as a user reads it: a seeded cluster, the user's own client, then the numbers.</summary>
    public class RequestAccountingTests
    {
        [Fact]
        public async Task Accounting_counts_a_polling_agent_and_a_node_scoped_informer_by_verb_resource_objects_bytes_and_events()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 10, podsPerNode: 4);
            using var client = server.CreateClient();
            var seeded = server.Requests.Count;

            // A per-node agent as written in the incident: every round lists every pod, then keeps its node's.
            for (var round = 0; round < 3; round++) await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: Timeout());
            var polling = server.Accounting(since: seeded);

            var mark = server.Requests.Count;
            await using (var informer = Informers.ForNodePods(client, "node-3", options: FastOptions()))
            {
                await informer.StartAsync(Timeout());
                server.Upsert(FakeApiServer.Pod("ns-0", "new-on-node-3", "node-3"));
                server.Upsert(FakeApiServer.Pod("ns-0", "new-on-node-4", "node-4"));
                await Eventually(() => informer.Count == 5, "the informer has its node's new pod");
            }

            var informed = server.Accounting(since: mark);

            Assert.Equal(3, polling.Count("list", "pods"));
            Assert.Equal(3, Assert.Single(polling.ByVerbAndResource).Value);
            Assert.Equal(3 * 40, polling.ObjectsProcessed);
            Assert.Equal(3 * 40, polling.ObjectsProcessedFromEtcd);
            Assert.Equal(3 * 40, polling.ObjectsReturned);
            Assert.True(polling.Bytes > 3 * 40 * 100, polling.ToString());
            Assert.Equal(0, polling.WatchEvents);

            Assert.Equal((1, 1), (informed.Count("list", "pods"), informed.Count("watch", "pods")));
            Assert.Equal(4 + 1, informed.ObjectsProcessed); // 4 listed through the node index, 1 event; node-4's pod never reaches it
            Assert.Equal(0, informed.ObjectsProcessedFromEtcd);
            Assert.Equal(1, informed.WatchEvents);
            Assert.Contains("list pods: 1 requests, 4 processed", informed.ToString());

            // The same patterns at 5,000 nodes × 30 pods (the cost model, facts.md): three cluster-wide LISTs from etcd
            // process 3 × 150,000 pods (~14 KB each as JSON); the informer's LIST at resourceVersion=0 reads its node's
            // 30 pods through the cache's spec.nodeName index and its watch resumes from that list.
            var atScale = new ClusterShape(nodes: 5000, podsPerNode: 30);
            var pollingAtScale = AccessPatternAtScale.Estimate(atScale, polling.Requests);
            var informedAtScale = AccessPatternAtScale.Estimate(atScale, informed.Requests);
            Assert.Equal((450_000L, 450_000L), (pollingAtScale.ObjectsProcessed, pollingAtScale.ObjectsFromEtcd));
            Assert.InRange(pollingAtScale.BytesReturned, 6_000_000_000L, 6_500_000_000L);
            Assert.Equal((30L, 0L), (informedAtScale.ObjectsProcessed, informedAtScale.ObjectsFromEtcd));
        }
    }
}
