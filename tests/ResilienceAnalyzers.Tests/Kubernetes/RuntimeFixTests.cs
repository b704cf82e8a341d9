using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Paginate = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1001UnboundedListAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1001PaginateFixer>;
using UseInformer = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1003PollingListAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1003UseInformerFixer>;
using ResumeWatch = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1004WatchWithoutResumeAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1004ResumeWatchFixer>;
using Backoff = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1005RetryWithoutBackoffAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1005BackoffFixer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// The fixes that move code onto the runtime (Resilience.Kubernetes): pager (RES1001), informer (RES1003),
    /// backoff (RES1005). The fixed code compiles against the real runtime assembly and the real client.
    /// </summary>
    public class RuntimeFixTests
    {
        /// <summary>The test with the real runtime assembly (Resilience.Kubernetes) referenced before and after the fix.</summary>
        internal static T WithRuntime<T>(T test)
            where T : Microsoft.CodeAnalysis.Testing.CodeFixTest<Microsoft.CodeAnalysis.Testing.DefaultVerifier>
        {
            test.TestState.AdditionalReferences.Add(References.ResilienceKubernetes);
            test.FixedState.AdditionalReferences.Add(References.ResilienceKubernetes);
            return test;
        }

        [Fact]
        public async Task RES1001_pages_through_the_list_and_keeps_the_result_type()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Inventory
                {
                    async Task<int> Count(IKubernetes client, CancellationToken ct)
                    {
                        V1PodList pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("team-a", labelSelector: "app=web", cancellationToken: ct);
                        return pods.Items.Count;
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Resilience.Kubernetes;

                class Inventory
                {
                    async Task<int> Count(IKubernetes client, CancellationToken ct)
                    {
                        V1PodList pods = await ListPager.ListAllAsync(ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: "team-a", labelSelector: "app=web", fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)), cancellationToken: ct);
                        return pods.Items.Count;
                    }
                }
                """;
            var test = WithRuntime(new Paginate(source, fixedSource));
            // Label-selected: a suggestion (the selector may narrow the result), still fixable.
            test.ExpectedDiagnostics.Add(Expect.Info(RES1001UnboundedListAnalyzer.Rule));
            await test.RunAsync();
        }

        [Theory]
        // Through its group property (typed by the interface) the fix compiles as it is.
        [InlineData("client.CoreV1.", "client.CoreV1.")]
        // Called directly: k8s.Kubernetes implements ICoreV1Operations explicitly, so client.ListNamespacedPodAsync(…)
        // binds to the group's extension while client.ListNamespacedPodWithHttpMessagesAsync(…) does not exist on the class
        // (the CS1061 of issue 12, found by the survey's fix run on Orleans' and Akka.Management's clients).
        [InlineData("client.", "((ICoreV1Operations)client).")]
        public async Task RES1001_on_the_concrete_Kubernetes_class(string call, string fixedCall)
        {
            // Real code often holds the concrete k8s.Kubernetes (issue 12).
            string source = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Inventory
                {
                    async Task<int> Count(Kubernetes client)
                    {
                        V1PodList pods = await CALL{|#0:ListNamespacedPodAsync|}("team-a", labelSelector: "app=web");
                        return pods.Items.Count;
                    }
                }
                """.Replace("CALL", call);
            string fixedSource = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Resilience.Kubernetes;

                class Inventory
                {
                    async Task<int> Count(Kubernetes client)
                    {
                        V1PodList pods = await ListPager.ListAllAsync(ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => CALLListNamespacedPodWithHttpMessagesAsync(namespaceParameter: "team-a", labelSelector: "app=web", fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                        return pods.Items.Count;
                    }
                }
                """.Replace("CALL", fixedCall);
            var test = WithRuntime(new Paginate(source, fixedSource));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1001UnboundedListAnalyzer.Rule));
            await test.RunAsync();
        }

        /// <summary>
        /// The runtime's types are named by their symbols (issue 12): where <c>using Resilience.Kubernetes;</c> would make the
        /// file's own <c>ListPager</c> (imported from another library) ambiguous, no <c>using</c> is added and the names are
        /// qualified; a <c>using</c> alias of the namespace does not stand in for the import.
        /// </summary>
        [Theory]
        [InlineData("using Lib;\n", "using Lib;\n", "Resilience.Kubernetes.ListPager.ListAllAsync(Resilience.Kubernetes.ListWatch.FromHttpOperation")]
        [InlineData("using K = Resilience.Kubernetes;\n", "using Resilience.Kubernetes;\nusing K = Resilience.Kubernetes;\n", "ListPager.ListAllAsync(ListWatch.FromHttpOperation")]
        public async Task RES1001_names_the_runtime_by_its_symbols(string usings, string fixedUsings, string fixedCall)
        {
            const string template = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                USINGS
                class Inventory
                {
                    private static readonly System.Type Mine = typeof(ListPager);

                    async Task<int> Count(IKubernetes client)
                    {
                        V1PodList pods = await CALL<V1Pod, V1PodList>((o, c) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: "team-a", labelSelector: "app=web", fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                        return pods.Items.Count;
                    }
                }
                """;
            string source = template
                .Replace("USINGS", usings, System.StringComparison.Ordinal)
                .Replace("CALL<V1Pod, V1PodList>((o, c) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: \"team-a\", labelSelector: \"app=web\", fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)))", "client.CoreV1.{|#0:ListNamespacedPodAsync|}(\"team-a\", labelSelector: \"app=web\")", System.StringComparison.Ordinal);
            string fixedSource = template.Replace("USINGS", fixedUsings, System.StringComparison.Ordinal).Replace("CALL", fixedCall, System.StringComparison.Ordinal);
            const string library = "namespace Lib { public sealed class ListPager { } }\n";
            if (!usings.Contains("Lib", System.StringComparison.Ordinal))
            {
                source = source.Replace("typeof(ListPager)", "typeof(int)", System.StringComparison.Ordinal);
                fixedSource = fixedSource.Replace("typeof(ListPager)", "typeof(int)", System.StringComparison.Ordinal);
            }

            var test = WithRuntime(new Paginate(source, fixedSource));
            test.TestState.Sources.Add(("/0/Lib.cs", library));
            test.FixedState.Sources.Add(("/0/Lib.cs", library));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1001UnboundedListAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1001_no_fix_without_the_runtime_or_for_sync_calls()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Inventory
                {
                    async Task Count(IKubernetes client)
                    {
                        await client.CoreV1.{|#0:ListNodeAsync|}();
                        client.CoreV1.{|#1:ListNode|}();
                    }
                }
                """;
            var noRuntime = new Paginate(source, source);
            noRuntime.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 0));
            noRuntime.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 1));
            await noRuntime.RunAsync();

            const string fixedSource = """
                using System.Threading.Tasks;
                using k8s;
                using Resilience.Kubernetes;

                class Inventory
                {
                    async Task Count(IKubernetes client)
                    {
                        await ListPager.ListAllAsync(ListWatch.FromHttpOperation<k8s.Models.V1Node, k8s.Models.V1NodeList>((o, c) => client.CoreV1.ListNodeWithHttpMessagesAsync(fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                        client.CoreV1.{|#1:ListNode|}();
                    }
                }
                """;
            var withRuntime = WithRuntime(new Paginate(source, fixedSource));
            withRuntime.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 0));
            withRuntime.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 1));
            withRuntime.FixedState.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 1));
            await withRuntime.RunAsync();
        }

        [Fact]
        public async Task RES1003_moves_polling_onto_informers_created_before_the_loop()
        {
            const string source = """
                using System;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    async Task Execute(IKubernetes client, string nodeName, CancellationToken stoppingToken)
                    {
                        // poll every 30 s
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            V1PodList pods = await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(fieldSelector: "spec.nodeName=" + nodeName, cancellationToken: stoppingToken);
                            var nodes = await client.CoreV1.{|#1:ListNodeAsync|}(cancellationToken: stoppingToken);
                            Console.WriteLine(pods.Items.Count + nodes.Items.Count());
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                        }
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
                    async Task Execute(IKubernetes client, string nodeName, CancellationToken stoppingToken)
                    {
                        using var podInformer = Informers.Create(ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(fieldSelector: "spec.nodeName=" + nodeName, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                        await podInformer.StartAsync(stoppingToken);
                        using var nodeInformer = Informers.Create(ListWatch.FromHttpOperation<V1Node, V1NodeList>((o, c) => client.CoreV1.ListNodeWithHttpMessagesAsync(fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                        await nodeInformer.StartAsync(stoppingToken);
                        // poll every 30 s
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            V1PodList pods = podInformer.List();
                            var nodes = nodeInformer.List();
                            Console.WriteLine(pods.Items.Count + nodes.Items.Count());
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                        }
                    }
                }
                """;
            var test = WithRuntime(new UseInformer(source, fixedSource));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 0).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1003_no_fix_when_the_call_uses_a_loop_local_or_the_method_is_not_async()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client, string[] teams, CancellationToken ct)
                    {
                        int i = 0;
                        while (!ct.IsCancellationRequested)
                        {
                            string ns = teams[i++ % teams.Length];
                            await client.CoreV1.{|#0:ListNamespacedPodAsync|}(ns, cancellationToken: ct);
                            await Task.Delay(1000, ct);
                        }
                    }

                    void Sync(IKubernetes client)
                    {
                        while (true)
                        {
                            client.CoreV1.{|#1:ListNode|}();
                            Thread.Sleep(1000);
                        }
                    }
                }
                """;
            var test = WithRuntime(new UseInformer(source, source));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1005_replaces_the_fixed_delay_with_backoff_and_adds_one_where_there_was_none()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Register(IKubernetes client, string node, CancellationToken ct)
                    {
                        while (true)
                        {
                            try
                            {
                                await client.CoreV1.{|#0:ReadNodeAsync|}(node, cancellationToken: ct);
                                return;
                            }
                            catch (Exception)
                            {
                                await Task.Delay(TimeSpan.FromSeconds(2), ct);
                            }
                        }
                    }

                    async Task Label(IKubernetes client, CancellationToken ct)
                    {
                        for (int attempt = 0; attempt < 5; attempt++)
                        {
                            try
                            {
                                await client.CoreV1.{|#1:ReadNamespaceAsync|}("default", cancellationToken: ct);
                                break;
                            }
                            catch (Exception)
                            {
                            }
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using Resilience.Kubernetes;

                class Agent
                {
                    async Task Register(IKubernetes client, string node, CancellationToken ct)
                    {
                        var backoff = new ExponentialBackoff();
                        while (true)
                        {
                            try
                            {
                                await client.CoreV1.ReadNodeAsync(node, cancellationToken: ct);
                                return;
                            }
                            catch (Exception)
                            {
                                await backoff.DelayAsync(cancellationToken: ct);
                            }
                        }
                    }

                    async Task Label(IKubernetes client, CancellationToken ct)
                    {
                        var backoff = new ExponentialBackoff();
                        for (int attempt = 0; attempt < 5; attempt++)
                        {
                            try
                            {
                                await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: ct);
                                break;
                            }
                            catch (Exception)
                            {
                                await backoff.DelayAsync(cancellationToken: ct);
                            }
                        }
                    }
                }
                """;
            var test = WithRuntime(new Backoff(source, fixedSource));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1005RetryWithoutBackoffAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1004_makes_the_watch_resume_and_keeps_the_loop_body_selectors_onError_and_token()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    async Task Execute(IKubernetes client, string nodeName, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await foreach (var (type, pod) in client.CoreV1.{|#0:WatchListPodForAllNamespacesAsync|}(fieldSelector: "spec.nodeName=" + nodeName, onError: e => Console.WriteLine(e.Message), cancellationToken: ct))
                            {
                                Console.WriteLine(type + " " + pod.Metadata.Name);
                            }
                        }
                    }

                    async Task<int> Once(IKubernetes client)
                    {
                        IAsyncEnumerable<(WatchEventType, V1Node)> nodes = client.CoreV1.{|#1:WatchListNodeAsync|}(labelSelector: "role=edge");
                        var count = 0;
                        await foreach (var e in nodes) { if (e.Item1 == WatchEventType.Added) count++; }
                        return count;
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Resilience.Kubernetes;

                class Agent
                {
                    async Task Execute(IKubernetes client, string nodeName, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await foreach (var (type, pod) in Informers.WatchEventsAsync(ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(fieldSelector: "spec.nodeName=" + nodeName, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)), onError: e => Console.WriteLine(e.Message), cancellationToken: ct))
                            {
                                Console.WriteLine(type + " " + pod.Metadata.Name);
                            }
                        }
                    }

                    async Task<int> Once(IKubernetes client)
                    {
                        IAsyncEnumerable<(WatchEventType, V1Node)> nodes = Informers.WatchEventsAsync(ListWatch.FromHttpOperation<V1Node, V1NodeList>((o, c) => client.CoreV1.ListNodeWithHttpMessagesAsync(labelSelector: "role=edge", fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                        var count = 0;
                        await foreach (var e in nodes) { if (e.Item1 == WatchEventType.Added) count++; }
                        return count;
                    }
                }
                """;
            var test = WithRuntime(new ResumeWatch(source, fixedSource));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1004WatchWithoutResumeAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1004_no_fix_without_the_runtime_nor_for_shapes_without_an_async_stream()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    async Task Run(IKubernetes client)
                    {
                        await foreach (var (type, pod) in client.CoreV1.{|#0:WatchListNamespacedPodAsync|}("default")) { Console.WriteLine(pod.Metadata.Name); }
                        var response = await client.CoreV1.{|#1:ListNamespacedPodWithHttpMessagesAsync|}("default", watch: true);
                        using var watcher = response.Watch<V1Pod, V1PodList>((type, pod) => Console.WriteLine(pod.Metadata.Name));
                    }
                }
                """;
            var noRuntime = new ResumeWatch(source, source);
            noRuntime.ExpectedDiagnostics.Add(Expect.Info(RES1004WatchWithoutResumeAnalyzer.Rule, 0));
            noRuntime.ExpectedDiagnostics.Add(Expect.Info(RES1004WatchWithoutResumeAnalyzer.Rule, 1));
            await noRuntime.RunAsync();

            const string fixedSource = """
                using System;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Resilience.Kubernetes;

                class Agent
                {
                    async Task Run(IKubernetes client)
                    {
                        await foreach (var (type, pod) in Informers.WatchEventsAsync(ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: "default", fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)))) { Console.WriteLine(pod.Metadata.Name); }
                        var response = await client.CoreV1.{|#1:ListNamespacedPodWithHttpMessagesAsync|}("default", watch: true);
                        using var watcher = response.Watch<V1Pod, V1PodList>((type, pod) => Console.WriteLine(pod.Metadata.Name));
                    }
                }
                """;
            var withRuntime = WithRuntime(new ResumeWatch(source, fixedSource));
            withRuntime.ExpectedDiagnostics.Add(Expect.Info(RES1004WatchWithoutResumeAnalyzer.Rule, 0));
            withRuntime.ExpectedDiagnostics.Add(Expect.Info(RES1004WatchWithoutResumeAnalyzer.Rule, 1));
            withRuntime.FixedState.ExpectedDiagnostics.Add(Expect.Info(RES1004WatchWithoutResumeAnalyzer.Rule, 1));
            await withRuntime.RunAsync();
        }

        [Fact]
        public async Task RES1001_static_extension_calls_page_through_the_operations_and_awaiting_arguments_get_no_fix()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Inventory
                {
                    async Task<string> Selector() { await Task.Yield(); return "app=web"; }

                    async Task Count(IKubernetes client)
                    {
                        await CoreV1OperationsExtensions.{|#0:ListNodeAsync|}(client.CoreV1);
                        await client.CoreV1.{|#1:ListNamespacedPodAsync|}("default", labelSelector: await Selector());
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading.Tasks;
                using k8s;
                using Resilience.Kubernetes;

                class Inventory
                {
                    async Task<string> Selector() { await Task.Yield(); return "app=web"; }

                    async Task Count(IKubernetes client)
                    {
                        await ListPager.ListAllAsync(ListWatch.FromHttpOperation<k8s.Models.V1Node, k8s.Models.V1NodeList>((o, c) => client.CoreV1.ListNodeWithHttpMessagesAsync(fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                        await client.CoreV1.{|#1:ListNamespacedPodAsync|}("default", labelSelector: await Selector());
                    }
                }
                """;
            var test = WithRuntime(new Paginate(source, fixedSource));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1001UnboundedListAnalyzer.Rule, 1));
            test.FixedState.ExpectedDiagnostics.Add(Expect.Info(RES1001UnboundedListAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1003_no_informer_where_its_StartAsync_could_not_be_awaited()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    readonly object gate = new object();

                    async Task Run(IKubernetes client, CancellationToken ct)
                    {
                        lock (gate)
                        {
                            while (!ct.IsCancellationRequested)
                            {
                                var nodes = client.CoreV1.{|#0:ListNode|}();
                                Console.WriteLine(nodes.Items.Count);
                                Thread.Sleep(30_000);
                            }
                        }

                        await Task.Yield();
                    }
                }
                """;
            var test = WithRuntime(new UseInformer(source, source));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0));
            await test.RunAsync();
        }
    }
}
