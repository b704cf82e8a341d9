using k8s.Models;
using Resilience.Kubernetes;
using Resilience.Kubernetes.Hosting;

namespace NodeAgentWorker;

/// <summary>
/// The agent's work: react to the pods of its node and to its node. It reads the shared informers' caches and never
/// calls the API server itself; any other component asking the factory for the same informers shares the same watch.
/// </summary>
public sealed partial class NodePodsWorker : BackgroundService
{
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly Informer<V1Node, V1NodeList> node;
    private readonly ILogger<NodePodsWorker> logger;

    public NodePodsWorker(SharedInformerFactory informers, ILogger<NodePodsWorker> logger)
    {
        this.logger = logger;
        pods = informers.NodePods();
        node = informers.OwnNode();
        // Subscribed before the host starts the informers, so the handlers see the first list too.
        pods.Added += p => PodAdded(logger, p.Metadata.NamespaceProperty, p.Metadata.Name, p.Status?.Phase);
        pods.Updated += (_, p) => PodUpdated(logger, p.Metadata.NamespaceProperty, p.Metadata.Name, p.Status?.Phase);
        pods.Deleted += p => PodDeleted(logger, p.Metadata.NamespaceProperty, p.Metadata.Name);
        node.Updated += (_, n) => NodeUpdated(logger, n.Metadata.Name, Ready(n));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.WhenAll(pods.WaitForSyncAsync(stoppingToken), node.WaitForSyncAsync(stoppingToken));
        Synced(logger, pods.Count, node.Items.FirstOrDefault()?.Metadata.Name);
    }

    private static string Ready(V1Node n) =>
        n.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status ?? "Unknown";

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Synced: {Pods} pods on node {Node}")]
    private static partial void Synced(ILogger logger, int pods, string? node);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Pod {Namespace}/{Name} added ({Phase})")]
    private static partial void PodAdded(ILogger logger, string? @namespace, string name, string? phase);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Pod {Namespace}/{Name} updated ({Phase})")]
    private static partial void PodUpdated(ILogger logger, string? @namespace, string name, string? phase);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Pod {Namespace}/{Name} deleted")]
    private static partial void PodDeleted(ILogger logger, string? @namespace, string name);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Node {Node} updated (Ready: {Ready})")]
    private static partial void NodeUpdated(ILogger logger, string node, string ready);
}
