// Flagged: the patterns the rules exist for, in every client shape. The robustness tests mutate this file
// token by token; the fix tests apply every offered fix to it and compile the result.
using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.ClientSets;
using k8s.Models;

namespace Flagged
{
    public sealed class PerNodeAgent
    {
        private readonly Kubernetes client;
        private readonly string nodeName = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";

        public PerNodeAgent(Kubernetes client) => this.client = client;

        public static Kubernetes Connect() => new Kubernetes(KubernetesClientConfiguration.InClusterConfig());

        public async Task PollAsync(CancellationToken ct)
        {
            while (!ct.IsCancellationRequested)
            {
                var pods = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct);
                var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: ct);
                var mine = pods.Items.Where(p => p.Spec.NodeName == nodeName).Count() + nodes.Items.Count;
                var addresses = await Dns.GetHostAddressesAsync("collector.monitoring.svc", ct);
                using var exporter = new TcpClient();
                await exporter.ConnectAsync("otel-collector.monitoring.svc", 4317, ct);
                using var http = new System.Net.Http.HttpClient();
                await http.GetStringAsync("http://collector.monitoring.svc/healthz", ct);
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
            }
        }

        public async Task ShapesAsync(GenericClient generic, CancellationToken ct)
        {
            await client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(watch: true, cancellationToken: ct);
            await new ClientSet(client).CoreV1.Pod.ListAsync(cancellationToken: ct);
            await generic.ListAsync<V1PodList>(cancel: ct);
            client.CoreV1.ListPodForAllNamespaces();
            await client.CustomObjects.ListClusterCustomObjectAsync("example.com", "v1", "widgets", cancellationToken: ct);
        }

        public async Task WatchForeverAsync(CancellationToken ct)
        {
            while (true)
            {
                await foreach (var (type, pod) in client.CoreV1.WatchListPodForAllNamespacesAsync(cancellationToken: ct))
                {
                    Console.WriteLine(type + " " + pod.Metadata.Name);
                }
            }
        }

        public async Task RegisterAsync(CancellationToken ct)
        {
            while (true)
            {
                try
                {
                    await client.CoreV1.ReadNodeAsync(nodeName, cancellationToken: ct);
                    return;
                }
                catch (Exception)
                {
                    await Task.Delay(2000, ct);
                }
            }
        }

        public async Task<V1ConfigMap?> OwnSettingsAsync(CancellationToken ct)
        {
            // Lists the namespace's config maps to find the one named after this node.
            var maps = await client.CoreV1.ListNamespacedConfigMapAsync("agent", cancellationToken: ct);
            return maps.Items.FirstOrDefault(m => m.Metadata.Name == nodeName);
        }

        public async Task FollowNamespaceAsync(CancellationToken ct)
        {
            // Reads every pod of the namespace and keeps this node's on the client (RES1002's node-filter half).
            var pods = await client.CoreV1.ListNamespacedPodAsync("apps", limit: 500, cancellationToken: ct);
            Console.WriteLine(pods.Items.Count(p => p.Spec.NodeName == nodeName));
            await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync("apps", resourceVersion: pods.Metadata.ResourceVersion, cancellationToken: ct))
            {
                if (pod.Spec?.NodeName != nodeName)
                {
                    continue;
                }

                Console.WriteLine(type + " " + pod.Metadata.Name);
            }

#pragma warning disable CS0618
            var response = client.CoreV1.ListNamespacedPodWithHttpMessagesAsync("apps", resourceVersion: pods.Metadata.ResourceVersion, watch: true, cancellationToken: ct);
            using var watcher = response.Watch<V1Pod, V1PodList>((type, pod) =>
            {
                if (pod.Spec.NodeName == nodeName) Console.WriteLine(type);
            });
#pragma warning restore CS0618
        }

        public void Lookup(string host)
        {
            Dns.GetHostEntry(host);
#pragma warning disable CS0618
            Dns.GetHostByName(host);
#pragma warning restore CS0618
        }
    }
}
