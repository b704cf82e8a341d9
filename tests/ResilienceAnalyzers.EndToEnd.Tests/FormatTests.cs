using System.IO;
using System.Linq;
using Xunit;

namespace ResilienceAnalyzers.EndToEnd.Tests
{
    /// <summary><c>dotnet format analyzers</c> applies the packed package's code fixes, and the result builds.</summary>
    [Collection(PackageCollection.Name)]
    public sealed class FormatTests(PackedPackage package)
    {
        [Fact]
        public void Dotnet_format_scopes_the_agent_to_its_node_and_the_result_builds_without_RES1002()
        {
            string project = package.Consumer("NodeTelemetryAgent", "format-1002");
            string file = Path.Combine(project, "TelemetryAgent.cs");
            string before = File.ReadAllText(file);
            Dotnet.RunOk(project, "restore", "-nologo");

            Dotnet.RunOk(project, "format", "analyzers", "NodeTelemetryAgent.csproj", "--diagnostics", "RES1002", "--severity", "warn", "--no-restore");
            string after = File.ReadAllText(file);

            Assert.NotEqual(before, after);
            Assert.Contains("ListPodForAllNamespacesAsync(cancellationToken: stoppingToken, fieldSelector: \"spec.nodeName=\" + nodeName)", after);
            // The node list is searched for this node only: the fix reads it by name (issue 13) instead of narrowing the list.
            Assert.Contains("var self = await Reads.ReadOrNullAsync(nodeName, n => client.CoreV1.ReadNodeAsync(n, cancellationToken: stoppingToken));", after);
            Assert.DoesNotContain("ListNodeAsync", after);

            string build = Dotnet.RunOk(project, "build", "-nologo", "--no-restore");
            Assert.DoesNotContain(Dotnet.Warnings(build), w => w.Id == "RES1002");
            Assert.Contains(Dotnet.Warnings(build), w => w.Id == "RES1003");
        }

        /// <summary>
        /// The whole remedy from the command line, one rule at a time as a user would: node scoping, informers,
        /// a resuming watch, backoff, a rate-limited client, cached DNS. The agent then builds without a single RES warning.
        /// </summary>
        [Fact]
        public void Dotnet_format_moves_the_agent_onto_the_runtime_and_the_result_builds()
        {
            string project = package.Consumer("NodeTelemetryAgent", "format-all");
            string file = Path.Combine(project, "TelemetryAgent.cs");
            Dotnet.RunOk(project, "restore", "-nologo");
            foreach (var id in new[] { "RES1002", "RES1003", "RES1004", "RES1005", "RES1006", "RES2001" })
            {
                Dotnet.RunOk(project, "format", "analyzers", "NodeTelemetryAgent.csproj", "--diagnostics", id, "--severity", "warn", "--no-restore");
            }

            string after = File.ReadAllText(file);
            Assert.Contains("using Resilience.Kubernetes;", after);
            Assert.Contains("using var podInformer = Informers.Create(ListWatch.FromHttpOperation<V1Pod, V1PodList>(", after);
            Assert.Contains("fieldSelector: \"spec.nodeName=\" + nodeName", after);
            Assert.Contains("V1PodList pods = podInformer.List();", after);
            // RES1002 reads this node by name where the code listed every node to pick it (docs/rules/RES1002.md): a GET,
            // which no later rule rewrites.
            Assert.Contains("var self = await Reads.ReadOrNullAsync(nodeName, n => client.CoreV1.ReadNodeAsync(n, cancellationToken: stoppingToken));", after);
            Assert.DoesNotContain("ListNodeAsync", after);
            Assert.Contains("await backoff.DelayAsync(cancellationToken: cancellationToken);", after);
            Assert.Contains("await CachedDns.GetHostAddressesAsync(collectorHost, cancellationToken)", after);
            Assert.Contains("await foreach (var (type, service) in Informers.WatchEventsAsync(ListWatch.FromHttpOperation<V1Service, V1ServiceList>((o, c) => client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(", after);
            Assert.DoesNotContain("WatchListServiceForAllNamespacesAsync", after);
            // RES1006: the client registered in Program.cs gets client-go's rate limit.
            Assert.Contains("new RateLimitingHandler()", File.ReadAllText(Path.Combine(project, "Program.cs")));

            string build = Dotnet.RunOk(project, "build", "-nologo", "--no-restore");
            Assert.DoesNotContain(Dotnet.Warnings(build), w => w.Id.StartsWith("RES", System.StringComparison.Ordinal));
        }
    }
}
