using System.Linq;
using System.Threading.Tasks;
using Resilience.CostModel;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Verify = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer>;
using Fix = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1002ScopeToNodeFixer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// RES1002 for every cluster-scaled kind of the cost model's table (<see cref="ResourceKinds"/>): every object of a kind
    /// no copy can narrow by node, read from every node.
    /// </summary>
    public class RES1002KindTableTests
    {
        [Fact]
        public async Task A_DaemonSet_listing_every_service_is_told_the_herd_cost_and_the_shared_informer()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListServiceForAllNamespacesAsync|}();
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1002ClusterWideAccessAnalyzer.Rule,
                "This code runs on every node (5,000 copies; <ResilienceWorkload> = DaemonSet) and lists every service in all namespaces from every copy: "
                + "each call makes the API server process 10,000 services from etcd, which no copy can narrow to its node; "
                + "50 M services for one round of 5,000 copies, at 5,000 nodes × 30 pods per node; "
                + "share one informer per process (Resilience.Kubernetes' Informer: one list, then a watch from its resourceVersion) rather than a list per copy, or read fewer: a label or field selector, or one namespace"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_kind_with_no_published_count_says_so_instead_of_a_number()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListSecretForAllNamespacesAsync|}();
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1002ClusterWideAccessAnalyzer.Rule,
                "This code runs on every node (1,000 copies; <ResilienceWorkload> = DaemonSet) and lists every secret in all namespaces from every copy: "
                + "each call makes the API server process every secret in all namespaces (count unknown: the scalability thresholds leave it TBD) from etcd, which no copy can narrow to its node; "
                + "1,000 copies × that for one round, at 1,000 nodes × 30 pods per node; "
                + "share one informer per process (Resilience.Kubernetes' Informer: one list, then a watch from its resourceVersion) rather than a list per copy, or read fewer: a label or field selector, or one namespace"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Every_cluster_scaled_kind_is_flagged_from_every_node()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    async Task Run(IKubernetes client, GenericClient generic, CancellationToken ct)
                    {
                        await client.CoreV1.{|#0:ListEventForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.EventsV1.{|#1:ListEventForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.CoreV1.{|#2:ListEndpointsForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.DiscoveryV1.{|#3:ListEndpointSliceForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.CoreV1.{|#4:ListConfigMapForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.CoreV1.{|#5:ListNamespaceAsync|}(cancellationToken: ct);
                        await client.CoordinationV1.{|#6:ListLeaseForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.CoreV1.{|#7:ListPersistentVolumeAsync|}(cancellationToken: ct);
                        await client.CoreV1.{|#8:ListPersistentVolumeClaimForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.AppsV1.{|#9:ListReplicaSetForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.AppsV1.{|#10:ListDeploymentForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.AppsV1.{|#11:ListDaemonSetForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.AppsV1.{|#12:ListStatefulSetForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.BatchV1.{|#13:ListJobForAllNamespacesAsync|}(cancellationToken: ct);
                        await client.CustomObjects.{|#14:ListClusterCustomObjectAsync|}("example.com", "v1", "widgets", cancellationToken: ct);
                        await foreach (var (type, item) in client.CoreV1.{|#15:WatchListEventForAllNamespacesAsync|}(cancellationToken: ct)) { }
                        await client.CoreV1.{|#16:ListConfigMapForAllNamespacesWithHttpMessagesAsync|}(watch: true, cancellationToken: ct);
                        await generic.{|#17:ListAsync|}<V1SecretList>(cancel: ct);
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet());
            for (int i = 0; i <= 17; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, i));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task A_per_node_watch_of_services_is_kube_proxys_pattern_a_suggestion()
        {
            const string source = """
                using System.Threading;
                using k8s;

                class Proxy
                {
                    async void Run(IKubernetes client, CancellationToken ct)
                    {
                        await foreach (var (type, service) in client.CoreV1.{|#0:WatchListServiceForAllNamespacesAsync|}(cancellationToken: ct)) { }
                        await foreach (var (type, slice) in client.DiscoveryV1.{|#1:WatchListEndpointSliceForAllNamespacesAsync|}(cancellationToken: ct)) { }
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Info(RES1002ClusterWideAccessAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1002ClusterWideAccessAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_fixed_number_of_replicas_reading_every_object_is_a_suggestion()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Operator
                {
                    Task Run(IKubernetes client) => client.CustomObjects.{|#0:ListClusterCustomObjectAsync|}("example.com", "v1", "widgets");
                }
                """;
            var test = new Verify(source, Client.V21, Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = 3"));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();

            // One replica: no herd.
            await new Verify(source.Replace("{|#0:", string.Empty).Replace("|}", string.Empty), Client.V21, Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = 1")).RunAsync();
        }

        [Fact]
        public async Task Narrowed_one_namespace_one_copy_or_configuration_kinds_stay_silent()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    async Task Run(IKubernetes client, GenericClient generic, string selector, string ns)
                    {
                        await client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: "app=web");
                        await client.CoreV1.ListEventForAllNamespacesAsync(fieldSelector: "involvedObject.kind=Pod");
                        // A selector the analyzer cannot read: silent, not guessed.
                        await client.CoreV1.ListSecretForAllNamespacesAsync(fieldSelector: selector);
                        // One object by name in one namespace: one key read (a list of every namespace by name is not: RES1002NameSelectorTests).
                        await client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=settings");
                        await client.CoreV1.ListNamespacedConfigMapAsync(ns);
                        await client.CoreV1.ListNamespacedEventAsync("kube-system");
                        await client.CoreV1.ReadNamespaceAsync(ns);
                        await client.StorageV1.ListStorageClassAsync();
                        await client.NetworkingV1.ListIngressClassAsync();
                        await client.ApiextensionsV1.ListCustomResourceDefinitionAsync();
                    }

                    Task<T> Any<T>(GenericClient generic) where T : IKubernetesObject => generic.ListAsync<T>();
                }
                """;
            await new Verify(source, Client.V21, Config.DaemonSet()).RunAsync();

            const string oneCopy = """
                using System.Threading.Tasks;
                using k8s;

                class Tool
                {
                    Task Run(IKubernetes client) => client.CoreV1.ListSecretForAllNamespacesAsync();
                }
                """;
            await new Verify(oneCopy).RunAsync();
            await new Verify(oneCopy, Client.V21, Config.EditorConfig("resilience.workload = None")).RunAsync();
        }

        [Fact]
        public async Task No_fix_is_offered_no_node_selector_applies()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    readonly string nodeName = "n";

                    async Task Run(IKubernetes client)
                    {
                        await client.CoreV1.{|#0:ListConfigMapForAllNamespacesAsync|}();
                        await client.CoreV1.{|#1:ListNamespaceAsync|}();
                    }
                }
                """;
            var test = new Fix(source, source, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task Half_typed_calls_of_other_kinds_do_not_throw()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client)
                    {
                        await client.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: {|CS0103:missing|});
                        await client.CustomObjects.ListClusterCustomObjectAsync({|CS0103:group|}, "v1", {|CS0103:plural|});
                        await client.CustomObjects.{|#0:ListClusterCustomObjectAsync|}("example.com", "v1", "");
                        await client.CoreV1.{|CS1061:ListWidgetForAllNamespacesAsync|}();
                        // Read through its only candidate: still every secret.
                        await client.CoreV1.{|#1:ListSecretForAllNamespacesAsync|}({|CS1503:42|});
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public void Every_row_of_the_table_is_found_by_its_kind_and_its_resource()
        {
            foreach (var row in ResourceKinds.All)
            {
                Assert.Same(row, ResourceKinds.Find(row.Kind));
                Assert.Equal(row.Kind, KubernetesApi.ToCostKind(row.Name));
                Assert.Equal(row.Kind, KubernetesApi.ToCostKind(row.Plural));
                Assert.True(row.CountKnown || row.Note.Length > 0, row.Name + ": an unknown count says what is known");
            }

            Assert.Equal(ResourceKind.CustomResource, KubernetesApi.ToCostKind("widgets"));
            Assert.Equal(ResourceKind.Other, KubernetesApi.ToCostKind("StorageClass"));
            Assert.Equal(ResourceKind.Pod, KubernetesApi.ToCostKind("PodMetrics"));
            Assert.Equal(ResourceKinds.All.Count, ResourceKinds.All.Select(r => r.Kind).Distinct().Count());
        }
    }
}
