// ValidCode: a per-node agent written the way the rules ask. Every analyzer must stay silent here, even with
// the corpus configured as a DaemonSet on 5,000 nodes.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;
using Resilience.Kubernetes;

namespace ValidCode
{
    public sealed class NodeAgent : IDisposable
    {
        private readonly IKubernetes client;
        private readonly string nodeName = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";
        private readonly Informer<V1Pod, V1PodList> pods;

        public NodeAgent(IKubernetes client)
        {
            this.client = client;
            pods = Informers.ForNodePods(client, nodeName);
        }

        public async Task RunAsync(CancellationToken ct)
        {
            await pods.StartAsync(ct);
            V1Node self = await client.CoreV1.ReadNodeAsync(nodeName, cancellationToken: ct);
            string zone = self.Metadata.Labels?.TryGetValue("topology.kubernetes.io/zone", out var z) == true ? z : "unknown";
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
            while (await timer.WaitForNextTickAsync(ct))
            {
                foreach (var pod in pods.Items)
                {
                    Console.WriteLine($"{zone} {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}");
                }
            }
        }

        public async Task<IReadOnlyList<V1Pod>> MyPodsOnceAsync(CancellationToken ct)
        {
            // Node-scoped and served from the watch cache.
            var list = await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + nodeName, resourceVersion: "0", cancellationToken: ct);
            return list.Items.ToList();
        }

        public async Task<int> CountServicesPagedAsync(CancellationToken ct)
        {
            int count = 0;
            string? token = null;
            do
            {
                // Every service of the cluster from every node would be RES1002's herd; the agent's own services are selected.
                var page = await client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: "app.kubernetes.io/part-of=node-agent", limit: 500, continueParameter: token, cancellationToken: ct);
                count += page.Items.Count;
                token = page.Metadata.ContinueProperty;
            }
            while (!string.IsNullOrEmpty(token));

            return count;
        }

        public async Task WatchMyPodsAsync(CancellationToken ct)
        {
            var list = await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + nodeName, resourceVersion: "0", cancellationToken: ct);
            string version = list.Metadata.ResourceVersion;
            var backoff = new ExponentialBackoff();
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await foreach (var (type, pod) in client.CoreV1.WatchListPodForAllNamespacesAsync(
                        fieldSelector: "spec.nodeName=" + nodeName, resourceVersion: version, allowWatchBookmarks: true, cancellationToken: ct))
                    {
                        version = pod.Metadata.ResourceVersion;
                    }
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    await backoff.DelayAsync(cancellationToken: ct);
                }
            }
        }

        public async Task FollowMyPodsAsync(CancellationToken ct)
        {
            // A resuming watch (RES1004's remedy), node-scoped by the server, with a belt-and-braces check on the client.
            var stream = Informers.WatchEventsAsync(ListWatch.ForPods(client, "apps"), options: new InformerOptions { FieldSelector = "spec.nodeName=" + nodeName }, cancellationToken: ct);
            await foreach (var (type, pod) in stream)
            {
                if (pod.Spec.NodeName != nodeName)
                {
                    continue;
                }

                Console.WriteLine(type + " " + pod.Metadata.Name);
            }
        }

        public async Task<int> CountMyPodsInNamespaceAsync(CancellationToken ct)
        {
            // Filtered by the server from the watch cache's node index; the client-side filter changes nothing.
            var list = await client.CoreV1.ListNamespacedPodAsync("apps", fieldSelector: "spec.nodeName=" + nodeName, resourceVersion: "0", cancellationToken: ct);
            return list.Items.Count(p => p.Spec.NodeName == nodeName);
        }

        public async Task<V1Node> ReadSelfWithBackoffAsync(CancellationToken ct)
        {
            var backoff = new ExponentialBackoff();
            while (true)
            {
                try
                {
                    return await client.CoreV1.ReadNodeAsync(nodeName, cancellationToken: ct);
                }
                catch (k8s.Autorest.HttpOperationException)
                {
                    await backoff.DelayAsync(cancellationToken: ct);
                }
            }
        }

        public void Dispose() => pods.Dispose();
    }
}
