using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using k8s;
using Resilience.Kubernetes.Testing;
using Xunit;
using Xunit.Abstractions;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>
    /// facts.md: for etcd-served lists the cost is the objects stored, not returned; the watch cache indexes pods by
    /// spec.nodeName. The fake server's accounting must show the incident's pattern and its fix apart.
    /// </summary>
    public class AccessPatternTests
    {
        private const int Nodes = 20;
        private const int PodsPerNode = 10;
        private const int Polls = 5;
        private const int Pods = Nodes * PodsPerNode;
        private readonly ITestOutputHelper output;

        public AccessPatternTests(ITestOutputHelper output) => this.output = output;

        [Fact]
        public async Task PerNodePollingCostsTheClusterSizeWhileNodeScopedInformersCostTheirOwnPods()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(Nodes, PodsPerNode);
            using var client = server.CreateClient();

            // A: every node lists every pod, five times (RV unset: a consistent read from etcd).
            var start = server.Requests.Count;
            for (var n = 0; n < Nodes; n++)
                for (var p = 0; p < Polls; p++)
                    await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: Timeout());
            var polling = server.Requests.Skip(start).ToArray();

            // B: the same with the node's field selector — still from etcd, so still every stored pod is processed.
            start = server.Requests.Count;
            for (var n = 0; n < Nodes; n++)
                for (var p = 0; p < Polls; p++)
                    await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=node-" + n, cancellationToken: Timeout());
            var selectedPolling = server.Requests.Skip(start).ToArray();

            // C: one node-scoped informer per node; then five rounds of churn touching one pod per node.
            start = server.Requests.Count;
            var informers = new List<Informer<k8s.Models.V1Pod, k8s.Models.V1PodList>>();
            try
            {
                for (var n = 0; n < Nodes; n++)
                {
                    var informer = Informers.ForNodePods(client, "node-" + n, options: FastOptions());
                    informers.Add(informer);
                    await informer.StartAsync(Timeout());
                }

                await Eventually(() => server.ActiveWatchCount == Nodes, "every informer watches");
                for (var round = 0; round < Polls; round++)
                    for (var n = 0; n < Nodes; n++)
                        server.Upsert(FakeApiServer.Pod("ns-" + (round % 3), $"pod-{n}-{round}", "node-" + n, new Dictionary<string, string> { ["round"] = round.ToString() }));

                await Eventually(() => server.Requests.Skip(start).Where(r => r.Verb == "watch").Sum(r => r.ObjectsReturned) == Polls * Nodes, "every change reaches its node's informer");
                Assert.All(informers, i => Assert.Equal(PodsPerNode, i.Count));
            }
            finally
            {
                foreach (var informer in informers) await informer.DisposeAsync();
            }

            var informed = server.Requests.Skip(start).ToArray();

            Assert.All(polling, r => Assert.Equal(ServedFrom.Etcd, r.ServedFrom));
            Assert.Equal(Nodes * Polls * Pods, polling.Sum(r => r.ObjectsProcessed));
            Assert.Equal(Nodes * Polls * Pods, polling.Sum(r => r.ObjectsReturned));

            Assert.All(selectedPolling, r => Assert.Equal(ServedFrom.Etcd, r.ServedFrom));
            Assert.Equal(Nodes * Polls * Pods, selectedPolling.Sum(r => r.ObjectsProcessed)); // stored, not returned
            Assert.Equal(Nodes * Polls * PodsPerNode, selectedPolling.Sum(r => r.ObjectsReturned));

            var lists = informed.Where(r => r.Verb == "list").ToArray();
            var watches = informed.Where(r => r.Verb == "watch").ToArray();
            Assert.Equal(Nodes, lists.Length);
            Assert.All(lists, r => Assert.Equal(ServedFrom.Cache, r.ServedFrom));
            Assert.Equal(Pods, lists.Sum(r => r.ObjectsProcessed)); // each node's own pods via the index
            Assert.Equal(Nodes, watches.Length);
            Assert.Equal(Nodes * Polls, watches.Sum(r => r.ObjectsProcessed)); // each event goes to one watcher
            var informerCost = lists.Sum(r => r.ObjectsProcessed) + watches.Sum(r => r.ObjectsProcessed);
            Assert.True(polling.Sum(r => r.ObjectsProcessed) >= 60 * informerCost);

            output.WriteLine($"A polling all pods:         {polling.Length} lists, {polling.Sum(r => r.ObjectsProcessed)} processed, {polling.Sum(r => r.Bytes)} bytes");
            output.WriteLine($"B polling own node (etcd):  {selectedPolling.Length} lists, {selectedPolling.Sum(r => r.ObjectsProcessed)} processed, {selectedPolling.Sum(r => r.Bytes)} bytes");
            output.WriteLine($"C node-scoped informers:    {lists.Length} lists + {watches.Length} watches, {informerCost} processed, {informed.Sum(r => r.Bytes)} bytes");
        }
    }
}
