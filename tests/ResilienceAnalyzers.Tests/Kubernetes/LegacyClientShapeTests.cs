using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// The pre-10.x shape: operations directly on <c>IKubernetes</c> and its <c>KubernetesExtensions</c>, as much
    /// real code still calls them. No package of that line is served by the registry here (it has 19.0.2 and
    /// 21.0.8), so the test declares the exact signatures of a named real version instead: KubernetesClient 1.3,
    /// kubernetes-client/csharp commit df338160 (2018-10-03, "run generate script for k8s 1.12"),
    /// src/KubernetesClient/generated/IKubernetes.cs and KubernetesExtensions.cs. Bodies are omitted; the
    /// analyzers only see signatures. Note that 1.3's extension methods take <c>watch</c> too.
    /// </summary>
    public class LegacyClientShapeTests
    {
        private const string Declarations = """

            namespace Microsoft.Rest
            {
                public class HttpOperationResponse<T> { public T Body { get; set; } }
            }

            namespace k8s.Models
            {
                public class V1PodList { }
                public class V1NodeList { }
            }

            namespace k8s
            {
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s.Models;
                using Microsoft.Rest;

                public partial interface IKubernetes
                {
                    Task<HttpOperationResponse<V1PodList>> ListNamespacedPodWithHttpMessagesAsync(string namespaceParameter, string continueParameter = default(string), string fieldSelector = default(string), bool? includeUninitialized = default(bool?), string labelSelector = default(string), int? limit = default(int?), string resourceVersion = default(string), int? timeoutSeconds = default(int?), bool? watch = default(bool?), string pretty = default(string), Dictionary<string, List<string>> customHeaders = null, CancellationToken cancellationToken = default(CancellationToken));
                    Task<HttpOperationResponse<V1PodList>> ListPodForAllNamespacesWithHttpMessagesAsync(string continueParameter = default(string), string fieldSelector = default(string), bool? includeUninitialized = default(bool?), string labelSelector = default(string), int? limit = default(int?), string pretty = default(string), string resourceVersion = default(string), int? timeoutSeconds = default(int?), bool? watch = default(bool?), Dictionary<string, List<string>> customHeaders = null, CancellationToken cancellationToken = default(CancellationToken));
                }

                public static partial class KubernetesExtensions
                {
                    public static Task<V1PodList> ListNamespacedPodAsync(this IKubernetes operations, string namespaceParameter, string continueParameter = default(string), string fieldSelector = default(string), bool? includeUninitialized = default(bool?), string labelSelector = default(string), int? limit = default(int?), string resourceVersion = default(string), int? timeoutSeconds = default(int?), bool? watch = default(bool?), string pretty = default(string), CancellationToken cancellationToken = default(CancellationToken)) => throw null;
                    public static V1PodList ListPodForAllNamespaces(this IKubernetes operations, string continueParameter = default(string), string fieldSelector = default(string), bool? includeUninitialized = default(bool?), string labelSelector = default(string), int? limit = default(int?), string pretty = default(string), string resourceVersion = default(string), int? timeoutSeconds = default(int?), bool? watch = default(bool?)) => throw null;
                    public static Task<V1PodList> ListPodForAllNamespacesAsync(this IKubernetes operations, string continueParameter = default(string), string fieldSelector = default(string), bool? includeUninitialized = default(bool?), string labelSelector = default(string), int? limit = default(int?), string pretty = default(string), string resourceVersion = default(string), int? timeoutSeconds = default(int?), bool? watch = default(bool?), CancellationToken cancellationToken = default(CancellationToken)) => throw null;
                    public static Task<V1NodeList> ListNodeAsync(this IKubernetes operations, string continueParameter = default(string), string fieldSelector = default(string), bool? includeUninitialized = default(bool?), string labelSelector = default(string), int? limit = default(int?), string resourceVersion = default(string), int? timeoutSeconds = default(int?), bool? watch = default(bool?), string pretty = default(string), CancellationToken cancellationToken = default(CancellationToken)) => throw null;
                }
            }
            """;

        /// <summary>
        /// Bound: against the 1.3 declarations above. Unbound: the same code against KubernetesClient 21.0.8, where these
        /// operations are no longer on <c>IKubernetes</c> (CS1061) — as a project written for an old client reads after an
        /// upgrade, or in the IDE before restore; the rules read the calls from their names and named arguments.
        /// </summary>
        private static AnalyzerTest<T> Test<T>(bool bound, string source, params (string, string)[] config)
            where T : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
        {
            if (!bound)
            {
                return new AnalyzerTest<T>(source, Client.V21, config) { CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None };
            }

            var test = new AnalyzerTest<T>(source, Client.None, config);
            test.TestState.Sources.Add(("/0/Kubernetes13.cs", Declarations));
            return test;
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task Cluster_wide_lists_on_IKubernetes_are_flagged_in_every_form(bool bound)
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client)
                    {
                        await client.{|#0:ListPodForAllNamespacesAsync|}();
                        client.{|#1:ListPodForAllNamespaces|}();
                        await client.{|#2:ListPodForAllNamespacesWithHttpMessagesAsync|}();
                        await client.{|#3:ListNodeAsync|}();
                        await client.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=node-1");
                        await client.ListNamespacedPodAsync("default", labelSelector: "app=agent");
                    }
                }
                """;
            var test = Test<RES1002ClusterWideAccessAnalyzer>(bound, source, Config.DaemonSet());
            for (int i = 0; i < 4; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, i));
            }

            await test.RunAsync();
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task Unpaginated_lists_on_IKubernetes_are_flagged_and_paginated_ones_are_not(bool bound)
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Inventory
                {
                    async Task Run(IKubernetes client)
                    {
                        await client.{|#0:ListPodForAllNamespacesAsync|}();
                        await client.{|#1:ListNamespacedPodWithHttpMessagesAsync|}("default", limit: 0);
                        await client.ListPodForAllNamespacesAsync(limit: 500);
                        await client.ListPodForAllNamespacesAsync(resourceVersion: "0");
                    }
                }
                """;
            var test = Test<RES1001UnboundedListAnalyzer>(bound, source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task Watches_through_watch_true_on_either_form_are_watches(bool bound)
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client, string version)
                    {
                        while (true)
                        {
                            await client.{|#0:ListNamespacedPodWithHttpMessagesAsync|}("default", watch: true);
                            await client.{|#1:ListPodForAllNamespacesAsync|}(watch: true);
                            await client.ListNamespacedPodWithHttpMessagesAsync("default", watch: true, resourceVersion: version);
                        }
                    }
                }
                """;
            var test = Test<RES1004WatchWithoutResumeAnalyzer>(bound, source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_node_selector_fix_works_on_the_old_shape()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    string nodeName = "";

                    Task Run(IKubernetes client) => client.{|#0:ListPodForAllNamespacesAsync|}(labelSelector: "app=web");
                }
                """;
            const string fixedSource = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    string nodeName = "";

                    Task Run(IKubernetes client) => client.ListPodForAllNamespacesAsync(labelSelector: "app=web", fieldSelector: "spec.nodeName=" + nodeName);
                }
                """;
            var test = new FixTest<RES1002ClusterWideAccessAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1002ScopeToNodeFixer>(source, fixedSource, Client.None, Config.DaemonSet());
            test.TestState.Sources.Add(("/0/Kubernetes13.cs", Declarations));
            test.FixedState.Sources.Add(("/0/Kubernetes13.cs", Declarations));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await test.RunAsync();
        }
    }
}
