using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// A constant <c>""</c> for a namespaced operation's namespace: the client builds <c>…/namespaces//{plural}</c>, which the
    /// API server serves as every namespace (fourth unseen set: a custom-object watch with namespace ""). Messages, cost and
    /// severity read all namespaces; a named namespace stays one.
    /// </summary>
    public class EmptyNamespaceTests
    {
        [Fact]
        public async Task A_custom_object_watch_in_the_empty_namespace_watches_all_namespaces()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await foreach (var (type, item) in client.CustomObjects.{|#0:WatchListNamespacedCustomObjectAsync|}("example.com", "v1", "", "widgets", cancellationToken: ct))
                            {
                            }

                            await foreach (var (type, item) in client.CustomObjects.{|#1:WatchListNamespacedCustomObjectAsync|}("example.com", "v1", "default", "gadgets", cancellationToken: ct))
                            {
                            }
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1004WatchWithoutResumeAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 0).WithMessage(
                "WatchListNamespacedCustomObjectAsync watches widgets in all namespaces without a resourceVersion and is restarted by a while loop with no delay between restarts: "
                + "every start replays every object of widgets in all namespaces (count unknown: custom resources number whatever their users create) as ADDED events, at 1,000 nodes × 30 pods per node; "
                + "resume from the last resourceVersion seen (list, then watch from the list's resourceVersion with allowWatchBookmarks), relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 1).WithMessage(
                "WatchListNamespacedCustomObjectAsync watches gadgets in the namespace without a resourceVersion and is restarted by a while loop with no delay between restarts: "
                + "every start replays every object of gadgets in the namespace (count unknown: custom resources number whatever their users create) as ADDED events, at 1,000 nodes × 30 pods per node; "
                + "resume from the last resourceVersion seen (list, then watch from the list's resourceVersion with allowWatchBookmarks), relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_list_polled_in_the_empty_namespace_costs_all_namespaces()
        {
            // One copy polling one namespace is the rule's suggestion; the empty namespace is every namespace: the warning,
            // priced at every pod of the cluster.
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Poller
                {
                    private const string AllNamespaces = "";

                    async Task Run(IKubernetes client, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await client.CoreV1.{|#0:ListNamespacedPodAsync|}(AllNamespaces, cancellationToken: ct);
                            await client.CoreV1.{|#1:ListNamespacedServiceAsync|}(string.Empty, cancellationToken: ct);
                            await client.CoreV1.{|#2:ListNamespacedEndpointsAsync|}("default", cancellationToken: ct);
                            await Task.Delay(TimeSpan.FromSeconds(30), ct);
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0).WithMessage(
                "ListNamespacedPodAsync lists pods in all namespaces every 30 s (a while loop) from one copy: 0.033 LIST/s making the API server process 1,000 pods/s (~14 MB/s) from etcd, at 1,000 nodes × 30 pods per node; "
                + "use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 1));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 2));
            await test.RunAsync();
        }
    }
}
