using System;
using System.Threading;
using Xunit;

namespace Resilience.Dns.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_follow_the_documented_sources()
    {
        CachedDnsResolverOptions options = new();
        Assert.Equal(TimeSpan.FromSeconds(30), options.DefaultTtl);          // stock CoreDNS / NodeLocal DNSCache
        Assert.Equal(TimeSpan.FromDays(1), options.MaxStale);                // RFC 8767: 1–3 days
        Assert.Equal(TimeSpan.FromSeconds(30), options.FailureRecheckInterval); // RFC 8767
        Assert.Equal(TimeSpan.FromMilliseconds(1800), options.ClientResponseTimeout); // RFC 8767
        Assert.Equal(TimeSpan.FromSeconds(5), options.NegativeTtl);          // NodeLocal DNSCache denial
        Assert.False(options.KeepLastGoodAnswerOnNegative);                  // CoreDNS prefer_positive off
        Assert.Same(TimeProvider.System, options.TimeProvider);
        options.Validate();
    }

    public static TheoryData<Action<CachedDnsResolverOptions>, string> Invalid => new()
    {
        { o => o.DefaultTtl = TimeSpan.FromSeconds(-1), "DefaultTtl must not be negative" },
        { o => o.MinTtl = TimeSpan.FromSeconds(-1), "MinTtl must not be negative" },
        { o => o.MaxTtl = TimeSpan.FromSeconds(-1), "MaxTtl must not be negative" },
        { o => o.NegativeTtl = TimeSpan.FromTicks(-1), "NegativeTtl must not be negative" },
        { o => o.MaxStale = TimeSpan.FromDays(-1), "MaxStale must not be negative" },
        { o => o.FailureRecheckInterval = TimeSpan.FromSeconds(-30), "FailureRecheckInterval must not be negative" },
        { o => o.ClientResponseTimeout = TimeSpan.FromMilliseconds(-1800), "ClientResponseTimeout must not be negative" },
        { o => o.BackendTimeout = TimeSpan.Zero, "BackendTimeout must be positive or Timeout.InfiniteTimeSpan" },
        { o => o.RefreshAheadRatio = 1, "RefreshAheadRatio must be at least 0" },
        { o => o.RefreshAheadRatio = double.NaN, "RefreshAheadRatio must be at least 0" },
        { o => o.MaxEntries = 0, "MaxEntries must be at least 1" },
        { o => { o.MinTtl = TimeSpan.FromMinutes(2); o.MaxTtl = TimeSpan.FromMinutes(1); }, "MinTtl (00:02:00) must not be greater than MaxTtl (00:01:00)" },
        { o => o.TimeProvider = null!, "TimeProvider must not be null" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_settings_are_rejected_with_a_message_naming_them(Action<CachedDnsResolverOptions> breakIt, string message)
    {
        CachedDnsResolverOptions options = new();
        breakIt(options);
        ArgumentException error = Assert.ThrowsAny<ArgumentException>(() => new CachedDnsResolver(new ScriptedBackend(), options));
        Assert.Contains("CachedDnsResolverOptions." + message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async System.Threading.Tasks.Task Zero_client_response_timer_and_infinite_backend_timeout_answer_stale_at_once()
    {
        Microsoft.Extensions.Time.Testing.FakeTimeProvider clock = TestHelpers.NewClock();
        ScriptedBackend backend = new();
        using CachedDnsResolver resolver = new(backend, TestHelpers.Options(clock, o =>
        {
            o.BackendTimeout = Timeout.InfiniteTimeSpan;
            o.ClientResponseTimeout = TimeSpan.Zero;
        }));
        backend.Returns("10.0.0.1");
        await resolver.ResolveAsync("a.test");
        backend.Blocks();
        clock.Advance(TimeSpan.FromSeconds(31)); // expired: the next lookup queries the (hung) backend

        System.Threading.Tasks.ValueTask<System.Net.IPAddress[]> answer = resolver.ResolveAsync("a.test");
        Assert.True(answer.IsCompleted); // a zero response timer: stale at once
        Assert.Equal(["10.0.0.1"], TestHelpers.Text(await answer));

        // An infinite backend timeout: an hour later nothing has failed the hung query (the default 10 s would have),
        // and the next lookup joins it instead of sending another.
        clock.Advance(TimeSpan.FromHours(1));
        // A timeout would be recorded by the query's continuation right after the timer fires: give it time to show.
        for (int i = 0; i < 50 && resolver.Statistics.BackendFailures == 0; i++)
        {
            await System.Threading.Tasks.Task.Delay(10);
        }

        Assert.Equal(0, resolver.Statistics.BackendFailures);
        System.Threading.Tasks.ValueTask<System.Net.IPAddress[]> again = resolver.ResolveAsync("a.test");
        Assert.True(again.IsCompleted);
        Assert.Equal(["10.0.0.1"], TestHelpers.Text(await again));
        Assert.Equal(2, backend.Calls);
    }

    [Fact]
    public async System.Threading.Tasks.Task Options_are_copied_when_the_resolver_is_created()
    {
        Microsoft.Extensions.Time.Testing.FakeTimeProvider clock = TestHelpers.NewClock();
        ScriptedBackend backend = new();
        CachedDnsResolverOptions options = TestHelpers.Options(clock);
        using CachedDnsResolver resolver = new(backend, options);
        options.DefaultTtl = TimeSpan.FromSeconds(1);
        backend.Returns("10.0.0.1");

        await resolver.ResolveAsync("a.test");
        clock.Advance(TimeSpan.FromSeconds(2));
        await resolver.ResolveAsync("a.test");
        Assert.Equal(1, backend.Calls);
    }
}
