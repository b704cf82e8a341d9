using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;

namespace Resilience.Dns;

/// <summary>An answer from an <see cref="IDnsBackend"/>: addresses with an optional time to live, or a negative answer.</summary>
public sealed class DnsBackendResult
{
    private DnsBackendResult(IPAddress[] addresses, TimeSpan? timeToLive)
    {
        Addresses = addresses;
        TimeToLive = timeToLive;
    }

    /// <summary>The addresses in the order the backend gave them; empty for a negative answer.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>
    /// How long the answer may be cached (the records' TTL, or for a negative answer the RFC 2308 negative TTL);
    /// <see langword="null"/> when the backend does not know (the system resolver), in which case the resolver
    /// uses <see cref="CachedDnsResolverOptions.DefaultTtl"/> or <see cref="CachedDnsResolverOptions.NegativeTtl"/>.
    /// </summary>
    public TimeSpan? TimeToLive { get; }

    /// <summary>True when the name does not exist (NXDOMAIN) or has no A/AAAA record (NODATA).</summary>
    public bool IsNegative => Addresses.Count == 0;

    /// <summary>Creates an answer. An empty <paramref name="addresses"/> is a negative answer.</summary>
    /// <param name="addresses">The addresses, in the order connections should try them.</param>
    /// <param name="timeToLive">The records' TTL, or <see langword="null"/> when unknown.</param>
    /// <exception cref="ArgumentNullException"><paramref name="addresses"/> is null or contains null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is negative.</exception>
    public static DnsBackendResult Answer(IEnumerable<IPAddress> addresses, TimeSpan? timeToLive = null)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        IPAddress[] copy = addresses.ToArray();
        if (Array.IndexOf(copy, null) >= 0)
        {
            throw new ArgumentNullException(nameof(addresses), "The address list contains a null entry.");
        }

        if (timeToLive is { } ttl && ttl < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeToLive), ttl, "A time to live cannot be negative.");
        }

        return new DnsBackendResult(copy, timeToLive);
    }

    /// <summary>Creates a negative answer: the name does not exist or has no address record.</summary>
    /// <param name="negativeTimeToLive">The negative-caching TTL (RFC 2308: min(SOA TTL, SOA MINIMUM)), or <see langword="null"/> when unknown.</param>
    public static DnsBackendResult NotFound(TimeSpan? negativeTimeToLive = null) => Answer(Array.Empty<IPAddress>(), negativeTimeToLive);
}
