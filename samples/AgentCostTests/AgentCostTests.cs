using Resilience.Kubernetes.Testing;
using Xunit;
using Xunit.Sdk;

namespace AgentCostTests;

/// <summary>
/// The agent's cost on a seeded cluster, as the loopback API server counts it. The budget: whatever the cluster's size,
/// one agent may LIST pods once (then watch), never from etcd, and process no more objects than its node holds plus
/// the changes it is told about.
/// </summary>
public class AgentCostTests
{
    private const int Nodes = 40;
    private const int PodsPerNode = 10;
    private const int Rounds = 5;

    [Fact]
    public async Task The_fixed_agent_stays_within_the_budget()
    {
        var (cost, pods) = await RunRoundsAsync((client, node) => new FixedReporter(client, node));

        Assert.Equal(PodsPerNode, pods.Count);
        AssertWithinBudget(cost);
    }

    [Fact]
    public async Task The_broken_agent_fails_the_budget()
    {
        var (cost, pods) = await RunRoundsAsync((client, node) => new BrokenReporter(client, node));

        Assert.Equal(PodsPerNode, pods.Count); // the same answer…
        var failure = Assert.ThrowsAny<XunitException>(() => AssertWithinBudget(cost)); // …at a cost that grows with the cluster
        Assert.Contains("LIST", failure.Message);
    }

    // The budget of one agent, from the accounting of its rounds.
    private static void AssertWithinBudget(RequestAccounting cost)
    {
        Assert.True(cost.Count("list", "pods") <= 1, $"more than one LIST of pods per agent:\n{cost}");
        Assert.True(cost.ObjectsProcessedFromEtcd == 0, $"a LIST served from etcd reads every pod of the cluster:\n{cost}");
        Assert.True(cost.ObjectsProcessed <= PodsPerNode + 1, $"processed more objects than the node holds:\n{cost}");
    }

    private static async Task<(RequestAccounting Cost, IReadOnlyList<string> Pods)> RunRoundsAsync(Func<k8s.IKubernetes, string, IPodReporter> create)
    {
        await using var server = await FakeApiServer.StartAsync();
        server.AddCluster(Nodes, PodsPerNode);
        using var client = server.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var before = server.Requests.Count;

        IReadOnlyList<string> pods = [];
        await using (var agent = create(client, "node-7"))
        {
            for (var round = 0; round < Rounds; round++) pods = await agent.PodsOfMyNodeAsync(timeout.Token);
        }

        return (server.Accounting(since: before), pods);
    }
}
