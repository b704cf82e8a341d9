using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>Per-request paths: a LIST (RES1003) or a WATCH (RES1004) in a controller action or minimal-API handler runs once per request.</summary>
    public class PerRequestPathTests
    {
        [Fact]
        public async Task Lists_in_controller_actions_and_route_handlers_repeat_per_request()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using Microsoft.AspNetCore.Builder;
                using Microsoft.AspNetCore.Mvc;

                public class PodsController : ControllerBase
                {
                    private readonly IKubernetes client;

                    public PodsController(IKubernetes client) => this.client = client;

                    [HttpGet("pods")]
                    public async Task<int> Count() => (await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}()).Items.Count;

                    public async Task<int> Nodes() => (await client.CoreV1.{|#1:ListNodeAsync|}()).Items.Count;

                    private Task Helper() => client.CoreV1.ListNamespacedPodAsync("default");
                }

                public static class Routes
                {
                    public static void Map(WebApplication app, IKubernetes client)
                        => app.MapGet("/services", async () => (await client.CoreV1.{|#2:ListServiceForAllNamespacesAsync|}()).Items.Count);
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1003PollingListAnalyzer.Rule,
                "ListPodForAllNamespacesAsync lists pods in all namespaces on every HTTP request from one copy: 30,000 pods (~420 MB as JSON) processed from etcd for every request served, at 1,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 1));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 2));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_watch_started_per_request_says_so()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using Microsoft.AspNetCore.Mvc;

                public class EventsController : ControllerBase
                {
                    private readonly IKubernetes client;

                    public EventsController(IKubernetes client) => this.client = client;

                    [HttpGet("events")]
                    public async Task<int> Stream()
                    {
                        int n = 0;
                        await foreach (var (type, pod) in client.CoreV1.{|#0:WatchListNamespacedPodAsync|}("default")) n++;
                        return n;
                    }
                }
                """;
            var test = new AnalyzerTest<RES1004WatchWithoutResumeAnalyzer>(source);
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule).WithMessage(
                "WatchListNamespacedPodAsync watches pods in the namespace without a resourceVersion and is started again on every HTTP request: every start replays 600 pods (~8.4 MB as JSON) as ADDED events, "
                + "at 1,000 nodes × 30 pods per node; resume from the last resourceVersion seen (list, then watch from the list's resourceVersion with allowWatchBookmarks), relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)"));
            await test.RunAsync();
        }
    
        [Fact]
        public async Task Middleware_runs_per_request_and_a_connection_handler_per_accepted_connection()
        {
            // tye's proxy (survey): Kestrel's listenOptions.Run(async connection => …) connects to its target by host name
            // for every accepted connection; app.Run(async context => …) looks the name up for every request.
            const string source = """
                using System.Net;
                using System.Net.Sockets;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Builder;
                using Microsoft.AspNetCore.Connections;
                using Microsoft.AspNetCore.Hosting;

                public static class Proxy
                {
                    public static void Listen(IConnectionBuilder listen, string target)
                        => listen.Run(async connection =>
                        {
                            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                            await socket.{|#0:ConnectAsync|}(target, 8080);
                        });

                    public static void Map(WebApplication app, string upstream)
                        => app.Run(async context => await Dns.{|#1:GetHostAddressesAsync|}(upstream));
                }
                """;
            var connects = new AnalyzerTest<ResilienceAnalyzers.Dns.RES2003HostNameConnectAnalyzer>(source, Client.None);
            connects.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            connects.ExpectedDiagnostics.Add(Expect.Diagnostic(ResilienceAnalyzers.Dns.RES2003HostNameConnectAnalyzer.Rule, 0).WithMessage(
                "Socket.ConnectAsync connects to target by name on every accepted connection: it resolves through the system resolver (no cache) on every call, so reconnects fail as soon as DNS does: "
                + "30 s into a DNS outage every reconnect fails; resolve through Resilience.Dns.CachedDns and connect to the addresses"));
            await connects.RunAsync();

            var lookups = new AnalyzerTest<ResilienceAnalyzers.Dns.RES2001UncachedDnsAnalyzer>(source, Client.None);
            lookups.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            lookups.ExpectedDiagnostics.Add(Expect.Diagnostic(ResilienceAnalyzers.Dns.RES2001UncachedDnsAnalyzer.Rule, 1));
            await lookups.RunAsync();
        }
}
}
