using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Fix = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1002ScopeToNodeFixer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// Issue 12: where the code lists to find one object by name, the fix is a GET by name — through the runtime's
    /// <c>Reads.ReadOrNullAsync</c>, so a name nothing has is still null — wherever that means the same; elsewhere the
    /// <c>metadata.name</c> selector (RES1002OwnObjectByNameTests).
    /// </summary>
    public class RES1002ReadByNameFixTests
    {
        private static readonly (string, string) Replicas = Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = 3");

        [Fact]
        public async Task Sharplets_list_then_search_becomes_a_read()
        {
            const string source = """
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodController
                {
                    private readonly IKubernetes _kubernetes;

                    public PodController(IKubernetes kubernetes) => _kubernetes = kubernetes;

                    public async Task<V1Pod?> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken = default)
                    {
                        // one pod
                        var podAsync = await _kubernetes.CoreV1.{|#0:ListNamespacedPodAsync|}(@namespace, cancellationToken: cancellationToken);
                        return podAsync.Items.FirstOrDefault(x => x.Name() == {|#1:name|});
                    }
                }
                """;
            const string fixedSource = """
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Resilience.Kubernetes;

                class PodController
                {
                    private readonly IKubernetes _kubernetes;

                    public PodController(IKubernetes kubernetes) => _kubernetes = kubernetes;

                    public async Task<V1Pod?> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken = default)
                    {
                        // one pod
                        return await Reads.ReadOrNullAsync(name, n => _kubernetes.CoreV1.ReadNamespacedPodAsync(n, namespaceParameter: @namespace, cancellationToken: cancellationToken));
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Fix(source, fixedSource, Client.V21, Config.DaemonSet(1000)));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(1));
            await test.RunAsync();
        }

        [Fact]
        public async Task Steeltoes_ConfigureAwait_conditional_access_and_Equals_become_a_read_with_its_ConfigureAwait()
        {
            const string source = """
                using System;
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodUtilities
                {
                    private readonly IKubernetes _kubernetes;
                    private readonly string _ns = "apps";

                    public PodUtilities(IKubernetes kubernetes) => _kubernetes = kubernetes;

                    public async Task<V1Pod?> GetCurrentPodAsync()
                    {
                        V1Pod? pod = null;
                        try
                        {
                            var hostname = Environment.GetEnvironmentVariable("HOSTNAME");
                            var list = await _kubernetes.CoreV1.{|#0:ListNamespacedPodAsync|}(_ns).ConfigureAwait(false);
                            pod = list.Items?.FirstOrDefault(p => p.Metadata.Name.Equals({|#1:hostname|}));
                        }
                        catch (Exception)
                        {
                        }

                        return pod;
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Resilience.Kubernetes;

                class PodUtilities
                {
                    private readonly IKubernetes _kubernetes;
                    private readonly string _ns = "apps";

                    public PodUtilities(IKubernetes kubernetes) => _kubernetes = kubernetes;

                    public async Task<V1Pod?> GetCurrentPodAsync()
                    {
                        V1Pod? pod = null;
                        try
                        {
                            var hostname = Environment.GetEnvironmentVariable("HOSTNAME");
                            pod = await Reads.ReadOrNullAsync(hostname, n => _kubernetes.CoreV1.ReadNamespacedPodAsync(n, namespaceParameter: _ns)).ConfigureAwait(false);
                        }
                        catch (Exception)
                        {
                        }

                        return pod;
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Fix(source, fixedSource, Client.V21, Replicas));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(1));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_search_in_the_lists_own_expression_becomes_a_read_and_a_user_type_named_Reads_is_left_alone()
        {
            const string source = """
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Reads { }

                class Lookup
                {
                    async Task<V1ConfigMap?> Find(IKubernetes client, string ns, string name)
                        => (await client.CoreV1.{|#0:ListNamespacedConfigMapAsync|}(ns)).Items.SingleOrDefault(c => string.Equals(c.Metadata.Name, {|#1:name|}, System.StringComparison.Ordinal));
                }
                """;
            const string fixedSource = """
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Reads { }

                class Lookup
                {
                    async Task<V1ConfigMap?> Find(IKubernetes client, string ns, string name)
                        => await Resilience.Kubernetes.Reads.ReadOrNullAsync(name, n => client.CoreV1.ReadNamespacedConfigMapAsync(n, namespaceParameter: ns));
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Fix(source, fixedSource, Client.V21, Replicas));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(1));
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_all_reads_each_search_of_a_method()
        {
            const string source = """
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;

                class Lookup
                {
                    async Task<int> Both(IKubernetes client, string ns, string pod, string map)
                    {
                        // the pod
                        var pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}(ns);
                        var p = pods.Items.FirstOrDefault(x => x.Metadata.Name == {|#1:pod|});
                        // the config map
                        var maps = await client.CoreV1.{|#2:ListNamespacedConfigMapAsync|}(ns);
                        var m = maps.Items.FirstOrDefault(x => x.Metadata.Name == {|#3:map|});
                        return (p == null ? 0 : 1) + (m == null ? 0 : 1);
                    }
                }
                """;
            const string fixedSource = """
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using Resilience.Kubernetes;

                class Lookup
                {
                    async Task<int> Both(IKubernetes client, string ns, string pod, string map)
                    {
                        // the pod
                        var p = await Reads.ReadOrNullAsync(pod, n => client.CoreV1.ReadNamespacedPodAsync(n, namespaceParameter: ns));
                        // the config map
                        var m = await Reads.ReadOrNullAsync(map, n => client.CoreV1.ReadNamespacedConfigMapAsync(n, namespaceParameter: ns));
                        return (p == null ? 0 : 1) + (m == null ? 0 : 1);
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Fix(source, fixedSource, Client.V21, Replicas));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(1));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 2).WithLocation(3));
            await test.RunAsync();
        }

        [Fact]
        public async Task Per_node_code_listing_every_node_to_pick_its_own_reads_it_instead_of_narrowing_the_list()
        {
            // The NodeTelemetryAgent sample's shape (issue 13): the cluster-wide node list is reported first ("Node"); the fix
            // used to narrow it with metadata.name=, leaving a one-key LIST; where the list is only searched for this node, it
            // is the GET.
            const string source = """
                using System;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    private readonly IKubernetes client = null!;
                    private readonly string nodeName = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";

                    async Task<string> ZoneAsync(CancellationToken stoppingToken)
                    {
                        // Lists every node to read this one's labels.
                        V1NodeList nodes = await client.CoreV1.{|#0:ListNodeAsync|}(cancellationToken: stoppingToken);
                        var self = nodes.Items.FirstOrDefault(n => n.Metadata.Name == nodeName);
                        return self?.Metadata.Labels?["topology.kubernetes.io/zone"] ?? "unknown";
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Resilience.Kubernetes;

                class Agent
                {
                    private readonly IKubernetes client = null!;
                    private readonly string nodeName = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";

                    async Task<string> ZoneAsync(CancellationToken stoppingToken)
                    {
                        // Lists every node to read this one's labels.
                        var self = await Reads.ReadOrNullAsync(nodeName, n => client.CoreV1.ReadNodeAsync(n, cancellationToken: stoppingToken));
                        return self?.Metadata.Labels?["topology.kubernetes.io/zone"] ?? "unknown";
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Fix(source, fixedSource, Client.V21, Config.DaemonSet(1000)));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0));
            await test.RunAsync();
        }

        [Fact]
        public async Task No_read_where_it_would_not_mean_the_same_the_selector_instead()
        {
            // The list is used as a list too; a label selector narrows what a GET would not; First throws where the read
            // would return null; the search also tests the phase; a statement runs between the list and the search.
            const string source = """
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Lookup
                {
                    async Task<int> UsedAsAList(IKubernetes client, string ns, string name)
                    {
                        var pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}(ns);
                        var mine = pods.Items.FirstOrDefault(p => p.Metadata.Name == {|#1:name|});
                        return pods.Items.Count;
                    }

                    async Task<V1Pod?> Labelled(IKubernetes client, string ns, string name)
                    {
                        var pods = await client.CoreV1.{|#2:ListNamespacedPodAsync|}(ns, labelSelector: "app=web");
                        return pods.Items.FirstOrDefault(p => p.Metadata.Name == {|#3:name|});
                    }

                    async Task<V1Pod> Throwing(IKubernetes client, string ns, string name)
                    {
                        var pods = await client.CoreV1.{|#4:ListNamespacedPodAsync|}(ns);
                        return pods.Items.First(p => p.Metadata.Name == {|#5:name|});
                    }

                    async Task<V1Pod?> MoreThanTheName(IKubernetes client, string ns, string name)
                    {
                        var pods = await client.CoreV1.{|#6:ListNamespacedPodAsync|}(ns);
                        return pods.Items.FirstOrDefault(p => p.Metadata.Name == {|#7:name|} && p.Status.Phase == "Running");
                    }

                    async Task<V1Pod?> NotNext(IKubernetes client, string ns, string name)
                    {
                        var pods = await client.CoreV1.{|#8:ListNamespacedPodAsync|}(ns);
                        System.Console.WriteLine("listed");
                        return pods.Items.FirstOrDefault(p => p.Metadata.Name == {|#9:name|});
                    }
                }
                """;
            const string fixedSource = """
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Lookup
                {
                    async Task<int> UsedAsAList(IKubernetes client, string ns, string name)
                    {
                        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "metadata.name=" + name);
                        var mine = pods.Items.FirstOrDefault(p => p.Metadata.Name == name);
                        return pods.Items.Count;
                    }

                    async Task<V1Pod?> Labelled(IKubernetes client, string ns, string name)
                    {
                        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "app=web", fieldSelector: "metadata.name=" + name);
                        return pods.Items.FirstOrDefault(p => p.Metadata.Name == name);
                    }

                    async Task<V1Pod> Throwing(IKubernetes client, string ns, string name)
                    {
                        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "metadata.name=" + name);
                        return pods.Items.First(p => p.Metadata.Name == name);
                    }

                    async Task<V1Pod?> MoreThanTheName(IKubernetes client, string ns, string name)
                    {
                        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "metadata.name=" + name);
                        return pods.Items.FirstOrDefault(p => p.Metadata.Name == name && p.Status.Phase == "Running");
                    }

                    async Task<V1Pod?> NotNext(IKubernetes client, string ns, string name)
                    {
                        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "metadata.name=" + name);
                        System.Console.WriteLine("listed");
                        return pods.Items.FirstOrDefault(p => p.Metadata.Name == name);
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Fix(source, fixedSource, Client.V21, Replicas));
            for (int i = 0; i < 10; i += 2)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, i).WithLocation(i + 1));
            }

            await test.RunAsync();
        }
    }
}
