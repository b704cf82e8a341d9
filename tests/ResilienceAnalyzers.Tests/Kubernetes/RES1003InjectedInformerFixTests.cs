using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using UseInformer = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1003PollingListAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1003UseInformerFixer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// RES1003 in a class the DI container constructs, in a project that references Resilience.Kubernetes.Hosting: the fix
    /// takes the shared informer from the injected <c>SharedInformerFactory</c> and registers <c>AddKubernetesInformers()</c>
    /// once beside the class's registration; without the package, or without a registration of the class in the project, it
    /// keeps the private informer. The fixed code compiles against the real client, Resilience.Kubernetes(.Hosting) and the
    /// ASP.NET Core reference pack (Microsoft.Extensions.Hosting and DI).
    /// </summary>
    public class RES1003InjectedInformerFixTests
    {
        private static UseInformer Test(string source, string fixedSource, bool hosting = true, bool program = false)
        {
            var test = RuntimeFixTests.WithRuntime(new UseInformer(source, fixedSource));
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            test.FixedState.AdditionalReferences.AddRange(References.AspNetCore);
            if (hosting)
            {
                test.TestState.AdditionalReferences.Add(References.ResilienceKubernetesHosting);
                test.FixedState.AdditionalReferences.Add(References.ResilienceKubernetesHosting);
            }

            if (program)
            {
                test.TestState.OutputKind = OutputKind.ConsoleApplication;
                test.FixedState.OutputKind = OutputKind.ConsoleApplication;
            }

            return test;
        }

        [Fact]
        public async Task A_hosted_service_registered_in_a_top_level_program_takes_the_shared_informer_and_the_program_registers_the_factory()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                var builder = Host.CreateApplicationBuilder(args);
                builder.Services.AddSingleton<IKubernetes>(new Kubernetes(KubernetesClientConfiguration.InClusterConfig()));
                builder.Services.AddHostedService<Worker>();
                builder.Build().Run();

                sealed class Worker : BackgroundService
                {
                    private readonly IKubernetes client;

                    public Worker(IKubernetes client)
                    {
                        this.client = client;
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            V1PodList pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("team-a", labelSelector: "app=web", cancellationToken: stoppingToken);
                            Console.WriteLine(pods.Items.Count);
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
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;
                using Resilience.Kubernetes;
                using Resilience.Kubernetes.Hosting;

                var builder = Host.CreateApplicationBuilder(args);
                builder.Services.AddSingleton<IKubernetes>(new Kubernetes(KubernetesClientConfiguration.InClusterConfig()));
                builder.Services.AddKubernetesInformers();
                builder.Services.AddHostedService<Worker>();
                builder.Build().Run();

                sealed class Worker : BackgroundService
                {
                    private readonly IKubernetes client;
                    private readonly Informer<V1Pod, V1PodList> podInformer;

                    public Worker(IKubernetes client, SharedInformerFactory informers)
                    {
                        this.client = client;
                        podInformer = informers.GetOrCreate(new InformerKey("pods", "team-a", null, "app=web"), () => ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => this.client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: "team-a", labelSelector: "app=web", fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        await podInformer.StartAsync(stoppingToken);
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            V1PodList pods = podInformer.List();
                            Console.WriteLine(pods.Items.Count);
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                        }
                    }
                }
                """;
            var test = Test(source, fixedSource, program: true);
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 0));
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(
                "Use the shared informer from the injected SharedInformerFactory: list once, then watch (podInformer; registers AddKubernetesInformers())", action.Title);
            await test.RunAsync();
        }

        [Fact]
        public async Task A_repository_registered_in_Startup_ConfigureServices_takes_the_factory_in_its_constructor()
        {
            const string startup = """
                using k8s;
                using Microsoft.Extensions.DependencyInjection;

                public class Startup
                {
                    public void ConfigureServices(IServiceCollection services)
                    {
                        services.AddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()));
                        // the repository the worker polls
                        services.AddSingleton<PodRepository>();
                        services.AddHostedService<Worker>();
                    }
                }
                """;
            const string fixedStartup = """
                using k8s;
                using Microsoft.Extensions.DependencyInjection;

                public class Startup
                {
                    public void ConfigureServices(IServiceCollection services)
                    {
                        services.AddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()));
                        services.AddKubernetesInformers();
                        // the repository the worker polls
                        services.AddSingleton<PodRepository>();
                        services.AddHostedService<Worker>();
                    }
                }
                """;
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Microsoft.Extensions.Hosting;

                public class PodRepository
                {
                    private readonly IKubernetes client;

                    public PodRepository(IKubernetes client) => this.client = client;

                    public async Task<int> CountAsync(CancellationToken ct)
                    {
                        V1PodList pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("team-a", labelSelector: "app=web", cancellationToken: ct).ConfigureAwait(false);
                        return pods.Items.Count;
                    }
                }

                public class Worker : BackgroundService
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
                using Resilience.Kubernetes.Hosting;

                public class PodRepository
                {
                    private readonly IKubernetes client;
                    private readonly Informer<V1Pod, V1PodList> podInformer;

                    public PodRepository(IKubernetes client, SharedInformerFactory informers)
                    {
                        this.client = client;
                        podInformer = informers.GetOrCreate(new InformerKey("pods", "team-a", null, "app=web"), () => ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => this.client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: "team-a", labelSelector: "app=web", fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                    }

                    public async Task<int> CountAsync(CancellationToken ct)
                    {
                        await podInformer.StartAsync(ct).ConfigureAwait(false);
                        V1PodList pods = podInformer.List();
                        return pods.Items.Count;
                    }
                }

                public class Worker : BackgroundService
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
            test.TestState.Sources.Add(("/0/Startup.cs", startup));
            test.FixedState.Sources.Add(("/0/Startup.cs", fixedStartup));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.CallerRule, 0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            await test.RunAsync();
        }

        [Fact]
        public async Task Two_hosted_services_under_Fix_All_get_one_registration_in_a_ConfigureServices_lambda()
        {
            const string program = """
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                public static class Program
                {
                    public static void Main(string[] args)
                        => Host.CreateDefaultBuilder(args)
                            .ConfigureServices((context, services) => services.AddHostedService<PodWorker>().AddHostedService<NodeWorker>())
                            .Build()
                            .Run();
                }
                """;
            const string fixedProgram = """
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                public static class Program
                {
                    public static void Main(string[] args)
                        => Host.CreateDefaultBuilder(args)
                            .ConfigureServices((context, services) =>
                            {
                                services.AddKubernetesInformers();
                                services.AddHostedService<PodWorker>().AddHostedService<NodeWorker>();
                            })
                            .Build()
                            .Run();
                }
                """;
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Microsoft.Extensions.Hosting;

                public sealed class PodWorker : BackgroundService
                {
                    private readonly IKubernetes client = new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig());

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            var pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("team-a", cancellationToken: stoppingToken);
                            Console.WriteLine(pods.Items.Count);
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                        }
                    }
                }

                public sealed class NodeWorker : BackgroundService
                {
                    private readonly IKubernetes client;

                    public NodeWorker(IKubernetes client)
                    {
                        this.client = client;
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            var nodes = await client.CoreV1.{|#1:ListNodeAsync|}(labelSelector: "pool=gpu", cancellationToken: stoppingToken);
                            Console.WriteLine(nodes.Items.Count);
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
                using Resilience.Kubernetes.Hosting;

                public sealed class PodWorker : BackgroundService
                {
                    private readonly IKubernetes client = new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig());
                    private readonly Informer<V1Pod, V1PodList> podInformer;

                    public PodWorker(SharedInformerFactory informers)
                    {
                        podInformer = informers.GetOrCreate(new InformerKey("pods", "team-a", null, null), () => ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: "team-a", fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        await podInformer.StartAsync(stoppingToken);
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            var pods = podInformer.List();
                            Console.WriteLine(pods.Items.Count);
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                        }
                    }
                }

                public sealed class NodeWorker : BackgroundService
                {
                    private readonly IKubernetes client;
                    private readonly Informer<V1Node, V1NodeList> nodeInformer;

                    public NodeWorker(IKubernetes client, SharedInformerFactory informers)
                    {
                        this.client = client;
                        nodeInformer = informers.GetOrCreate(new InformerKey("nodes", null, null, "pool=gpu"), () => ListWatch.FromHttpOperation<V1Node, V1NodeList>((o, c) => this.client.CoreV1.ListNodeWithHttpMessagesAsync(labelSelector: "pool=gpu", fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        await nodeInformer.StartAsync(stoppingToken);
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            var nodes = nodeInformer.List();
                            Console.WriteLine(nodes.Items.Count);
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                        }
                    }
                }
                """;
            var test = Test(source, fixedSource);
            test.TestState.Sources.Add(("/0/Program.cs", program));
            test.FixedState.Sources.Add(("/0/Program.cs", fixedProgram));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_project_that_registers_the_informers_already_gets_no_second_registration_and_the_factory_parameter_is_reused()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;
                using Resilience.Kubernetes;
                using Resilience.Kubernetes.Hosting;

                var builder = Host.CreateApplicationBuilder(args);
                builder.Services.AddKubernetesInformers().AddOwnNode();
                builder.Services.AddHostedService<Worker>();
                builder.Build().Run();

                sealed class Worker : BackgroundService
                {
                    private readonly IKubernetes client;
                    private readonly Informer<V1Node, V1NodeList> node;

                    public Worker(IKubernetes client, SharedInformerFactory factory)
                    {
                        this.client = client;
                        node = factory.OwnNode();
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            V1PodList pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("team-a", cancellationToken: stoppingToken);
                            Console.WriteLine(pods.Items.Count + node.List().Items.Count);
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
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;
                using Resilience.Kubernetes;
                using Resilience.Kubernetes.Hosting;

                var builder = Host.CreateApplicationBuilder(args);
                builder.Services.AddKubernetesInformers().AddOwnNode();
                builder.Services.AddHostedService<Worker>();
                builder.Build().Run();

                sealed class Worker : BackgroundService
                {
                    private readonly IKubernetes client;
                    private readonly Informer<V1Node, V1NodeList> node;
                    private readonly Informer<V1Pod, V1PodList> podInformer;

                    public Worker(IKubernetes client, SharedInformerFactory factory)
                    {
                        this.client = client;
                        node = factory.OwnNode();
                        podInformer = factory.GetOrCreate(new InformerKey("pods", "team-a", null, null), () => ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => this.client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: "team-a", fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        await podInformer.StartAsync(stoppingToken);
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            V1PodList pods = podInformer.List();
                            Console.WriteLine(pods.Items.Count + node.List().Items.Count);
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                        }
                    }
                }
                """;
            var test = Test(source, fixedSource, program: true);
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 0));
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(
                "Use the shared informer from the injected SharedInformerFactory: list once, then watch (podInformer)", action.Title);
            await test.RunAsync();
        }

        /// <summary>The worker of the first test, as a class no registration of the project names, or in a project without the hosting package.</summary>
        private const string UnregisteredWorker = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using k8s;
            using k8s.Models;
            using Microsoft.Extensions.Hosting;

            public sealed class Worker : BackgroundService
            {
                private readonly IKubernetes client;

                public Worker(IKubernetes client)
                {
                    this.client = client;
                }

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        V1PodList pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("team-a", labelSelector: "app=web", cancellationToken: stoppingToken);
                        Console.WriteLine(pods.Items.Count);
                        await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                    }
                }
            }
            """;

        private const string PrivateInformerWorker = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using k8s;
            using k8s.Models;
            using Microsoft.Extensions.Hosting;
            using Resilience.Kubernetes;

            public sealed class Worker : BackgroundService
            {
                private readonly IKubernetes client;

                public Worker(IKubernetes client)
                {
                    this.client = client;
                }

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    using var podInformer = Informers.Create(ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: "team-a", labelSelector: "app=web", fieldSelector: o.FieldSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                    await podInformer.StartAsync(stoppingToken);
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        V1PodList pods = podInformer.List();
                        Console.WriteLine(pods.Items.Count);
                        await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                    }
                }
            }
            """;

        private const string Registration = """
            using Microsoft.Extensions.DependencyInjection;

            public static class Registration
            {
                public static IServiceCollection AddWorker(this IServiceCollection services)
                {
                    services.AddHostedService<Worker>();
                    return services;
                }
            }
            """;

        [Fact]
        public async Task Without_the_hosting_package_the_fix_keeps_a_private_informer_and_says_so()
        {
            var test = Test(UnregisteredWorker, PrivateInformerWorker, hosting: false);
            test.TestState.Sources.Add(("/0/Registration.cs", Registration));
            test.FixedState.Sources.Add(("/0/Registration.cs", Registration));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 0));
            test.CodeActionVerifier = (action, verifier) => verifier.Equal("Use a private informer: list once, then watch (podInformer)", action.Title);
            await test.RunAsync();
        }

        [Fact]
        public async Task Without_a_registration_of_the_class_in_the_project_the_fix_keeps_a_private_informer()
        {
            var test = Test(UnregisteredWorker, PrivateInformerWorker);
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 0));
            test.CodeActionVerifier = (action, verifier) => verifier.Equal("Use a private informer: list once, then watch (podInformer)", action.Title);
            await test.RunAsync();
        }

        [Fact]
        public async Task Two_identical_lists_of_a_registered_repository_share_one_injected_informer_one_fix_at_a_time_or_all_at_once()
        {
            const string source = """
                using System;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                var services = new ServiceCollection();
                services.AddSingleton<IKubernetes>(new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()));
                services.AddHostedService<Worker>();

                sealed class Worker : BackgroundService
                {
                    private readonly IKubernetes client;

                    public Worker(IKubernetes client) => this.client = client;

                    private async Task<int> CountAsync(CancellationToken ct)
                    {
                        var pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}("team-a", cancellationToken: ct);
                        return pods.Items.Count;
                    }

                    private async Task<string[]> NamesAsync(CancellationToken ct)
                    {
                        var pods = await client.CoreV1.{|#1:ListNamespacedPodAsync|}("team-a", cancellationToken: ct);
                        return pods.Items.Select(p => p.Metadata.Name).ToArray();
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            Console.WriteLine(await CountAsync(stoppingToken) + " " + string.Join(",", await NamesAsync(stoppingToken)));
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
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;
                using Resilience.Kubernetes;
                using Resilience.Kubernetes.Hosting;

                var services = new ServiceCollection();
                services.AddSingleton<IKubernetes>(new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()));
                services.AddKubernetesInformers();
                services.AddHostedService<Worker>();

                sealed class Worker : BackgroundService
                {
                    private readonly IKubernetes client;
                    private readonly Informer<V1Pod, V1PodList> podInformer;

                    public Worker(IKubernetes client, SharedInformerFactory informers)
                    {
                        this.client = client;
                        podInformer = informers.GetOrCreate(new InformerKey("pods", "team-a", null, null), () => ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => this.client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: "team-a", fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                    }

                    private async Task<int> CountAsync(CancellationToken ct)
                    {
                        await podInformer.StartAsync(ct);
                        var pods = podInformer.List();
                        return pods.Items.Count;
                    }

                    private async Task<string[]> NamesAsync(CancellationToken ct)
                    {
                        await podInformer.StartAsync(ct);
                        var pods = podInformer.List();
                        return pods.Items.Select(p => p.Metadata.Name).ToArray();
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            Console.WriteLine(await CountAsync(stoppingToken) + " " + string.Join(",", await NamesAsync(stoppingToken)));
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                        }
                    }
                }
                """;
            var test = Test(source, fixedSource, program: true);
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.CallerRule, 0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.CallerRule, 1).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_registered_class_that_the_code_also_makes_with_new_keeps_a_private_informer()
        {
            const string registration = """
                using k8s;
                using Microsoft.Extensions.DependencyInjection;

                public static class Registration
                {
                    public static void AddWorker(IServiceCollection services)
                    {
                        services.AddHostedService<Worker>();
                    }

                    public static Worker Make(IKubernetes client) => new Worker(client);
                }
                """;
            var test = Test(UnregisteredWorker, PrivateInformerWorker);
            test.TestState.Sources.Add(("/0/Registration.cs", registration));
            test.FixedState.Sources.Add(("/0/Registration.cs", registration));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 0));
            test.CodeActionVerifier = (action, verifier) => verifier.Equal("Use a private informer: list once, then watch (podInformer)", action.Title);
            await test.RunAsync();
        }
    }
}
