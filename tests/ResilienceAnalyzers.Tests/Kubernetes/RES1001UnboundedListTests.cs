using Microsoft.CodeAnalysis;
using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Verify = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1001UnboundedListAnalyzer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>RES1001: LIST without pagination.</summary>
    public class RES1001UnboundedListTests
    {
        [Fact]
        public async Task Unbounded_cluster_wide_list_warns_with_size_and_memory()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class C
                {
                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                }
                """;
            var test = new Verify(source, Client.V21, Config.MsBuild("build_property.ResilienceClusterNodes = 5000"));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1001UnboundedListAnalyzer.Rule,
                "ListPodForAllNamespacesAsync lists pods in all namespaces in one unbounded response: 150,000 pods (~2.1 GB as JSON) in one response from etcd "
                + "and ~10.5 GB of API-server memory while it is built, at 5,000 nodes × 30 pods per node; "
                + "pass limit and continueParameter (page by 500 as client-go does) or use an informer (package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        /// <summary>
        /// A list across namespaces made once, at start-up, by a singleton of a program deployed as one replica (the third
        /// unseen survey set: GZCTF's provider): one copy, once, so a suggestion — as for a program configured as one copy.
        /// Three replicas, the same one copy listing in a loop, or a library (whose public methods callers outside the
        /// compilation may repeat: that set's KubeSharper) keep the warning.
        /// </summary>
        [Theory]
        [InlineData(1, false, true, DiagnosticSeverity.Info)]
        [InlineData(3, false, true, DiagnosticSeverity.Warning)]
        [InlineData(1, true, true, DiagnosticSeverity.Warning)]
        [InlineData(1, false, false, DiagnosticSeverity.Warning)]
        public async Task A_one_shot_list_in_a_program_of_one_replica_is_a_suggestion(int replicas, bool inLoop, bool program, DiagnosticSeverity severity)
        {
            string call = inLoop
                ? "while (true) { await client.CoreV1.{|#0:ListNamespaceAsync|}(); await Task.Delay(30_000); }"
                : "await client.CoreV1.{|#0:ListNamespaceAsync|}();";
            string source = """
                using System.Threading.Tasks;
                using k8s;

                class Provider
                {
                    private readonly IKubernetes client;

                    public Provider(IKubernetes client)
                    {
                        this.client = client;
                        _ = StartAsync();
                    }

                    private async Task StartAsync()
                    {
                        CALL
                    }

                    public static void Main()
                    {
                    }
                }
                """.Replace("CALL", call);
            var test = new Verify(source, Client.V21, Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = " + replicas + "\nbuild_property.ResilienceClusterNodes = 5000"));
            test.TestState.OutputKind = program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary;
            var expected = Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule).WithSeverity(severity);
            test.ExpectedDiagnostics.Add(severity == DiagnosticSeverity.Info
                ? expected.WithMessage("ListNamespaceAsync lists namespaces in the cluster in one unbounded response: every namespace in the cluster (count unknown: the scalability thresholds allow 10,000; "
                    + "no typical count is published) in one response from etcd and about 5× its size in API-server memory while it is built, at 5,000 nodes × 30 pods per node "
                    + "(once: one copy, and nothing in this compilation repeats it); pass limit and continueParameter (page by 500 as client-go does) or use an informer (package Resilience.Kubernetes)")
                : expected);
            await test.RunAsync();
        }

        /// <summary>
        /// neonKUBE's cluster jobs (unseen survey set) list the control-plane nodes by their role label, the well-known one or
        /// the project's own: a handful of nodes whatever the cluster's size. Twins, warned: a selector that leaves the
        /// control plane out (the workers, which grow with the cluster), and one on another label.
        /// </summary>
        [Theory]
        [InlineData("node-role.kubernetes.io/control-plane=", false)]
        [InlineData("node-role.kubernetes.io/master", false)]
        [InlineData("example.io/node.role=control-plane", false)]
        [InlineData("!node-role.kubernetes.io/control-plane", true)]
        [InlineData("example.io/node.role!=control-plane", true)]
        [InlineData("example.io/node.pool=workers", true)]
        public async Task Lists_of_the_control_plane_nodes_by_role_label_are_silent(string selector, bool warns)
        {
            string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class CertificateJob
                {
                    public async Task ExecuteAsync(IKubernetes client, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var nodes = await client.CoreV1.{|#0:ListNodeAsync|}(labelSelector: "SELECTOR", cancellationToken: ct);
                            await Task.Delay(60_000, ct);
                        }
                    }
                }
                """.Replace("SELECTOR", selector);
            var test = new Verify(source, Client.V21, Config.DaemonSet());
            if (warns)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task Limit_zero_null_or_negative_is_unbounded_and_a_continue_loop_without_limit_too()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class C
                {
                    async Task Run(IKubernetes client)
                    {
                        await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: 0);
                        await client.CoreV1.{|#1:ListPodForAllNamespacesAsync|}(limit: null);
                        await client.CoreV1.{|#2:ListPodForAllNamespacesAsync|}(limit: -1);
                        string? token = null;
                        do
                        {
                            var page = await client.CoreV1.{|#3:ListNodeAsync|}(continueParameter: token);
                            token = page.Metadata.ContinueProperty;
                        } while (token != null);
                    }
                }
                """;
            var test = new Verify(source);
            for (int i = 0; i < 4; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, i));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task Small_results_are_a_suggestion_not_a_warning()
        {
            // 1,000 nodes × 30 pods over 50 namespaces = 600 pods: a warning; with 10 nodes, 6 pods: info.
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class C
                {
                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListNamespacedPodAsync|}("team-a");
                }
                """;
            var warn = new Verify(source);
            warn.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule));
            await warn.RunAsync();

            var info = new Verify(source, Client.V21, Config.EditorConfig("resilience.cluster_nodes = 10"));
            info.ExpectedDiagnostics.Add(Expect.Info(RES1001UnboundedListAnalyzer.Rule));
            await info.RunAsync();
        }

        [Fact]
        public async Task Every_shape_including_custom_objects_and_the_generic_client()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.ClientSets;
                using k8s.Models;

                class C
                {
                    async Task Run(Kubernetes client, GenericClient generic)
                    {
                        await client.CustomObjects.{|#0:ListClusterCustomObjectAsync|}("example.com", "v1", "widgets");
                        await client.CoreV1.{|#1:ListNamespacedPodWithHttpMessagesAsync|}("default");
                        await new ClientSet(client).CoreV1.Node.{|#2:ListAsync|}();
                        await generic.{|#3:ListNamespacedAsync|}<V1ConfigMapList>("default");
                        client.AppsV1.{|#4:ListDeploymentForAllNamespaces|}();
                    }
                }
                """;
            var test = new Verify(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 1));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 2));
            // Config maps of one namespace: ~20 at the default size (one per node over 50 namespaces): a suggestion.
            test.ExpectedDiagnostics.Add(Expect.Info(RES1001UnboundedListAnalyzer.Rule, 3));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 4));
            await test.RunAsync();
        }

        [Fact]
        public async Task Paginated_cached_node_scoped_and_named_lists_and_watches_are_silent()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class C
                {
                    async Task Run(IKubernetes client, int pageSize, string node)
                    {
                        string? token = null;
                        do
                        {
                            var page = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 500, continueParameter: token);
                            token = page.Metadata.ContinueProperty;
                        } while (!string.IsNullOrEmpty(token));

                        await client.CoreV1.ListPodForAllNamespacesAsync(limit: pageSize);
                        await client.CoreV1.ListPodForAllNamespacesAsync(resourceVersion: "0");
                        await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + node);
                        await client.CoreV1.ListNodeAsync(fieldSelector: $"metadata.name={node}");
                        await client.CoreV1.ReadNamespacedPodAsync("p", "default");
                        await client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(watch: true);
                    }
                }
                """;
            await new Verify(source).RunAsync();
        }
    }
}
