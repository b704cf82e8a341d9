using System.Threading.Tasks;
using ResilienceAnalyzers.CodeFixes.Kubernetes;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Verify = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer>;
using Fix = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1002ScopeToNodeFixer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>RES1002: per-node code that lists or watches the whole cluster.</summary>
    public class RES1002ClusterWideAccessTests
    {
        [Fact]
        public async Task DaemonSet_listing_all_pods_is_flagged_with_the_cost()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client)
                    {
                        var pods = await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1002ClusterWideAccessAnalyzer.Rule,
                "This code runs on every node (5,000 copies; <ResilienceWorkload> = DaemonSet) and lists every pod in all namespaces instead of its own: "
                + "each call makes the API server process 150,000 pods (~2.1 GB as JSON) from etcd to return this node's 30; "
                + "750 M pods (~10.5 TB as JSON) for one round of 5,000 copies, at 5,000 nodes × 30 pods per node; "
                + "add fieldSelector: \"spec.nodeName=\" + the node name (when the code does not have it, set it in the pod spec from the downward API: env: [{name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}])"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Node_name_read_from_the_downward_API_makes_the_type_per_node()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    readonly string node = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";

                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(labelSelector: "app=web");
                }
                """;
            var test = new Verify(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task RunsOnEveryNode_attribute_is_matched_by_name_and_watches_count()
        {
            const string source = """
                using System;
                using System.Threading;
                using k8s;
                using k8s.Models;

                [AttributeUsage(AttributeTargets.All)]
                sealed class RunsOnEveryNodeAttribute : Attribute { }

                [RunsOnEveryNode]
                class Agent
                {
                    async void Run(IKubernetes client, CancellationToken ct)
                    {
                        await foreach (var (type, pod) in client.CoreV1.{|#0:WatchListPodForAllNamespacesAsync|}(cancellationToken: ct)) { }
                        var nodes = client.CoreV1.{|#1:ListNode|}();
                    }
                }
                """;
            var test = new Verify(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task Every_client_shape_is_recognized()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.ClientSets;
                using k8s.Models;

                class Agent
                {
                    async Task Run(Kubernetes client, GenericClient generic)
                    {
                        await client.CoreV1.{|#0:ListPodForAllNamespacesWithHttpMessagesAsync|}(watch: true);
                        await new ClientSet(client).CoreV1.Pod.{|#1:ListAsync|}();
                        await generic.{|#2:ListAsync|}<V1PodList>();
                        client.CoreV1.{|#3:ListPodForAllNamespaces|}();
                        await client.CoreV1.{|#4:ListNodeAsync|}();
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet());
            for (int i = 0; i < 5; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, i));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task Older_client_19_is_recognized()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: 500);
                }
                """;
            var test = new Verify(source, Client.V19, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task Correct_code_stays_silent()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    static readonly string Node = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";

                    async Task Run(IKubernetes client, string selector)
                    {
                        await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + Node);
                        await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: $"status.phase=Running,spec.nodeName={Node}");
                        await client.CoreV1.ListNodeAsync(fieldSelector: "metadata.name=" + Node);
                        await client.CoreV1.ReadNodeAsync(Node);
                        await client.CoreV1.ListNamespacedPodAsync("kube-system", labelSelector: "k8s-app=kube-dns");
                        await client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: "app=web");
                        // A selector we cannot see into: not flagged (no false positives).
                        await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: selector);
                    }
                }
                """;
            await new Verify(source).RunAsync();
        }

        [Fact]
        public async Task Workload_None_or_unconfigured_single_program_is_silent()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Tool
                {
                    Task Run(IKubernetes client) => client.CoreV1.ListPodForAllNamespacesAsync();
                }
                """;
            await new Verify(source).RunAsync();
            await new Verify(source, Client.V21, Config.EditorConfig("resilience.workload = None")).RunAsync();
        }

        [Fact]
        public async Task Editorconfig_overrides_msbuild_per_folder()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Controller
                {
                    Task Run(IKubernetes client) => client.CoreV1.ListPodForAllNamespacesAsync();
                }
                """;
            await new Verify(source, Client.V21, Config.DaemonSet(), Config.EditorConfig("resilience.workload = None")).RunAsync();
        }

        [Fact]
        public async Task No_KubernetesClient_no_diagnostics()
        {
            const string source = """
                class IKubernetes { public void ListPodForAllNamespaces() { } }
                class Agent { void Run(IKubernetes c) => c.ListPodForAllNamespaces(); }
                """;
            await new Verify(source, Client.None, Config.DaemonSet()).RunAsync();
        }

        [Fact]
        public async Task Fix_adds_the_node_selector_from_a_variable_in_scope()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client)
                    {
                        string nodeName = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";
                        // keep this comment
                        var pods = await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(labelSelector: "app=web");
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client)
                    {
                        string nodeName = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";
                        // keep this comment
                        var pods = await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: "app=web", fieldSelector: "spec.nodeName=" + nodeName);
                    }
                }
                """;
            var test = new Fix(source, fixedSource);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_extends_an_existing_selector_and_reads_the_downward_API_when_no_variable()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(fieldSelector: "status.phase=Running");
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    Task Run(IKubernetes client) => client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "status.phase=Running,spec.nodeName=" + (Environment.GetEnvironmentVariable("NODE_NAME") ?? throw new InvalidOperationException("NODE_NAME is not set: add it to the pod spec from the downward API (env: [{name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}])")));
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_all_scopes_every_call_and_selects_the_node_by_name()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    readonly string nodeName = "n";

                    async Task Run(IKubernetes client)
                    {
                        await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                        await client.CoreV1.{|#1:ListNodeAsync|}();
                        client.CoreV1.{|#2:ListPodForAllNamespaces|}(null, null, null);
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    readonly string nodeName = "n";

                    async Task Run(IKubernetes client)
                    {
                        await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + nodeName);
                        await client.CoreV1.ListNodeAsync(fieldSelector: "metadata.name=" + nodeName);
                        client.CoreV1.ListPodForAllNamespaces(null, null, "spec.nodeName=" + nodeName);
                    }
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, Config.DaemonSet());
            for (int i = 0; i < 3; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, i));
            }

            await test.RunAsync();
        }
    }
}
