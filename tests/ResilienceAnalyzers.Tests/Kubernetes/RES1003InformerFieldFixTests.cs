using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using UseInformer = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1003PollingListAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1003UseInformerFixer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// RES1003 when the loop is in a caller: the informer becomes a field of the class that lists, created and started on
    /// the first call, and the LIST a read of its cache — offered only where the chain shows that object kept by a
    /// long-lived owner (a hosted service, or the class's own loop) and the LIST the same on every call.
    /// </summary>
    public class RES1003InformerFieldFixTests
    {
        private static UseInformer Test(string source, string fixedSource)
        {
            var test = RuntimeFixTests.WithRuntime(new UseInformer(source, fixedSource));
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            test.FixedState.AdditionalReferences.AddRange(References.AspNetCore);
            return test;
        }

        [Fact]
        public async Task A_repository_polled_by_a_hosted_service_keeps_an_informer_in_a_field()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Microsoft.Extensions.Hosting;

                class PodRepository
                {
                    private readonly IKubernetes client;

                    public PodRepository(IKubernetes client)
                    {
                        this.client = client;
                    }

                    public async Task<int> CountAsync(CancellationToken ct)
                    {
                        V1PodList pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("team-a", labelSelector: "app=web", cancellationToken: ct).ConfigureAwait(false);
                        return pods.Items.Count;
                    }
                }

                class Worker : BackgroundService
                {
                    private readonly PodRepository repository;

                    public Worker(PodRepository repository) => this.repository = repository;

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            Console.WriteLine(await repository.CountAsync(stoppingToken));
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Microsoft.Extensions.Hosting;
                using Resilience.Kubernetes;

                class PodRepository
                {
                    private readonly IKubernetes client;
                    private Informer<V1Pod, V1PodList> podInformer;

                    public PodRepository(IKubernetes client)
                    {
                        this.client = client;
                    }

                    public async Task<int> CountAsync(CancellationToken ct)
                    {
                        await LazyInitializer.EnsureInitialized(ref podInformer, () => Informers.Create(ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: "team-a", labelSelector: "app=web", fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)))).StartAsync(ct).ConfigureAwait(false);
                        V1PodList pods = podInformer.List();
                        return pods.Items.Count;
                    }
                }

                class Worker : BackgroundService
                {
                    private readonly PodRepository repository;

                    public Worker(PodRepository repository) => this.repository = repository;

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            Console.WriteLine(await repository.CountAsync(stoppingToken));
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                        }
                    }
                }
                """;
            var test = Test(source, fixedSource);
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.CallerRule, 0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_class_s_own_loop_in_another_method_one_field_per_list_shared_by_identical_lists_Fix_All()
        {
            const string source = """
                #nullable enable
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class NodeWatcher(IKubernetes client) : IDisposable
                {
                    private const string Selector = "role=edge";

                    public async Task RunAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            Console.WriteLine(await CountNodesAsync(ct) + await CountReadyAsync(ct) + (await ListPodsAsync(ct)).Items.Count);
                            await Task.Delay(TimeSpan.FromSeconds(10), ct);
                        }
                    }

                    private async Task<int> CountNodesAsync(CancellationToken ct)
                    {
                        return (await client.CoreV1.{|#0:ListNodeAsync|}(labelSelector: Selector, cancellationToken: ct)).Items.Count;
                    }

                    private async Task<int> CountReadyAsync(CancellationToken ct)
                    {
                        var nodes = await client.CoreV1.{|#1:ListNodeAsync|}(labelSelector: Selector, cancellationToken: ct);
                        return nodes.Items.Count;
                    }

                    private async Task<V1PodList> ListPodsAsync(CancellationToken ct)
                    {
                        return await client.CoreV1.{|#2:ListPodForAllNamespacesAsync|}(fieldSelector: "spec.nodeName=" + Selector, cancellationToken: ct);
                    }

                    public void Dispose()
                    {
                        client.Dispose();
                    }
                }
                """;
            const string fixedSource = """
                #nullable enable
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Resilience.Kubernetes;

                class NodeWatcher(IKubernetes client) : IDisposable
                {
                    private const string Selector = "role=edge";
                    private Informer<V1Node, V1NodeList>? nodeInformer;
                    private Informer<V1Pod, V1PodList>? podInformer;

                    public async Task RunAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            Console.WriteLine(await CountNodesAsync(ct) + await CountReadyAsync(ct) + (await ListPodsAsync(ct)).Items.Count);
                            await Task.Delay(TimeSpan.FromSeconds(10), ct);
                        }
                    }

                    private async Task<int> CountNodesAsync(CancellationToken ct)
                    {
                        await LazyInitializer.EnsureInitialized(ref nodeInformer, () => Informers.Create(ListWatch.FromHttpOperation<V1Node, V1NodeList>((o, c) => client.CoreV1.ListNodeWithHttpMessagesAsync(labelSelector: Selector, fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)))).StartAsync(ct);
                        return nodeInformer.List().Items.Count;
                    }

                    private async Task<int> CountReadyAsync(CancellationToken ct)
                    {
                        await LazyInitializer.EnsureInitialized(ref nodeInformer, () => Informers.Create(ListWatch.FromHttpOperation<V1Node, V1NodeList>((o, c) => client.CoreV1.ListNodeWithHttpMessagesAsync(labelSelector: Selector, fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)))).StartAsync(ct);
                        var nodes = nodeInformer.List();
                        return nodes.Items.Count;
                    }

                    private async Task<V1PodList> ListPodsAsync(CancellationToken ct)
                    {
                        await LazyInitializer.EnsureInitialized(ref podInformer, () => Informers.Create(ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(fieldSelector: "spec.nodeName=" + Selector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)))).StartAsync(ct);
                        return podInformer.List();
                    }

                    public void Dispose()
                    {
                        nodeInformer?.Dispose();
                        podInformer?.Dispose();
                        client.Dispose();
                    }
                }
                """;
            var test = Test(source, fixedSource);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 1).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 2).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            await test.RunAsync();
        }

        [Fact]
        public async Task No_field_when_the_object_or_the_list_is_not_the_same_on_every_pass()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Microsoft.Extensions.Hosting;

                class PodRepository
                {
                    private readonly IKubernetes client;
                    private string team = "team-a";

                    public PodRepository(IKubernetes client) => this.client = client;

                    // Its namespace comes from the caller: one informer per value would be needed.
                    public async Task<int> CountAsync(string ns, CancellationToken ct)
                        => (await client.CoreV1.{|#0:ListNamespacedPodAsync|}(ns, cancellationToken: ct)).Items.Count;

                    // No statement to start the informer in before the read.
                    public async Task<int> CountEdgeAsync(CancellationToken ct)
                        => (await client.CoreV1.{|#3:ListNamespacedPodAsync|}("edge", cancellationToken: ct)).Items.Count;

                    // A field that can change between calls.
                    public async Task<int> CountTeamAsync(CancellationToken ct)
                    {
                        var pods = await client.CoreV1.{|#1:ListNamespacedPodAsync|}(team, cancellationToken: ct);
                        return pods.Items.Count;
                    }

                    public async Task<int> CountAllAsync(CancellationToken ct)
                    {
                        var pods = await client.CoreV1.{|#2:ListPodForAllNamespacesAsync|}(cancellationToken: ct);
                        return pods.Items.Count;
                    }
                }

                class Worker : BackgroundService
                {
                    private readonly IKubernetes client;
                    private readonly PodRepository repository;

                    public Worker(IKubernetes client, PodRepository repository)
                    {
                        this.client = client;
                        this.repository = repository;
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            await repository.CountAsync("team-b", stoppingToken);
                            await repository.CountTeamAsync(stoppingToken);
                            await repository.CountEdgeAsync(stoppingToken);
                            // A new repository on every pass: an informer in it would be started on every pass and never stopped.
                            await new PodRepository(client).CountAllAsync(stoppingToken);
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                        }
                    }
                }

                // Not a hosted service and not the class that lists: how long it keeps the repository is not known.
                class Poller
                {
                    private readonly PodRepository repository;

                    public Poller(PodRepository repository) => this.repository = repository;

                    public async Task RunAsync(CancellationToken ct)
                    {
                        while (true)
                        {
                            await repository.CountAllAsync(ct);
                            await Task.Delay(1000, ct);
                        }
                    }
                }
                """;
            var test = Test(source, source);
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.CallerRule, 0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.CallerRule, 1).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.CallerRule, 2).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.CallerRule, 3).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_singleton_by_construction_keeps_its_informer_whoever_calls_it_but_not_for_a_LIST_whose_failure_the_code_handles()
        {
            const string source = """
                using System;
                using System.Net;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Autorest;
                using k8s.Models;

                sealed class ClusterService : IDisposable
                {
                    private readonly IKubernetes client;
                    private readonly string ns;

                    private ClusterService()
                    {
                        var configuration = KubernetesClientConfiguration.InClusterConfig();
                        ns = configuration.Namespace;
                        client = new Kubernetes(configuration);
                    }

                    public static ClusterService Instance { get; } = new ClusterService();

                    public void Dispose()
                    {
                        client.Dispose();
                    }

                    public async Task<int> CountPodsAsync(CancellationToken ct)
                    {
                        V1PodList pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}(ns, cancellationToken: ct).ConfigureAwait(false);
                        return pods.Items.Count;
                    }

                    // A forbidden LIST throws and is handled here; an informer would retry instead, and the handler never run.
                    public async Task<int> CountNodesAsync(CancellationToken ct)
                    {
                        try
                        {
                            var nodes = await client.CoreV1.{|#1:ListNodeAsync|}(cancellationToken: ct).ConfigureAwait(false);
                            return nodes.Items.Count;
                        }
                        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Forbidden)
                        {
                            return 0;
                        }
                    }
                }

                class Bootstrap
                {
                    public async Task RunAsync(Func<ClusterService> resolve, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var service = resolve();
                            Console.WriteLine(await service.CountPodsAsync(ct) + await service.CountNodesAsync(ct));
                            await Task.Delay(TimeSpan.FromMinutes(1), ct);
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Net;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Autorest;
                using k8s.Models;
                using Resilience.Kubernetes;

                sealed class ClusterService : IDisposable
                {
                    private readonly IKubernetes client;
                    private readonly string ns;
                    private Informer<V1Pod, V1PodList> podInformer;

                    private ClusterService()
                    {
                        var configuration = KubernetesClientConfiguration.InClusterConfig();
                        ns = configuration.Namespace;
                        client = new Kubernetes(configuration);
                    }

                    public static ClusterService Instance { get; } = new ClusterService();

                    public void Dispose()
                    {
                        podInformer?.Dispose();
                        client.Dispose();
                    }

                    public async Task<int> CountPodsAsync(CancellationToken ct)
                    {
                        await LazyInitializer.EnsureInitialized(ref podInformer, () => Informers.Create(ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: ns, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)))).StartAsync(ct).ConfigureAwait(false);
                        V1PodList pods = podInformer.List();
                        return pods.Items.Count;
                    }

                    // A forbidden LIST throws and is handled here; an informer would retry instead, and the handler never run.
                    public async Task<int> CountNodesAsync(CancellationToken ct)
                    {
                        try
                        {
                            var nodes = await client.CoreV1.{|#1:ListNodeAsync|}(cancellationToken: ct).ConfigureAwait(false);
                            return nodes.Items.Count;
                        }
                        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Forbidden)
                        {
                            return 0;
                        }
                    }
                }

                class Bootstrap
                {
                    public async Task RunAsync(Func<ClusterService> resolve, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var service = resolve();
                            Console.WriteLine(await service.CountPodsAsync(ct) + await service.CountNodesAsync(ct));
                            await Task.Delay(TimeSpan.FromMinutes(1), ct);
                        }
                    }
                }
                """;
            var test = Test(source, fixedSource);
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.CallerRule, 0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.CallerRule, 1).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            test.FixedState.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.CallerRule, 1).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_timer_of_a_hosted_service_polling_a_helper_it_keeps()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Microsoft.Extensions.Hosting;

                class ServiceLookup
                {
                    private readonly IKubernetes client;

                    public ServiceLookup(IKubernetes client) => this.client = client;

                    public async Task<V1ServiceList> ServicesAsync()
                    {
                        return await client.CoreV1.{|#0:ListNamespacedServiceAsync|}("shop");
                    }
                }

                sealed class Refresher : IHostedService, IDisposable
                {
                    private readonly ServiceLookup lookup;
                    private Timer timer;

                    public Refresher(ServiceLookup lookup) => this.lookup = lookup;

                    public Task StartAsync(CancellationToken cancellationToken)
                    {
                        timer = new Timer(async _ => Console.WriteLine((await lookup.ServicesAsync()).Items.Count), null, TimeSpan.Zero, TimeSpan.FromSeconds(15));
                        return Task.CompletedTask;
                    }

                    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

                    public void Dispose() => timer?.Dispose();
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Microsoft.Extensions.Hosting;
                using Resilience.Kubernetes;

                class ServiceLookup
                {
                    private readonly IKubernetes client;
                    private Informer<V1Service, V1ServiceList> serviceInformer;

                    public ServiceLookup(IKubernetes client) => this.client = client;

                    public async Task<V1ServiceList> ServicesAsync()
                    {
                        await LazyInitializer.EnsureInitialized(ref serviceInformer, () => Informers.Create(ListWatch.FromHttpOperation<V1Service, V1ServiceList>((o, c) => client.CoreV1.ListNamespacedServiceWithHttpMessagesAsync(namespaceParameter: "shop", fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)))).StartAsync();
                        return serviceInformer.List();
                    }
                }

                sealed class Refresher : IHostedService, IDisposable
                {
                    private readonly ServiceLookup lookup;
                    private Timer timer;

                    public Refresher(ServiceLookup lookup) => this.lookup = lookup;

                    public Task StartAsync(CancellationToken cancellationToken)
                    {
                        timer = new Timer(async _ => Console.WriteLine((await lookup.ServicesAsync()).Items.Count), null, TimeSpan.Zero, TimeSpan.FromSeconds(15));
                        return Task.CompletedTask;
                    }

                    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

                    public void Dispose() => timer?.Dispose();
                }
                """;
            var test = Test(source, fixedSource);
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.CallerRule, 0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            await test.RunAsync();
        }
    }
}
