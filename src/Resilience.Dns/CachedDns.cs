using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Resilience.Dns;

/// <summary>
/// Drop-in replacement for the forward lookups of <see cref="System.Net.Dns"/>, answered by a process-wide
/// <see cref="CachedDnsResolver"/> (cache + serve-stale). The methods have the exact parameter lists and return types of
/// their <c>Dns</c> counterparts, so <c>Dns.GetHostAddressesAsync(host, ct)</c> can become
/// <c>CachedDns.GetHostAddressesAsync(host, ct)</c> and the surrounding code still compiles (the RES2001 code fix does this).
/// </summary>
/// <remarks>
/// <para>Differences from <see cref="System.Net.Dns"/>, documented in docs/dns.md: an empty or white-space name throws
/// <see cref="ArgumentException"/> (<c>Dns</c> returns the local host's addresses for <c>""</c>); an IP literal is returned
/// as is (<c>Dns.GetHostEntry</c> would do a reverse lookup); <see cref="IPHostEntry.HostName"/> is the name asked, not
/// the canonical name, and <see cref="IPHostEntry.Aliases"/> is always empty (aliases are not preserved); answers may be
/// stale (counted on <see cref="Resolver"/>) while DNS is down.</para>
/// <para>Exceptions are those <c>Dns</c> callers already handle: <see cref="ArgumentNullException"/> for a null name,
/// <see cref="ArgumentException"/> for an empty one, <see cref="SocketException"/> with <see cref="SocketError.HostNotFound"/>
/// when the name does not exist or has no address of the family, and the system resolver's <see cref="SocketException"/>
/// when resolution fails with no usable stale answer. The resolver's own backend timeout
/// (<see cref="CachedDnsResolverOptions.BackendTimeout"/>) is reported as a <see cref="SocketException"/> with
/// <see cref="SocketError.TryAgain"/> (what getaddrinfo reports when no server answers), so existing
/// <c>catch (SocketException)</c> blocks keep working. Other backends' exceptions (e.g. DnsClient's) pass through.</para>
/// </remarks>
public static class CachedDns
{
    private static CachedDnsResolver? s_resolver;

    /// <summary>
    /// The process-wide resolver behind every method of this class. Created on first use with default options over the
    /// system resolver (<see cref="SystemDnsBackend"/>), unless <see cref="Configure"/> or <see cref="UseResolver"/> was
    /// called before.
    /// </summary>
    public static CachedDnsResolver Resolver => Volatile.Read(ref s_resolver) ?? CreateDefault();

    /// <summary>
    /// Replaces the shared resolver with a new one created from <paramref name="options"/> over the system resolver.
    /// Call it at startup. Thread-safe: calls that start afterwards use the new resolver; calls already under way finish on
    /// the old one, which is therefore not disposed (its cache is simply dropped).
    /// </summary>
    /// <param name="options">Settings of the new resolver (copied).</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting is invalid (see <see cref="CachedDnsResolverOptions.Validate"/>).</exception>
    public static void Configure(CachedDnsResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        UseResolver(new CachedDnsResolver(options));
    }

    /// <summary>
    /// Replaces the shared resolver with <paramref name="resolver"/> (for example the one registered in dependency
    /// injection, or one over the DnsClient backend). Call it at startup. Thread-safe: calls that start afterwards use
    /// <paramref name="resolver"/>; calls already under way finish on the previous one, which is not disposed. The caller
    /// keeps ownership of <paramref name="resolver"/> and must not dispose it while it is in use here.
    /// </summary>
    /// <param name="resolver">The resolver to share.</param>
    /// <exception cref="ArgumentNullException"><paramref name="resolver"/> is null.</exception>
    public static void UseResolver(CachedDnsResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        Volatile.Write(ref s_resolver, resolver);
    }

    /// <summary>Resolves a name like <see cref="System.Net.Dns.GetHostAddresses(string)"/>, through the cache.</summary>
    /// <inheritdoc cref="GetHostAddresses(string, AddressFamily)"/>
    public static IPAddress[] GetHostAddresses(string hostNameOrAddress) =>
        GetHostAddresses(hostNameOrAddress, AddressFamily.Unspecified);

    /// <summary>
    /// Resolves a name like <see cref="System.Net.Dns.GetHostAddresses(string, AddressFamily)"/>, through the cache.
    /// A cache hit returns at once; otherwise the calling thread blocks until the backend answers, a stale answer is
    /// served (after at most <see cref="CachedDnsResolverOptions.ClientResponseTimeout"/>), or the lookup fails (after at
    /// most <see cref="CachedDnsResolverOptions.BackendTimeout"/>, 10 s by default, when nothing is cached). Safe to call
    /// on a thread with a <see cref="SynchronizationContext"/> (UI, legacy ASP.NET): the lookup never needs that thread.
    /// </summary>
    /// <param name="hostNameOrAddress">A host name, an IP literal, or <c>localhost</c>.</param>
    /// <param name="family">InterNetwork, InterNetworkV6, or Unspecified for both.</param>
    /// <returns>A new array the caller may change, in the backend's order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="hostNameOrAddress"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="hostNameOrAddress"/> is empty or white space, or <paramref name="family"/> is not supported.</exception>
    /// <exception cref="SocketException">The name does not exist or has no address (<see cref="SocketError.HostNotFound"/>), or resolution failed with no usable stale answer.</exception>
    public static IPAddress[] GetHostAddresses(string hostNameOrAddress, AddressFamily family) =>
        WaitFor(Resolver.ResolveAsync(hostNameOrAddress, family));

    /// <summary>Resolves a name like <see cref="System.Net.Dns.GetHostAddressesAsync(string)"/>, through the cache.</summary>
    /// <inheritdoc cref="GetHostAddressesAsync(string, AddressFamily, CancellationToken)"/>
    public static Task<IPAddress[]> GetHostAddressesAsync(string hostNameOrAddress) =>
        GetHostAddressesAsync(hostNameOrAddress, AddressFamily.Unspecified, CancellationToken.None);

    /// <summary>Resolves a name like <see cref="System.Net.Dns.GetHostAddressesAsync(string, CancellationToken)"/>, through the cache.</summary>
    /// <inheritdoc cref="GetHostAddressesAsync(string, AddressFamily, CancellationToken)"/>
    public static Task<IPAddress[]> GetHostAddressesAsync(string hostNameOrAddress, CancellationToken cancellationToken) =>
        GetHostAddressesAsync(hostNameOrAddress, AddressFamily.Unspecified, cancellationToken);

    /// <summary>
    /// Resolves a name like <see cref="System.Net.Dns.GetHostAddressesAsync(string, AddressFamily, CancellationToken)"/>,
    /// through the cache. Hot paths that can take a read-only list should call
    /// <see cref="CachedDnsResolver.ResolveSharedAsync(string, AddressFamily, CancellationToken)"/> on <see cref="Resolver"/>
    /// instead: it does not allocate on a cache hit.
    /// </summary>
    /// <param name="hostNameOrAddress">A host name, an IP literal, or <c>localhost</c>.</param>
    /// <param name="family">InterNetwork, InterNetworkV6, or Unspecified for both.</param>
    /// <param name="cancellationToken">Stops this caller's wait (a shared backend query goes on and fills the cache).</param>
    /// <returns>A new array the caller may change, in the backend's order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="hostNameOrAddress"/> is null (thrown by the call, not the task).</exception>
    /// <exception cref="ArgumentException"><paramref name="hostNameOrAddress"/> is empty or white space, or <paramref name="family"/> is not supported (thrown by the call).</exception>
    /// <exception cref="SocketException">(In the task.) The name does not exist or has no address (<see cref="SocketError.HostNotFound"/>), or resolution failed with no usable stale answer.</exception>
    /// <exception cref="OperationCanceledException">(In the task.) <paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<IPAddress[]> GetHostAddressesAsync(string hostNameOrAddress, AddressFamily family, CancellationToken cancellationToken = default)
    {
        ValueTask<IPAddress[]> lookup = Resolver.ResolveAsync(hostNameOrAddress, family, cancellationToken);
        return lookup.IsCompletedSuccessfully ? Task.FromResult(lookup.Result) : TranslateAsync(lookup);
    }

    /// <summary>Resolves a name like <see cref="System.Net.Dns.GetHostEntry(string)"/>, through the cache.</summary>
    /// <inheritdoc cref="GetHostEntry(string, AddressFamily)"/>
    public static IPHostEntry GetHostEntry(string hostNameOrAddress) =>
        GetHostEntry(hostNameOrAddress, AddressFamily.Unspecified);

    /// <summary>
    /// Resolves a name like <see cref="System.Net.Dns.GetHostEntry(string, AddressFamily)"/>, through the cache; blocks as
    /// <see cref="GetHostAddresses(string, AddressFamily)"/> does. No reverse lookup: for an IP literal the entry holds the
    /// literal.
    /// </summary>
    /// <param name="hostNameOrAddress">A host name, an IP literal, or <c>localhost</c>.</param>
    /// <param name="family">InterNetwork, InterNetworkV6, or Unspecified for both.</param>
    /// <returns><see cref="IPHostEntry.HostName"/> = <paramref name="hostNameOrAddress"/> as given, <see cref="IPHostEntry.AddressList"/> = the addresses (a new array), <see cref="IPHostEntry.Aliases"/> empty (aliases are not preserved).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="hostNameOrAddress"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="hostNameOrAddress"/> is empty or white space, or <paramref name="family"/> is not supported.</exception>
    /// <exception cref="SocketException">The name does not exist or has no address (<see cref="SocketError.HostNotFound"/>), or resolution failed with no usable stale answer.</exception>
    public static IPHostEntry GetHostEntry(string hostNameOrAddress, AddressFamily family) =>
        ToEntry(hostNameOrAddress, GetHostAddresses(hostNameOrAddress, family));

    /// <summary>Resolves a name like <see cref="System.Net.Dns.GetHostEntryAsync(string)"/>, through the cache.</summary>
    /// <inheritdoc cref="GetHostEntryAsync(string, AddressFamily, CancellationToken)"/>
    public static Task<IPHostEntry> GetHostEntryAsync(string hostNameOrAddress) =>
        GetHostEntryAsync(hostNameOrAddress, AddressFamily.Unspecified, CancellationToken.None);

    /// <summary>Resolves a name like <see cref="System.Net.Dns.GetHostEntryAsync(string, CancellationToken)"/>, through the cache.</summary>
    /// <inheritdoc cref="GetHostEntryAsync(string, AddressFamily, CancellationToken)"/>
    public static Task<IPHostEntry> GetHostEntryAsync(string hostNameOrAddress, CancellationToken cancellationToken) =>
        GetHostEntryAsync(hostNameOrAddress, AddressFamily.Unspecified, cancellationToken);

    /// <summary>
    /// Resolves a name like <see cref="System.Net.Dns.GetHostEntryAsync(string, AddressFamily, CancellationToken)"/>,
    /// through the cache. No reverse lookup: for an IP literal the entry holds the literal.
    /// </summary>
    /// <param name="hostNameOrAddress">A host name, an IP literal, or <c>localhost</c>.</param>
    /// <param name="family">InterNetwork, InterNetworkV6, or Unspecified for both.</param>
    /// <param name="cancellationToken">Stops this caller's wait (a shared backend query goes on and fills the cache).</param>
    /// <returns><see cref="IPHostEntry.HostName"/> = <paramref name="hostNameOrAddress"/> as given, <see cref="IPHostEntry.AddressList"/> = the addresses (a new array), <see cref="IPHostEntry.Aliases"/> empty (aliases are not preserved).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="hostNameOrAddress"/> is null (thrown by the call, not the task).</exception>
    /// <exception cref="ArgumentException"><paramref name="hostNameOrAddress"/> is empty or white space, or <paramref name="family"/> is not supported (thrown by the call).</exception>
    /// <exception cref="SocketException">(In the task.) The name does not exist or has no address (<see cref="SocketError.HostNotFound"/>), or resolution failed with no usable stale answer.</exception>
    /// <exception cref="OperationCanceledException">(In the task.) <paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<IPHostEntry> GetHostEntryAsync(string hostNameOrAddress, AddressFamily family, CancellationToken cancellationToken = default)
    {
        ValueTask<IPAddress[]> lookup = Resolver.ResolveAsync(hostNameOrAddress, family, cancellationToken);
        return lookup.IsCompletedSuccessfully
            ? Task.FromResult(ToEntry(hostNameOrAddress, lookup.Result))
            : EntryAsync(hostNameOrAddress, lookup);

        static async Task<IPHostEntry> EntryAsync(string host, ValueTask<IPAddress[]> pending) =>
            ToEntry(host, await TranslateAsync(pending).ConfigureAwait(false));
    }

    /// <summary>For tests: forget the shared resolver so that the next use creates the default one again.</summary>
    internal static void Reset() => Volatile.Write(ref s_resolver, null);

    private static CachedDnsResolver CreateDefault()
    {
        CachedDnsResolver created = new();
        CachedDnsResolver? winner = Interlocked.CompareExchange(ref s_resolver, created, null);
        if (winner is null)
        {
            return created;
        }

        created.Dispose(); // another thread created it first; ours owns a Meter
        return winner;
    }

    private static IPHostEntry ToEntry(string host, IPAddress[] addresses) =>
        new() { HostName = host, AddressList = addresses, Aliases = [] };

    private static IPAddress[] WaitFor(ValueTask<IPAddress[]> lookup)
    {
        if (lookup.IsCompletedSuccessfully)
        {
            return lookup.Result; // a cache hit, an IP literal or localhost: no blocking at all
        }

        // Sync over async without the classic deadlock: everything inside the resolver awaits with ConfigureAwait(false)
        // and the backend query is started without the caller's SynchronizationContext, so nothing ever needs to run on
        // this (blocked) thread to complete the lookup.
        try
        {
            return lookup.AsTask().GetAwaiter().GetResult();
        }
        catch (TimeoutException ex)
        {
            throw BackendTimedOut(ex);
        }
    }

    private static async Task<IPAddress[]> TranslateAsync(ValueTask<IPAddress[]> lookup)
    {
        try
        {
            return await lookup.ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw BackendTimedOut(ex);
        }
    }

    // getaddrinfo reports EAI_AGAIN (SocketError.TryAgain) when no name server answers; callers of Dns catch SocketException.
    private static SocketException BackendTimedOut(TimeoutException ex) =>
        new((int)SocketError.TryAgain, ex.Message);
}
