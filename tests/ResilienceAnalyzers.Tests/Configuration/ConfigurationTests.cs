using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using ResilienceAnalyzers.Configuration;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using VerifyConfig = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Configuration.ConfigurationAnalyzer>;
using VerifyRes1002 = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer>;

namespace ResilienceAnalyzers.Tests.Configuration
{
    /// <summary>RES0001 and how settings reach the rules.</summary>
    public class ConfigurationTests
    {
        private const string Source = """
            using System.Threading.Tasks;
            using k8s;

            class C
            {
                Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
            }
            """;

        [Theory]
        [InlineData("resilience.workload = Daemonset ", null)]
        [InlineData("resilience.workload = deployment", null)]
        [InlineData("resilience.cluster_nodes = 5_000", null)]
        [InlineData("resilience.cluster_nodes = 5,000", null)]
        [InlineData("resilience.workload = Sidecar", "resilience.workload = 'Sidecar' is not valid; expected DaemonSet, Deployment, StatefulSet, Job or None")]
        [InlineData("resilience.cluster_nodes = 0", "resilience.cluster_nodes = '0' is not valid; expected a whole number from 1 to 100,000")]
        [InlineData("resilience.pods_per_node = many", "resilience.pods_per_node = 'many' is not valid; expected a whole number from 1 to 1,000")]
        [InlineData("resilience.replicas = -2", "resilience.replicas = '-2' is not valid; expected a whole number from 1 to 1,000,000")]
        [InlineData("resilience.node_name_variable = K8S_NODE_NAME", null)]
        [InlineData("resilience.pod_name_variable = _pod1", null)]
        [InlineData("resilience.node_name_variable = 1NODE", "resilience.node_name_variable = '1NODE' is not valid; expected an environment variable name: letters, digits and _, not starting with a digit")]
        [InlineData("resilience.node_name_variable = NODE-NAME", "resilience.node_name_variable = 'NODE-NAME' is not valid; expected an environment variable name: letters, digits and _, not starting with a digit")]
        [InlineData("resilience.pod_name_variable = \"POD\"", "resilience.pod_name_variable = '\"POD\"' is not valid; expected an environment variable name: letters, digits and _, not starting with a digit")]
        public async Task Editorconfig_values_are_validated_per_file(string line, string? error)
        {
            var test = new VerifyConfig("{|#0:class|} C { }", Client.None, Config.EditorConfig(line));
            if (error != null)
            {
                test.ExpectedDiagnostics.Add(Expect.Message(ConfigurationAnalyzer.Rule, "ResilienceAnalyzers: " + error + ". The default is used instead."));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task An_invalid_MSBuild_property_is_reported_once_for_the_project()
        {
            var test = new VerifyConfig("class C { }", Client.None, Config.MsBuild("build_property.ResilienceWorkload = Pod"));
            test.ExpectedDiagnostics.Add(new DiagnosticResult(ConfigurationAnalyzer.GlobalRule)
                .WithMessage("ResilienceAnalyzers: <ResilienceWorkload> = 'Pod' is not valid; expected DaemonSet, Deployment, StatefulSet, Job or None. The default is used instead."));
            await test.RunAsync();
        }

        [Fact]
        public async Task Empty_MSBuild_properties_mean_unset()
        {
            // CompilerVisibleProperty passes unset properties as empty values.
            await new VerifyConfig("class C { }", Client.None, Config.MsBuild("build_property.ResilienceWorkload = \nbuild_property.ResilienceClusterNodes = ")).RunAsync();
        }

        [Fact]
        public async Task Cluster_size_from_editorconfig_reaches_the_message_and_invalid_values_fall_back_to_defaults()
        {
            var sized = new VerifyRes1002(Source, Client.V21, Config.EditorConfig("resilience.workload = DaemonSet\nresilience.cluster_nodes = 2000\nresilience.pods_per_node = 50"));
            sized.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule).WithArguments(
                "runs on every node (2,000 copies; resilience.workload = DaemonSet)", "lists", "pod", "in all namespaces", "instead of its own",
                "each call makes the API server process 100,000 pods (~1.4 GB as JSON) from etcd to return this node's 50; 200 M pods (~2.8 TB as JSON) for one round of 2,000 copies, at 2,000 nodes × 50 pods per node",
                "add fieldSelector: \"spec.nodeName=\" + the node name (when the code does not have it, set it in the pod spec from the downward API: env: [{name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}])"));
            await sized.RunAsync();

            var fallback = new VerifyRes1002(Source, Client.V21, Config.EditorConfig("resilience.workload = DaemonSet\nresilience.cluster_nodes = huge"));
            fallback.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule).WithArguments(
                "runs on every node (1,000 copies; resilience.workload = DaemonSet)", "lists", "pod", "in all namespaces", "instead of its own",
                "each call makes the API server process 30,000 pods (~420 MB as JSON) from etcd to return this node's 30; 30 M pods (~420 GB as JSON) for one round of 1,000 copies, at 1,000 nodes × 30 pods per node",
                "add fieldSelector: \"spec.nodeName=\" + the node name (when the code does not have it, set it in the pod spec from the downward API: env: [{name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}])"));
            await fallback.RunAsync();
        }

        [Fact]
        public async Task Deployment_replicas_reading_their_own_pod_name_are_told_to_read_by_name()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Library
                {
                    readonly string self = Environment.GetEnvironmentVariable("POD_NAME") ?? "";

                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                }
                """;
            var test = new VerifyRes1002(source, Client.V21, Config.MsBuild("build_property.ResilienceReplicas = 40"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule).WithArguments(
                "runs in every replica (40 copies; Library reads its pod's name from the downward API)", "lists", "pod", "in all namespaces", "instead of its own",
                "each call makes the API server process 30,000 pods (~420 MB as JSON) from etcd to return its own pod; 1.2 M pods (~16.8 GB as JSON) for one round of 40 copies, at 1,000 nodes × 30 pods per node",
                "read the pod by name in its namespace (ReadNamespacedPod: a GET of one key; fieldSelector metadata.name= on a list of every namespace still makes the API server read every object of the kind: without a namespace it cannot look the name up; when the code does not have them, set its name and namespace in the pod spec from the downward API: env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}], and metadata.namespace the same way)"));
            await test.RunAsync();
        }
    }
}
