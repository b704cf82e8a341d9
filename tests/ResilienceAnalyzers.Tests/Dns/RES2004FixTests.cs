using System.Threading.Tasks;
using ResilienceAnalyzers.CodeFixes.Dns;
using ResilienceAnalyzers.Dns;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Dns
{
    /// <summary>The RES2004 fix: every connection path onto CachedDnsResolver, compiled against the real runtime packages.</summary>
    public class RES2004FixTests
    {
        private static FixTest<RES2004UncachedHttpConnectionAnalyzer, RES2004UseCachedDnsForHttpFixer> Test(string source, string fixedSource, bool runtime = true)
        {
            var test = new FixTest<RES2004UncachedHttpConnectionAnalyzer, RES2004UseCachedDnsForHttpFixer>(source, fixedSource, Client.None);
            foreach (var state in new[] { test.TestState, test.FixedState })
            {
                if (runtime)
                {
                    state.AdditionalReferences.Add(References.ResilienceDns);
                    state.AdditionalReferences.AddRange(References.HttpClientFactory);
                }
                else
                {
                    // Microsoft.Extensions.Http alone: AddHttpClient compiles, AddCachedDns does not exist.
                    state.AdditionalReferences.Add(References.HttpClientFactory[0]);
                    state.AdditionalReferences.Add(References.HttpClientFactory[1]);
                }

                state.AdditionalReferences.AddRange(References.GrpcClient);
            }

            return test;
        }

        [Fact]
        public async Task Handlers_and_clients_resolve_through_CachedDns_and_keep_their_settings()
        {
            const string source = """
                using System;
                using System.Net.Http;

                class Clients
                {
                    HttpClient Pooled() => new HttpClient({|#0:new SocketsHttpHandler|} { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });

                    HttpClient Default() => {|#1:new HttpClient()|};

                    HttpClient WithBase() => {|#2:new HttpClient|} { BaseAddress = new Uri("http://collector.monitoring.svc") };

                    HttpClient Local()
                    {
                        var handler = {|#3:new SocketsHttpHandler()|};
                        return new HttpClient(handler);
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Net.Http;
                using Resilience.Dns;

                class Clients
                {
                    HttpClient Pooled() => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }.UseCachedDns(CachedDns.Resolver));

                    HttpClient Default() => new HttpClient(new SocketsHttpHandler().UseCachedDns(CachedDns.Resolver));

                    HttpClient WithBase() => new HttpClient(new SocketsHttpHandler().UseCachedDns(CachedDns.Resolver)) { BaseAddress = new Uri("http://collector.monitoring.svc") };

                    HttpClient Local()
                    {
                        var handler = new SocketsHttpHandler().UseCachedDns(CachedDns.Resolver);
                        return new HttpClient(handler);
                    }
                }
                """;
            var test = Test(source, fixedSource);
            for (int i = 0; i < 4; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, i));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task Registrations_get_AddCachedDns_after_their_last_primary_handler()
        {
            const string source = """
                using System;
                using System.Net.Http;
                using Microsoft.Extensions.DependencyInjection;

                static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.{|#0:AddHttpClient|}("collector", c => c.Timeout = TimeSpan.FromSeconds(5));
                        services.{|#1:AddHttpClient|}("pooled")
                            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
                            .SetHandlerLifetime(TimeSpan.FromMinutes(5));
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Net.Http;
                using Microsoft.Extensions.DependencyInjection;

                static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddHttpClient("collector", c => c.Timeout = TimeSpan.FromSeconds(5)).AddCachedDns();
                        services.AddHttpClient("pooled")
                            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }).AddCachedDns()
                            .SetHandlerLifetime(TimeSpan.FromMinutes(5));
                    }
                }
                """;
            var test = Test(source, fixedSource);
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 0));
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task Grpc_channels_get_a_cached_handler_in_their_options()
        {
            const string source = """
                using Grpc.Net.Client;

                class Channels
                {
                    GrpcChannel Plain() => GrpcChannel.{|#0:ForAddress|}("http://otel-collector.monitoring.svc:4317");
                    GrpcChannel Sized() => GrpcChannel.{|#1:ForAddress|}("http://otel-collector.monitoring.svc:4317", new GrpcChannelOptions { MaxReceiveMessageSize = 1 << 20 });
                }
                """;
            const string fixedSource = """
                using System.Net.Http;
                using Grpc.Net.Client;
                using Resilience.Dns;

                class Channels
                {
                    GrpcChannel Plain() => GrpcChannel.ForAddress("http://otel-collector.monitoring.svc:4317", new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true }.UseCachedDns(CachedDns.Resolver) });
                    GrpcChannel Sized() => GrpcChannel.ForAddress("http://otel-collector.monitoring.svc:4317", new GrpcChannelOptions { MaxReceiveMessageSize = 1 << 20, HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true }.UseCachedDns(CachedDns.Resolver) });
                }
                """;
            var test = Test(source, fixedSource);
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 0));
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task No_fix_without_the_runtime_or_where_settings_would_be_lost()
        {
            const string source = """
                using System.Net.Http;
                using Microsoft.Extensions.DependencyInjection;

                static class Startup
                {
                    public static void Configure(IServiceCollection services) => services.{|#0:AddHttpClient|}("collector");

                    public static HttpClient Legacy() => {|#1:new HttpClient(new HttpClientHandler())|};
                }
                """;
            var test = Test(source, source, runtime: false);
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 0));
            test.ExpectedDiagnostics.Add(Expect.Info(RES2004UncachedHttpConnectionAnalyzer.CallerRule, 1));
            await test.RunAsync();
        }
    }
}
