using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ResilienceAnalyzers.Dns;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Analysis
{
    /// <summary>
    /// The shapes real code has (issue 11): the loop, timer, handler or retry is in a caller — another method, another
    /// type, behind an interface, a helper that runs a lambda — and the API call in a repository class. Each flagged
    /// shape has a silent twin.
    /// </summary>
    public class CallerChainTests
    {
        [Fact]
        public async Task RES1003_helper_in_another_type_called_from_a_hosted_service_loop()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class KubeRepository
                {
                    private readonly IKubernetes client;
                    public KubeRepository(IKubernetes client) => this.client = client;
                    public Task<V1PodList> ListPodsAsync(CancellationToken ct) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(cancellationToken: ct);
                }

                class PodCache
                {
                    private readonly KubeRepository repository;
                    public PodCache(KubeRepository repository) => this.repository = repository;
                    public async Task RefreshAsync(CancellationToken ct) => Count = (await repository.{|#2:ListPodsAsync|}(ct)).Items.Count;
                    public int Count { get; private set; }
                }

                class Worker
                {
                    private readonly PodCache cache;
                    public Worker(PodCache cache) => this.cache = cache;

                    public async Task ExecuteAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await cache.{|#1:RefreshAsync|}(ct);
                            await Task.Delay(TimeSpan.FromSeconds(30), ct);
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1003PollingListAnalyzer.Rule,
                "ListPodForAllNamespacesAsync lists pods in all namespaces every 30 s (a while loop: Worker.ExecuteAsync (Test0.cs:31) → PodCache.RefreshAsync → KubeRepository.ListPodsAsync) "
                + "from 5,000 copies (<ResilienceWorkload> = DaemonSet): 167 LIST/s making the API server process 25 M pods/s (~350 GB/s) from etcd, at 5,000 nodes × 30 pods per node; "
                + "use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)").WithLocation(1).WithLocation(2));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1003_interface_implementation_called_from_a_timer_method_group()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                interface INodeSource { Task<int> CountAsync(); }

                class KubernetesNodeSource : INodeSource
                {
                    private readonly IKubernetes client;
                    public KubernetesNodeSource(IKubernetes client) => this.client = client;
                    public async Task<int> CountAsync() => (await client.CoreV1.{|#0:ListNodeAsync|}()).Items.Count;
                }

                class Reporter
                {
                    private readonly INodeSource source;
                    private Timer? timer;
                    public Reporter(INodeSource source) => this.source = source;
                    public void Start() => timer = new Timer({|#1:Tick|}, null, TimeSpan.Zero, TimeSpan.FromMinutes(1));
                    private void Tick(object? state) => _ = source.{|#2:CountAsync|}();
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule)
                .WithSeverity(DiagnosticSeverity.Warning)
                .WithArguments("ListNodeAsync", "nodes", "in the cluster", "every 1 min (a Timer callback: Reporter.Start (Test0.cs:20) → Reporter.Tick → KubernetesNodeSource.CountAsync)", "one copy",
                    "0.017 LIST/s making the API server process 17 nodes/s (~667 KB/s) from etcd, at 1,000 nodes × 30 pods per node")
                .WithLocation(1).WithLocation(2));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1003_an_interface_member_implemented_by_an_abstract_base_reaches_the_override()
        {
            // couchbase-net-client (unseen survey set): IConnectionPool.ScaleAsync is implemented by the abstract
            // ConnectionPoolBase.ScaleAsync, which ChannelConnectionPool overrides; a call through the interface runs it.
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                interface INodeSource { Task<int> CountAsync(); }

                abstract class NodeSourceBase : INodeSource
                {
                    public abstract Task<int> CountAsync();
                }

                class KubernetesNodeSource : NodeSourceBase
                {
                    private readonly IKubernetes client;
                    public KubernetesNodeSource(IKubernetes client) => this.client = client;
                    public override async Task<int> CountAsync() => (await client.CoreV1.{|#0:ListNodeAsync|}()).Items.Count;
                }

                class Reporter
                {
                    private readonly INodeSource source;
                    private Timer? timer;
                    public Reporter(INodeSource source) => this.source = source;
                    public void Start() => timer = new Timer(Tick, null, TimeSpan.Zero, TimeSpan.FromMinutes(1));
                    private void Tick(object? state) => _ = source.CountAsync();
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.CallerRule).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1003_health_check_and_controller_reach_a_repository()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using Microsoft.AspNetCore.Mvc;
                using Microsoft.Extensions.Diagnostics.HealthChecks;

                public class Pods
                {
                    private readonly IKubernetes client;
                    public Pods(IKubernetes client) => this.client = client;
                    public async Task<int> CountAsync() => (await client.CoreV1.{|#0:ListNamespacedPodAsync|}("default")).Items.Count;
                    public async Task<int> NodesAsync() => (await client.CoreV1.{|#3:ListNodeAsync|}()).Items.Count;
                }

                public class PodsHealthCheck : IHealthCheck
                {
                    private readonly Pods pods;
                    public PodsHealthCheck(Pods pods) => this.pods = pods;
                    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
                        => await pods.{|#1:CountAsync|}() > 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Degraded();
                }

                public class NodesController : ControllerBase
                {
                    private readonly Pods pods;
                    public NodesController(Pods pods) => this.pods = pods;
                    [HttpGet("nodes")]
                    public Task<int> Get() => pods.{|#2:NodesAsync|}();
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0)
                .WithSeverity(DiagnosticSeverity.Info)
                .WithArguments("ListNamespacedPodAsync", "pods", "in the namespace", "every 10 s (health check (kubelet probe, periodSeconds default 10): PodsHealthCheck.CheckHealthAsync (Test0.cs:20) → Pods.CountAsync)", "one copy",
                    "0.1 LIST/s making the API server process 60 pods/s (~840 KB/s) from etcd, at 1,000 nodes × 30 pods per node")
                .WithLocation(1));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 3).WithLocation(2)
                .WithArguments("ListNodeAsync", "nodes", "in the cluster", "on every HTTP request (NodesController.Get (Test0.cs:28) → Pods.NodesAsync)", "one copy",
                    "1,000 nodes (~40 MB as JSON) processed from etcd for every request served, at 1,000 nodes × 30 pods per node"));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1003_silent_for_one_shot_startup_retry_until_success_and_paging_through_helpers()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Repository
                {
                    private readonly IKubernetes client;
                    public Repository(IKubernetes client) => this.client = client;
                    public Task ListAsync() => client.CoreV1.ListNodeAsync();
                }

                class Startup
                {
                    private readonly Repository repository;
                    public Startup(Repository repository) => this.repository = repository;

                    public Task StartAsync() => repository.ListAsync();

                    public async Task WaitForApiServerAsync(CancellationToken ct)
                    {
                        while (true)
                        {
                            try
                            {
                                await repository.ListAsync();
                                return;
                            }
                            catch (Exception)
                            {
                                await Task.Delay(1000, ct);
                            }
                        }
                    }
                }
                """;
            await new AnalyzerTest<RES1003PollingListAnalyzer>(source).RunAsync();
        }

        [Fact]
        public async Task RES1003_a_poll_helper_that_runs_its_lambda_in_a_loop()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                static class Poll
                {
                    public static async Task EveryAsync(TimeSpan period, Func<Task> action, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await action();
                            await Task.Delay(TimeSpan.FromSeconds(15), ct);
                        }
                    }
                }

                class Agent
                {
                    Task Run(IKubernetes client, CancellationToken ct)
                        => Poll.EveryAsync(TimeSpan.FromSeconds(15), () => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(), ct);

                    Task Once(IKubernetes client) => Task.Run(() => client.CoreV1.ListNamespacedPodAsync("default"));
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule)
                .WithArguments("ListPodForAllNamespacesAsync", "pods", "in all namespaces", "every 15 s (a while loop in Poll.EveryAsync)", "one copy",
                    "0.067 LIST/s making the API server process 2,000 pods/s (~28 MB/s) from etcd, at 1,000 nodes × 30 pods per node"));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1004_watch_in_a_helper_restarted_by_the_callers_loop()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodWatcher
                {
                    private readonly IKubernetes client;
                    public PodWatcher(IKubernetes client) => this.client = client;

                    public async Task WatchOnceAsync(CancellationToken ct)
                    {
                        await foreach (var (type, pod) in client.CoreV1.{|#0:WatchListNamespacedPodAsync|}("default", cancellationToken: ct))
                        {
                        }
                    }

                    public async Task RunAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await {|#1:WatchOnceAsync|}(ct);
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1004WatchWithoutResumeAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule)
                .WithArguments("WatchListNamespacedPodAsync", "pods", "in the namespace",
                    "without a resourceVersion and is restarted by a while loop with no delay between restarts (PodWatcher.RunAsync (Test0.cs:22) → PodWatcher.WatchOnceAsync)",
                    "every start replays 600 pods (~8.4 MB as JSON) as ADDED events, at 1,000 nodes × 30 pods per node")
                .WithLocation(1));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1005_retry_helper_with_a_lambda_and_a_caller_retry_loop()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                static class Retry
                {
                    public static async Task RunAsync(Func<Task> operation)
                    {
                        for (var attempt = 0; ; attempt++)
                        {
                            try
                            {
                                await operation();
                                return;
                            }
                            catch (Exception)
                            {
                                await Task.Delay(1000);
                            }
                        }
                    }

                    public static async Task JitteredAsync(Func<Task> operation)
                    {
                        while (true)
                        {
                            try
                            {
                                await operation();
                                return;
                            }
                            catch (Exception)
                            {
                                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(100, 5000)));
                            }
                        }
                    }
                }

                class Agent
                {
                    private readonly IKubernetes client;
                    public Agent(IKubernetes client) => this.client = client;

                    Task Start() => Retry.RunAsync(() => client.CoreV1.{|#0:ListNamespacedPodAsync|}("default"));

                    Task StartJittered() => Retry.JitteredAsync(() => client.CoreV1.ListNamespacedPodAsync("default"));

                    Task ReadAsync() => client.CoreV1.{|#1:ReadNamespaceAsync|}("default");

                    async Task WaitAsync()
                    {
                        while (true)
                        {
                            try
                            {
                                await {|#2:ReadAsync|}();
                                break;
                            }
                            catch (Exception)
                            {
                            }
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1005RetryWithoutBackoffAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.Rule, 0)
                .WithSeverity(DiagnosticSeverity.Info)
                .WithArguments("ListNamespacedPodAsync", "a for loop in Retry.RunAsync", "with a fixed 1 s delay and no jitter",
                    "retries land at fixed intervals, in step with every other client that failed at the same moment", RES1005RetryWithoutBackoffAnalyzer.ClientGoBackoff));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.Rule, 1)
                .WithArguments("ReadNamespaceAsync", "a while loop in Agent.WaitAsync (Test0.cs:57) → Agent.ReadAsync", "with no delay",
                    "each copy retries as fast as the server fails it", RES1005RetryWithoutBackoffAnalyzer.ClientGoBackoff)
                .WithLocation(2));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1003_local_function_called_in_a_loop_and_a_recursive_cycle_ends()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Loop(IKubernetes client)
                    {
                        for (;;)
                        {
                            await {|#1:Refresh|}();
                            await Task.Delay(5000);
                        }

                        Task Refresh() => client.CoreV1.{|#0:ListNamespacedServiceAsync|}("default");
                    }

                    Task Ping(IKubernetes client) => Pong(client);
                    Task Pong(IKubernetes client) => client.CoreV1.ListNodeAsync().ContinueWith(_ => Ping(client));
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule)
                .WithSeverity(DiagnosticSeverity.Info)
                .WithArguments("ListNamespacedServiceAsync", "services", "in the namespace", "every 5 s (a for(;;) loop: Agent.Loop (Test0.cs:10) → Agent.Loop.Refresh)", "one copy",
                    "0.2 LIST/s making the API server process 8 services/s from etcd, at 1,000 nodes × 30 pods per node")
                .WithLocation(1));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES2001_lookup_on_a_per_request_path_warns_and_a_startup_lookup_is_a_suggestion()
        {
            const string source = """
                using System.Net;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Mvc;

                public class Resolver
                {
                    public Task<IPAddress[]> ResolveAsync(string host) => Dns.{|#0:GetHostAddressesAsync|}(host);
                    public Task<IPAddress[]> StartupAsync(string host) => Dns.{|#2:GetHostAddressesAsync|}(host);
                }

                public class ProxyController : ControllerBase
                {
                    private readonly Resolver resolver;
                    public ProxyController(Resolver resolver) => this.resolver = resolver;
                    [HttpGet("proxy")]
                    public async Task<int> Get(string host) => (await resolver.{|#1:ResolveAsync|}(host)).Length;
                }

                public class Program
                {
                    public static Task Main() => new Resolver().StartupAsync("db.example.com");
                }
                """;
            var test = new AnalyzerTest<RES2001UncachedDnsAnalyzer>(source, Client.None);
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2001UncachedDnsAnalyzer.Rule, 0).WithLocation(1)
                .WithMessage("Dns.GetHostAddressesAsync resolves host with no cache on every HTTP request (ProxyController.Get (Test0.cs:16) → Resolver.ResolveAsync): each call queries DNS and fails as soon as DNS does; cluster DNS depends on the control plane and stock CoreDNS/NodeLocal DNSCache keep answers only 30 s without serving stale, so 30 s into a DNS outage every lookup fails; resolve through Resilience.Dns.CachedDns, which serves the last good answer (RFC 8767)"));
            test.ExpectedDiagnostics.Add(Expect.Info(RES2001UncachedDnsAnalyzer.Rule, 2));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1003_lists_run_on_every_watch_event_directly_or_through_an_interface()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                interface IPodController { Task UpdatePodAsync(V1Pod pod); }

                class PodController : IPodController
                {
                    private readonly IKubernetes client;
                    public PodController(IKubernetes client) => this.client = client;
                    public Task UpdatePodAsync(V1Pod pod) => client.CoreV1.{|#0:ListNamespacedPodAsync|}("default");
                }

                class EventWatcher
                {
                    private readonly IKubernetes client;
                    private readonly IPodController controller;
                    public EventWatcher(IKubernetes client, IPodController controller) { this.client = client; this.controller = controller; }

                    public async Task RunAsync(CancellationToken ct)
                    {
                        await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync("default", resourceVersion: "1", cancellationToken: ct))
                        {
                            await controller.{|#1:UpdatePodAsync|}(pod);
                            await client.CoreV1.{|#2:ListNodeAsync|}(cancellationToken: ct);
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0).WithLocation(1)
                .WithArguments("ListNamespacedPodAsync", "pods", "in the namespace", "on every watch event (EventWatcher.RunAsync (Test0.cs:25) → PodController.UpdatePodAsync)", "5,000 copies (<ResilienceWorkload> = DaemonSet)",
                    "3,000 pods (~42 MB as JSON) processed from etcd for every watch event, at 5,000 nodes × 30 pods per node"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 2)
                .WithArguments("ListNodeAsync", "nodes", "in the cluster", "on every watch event", "5,000 copies (<ResilienceWorkload> = DaemonSet)",
                    "5,000 nodes (~200 MB as JSON) processed from etcd for every watch event, at 5,000 nodes × 30 pods per node"));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1001_a_single_copy_one_shot_list_is_a_suggestion_and_a_repeated_one_a_warning()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Tool
                {
                    private readonly IKubernetes client;
                    public Tool(IKubernetes client) => this.client = client;

                    public Task OnceAsync() => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();

                    public Task PodsAsync() => client.CoreV1.{|#1:ListNamespacedPodAsync|}("default");

                    public async Task WatchLoopAsync()
                    {
                        while (true)
                        {
                            await {|#2:PodsAsync|}();
                            await Task.Delay(10_000);
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1001UnboundedListAnalyzer>(source, Client.V21, Config.MsBuild("build_property.ResilienceWorkload = None"));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1001UnboundedListAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 1).WithLocation(2));
            await test.RunAsync();
        }

        [Fact]
        public async Task Exits_before_the_call_are_not_success_and_a_call_followed_by_return_is_not_repeated()
        {
            // Shapes from the survey: a pod watch restarted by a worker loop whose only exits are shutdown checks
            // (Orleans), a work-queue loop that re-queues failures (YARP: not a retry of the call), and a LIST made
            // once on the way out of a wait loop (Caster).
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Monitor
                {
                    private readonly IKubernetes client;
                    public Monitor(IKubernetes client) => this.client = client;

                    public async Task WatchAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            try
                            {
                                if (ct.IsCancellationRequested)
                                {
                                    break;
                                }

                                await foreach (var (type, pod) in client.CoreV1.{|#0:WatchListNamespacedPodAsync|}("default", cancellationToken: ct))
                                {
                                }

                                await Task.Delay(5000, ct);
                            }
                            catch (Exception)
                            {
                                await Task.Delay(5000, ct);
                            }
                        }
                    }

                    public async Task WorkAsync(Func<Task<bool>> next, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            if (!await next())
                            {
                                return;
                            }

                            try
                            {
                                await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: ct);
                            }
                            catch (Exception)
                            {
                            }
                        }
                    }

                    public async Task WaitAsync(CancellationToken ct)
                    {
                        while (true)
                        {
                            try
                            {
                                await client.CoreV1.ReadNamespacedPodAsync("p", "default", cancellationToken: ct);
                                await Task.Delay(1000, ct);
                            }
                            catch (OperationCanceledException)
                            {
                                await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=p");
                                return;
                            }
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1004WatchWithoutResumeAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule));
            await test.RunAsync();
            // The watch is restarted after errors with a fixed 5 s wait in the catch: a retry without jitter (Orleans).
            var retry = new AnalyzerTest<RES1005RetryWithoutBackoffAnalyzer>(source);
            retry.ExpectedDiagnostics.Add(Expect.Info(RES1005RetryWithoutBackoffAnalyzer.Rule)
                .WithArguments("WatchListNamespacedPodAsync", "a while loop", "with a fixed 5 s delay and no jitter",
                    "retries land at fixed intervals, in step with every other client that failed at the same moment", RES1005RetryWithoutBackoffAnalyzer.ClientGoBackoff));
            await retry.RunAsync();
            await new AnalyzerTest<RES1003PollingListAnalyzer>(source).RunAsync();
        }

        /// <summary>Proto.Actor's shape: one ListNamespacedPodWithHttpMessagesAsync(…, watch: watch) for the poll and the watch (also DiagnosticPropertiesTests).</summary>
        internal const string WrapperWhoseCallersDecide = """
            using System.Threading.Tasks;
            using k8s;
            using k8s.Autorest;
            using k8s.Models;

            class Monitor
            {
                private readonly IKubernetes client;
                public Monitor(IKubernetes client) => this.client = client;

                Task<HttpOperationResponse<V1PodList>> GetList(bool watch, string? version = null)
                    => client.CoreV1.{|#0:ListNamespacedPodWithHttpMessagesAsync|}("default", watch: watch, resourceVersion: version);

                async Task PollAsync()
                {
                    while (true)
                    {
                        await {|#1:GetList|}(false);
                        await Task.Delay(10_000);
                    }
                }

                async Task WatchAsync()
                {
                    while (true)
                    {
                        using var watcher = {|#2:GetList|}(true).Watch<V1Pod, V1PodList>((type, pod) => { });
                        await Task.Delay(1000);
                    }
                }

                Task ResumeAsync(string version) => GetList(true, version);
            }
            """;

        [Fact]
        public async Task A_wrapper_whose_callers_decide_list_or_watch_is_judged_at_each_caller()
        {
            const string source = WrapperWhoseCallersDecide;
            var polling = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            polling.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info)
                .WithArguments("ListNamespacedPodWithHttpMessagesAsync", "pods", "in the namespace", "every 10 s (a while loop: Monitor.PollAsync (Test0.cs:18) → Monitor.GetList, with watch: false)", "one copy",
                    "0.1 LIST/s making the API server process 60 pods/s (~840 KB/s) from etcd, at 1,000 nodes × 30 pods per node"));
            await polling.RunAsync();

            var watching = new AnalyzerTest<RES1004WatchWithoutResumeAnalyzer>(source);
            watching.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 0).WithLocation(2)
                .WithArguments("ListNamespacedPodWithHttpMessagesAsync", "pods", "in the namespace",
                    "without a resourceVersion and is restarted by a while loop (Monitor.WatchAsync (Test0.cs:27) → Monitor.GetList, with watch: true)",
                    "every start replays 600 pods (~8.4 MB as JSON) as ADDED events, at 1,000 nodes × 30 pods per node"));
            await watching.RunAsync();
        }

        [Fact]
        public async Task Silent_for_a_jittered_backoff_in_a_helper_and_only_a_suggestion_for_a_per_request_read_of_one_named_object()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using Microsoft.AspNetCore.Mvc;

                public class Watcher
                {
                    private readonly IKubernetes client;
                    private int failures;
                    public Watcher(IKubernetes client) => this.client = client;

                    public async Task RunAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            try
                            {
                                await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: ct);
                                return;
                            }
                            catch (Exception)
                            {
                                await OnErrorAsync(ct);
                            }
                        }
                    }

                    private Task OnErrorAsync(CancellationToken ct)
                        => Task.Delay(TimeSpan.FromSeconds(Math.Min(32, Math.Pow(2, ++failures))) + TimeSpan.FromMilliseconds(Random.Shared.Next(1000)), ct);
                }

                public class ServicesController : ControllerBase
                {
                    private readonly IKubernetes client;
                    public ServicesController(IKubernetes client) => this.client = client;
                    [HttpGet("service")]
                    public Task Get(string name) => client.CoreV1.{|#0:ListNamespacedServiceAsync|}("default", fieldSelector: "metadata.name=" + name);
                }
                """;
            var retry = new AnalyzerTest<RES1005RetryWithoutBackoffAnalyzer>(source);
            retry.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            await retry.RunAsync();
            // One key per request: the work of a GET through the list path, a suggestion to make it the GET (RES1003OneKeyListTests).
            var polling = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            polling.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            polling.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.OneKeyRule, 0));
            await polling.RunAsync();
        }

        [Fact]
        public async Task RES1002_a_repository_called_by_per_node_code_runs_on_every_node()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodRepository
                {
                    private readonly IKubernetes client;
                    public PodRepository(IKubernetes client) => this.client = client;
                    public Task<V1PodList> AllAsync() => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: 500);
                }

                class NodeAgent
                {
                    private readonly string node = Environment.GetEnvironmentVariable("NODE_NAME")!;
                    private readonly PodRepository repository;
                    public NodeAgent(PodRepository repository) => this.repository = repository;
                    public Task RunAsync() => repository.{|#1:AllAsync|}();
                }

                class Tool
                {
                    private readonly PodRepository repository;
                    public Tool(PodRepository repository) => this.repository = repository;
                    public Task RunAsync() => repository.AllAsync();
                }
                """;
            var test = new AnalyzerTest<RES1002ClusterWideAccessAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithLocation(1)
                .WithMessage("This code runs on every node (1,000 copies; NodeAgent reads the node name from the downward API, reached from NodeAgent.RunAsync (Test0.cs:18) → PodRepository.AllAsync) and lists every pod in all namespaces instead of its own: each call makes the API server process 30,000 pods (~420 MB as JSON) from etcd to return this node's 30; 30 M pods (~420 GB as JSON) for one round of 1,000 copies, at 1,000 nodes × 30 pods per node; add fieldSelector: \"spec.nodeName=\" + the node name (when the code does not have it, set it in the pod spec from the downward API: env: [{name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}])"));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1001_a_wrapper_that_forwards_limit_is_judged_at_its_callers()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Pods
                {
                    private readonly IKubernetes client;
                    public Pods(IKubernetes client) => this.client = client;

                    public Task<V1PodList> ListAsync(int? limit = null, string? next = null)
                        => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: limit, continueParameter: next);

                    public Task<V1PodList> NodesAsync(int? limit)
                        => client.CoreV1.ListPodForAllNamespacesAsync(limit: limit);
                }

                class Reader
                {
                    private readonly Pods pods;
                    public Reader(Pods pods) => this.pods = pods;
                    public Task Paged() => pods.ListAsync(500);
                    public Task All() => pods.{|#1:ListAsync|}();
                    public Task Nodes() => pods.NodesAsync(250);
                }
                """;
            var test = new AnalyzerTest<RES1001UnboundedListAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 0).WithLocation(1)
                .WithMessage("ListPodForAllNamespacesAsync lists pods in all namespaces in one unbounded response: 30,000 pods (~420 MB as JSON) in one response from etcd and ~2.1 GB of API-server memory while it is built, at 1,000 nodes × 30 pods per node (limit is Pods.ListAsync's parameter 'limit', which Reader.All (Test0.cs:22) leaves unset); pass limit and continueParameter (page by 500 as client-go does) or use an informer (package Resilience.Kubernetes)"));
            await test.RunAsync();
        }
    
        private const string InformerWithDecidedWatch = """
            using System.Threading;
            using System.Threading.Tasks;
            using k8s;
            using k8s.Models;

            public class Selector { public string FieldSelector { get; set; } }

            abstract class Informer
            {
                protected Informer(IKubernetes client, Selector selector) => (Client, Selector) = (client, selector);

                protected IKubernetes Client { get; }

                protected Selector Selector { get; }

                protected abstract Task RetrieveAsync(bool? watch = null, string resourceVersion = null, CancellationToken cancellationToken = default);

                public async Task RunAsync(CancellationToken cancellationToken)
                {
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        await {|#1:ListAsync|}(cancellationToken);
                        await WatchAsync(cancellationToken);
                    }
                }

                private Task ListAsync(CancellationToken cancellationToken) => {|#2:RetrieveAsync|}(LISTARGS cancellationToken: cancellationToken);

                private Task WatchAsync(CancellationToken cancellationToken) => RetrieveAsync(watch: true, cancellationToken: cancellationToken);
            }

            sealed class ServiceInformer : Informer
            {
                public ServiceInformer(IKubernetes client, Selector selector) : base(client, selector) { }

                protected override Task RetrieveAsync(bool? watch = null, string resourceVersion = null, CancellationToken cancellationToken = default)
                    => Client.CoreV1.{|#0:ListServiceForAllNamespacesWithHttpMessagesAsync|}(watch: watch, resourceVersion: resourceVersion, fieldSelector: Selector?.FieldSelector, cancellationToken: cancellationToken);
            }
            """;

        [Fact]
        public async Task RES1001_list_whose_watch_the_callers_decide_is_judged_where_they_leave_it_unset()
        {
            // YARP's informers: one abstract RetrieveResourceListAsync(watch, …) per kind, listing from a loop that relists
            // and watching with watch: true; the field selector comes from DI (not known here) and cannot make the API server
            // read fewer services across namespaces.
            var test = new AnalyzerTest<RES1001UnboundedListAnalyzer>(InformerWithDecidedWatch.Replace("LISTARGS", string.Empty), Client.V21, Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = 1"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.CallerRule).WithLocation(1).WithLocation(2)
                .WithMessage("ListServiceForAllNamespacesWithHttpMessagesAsync lists services in all namespaces in one unbounded response: up to 2,000 services in one response from etcd and about 5× its size in API-server memory while it is built, at 1,000 nodes × 30 pods per node (the field selector, not known at compile time, narrows what is returned, not what the API server reads) (a LIST where Informer.ListAsync leaves ServiceInformer.RetrieveAsync's 'watch' unset or false, on every pass of a while loop: Informer.RunAsync (Test0.cs:22) → Informer.ListAsync → ServiceInformer.RetrieveAsync); pass limit and continueParameter (page by 500 as client-go does) or use an informer (package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1001_silent_when_every_caller_of_the_wrapper_watches()
        {
            var test = new AnalyzerTest<RES1001UnboundedListAnalyzer>(
                InformerWithDecidedWatch.Replace("LISTARGS", "watch: true,").Replace("{|#1:ListAsync|}", "ListAsync").Replace("{|#2:RetrieveAsync|}", "RetrieveAsync").Replace("{|#0:ListServiceForAllNamespacesWithHttpMessagesAsync|}", "ListServiceForAllNamespacesWithHttpMessagesAsync"),
                Client.V21,
                Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = 1"));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1003_a_search_cut_by_the_depth_limit_does_not_answer_for_a_shorter_one()
        {
            // Two lists below one timer: Deep's chain is longer than the search goes, Shallow's (11 calls) is not. Deep is
            // judged first; its search stops at the limit. That "nothing repeats M10" must not answer for Shallow, whose
            // search reaches M10 with more depth left (unseen survey set: Cassandra's two DNS lookups were warnings or
            // suggestions depending on which one the driver judged first).
            const string source = """
                using System;
                using System.Threading;
                using k8s;

                class Poller
                {
                    private readonly IKubernetes client;
                    private Timer? timer;

                    public Poller(IKubernetes client) => this.client = client;

                    public void Start() => timer = new Timer(Tick, null, TimeSpan.Zero, TimeSpan.FromSeconds(30));

                    void Deep() => client.CoreV1.{|#1:ListNamespacedPod|}("default");
                    void N3() => Deep();
                    void N2() => N3();
                    void N1() => N2();
                    void Shallow() => client.CoreV1.{|#0:ListNamespacedPod|}("default");
                    void M10() { N1(); Shallow(); }
                    void Tick(object? state) => M1();
                void M1() => M2();
                void M2() => M3();
                void M3() => M4();
                void M4() => M5();
                void M5() => M6();
                void M6() => M7();
                void M7() => M8();
                void M8() => M9();
                void M9() => M10();
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source, Client.V21, Config.DaemonSet(5000));
            // Deep's own chain (15 calls) stays beyond the limit whichever search runs first: M10's answer is reused only
            // where it fits in the depth left.
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));
            await test.RunAsync();
        }

        private const string OrleansMembershipTable = """
            using System.Threading.Tasks;
            using k8s;
            using Orleans;

            public class KubeMembershipTable : IMembershipTable
            {
                private readonly IKubernetes client;

                public KubeMembershipTable(IKubernetes client) => this.client = client;

                public async Task<MembershipTableData> ReadAll()
                {
                    var silos = await client.CustomObjects.{|#0:ListNamespacedCustomObjectAsync|}("orleans.dot.net", "v1", "default", "silos");
                    return null!;
                }
            }
            """;

        [Fact]
        public async Task RES1003_an_interface_the_compilation_lacks_still_marks_its_implementation_as_an_entry_point()
        {
            // Orleans is not referenced (a partial compilation, the IDE before restore): IMembershipTable is an error type
            // with only its name, and ReadAll, which Orleans calls on every silo each membership-table refresh, is matched
            // by the interface's name and the member's (OrleansContrib/Orleans.Clustering.Kubernetes, unseen survey set).
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(OrleansMembershipTable, Client.V21, Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = 3"))
            {
                CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None,
            };
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0).WithMessage(
                "ListNamespacedCustomObjectAsync lists silos in the namespace every 1 min (Orleans membership-table refresh) from 3 copies (<ResilienceWorkload> = Deployment): "
                + "0.05 LIST/s making the API server process every object of silos in the namespace (count unknown: custom resources number whatever their users create) each time from etcd, at 1,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        private const string AkkaDiscoveryPlugin = """
            using System;
            using System.Threading.Tasks;
            using Akka.Actor;
            using Akka.Discovery;
            using k8s;

            public class KubernetesDiscovery : ServiceDiscovery
            {
                private readonly IKubernetes client;

                public KubernetesDiscovery(IKubernetes client) => this.client = client;

                public override async Task<Resolved> Lookup(Lookup lookup, TimeSpan resolveTimeout)
                {
                    var pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("default", labelSelector: "app=" + lookup.ServiceName);
                    return null!;
                }
            }
            """;

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task RES1003_an_Akka_discovery_plugin_is_polled_every_second_by_cluster_bootstrap(bool akkaReferenced)
        {
            // Akka.Management's cluster bootstrap calls the plugin's Lookup every contact-point-discovery.interval (1 s),
            // in every node, until the cluster forms. Without Akka referenced (a partial compilation, the IDE before
            // restore) the base type is an error type and only its name is left to match.
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(AkkaDiscoveryPlugin, Client.V21, Config.MsBuild("build_property.ResilienceWorkload = StatefulSet\nbuild_property.ResilienceReplicas = 10"));
            if (akkaReferenced)
            {
                test.TestState.AdditionalReferences.AddRange(References.AkkaDiscovery);
            }
            else
            {
                test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            }

            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0).WithMessage(
                "ListNamespacedPodAsync lists pods in the namespace every 1 s (Akka cluster-bootstrap discovery (contact-point-discovery.interval default 1 s)) from 10 copies (<ResilienceWorkload> = StatefulSet): "
                + "10 LIST/s making the API server process 6,000 pods/s (~84 MB/s) from etcd, at 1,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        private const string ReceiveActorSource = """
            using System.Threading.Tasks;
            using Akka.Actor;
            using k8s;

            public sealed class Refresh { }

            public class PodWatcherActor : ReceiveActor
            {
                private readonly IKubernetes client;

                public PodWatcherActor(IKubernetes client)
                {
                    this.client = client;
                    HANDLER
                }

                private async Task RefreshAsync()
                {
                    var pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("default");
                }
            }
            """;

        [Theory]
        [InlineData("ReceiveAsync<Refresh>(_ => RefreshAsync());", true, true)]
        [InlineData("ReceiveAsync<Refresh>(async _ => await RefreshAsync());", true, false)]
        [InlineData("ReceiveAny(_ => RefreshAsync().Wait());", true, true)]
        [InlineData("_ = RefreshAsync();", false, true)]
        public async Task RES1003_an_Akka_ReceiveActor_handler_runs_on_every_message(string handler, bool flagged, bool akkaReferenced)
        {
            // Akka.NET's ReceiveActor registers its handlers in the constructor; each runs on every message of its type
            // (the entry-point catalog: "Akka ReceiveActor handlers"). Without Akka referenced the calls do not bind.
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(ReceiveActorSource.Replace("HANDLER", handler), Client.V21, Config.DaemonSet(1000));
            if (akkaReferenced)
            {
                test.TestState.AdditionalReferences.AddRange(References.AkkaDiscovery);
            }
            else
            {
                test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            }

            if (flagged)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task RES1003_a_method_kept_in_a_field_runs_where_the_field_is_invoked()
        {
            // Kaponata's shape: the list operation is handed over once (constructor) and invoked from a loop elsewhere.
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodSource
                {
                    private readonly IKubernetes client;
                    private readonly Func<Task<V1PodList>> listOperation;

                    public PodSource(IKubernetes client)
                    {
                        this.client = client;
                        this.listOperation = ListAsync;
                    }

                    private Task<V1PodList> ListAsync() => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: 500);

                    public async Task RunAsync()
                    {
                        while (true)
                        {
                            await {|#1:listOperation|}();
                            await Task.Delay(TimeSpan.FromSeconds(30));
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0).WithLocation(1).WithMessage(
                "ListPodForAllNamespacesAsync lists pods in all namespaces every 30 s (a while loop: PodSource.RunAsync (Test0.cs:23) → PodSource.ListAsync) from one copy: 0.033 LIST/s making the API server process 1,000 pods/s (~14 MB/s) from etcd, "
                + "at 1,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        /// <summary>
        /// KubeSharper's and Kaponata's shape: the list operation is handed to another type's constructor, which keeps its
        /// parameter in a field (here behind <c>?? throw</c>); that type's loop invokes the field. When the constructor
        /// keeps the parameter nowhere (it only calls it once), nothing repeats the list.
        /// </summary>
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task RES1003_a_method_handed_to_a_constructor_that_keeps_it_runs_where_the_field_is_invoked(bool kept)
        {
            string constructor = kept
                ? "this.list = list ?? throw new ArgumentNullException(nameof(list));"
                : "_ = list();";
            string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Source<T>
                {
                    private readonly Func<Task<T>> list = () => Task.FromResult(default(T)!);

                    public Source(Func<Task<T>> list)
                    {
                        CONSTRUCTOR
                    }

                    public async Task RunAsync()
                    {
                        while (true)
                        {
                            await LIST();
                            await Task.Delay(TimeSpan.FromSeconds(30));
                        }
                    }
                }

                class Sources
                {
                    public Source<V1PodList> Pods(IKubernetes client)
                    {
                        Task<V1PodList> Lister() => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: 500);
                        return new Source<V1PodList>(Lister);
                    }
                }
                """.Replace("CONSTRUCTOR", constructor).Replace("LIST", kept ? "{|#1:list|}" : "list");
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            if (kept)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.CallerRule, 0).WithLocation(1).WithMessage(
                    "ListPodForAllNamespacesAsync lists pods in all namespaces every 30 s (a while loop: Source.RunAsync (Test0.cs:19) → Sources.Pods.Lister) from one copy: 0.033 LIST/s making the API server process 1,000 pods/s (~14 MB/s) from etcd, "
                    + "at 1,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task RES2001_a_lambda_kept_in_a_property_runs_where_the_property_is_invoked()
        {
            // RabbitMQ's shape: the endpoint resolution is a delegate in a settings object, invoked by the recovery loop.
            // (A lookup written inside the stored lambda itself is not followed: the chain starts at a method.)
            const string source = """
                using System;
                using System.Net;
                using System.Net.Sockets;
                using System.Threading.Tasks;

                class Settings
                {
                    public string Host { get; set; } = "rabbit.default.svc";

                    public Func<Task<IPAddress[]>> Resolve { get; set; }

                    public Settings() => Resolve = () => ResolveAsync();

                    private Task<IPAddress[]> ResolveAsync() => Dns.{|#0:GetHostAddressesAsync|}(Host);
                }

                class Recovery
                {
                    private readonly Settings settings = new Settings();

                    public async Task RecoverAsync()
                    {
                        do
                        {
                            try
                            {
                                var addresses = await settings.{|#1:Resolve|}();
                                return;
                            }
                            catch (SocketException)
                            {
                                await Task.Delay(5000);
                            }
                        }
                        while (true);
                    }
                }
                """;
            var test = new AnalyzerTest<RES2001UncachedDnsAnalyzer>(source, Client.None);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2001UncachedDnsAnalyzer.CallerRule, 0).WithLocation(1).WithMessage(
                "Dns.GetHostAddressesAsync resolves Host with no cache on every reconnect attempt (Recovery.RecoverAsync (Test0.cs:27) → Settings.ResolveAsync): each call queries DNS and fails as soon as DNS does; "
                + "cluster DNS depends on the control plane and stock CoreDNS/NodeLocal DNSCache keep answers only 30 s without serving stale, so 30 s into a DNS outage every lookup fails; resolve through Resilience.Dns.CachedDns, which serves the last good answer (RFC 8767)"));
            await test.RunAsync();
        }

        /// <summary>
        /// Cassandra's shape (<c>SSLOptions.HostNameResolver</c>): the default resolver is a method kept in a private field by
        /// its initializer and read through a get-only property that returns the field; the connection path invokes the
        /// property. When the property returns another field, invoking it does not run the kept method.
        /// </summary>
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task RES2001_a_method_kept_in_a_field_runs_where_the_property_returning_the_field_is_invoked(bool returnsTheField)
        {
            string source = """
                using System;
                using System.Net;
                using System.Net.Sockets;
                using System.Threading.Tasks;

                class TlsSettings
                {
                    private Func<string, string> _serverName = ServerName;
                    private Func<string, string> _fallback = host => host;

                    public Func<string, string> ServerNameResolver
                    {
                        get { return RETURNED; }
                    }

                    private static string ServerName(string host) => Dns.{|#0:GetHostEntry|}(host).HostName;
                }

                class Connection
                {
                    private readonly TlsSettings tls = new TlsSettings();

                    public async Task ReconnectAsync(string host)
                    {
                        while (true)
                        {
                            try
                            {
                                var name = tls.{|#1:ServerNameResolver|}(host);
                                return;
                            }
                            catch (SocketException)
                            {
                                await Task.Delay(1000);
                            }
                        }
                    }
                }
                """.Replace("RETURNED", returnsTheField ? "_serverName" : "_fallback");
            var test = new AnalyzerTest<RES2001UncachedDnsAnalyzer>(source, Client.None);
            test.ExpectedDiagnostics.Add(returnsTheField
                ? Expect.Diagnostic(RES2001UncachedDnsAnalyzer.CallerRule, 0).WithLocation(1).WithMessage(
                    "Dns.GetHostEntry resolves host with no cache on every reconnect attempt (Connection.ReconnectAsync (Test0.cs:29) → TlsSettings.ServerName): each call queries DNS and fails as soon as DNS does; "
                    + "cluster DNS depends on the control plane and stock CoreDNS/NodeLocal DNSCache keep answers only 30 s without serving stale, so 30 s into a DNS outage every lookup fails; resolve through Resilience.Dns.CachedDns, which serves the last good answer (RFC 8767)")
                : Expect.Diagnostic(RES2001UncachedDnsAnalyzer.CallerRule, 0).WithSeverity(DiagnosticSeverity.Info).WithMessage(
                    "Dns.GetHostEntry resolves host with no cache: each call queries DNS and fails as soon as DNS does; "
                    + "cluster DNS depends on the control plane and stock CoreDNS/NodeLocal DNSCache keep answers only 30 s without serving stale, so 30 s into a DNS outage every lookup fails; resolve through Resilience.Dns.CachedDns, which serves the last good answer (RFC 8767)"));
            await test.RunAsync();
        }
}
}
