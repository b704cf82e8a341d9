using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Resilience.Dns;

/// <summary>Connects sockets and <see cref="HttpClient"/> through a <see cref="CachedDnsResolver"/>.</summary>
public static class CachedDnsConnectExtensions
{
    /// <summary>
    /// Makes every new connection of <paramref name="handler"/> resolve its host through <paramref name="resolver"/>
    /// (via <see cref="SocketsHttpHandler.ConnectCallback"/>), so <see cref="HttpClient"/> keeps connecting with the
    /// last good answer while DNS is down. Replaces any existing ConnectCallback.
    /// </summary>
    /// <example><code>var http = new HttpClient(new SocketsHttpHandler().UseCachedDns(resolver));</code></example>
    /// <param name="handler">The handler to configure.</param>
    /// <param name="resolver">The resolver to use; it must outlive the handler.</param>
    /// <returns><paramref name="handler"/>, for chaining.</returns>
    public static SocketsHttpHandler UseCachedDns(this SocketsHttpHandler handler, CachedDnsResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(resolver);
        handler.ConnectCallback = async (context, cancellationToken) =>
        {
            DnsEndPoint endPoint = context.DnsEndPoint;
            Socket socket = await resolver.ConnectAsync(endPoint.Host, endPoint.Port, endPoint.AddressFamily, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        };
        return handler;
    }

    /// <summary>
    /// Resolves <paramref name="host"/> through <paramref name="resolver"/> and opens a TCP connection to the first
    /// address that accepts, trying them in the resolver's order (as <see cref="Socket.ConnectAsync(EndPoint)"/> does
    /// with a <see cref="DnsEndPoint"/>). For <c>TcpClient(host, port)</c>-style code.
    /// </summary>
    /// <param name="resolver">The resolver.</param>
    /// <param name="host">Host name or IP literal.</param>
    /// <param name="port">TCP port.</param>
    /// <param name="family">Address family to use, or <see cref="AddressFamily.Unspecified"/> for both.</param>
    /// <param name="cancellationToken">Cancels resolution and connection attempts.</param>
    /// <returns>A connected socket (NoDelay on, as SocketsHttpHandler sets it); the caller owns it.</returns>
    /// <exception cref="SocketException">The name has no address of <paramref name="family"/> (HostNotFound), or every address refused: the last address's error.</exception>
    public static async ValueTask<Socket> ConnectAsync(this CachedDnsResolver resolver, string host, int port, AddressFamily family = AddressFamily.Unspecified, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, IPEndPoint.MinPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        // The shared, read-only answer: a cache hit costs no copy of the address list per connection.
        IReadOnlyList<IPAddress> addresses = await resolver.ResolveSharedAsync(host, family, cancellationToken).ConfigureAwait(false);
        if (addresses.Count == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound, $"'{host}' has no {family} address.");
        }

        Exception? last = null;
        for (int i = 0; i < addresses.Count; i++)
        {
            IPAddress address = addresses[i];
            Socket socket = new(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (Exception ex) when (ex is SocketException && !cancellationToken.IsCancellationRequested)
            {
                // Try the next address, like the BCL's multi-address connect; keep the last error for the caller.
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(last!);
        throw last!; // unreachable
    }
}
