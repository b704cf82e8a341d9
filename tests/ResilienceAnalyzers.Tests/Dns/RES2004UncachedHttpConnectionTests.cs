using System.Threading.Tasks;
using ResilienceAnalyzers.Dns;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Dns
{
    /// <summary>RES2004: HTTP/gRPC connections resolved with no stale fallback; severity from the path, silent when cached.</summary>
    public class RES2004UncachedHttpConnectionTests
    {
        private static AnalyzerTest<RES2004UncachedHttpConnectionAnalyzer> Test(string source, params (string, string)[] config)
        {
            var test = new AnalyzerTest<RES2004UncachedHttpConnectionAnalyzer>(source, Client.None, config);
            test.TestState.AdditionalReferences.Add(References.ResilienceDns);
            test.TestState.AdditionalReferences.AddRange(References.HttpClientFactory);
            test.TestState.AdditionalReferences.AddRange(References.GrpcClient);
            return test;
        }

        [Fact]
        public async Task A_client_created_per_request_warns_and_says_what_an_outage_does()
        {
            const string source = """
                using System.Net.Http;
                using System.Threading;
                using System.Threading.Tasks;

                class Exporter
                {
                    async Task RunAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            using var http = {|#0:new HttpClient()|};
                            await http.GetStringAsync("http://collector.monitoring.svc/v1/metrics", ct);
                            await Task.Delay(10_000, ct);
                        }
                    }
                }
                """;
            var test = Test(source);
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES2004UncachedHttpConnectionAnalyzer.Rule,
                "new HttpClient() resolves its requests' hosts through the system resolver on every new connection, with no stale fallback, created on every pass of a while loop: "
                + "each new handler starts with an empty connection pool, so every creation resolves again; 30 s into a DNS outage every new connection fails; "
                + "create it with new SocketsHttpHandler().UseCachedDns(CachedDns.Resolver) (Resilience.Dns), which serves the last good answer (RFC 8767)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_client_created_once_is_a_suggestion_and_a_warning_on_every_node()
        {
            const string source = """
                using System;
                using System.Net.Http;

                class Exporter
                {
                    private readonly HttpClient http = {|#0:new HttpClient|} { BaseAddress = new Uri("http://collector.monitoring.svc") };
                    private readonly HttpClient local = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:4318") };
                    private readonly HttpClient loopback = new HttpClient { BaseAddress = new Uri("http://localhost:4318") };
                }
                """;
            var once = Test(source);
            once.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.Rule).WithMessage(
                "new HttpClient() resolves \"http://collector.monitoring.svc\" through the system resolver on every new connection, with no stale fallback: "
                + "its pool opens a new connection after 1 min idle (PooledConnectionIdleTimeout) or when PooledConnectionLifetime ends; 30 s into a DNS outage every new connection fails; "
                + "create it with new SocketsHttpHandler().UseCachedDns(CachedDns.Resolver) (Resilience.Dns), which serves the last good answer (RFC 8767)"));
            await once.RunAsync();

            var perNode = Test(source, Config.DaemonSet(nodes: 5000));
            perNode.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2004UncachedHttpConnectionAnalyzer.Rule).WithMessage(
                "new HttpClient() resolves \"http://collector.monitoring.svc\" through the system resolver on every new connection, with no stale fallback: "
                + "its pool opens a new connection after 1 min idle (PooledConnectionIdleTimeout) or when PooledConnectionLifetime ends; "
                + "30 s into a DNS outage every new connection from 5,000 copies fails (<ResilienceWorkload> = DaemonSet); "
                + "create it with new SocketsHttpHandler().UseCachedDns(CachedDns.Resolver) (Resilience.Dns), which serves the last good answer (RFC 8767)"));
            await perNode.RunAsync();
        }

        [Fact]
        public async Task Handlers_without_a_connect_callback_are_flagged_where_they_are_created()
        {
            const string source = """
                using System;
                using System.Net.Http;

                class Clients
                {
                    HttpClient Pooled() => new HttpClient({|#0:new SocketsHttpHandler|} { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

                    HttpClient Legacy() => {|#1:new HttpClient(new HttpClientHandler())|};

                    HttpClient ViaLocal()
                    {
                        var handler = {|#2:new SocketsHttpHandler()|};
                        handler.MaxConnectionsPerServer = 4;
                        return new HttpClient(handler, disposeHandler: true);
                    }
                }
                """;
            var test = Test(source);
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 0).WithMessage(
                "new SocketsHttpHandler resolves every host it connects to through the system resolver on every new connection, with no stale fallback: "
                + "its pool opens a new connection after 1 min idle (PooledConnectionIdleTimeout) or when PooledConnectionLifetime ends; 30 s into a DNS outage every new connection fails; "
                + "call .UseCachedDns(CachedDns.Resolver) on the handler (Resilience.Dns), which serves the last good answer (RFC 8767)"));
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 1));
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 2));
            await test.RunAsync();
        }

        [Fact]
        public async Task Connections_already_behind_a_cache_or_out_of_sight_are_silent()
        {
            const string source = """
                using System;
                using System.Net.Http;
                using System.Net.Sockets;
                using System.Threading.Tasks;
                using Resilience.Dns;

                class Clients
                {
                    private readonly CachedDnsResolver resolver = new CachedDnsResolver();

                    HttpClient Cached() => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }.UseCachedDns(resolver));

                    HttpClient Callback() => new HttpClient(new SocketsHttpHandler { ConnectCallback = (context, ct) => throw new NotSupportedException() });

                    HttpClient CachedLocal()
                    {
                        var handler = new SocketsHttpHandler();
                        handler.UseCachedDns(CachedDns.Resolver);
                        return new HttpClient(handler);
                    }

                    HttpClient CallbackLater()
                    {
                        var handler = new SocketsHttpHandler();
                        handler.ConnectCallback = (context, ct) => throw new NotSupportedException();
                        return new HttpClient(handler);
                    }

                    // Judged where the handler is made (a helper may add the callback).
                    HttpClient FromHelper(HttpMessageHandler handler) => new HttpClient(handler);

                    SocketsHttpHandler Returned() => new SocketsHttpHandler();

                    HttpClient Loopback() => new HttpClient { BaseAddress = new Uri("http://[::1]:8080") };
                }
                """;
            await Test(source).RunAsync();
        }

        [Fact]
        public async Task Factory_registrations_without_AddCachedDns_are_flagged()
        {
            const string source = """
                using System;
                using System.Net.Http;
                using Microsoft.Extensions.DependencyInjection;

                class Collector { public Collector(HttpClient http) { } }

                static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.{|#0:AddHttpClient|}("collector", c => c.BaseAddress = new Uri("http://collector.monitoring.svc"));
                        services.{|#1:AddHttpClient|}<Collector>().ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) });
                        services.AddHttpClient("cached").AddCachedDns();
                        services.AddHttpClient("callback").UseSocketsHttpHandler((handler, _) => handler.ConnectCallback = (context, ct) => throw new NotSupportedException());
                        services.AddHttpClient("elsewhere").ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<HttpMessageHandler>());
                        var builder = services.AddHttpClient("local");
                        builder.AddCachedDns();
                    }
                }
                """;
            var test = Test(source);
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 0).WithMessage(
                "AddHttpClient(\"collector\") resolves its clients' hosts through the system resolver on every new connection, with no stale fallback: "
                + "IHttpClientFactory builds each client a new handler with an empty pool every 2 min (HandlerLifetime), so every client resolves again at least that often; "
                + "30 s into a DNS outage every new connection fails; add .AddCachedDns() (Resilience.Dns.Http), which resolves through CachedDnsResolver and serves the last good answer (RFC 8767)"));
            test.ExpectedDiagnostics.Add(OneCopyRegistration(1, "AddHttpClient<Collector>"));
            await test.RunAsync();
        }

        /// <summary>A factory registration of one copy, not repeated: the suggestion, with the handler lifetime as the reason.</summary>
        private static Microsoft.CodeAnalysis.Testing.DiagnosticResult OneCopyRegistration(int markup, string registration)
            => Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, markup).WithArguments(
                registration, "its clients' hosts", string.Empty,
                "IHttpClientFactory builds each client a new handler with an empty pool every 2 min (HandlerLifetime), so every client resolves again at least that often",
                "30 s into a DNS outage every new connection fails",
                "add .AddCachedDns() (Resilience.Dns.Http), which resolves through CachedDnsResolver and serves the last good answer (RFC 8767)");

        [Fact]
        public async Task A_primary_handler_made_by_a_helper_that_returns_an_HttpClientHandler_is_flagged()
        {
            // SlimFaas (third unseen survey set): ConfigurePrimaryHttpMessageHandler(() => InternalHandler.Create(…)), whose
            // helper returns a plain HttpClientHandler: whoever built it, it has no ConnectCallback. Twins, silent: a helper
            // that returns a SocketsHttpHandler (it may carry a callback) and one that returns any HttpMessageHandler.
            const string source = """
                using System;
                using System.Net.Http;
                using Microsoft.Extensions.DependencyInjection;

                static class Handlers
                {
                    public static HttpClientHandler Plain(bool insecure)
                    {
                        var handler = new HttpClientHandler { UseProxy = false };
                        if (insecure)
                        {
                            handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
                        }

                        return handler;
                    }

                    public static SocketsHttpHandler Sockets() => new SocketsHttpHandler();

                    public static HttpMessageHandler Any() => Sockets();
                }

                static class Startup
                {
                    public static void Configure(IServiceCollection services, bool insecure)
                    {
                        services.{|#0:AddHttpClient|}("peers").ConfigurePrimaryHttpMessageHandler(() => Handlers.Plain(insecure));
                        services.AddHttpClient("sockets").ConfigurePrimaryHttpMessageHandler(() => Handlers.Sockets());
                        services.AddHttpClient("any").ConfigurePrimaryHttpMessageHandler(() => Handlers.Any());
                    }
                }
                """;
            var test = Test(source);
            test.ExpectedDiagnostics.Add(OneCopyRegistration(0, "AddHttpClient(\"peers\")"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Client_defaults_with_AddCachedDns_cover_every_registration()
        {
            const string source = """
                using Microsoft.Extensions.DependencyInjection;

                static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.ConfigureHttpClientDefaults(b => b.AddCachedDns());
                        services.AddHttpClient("collector");
                    }
                }
                """;
            await Test(source).RunAsync();
        }

        [Fact]
        public async Task Grpc_channels_by_host_name_are_flagged_unless_given_a_handler()
        {
            const string source = """
                using System;
                using System.Net.Http;
                using Grpc.Net.Client;
                using Resilience.Dns;

                class Channels
                {
                    GrpcChannel ByName() => GrpcChannel.{|#0:ForAddress|}("http://otel-collector.monitoring.svc:4317");
                    GrpcChannel ByUri(string host) => GrpcChannel.{|#1:ForAddress|}(new Uri("http://" + host + ":4317"), new GrpcChannelOptions { MaxReceiveMessageSize = 1 << 20 });
                    GrpcChannel Cached() => GrpcChannel.ForAddress("http://otel-collector.monitoring.svc:4317",
                        new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true }.UseCachedDns(CachedDns.Resolver) });
                    GrpcChannel Uncached() => GrpcChannel.ForAddress("http://otel-collector.monitoring.svc:4317",
                        new GrpcChannelOptions { HttpHandler = {|#2:new SocketsHttpHandler|} { EnableMultipleHttp2Connections = true } });
                    GrpcChannel Literal() => GrpcChannel.ForAddress("http://10.96.0.12:4317");
                    GrpcChannel Balanced() => GrpcChannel.ForAddress("dns:///otel-collector.monitoring.svc:4317");
                    GrpcChannel Options(GrpcChannelOptions options) => GrpcChannel.ForAddress("http://otel-collector.monitoring.svc:4317", options);
                }
                """;
            var test = Test(source);
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 0).WithMessage(
                "GrpcChannel.ForAddress resolves \"http://otel-collector.monitoring.svc:4317\" through the system resolver on every new connection, with no stale fallback: "
                + "the channel resolves again whenever its connection is lost or replaced; 30 s into a DNS outage every new connection fails; "
                + "pass new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true }.UseCachedDns(CachedDns.Resolver) } (Resilience.Dns), which serves the last good answer (RFC 8767)"));
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 1).WithArguments(
                "GrpcChannel.ForAddress", "\"http://\" + host + \":4317\"", string.Empty,
                "the channel resolves again whenever its connection is lost or replaced", "30 s into a DNS outage every new connection fails",
                "pass new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true }.UseCachedDns(CachedDns.Resolver) } (Resilience.Dns), which serves the last good answer (RFC 8767)"));
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 2));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_client_created_in_a_helper_that_a_request_handler_calls_warns_with_the_chain()
        {
            const string source = """
                using System.Net.Http;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Mvc;

                static class Clients
                {
                    public static HttpClient Create() => {|#0:new HttpClient()|};
                }

                public class OrdersController : ControllerBase
                {
                    [HttpGet("/orders")]
                    public async Task<string> Get()
                    {
                        using var http = Clients.{|#1:Create|}();
                        return await http.GetStringAsync("http://inventory.shop.svc/items");
                    }
                }
                """;
            var test = Test(source);
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 0).WithLocation(1).WithMessage(
                "new HttpClient() resolves its requests' hosts through the system resolver on every new connection, with no stale fallback, created on every HTTP request (OrdersController.Get (Test0.cs:15) → Clients.Create): "
                + "each new handler starts with an empty connection pool, so every creation resolves again; 30 s into a DNS outage every new connection fails; "
                + "create it with new SocketsHttpHandler().UseCachedDns(CachedDns.Resolver) (Resilience.Dns), which serves the last good answer (RFC 8767)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_registration_whose_clients_are_created_on_every_retry_warns_at_the_registration()
        {
            // SlimFaas (third unseen survey set): a batch is sent again after each failure, and each attempt creates a client
            // of the named registration, whose peers are DNS names. Twin: another registration whose client is created once
            // gets the one-copy suggestion only.
            const string source = """
                using System;
                using System.Net.Http;
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.Extensions.DependencyInjection;

                static class Registration
                {
                    public static void Add(IServiceCollection services)
                    {
                        services.{|#0:AddHttpClient|}("peers");
                        services.{|#2:AddHttpClient|}("once");
                    }
                }

                class BatchSender
                {
                    private readonly IHttpClientFactory factory;
                    public BatchSender(IHttpClientFactory factory) => this.factory = factory;

                    public async Task<string> SendWithRetriesAsync(byte[] payload, CancellationToken ct)
                    {
                        while (true)
                        {
                            try
                            {
                                return await {|#3:SendAsync|}(payload, ct);
                            }
                            catch (HttpRequestException)
                            {
                                await Task.Delay(500, ct);
                            }
                        }
                    }

                    private async Task<string> SendAsync(byte[] payload, CancellationToken ct)
                    {
                        using var http = factory.{|#1:CreateClient|}("peers");
                        var response = await http.PostAsync("http://leader.peers.svc:3262/batch", new ByteArrayContent(payload), ct);
                        return await response.Content.ReadAsStringAsync(ct);
                    }

                    public async Task<string> SendOnceAsync(CancellationToken ct)
                    {
                        using var http = factory.CreateClient("once");
                        return await http.GetStringAsync("http://leader.peers.svc:3262/state", ct);
                    }
                }
                """;
            var test = Test(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 0).WithLocation(3).WithLocation(1).WithMessage(
                "AddHttpClient(\"peers\") resolves its clients' hosts through the system resolver on every new connection, with no stale fallback, and a client of it is created on every retry (BatchSender.SendWithRetriesAsync (Test0.cs:27) → BatchSender.SendAsync → IHttpClientFactory.CreateClient): "
                + "IHttpClientFactory builds each client a new handler with an empty pool every 2 min (HandlerLifetime), so every client resolves again at least that often; "
                + "30 s into a DNS outage every new connection fails; add .AddCachedDns() (Resilience.Dns.Http), which resolves through CachedDnsResolver and serves the last good answer (RFC 8767)"));
            test.ExpectedDiagnostics.Add(OneCopyRegistration(2, "AddHttpClient(\"once\")"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_registration_whose_clients_are_created_on_every_probe_warns_at_the_registration()
        {
            // The shape of the health-check libraries: registered once, CreateClient(name) on every kubelet probe.
            const string source = """
                using System;
                using System.Net.Http;
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Diagnostics.HealthChecks;

                static class Registration
                {
                    public static void Add(IServiceCollection services)
                    {
                        services.{|#0:AddHttpClient|}("sendgrid", c => c.BaseAddress = new Uri("https://api.sendgrid.com"));
                        services.{|#3:AddHttpClient|}("other");
                        services.{|#2:AddHttpClient|}();
                    }
                }

                class SendGridCheck : IHealthCheck
                {
                    private readonly IHttpClientFactory factory;
                    public SendGridCheck(IHttpClientFactory factory) => this.factory = factory;

                    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
                    {
                        using var http = factory.{|#1:CreateClient|}("sendgrid");
                        await http.GetAsync("/v3/scopes", ct);
                        return HealthCheckResult.Healthy();
                    }
                }

                class Startup
                {
                    // Created once: not a repeated use of "other".
                    public Startup(IHttpClientFactory factory) => factory.CreateClient("other");
                }
                """;
            // The shared framework brings Microsoft.Extensions.Http and the health checks (not the 8.0 package of Test()).
            var test = new AnalyzerTest<RES2004UncachedHttpConnectionAnalyzer>(source, Client.None);
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            string use = "SendGridCheck.CheckHealthAsync (Test0.cs:25) → IHttpClientFactory.CreateClient";
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 0).WithLocation(1).WithMessage(
                "AddHttpClient(\"sendgrid\") resolves its clients' hosts through the system resolver on every new connection, with no stale fallback, and a client of it is created on every pass of health check (kubelet probe, periodSeconds default 10) (" + use + "): "
                + "IHttpClientFactory builds each client a new handler with an empty pool every 2 min (HandlerLifetime), so every client resolves again at least that often; "
                + "30 s into a DNS outage every new connection fails; add .AddCachedDns() (Resilience.Dns.Http), which resolves through CachedDnsResolver and serves the last good answer (RFC 8767)"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 2).WithLocation(1));
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 3));
            await test.RunAsync();
        }

        [Fact]
        public async Task Half_typed_code_does_not_throw()
        {
            const string source = """
                using System.Net.Http;

                class Broken
                {
                    void M()
                    {
                        var a = new HttpClient("not a handler");
                        var b = new SocketsHttpHandler { Unknown = 1 };
                        var c = new HttpClient(b, "x");
                        services.AddHttpClient();
                        GrpcChannel.ForAddress("http://x.svc");
                        new HttpClient(new SocketsHttpHandler(
                        Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions.AddHttpClient(null, 
                    }
                }
                """;
            // Only the analyzer's output is checked: nothing here is a complete call it can judge.
            var test = Test(source);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    }
}
