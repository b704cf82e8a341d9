using System.Net;
using System.Net.Sockets;
using System.Text;
using k8s;
using k8s.Models;

namespace NodeTelemetryAgent;

/// <summary>
/// Every 30 s: find this node's pods and the node's labels, then send one line of metrics per pod to the
/// collector. Written the easy way — and that is the problem on a 5,000-node cluster.
/// </summary>
public sealed class TelemetryAgent(IKubernetes client, ILogger<TelemetryAgent> logger) : BackgroundService
{
    // The node name comes from the downward API (env: NODE_NAME, valueFrom.fieldRef.fieldPath: spec.nodeName).
    private readonly string nodeName = Environment.GetEnvironmentVariable("NODE_NAME") ?? Environment.MachineName;
    private readonly string collectorHost = Environment.GetEnvironmentVariable("COLLECTOR_HOST") ?? "telemetry-collector.monitoring.svc.cluster.local";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> services = new();

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Wait for the API server before starting: retried every 5 s, in step with every other node.
        while (true)
        {
            try
            {
                await client.CoreV1.ReadNodeAsync(nodeName, cancellationToken: cancellationToken);
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "API server not reachable yet");
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task servicesWatch = Task.Run(() => WatchServicesAsync(stoppingToken), stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Lists every pod in the cluster, from every node, every 30 s, to keep this node's 30.
                V1PodList pods = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: stoppingToken);
                var mine = pods.Items.Where(p => p.Spec.NodeName == nodeName).ToList();

                // Lists every node to read this one's labels.
                V1NodeList nodes = await client.CoreV1.ListNodeAsync(cancellationToken: stoppingToken);
                var self = nodes.Items.FirstOrDefault(n => n.Metadata.Name == nodeName);
                string zone = self?.Metadata.Labels?.TryGetValue("topology.kubernetes.io/zone", out var z) == true ? z : "unknown";

                await SendAsync(mine, zone, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Telemetry round failed");
            }

            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
        }

        await servicesWatch;
    }

    // Keeps a map of services for the metrics' labels; when the watch ends it starts again from scratch.
    private async Task WatchServicesAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await foreach (var (type, service) in client.CoreV1.WatchListServiceForAllNamespacesAsync(cancellationToken: cancellationToken))
            {
                string key = service.Metadata.NamespaceProperty + "/" + service.Metadata.Name;
                if (type == WatchEventType.Deleted)
                {
                    services.TryRemove(key, out _);
                }
                else
                {
                    services[key] = service.Spec.ClusterIP ?? "";
                }
            }
        }
    }

    private async Task SendAsync(IReadOnlyList<V1Pod> pods, string zone, CancellationToken cancellationToken)
    {
        // Resolves the collector on every send: no cache, so a DNS outage fails every send at once.
        IPAddress[] addresses = await Dns.GetHostAddressesAsync(collectorHost, cancellationToken);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(addresses, collectorPort, cancellationToken);
        var payload = new StringBuilder();
        foreach (var pod in pods)
        {
            payload.Append(nodeName).Append(' ').Append(zone).Append(' ').Append(pod.Metadata.NamespaceProperty).Append('/').Append(pod.Metadata.Name)
                .Append(' ').Append(services.Count).Append('\n');
        }

        await socket.SendAsync(Encoding.UTF8.GetBytes(payload.ToString()), SocketFlags.None, cancellationToken);
    }

    // The collector's port (env: COLLECTOR_PORT), OTLP's 4317 by default.
    private readonly int collectorPort = int.TryParse(Environment.GetEnvironmentVariable("COLLECTOR_PORT"), out int port) ? port : 4317;
}
