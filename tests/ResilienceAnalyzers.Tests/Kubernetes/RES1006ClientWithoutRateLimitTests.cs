using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>RES1006: a Kubernetes client with no client-side rate limit, built in per-node or repeated code.</summary>
    public class RES1006ClientWithoutRateLimitTests
    {
        private static AnalyzerTest<RES1006ClientWithoutRateLimitAnalyzer> Test(string source, params (string, string)[] config)
        {
            var test = new AnalyzerTest<RES1006ClientWithoutRateLimitAnalyzer>(source, Client.V21, config);
            test.TestState.AdditionalReferences.Add(References.ResilienceKubernetes);
            return test;
        }

        private const string Handlers = """

            class LoggingHandler : System.Net.Http.DelegatingHandler { }
            class ThrottlingHandler : System.Net.Http.DelegatingHandler { }
            """;

        [Fact]
        public async Task A_client_built_on_every_node_warns_with_the_fleets_numbers()
        {
            const string source = """
                using k8s;

                class Agent
                {
                    private readonly IKubernetes own = {|#0:new Kubernetes(KubernetesClientConfiguration.InClusterConfig())|};

                    public IKubernetes Connect() => {|#1:new Kubernetes(KubernetesClientConfiguration.InClusterConfig(), new LoggingHandler())|};
                }
                """ + Handlers;
            var test = Test(source, Config.DaemonSet(nodes: 5000));
            test.ExpectedDiagnostics.Add(Expect.Message(RES1006ClientWithoutRateLimitAnalyzer.Rule,
                "new Kubernetes(…) has no client-side rate limit and runs on every node (5,000 copies; <ResilienceWorkload> = DaemonSet): "
                + "a hot loop or a tight retry in each of 5,000 copies sends as fast as the API server answers; with client-go's limit the fleet sends at most 25,000 requests/s (50,000 at once); "
                + "client-go holds every client to 5 requests/s with a burst of 10 (rest.DefaultQPS, rest.DefaultBurst); add new Resilience.Kubernetes.RateLimitingHandler() to its handlers, which also waits out the API server's Retry-After on 429"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1006ClientWithoutRateLimitAnalyzer.CallerRule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task Code_that_reads_its_node_name_runs_on_every_node()
        {
            const string source = """
                using System;
                using k8s;

                class Agent
                {
                    private readonly string node = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";

                    public IKubernetes Connect(KubernetesClientConfiguration config) => {|#0:new Kubernetes(config)|};
                }
                """;
            var test = Test(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1006ClientWithoutRateLimitAnalyzer.CallerRule, 0));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_client_built_again_and_again_warns_wherever_it_runs()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Poller
                {
                    async Task RunAsync(KubernetesClientConfiguration config, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            using var client = {|#0:new Kubernetes(config)|};
                            await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: ct);
                            await Task.Delay(TimeSpan.FromSeconds(5), ct);
                        }
                    }
                }
                """;
            var test = Test(source);
            test.ExpectedDiagnostics.Add(Expect.Message(RES1006ClientWithoutRateLimitAnalyzer.Rule,
                "new Kubernetes(…) has no client-side rate limit, created on every pass of a while loop: "
                + "a hot loop or a tight retry sends as fast as the API server answers, and each new client starts with nothing holding it back; "
                + "client-go holds every client to 5 requests/s with a burst of 10 (rest.DefaultQPS, rest.DefaultBurst); add new Resilience.Kubernetes.RateLimitingHandler() to its handlers, which also waits out the API server's Retry-After on 429"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Rate_limited_unknown_or_single_copy_clients_are_silent()
        {
            const string source = """
                using System.Net.Http;
                using k8s;
                using Resilience.Kubernetes;

                class Agent
                {
                    IKubernetes Limited(KubernetesClientConfiguration config) => new Kubernetes(config, new RateLimitingHandler());
                    IKubernetes Tuned(KubernetesClientConfiguration config) => new Kubernetes(config, new LoggingHandler(), new RateLimitingHandler(new RateLimitingOptions { QueriesPerSecond = 2 }));
                    IKubernetes Own(KubernetesClientConfiguration config) => new Kubernetes(config, new ThrottlingHandler());
                    IKubernetes Given(KubernetesClientConfiguration config, DelegatingHandler handler) => new Kubernetes(config, handler);
                    IKubernetes Array(KubernetesClientConfiguration config, DelegatingHandler[] handlers) => new Kubernetes(config, handlers);
                }
                """ + Handlers;
            await Test(source, Config.DaemonSet()).RunAsync();

            // Nothing multiplies one client in one copy: silent, even without a limiter.
            const string single = """
                using k8s;

                class Tool
                {
                    static void Main() { using var client = new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()); }
                }
                """;
            await Test(single).RunAsync();
        }

        [Fact]
        public async Task The_fix_adds_a_RateLimitingHandler_to_the_handlers()
        {
            const string source = """
                using k8s;

                class Agent
                {
                    private readonly IKubernetes own = {|#0:new Kubernetes(KubernetesClientConfiguration.InClusterConfig())|};

                    public IKubernetes Connect() => {|#1:new Kubernetes(KubernetesClientConfiguration.InClusterConfig(), new LoggingHandler())|};
                }
                """ + Handlers;
            const string fixedSource = """
                using k8s;
                using Resilience.Kubernetes;

                class Agent
                {
                    private readonly IKubernetes own = new Kubernetes(KubernetesClientConfiguration.InClusterConfig(), new RateLimitingHandler());

                    public IKubernetes Connect() => new Kubernetes(KubernetesClientConfiguration.InClusterConfig(), new LoggingHandler(), new RateLimitingHandler());
                }
                """ + Handlers;
            var test = new FixTest<RES1006ClientWithoutRateLimitAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1006AddRateLimitFixer>(source, fixedSource, Client.V21, Config.DaemonSet());
            test.TestState.AdditionalReferences.Add(References.ResilienceKubernetes);
            test.FixedState.AdditionalReferences.Add(References.ResilienceKubernetes);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1006ClientWithoutRateLimitAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1006ClientWithoutRateLimitAnalyzer.CallerRule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task No_fix_without_the_runtime_or_for_an_explicit_array()
        {
            const string source = """
                using System.Net.Http;
                using k8s;

                class Agent
                {
                    public IKubernetes Connect() => {|#0:new Kubernetes(KubernetesClientConfiguration.InClusterConfig(), new DelegatingHandler[] { new LoggingHandler() })|};
                }
                """ + Handlers;
            var test = new FixTest<RES1006ClientWithoutRateLimitAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1006AddRateLimitFixer>(source, source, Client.V21, Config.DaemonSet());
            test.TestState.AdditionalReferences.Add(References.ResilienceKubernetes);
            test.FixedState.AdditionalReferences.Add(References.ResilienceKubernetes);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1006ClientWithoutRateLimitAnalyzer.CallerRule, 0));
            await test.RunAsync();

            const string plain = """
                using k8s;

                class Agent
                {
                    public IKubernetes Connect() => {|#0:new Kubernetes(KubernetesClientConfiguration.InClusterConfig())|};
                }
                """;
            var withoutRuntime = new FixTest<RES1006ClientWithoutRateLimitAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1006AddRateLimitFixer>(plain, plain, Client.V21, Config.DaemonSet());
            withoutRuntime.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1006ClientWithoutRateLimitAnalyzer.CallerRule, 0));
            await withoutRuntime.RunAsync();
        }

        [Fact]
        public async Task Half_typed_code_does_not_throw()
        {
            const string source = """
                using k8s;

                class Broken
                {
                    void M()
                    {
                        var a = new Kubernetes();
                        var b = new Kubernetes(null, "x");
                        var c = new Kubernetes(KubernetesClientConfiguration.InClusterConfig(), new Missing());
                        var d = new Kubernetes(
                    }
                }
                """;
            var test = Test(source, Config.DaemonSet());
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    }
}
