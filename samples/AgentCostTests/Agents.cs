using k8s;
using k8s.Models;
using Resilience.Kubernetes;

namespace AgentCostTests;

/// <summary>What a per-node agent does each round: report the pods of its own node.</summary>
public interface IPodReporter : IAsyncDisposable
{
    Task<IReadOnlyList<string>> PodsOfMyNodeAsync(CancellationToken cancellationToken);
}

/// <summary>
/// As the incident's agent plausibly was: every round lists every pod of the cluster and keeps its node's. Each call
/// makes the API server read every pod from etcd, on every node, every round.
/// </summary>
public sealed class BrokenReporter(IKubernetes client, string nodeName) : IPodReporter
{
    public async Task<IReadOnlyList<string>> PodsOfMyNodeAsync(CancellationToken cancellationToken)
    {
        var all = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken);
        return all.Items.Where(p => p.Spec.NodeName == nodeName).Select(Key).Order(StringComparer.Ordinal).ToList();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string Key(V1Pod p) => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name;
}

/// <summary>The fix: a node-scoped informer (one LIST at resourceVersion=0 through the spec.nodeName index, then a watch); rounds read its cache.</summary>
public sealed class FixedReporter(IKubernetes client, string nodeName) : IPodReporter
{
    private readonly Informer<V1Pod, V1PodList> informer = Informers.ForNodePods(client, nodeName);
    private bool started;

    public async Task<IReadOnlyList<string>> PodsOfMyNodeAsync(CancellationToken cancellationToken)
    {
        if (!started)
        {
            await informer.StartAsync(cancellationToken);
            started = true;
        }

        return informer.Items.Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name).Order(StringComparer.Ordinal).ToList();
    }

    public ValueTask DisposeAsync() => informer.DisposeAsync();
}
