using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Resilience.Dns.Tests.TestHelpers;

namespace Resilience.Dns.Tests;

/// <summary>
/// The static drop-in entry point. <see cref="CachedDns"/> is process-wide, so every test that touches it is in this one
/// class (xunit runs the tests of a class one after another) and installs its own resolver first.
/// </summary>
public sealed class CachedDnsTests : IDisposable
{
    private const string Host = "collector.test";

    private readonly FakeTimeProvider _clock = NewClock();
    private readonly ScriptedBackend _backend = new();
    private readonly CachedDnsResolver _resolver;

    public CachedDnsTests()
    {
        _resolver = new CachedDnsResolver(_backend, Options(_clock));
        CachedDns.UseResolver(_resolver);
    }

    public void Dispose()
    {
        CachedDns.Reset();
        _resolver.Dispose();
    }

    /// <summary>Every forward-lookup shape, as the code fix produces them: (name, addresses).</summary>
    private static readonly Func<string, Task<IPAddress[]>>[] AddressCalls =
    [
        h => Task.FromResult(CachedDns.GetHostAddresses(h)),
        h => Task.FromResult(CachedDns.GetHostAddresses(h, AddressFamily.Unspecified)),
        h => CachedDns.GetHostAddressesAsync(h),
        h => CachedDns.GetHostAddressesAsync(h, CancellationToken.None),
        h => CachedDns.GetHostAddressesAsync(h, AddressFamily.Unspecified),
        h => CachedDns.GetHostAddressesAsync(h, AddressFamily.Unspecified, CancellationToken.None),
        h => Task.FromResult(CachedDns.GetHostEntry(h).AddressList),
        h => Task.FromResult(CachedDns.GetHostEntry(h, AddressFamily.Unspecified).AddressList),
        async h => (await CachedDns.GetHostEntryAsync(h)).AddressList,
        async h => (await CachedDns.GetHostEntryAsync(h, CancellationToken.None)).AddressList,
        async h => (await CachedDns.GetHostEntryAsync(h, AddressFamily.Unspecified)).AddressList,
        async h => (await CachedDns.GetHostEntryAsync(h, AddressFamily.Unspecified, CancellationToken.None)).AddressList,
    ];

    [Fact]
    public async Task Every_method_returns_what_the_shared_resolver_returns_from_one_backend_query()
    {
        _backend.Returns("10.0.0.1", "2001:db8::1");
        await _resolver.ResolveAsync(Host);
        string[] expected = ["10.0.0.1", "2001:db8::1"];

        foreach (Func<string, Task<IPAddress[]>> call in AddressCalls)
        {
            IPAddress[] addresses = await call(Host);
            Assert.Equal(expected, addresses.Text());
            addresses[0] = IPAddress.Broadcast; // each caller gets its own array, as from Dns
        }

        Assert.Equal(1, _backend.Calls);
        Assert.Equal(1 + AddressCalls.Length, _resolver.Statistics.Lookups);
        Assert.Same(_resolver, CachedDns.Resolver);
    }

    [Fact]
    public async Task Family_overloads_filter_and_host_entries_carry_the_name_asked_without_aliases()
    {
        _backend.Returns("10.0.0.1", "2001:db8::1");

        Assert.Equal(["10.0.0.1"], CachedDns.GetHostAddresses(Host, AddressFamily.InterNetwork).Text());
        Assert.Equal(["2001:db8::1"], (await CachedDns.GetHostAddressesAsync(Host, AddressFamily.InterNetworkV6)).Text());

        IPHostEntry entry = CachedDns.GetHostEntry("Collector.Test", AddressFamily.InterNetwork);
        Assert.Equal("Collector.Test", entry.HostName);
        Assert.Equal(["10.0.0.1"], entry.AddressList.Text());
        Assert.Empty(entry.Aliases);

        IPHostEntry asyncEntry = await CachedDns.GetHostEntryAsync(Host, AddressFamily.InterNetworkV6, CancellationToken.None);
        Assert.Equal(Host, asyncEntry.HostName);
        Assert.Equal(["2001:db8::1"], asyncEntry.AddressList.Text());
        Assert.Empty(asyncEntry.Aliases);

        IPHostEntry literal = await CachedDns.GetHostEntryAsync("10.1.2.3");
        Assert.Equal("10.1.2.3", literal.HostName); // no reverse lookup
        Assert.Equal(["10.1.2.3"], literal.AddressList.Text());
        Assert.Equal(1, _backend.Calls);
    }

    [Fact]
    public async Task Null_and_empty_names_throw_the_argument_exceptions_Dns_callers_expect()
    {
        foreach (Func<string, Task<IPAddress[]>> call in AddressCalls)
        {
            await Assert.ThrowsAsync<ArgumentNullException>(() => call(null!));
            await Assert.ThrowsAsync<ArgumentException>(() => call(""));
        }

        // Thrown by the call itself, before any task exists (as Dns does for null).
        Assert.Throws<ArgumentNullException>(() => { _ = CachedDns.GetHostAddressesAsync(null!); });
        Assert.Throws<ArgumentException>(() => { _ = CachedDns.GetHostEntryAsync(""); });
        Assert.ThrowsAny<ArgumentException>(() => CachedDns.GetHostAddresses(Host, AddressFamily.Unix));
        Assert.Equal(0, _backend.Calls);
    }

    [Fact]
    public async Task A_name_that_does_not_exist_throws_SocketException_HostNotFound_from_every_method()
    {
        _backend.ReturnsNotFound();
        foreach (Func<string, Task<IPAddress[]>> call in AddressCalls)
        {
            SocketException error = await Assert.ThrowsAsync<SocketException>(() => call("gone.test"));
            Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
        }

        Assert.Equal(1, _backend.Calls); // negatively cached after the first
    }

    [Fact]
    public async Task A_failed_lookup_without_stale_answer_surfaces_as_the_system_resolvers_SocketException()
    {
        _backend.Fails(SocketError.TryAgain);
        SocketException sync = Assert.Throws<SocketException>(() => CachedDns.GetHostAddresses("down.test"));
        Assert.Equal(SocketError.TryAgain, sync.SocketErrorCode);
        SocketException async = await Assert.ThrowsAsync<SocketException>(() => CachedDns.GetHostEntryAsync("down2.test"));
        Assert.Equal(SocketError.TryAgain, async.SocketErrorCode);
    }

    [Fact]
    public async Task The_resolvers_backend_timeout_becomes_SocketException_TryAgain_not_TimeoutException()
    {
        _backend.Blocks(); // a hung getaddrinfo; BackendTimeout is 10 s on the fake clock

        Task<IPAddress[]> lookup = CachedDns.GetHostAddressesAsync(Host);
        await EventuallyAsync(() => _backend.Calls == 1, "query started");
        await AdvanceUntilAsync(lookup);
        SocketException asyncError = await Assert.ThrowsAsync<SocketException>(() => lookup);
        Assert.Equal(SocketError.TryAgain, asyncError.SocketErrorCode);
        Assert.Contains("BackendTimeout", asyncError.Message, StringComparison.Ordinal);

        Task<IPHostEntry> blocking = Task.Run(() => CachedDns.GetHostEntry("other.test"));
        await EventuallyAsync(() => _backend.Calls == 2, "second query started");
        await AdvanceUntilAsync(blocking);
        SocketException syncError = await Assert.ThrowsAsync<SocketException>(() => blocking.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(SocketError.TryAgain, syncError.SocketErrorCode);
    }

    /// <summary>
    /// The backend call is counted before the resolver registers its timeout on the fake clock (another thread), so one
    /// 10 s step could land first and never fire it: step 1 s at a time until the lookup ends.
    /// </summary>
    private async Task AdvanceUntilAsync(Task lookup)
        => await EventuallyAsync(
            () =>
            {
                if (lookup.IsCompleted) return true;
                _clock.Advance(TimeSpan.FromSeconds(1));
                return false;
            },
            "the backend timeout fires");

    [Fact]
    public async Task Cancellation_reaches_async_callers_as_OperationCanceledException()
    {
        using CancellationTokenSource cancelled = new();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CachedDns.GetHostAddressesAsync(Host, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CachedDns.GetHostEntryAsync(Host, cancelled.Token));
        Assert.Equal(0, _backend.Calls);
    }

    [Fact]
    public async Task Stale_answers_are_served_through_the_static_methods_and_counted()
    {
        _backend.Returns("10.0.0.1");
        CachedDns.GetHostAddresses(Host);
        _backend.Fails();
        _clock.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(["10.0.0.1"], CachedDns.GetHostAddresses(Host).Text());
        Assert.Equal(["10.0.0.1"], (await CachedDns.GetHostEntryAsync(Host)).AddressList.Text());
        Assert.Equal(2, CachedDns.Resolver.Statistics.StaleAnswers);
    }

    [Fact]
    public async Task Replacing_the_resolver_takes_effect_for_later_calls()
    {
        _backend.Returns("10.0.0.1");
        Assert.Equal(["10.0.0.1"], CachedDns.GetHostAddresses(Host).Text());

        ScriptedBackend other = new();
        other.Returns("10.0.0.2");
        using CachedDnsResolver replacement = new(other, Options(_clock));
        CachedDns.UseResolver(replacement);
        Assert.Same(replacement, CachedDns.Resolver);
        Assert.Equal(["10.0.0.2"], (await CachedDns.GetHostAddressesAsync(Host)).Text());
        Assert.Equal(1, other.Calls);

        CachedDns.Configure(new CachedDnsResolverOptions { DefaultTtl = TimeSpan.FromSeconds(5) });
        CachedDnsResolver configured = CachedDns.Resolver;
        Assert.NotSame(replacement, configured);
        Assert.Same(configured, CachedDns.Resolver);
        Assert.Equal(["127.0.0.1"], CachedDns.GetHostAddresses("localhost", AddressFamily.InterNetwork).Text()); // no DNS needed
        Assert.Equal(1, configured.Statistics.Bypassed);

        Assert.Throws<ArgumentNullException>(() => CachedDns.UseResolver(null!));
        Assert.Throws<ArgumentNullException>(() => CachedDns.Configure(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => CachedDns.Configure(new CachedDnsResolverOptions { MaxEntries = 0 }));
        Assert.Same(configured, CachedDns.Resolver); // a rejected configuration leaves the resolver in place
        configured.Dispose();
    }

    [Fact]
    public async Task The_default_resolver_is_created_once_on_first_use_even_when_raced()
    {
        CachedDns.Reset();
        using ManualResetEventSlim go = new();
        Task<CachedDnsResolver>[] readers = Enumerable.Range(0, 8)
            .Select(_ => Task.Factory.StartNew(() => { go.Wait(); return CachedDns.Resolver; }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        go.Set();
        CachedDnsResolver[] seen = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(10));

        CachedDnsResolver shared = seen[0];
        Assert.All(seen, r => Assert.Same(shared, r));
        Assert.Same(shared, CachedDns.Resolver);
        Assert.NotSame(_resolver, shared);
        Assert.Equal(["127.0.0.1"], CachedDns.GetHostAddresses("localhost", AddressFamily.InterNetwork).Text());
        CachedDns.Reset();
        shared.Dispose();
    }

    [Fact]
    public void Sync_methods_do_not_deadlock_on_a_thread_whose_SynchronizationContext_is_blocked()
    {
        // A backend written without ConfigureAwait(false): its continuation is posted to whatever context it captured.
        // A naive `ResolveAsync(...).AsTask().Result` on a UI-like thread would post it to that very (blocked) thread.
        AwaitingBackend backend = new();
        using CachedDnsResolver resolver = new(backend, new CachedDnsResolverOptions());
        CachedDns.UseResolver(resolver);
        NeverPumpedContext context = new();
        IPAddress[]? addresses = null;
        IPHostEntry? entry = null;
        Exception? error = null;

        Thread thread = new(() =>
        {
            SynchronizationContext.SetSynchronizationContext(context);
            try
            {
                addresses = CachedDns.GetHostAddresses("slow.test");
                entry = CachedDns.GetHostEntry("slow2.test", AddressFamily.InterNetwork);
            }
            catch (Exception ex)
            {
                error = ex;
            }
        })
        { IsBackground = true, Name = "blocked UI-like thread" };
        thread.Start();

        Assert.True(thread.Join(TimeSpan.FromSeconds(20)), "CachedDns's synchronous methods deadlocked on a thread with a SynchronizationContext.");
        Assert.Null(error);
        Assert.Equal(["10.0.0.7"], addresses!.Text());
        Assert.Equal(["10.0.0.7"], entry!.AddressList.Text());
        Assert.Equal(2, backend.Calls);
        Assert.Equal(0, context.Posts); // nothing ever needed the blocked thread
    }

    /// <summary>Awaits without ConfigureAwait(false), like much application code.</summary>
    private sealed class AwaitingBackend : IDnsBackend
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public async ValueTask<DnsBackendResult> QueryAsync(string host, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
#pragma warning disable CA2007 // deliberately captures the context
            await Task.Delay(20, cancellationToken);
#pragma warning restore CA2007
            return ScriptedBackend.Answer("10.0.0.7");
        }
    }

    /// <summary>A UI-like context whose owner thread is blocked: posted callbacks are never run.</summary>
    private sealed class NeverPumpedContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state) => Interlocked.Increment(ref _posts);

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("The owner thread is blocked.");

        public override SynchronizationContext CreateCopy() => this;
    }
}
