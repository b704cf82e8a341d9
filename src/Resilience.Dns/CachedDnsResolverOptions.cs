using System;
using System.Diagnostics.Metrics;
using System.Threading;

namespace Resilience.Dns;

/// <summary>
/// Settings of a <see cref="CachedDnsResolver"/>. The resolver copies them when it is created; changing the
/// object afterwards has no effect. Every default is explained, with its source, in docs/dns.md.
/// </summary>
public sealed class CachedDnsResolverOptions
{
    /// <summary>
    /// How long an answer is fresh when the backend gives no TTL (the system resolver). Default 30 s: what the
    /// stock CoreDNS Corefile (<c>ttl 30</c> + <c>cache 30</c>) and NodeLocal DNSCache cache for, so a pod sees
    /// changes no later than it would without this cache.
    /// </summary>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Lower bound applied to every TTL. Default 1 s, so records published with TTL 0 do not send every
    /// connection to the backend (concurrent lookups are merged anyway).
    /// </summary>
    public TimeSpan MinTtl { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Upper bound applied to every TTL. Default 1 h, the largest TTL CoreDNS's cache plugin keeps a success
    /// answer by default (3600 s), so a long TTL cannot pin an address in a process for longer than in the cluster cache.
    /// </summary>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a negative answer (NXDOMAIN / no address) is cached: the backend's negative TTL capped at this
    /// value, or this value when the backend gives none (it also caps <see cref="MinTtl"/>; 0 turns negative caching
    /// off). Default 5 s, NodeLocal DNSCache's denial cache time.
    /// </summary>
    public TimeSpan NegativeTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long after expiry a cached answer may still be served when the backend fails. Default 1 day, the lower
    /// end of RFC 8767's suggested 1–3 days: it covers outages of a working day (the 2024-12-11 control-plane
    /// outage lasted about 4 h 20 min) while bounding how long a moved service can be pointed at its old address.
    /// <see cref="TimeSpan.Zero"/> disables serve-stale.
    /// </summary>
    public TimeSpan MaxStale { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// After a failed lookup of a name that has a stale answer, how long that stale answer is served without asking
    /// the backend again. Default 30 s, RFC 8767 §5's failure recheck timer, so a dead DNS server is not hammered.
    /// </summary>
    public TimeSpan FailureRecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a caller waits for a fresh answer when a stale one is available; after that it gets the stale answer
    /// and the lookup goes on in the background and updates the cache. Default 1.8 s, RFC 8767 §5's client response
    /// timer (Unbound's serve-expired-client-timeout is also 1800 ms). <see cref="TimeSpan.Zero"/> answers stale at once.
    /// </summary>
    public TimeSpan ClientResponseTimeout { get; set; } = TimeSpan.FromMilliseconds(1800);

    /// <summary>
    /// How long one backend lookup may take before it counts as failed. Default 10 s, glibc's own worst case for one
    /// name server (resolv.conf <c>timeout:5</c> × <c>attempts:2</c>). <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    public TimeSpan BackendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// When a name is used while less than this fraction of its TTL remains, it is refreshed in the background so
    /// that callers of names in use never wait for the backend. Default 0.1 (the last 10 % of the TTL), as CoreDNS's
    /// cache prefetch. 0 disables refresh-ahead.
    /// </summary>
    public double RefreshAheadRatio { get; set; } = 0.1;

    /// <summary>
    /// The most names kept; past it the least recently used name is dropped. Default 1,000: an agent talks to a
    /// handful of names, and the bound keeps a process that resolves many distinct names from growing without limit.
    /// </summary>
    public int MaxEntries { get; set; } = 1000;

    /// <summary>
    /// When <see langword="true"/>, a negative answer (NXDOMAIN / no address) for a name that has a last good answer
    /// is treated like a failure: the last good answer keeps being served (counted as stale) for up to
    /// <see cref="MaxStale"/>. Default <see langword="false"/>: an authoritative "no such name" replaces the last good
    /// answer, as CoreDNS does with <c>prefer_positive</c> off, because serving a deleted record can mask real changes.
    /// </summary>
    public bool KeepLastGoodAnswerOnNegative { get; set; }

    /// <summary>The clock. Default <see cref="TimeProvider.System"/>; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Creates the resolver's <see cref="Meter"/> ("Resilience.Dns") when set (dependency injection); otherwise the
    /// resolver creates its own and disposes it with itself.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Checks every setting and throws with a message that names the setting and the allowed range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="ArgumentException">Settings contradict each other, or <see cref="TimeProvider"/> is null.</exception>
    public void Validate()
    {
        NonNegative(DefaultTtl, nameof(DefaultTtl));
        NonNegative(MinTtl, nameof(MinTtl));
        NonNegative(MaxTtl, nameof(MaxTtl));
        NonNegative(NegativeTtl, nameof(NegativeTtl));
        NonNegative(MaxStale, nameof(MaxStale));
        NonNegative(FailureRecheckInterval, nameof(FailureRecheckInterval));
        NonNegative(ClientResponseTimeout, nameof(ClientResponseTimeout));
        if (MinTtl > MaxTtl)
        {
            throw new ArgumentException(
                $"{nameof(CachedDnsResolverOptions)}.{nameof(MinTtl)} ({MinTtl}) must not be greater than {nameof(MaxTtl)} ({MaxTtl}).");
        }

        if (BackendTimeout != Timeout.InfiniteTimeSpan && BackendTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(BackendTimeout), BackendTimeout,
                $"{nameof(CachedDnsResolverOptions)}.{nameof(BackendTimeout)} must be positive or Timeout.InfiniteTimeSpan (was {BackendTimeout}).");
        }

        if (double.IsNaN(RefreshAheadRatio) || RefreshAheadRatio < 0 || RefreshAheadRatio >= 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(RefreshAheadRatio), RefreshAheadRatio,
                $"{nameof(CachedDnsResolverOptions)}.{nameof(RefreshAheadRatio)} must be at least 0 (off) and less than 1 (was {RefreshAheadRatio}); 0.1 refreshes in the last 10 % of the TTL.");
        }

        if (MaxEntries < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxEntries), MaxEntries,
                $"{nameof(CachedDnsResolverOptions)}.{nameof(MaxEntries)} must be at least 1 (was {MaxEntries}).");
        }

        if (TimeProvider is null)
        {
            throw new ArgumentException($"{nameof(CachedDnsResolverOptions)}.{nameof(TimeProvider)} must not be null; use TimeProvider.System.");
        }
    }

    internal CachedDnsResolverOptions Clone() => (CachedDnsResolverOptions)MemberwiseClone();

    private static void NonNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                name, value, $"{nameof(CachedDnsResolverOptions)}.{name} must not be negative (was {value}).");
        }
    }
}
