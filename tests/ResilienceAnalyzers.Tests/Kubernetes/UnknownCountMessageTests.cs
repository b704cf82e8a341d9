using System.Linq;
using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// Every RES1001–RES1004 message prices the kind it lists or watches from the cost model's kind table: its count at the
    /// configured size where the table has one, bytes only where the table gives one object's size, and for a kind it has
    /// no count for "every … (count unknown: …)" — never the model's placeholder of one object per node.
    /// </summary>
    public class UnknownCountMessageTests
    {
        [Theory]
        // No count in the table: every object, and the memory as the factor KEP-3157 gives, not a size.
        [InlineData("CoreV1.ListSecretForAllNamespacesAsync", "secrets", "every secret in all namespaces (count unknown: the scalability thresholds leave it TBD)")]
        // A count (a floor: at least one slice per service) but no object size in the table: the count without bytes.
        [InlineData("DiscoveryV1.ListEndpointSliceForAllNamespacesAsync", "endpoint slices", "at least 10,000 endpoint slices")]
        public async Task RES1001_prices_the_kind_from_the_table_without_a_placeholder_count_or_size(string call, string plural, string objects)
        {
            string method = call.Substring(call.IndexOf('.') + 1);
            string source = """
                using System.Threading.Tasks;
                using k8s;

                class C
                {
                    Task Run(IKubernetes client) => client.GROUP.{|#0:METHOD|}();
                }
                """.Replace("GROUP", call.Substring(0, call.IndexOf('.'))).Replace("METHOD", method);
            var test = new AnalyzerTest<RES1001UnboundedListAnalyzer>(source, Client.V21, Config.MsBuild("build_property.ResilienceClusterNodes = 5000"));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1001UnboundedListAnalyzer.Rule,
                method + " lists " + plural + " in all namespaces in one unbounded response: " + objects + " in one response from etcd "
                + "and about 5× its size in API-server memory while it is built, at 5,000 nodes × 30 pods per node; "
                + "pass limit and continueParameter (page by 500 as client-go does) or use an informer (package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        /// <summary>A DaemonSet that polls a custom resource, and restarts a config-map watch with no resourceVersion.</summary>
        private const string LoopingAgent = """
            using System.Threading.Tasks;
            using k8s;

            class Agent
            {
                async Task Poll(IKubernetes client)
                {
                    while (true)
                    {
                        await client.CustomObjects.{|#0:ListClusterCustomObjectAsync|}("example.com", "v1", "widgets");
                        await Task.Delay(30_000);
                    }
                }

                async Task Watch(IKubernetes client)
                {
                    while (true)
                    {
                        await foreach (var (type, item) in client.CoreV1.{|#1:WatchListConfigMapForAllNamespacesAsync|}()) { }
                    }
                }
            }
            """;

        [Fact]
        public async Task RES1003_polling_a_custom_resource_says_every_object_of_its_plural_repeated()
        {
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(LoopingAgent, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1003PollingListAnalyzer.Rule,
                "ListClusterCustomObjectAsync lists widgets in the cluster every 30 s (a while loop) from 1,000 copies (<ResilienceWorkload> = DaemonSet): "
                + "33 LIST/s making the API server process every object of widgets in the cluster (count unknown: custom resources number whatever their users create) each time from etcd, at 1,000 nodes × 30 pods per node; "
                + "use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1004_a_restarted_config_map_watch_replays_every_config_map_from_each_copy()
        {
            var test = new AnalyzerTest<RES1004WatchWithoutResumeAnalyzer>(LoopingAgent, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1004WatchWithoutResumeAnalyzer.Rule,
                "WatchListConfigMapForAllNamespacesAsync watches config maps in all namespaces without a resourceVersion and is restarted by a while loop with no delay between restarts: "
                + "every start replays every config map in all namespaces (count unknown: at least one per namespace (kube-root-ca.crt), the rest is what workloads create) as ADDED events, "
                + "from each of 1,000 copies when all restart after an API-server restart, at 1,000 nodes × 30 pods per node; "
                + "resume from the last resourceVersion seen (list, then watch from the list's resourceVersion with allowWatchBookmarks), relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)",
                markup: 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_properties_leave_out_counts_the_table_does_not_have()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client)
                    {
                        while (true)
                        {
                            await client.CoreV1.ListSecretForAllNamespacesAsync();
                            await client.CoreV1.ListServiceForAllNamespacesAsync();
                            await client.CoreV1.ListPodForAllNamespacesAsync();
                            await client.GetKubernetesPodsMetricsAsync();
                            await Task.Delay(30_000);
                        }
                    }
                }
                """;
            var project = Robustness.CorpusWorkspace.CreateProject(new[] { ("Agent.cs", source) });
            var (diagnostics, _) = await Robustness.CorpusWorkspace.AnalyzeAsync((await project.GetCompilationAsync())!);
            var polls = diagnostics.Where(d => d.Id == "RES1003").ToList();
            var secrets = polls.Single(d => d.GetMessage().StartsWith("ListSecret", System.StringComparison.Ordinal));
            Assert.Equal("false", secrets.Properties["CountKnown"]);
            Assert.Equal("Secret", secrets.Properties["Resource"]);
            Assert.False(secrets.Properties.ContainsKey("ObjectsProcessedPerCall"));
            Assert.False(secrets.Properties.ContainsKey("SeatsPerCall"));
            Assert.False(secrets.Properties.ContainsKey("ObjectsProcessedPerMinute"));
            Assert.True(secrets.Properties.ContainsKey("RequestsPerMinute"));

            // A count but no size: the counts, not the bytes.
            var services = polls.Single(d => d.GetMessage().StartsWith("ListService", System.StringComparison.Ordinal));
            Assert.Equal("true", services.Properties["CountKnown"]);
            Assert.True(services.Properties.ContainsKey("ObjectsProcessedPerCall"));
            Assert.False(services.Properties.ContainsKey("BytesPerCall"));

            var pods = polls.Single(d => d.GetMessage().StartsWith("ListPod", System.StringComparison.Ordinal));
            Assert.Equal("true", pods.Properties["CountKnown"]);
            Assert.True(pods.Properties.ContainsKey("BytesPerCall"));

            // Pod metrics count as pods, but a metrics object is not a pod's size.
            var metrics = polls.Single(d => d.GetMessage().StartsWith("GetKubernetesPodsMetrics", System.StringComparison.Ordinal));
            Assert.Equal("true", metrics.Properties["CountKnown"]);
            Assert.True(metrics.Properties.ContainsKey("ObjectsProcessedPerCall"));
            Assert.False(metrics.Properties.ContainsKey("BytesPerCall"));
        }
    }
}
