using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Analysis
{
    /// <summary>
    /// RES1003 and a LIST paged with limit/continue in a method that a caller repeats (fourth unseen set: a KubeOps requeue
    /// every 5 s above a paging loop). Every page, every period, is still a poll of the whole collection: reported once per
    /// paging loop, at the list call, with the chain. Paging alone, run once, stays silent.
    /// </summary>
    public class PagedListCallerTests
    {
        private const string Fetcher = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using k8s;
            using k8s.Models;

            interface IPodFetcher
            {
                Task<int> CountAsync(CancellationToken ct);
            }

            sealed class PagedFetcher : IPodFetcher
            {
                private readonly IKubernetes client;
                public PagedFetcher(IKubernetes client) => this.client = client;

                public async Task<int> CountAsync(CancellationToken ct)
                {
                    int count = 0;
                    string token = null;
                    do
                    {
                        var page = await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: 500, continueParameter: token, cancellationToken: ct);
                        count += page.Items.Count;
                        token = page.Metadata.ContinueProperty;
                    } while (!string.IsNullOrEmpty(token));

                    return count;
                }
            }

            sealed class FirstPageFetcher
            {
                private readonly IKubernetes client;
                public FirstPageFetcher(IKubernetes client) => this.client = client;

                public async Task<int> CountAsync(CancellationToken ct)
                {
                    var page = await client.CoreV1.{|#1:ListServiceForAllNamespacesAsync|}(limit: 500, cancellationToken: ct);
                    int count = page.Items.Count;
                    while (!string.IsNullOrEmpty(page.Metadata.ContinueProperty))
                    {
                        page = await client.CoreV1.ListServiceForAllNamespacesAsync(limit: 500, continueParameter: page.Metadata.ContinueProperty, cancellationToken: ct);
                        count += page.Items.Count;
                    }

                    return count;
                }
            }

            """;

        [Fact]
        public async Task A_paged_list_repeated_by_a_callers_loop_is_polling_reported_once_per_paging_loop()
        {
            // The loop in the worker repeats both fetchers every 30 s. The first-page-then-loop fetcher is one report, at
            // the first page's call, not one more for the call inside its paging loop.
            const string source = Fetcher + """
                sealed class Worker
                {
                    private readonly IPodFetcher pods;
                    private readonly FirstPageFetcher services;
                    public Worker(IPodFetcher pods, FirstPageFetcher services) { this.pods = pods; this.services = services; }

                    public async Task ExecuteAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await pods.{|#2:CountAsync|}(ct);
                            await services.{|#3:CountAsync|}(ct);
                            await Task.Delay(TimeSpan.FromSeconds(30), ct);
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Message(RES1003PollingListAnalyzer.CallerRule,
                "ListPodForAllNamespacesAsync lists pods in all namespaces every 30 s (a while loop: Worker.ExecuteAsync (Test0.cs:60) → PagedFetcher.CountAsync) from one copy: "
                + "0.033 LIST/s making the API server process 1,000 pods/s (~14 MB/s) from etcd, at 1,000 nodes × 30 pods per node; "
                + "use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)", 0).WithLocation(2));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.CallerRule, 1).WithLocation(3));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_paged_list_run_once_at_start_up_or_paged_by_its_caller_is_silent()
        {
            // The same fetchers called once from start-up; and a one-page helper whose continue token is its caller's,
            // whose loop pages (it is not a poll).
            const string source = Fetcher + """
                sealed class Startup
                {
                    private readonly IPodFetcher pods;
                    private readonly FirstPageFetcher services;
                    private readonly IKubernetes client;
                    public Startup(IPodFetcher pods, FirstPageFetcher services, IKubernetes client) { this.pods = pods; this.services = services; this.client = client; }

                    public async Task StartAsync(CancellationToken ct)
                    {
                        await pods.CountAsync(ct);
                        await services.CountAsync(ct);
                        string token = null;
                        do
                        {
                            var page = await PageAsync(token, ct);
                            token = page.Metadata.ContinueProperty;
                        } while (!string.IsNullOrEmpty(token));
                    }

                    private Task<V1NodeList> PageAsync(string token, CancellationToken ct)
                        => client.CoreV1.ListNodeAsync(limit: 100, continueParameter: token, cancellationToken: ct);
                }
                """;
            await new AnalyzerTest<RES1003PollingListAnalyzer>(source).RunAsync();
        }

        [Fact]
        public async Task A_paged_list_in_its_own_delayed_loop_is_reported_once_at_its_period()
        {
            // while (true) { page through; await Task.Delay }: the rule's own loop, one report; a caller repeating the
            // method as well adds no second one.
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                sealed class Poller
                {
                    private readonly IKubernetes client;
                    public Poller(IKubernetes client) => this.client = client;

                    public async Task RunAsync(CancellationToken ct)
                    {
                        while (true)
                        {
                            string token = null;
                            do
                            {
                                var page = await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: 500, continueParameter: token, cancellationToken: ct);
                                token = page.Metadata.ContinueProperty;
                            } while (!string.IsNullOrEmpty(token));

                            await Task.Delay(TimeSpan.FromSeconds(10), ct);
                        }
                    }

                    public async Task LoopAsync(CancellationToken ct)
                    {
                        while (true)
                        {
                            await RunAsync(ct);
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0));
            await test.RunAsync();
        }
    }
}
