using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace Resilience.Dns.Benchmarks;

/// <summary>
/// A cache hit of <see cref="CachedDnsResolver"/> through each entry point, against <see cref="System.Net.Dns"/>. The cached
/// name is answered by an in-memory backend (the hit path never reaches a backend); the machine these numbers are taken on
/// has no DNS server besides /etc/hosts, so the system-resolver baselines use <c>localhost</c>, which getaddrinfo answers
/// from /etc/hosts.
/// </summary>
[MemoryDiagnoser]
public class CachedLookupBenchmarks
{
    private const string Host = "collector.example";
    private CachedDnsResolver _resolver = null!;
    private CachedDnsResolver _systemResolver = null!;
    private string _hostName = null!;

    /// <summary>Fills the caches once; every measured call is a fresh hit (30 s TTL, far longer than a run's iteration).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _resolver = new CachedDnsResolver(new FixedBackend(), new CachedDnsResolverOptions { DefaultTtl = TimeSpan.FromHours(1), MaxTtl = TimeSpan.FromHours(1) });
        CachedDns.UseResolver(_resolver);
        _resolver.ResolveAsync(Host).AsTask().GetAwaiter().GetResult();

        // A name the system resolver answers (from /etc/hosts), cached by a resolver over the system backend. The resolver
        // itself would bypass "localhost" (RFC 6761), so the cached name is the machine's own host name.
        _systemResolver = new CachedDnsResolver(new CachedDnsResolverOptions { DefaultTtl = TimeSpan.FromHours(1), MaxTtl = TimeSpan.FromHours(1) });
        _hostName = System.Net.Dns.GetHostName();
        _systemResolver.ResolveAsync(_hostName).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Releases the resolvers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _resolver.Dispose();
        _systemResolver.Dispose();
    }

    /// <summary>The original API: a new array per call.</summary>
    [Benchmark]
    public async Task<int> ResolveAsync_hit() => (await _resolver.ResolveAsync(Host).ConfigureAwait(false)).Length;

    /// <summary>The allocation-free path: the cached read-only list.</summary>
    [Benchmark]
    public async Task<int> ResolveSharedAsync_hit() => (await _resolver.ResolveSharedAsync(Host).ConfigureAwait(false)).Count;

    /// <summary>The synchronous probe, no ValueTask at all.</summary>
    [Benchmark]
    public int TryGetCached_hit() => _resolver.TryGetCached(Host, out IReadOnlyList<IPAddress> addresses) ? addresses.Count : -1;

    /// <summary>What the code fix produces: the Dns shape (Task of a new array).</summary>
    [Benchmark]
    public async Task<int> CachedDns_GetHostAddressesAsync_hit() => (await CachedDns.GetHostAddressesAsync(Host).ConfigureAwait(false)).Length;

    /// <summary>A name resolved once by getaddrinfo (the host's own name, from /etc/hosts), then served from the cache.</summary>
    [Benchmark]
    public async Task<int> ResolveSharedAsync_hit_system_backend() => (await _systemResolver.ResolveSharedAsync(_hostName).ConfigureAwait(false)).Count;

    /// <summary>Baseline: the system resolver, no cache (getaddrinfo reading /etc/hosts every call).</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> SystemDns_GetHostAddressesAsync_localhost() => (await System.Net.Dns.GetHostAddressesAsync("localhost").ConfigureAwait(false)).Length;

    /// <summary>The system resolver for the host's own name (what the cached system-backend benchmark cached).</summary>
    [Benchmark]
    public async Task<int> SystemDns_GetHostAddressesAsync_hostname() => (await System.Net.Dns.GetHostAddressesAsync(_hostName).ConfigureAwait(false)).Length;

    private sealed class FixedBackend : IDnsBackend
    {
        private static readonly DnsBackendResult Answer =
            DnsBackendResult.Answer([IPAddress.Parse("10.96.0.10"), IPAddress.Parse("fd00::10")]);

        public ValueTask<DnsBackendResult> QueryAsync(string host, CancellationToken cancellationToken) => new(Answer);
    }
}
