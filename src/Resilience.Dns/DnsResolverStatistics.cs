using System.Threading;

namespace Resilience.Dns;

/// <summary>
/// Live counters of one <see cref="CachedDnsResolver"/> since it was created. The same numbers are published on the
/// "Resilience.Dns" <see cref="System.Diagnostics.Metrics.Meter"/>. Watch <see cref="StaleAnswers"/> and
/// <see cref="BackendFailures"/>: a cache that serves stale answers is hiding an outage from its callers, not from you.
/// </summary>
public sealed class DnsResolverStatistics
{
    internal long lookups;
    internal long bypassed;
    internal long cacheHits;
    internal long staleAnswers;
    internal long failures;
    internal long backendQueries;
    internal long backendFailures;
    internal long negativeAnswers;
    internal long refreshesAhead;
    internal long evictions;

    internal DnsResolverStatistics()
    {
    }

    /// <summary>Calls to ResolveAsync / ResolveSharedAsync (including bypassed ones), and TryGetCached calls that found an answer.</summary>
    public long Lookups => Volatile.Read(ref lookups);

    /// <summary>Lookups of IP literals and localhost, answered without cache or backend.</summary>
    public long Bypassed => Volatile.Read(ref bypassed);

    /// <summary>Lookups answered from a fresh cache entry (positive or negative).</summary>
    public long CacheHits => Volatile.Read(ref cacheHits);

    /// <summary>Lookups answered with an expired answer because the backend failed, was slow, or is being rechecked later.</summary>
    public long StaleAnswers => Volatile.Read(ref staleAnswers);

    /// <summary>Lookups that threw to the caller (name not found, or a failure with no usable stale answer); cancellations excluded.</summary>
    public long Failures => Volatile.Read(ref failures);

    /// <summary>Queries sent to the backend (concurrent lookups of one name share one).</summary>
    public long BackendQueries => Volatile.Read(ref backendQueries);

    /// <summary>Backend queries that failed or timed out.</summary>
    public long BackendFailures => Volatile.Read(ref backendFailures);

    /// <summary>Backend queries answered "no such name / no address".</summary>
    public long NegativeAnswers => Volatile.Read(ref negativeAnswers);

    /// <summary>Backend queries started ahead of expiry because a name was used in the last part of its TTL.</summary>
    public long RefreshesAhead => Volatile.Read(ref refreshesAhead);

    /// <summary>Names dropped because the cache was full.</summary>
    public long Evictions => Volatile.Read(ref evictions);

    /// <inheritdoc />
    public override string ToString() =>
        $"lookups={Lookups} bypassed={Bypassed} hits={CacheHits} stale={StaleAnswers} failures={Failures} " +
        $"backendQueries={BackendQueries} backendFailures={BackendFailures} negative={NegativeAnswers} " +
        $"refreshesAhead={RefreshesAhead} evictions={Evictions}";
}
