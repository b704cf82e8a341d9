using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Resilience.Dns.DnsClient;
using Xunit;
using static Resilience.Dns.Tests.TestHelpers;

namespace Resilience.Dns.Tests;

/// <summary><c>AddCachedDnsResolver</c> / <c>IHttpClientBuilder.AddCachedDns()</c> (package Resilience.Dns.Http).</summary>
public sealed class HttpClientFactoryTests
{
    [Fact]
    public async Task AddCachedDns_routes_a_factory_client_through_the_container_resolver_and_serves_stale_when_dns_fails()
    {
        await using LoopbackHttpServer server = new();
        FakeTimeProvider clock = NewClock();
        ScriptedBackend backend = new();
        ServiceCollection services = new();
        services.AddSingleton<IDnsBackend>(backend);
        services.AddHttpClient("collector").AddCachedDns();
        // Configured after AddCachedDns: the options pattern still applies it to the one resolver.
        services.AddCachedDnsResolver(o => o.TimeProvider = clock);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHttpClientFactory factory = provider.GetRequiredService<IHttpClientFactory>();
        CachedDnsResolver resolver = provider.GetRequiredService<CachedDnsResolver>();

        backend.Returns("127.0.0.1");
        Assert.Equal("ok", await factory.CreateClient("collector").GetStringAsync($"http://collector.test:{server.Port}/"));

        backend.Fails();
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("ok", await factory.CreateClient("collector").GetStringAsync($"http://collector.test:{server.Port}/"));

        Assert.Equal(["collector.test", "collector.test"], backend.Hosts.ToArray());
        Assert.Equal(1, resolver.Statistics.StaleAnswers);
        Assert.Same(resolver, provider.GetRequiredService<CachedDnsResolver>());
    }

    [Fact]
    public async Task A_client_without_AddCachedDns_does_not_use_the_resolver()
    {
        await using LoopbackHttpServer server = new();
        ScriptedBackend backend = new();
        backend.Returns("127.0.0.1");
        ServiceCollection services = new();
        services.AddSingleton<IDnsBackend>(backend);
        services.AddHttpClient("cached").AddCachedDns();
        services.AddHttpClient("plain");
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHttpClientFactory factory = provider.GetRequiredService<IHttpClientFactory>();

        // An IP literal: the plain client needs no DNS, and must not have gone through the backend.
        Assert.Equal("ok", await factory.CreateClient("plain").GetStringAsync($"http://127.0.0.1:{server.Port}/"));
        Assert.Equal("ok", await factory.CreateClient("cached").GetStringAsync($"http://collector.test:{server.Port}/"));
        Assert.Equal(1, backend.Calls);
    }

    [Fact]
    public async Task AddCachedDns_keeps_the_handler_settings_made_with_UseSocketsHttpHandler()
    {
        await using LoopbackHttpServer server = new(keepAlive: true);
        ScriptedBackend backend = new();
        backend.Returns("127.0.0.1");
        ServiceCollection services = new();
        services.AddSingleton<IDnsBackend>(backend);
        services.AddHttpClient("collector")
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.Zero)
            .AddCachedDns();
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("collector");

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("ok", await client.GetStringAsync($"http://collector.test:{server.Port}/"));
        }

        // PooledConnectionLifetime = 0 (kept): a new connection per request, each resolved through the cache (one query).
        Assert.Equal(3, server.Connections);
        Assert.Equal(1, backend.Calls);
        Assert.Equal(3, provider.GetRequiredService<CachedDnsResolver>().Statistics.Lookups);
    }

    [Fact]
    public async Task AddCachedDns_after_ConfigurePrimaryHttpMessageHandler_keeps_that_SocketsHttpHandler_and_its_settings()
    {
        // What the RES2004 fix relies on when it appends AddCachedDns() after a chain's primary-handler call.
        await using LoopbackHttpServer server = new(keepAlive: true);
        ScriptedBackend backend = new();
        backend.Returns("127.0.0.1");
        ServiceCollection services = new();
        services.AddSingleton<IDnsBackend>(backend);
        services.AddHttpClient("collector")
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero })
            .AddCachedDns();
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("collector");

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("ok", await client.GetStringAsync($"http://collector.test:{server.Port}/"));
        }

        Assert.Equal(3, server.Connections);
        Assert.Equal(1, backend.Calls);
    }

    [Fact]
    public async Task A_grpc_channel_given_a_cached_handler_connects_through_the_resolver()
    {
        // The channel option the RES2004 fix writes. The loopback server speaks HTTP/1.1 only, so the call itself fails;
        // what matters is that the channel's connection was resolved through the cache and reached the server by name.
        await using LoopbackHttpServer server = new();
        ScriptedBackend backend = new();
        backend.Returns("127.0.0.1");
        using CachedDnsResolver resolver = new(backend, Options(NewClock()));
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://collector.test:{server.Port}", new Grpc.Net.Client.GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true }.UseCachedDns(resolver),
        });
        var method = new Grpc.Core.Method<string, string>(
            Grpc.Core.MethodType.Unary, "test.Service", "Call",
            Grpc.Core.Marshallers.Create(System.Text.Encoding.UTF8.GetBytes, System.Text.Encoding.UTF8.GetString),
            Grpc.Core.Marshallers.Create(System.Text.Encoding.UTF8.GetBytes, System.Text.Encoding.UTF8.GetString));

        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(method, null, new Grpc.Core.CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), "ping").ResponseAsync);

        Assert.Equal(["collector.test"], backend.Hosts.ToArray());
        Assert.True(server.Connections >= 1, "the channel never reached the server");
    }

    [Fact]
    public async Task An_invalid_option_fails_with_its_name_when_the_resolver_is_first_needed()
    {
        ServiceCollection services = new();
        services.AddCachedDnsResolver(o => o.MaxStale = TimeSpan.FromSeconds(-1));
        await using ServiceProvider provider = services.BuildServiceProvider();

        ArgumentException error = Assert.ThrowsAny<ArgumentException>(() => provider.GetRequiredService<CachedDnsResolver>());
        Assert.Contains("MaxStale", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_arguments_are_rejected_by_name()
    {
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => CachedDnsHttpServiceCollectionExtensions.AddCachedDnsResolver(null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => CachedDnsHttpServiceCollectionExtensions.AddCachedDns(null!)).ParamName);
    }
}

/// <summary>
/// The issue-14 outage, end to end on real time: a real DNS server (dnsmasq on loopback) that dies, a loopback HTTP server
/// reached by name, and HttpClients whose pool lifetime forces a new connection — and so a new lookup — per request.
/// </summary>
[Collection(DnsmasqCollection.Name)]
public sealed class HttpClientDnsOutageTests
{
    // dnsmasq's answer TTL; the outage starts once it has passed, so no cache of the answer is still fresh.
    private const int TtlSeconds = 1;

    [Fact]
    public async Task Through_a_dns_outage_shorter_than_max_stale_the_cached_client_keeps_connecting_and_the_uncached_one_fails()
    {
        await using LoopbackHttpServer http = new(keepAlive: true);
        using DnsmasqServer dns = await DnsmasqServer.StartAsync(TtlSeconds, "collector.test=127.0.0.1");
        DnsClientBackend backend = new(new global::DnsClient.LookupClientOptions(dns.EndPoint)
        {
            UseCache = false,
            Timeout = TimeSpan.FromMilliseconds(300),
            Retries = 0,
        });

        ServiceCollection services = new();
        services.AddSingleton<IDnsBackend>(backend);
        // The outage below lasts a few seconds; MaxStale is a minute, so it is shorter than max-stale (RFC 8767 §5
        // suggests 1-3 days in production; docs/dns.md).
        services.AddCachedDnsResolver(o => o.MaxStale = TimeSpan.FromMinutes(1));
        // 50 ms pool lifetime and 150 ms between requests: every request needs a new connection, as a busy client after
        // IHttpClientFactory's 2-minute handler rotation or its own PooledConnectionLifetime does.
        services.AddHttpClient("cached")
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMilliseconds(50))
            .AddCachedDns();
        // Without the cache: SocketsHttpHandler's own behaviour (a lookup per new connection, no cache), pointed at the
        // test's DNS server instead of /etc/resolv.conf so that the outage is the same for both clients.
        services.AddHttpClient("uncached")
            .UseSocketsHttpHandler((handler, _) =>
            {
                handler.PooledConnectionLifetime = TimeSpan.FromMilliseconds(50);
                handler.ConnectCallback = (context, ct) => ConnectWithoutCacheAsync(backend, context.DnsEndPoint, ct);
            });
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHttpClientFactory factory = provider.GetRequiredService<IHttpClientFactory>();
        CachedDnsResolver resolver = provider.GetRequiredService<CachedDnsResolver>();
        string url = $"http://collector.test:{http.Port}/";

        // DNS up: both reach the server by name.
        Assert.Equal("ok", await factory.CreateClient("cached").GetStringAsync(url));
        Assert.Equal("ok", await factory.CreateClient("uncached").GetStringAsync(url));

        dns.Stop();
        await Task.Delay(TimeSpan.FromSeconds(TtlSeconds + 0.5));

        int connectionsBefore = http.Connections;
        var cached = new List<string>();
        var uncached = new List<string>();
        var outage = Stopwatch.StartNew();
        for (int i = 0; i < 8; i++)
        {
            cached.Add(await OutcomeAsync(factory.CreateClient("cached"), url));
            uncached.Add(await OutcomeAsync(factory.CreateClient("uncached"), url));
            await Task.Delay(150);
        }

        Assert.All(cached, outcome => Assert.Equal("ok", outcome));
        Assert.All(uncached, outcome => Assert.StartsWith("failed", outcome, StringComparison.Ordinal));
        // New connections were really made during the outage (one per cached request), so each went through DNS.
        Assert.True(http.Connections - connectionsBefore >= cached.Count, $"{http.Connections - connectionsBefore} new connections for {cached.Count} requests");
        Assert.True(resolver.Statistics.StaleAnswers >= 1, "no stale answer was served");
        Assert.True(outage.Elapsed < TimeSpan.FromMinutes(1), "the outage must stay shorter than MaxStale");

        // DNS back: the uncached client recovers, which shows its failures were DNS's.
        await dns.RestartAsync(TtlSeconds, "collector.test=127.0.0.1");
        Assert.Equal("ok", await factory.CreateClient("uncached").GetStringAsync(url));
    }

    private static async Task<string> OutcomeAsync(HttpClient client, string url)
    {
        try
        {
            return await client.GetStringAsync(url);
        }
        catch (HttpRequestException ex)
        {
            return "failed: " + ex.InnerException?.GetType().Name;
        }
    }

    private static async ValueTask<System.IO.Stream> ConnectWithoutCacheAsync(IDnsBackend backend, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        DnsBackendResult answer = await backend.QueryAsync(endPoint.Host, cancellationToken);
        if (answer.IsNegative)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        IPAddress address = answer.Addresses.First();
        Socket socket = new(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
