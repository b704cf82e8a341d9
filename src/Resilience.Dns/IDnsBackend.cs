using System.Threading;
using System.Threading.Tasks;

namespace Resilience.Dns;

/// <summary>
/// Where <see cref="CachedDnsResolver"/> gets its answers: the system resolver (<see cref="SystemDnsBackend"/>,
/// the default) or a DNS server queried directly (the <c>Resilience.Dns.DnsClient</c> package).
/// </summary>
/// <remarks>
/// A backend does not cache: the resolver does. It reports the three outcomes that serve-stale must tell apart
/// (RFC 8767 §4): an answer (<see cref="DnsBackendResult.Addresses"/> not empty), an authoritative
/// "no such name / no address" (<see cref="DnsBackendResult.IsNegative"/>), and a failure (the backend throws:
/// timeout, unreachable server, SERVFAIL, REFUSED…). Only failures are answered from stale data by default.
/// </remarks>
public interface IDnsBackend
{
    /// <summary>Looks up the IPv4 and IPv6 addresses of <paramref name="host"/>.</summary>
    /// <param name="host">A host name (never an IP literal or <c>localhost</c>: the resolver answers those itself).</param>
    /// <param name="cancellationToken">Cancelled when the resolver's backend timeout elapses or the resolver is disposed.</param>
    /// <returns>The answer, or a negative answer when the name has no address.</returns>
    /// <exception cref="System.Exception">Any exception means "the lookup failed" (not "the name does not exist").</exception>
    ValueTask<DnsBackendResult> QueryAsync(string host, CancellationToken cancellationToken);
}
