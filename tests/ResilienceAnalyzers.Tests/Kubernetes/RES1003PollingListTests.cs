using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Verify = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1003PollingListAnalyzer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>RES1003: LIST repeated in a loop or timer.</summary>
    public class RES1003PollingListTests
    {
        [Fact]
        public async Task Hosted_service_loop_with_a_delay_states_the_rate()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Execute(IKubernetes client, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var pods = await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(cancellationToken: ct);
                            await Task.Delay(TimeSpan.FromSeconds(30), ct);
                        }
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1003PollingListAnalyzer.Rule,
                "ListPodForAllNamespacesAsync lists pods in all namespaces every 30 s (a while loop) from 5,000 copies (<ResilienceWorkload> = DaemonSet): "
                + "167 LIST/s making the API server process 25 M pods/s (~350 GB/s) from etcd, at 5,000 nodes × 30 pods per node; "
                + "use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        /// <summary>
        /// A worker loop with no wait of its own whose pass starts by waiting (SlimFaas' job workers, the third unseen survey
        /// set): the callee's wait is the period. A wait only in the callee's catch (a backoff on failure) is not.
        /// </summary>
        [Theory]
        [InlineData("await Task.Delay(1000);", "every 1 s (a while loop: Worker.RunAsync (Test0.cs:14) → Worker.DoOneCycle) from 5,000 copies (<ResilienceWorkload> = DaemonSet): 5,000 LIST/s making the API server process every job in the namespace (count unknown: the scalability thresholds leave it TBD) each time from etcd")]
        [InlineData("await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);", "every 2 s (a while loop: Worker.RunAsync (Test0.cs:14) → Worker.DoOneCycle) from 5,000 copies (<ResilienceWorkload> = DaemonSet): 2,500 LIST/s making the API server process every job in the namespace (count unknown: the scalability thresholds leave it TBD) each time from etcd")]
        [InlineData("try { } catch (Exception) { await Task.Delay(1000); }", "on every pass of a while loop (Worker.RunAsync (Test0.cs:14) → Worker.DoOneCycle) from 5,000 copies (<ResilienceWorkload> = DaemonSet): every job in the namespace (count unknown: the scalability thresholds leave it TBD) processed per pass by each of 5,000 copies, with no delay between passes")]
        public async Task The_wait_a_pass_starts_with_in_a_called_method_is_the_period(string wait, string expected)
        {
            expected = "ListNamespacedJobAsync lists jobs in the namespace " + expected + ", at 5,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)";
            string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Worker
                {
                    private readonly IKubernetes client = null!;

                    public async Task RunAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await {|#1:DoOneCycle|}(ct);
                        }
                    }

                    private async Task DoOneCycle(CancellationToken ct)
                    {
                        WAIT
                        await client.BatchV1.{|#0:ListNamespacedJobAsync|}("functions", limit: 100, cancellationToken: ct);
                    }
                }
                """.Replace("WAIT", wait);
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Message(RES1003PollingListAnalyzer.Rule, expected).WithLocation(1));
            await test.RunAsync();
        }

        /// <summary>
        /// A start-up loop that waits until what it lists shows what it waits for (SlimFaas, third unseen survey set: until its
        /// own pod is listed) ends there: a wait, not a poll for the program's life (a retry, RES1005's, when the list's
        /// failure is answered with "not yet"). Twins, warned: the same list under a shutdown check, a running flag read
        /// through Volatile, and a wait handle's timed WaitOne (a period). A paging loop asks about its continue token with no
        /// wait between pages (YARP's informer, first survey): its own loop, not a wait, so a caller's repetition still
        /// counts — and here, with the token never changing, it repeats the list at once.
        /// </summary>
        [Theory]
        [InlineData("pods.Items.Any(p => p.Metadata.Name == self) == false", false)]
        [InlineData("pods.Items.Count(p => p.Status.PodIP != null) < 2", false)]
        [InlineData("!ct.IsCancellationRequested", true)]
        [InlineData("Volatile.Read(ref running)", true)]
        [InlineData("!stop.WaitOne(1000)", true)]
        [InlineData("!string.IsNullOrEmpty(pods.Metadata.ContinueProperty)", true, "")]
        public async Task A_loop_that_waits_for_what_it_lists_to_hold_is_not_polling(string condition, bool polls, string wait = "await Task.Delay(1000);")
        {
            string source = """
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Startup
                {
                    private bool running = true;
                    private readonly ManualResetEvent stop = new ManualResetEvent(false);

                    public async Task WaitAsync(IKubernetes client, string self, CancellationToken ct)
                    {
                        var pods = await client.CoreV1.ListNamespacedPodAsync("apps", labelSelector: "app=gateway");
                        while (CONDITION)
                        {
                            WAIT
                            pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("apps", labelSelector: "app=gateway");
                        }
                    }
                }
                """.Replace("CONDITION", condition).Replace("WAIT", wait);
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            if (polls)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task Timers_and_PeriodicTimer_loops_are_polling()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    Timer? timer;

                    void Start(IKubernetes client)
                    {
                        timer = new Timer(_ => client.CoreV1.{|#0:ListNode|}(), null, TimeSpan.Zero, TimeSpan.FromMinutes(1));
                        var t = new System.Timers.Timer(10_000);
                        t.Elapsed += (s, e) => client.CoreV1.{|#1:ListNamespacedService|}("default");
                    }

                    async Task Loop(IKubernetes client, CancellationToken ct)
                    {
                        using var periodic = new PeriodicTimer(TimeSpan.FromSeconds(10));
                        while (await periodic.WaitForNextTickAsync(ct))
                        {
                            await client.CoreV1.{|#2:ListNamespacedPodAsync|}("default", cancellationToken: ct);
                        }

                        for (;;)
                        {
                            client.CoreV1.{|#3:ListNamespacedConfigMap|}("default");
                            Thread.Sleep(5000);
                        }
                    }
                }
                """;
            var test = new Verify(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0));
            // No constant period for the Elapsed handler: priced per pass, a warning.
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 1));
            // The PeriodicTimer's 10 s period is read from its creation: one copy, one namespace, a suggestion.
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 2));
            // One copy polling one namespace every 5 s: a smell, not a warning.
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 3));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_delay_held_in_a_read_only_field_is_read_from_its_initializer()
        {
            // OctopusTentacle's event monitor (unseen survey set): the loop waits a readonly field set to 10 min; read as
            // "no constant delay", the one-copy namespace poll was a warning. A field a constructor assigns is not read.
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class EventMonitor
                {
                    readonly TimeSpan taskInterval = TimeSpan.FromMinutes(10);
                    readonly TimeSpan configured = TimeSpan.FromMinutes(10);

                    public EventMonitor(TimeSpan interval) => configured = interval;

                    async Task Run(IKubernetes client, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await client.CoreV1.{|#0:ListNamespacedEventAsync|}("octopus", cancellationToken: ct);
                            await Task.Delay(taskInterval, ct);
                        }
                    }

                    async Task RunConfigured(IKubernetes client, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await client.CoreV1.{|#1:ListNamespacedEventAsync|}("octopus", cancellationToken: ct);
                            await Task.Delay(configured, ct);
                        }
                    }
                }
                """;
            var test = new Verify(source);
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1003PollingListAnalyzer.Rule,
                "ListNamespacedEventAsync lists events in the namespace every 10 min (a while loop) from one copy: 0.002 LIST/s making the API server process every event in the namespace (count unknown: events of the last hour are kept: --event-ttl 1 h) each time from etcd, "
                + "at 1,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Info));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_loop_that_lists_then_watches_until_the_watch_ends_is_not_polling()
        {
            // OctopusTentacle's pod monitor (unseen survey set): list, then watch from the list's resourceVersion until the
            // watch ends, in a loop — an informer's list-then-watch, relisting only when the watch ends. Twice: the watch in
            // a method of the same type, and behind a source interface (its implementation elsewhere). The twin that
            // sleeps instead of watching is polling.
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                public interface IPodService
                {
                    Task<V1PodList> ListAllPods(CancellationToken ct);
                    Task WatchAllPods(string resourceVersion, CancellationToken ct);
                }

                class PodService : IPodService
                {
                    private readonly IKubernetes client;
                    public PodService(IKubernetes client) => this.client = client;

                    public Task<V1PodList> ListAllPods(CancellationToken ct) => client.CoreV1.{|#0:ListNamespacedPodAsync|}("agents", cancellationToken: ct);

                    public async Task WatchAllPods(string resourceVersion, CancellationToken ct)
                    {
                        await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync("agents", resourceVersion: resourceVersion, cancellationToken: ct))
                        {
                        }
                    }
                }

                class PodMonitor
                {
                    private readonly IPodService pods;
                    private readonly IKubernetes client;

                    public PodMonitor(IPodService pods, IKubernetes client) { this.pods = pods; this.client = client; }

                    public async Task UpdateLoop(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var list = await pods.ListAllPods(ct);
                            await pods.WatchAllPods(list.Metadata.ResourceVersion, ct);
                        }
                    }

                    public async Task SameTypeLoop(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var list = await client.CoreV1.ListNamespacedPodAsync("agents", cancellationToken: ct);
                            await Watch(list.Metadata.ResourceVersion, ct);
                        }
                    }

                    public async Task SleepingLoop(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var list = await client.CoreV1.{|#1:ListNamespacedPodAsync|}("agents", cancellationToken: ct);
                            await Task.Delay(TimeSpan.FromSeconds(5), ct);
                        }
                    }

                    private async Task Watch(string resourceVersion, CancellationToken ct)
                    {
                        await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync("agents", resourceVersion: resourceVersion, cancellationToken: ct))
                        {
                        }
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_clients_metrics_helpers_are_lists_of_one_object_per_pod_or_node()
        {
            // IncludeDamon (unseen survey set) polls GetKubernetesPodsMetricsByNamespaceAsync every second: a LIST of
            // metrics.k8s.io PodMetrics, one per pod of the namespace, that the rules did not know.
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class MetricsWatcher
                {
                    async Task Run(IKubernetes client, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var pods = await client.{|#0:GetKubernetesPodsMetricsByNamespaceAsync|}("apps");
                            var nodes = await client.{|#1:GetKubernetesNodesMetricsAsync|}();
                            await Task.Delay(TimeSpan.FromSeconds(1), ct);
                        }
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1003PollingListAnalyzer.Rule,
                "GetKubernetesPodsMetricsByNamespaceAsync lists pod metrics in the namespace every 1 s (a while loop) from 5,000 copies (<ResilienceWorkload> = DaemonSet): "
                + "5,000 LIST/s making the API server process 15 M pod metrics/s from metrics-server through the API server's aggregation layer, at 5,000 nodes × 30 pods per node; "
                + "metrics.k8s.io cannot be watched: poll less often and from one copy, or in per-node code read this node's kubelet Summary API (/stats/summary) instead"));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1003PollingListAnalyzer.Rule,
                "GetKubernetesNodesMetricsAsync lists node metrics in the cluster every 1 s (a while loop) from 5,000 copies (<ResilienceWorkload> = DaemonSet): "
                + "5,000 LIST/s making the API server process 25 M node metrics/s from metrics-server through the API server's aggregation layer, at 5,000 nodes × 30 pods per node; "
                + "metrics.k8s.io cannot be watched: poll less often and from one copy, or in per-node code read this node's kubelet Summary API (/stats/summary) instead",
                1));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_repetition_whose_period_the_code_does_not_state_is_not_said_to_have_no_delay()
        {
            // A loop with no delay has none; a Timer.Elapsed handler (or a Quartz job) runs on a schedule set elsewhere:
            // the message prices one pass and says the period is not stated, never "no delay".
            const string source = """
                using k8s;

                class Agent
                {
                    void Start(IKubernetes client, System.Timers.Timer timer)
                    {
                        timer.Elapsed += (s, e) => client.CoreV1.{|#0:ListNamespacedService|}("default");
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1003PollingListAnalyzer.Rule,
                "ListNamespacedService lists services in the namespace on every pass of a Timer.Elapsed handler from 5,000 copies (<ResilienceWorkload> = DaemonSet): "
                + "1 M services processed per pass across 5,000 copies, at a period the code does not state, at 5,000 nodes × 30 pods per node; "
                + "use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Pagination_retry_until_success_and_foreach_are_not_polling()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client, string[] namespaces)
                    {
                        string? token = null;
                        do
                        {
                            var page = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 500, continueParameter: token);
                            token = page.Metadata.ContinueProperty;
                        } while (token != null);

                        while (true)
                        {
                            try
                            {
                                var pods = await client.CoreV1.ListNamespacedPodAsync("default");
                                break;
                            }
                            catch (Exception)
                            {
                                await Task.Delay(1000);
                            }
                        }

                        foreach (var ns in namespaces)
                        {
                            await client.CoreV1.ListNamespacedPodAsync(ns);
                        }
                    }
                }
                """;
            await new Verify(source).RunAsync();
        }
    }
}
