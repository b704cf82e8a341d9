using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ResilienceAnalyzers.Tests.Robustness
{
    /// <summary>The numbers behind each Kubernetes message travel as diagnostic properties (SARIF <c>properties</c>) for tools.</summary>
    public class DiagnosticPropertiesTests
    {
        private static async Task<ImmutableArray<Diagnostic>> FlaggedCorpusDiagnosticsAsync()
        {
            var project = CorpusWorkspace.CreateProject(CorpusWorkspace.Files("Flagged").Select(f => (Path.GetFileName(f), File.ReadAllText(f))));
            var (diagnostics, _) = await CorpusWorkspace.AnalyzeAsync((await project.GetCompilationAsync())!);
            return diagnostics;
        }

        [Fact]
        public async Task Cost_numbers_are_properties_of_the_diagnostics()
        {
            var diagnostics = await FlaggedCorpusDiagnosticsAsync();

            // PerNodeAgent.PollAsync lists every pod every 30 s from a DaemonSet on 5,000 nodes × 30 pods.
            var clusterWide = diagnostics.First(d => d.Id == "RES1002" && d.GetMessage().Contains("every pod"));
            Assert.Equal("EveryNode", clusterWide.Properties["FanOut"]);
            Assert.Equal("5000", clusterWide.Properties["Copies"]);
            Assert.Equal("150000", clusterWide.Properties["ObjectsProcessedPerCall"]);
            Assert.Equal("Etcd", clusterWide.Properties["ServedFrom"]);
            Assert.Equal("Pod", clusterWide.Properties["Kind"]);

            var byName = diagnostics.First(d => d.Id == "RES1002" && d.GetMessage().Contains("it looks for by name"));
            Assert.Equal("ByName", byName.Properties["Kind"]);

            var polling = diagnostics.First(d => d.Id == "RES1003" && d.GetMessage().Contains("every 30 s"));
            Assert.Equal("10000", polling.Properties["RequestsPerMinute"]);
            Assert.Equal((10_000L * 150_000).ToString(), polling.Properties["ObjectsProcessedPerMinute"]);
        }

        /// <summary>What resilience-sim forecast rebuilds each finding's access pattern from (docs/forecast.md).</summary>
        [Fact]
        public async Task The_request_as_written_is_a_property_of_the_diagnostics()
        {
            var diagnostics = await FlaggedCorpusDiagnosticsAsync();

            // PerNodeAgent.PollAsync: ListPodForAllNamespacesAsync every 30 s, no selector, no limit, RV unset.
            var polling = diagnostics.First(d => d.Id == "RES1003" && d.GetMessage().Contains("every 30 s"));
            Assert.Equal("List", polling.Properties["Verb"]);
            Assert.Equal("Pod", polling.Properties["Resource"]);
            Assert.Equal("AllNamespaces", polling.Properties["Scope"]);
            Assert.Equal("false", polling.Properties["NodeScoped"]);
            Assert.Equal("false", polling.Properties["NameScoped"]);
            Assert.Equal("false", polling.Properties["ResourceVersionZero"]);
            Assert.False(polling.Properties.ContainsKey("PageSize"));
            Assert.Equal("30", polling.Properties["PeriodSeconds"]);
            Assert.Equal("Period", polling.Properties["Repeats"]);

            // The same call's RES1001 and RES1002 describe the same request, without a period (RES1003 owns repetition).
            foreach (var other in diagnostics.Where(d => (d.Id == "RES1001" || d.Id == "RES1002") && d.Location == polling.Location))
            {
                Assert.Equal("Pod", other.Properties["Resource"]);
                Assert.Equal("AllNamespaces", other.Properties["Scope"]);
                Assert.False(other.Properties.ContainsKey("PeriodSeconds"));
            }

            // PerNodeAgent.WatchForeverAsync: a pod watch with no resourceVersion, restarted by a while loop.
            var watch = diagnostics.First(d => d.Id == "RES1004" && d.GetMessage().Contains("WatchListPodForAllNamespacesAsync"));
            Assert.Equal("Watch", watch.Properties["Verb"]);
            Assert.Equal("Pod", watch.Properties["Resource"]);
            Assert.Equal("Restart", watch.Properties["Repeats"]);

            // PerNodeAgent.RegisterAsync: ReadNodeAsync retried every 2 s with no jitter, on every node.
            var retry = diagnostics.First(d => d.Id == "RES1005" && d.GetMessage().Contains("ReadNodeAsync"));
            Assert.Equal("Fixed", retry.Properties["RetryDelay"]);
            Assert.Equal("2", retry.Properties["RetryDelaySeconds"]);
            Assert.Equal("EveryNode", retry.Properties["FanOut"]);
            Assert.Equal("5000", retry.Properties["Copies"]);
        }

        /// <summary>
        /// Requests written without the client (RawRequestPoller: HttpClient and kubectl) carry the request as written too, so
        /// the forecast prices them like the client's calls.
        /// </summary>
        [Fact]
        public async Task Raw_requests_are_described_like_the_clients_calls()
        {
            var diagnostics = await FlaggedCorpusDiagnosticsAsync();

            // RawRequestPoller.PollAsync: GET /api/v1/pods every 20 s from every node.
            var polling = diagnostics.Single(d => d.Id == "RES1003" && d.GetMessage().StartsWith("GET /api/v1/pods (HttpClient)", System.StringComparison.Ordinal));
            Assert.Equal("List", polling.Properties["Verb"]);
            Assert.Equal("Pod", polling.Properties["Resource"]);
            Assert.Equal("AllNamespaces", polling.Properties["Scope"]);
            Assert.Equal("20", polling.Properties["PeriodSeconds"]);
            Assert.Contains(diagnostics, d => d.Id == "RES1001" && d.Location == polling.Location);
            Assert.Contains(diagnostics, d => d.Id == "RES1002" && d.Location == polling.Location);

            // RawRequestPoller.WatchEventsAsync: ?watch=true with no resourceVersion, reopened by a loop.
            var watch = diagnostics.Single(d => d.Id == "RES1004" && d.GetMessage().StartsWith("GET /api/v1/namespaces/{…}/events?watch=true (HttpClient)", System.StringComparison.Ordinal));
            Assert.Equal("Watch", watch.Properties["Verb"]);
            Assert.Equal("Namespace", watch.Properties["Scope"]);
            Assert.Equal("Restart", watch.Properties["Repeats"]);

            // RawRequestPoller.FollowNodes: kubectl get nodes --watch, started again by a loop.
            var kubectl = diagnostics.Single(d => d.Id == "RES1004" && d.GetMessage().StartsWith("kubectl get nodes --watch -o name", System.StringComparison.Ordinal));
            Assert.Equal("Node", kubectl.Properties["Resource"]);
            Assert.Equal("Cluster", kubectl.Properties["Scope"]);
        }

        /// <summary>A wrapper's <c>watch: watch</c> call is a LIST where RES1003 judges it and a WATCH where RES1004 does (Proto.Actor's shape).</summary>
        [Fact]
        public async Task A_wrapper_whose_callers_decide_list_or_watch_has_the_verb_each_rule_judged()
        {
            // The caller-chain test's source without its location markup ({|#0:…|}).
            string source = System.Text.RegularExpressions.Regex.Replace(Analysis.CallerChainTests.WrapperWhoseCallersDecide, @"\{\|#\d+:(.*?)\|\}", "$1");
            var project = CorpusWorkspace.CreateProject(new[] { ("Monitor.cs", source) });
            var (diagnostics, _) = await CorpusWorkspace.AnalyzeAsync((await project.GetCompilationAsync())!);

            Assert.Equal("List", diagnostics.Single(d => d.Id == "RES1003").Properties["Verb"]);
            Assert.Equal("10", diagnostics.Single(d => d.Id == "RES1003").Properties["PeriodSeconds"]);
            Assert.Equal("Watch", diagnostics.Single(d => d.Id == "RES1004").Properties["Verb"]);
            Assert.Equal("Namespace", diagnostics.Single(d => d.Id == "RES1004").Properties["Scope"]);
        }
    }
}
