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

namespace Resilience.Dns.Tests;

/// <summary>A backend whose behaviour each test sets phase by phase; it counts every query it receives.</summary>
internal sealed class ScriptedBackend : IDnsBackend
{
    private Func<string, CancellationToken, Task<DnsBackendResult>> _handler =
        (host, _) => throw new InvalidOperationException($"No scripted answer for '{host}'.");

    private int _calls;

    public ConcurrentQueue<string> Hosts { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public int CallsFor(string host) => Hosts.Count(h => h == host);

    public ValueTask<DnsBackendResult> QueryAsync(string host, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        Hosts.Enqueue(host);
        return new ValueTask<DnsBackendResult>(_handler(host, cancellationToken));
    }

    public void Returns(params string[] addresses) => ReturnsWithTtl(null, addresses);

    public void ReturnsWithTtl(TimeSpan? ttl, params string[] addresses) =>
        _handler = (_, _) => Task.FromResult(DnsBackendResult.Answer(addresses.Select(IPAddress.Parse), ttl));

    public void Answers(Func<string, DnsBackendResult> answer) => _handler = (host, _) => Task.FromResult(answer(host));

    public void ReturnsNotFound(TimeSpan? ttl = null) => _handler = (_, _) => Task.FromResult(DnsBackendResult.NotFound(ttl));

    public void Fails(SocketError error = SocketError.TryAgain) =>
        _handler = (_, _) => Task.FromException<DnsBackendResult>(new SocketException((int)error));

    /// <summary>Every query from now on waits for the returned source (and ignores cancellation, like a stuck getaddrinfo).</summary>
    public TaskCompletionSource<DnsBackendResult> Blocks()
    {
        TaskCompletionSource<DnsBackendResult> source = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler = (_, _) => source.Task;
        return source;
    }

    public static DnsBackendResult Answer(params string[] addresses) => DnsBackendResult.Answer(addresses.Select(IPAddress.Parse));
}

internal sealed class TestMeterFactory : IMeterFactory
{
    public List<Meter> Meters { get; } = [];

    public Meter Create(MeterOptions options)
    {
        Meter meter = new(options);
        Meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (Meter meter in Meters)
        {
            meter.Dispose();
        }
    }
}

internal static class TestHelpers
{
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2024, 12, 11, 23, 12, 0, TimeSpan.Zero));

    public static CachedDnsResolverOptions Options(FakeTimeProvider clock, Action<CachedDnsResolverOptions>? configure = null)
    {
        CachedDnsResolverOptions options = new() { TimeProvider = clock };
        configure?.Invoke(options);
        return options;
    }

    public static string[] Text(this IEnumerable<IPAddress> addresses) => addresses.Select(a => a.ToString()).ToArray();

    /// <summary>Waits, in bounded real time, for something that happens on another thread.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        for (int i = 0; i < 500; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(10);
        }

        Assert.Fail($"Timed out after 5 s waiting for: {what}");
    }
}
