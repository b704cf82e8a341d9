using System.Net;
using System.Net.Sockets;
using System.Text;
using k8s;
using k8s.Models;
using Resilience.Dns;
using Resilience.Kubernetes;

namespace NodeTelemetryAgent.Fixed;

/// <summary>
/// The fixed twin of samples/NodeTelemetryAgent: the same job — every 30 s, one line of metrics per pod on this
/// node, labelled with the node's zone and the number of services — at a cost that does not grow with the cluster.
/// </summary>
public sealed class TelemetryAgent(IKubernetes client, ILogger<TelemetryAgent> logger) : BackgroundService
{
    // The node name comes from the downward API (env: NODE_NAME, valueFrom.fieldRef.fieldPath: spec.nodeName).
    private readonly string nodeName = Environment.GetEnvironmentVariable("NODE_NAME") ?? Environment.MachineName;
    private readonly string collectorHost = Environment.GetEnvironmentVariable("COLLECTOR_HOST") ?? "telemetry-collector.monitoring.svc.cluster.local";

    private string zone = "unknown";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // One GET of this node, retried with exponential backoff and full jitter (0.8 s → 30 s).
        var backoff = new ExponentialBackoff();
        while (true)
        {
            try
            {
                V1Node self = await client.CoreV1.ReadNodeAsync(nodeName, cancellationToken: cancellationToken);
                zone = self.Metadata.Labels?.TryGetValue("topology.kubernetes.io/zone", out var z) == true ? z : "unknown";
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "API server not reachable yet");
                await backoff.DelayAsync(cancellationToken: cancellationToken);
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // This node's pods: listed once from the watch cache, then watched and resumed (spec.nodeName index).
        using var pods = Informers.ForNodePods(client, nodeName);

        // Services, for the labels: one informer instead of a watch restarted from scratch.
        using var services = Informers.Create(ListWatch.FromHttpOperation<V1Service, V1ServiceList>((o, c) =>
            client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, fieldSelector: o.FieldSelector,
                labelSelector: o.LabelSelector, limit: o.Limit, resourceVersion: o.ResourceVersion,
                resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));

        await pods.StartAsync(stoppingToken);
        await services.StartAsync(stoppingToken);

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
        do
        {
            try
            {
                await SendAsync(pods.Items, services.Count, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Telemetry round failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SendAsync(IReadOnlyList<V1Pod> pods, int serviceCount, CancellationToken cancellationToken)
    {
        // Resolved through a cache that keeps serving the last good answer while cluster DNS is down.
        IPAddress[] addresses = await CachedDns.GetHostAddressesAsync(collectorHost, cancellationToken);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(addresses, collectorPort, cancellationToken);
        var payload = new StringBuilder();
        foreach (var pod in pods)
        {
            payload.Append(nodeName).Append(' ').Append(zone).Append(' ').Append(pod.Metadata.NamespaceProperty).Append('/').Append(pod.Metadata.Name)
                .Append(' ').Append(serviceCount).Append('\n');
        }

        await socket.SendAsync(Encoding.UTF8.GetBytes(payload.ToString()), SocketFlags.None, cancellationToken);
    }

    // The collector's port (env: COLLECTOR_PORT), OTLP's 4317 by default.
    private readonly int collectorPort = int.TryParse(Environment.GetEnvironmentVariable("COLLECTOR_PORT"), out int port) ? port : 4317;
}
