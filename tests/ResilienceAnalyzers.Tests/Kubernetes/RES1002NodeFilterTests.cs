using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Fix = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1002ScopeToNodeFixer>;
using Verify = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// RES1002 for per-node code that reads a namespace's pods and keeps its own node's on the client — the survey's
    /// Sharplet case (docs/survey.md): every node pays for every pod of the namespace, where the API server would
    /// answer <c>spec.nodeName=</c> from its index. Fixed by moving the compared node name into the field selector.
    /// </summary>
    public class RES1002NodeFilterTests
    {
        private static readonly (string, string) DaemonSet = Config.DaemonSet(nodes: 1000);

        [Fact]
        public async Task A_namespace_watch_filtered_by_node_in_the_loop_is_flagged_and_scoped()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class EventWatcher
                {
                    readonly string nodeName = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";

                    async Task Run(IKubernetes client, CancellationToken ct)
                    {
                        await foreach (var (type, pod) in client.CoreV1.{|#0:WatchListNamespacedPodAsync|}("default", resourceVersion: "1", cancellationToken: ct))
                        {
                            if (pod.Spec.NodeName != nodeName)
                            {
                                continue;
                            }

                            Console.WriteLine(type + " " + pod.Metadata.Name);
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class EventWatcher
                {
                    readonly string nodeName = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";

                    async Task Run(IKubernetes client, CancellationToken ct)
                    {
                        await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync("default", resourceVersion: "1", cancellationToken: ct, fieldSelector: "spec.nodeName=" + nodeName))
                        {
                            if (pod.Spec.NodeName != nodeName)
                            {
                                continue;
                            }

                            Console.WriteLine(type + " " + pod.Metadata.Name);
                        }
                    }
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, DaemonSet);
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1002ClusterWideAccessAnalyzer.Rule,
                "This code runs on every node (1,000 copies; <ResilienceWorkload> = DaemonSet) and watches every pod in the namespace instead of its own: "
                + "each copy's watch starts from 600 pods (~8.4 MB as JSON) and then receives every change to them, to use the ones on this node, which it picks out itself (Spec.NodeName); "
                + "600,000 pods (~8.4 GB as JSON) for one round of 1,000 copies, at 1,000 nodes × 30 pods per node; "
                + "let the API server filter: add fieldSelector: \"spec.nodeName=\" + the node name it compares with")
                .WithLocation(14, 38));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_namespace_list_searched_or_looped_by_node_is_flagged_and_scoped_with_the_compared_name()
        {
            const string source = """
                using System;
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;

                class Collector
                {
                    async Task<int> Count(IKubernetes client, string node)
                    {
                        var pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("apps", limit: 500);
                        return pods.Items.Count(p => p.Spec.NodeName == node);
                    }

                    async Task Send(IKubernetes client)
                    {
                        string me = Environment.GetEnvironmentVariable("NODE_NAME")!;
                        var pods = await client.CoreV1.{|#1:ListNamespacedPodAsync|}("apps", limit: 500);
                        foreach (var pod in pods.Items)
                        {
                            if (pod.Spec?.NodeName != me) continue;
                            Console.WriteLine(pod.Metadata.Name);
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;

                class Collector
                {
                    async Task<int> Count(IKubernetes client, string node)
                    {
                        var pods = await client.CoreV1.ListNamespacedPodAsync("apps", limit: 500, fieldSelector: "spec.nodeName=" + node);
                        return pods.Items.Count(p => p.Spec.NodeName == node);
                    }

                    async Task Send(IKubernetes client)
                    {
                        string me = Environment.GetEnvironmentVariable("NODE_NAME")!;
                        var pods = await client.CoreV1.ListNamespacedPodAsync("apps", limit: 500, fieldSelector: "spec.nodeName=" + me);
                        foreach (var pod in pods.Items)
                        {
                            if (pod.Spec?.NodeName != me) continue;
                            Console.WriteLine(pod.Metadata.Name);
                        }
                    }
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, DaemonSet);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(11, 57));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 1).WithLocation(20, 39));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_watch_read_through_callbacks_and_filtered_by_node_is_flagged_and_scoped()
        {
            // The survey's Sharplet shape: the response of a watch=true call held in a local, read with .Watch(…), and
            // the sync group method with an onEvent callback.
            const string source = """
                #pragma warning disable CS0618
                using System;
                using k8s;
                using k8s.Models;

                class Config { public string NodeName { get; set; } = ""; }

                class EventWatcher
                {
                    readonly Config config = new Config();

                    void Run(IKubernetes client)
                    {
                        var listTask = client.CoreV1.{|#0:ListNamespacedPodWithHttpMessagesAsync|}("default", resourceVersion: "7", watch: true);
                        listTask.Watch<V1Pod, V1PodList>(async (type, item) =>
                        {
                            if (item.Spec.NodeName != config.NodeName) return;
                            await System.Threading.Tasks.Task.Yield();
                        });

                        client.CoreV1.{|#1:WatchListNamespacedPod|}("default", resourceVersion: "7", onEvent: (type, pod) =>
                        {
                            if (pod.Spec.NodeName == config.NodeName) Console.WriteLine(pod.Metadata.Name);
                        });
                    }
                }
                """;
            const string fixedSource = """
                #pragma warning disable CS0618
                using System;
                using k8s;
                using k8s.Models;

                class Config { public string NodeName { get; set; } = ""; }

                class EventWatcher
                {
                    readonly Config config = new Config();

                    void Run(IKubernetes client)
                    {
                        var listTask = client.CoreV1.ListNamespacedPodWithHttpMessagesAsync("default", resourceVersion: "7", watch: true, fieldSelector: "spec.nodeName=" + config.NodeName);
                        listTask.Watch<V1Pod, V1PodList>(async (type, item) =>
                        {
                            if (item.Spec.NodeName != config.NodeName) return;
                            await System.Threading.Tasks.Task.Yield();
                        });

                        client.CoreV1.WatchListNamespacedPod("default", resourceVersion: "7", onEvent: (type, pod) =>
                        {
                            if (pod.Spec.NodeName == config.NodeName) Console.WriteLine(pod.Metadata.Name);
                        }, fieldSelector: "spec.nodeName=" + config.NodeName);
                    }
                }
                """;
            var test = new Fix(source, fixedSource, Client.V21, DaemonSet);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(17, 39));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 1).WithLocation(23, 38));
            await test.RunAsync();
        }

        [Fact]
        public async Task Silent_where_the_filter_cannot_move_to_the_server_or_the_code_is_not_per_node()
        {
            const string source = """
                using System;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Watcher
                {
                    string nodeName = "";

                    async Task Run(IKubernetes client, CancellationToken ct)
                    {
                        // The value compared with is computed per event: nothing to move before the call.
                        await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync("default", labelSelector: "app=web", resourceVersion: "1", cancellationToken: ct))
                        {
                            string wanted = pod.Metadata.Labels?["pinned-node"] ?? "";
                            if (pod.Spec.NodeName != wanted) continue;
                        }

                        // Already node-scoped by the server.
                        var mine = await client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "spec.nodeName=" + nodeName, limit: 100);
                        Console.WriteLine(mine.Items.Count(p => p.Spec.NodeName == nodeName));

                        // Compares two fields of the same pod.
                        var all = await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=web", limit: 100);
                        Console.WriteLine(all.Items.Count(p => p.Spec.NodeName == p.Status.NominatedNodeName));

                        // Not a pod.
                        var services = await client.CoreV1.ListNamespacedServiceAsync("default", limit: 100);
                        Console.WriteLine(services.Items.Count(s => s.Spec.ClusterIP == nodeName));
                    }
                }
                """;
            await new Verify(source, Client.V21, DaemonSet).RunAsync();

            // The same filter in a Deployment's replicas is not per-node code: no diagnostic.
            const string replicated = """
                using System.Linq;
                using System.Threading.Tasks;
                using k8s;

                class Collector
                {
                    async Task<int> Count(IKubernetes client, string node)
                    {
                        var pods = await client.CoreV1.ListNamespacedPodAsync("apps", limit: 500);
                        return pods.Items.Count(p => p.Spec.NodeName == node);
                    }
                }
                """;
            await new Verify(replicated, Client.V21, Config.MsBuild("build_property.ResilienceReplicas = 3")).RunAsync();
        }
    
        [Fact]
        public async Task A_namespace_pod_list_with_nothing_to_narrow_it_is_flagged_without_a_fix()
        {
            // The survey's Sharplet status tracker: each per-node copy lists every pod of the namespace (no node, label or
            // field selector, no filter on the client) and works on all of them. Whether it needs them all is intent the
            // analyzer cannot read, so the message gives both remedies and no fix is offered.
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class StatusTracker
                {
                    async Task Run(IKubernetes client, CancellationToken ct)
                    {
                        using var timer = new PeriodicTimer(System.TimeSpan.FromSeconds(30));
                        while (await timer.WaitForNextTickAsync(ct))
                        {
                            var pods = await client.CoreV1.{|#0:ListNamespacedPodWithHttpMessagesAsync|}("default", limit: 500, cancellationToken: ct);
                        }
                    }
                }
                """;
            var test = new Fix(source, source, Client.V21, DaemonSet);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithMessage(
                "This code runs on every node (1,000 copies; <ResilienceWorkload> = DaemonSet) and lists every pod in the namespace instead of its own: each call makes the API server process 600 pods (~8.4 MB as JSON) from etcd "
                + "to return every node's pods, where each copy usually needs its own node's 30; 600,000 pods (~8.4 GB as JSON) for one round of 1,000 copies, at 1,000 nodes × 30 pods per node; "
                + "if this copy needs only its node's pods, add fieldSelector: \"spec.nodeName=\" + the node name (set in the pod spec from the downward API: env: [{name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]); if it needs them all, share one informer per process rather than a list per call"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_watch_whose_Watch_call_does_not_bind_is_still_read_for_its_node_filter()
        {
            // Sharplet's EventWatcher: the response's .Watch<V1Pod, V1PodList>(…) with an async lambda that returns a value
            // where an Action is expected does not bind (CS1643 inside the lambda), so its callback is a child of an
            // invalid operation; the node filter in it is read all the same.
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class EventWatcher
                {
                    string nodeName = "";

                    Task<int> HandleAsync(V1Pod pod) => Task.FromResult(1);

                    public void WatchEventStream(IKubernetes client)
                    {
                        var listTask = client.CoreV1.{|#0:ListNamespacedPodWithHttpMessagesAsync|}("default", watch: true, resourceVersion: "1");
                        listTask.Watch<V1Pod, V1PodList>(async (type, item) =>
                        {
                            if (item.Spec.NodeName != {|#1:nodeName|}) return 0;
                            return await HandleAsync(item);
                        });
                    }
                }
                """;
            var test = new Verify(source, Client.V21, DaemonSet) { CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None };
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(1));
            await test.RunAsync();
        }
}
}
