using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Fix = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1002ScopeToNodeFixer>;
using Verify = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// RES1002's other half: a list searched by name for the caller's own object, where a GET by name would do —
    /// the C# monitoring library of facts.md that ran in every app pod and listed all pods to find its own.
    /// </summary>
    public class RES1002OwnObjectByNameTests
    {
        [Fact]
        public async Task Found_through_the_clients_Name_shorthand()
        {
            // Sharplet's shape (docs/survey.md): per-node code lists the namespace to return one pod, compared with x.Name().
            const string source = """
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodController
                {
                    async Task<V1Pod?> GetPodAsync(IKubernetes client, string ns, string name)
                    {
                        var pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}(ns);
                        return pods.Items.FirstOrDefault(x => x.Name() == {|#1:name|});
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(1000));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(1));
            await test.RunAsync();
        }

        /// <summary>
        /// Orleans.Clustering.Kubernetes' cluster-version lookup (unseen survey set): the custom objects are read as JSON,
        /// their items deserialized, and the one whose name is the cluster's id picked out — in every silo, on every
        /// membership-table read. A GET by name returns just that one.
        /// </summary>
        internal const string JsonCustomObjects = """
            using System.Linq;
            using System.Text.Json;
            using System.Threading.Tasks;
            using k8s;
            using k8s.Models;
            using Orleans;

            public class ClusterVersionEntity
            {
                public string ClusterId { get; set; } = "";
                public V1ObjectMeta Metadata { get; set; } = new V1ObjectMeta();
            }

            public class KubeMembershipTable : IMembershipTable
            {
                private readonly IKubernetes client;
                private readonly string clusterId = "orleans";

                public KubeMembershipTable(IKubernetes client) => this.client = client;

                public async Task<MembershipTableData> ReadAll()
                {
                    var version = await GetClusterVersion();
                    return null!;
                }

                private async Task<ClusterVersionEntity?> GetClusterVersion()
                {
                    var container = (JsonElement)await client.CustomObjects.{|#0:ListNamespacedCustomObjectAsync|}("orleans.dot.net", "v1", "default", "clusterversions");
                    if (!container.TryGetProperty("items", out var items))
                    {
                        return null;
                    }

                    var versions = items.Deserialize<ClusterVersionEntity[]>();
                    return versions?.FirstOrDefault(v => v.ClusterId == clusterId && v.Metadata.Name == SEARCHED);
                }
            }
            """;

        [Theory]
        [InlineData("{|#1:clusterId|}", true, false)]
        [InlineData("v.ClusterId", false, false)]
        // The pre-10 flat call the unseen project makes, unbound against 21.x (the IDE on a newer client, a partial compilation).
        [InlineData("{|#1:clusterId|}", true, true)]
        public async Task Found_in_custom_objects_read_as_JSON(string searched, bool flagged, bool flatCall)
        {
            string source = JsonCustomObjects.Replace("SEARCHED", searched);
            if (flatCall)
            {
                source = source.Replace("client.CustomObjects.{|#0:", "client.{|#0:");
            }

            var test = new Verify(source, Client.V21, Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = 3"))
            {
                CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None,
            };
            if (flagged)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(1).WithMessage(
                    "This code runs in every replica (3 copies; <ResilienceWorkload> = Deployment) and lists every clusterversions in the namespace instead of its own: each call makes the API server process every object of clusterversions in the namespace (count unknown: custom resources number whatever their users create) from etcd to return the one clusterversions it looks for by name; 3 copies × that for one round, at 1,000 nodes × 30 pods per node; read it by name (GetNamespacedCustomObject: a GET of one key; fieldSelector metadata.name= reads the same key through the list path, answers an empty list instead of 404, and older API servers' APF charges it as a LIST of the whole kind, up to 10 seats against a GET's 1)"));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task The_fix_for_custom_objects_read_as_JSON_selects_the_name()
        {
            // No typed GET to swap in (the items are deserialized from JSON): the search stays, the API server returns only the one.
            string plain = JsonCustomObjects.Replace("SEARCHED", "{|#1:clusterId|}").Replace("using Orleans;\n", string.Empty).Replace(" : IMembershipTable", string.Empty)
                .Replace("Task<MembershipTableData>", "Task<ClusterVersionEntity?>").Replace("return null!;", "return version;");
            string fixedSource = plain.Replace("{|#0:ListNamespacedCustomObjectAsync|}(\"orleans.dot.net\", \"v1\", \"default\", \"clusterversions\")", "ListNamespacedCustomObjectAsync(\"orleans.dot.net\", \"v1\", \"default\", \"clusterversions\", fieldSelector: \"metadata.name=\" + clusterId)")
                .Replace("{|#1:clusterId|}", "clusterId");
            var test = new Fix(plain, fixedSource, Client.V21, Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = 3"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(1));
            await test.RunAsync();
        }

        [Fact]
        public async Task Found_through_ConfigureAwait_and_string_Equals()
        {
            // Steeltoe's shape (docs/survey.md): ConfigureAwait(false) on the list, then Name.Equals(hostname).
            const string source = """
                using System;
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodUtilities
                {
                    async Task<V1Pod?> CurrentAsync(IKubernetes client, string ns)
                    {
                        var hostname = Environment.GetEnvironmentVariable("HOSTNAME");
                        var list = await client.CoreV1.{|#0:ListNamespacedPodAsync|}(ns).ConfigureAwait(false);
                        return list.Items?.FirstOrDefault(p => p.Metadata.Name.Equals({|#1:hostname|}));
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodUtilities
                {
                    async Task<V1Pod?> CurrentAsync(IKubernetes client, string ns)
                    {
                        var hostname = Environment.GetEnvironmentVariable("HOSTNAME");
                        var list = await client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "metadata.name=" + hostname).ConfigureAwait(false);
                        return list.Items?.FirstOrDefault(p => p.Metadata.Name.Equals(hostname));
                    }
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = 3"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(1));
            await test.RunAsync();
        }

        [Fact]
        public async Task Library_in_every_replica_listing_pods_to_find_its_own_is_flagged_and_fixed_with_the_name_it_compares()
        {
            const string source = """
                using System;
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodInfo
                {
                    readonly string podName = Environment.GetEnvironmentVariable("POD_NAME") ?? "";

                    async Task<V1Pod?> Self(IKubernetes client, string ns)
                    {
                        var pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}(ns);
                        return pods.Items.FirstOrDefault(p => p.Metadata.Name == podName);
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodInfo
                {
                    readonly string podName = Environment.GetEnvironmentVariable("POD_NAME") ?? "";

                    async Task<V1Pod?> Self(IKubernetes client, string ns)
                    {
                        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "metadata.name=" + podName);
                        return pods.Items.FirstOrDefault(p => p.Metadata.Name == podName);
                    }
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, Config.MsBuild("build_property.ResilienceReplicas = 40"));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1002ClusterWideAccessAnalyzer.Rule,
                "This code runs in every replica (40 copies; PodInfo reads its pod's name from the downward API) and lists every pod in the namespace instead of its own: "
                + "each call makes the API server process 600 pods (~8.4 MB as JSON) from etcd to return the one pod it looks for by name; 24,000 pods (~336 MB as JSON) for one round of 40 copies, "
                + "at 1,000 nodes × 30 pods per node; read it by name (ReadNamespacedPod: a GET of one key; fieldSelector metadata.name= reads the same key through the list path, answers an empty list instead of 404, and older API servers' APF charges it as a LIST of the whole kind, up to 10 seats against a GET's 1)")
                .WithLocation(14, 66));
            await test.RunAsync();
        }

        [Fact]
        public async Task An_unconfigured_lookup_of_the_own_object_by_host_name_is_a_suggestion_with_the_same_fix()
        {
            const string source = """
                using System;
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodUtilities
                {
                    async Task<V1Pod?> Current(IKubernetes client)
                    {
                        var list = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("default");
                        return list.Items.SingleOrDefault(p => p.Metadata.Name == (Environment.GetEnvironmentVariable("HOSTNAME") ?? ""));
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodUtilities
                {
                    async Task<V1Pod?> Current(IKubernetes client)
                    {
                        var list = await client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "metadata.name=" + (Environment.GetEnvironmentVariable("HOSTNAME") ?? ""));
                        return list.Items.SingleOrDefault(p => p.Metadata.Name == (Environment.GetEnvironmentVariable("HOSTNAME") ?? ""));
                    }
                }
                """;
            var test = new Fix(source, fixedSource);
            test.ExpectedDiagnostics.Add(Expect.Info(RES1002ClusterWideAccessAnalyzer.Rule).WithLocation(12, 68));
            await test.RunAsync();
        }

        [Theory]
        [InlineData("var l = await client.CoreV1.{|#0:ListNodeAsync|}(); var me = l.Items.First(n => n.Metadata.Name == node);", true)]
        [InlineData("var l = await client.CoreV1.{|#0:ListNamespacedConfigMapAsync|}(\"app\"); var c = l.Items.Where(x => x.Metadata.Name == \"settings\").ToList();", true)]
        [InlineData("var any = (await client.CoreV1.{|#0:ListNamespacedServiceAsync|}(\"app\")).Items.Any(s => \"web\" == s.Metadata.Name);", true)]
        [InlineData("var l = await client.CoreV1.ListNamespacedPodAsync(\"app\"); var web = l.Items.Where(p => p.Metadata.Labels[\"app\"] == \"web\").ToList();", false)]
        [InlineData("var l = await client.CoreV1.ListNamespacedPodAsync(\"app\"); foreach (var n in new[] { \"a\" }) { var x = l.Items.First(p => p.Metadata.Name == n); }", false)]
        [InlineData("var l = await client.CoreV1.ListNamespacedPodAsync(\"app\", fieldSelector: \"metadata.name=\" + node); var me = l.Items.First(p => p.Metadata.Name == node);", false)]
        [InlineData("var l = await client.CoreV1.ListNamespacedPodAsync(\"app\"); var same = l.Items.Where(p => p.Metadata.Name == p.Spec.Hostname).ToList();", false)]
        [InlineData("var me = await client.CoreV1.ReadNamespacedPodAsync(node, \"app\");", false)]
        public async Task Searched_by_name_or_not(string snippet, bool flagged)
        {
            string source = """
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;

                class C
                {
                    async Task Run(IKubernetes client, string node)
                    {
                        SNIPPET
                    }
                }
                """.Replace("SNIPPET", snippet);
            var test = new Verify(source);
            if (flagged)
            {
                test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult(RuleIdentifiers.ClusterWideAccess, Microsoft.CodeAnalysis.DiagnosticSeverity.Info).WithLocation(0).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));
            }

            await test.RunAsync();
        }
    }
}
