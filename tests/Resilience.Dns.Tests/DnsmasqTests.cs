using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using DnsClient;
using Microsoft.Extensions.Time.Testing;
using Resilience.Dns.DnsClient;
using Xunit;
using static Resilience.Dns.Tests.TestHelpers;

namespace Resilience.Dns.Tests;

/// <summary>
/// Against a real DNS server (dnsmasq on loopback) that is killed mid-test. The resolver runs on a fake clock so that
/// its TTLs and timers need no waiting; only the plain DnsClient comparison waits (4.5 s) for its own cache to expire.
/// </summary>
[Collection(DnsmasqCollection.Name)]
public sealed class DnsmasqTests
{
    private static LookupClientOptions BackendOptions(DnsmasqServer server) => new(server.EndPoint)
    {
        UseCache = false,
        ThrowDnsErrors = false,
        Timeout = TimeSpan.FromMilliseconds(500),
        Retries = 0,
    };

    [Fact]
    public async Task DnsClient_backend_reads_addresses_ttl_and_nxdomain_from_a_real_server()
    {
        using DnsmasqServer server = await DnsmasqServer.StartAsync(2, "collector.test=127.0.0.7", "dual.test=127.0.0.9", "dual.test=::9");
        DnsClientBackend backend = new(BackendOptions(server));

        DnsBackendResult collector = await backend.QueryAsync("collector.test", default);
        Assert.Equal(["127.0.0.7"], collector.Addresses.Text());
        Assert.Equal(TimeSpan.FromSeconds(2), collector.TimeToLive);

        DnsBackendResult dual = await backend.QueryAsync("dual.test", default);
        Assert.Equal(["127.0.0.9", "::9"], dual.Addresses.Text());

        DnsBackendResult missing = await backend.QueryAsync("missing.test", default);
        Assert.True(missing.IsNegative);

        // Outside its local domain, with no upstream, dnsmasq refuses: a failure, not a negative answer.
        DnsResponseException refused = await Assert.ThrowsAsync<DnsResponseException>(async () => await backend.QueryAsync("example.org", default));
        Assert.Equal(DnsResponseCode.Refused, refused.Code);

        server.Stop();
        await Assert.ThrowsAsync<DnsResponseException>(async () => await backend.QueryAsync("collector.test", default));
    }

    [Fact]
    public async Task Resolver_serves_stale_while_the_server_is_down_where_plain_DnsClient_throws_and_picks_up_changes_after_the_recheck()
    {
        // 4 s TTL: DnsClient's own cache runs on real time, and stopping dnsmasq must fit inside it under load.
        using DnsmasqServer server = await DnsmasqServer.StartAsync(4, "collector.test=127.0.0.7");
        FakeTimeProvider clock = NewClock();
        using CachedDnsResolver resolver = new(new DnsClientBackend(BackendOptions(server)), Options(clock));
        DnsStaleAnswerEventArgs? stale = null;
        resolver.StaleAnswerServed += (_, e) => stale = e;
        LookupClient plain = new(new LookupClientOptions(server.EndPoint)
        {
            UseCache = true, // DnsClient's own TTL cache, as RES2002 code uses it
            Timeout = TimeSpan.FromMilliseconds(500),
            Retries = 0,
        });

        Assert.Equal(["127.0.0.7"], (await resolver.ResolveAsync("collector.test")).Text());
        Assert.Equal("127.0.0.7", Assert.Single(plain.Query("collector.test", QueryType.A).Answers.ARecords()).Address.ToString());
        var sincePlainQuery = System.Diagnostics.Stopwatch.StartNew();

        server.Stop();

        // Within the 4 s TTL both caches answer.
        Assert.True(sincePlainQuery.Elapsed < TimeSpan.FromSeconds(3.5), $"stopping dnsmasq took {sincePlainQuery.Elapsed}: too close to the TTL to check DnsClient's cache");
        Assert.Equal("127.0.0.7", Assert.Single((await plain.QueryAsync("collector.test", QueryType.A)).Answers.ARecords()).Address.ToString());

        // After the TTL: DnsClient has dropped its entry and the lookup fails; the resolver serves the stale answer.
        var pastTtl = TimeSpan.FromSeconds(4.5) - sincePlainQuery.Elapsed;
        if (pastTtl > TimeSpan.Zero) await Task.Delay(pastTtl);
        DnsResponseException plainError = await Assert.ThrowsAsync<DnsResponseException>(async () => await plain.QueryAsync("collector.test", QueryType.A));
        Assert.Equal(DnsResponseCode.ConnectionTimeout, plainError.Code);

        clock.Advance(TimeSpan.FromSeconds(5)); // past the 4 s TTL on the resolver's clock
        Assert.Equal(["127.0.0.7"], (await resolver.ResolveAsync("collector.test")).Text());
        Assert.Equal(1, resolver.Statistics.StaleAnswers);
        Assert.Equal(1, resolver.Statistics.BackendFailures);
        Assert.Equal(2, resolver.Statistics.BackendQueries);
        Assert.NotNull(stale);
        Assert.Equal(DnsStaleReason.BackendFailed, stale.Reason);
        Assert.IsType<DnsResponseException>(stale.LastError);

        // DNS comes back with a changed address. Until the 30 s failure recheck the resolver does not ask it.
        await server.RestartAsync(1, "collector.test=127.0.0.8");
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(["127.0.0.7"], (await resolver.ResolveAsync("collector.test")).Text());
        Assert.Equal(2, resolver.Statistics.BackendQueries);
        Assert.Equal(DnsStaleReason.FailureRecheckPending, stale.Reason);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["127.0.0.8"], (await resolver.ResolveAsync("collector.test")).Text());
        Assert.Equal(3, resolver.Statistics.BackendQueries);
        Assert.Equal(2, resolver.Statistics.StaleAnswers);
        Assert.Equal(0, resolver.Statistics.Failures);
    }

    [Fact]
    public async Task Name_removed_from_a_live_server_stops_resolving_by_default()
    {
        using DnsmasqServer server = await DnsmasqServer.StartAsync(1, "collector.test=127.0.0.7");
        FakeTimeProvider clock = NewClock();
        using CachedDnsResolver resolver = new(new DnsClientBackend(BackendOptions(server)), Options(clock));
        await resolver.ResolveAsync("collector.test");

        await server.RestartAsync(1, "other.test=127.0.0.9");
        clock.Advance(TimeSpan.FromSeconds(2));
        SocketException error = await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync("collector.test"));
        Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
        Assert.Equal(1, resolver.Statistics.NegativeAnswers);
        Assert.Equal(0, resolver.Statistics.StaleAnswers);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DnsmasqCollection
{
    public const string Name = "dnsmasq";
}
