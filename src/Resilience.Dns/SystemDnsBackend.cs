using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Resilience.Dns;

/// <summary>
/// The operating system's resolver (<see cref="System.Net.Dns.GetHostAddressesAsync(string, CancellationToken)"/>, i.e.
/// getaddrinfo on Linux): honours /etc/hosts, resolv.conf search domains and ndots like the rest of the pod.
/// It exposes no TTL, so answers are cached for <see cref="CachedDnsResolverOptions.DefaultTtl"/>.
/// </summary>
public sealed class SystemDnsBackend : IDnsBackend
{
    /// <summary>The shared instance (the backend is stateless).</summary>
    public static SystemDnsBackend Instance { get; } = new();

    /// <inheritdoc />
    public async ValueTask<DnsBackendResult> QueryAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            IPAddress[] addresses = await System.Net.Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            return DnsBackendResult.Answer(addresses);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            // getaddrinfo's EAI_NONAME / EAI_NODATA: the name does not exist or has no address. A server that
            // does not answer gives EAI_AGAIN (SocketError.TryAgain), which stays a failure and is served stale.
            return DnsBackendResult.NotFound();
        }
    }
}
