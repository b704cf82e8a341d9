using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Resilience.Dns.Tests.TestHelpers;

namespace Resilience.Dns.Tests;

/// <summary>The allocation-free hit path: <see cref="CachedDnsResolver.ResolveSharedAsync(string, System.Threading.CancellationToken)"/> and <see cref="CachedDnsResolver.TryGetCached(string, out IReadOnlyList{IPAddress})"/>.</summary>
public sealed class SharedPathTests
{
    private const string Host = "collector.test";

    private readonly FakeTimeProvider _clock = NewClock();
    private readonly ScriptedBackend _backend = new();

    private CachedDnsResolver Create(Action<CachedDnsResolverOptions>? configure = null) =>
        new(_backend, Options(_clock, configure));

    [Fact]
    public async Task Shared_answer_is_one_read_only_list_per_answer_and_family()
    {
        using CachedDnsResolver resolver = Create(o => o.RefreshAheadRatio = 0);
        _backend.Returns("10.0.0.1", "2001:db8::1", "10.0.0.2");

        IReadOnlyList<IPAddress> all = await resolver.ResolveSharedAsync(Host);
        Assert.Equal(["10.0.0.1", "2001:db8::1", "10.0.0.2"], all.Text());
        Assert.IsNotType<IPAddress[]>(all);
        Assert.Throws<NotSupportedException>(() => ((IList<IPAddress>)all)[0] = IPAddress.Broadcast);

        ValueTask<IReadOnlyList<IPAddress>> hit = resolver.ResolveSharedAsync("Collector.TEST");
        Assert.True(hit.IsCompletedSuccessfully);
        Assert.Same(all, await hit);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], (await resolver.ResolveSharedAsync(Host, AddressFamily.InterNetwork)).Text());
        Assert.Same(await resolver.ResolveSharedAsync(Host, AddressFamily.InterNetwork), await resolver.ResolveSharedAsync(Host, AddressFamily.InterNetwork));
        Assert.Equal(["2001:db8::1"], (await resolver.ResolveSharedAsync(Host, AddressFamily.InterNetworkV6)).Text());

        // The array API still hands out copies of the same answer.
        IPAddress[] copy = await resolver.ResolveAsync(Host);
        copy[0] = IPAddress.Broadcast;
        Assert.Equal("10.0.0.1", (await resolver.ResolveSharedAsync(Host))[0].ToString());

        // A new answer gets a new list; the old one is unchanged for whoever still holds it.
        _backend.Returns("10.0.0.9");
        _clock.Advance(TimeSpan.FromSeconds(31));
        IReadOnlyList<IPAddress> next = await resolver.ResolveSharedAsync(Host);
        Assert.Equal(["10.0.0.9"], next.Text());
        Assert.NotSame(all, next);
        Assert.Equal(3, all.Count);
        Assert.Equal(2, _backend.Calls);
        Assert.Empty(await resolver.ResolveSharedAsync(Host, AddressFamily.InterNetworkV6));
    }

    [Fact]
    public async Task Shared_path_serves_stale_answers_and_reports_errors_like_ResolveAsync()
    {
        using CachedDnsResolver resolver = Create();
        _backend.Returns("10.0.0.1");
        IReadOnlyList<IPAddress> first = await resolver.ResolveSharedAsync(Host);

        _backend.Fails();
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Same(first, await resolver.ResolveSharedAsync(Host));
        Assert.Equal(1, resolver.Statistics.StaleAnswers);

        _backend.ReturnsNotFound();
        SocketException notFound = await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveSharedAsync("gone.test"));
        Assert.Equal(SocketError.HostNotFound, notFound.SocketErrorCode);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await resolver.ResolveSharedAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>(async () => await resolver.ResolveSharedAsync(""));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await resolver.ResolveSharedAsync(Host, AddressFamily.Unix));
    }

    [Fact]
    public async Task TryGetCached_answers_only_fresh_entries_and_never_asks_the_backend()
    {
        using CachedDnsResolver resolver = Create(o => o.RefreshAheadRatio = 0);
        _backend.Returns("10.0.0.1", "2001:db8::1");

        Assert.False(resolver.TryGetCached(Host, out IReadOnlyList<IPAddress> none));
        Assert.Empty(none);
        Assert.Equal(0, _backend.Calls);
        Assert.Equal(0, resolver.Statistics.Lookups); // a miss is not a lookup: the caller's ResolveAsync will be

        IReadOnlyList<IPAddress> resolved = await resolver.ResolveSharedAsync(Host);
        Assert.True(resolver.TryGetCached(" Collector.Test ", out IReadOnlyList<IPAddress> cached));
        Assert.Same(resolved, cached);
        Assert.True(resolver.TryGetCached(Host, AddressFamily.InterNetworkV6, out IReadOnlyList<IPAddress> v6));
        Assert.Equal(["2001:db8::1"], v6.Text());
        Assert.Equal(3, resolver.Statistics.Lookups);
        Assert.Equal(2, resolver.Statistics.CacheHits);

        _backend.Fails();
        _clock.Advance(TimeSpan.FromSeconds(31)); // expired: a stale answer is for ResolveAsync to serve (and count)
        Assert.False(resolver.TryGetCached(Host, out _));
        Assert.Equal(1, _backend.Calls);
        Assert.Equal(0, resolver.Statistics.StaleAnswers);

        _backend.ReturnsNotFound();
        await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync("gone.test"));
        Assert.False(resolver.TryGetCached("gone.test", out _));

        Assert.True(resolver.TryGetCached("localhost", AddressFamily.InterNetwork, out IReadOnlyList<IPAddress> loopback));
        Assert.Equal(["127.0.0.1"], loopback.Text());
        Assert.True(resolver.TryGetCached("10.1.2.3", out IReadOnlyList<IPAddress> literal));
        Assert.Equal(["10.1.2.3"], literal.Text());
        Assert.Throws<ArgumentNullException>(() => resolver.TryGetCached(null!, out _));
        Assert.Throws<ArgumentException>(() => resolver.TryGetCached(" ", out _));
    }

    [Fact]
    public async Task TryGetCached_near_expiry_starts_a_background_refresh()
    {
        using CachedDnsResolver resolver = Create();
        _backend.ReturnsWithTtl(TimeSpan.FromSeconds(10), "10.0.0.1");
        await resolver.ResolveAsync(Host);

        _backend.ReturnsWithTtl(TimeSpan.FromSeconds(10), "10.0.0.2");
        _clock.Advance(TimeSpan.FromSeconds(9.5));
        Assert.True(resolver.TryGetCached(Host, out IReadOnlyList<IPAddress> current));
        Assert.Equal(["10.0.0.1"], current.Text());
        Assert.Equal(1, resolver.Statistics.RefreshesAhead);
        await EventuallyAsync(() => resolver.TryGetCached(Host, out IReadOnlyList<IPAddress> a) && a[0].ToString() == "10.0.0.2", "refreshed answer cached");
        Assert.Equal(2, _backend.Calls);
    }

    [Fact]
    public async Task Names_differing_in_case_or_surrounding_space_share_one_entry_keyed_in_lower_case()
    {
        using CachedDnsResolver resolver = Create();
        _backend.Returns("10.0.0.1");

        await resolver.ResolveSharedAsync("Collector.Test");
        await resolver.ResolveSharedAsync(" COLLECTOR.TEST ");
        await resolver.ResolveSharedAsync(Host);

        Assert.Equal(1, resolver.Count);
        Assert.Equal([Host], _backend.Hosts);
        Assert.Equal(2, resolver.Statistics.CacheHits);
    }

    [Fact]
    public async Task A_cache_hit_on_the_shared_path_allocates_nothing()
    {
        using CachedDnsResolver resolver = Create();
        _backend.Returns("10.0.0.1", "2001:db8::1");
        await resolver.ResolveAsync(Host);

        // Measured on this thread only, with no await inside: the hits complete synchronously.
        long bytes = MeasureHits(resolver, "Collector.Test");
        Assert.Equal(0, bytes);
        Assert.Equal(1, _backend.Calls);
        Assert.Equal(2 * (Warmup + Measured) * 2, resolver.Statistics.CacheHits);
    }

    private const int Warmup = 1_000;
    private const int Measured = 1_000;

    private static long MeasureHits(CachedDnsResolver resolver, string host)
    {
        for (int i = 0; i < Warmup; i++)
        {
            Hit(resolver, host);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Measured; i++)
        {
            Hit(resolver, host);
        }

        long after = GC.GetAllocatedBytesForCurrentThread();

        // A second batch for each of the other two entry points (counted in CacheHits above).
        for (int i = 0; i < Warmup; i++)
        {
            HitOthers(resolver, host);
        }

        long before2 = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Measured; i++)
        {
            HitOthers(resolver, host);
        }

        long after2 = GC.GetAllocatedBytesForCurrentThread();
        return (after - before) + (after2 - before2);
    }

    private static void Hit(CachedDnsResolver resolver, string host)
    {
        ValueTask<IReadOnlyList<IPAddress>> hit = resolver.ResolveSharedAsync(host);
        if (!hit.IsCompletedSuccessfully || hit.Result.Count != 2)
        {
            throw new InvalidOperationException("Expected a synchronous cache hit.");
        }

        if (!resolver.TryGetCached(host, out IReadOnlyList<IPAddress> cached) || cached.Count != 2)
        {
            throw new InvalidOperationException("Expected a cached answer.");
        }
    }

    private static void HitOthers(CachedDnsResolver resolver, string host)
    {
        ValueTask<IReadOnlyList<IPAddress>> hit = resolver.ResolveSharedAsync(host, AddressFamily.InterNetwork);
        if (!hit.IsCompletedSuccessfully || hit.Result.Count != 1)
        {
            throw new InvalidOperationException("Expected a synchronous cache hit.");
        }

        if (!resolver.TryGetCached(host, AddressFamily.InterNetworkV6, out IReadOnlyList<IPAddress> cached) || cached.Count != 1)
        {
            throw new InvalidOperationException("Expected a cached answer.");
        }
    }
}
