using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Fix = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1002ScopeToNodeFixer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// Issue 12: the node-scoped fix uses what the code already has — a node name in scope, a string read from a
    /// downward-API variable, the copy's own pod's <c>Spec.NodeName</c>, a settings object's <c>NodeName</c>, the
    /// <c>IConfiguration</c> — before it reads an environment variable; that one is configurable
    /// (<c>resilience.node_name_variable</c>) and fails loudly when unset.
    /// </summary>
    public class RES1002NameSourceFixTests
    {
        private static Fix WithExtensions(Fix test)
        {
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            test.FixedState.AdditionalReferences.AddRange(References.AspNetCore);
            return test;
        }

        [Fact]
        public async Task The_own_pods_node_is_used_before_the_environment()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    async Task Run(IKubernetes client, V1Pod myPod)
                    {
                        var pods = await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    async Task Run(IKubernetes client, V1Pod myPod)
                    {
                        var pods = await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + myPod.Spec.NodeName);
                    }
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task Any_pod_is_not_the_own_pod_and_the_environment_read_fails_loudly()
        {
            // A loop's pod is some pod, not this copy's: its node would be the wrong one.
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    async Task Run(IKubernetes client, V1PodList list)
                    {
                        foreach (V1Pod pod in list.Items)
                        {
                            await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    async Task Run(IKubernetes client, V1PodList list)
                    {
                        foreach (V1Pod pod in list.Items)
                        {
                            await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + (Environment.GetEnvironmentVariable("NODE_NAME") ?? throw new InvalidOperationException("NODE_NAME is not set: add it to the pod spec from the downward API (env: [{name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}])")));
                        }
                    }
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_string_already_read_from_a_downward_API_variable_is_used_whatever_its_name()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    static readonly string Me = Environment.GetEnvironmentVariable("K8S_NODE_NAME")!;

                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    static readonly string Me = Environment.GetEnvironmentVariable("K8S_NODE_NAME")!;

                    Task Run(IKubernetes client) => client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + Me);
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_settings_objects_node_name_is_used_directly_and_through_IOptions()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using Microsoft.Extensions.Options;

                public class AgentSettings { public string NodeName { get; set; } = ""; }

                class Agent
                {
                    private readonly AgentSettings _config = new AgentSettings();

                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                }

                class OtherAgent
                {
                    Task Run(IKubernetes client, IOptions<AgentSettings> options) => client.CoreV1.{|#1:ListNodeAsync|}();
                }
                """;
            const string fixedSource = """
                using System.Threading.Tasks;
                using k8s;
                using Microsoft.Extensions.Options;

                public class AgentSettings { public string NodeName { get; set; } = ""; }

                class Agent
                {
                    private readonly AgentSettings _config = new AgentSettings();

                    Task Run(IKubernetes client) => client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + _config.NodeName);
                }

                class OtherAgent
                {
                    Task Run(IKubernetes client, IOptions<AgentSettings> options) => client.CoreV1.ListNodeAsync(fieldSelector: "metadata.name=" + options.Value.NodeName);
                }
                """;
            var test = WithExtensions(new Fix(source, fixedSource, Client.V21, Config.DaemonSet()));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_loops_or_parameters_object_with_a_NodeName_is_some_other_pods_and_is_not_used()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;
                using k8s;

                public class PodInfo { public string NodeName { get; set; } = ""; }

                class Agent
                {
                    async Task Run(IKubernetes client, PodInfo target, List<PodInfo> infos)
                    {
                        foreach (var info in infos)
                        {
                            await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Collections.Generic;
                using System.Threading.Tasks;
                using k8s;

                public class PodInfo { public string NodeName { get; set; } = ""; }

                class Agent
                {
                    async Task Run(IKubernetes client, PodInfo target, List<PodInfo> infos)
                    {
                        foreach (var info in infos)
                        {
                            await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + (Environment.GetEnvironmentVariable("NODE_NAME") ?? throw new InvalidOperationException("NODE_NAME is not set: add it to the pod spec from the downward API (env: [{name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}])")));
                        }
                    }
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_configuration_in_scope_is_read_with_the_configured_variable_and_fails_loudly()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using Microsoft.Extensions.Configuration;

                class Agent
                {
                    Task Run(IKubernetes client, IConfiguration configuration) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading.Tasks;
                using k8s;
                using Microsoft.Extensions.Configuration;

                class Agent
                {
                    Task Run(IKubernetes client, IConfiguration configuration) => client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + (configuration["MY_NODE"] ?? throw new InvalidOperationException("MY_NODE is not set: add it to the pod spec from the downward API (env: [{name: MY_NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}])")));
                }
                """;
            var test = WithExtensions(new Fix(source, fixedSource, Client.V21, Config.DaemonSet(), Config.EditorConfig("resilience.node_name_variable = MY_NODE")));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_configured_variable_makes_the_type_per_node_and_its_value_is_used()
        {
            // No workload configured: reading AGENT_NODE (resilience.node_name_variable) says the code runs on every node.
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    readonly string me = Environment.GetEnvironmentVariable("AGENT_NODE") ?? "";

                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    readonly string me = Environment.GetEnvironmentVariable("AGENT_NODE") ?? "";

                    Task Run(IKubernetes client) => client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + me);
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, Config.EditorConfig("resilience.node_name_variable = AGENT_NODE"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_message_shows_the_manifest_lines_for_the_configured_variable()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                }
                """;
            var test = new ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<RES1002ClusterWideAccessAnalyzer>(source, Client.V21, Config.DaemonSet(), Config.EditorConfig("resilience.node_name_variable = MY_NODE"));
            test.ExpectedDiagnostics.Add(Expect.Message(RES1002ClusterWideAccessAnalyzer.Rule,
                "This code runs on every node (1,000 copies; <ResilienceWorkload> = DaemonSet) and lists every pod in all namespaces instead of its own: each call makes the API server process 30,000 pods (~420 MB as JSON) from etcd to return this node's 30; 30 M pods (~420 GB as JSON) for one round of 1,000 copies, at 1,000 nodes × 30 pods per node; "
                + "add fieldSelector: \"spec.nodeName=\" + the node name (when the code does not have it, set it in the pod spec from the downward API: env: [{name: MY_NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}])"));
            await test.RunAsync();
        }

        [Fact]
        public async Task No_loud_read_can_be_written_before_CSharp_7_so_no_fix_is_offered()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    Task Run(IKubernetes client) { return client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(); }
                }
                """;
            var test = new Fix(source, source, Client.V21, Config.DaemonSet());
            test.SolutionTransforms.Add((solution, projectId) => solution.WithProjectParseOptions(projectId,
                ((CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!).WithLanguageVersion(LanguageVersion.CSharp6)));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }
    }
}
