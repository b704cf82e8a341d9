using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Resilience.Dns.Tests.TestHelpers;

namespace Resilience.Dns.Tests;

public sealed class CachedDnsResolverTests
{
    private const string Host = "collector.test";

    private readonly FakeTimeProvider _clock = NewClock();
    private readonly ScriptedBackend _backend = new();

    private CachedDnsResolver Create(Action<CachedDnsResolverOptions>? configure = null) =>
        new(_backend, Options(_clock, configure));

    [Fact]
    public async Task Fresh_answer_is_served_from_the_cache_without_asking_the_backend()
    {
        using CachedDnsResolver resolver = Create();
        _backend.Returns("10.0.0.1");

        Assert.Equal(["10.0.0.1"], (await resolver.ResolveAsync(Host)).Text());
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(["10.0.0.1"], (await resolver.ResolveAsync("Collector.TEST")).Text());

        Assert.Equal(1, _backend.Calls);
        Assert.Equal(1, resolver.Statistics.CacheHits);
        Assert.Equal(2, resolver.Statistics.Lookups);
        Assert.Equal(0, resolver.Statistics.StaleAnswers);
    }

    [Fact]
    public async Task Answer_without_ttl_is_fresh_for_30_seconds_then_refreshed_from_the_backend()
    {
        using CachedDnsResolver resolver = Create(o => o.RefreshAheadRatio = 0);
        _backend.Returns("10.0.0.1");
        await resolver.ResolveAsync(Host);

        _backend.Returns("10.0.0.2");
        _clock.Advance(TimeSpan.FromSeconds(29.9));
        Assert.Equal(["10.0.0.1"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Equal(1, _backend.Calls);

        _clock.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(["10.0.0.2"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Equal(2, _backend.Calls);
        Assert.Equal(0, resolver.Statistics.StaleAnswers);
    }

    [Fact]
    public async Task Record_ttl_is_used_and_clamped_to_min_and_max()
    {
        using CachedDnsResolver resolver = Create(o =>
        {
            o.RefreshAheadRatio = 0;
            o.MinTtl = TimeSpan.FromSeconds(2);
            o.MaxTtl = TimeSpan.FromMinutes(10);
        });

        _backend.ReturnsWithTtl(TimeSpan.FromSeconds(5), "10.0.0.1");
        await resolver.ResolveAsync("five.test");
        _backend.ReturnsWithTtl(TimeSpan.Zero, "10.0.0.2");
        await resolver.ResolveAsync("zero.test");
        _backend.ReturnsWithTtl(TimeSpan.FromDays(2), "10.0.0.3");
        await resolver.ResolveAsync("long.test");
        Assert.Equal(3, _backend.Calls);

        _clock.Advance(TimeSpan.FromSeconds(1.5)); // TTL 0 was raised to MinTtl: still fresh
        await resolver.ResolveAsync("zero.test");
        Assert.Equal(3, _backend.Calls);

        _clock.Advance(TimeSpan.FromSeconds(1)); // 2.5 s: past MinTtl, inside the 5 s TTL
        await resolver.ResolveAsync("zero.test");
        await resolver.ResolveAsync("five.test");
        Assert.Equal(1, _backend.CallsFor("five.test"));
        Assert.Equal(2, _backend.CallsFor("zero.test"));

        _clock.Advance(TimeSpan.FromMinutes(10)); // the 2-day TTL was cut to MaxTtl
        await resolver.ResolveAsync("long.test");
        Assert.Equal(2, _backend.CallsFor("long.test"));
    }

    [Fact]
    public async Task Backend_failure_after_expiry_serves_the_stale_answer_and_counts_it()
    {
        using CachedDnsResolver resolver = Create();
        List<DnsStaleAnswerEventArgs> staleEvents = [];
        List<DnsBackendFailureEventArgs> failureEvents = [];
        resolver.StaleAnswerServed += (_, e) => staleEvents.Add(e);
        resolver.BackendFailed += (_, e) => failureEvents.Add(e);
        _backend.Returns("10.0.0.1");
        await resolver.ResolveAsync(Host);

        _backend.Fails();
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(["10.0.0.1"], (await resolver.ResolveAsync(Host)).Text());

        Assert.Equal(2, _backend.Calls);
        Assert.Equal(1, resolver.Statistics.StaleAnswers);
        Assert.Equal(1, resolver.Statistics.BackendFailures);
        Assert.Equal(0, resolver.Statistics.Failures);
        DnsStaleAnswerEventArgs stale = Assert.Single(staleEvents);
        Assert.Equal(DnsStaleReason.BackendFailed, stale.Reason);
        Assert.Equal(Host, stale.Host);
        Assert.Equal(TimeSpan.FromSeconds(1), stale.StaleFor);
        Assert.IsType<SocketException>(stale.LastError);
        Assert.IsType<SocketException>(Assert.Single(failureEvents).Exception);
    }

    [Fact]
    public async Task Past_max_stale_the_backend_failure_reaches_the_caller()
    {
        using CachedDnsResolver resolver = Create(o => o.MaxStale = TimeSpan.FromMinutes(1));
        _backend.Returns("10.0.0.1");
        await resolver.ResolveAsync(Host);

        _backend.Fails(SocketError.TryAgain);
        _clock.Advance(TimeSpan.FromSeconds(30) + TimeSpan.FromMinutes(1)); // exactly MaxStale after expiry: still served
        Assert.Equal(["10.0.0.1"], (await resolver.ResolveAsync(Host)).Text());

        _clock.Advance(TimeSpan.FromSeconds(31)); // recheck interval over, and now past MaxStale
        SocketException error = await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync(Host));
        Assert.Equal(SocketError.TryAgain, error.SocketErrorCode);
        Assert.Equal(1, resolver.Statistics.StaleAnswers);
        Assert.Equal(1, resolver.Statistics.Failures);
        Assert.Equal(3, _backend.Calls);
    }

    [Fact]
    public async Task Max_stale_zero_disables_serve_stale()
    {
        using CachedDnsResolver resolver = Create(o => o.MaxStale = TimeSpan.Zero);
        _backend.Returns("10.0.0.1");
        await resolver.ResolveAsync(Host);

        _backend.Fails();
        _clock.Advance(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync(Host));
        Assert.Equal(0, resolver.Statistics.StaleAnswers);
    }

    [Fact]
    public async Task After_a_failure_the_backend_is_not_asked_again_before_the_recheck_interval()
    {
        using CachedDnsResolver resolver = Create();
        List<DnsStaleReason> reasons = [];
        resolver.StaleAnswerServed += (_, e) => reasons.Add(e.Reason);
        _backend.Returns("10.0.0.1");
        await resolver.ResolveAsync(Host);
        _backend.Fails();
        _clock.Advance(TimeSpan.FromSeconds(31));
        await resolver.ResolveAsync(Host); // fails → stale, recheck timer starts
        Assert.Equal(2, _backend.Calls);

        for (int i = 0; i < 29; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(["10.0.0.1"], (await resolver.ResolveAsync(Host)).Text());
        }

        Assert.Equal(2, _backend.Calls);

        _backend.Returns("10.0.0.2");
        _clock.Advance(TimeSpan.FromSeconds(1)); // 30 s after the failure
        Assert.Equal(["10.0.0.2"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Equal(3, _backend.Calls);
        Assert.Equal(30, resolver.Statistics.StaleAnswers);
        Assert.Equal(DnsStaleReason.BackendFailed, reasons[0]);
        Assert.All(reasons.Skip(1), r => Assert.Equal(DnsStaleReason.FailureRecheckPending, r));
    }

    [Fact]
    public async Task Slow_backend_gets_the_stale_answer_after_the_client_response_timer_and_the_cache_is_updated_later()
    {
        using CachedDnsResolver resolver = Create();
        _backend.Returns("10.0.0.1");
        await resolver.ResolveAsync(Host);
        TaskCompletionSource<DnsBackendResult> slow = _backend.Blocks();
        _clock.Advance(TimeSpan.FromSeconds(31));

        ValueTask<IPAddress[]> pending = resolver.ResolveAsync(Host);
        _clock.Advance(TimeSpan.FromMilliseconds(1799));
        Assert.False(pending.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["10.0.0.1"], (await pending).Text());
        Assert.Equal(1, resolver.Statistics.StaleAnswers);

        slow.SetResult(ScriptedBackend.Answer("10.0.0.2"));
        Assert.Equal(["10.0.0.2"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Equal(2, _backend.Calls);
        Assert.Equal(1, resolver.Statistics.StaleAnswers);
        Assert.Equal(0, resolver.Statistics.BackendFailures);
    }

    [Fact]
    public async Task Backend_answering_within_the_client_response_timer_gives_the_fresh_answer()
    {
        using CachedDnsResolver resolver = Create();
        _backend.Returns("10.0.0.1");
        await resolver.ResolveAsync(Host);
        TaskCompletionSource<DnsBackendResult> slow = _backend.Blocks();
        _clock.Advance(TimeSpan.FromSeconds(31));

        ValueTask<IPAddress[]> pending = resolver.ResolveAsync(Host);
        _clock.Advance(TimeSpan.FromSeconds(1));
        slow.SetResult(ScriptedBackend.Answer("10.0.0.2"));

        Assert.Equal(["10.0.0.2"], (await pending).Text());
        Assert.Equal(0, resolver.Statistics.StaleAnswers);
    }

    [Fact]
    public async Task Without_a_stale_answer_a_hung_backend_fails_after_the_backend_timeout()
    {
        using CachedDnsResolver resolver = Create(o => o.BackendTimeout = TimeSpan.FromSeconds(4));
        _backend.Blocks();

        ValueTask<IPAddress[]> pending = resolver.ResolveAsync(Host);
        _clock.Advance(TimeSpan.FromSeconds(3.9));
        Assert.False(pending.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(0.1));

        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(async () => await pending);
        Assert.Contains("BackendTimeout", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, resolver.Statistics.BackendFailures);
        Assert.Equal(1, resolver.Statistics.Failures);
    }

    [Fact]
    public async Task Concurrent_lookups_of_one_name_share_one_backend_query()
    {
        using CachedDnsResolver resolver = Create();
        TaskCompletionSource<DnsBackendResult> answer = _backend.Blocks();

        ValueTask<IPAddress[]>[] callers = Enumerable.Range(0, 20).Select(_ => resolver.ResolveAsync(Host)).ToArray();
        Task<IPAddress[]>[] fromThreads = Enumerable.Range(0, 20).Select(_ => Task.Run(async () => await resolver.ResolveAsync(Host))).ToArray();
        await EventuallyAsync(() => resolver.Statistics.Lookups == 40, "40 lookups started");
        Assert.Equal(1, _backend.Calls);

        answer.SetResult(ScriptedBackend.Answer("10.0.0.1"));
        foreach (ValueTask<IPAddress[]> caller in callers)
        {
            Assert.Equal(["10.0.0.1"], (await caller).Text());
        }

        foreach (IPAddress[] result in await Task.WhenAll(fromThreads))
        {
            Assert.Equal(["10.0.0.1"], result.Text());
        }

        Assert.Equal(1, _backend.Calls);
        Assert.Equal(1, resolver.Statistics.BackendQueries);
    }

    [Fact]
    public async Task A_cancelled_caller_does_not_cancel_the_shared_query()
    {
        using CachedDnsResolver resolver = Create();
        TaskCompletionSource<DnsBackendResult> answer = _backend.Blocks();
        using CancellationTokenSource cancel = new();

        ValueTask<IPAddress[]> impatient = resolver.ResolveAsync(Host, cancel.Token);
        ValueTask<IPAddress[]> patient = resolver.ResolveAsync(Host);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await impatient);

        answer.SetResult(ScriptedBackend.Answer("10.0.0.1"));
        Assert.Equal(["10.0.0.1"], (await patient).Text());
        Assert.Equal(1, _backend.Calls);
        Assert.Equal(0, resolver.Statistics.Failures);
    }

    [Fact]
    public async Task Negative_answer_replaces_the_last_good_answer_by_default()
    {
        using CachedDnsResolver resolver = Create();
        _backend.Returns("10.0.0.1");
        await resolver.ResolveAsync(Host);

        _backend.ReturnsNotFound();
        _clock.Advance(TimeSpan.FromSeconds(31));
        SocketException error = await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync(Host));
        Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);

        // Cached for NegativeTtl (5 s): no new query, still not found.
        _clock.Advance(TimeSpan.FromSeconds(4));
        await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync(Host));
        Assert.Equal(2, _backend.Calls);

        _backend.Returns("10.0.0.9");
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["10.0.0.9"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Equal(0, resolver.Statistics.StaleAnswers);
        Assert.Equal(1, resolver.Statistics.NegativeAnswers);
        Assert.Equal(2, resolver.Statistics.Failures);
    }

    [Fact]
    public async Task Negative_answer_keeps_the_last_good_answer_when_opted_in()
    {
        using CachedDnsResolver resolver = Create(o => o.KeepLastGoodAnswerOnNegative = true);
        DnsStaleReason? reason = null;
        resolver.StaleAnswerServed += (_, e) => reason = e.Reason;
        _backend.Returns("10.0.0.1");
        await resolver.ResolveAsync(Host);

        _backend.ReturnsNotFound();
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(["10.0.0.1"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Equal(DnsStaleReason.NegativeAnswer, reason);
        Assert.Equal(1, resolver.Statistics.StaleAnswers);
        Assert.Equal(1, resolver.Statistics.NegativeAnswers);
        Assert.Equal(0, resolver.Statistics.Failures);
    }

    [Fact]
    public async Task Unknown_name_is_negatively_cached_for_the_backend_negative_ttl_capped_by_the_option()
    {
        using CachedDnsResolver resolver = Create();
        _backend.ReturnsNotFound(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync("short.test"));
        _backend.ReturnsNotFound(TimeSpan.FromHours(1));
        await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync("long.test"));

        _clock.Advance(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync("short.test"));
        await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync("long.test"));
        Assert.Equal(2, _backend.CallsFor("short.test"));
        Assert.Equal(1, _backend.CallsFor("long.test"));

        _clock.Advance(TimeSpan.FromSeconds(2)); // 5 s: NegativeTtl caps the SOA's hour
        await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync("long.test"));
        Assert.Equal(2, _backend.CallsFor("long.test"));
    }

    [Fact]
    public async Task NegativeTtl_caps_MinTtl_and_zero_turns_negative_caching_off()
    {
        using CachedDnsResolver capped = Create(o => { o.MinTtl = TimeSpan.FromSeconds(10); o.NegativeTtl = TimeSpan.FromSeconds(2); });
        _backend.ReturnsNotFound(TimeSpan.FromHours(1));
        await Assert.ThrowsAsync<SocketException>(async () => await capped.ResolveAsync("gone.test"));
        _clock.Advance(TimeSpan.FromSeconds(3)); // past NegativeTtl, inside MinTtl: asks again
        await Assert.ThrowsAsync<SocketException>(async () => await capped.ResolveAsync("gone.test"));
        Assert.Equal(2, _backend.CallsFor("gone.test"));

        using CachedDnsResolver off = Create(o => o.NegativeTtl = TimeSpan.Zero);
        await Assert.ThrowsAsync<SocketException>(async () => await off.ResolveAsync("off.test"));
        await Assert.ThrowsAsync<SocketException>(async () => await off.ResolveAsync("off.test"));
        Assert.Equal(2, _backend.CallsFor("off.test"));
    }

    [Fact]
    public async Task Full_cache_evicts_the_least_recently_used_name()
    {
        using CachedDnsResolver resolver = Create(o => o.MaxEntries = 2);
        _backend.Answers(host => ScriptedBackend.Answer(host == "a.test" ? "10.0.0.1" : "10.0.0.2"));

        await resolver.ResolveAsync("a.test");
        await resolver.ResolveAsync("b.test");
        await resolver.ResolveAsync("a.test"); // a is now the most recently used
        await resolver.ResolveAsync("c.test"); // evicts b
        Assert.Equal(2, resolver.Count);
        Assert.Equal(1, resolver.Statistics.Evictions);

        await resolver.ResolveAsync("a.test");
        Assert.Equal(1, _backend.CallsFor("a.test"));
        await resolver.ResolveAsync("b.test");
        Assert.Equal(2, _backend.CallsFor("b.test"));
        Assert.Equal(2, resolver.Count);
    }

    [Theory]
    [InlineData("10.1.2.3", new[] { "10.1.2.3" })]
    [InlineData("::1", new[] { "::1" })]
    [InlineData("[2001:db8::1]", new[] { "2001:db8::1" })]
    [InlineData("localhost", new[] { "127.0.0.1", "::1" })]
    [InlineData("LocalHost.", new[] { "127.0.0.1", "::1" })]
    [InlineData("agent.localhost", new[] { "127.0.0.1", "::1" })]
    public async Task Ip_literals_and_localhost_never_reach_the_backend(string host, string[] expected)
    {
        using CachedDnsResolver resolver = Create();
        _backend.Fails();

        string[] expectedHere = Socket.OSSupportsIPv6 ? expected : expected.Where(e => !e.Contains(':', StringComparison.Ordinal) || !host.Contains("localhost", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.Equal(expectedHere, (await resolver.ResolveAsync(host)).Text());
        Assert.Equal(0, _backend.Calls);
        Assert.Equal(1, resolver.Statistics.Bypassed);
        Assert.Equal(0, resolver.Count);
    }

    [Fact]
    public async Task Address_family_filter_and_returned_arrays_are_copies()
    {
        using CachedDnsResolver resolver = Create();
        _backend.Returns("10.0.0.1", "2001:db8::1");

        Assert.Equal(["2001:db8::1"], (await resolver.ResolveAsync(Host, AddressFamily.InterNetworkV6)).Text());
        IPAddress[] first = await resolver.ResolveAsync(Host, AddressFamily.InterNetwork);
        Assert.Equal(["10.0.0.1"], first.Text());
        first[0] = IPAddress.Broadcast;
        Assert.Equal(["10.0.0.1", "2001:db8::1"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Equal(["127.0.0.1"], (await resolver.ResolveAsync("localhost", AddressFamily.InterNetwork)).Text());
        Assert.Equal(1, _backend.Calls);
    }

    [Fact]
    public async Task A_name_used_near_expiry_is_refreshed_in_the_background()
    {
        using CachedDnsResolver resolver = Create();
        _backend.ReturnsWithTtl(TimeSpan.FromSeconds(10), "10.0.0.1");
        await resolver.ResolveAsync(Host);

        _clock.Advance(TimeSpan.FromSeconds(8.9)); // 11 % of the TTL left: not yet
        await resolver.ResolveAsync(Host);
        Assert.Equal(1, _backend.Calls);

        TaskCompletionSource<DnsBackendResult> refresh = _backend.Blocks();
        _clock.Advance(TimeSpan.FromSeconds(0.2)); // 9 % left: refresh ahead, answer from cache without waiting
        ValueTask<IPAddress[]> hit = resolver.ResolveAsync(Host);
        Assert.True(hit.IsCompletedSuccessfully);
        Assert.Equal(["10.0.0.1"], (await hit).Text());
        Assert.Equal(2, _backend.Calls);
        await resolver.ResolveAsync(Host); // the refresh is already under way: no second one
        Assert.Equal(2, _backend.Calls);
        Assert.Equal(1, resolver.Statistics.RefreshesAhead);

        refresh.SetResult(DnsBackendResult.Answer([IPAddress.Parse("10.0.0.2")], TimeSpan.FromSeconds(10)));
        await EventuallyAsync(() => resolver.ResolveAsync(Host).Result[0].ToString() == "10.0.0.2", "refreshed answer cached");

        _clock.Advance(TimeSpan.FromSeconds(1)); // past the first answer's expiry: the refreshed answer is fresh
        Assert.Equal(["10.0.0.2"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Equal(2, _backend.Calls);
        Assert.Equal(0, resolver.Statistics.StaleAnswers);
    }

    [Fact]
    public async Task Stale_answers_and_failures_are_published_on_the_meter()
    {
        using TestMeterFactory meters = new();
        using CachedDnsResolver resolver = Create(o => o.MeterFactory = meters);
        ConcurrentQueue<(string Name, long Value, string? Reason)> measurements = new();
        using MeterListener listener = new();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (meters.Meters.Contains(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                reason = tag.Key == "reason" ? tag.Value as string : reason;
            }

            measurements.Enqueue((instrument.Name, value, reason));
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measurements.Enqueue((instrument.Name, value, null)));
        listener.Start();

        _backend.Returns("10.0.0.1");
        await resolver.ResolveAsync(Host);
        _backend.Fails();
        _clock.Advance(TimeSpan.FromSeconds(31));
        await resolver.ResolveAsync(Host);
        listener.RecordObservableInstruments();

        Assert.Equal("Resilience.Dns", Assert.Single(meters.Meters).Name);
        Assert.Contains(("resilience.dns.stale_answers", 1L, "backend_failed"), measurements);
        Assert.Equal(2, measurements.Count(m => m.Name == "resilience.dns.backend.queries"));
        Assert.Single(measurements, m => m.Name == "resilience.dns.backend.failures");
        Assert.Contains(("resilience.dns.cache.entries", 1L, (string?)null), measurements);
    }

    [Fact]
    public async Task A_throwing_event_handler_does_not_break_resolution()
    {
        using CachedDnsResolver resolver = Create();
        int staleRaised = 0, failedRaised = 0;
        resolver.StaleAnswerServed += (_, _) => { staleRaised++; throw new InvalidOperationException("observer bug"); };
        resolver.BackendFailed += (_, _) => { failedRaised++; throw new InvalidOperationException("observer bug"); };
        _backend.Returns("10.0.0.1");
        await resolver.ResolveAsync(Host);
        _backend.Fails();
        _clock.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(["10.0.0.1"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Equal(1, resolver.Statistics.StaleAnswers);
        Assert.Equal(1, staleRaised); // the handlers did run (and threw)
        Assert.Equal(1, failedRaised);
    }

    [Fact]
    public async Task Disposed_resolver_refuses_lookups()
    {
        CachedDnsResolver resolver = Create();
        resolver.Dispose();
        resolver.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await resolver.ResolveAsync(Host));
    }

    [Fact]
    public async Task Arguments_are_checked()
    {
        using CachedDnsResolver resolver = Create();
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await resolver.ResolveAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>(async () => await resolver.ResolveAsync(" "));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await resolver.ResolveAsync(Host, AddressFamily.Unix));
        Assert.Throws<ArgumentNullException>(() => new CachedDnsResolver(null!, null));
    }

    [Theory]
    [InlineData(0.0)] // refresh-ahead off: the lock-free hot path decides "fresh"
    [InlineData(0.1)] // refresh-ahead on: TryGetCached, the locked path and the refresh-ahead trigger decide it
    public async Task Every_path_agrees_an_answer_is_fresh_until_exactly_its_ttl_and_servable_until_exactly_max_stale(double refreshAheadRatio)
    {
        TimeSpan ttl = TimeSpan.FromSeconds(30), maxStale = TimeSpan.FromMinutes(1), tick = TimeSpan.FromTicks(1);
        using CachedDnsResolver resolver = Create(o =>
        {
            o.RefreshAheadRatio = refreshAheadRatio;
            o.MaxStale = maxStale;
        });
        List<DnsStaleAnswerEventArgs> stale = [];
        resolver.StaleAnswerServed += (_, e) => stale.Add(e);
        _backend.ReturnsWithTtl(ttl, "10.0.0.1");
        await resolver.ResolveAsync(Host);
        _backend.Fails();

        _clock.Advance(ttl - tick); // the last instant of freshness
        Assert.True(resolver.TryGetCached(Host, out IReadOnlyList<IPAddress> cached));
        Assert.Equal(["10.0.0.1"], cached.Text());
        Assert.Equal(["10.0.0.1"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Empty(stale);

        _clock.Advance(tick); // exactly the TTL: no longer fresh anywhere, served as stale
        Assert.False(resolver.TryGetCached(Host, out _));
        Assert.Equal(["10.0.0.1"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Equal(TimeSpan.Zero, Assert.Single(stale).StaleFor);

        _clock.Advance(maxStale); // exactly MaxStale past the TTL: still served
        Assert.False(resolver.TryGetCached(Host, out _));
        Assert.Equal(["10.0.0.1"], (await resolver.ResolveAsync(Host)).Text());
        Assert.Equal(maxStale, stale[^1].StaleFor);
        Assert.Equal(2, stale.Count);

        _clock.Advance(tick); // one tick later: the backend's failure reaches the caller
        await Assert.ThrowsAsync<SocketException>(async () => await resolver.ResolveAsync(Host));
        Assert.Equal(2, stale.Count);
    }

    [Fact]
    public async Task A_backend_query_starts_one_timer()
    {
        TimerCountingClock clock = new(_clock);
        using CachedDnsResolver resolver = Create(o => o.TimeProvider = clock);
        TaskCompletionSource<DnsBackendResult> answer = _backend.Blocks();

        ValueTask<IPAddress[]> pending = resolver.ResolveAsync(Host);
        Assert.False(pending.IsCompleted);
        Assert.Equal(1, clock.Timers); // the BackendTimeout, for the query and for the wait on it

        answer.SetResult(ScriptedBackend.Answer("10.0.0.1"));
        Assert.Equal(["10.0.0.1"], (await pending).Text());
        Assert.Equal(1, clock.Timers);
    }

    /// <summary>The fake clock, counting the timers created on it.</summary>
    private sealed class TimerCountingClock(FakeTimeProvider inner) : TimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return inner.CreateTimer(callback, state, dueTime, period);
        }

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();
    }
}
