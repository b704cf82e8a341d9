using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Verify = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer>;
using Fix = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1002ScopeToNodeFixer>;
using Polling = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1003PollingListAnalyzer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// A LIST narrowed by <c>metadata.name=</c> is still a LIST. The API server reads one key for it only where it can build
    /// the key — one namespace, or a cluster-scoped kind — and reads every object of the kind across namespaces (kubernetes
    /// apiserver registry/generic/registry/store.go, ListPredicate: "if we cannot extract a key based on the current
    /// context, the optimization is skipped").
    /// </summary>
    public class RES1002NameSelectorTests
    {
        [Fact]
        public async Task A_DaemonSet_listing_every_namespace_by_name_is_told_it_reads_every_pod_and_gets_no_fix()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    readonly string podName = Environment.GetEnvironmentVariable("POD_NAME") ?? "";

                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(fieldSelector: "metadata.name=" + podName);
                }
                """;
            // No fix: the pod's namespace is not in the call, and the selector alone does not narrow what is read.
            var test = new Fix(source, source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1002ClusterWideAccessAnalyzer.Rule,
                "This code runs on every node (5,000 copies; <ResilienceWorkload> = DaemonSet) and lists every pod in all namespaces to find one by metadata.name: "
                + "each call makes the API server process 150,000 pods (~2.1 GB as JSON) from etcd to return the one pod it names; 750 M pods (~10.5 TB as JSON) for one round of 5,000 copies, at 5,000 nodes × 30 pods per node; "
                + "read it by name in its namespace (ReadNamespacedPod: a GET of one key; or list that one namespace with the selector): "
                + "fieldSelector metadata.name= on a list of every namespace still makes the API server read every object of the kind: without a namespace it cannot look the name up"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_kind_with_no_published_count_is_said_as_every_object_without_a_number()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListConfigMapForAllNamespacesAsync|}(fieldSelector: "metadata.name=settings");
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1002ClusterWideAccessAnalyzer.Rule,
                "This code runs on every node (1,000 copies; <ResilienceWorkload> = DaemonSet) and lists every config map in all namespaces to find one by metadata.name: "
                + "each call makes the API server process every config map in all namespaces (count unknown: at least one per namespace (kube-root-ca.crt), the rest is what workloads create) from etcd to return the one config map it names; "
                + "1,000 copies × that for one round, at 1,000 nodes × 30 pods per node; "
                + "read it by name in its namespace (ReadNamespacedConfigMap: a GET of one key; or list that one namespace with the selector): "
                + "fieldSelector metadata.name= on a list of every namespace still makes the API server read every object of the kind: without a namespace it cannot look the name up"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Silent_twins_one_namespace_a_cluster_scoped_kind_and_one_copy()
        {
            // One key read: the namespace is in the request, or the kind is cluster-scoped. One copy is no herd.
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client, string ns, string podName, string nodeName)
                    {
                        await client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "metadata.name=" + podName);
                        await client.CoreV1.ListNodeAsync(fieldSelector: "metadata.name=" + nodeName);
                        await client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=settings");
                    }
                }
                """;
            await new Verify(source, Client.V21, Config.DaemonSet()).RunAsync();

            const string oneCopy = """
                using System.Threading.Tasks;
                using k8s;

                class Tool
                {
                    Task Run(IKubernetes client, string name) => client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "metadata.name=" + name);
                }
                """;
            await new Verify(oneCopy, Client.V21, Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = 1")).RunAsync();
        }

        [Fact]
        public async Task Polling_by_name_across_namespaces_says_what_is_read_and_one_key_is_a_suggestion_to_GET()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Poller
                {
                    async Task Run(IKubernetes client, string name)
                    {
                        while (true)
                        {
                            await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(fieldSelector: "metadata.name=" + name);
                            await client.CoreV1.{|#1:ListNamespacedPodAsync|}("default", fieldSelector: "metadata.name=" + name);
                            await client.CoreV1.{|#2:ListNodeAsync|}(fieldSelector: "metadata.name=" + name);
                            await Task.Delay(10_000);
                        }
                    }
                }
                """;
            var test = new Polling(source, Client.V21, Config.MsBuild("build_property.ResilienceWorkload = None"));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1003PollingListAnalyzer.Rule,
                "ListPodForAllNamespacesAsync lists pods in all namespaces every 10 s (a while loop) from one copy: 0.1 LIST/s making the API server process 3,000 pods/s (~42 MB/s) from etcd "
                + "to return one pod by metadata.name (across namespaces it narrows what is returned, not what is read; ReadNamespacedPod in its namespace reads one object), at 1,000 nodes × 30 pods per node; "
                + "use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            // One key (in a namespace, or of a cluster-scoped kind): a GET's work through the list path (RES1003OneKeyListTests).
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.OneKeyRule, 1));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.OneKeyRule, 2));
            await test.RunAsync();
        }
    }
}
