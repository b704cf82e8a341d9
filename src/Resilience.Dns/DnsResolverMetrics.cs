using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Resilience.Dns;

/// <summary>The resolver's instruments on the "Resilience.Dns" meter. Host names are not tags (unbounded cardinality); the events carry them.</summary>
internal sealed class DnsResolverMetrics : IDisposable
{
    internal const string MeterName = "Resilience.Dns";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public DnsResolverMetrics(IMeterFactory? factory, Func<int> entryCount)
    {
        if (factory is null)
        {
            _meter = new Meter(MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = factory.Create(new MeterOptions(MeterName));
        }

        Lookups = _meter.CreateCounter<long>("resilience.dns.lookups", "{lookup}", "Calls to CachedDnsResolver.ResolveAsync/ResolveSharedAsync, and TryGetCached hits.");
        Bypassed = _meter.CreateCounter<long>("resilience.dns.bypassed", "{lookup}", "Lookups of IP literals and localhost.");
        CacheHits = _meter.CreateCounter<long>("resilience.dns.cache.hits", "{lookup}", "Lookups answered from a fresh cache entry.");
        StaleAnswers = _meter.CreateCounter<long>("resilience.dns.stale_answers", "{lookup}", "Lookups answered with an expired answer; tag 'reason'.");
        Failures = _meter.CreateCounter<long>("resilience.dns.failures", "{lookup}", "Lookups that threw to the caller.");
        BackendQueries = _meter.CreateCounter<long>("resilience.dns.backend.queries", "{query}", "Queries sent to the backend.");
        BackendFailures = _meter.CreateCounter<long>("resilience.dns.backend.failures", "{query}", "Backend queries that failed or timed out.");
        NegativeAnswers = _meter.CreateCounter<long>("resilience.dns.negative_answers", "{query}", "Backend answers 'no such name / no address'.");
        RefreshesAhead = _meter.CreateCounter<long>("resilience.dns.refreshes_ahead", "{query}", "Backend queries started before expiry.");
        Evictions = _meter.CreateCounter<long>("resilience.dns.cache.evictions", "{entry}", "Names dropped because the cache was full.");
        _meter.CreateObservableGauge("resilience.dns.cache.entries", entryCount, "{entry}", "Names in the cache.");
    }

    public Counter<long> Lookups { get; }
    public Counter<long> Bypassed { get; }
    public Counter<long> CacheHits { get; }
    public Counter<long> StaleAnswers { get; }
    public Counter<long> Failures { get; }
    public Counter<long> BackendQueries { get; }
    public Counter<long> BackendFailures { get; }
    public Counter<long> NegativeAnswers { get; }
    public Counter<long> RefreshesAhead { get; }
    public Counter<long> Evictions { get; }

    public static KeyValuePair<string, object?> ReasonTag(DnsStaleReason reason) => new("reason", reason switch
    {
        DnsStaleReason.BackendFailed => "backend_failed",
        DnsStaleReason.BackendSlow => "backend_slow",
        DnsStaleReason.FailureRecheckPending => "failure_recheck_pending",
        _ => "negative_answer",
    });

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
