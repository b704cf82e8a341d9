// Flagged: a second file, so that Fix All in project scope spans documents (a controller replicated 3×, its
// collector client, its leader-election retry). The robustness tests mutate it token by token too.
using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;

namespace Flagged
{
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class RunsInEveryReplicaAttribute : Attribute
    {
    }

    [RunsInEveryReplica]
    public sealed class ReplicatedController
    {
        private readonly IKubernetes client;

        public ReplicatedController(IKubernetes client) => this.client = client;

        public async Task ReconcileAsync(CancellationToken stoppingToken)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var services = await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: stoppingToken);
                var deployments = await client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: stoppingToken);
                Console.WriteLine(services.Items.Count + deployments.Items.Count);
                await Task.Delay(TimeSpan.FromSeconds(15), stoppingToken);
            }
        }

        public async Task FollowEndpointsAsync(CancellationToken ct)
        {
            while (!ct.IsCancellationRequested)
            {
                await foreach (var (type, slice) in client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(onError: e => Console.WriteLine(e.Message), cancellationToken: ct))
                {
                    Console.WriteLine(type + " " + slice.Metadata.Name);
                }
            }
        }

        public async Task AcquireLeaseAsync(string identity, CancellationToken ct)
        {
            for (int attempt = 0; attempt < 10; attempt++)
            {
                try
                {
                    await client.CoordinationV1.ReadNamespacedLeaseAsync("controller", "kube-system", cancellationToken: ct);
                    break;
                }
                catch (Exception)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
            }
        }

        public async Task ExportAsync(string collector, CancellationToken ct)
        {
            IPAddress[] addresses = await Dns.GetHostAddressesAsync(collector, ct);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(collector, 4317, ct);
            Console.WriteLine(addresses.Length);
        }
    }
}
