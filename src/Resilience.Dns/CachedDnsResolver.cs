using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace Resilience.Dns;

/// <summary>
/// Resolves host names through a TTL cache that keeps serving the last good answer when DNS fails (RFC 8767
/// "serve-stale"), for up to <see cref="CachedDnsResolverOptions.MaxStale"/>. Nothing in .NET does this:
/// <see cref="System.Net.Dns"/> does not cache, and DnsClient's cache drops expired entries, so a lookup after expiry throws
/// while DNS is down (docs/dns.md). On 2024-12-11 services failed as node DNS caches expired after the control plane
/// (and with it cluster DNS) went down; a per-process stale-serving cache keeps established dependencies reachable.
/// </summary>
/// <remarks>
/// <para>Concurrent lookups of one name share one backend query (single-flight). A name used in the last
/// <see cref="CachedDnsResolverOptions.RefreshAheadRatio"/> of its TTL is refreshed in the background. After a failure
/// the backend is asked again only after <see cref="CachedDnsResolverOptions.FailureRecheckInterval"/>; a caller never
/// waits more than <see cref="CachedDnsResolverOptions.ClientResponseTimeout"/> when a stale answer exists.</para>
/// <para>Caching must not hide outages: every stale answer is counted (<see cref="Statistics"/>, the "Resilience.Dns"
/// meter) and raised as <see cref="StaleAnswerServed"/>; every backend failure as <see cref="BackendFailed"/>.</para>
/// <para>IP literals and <c>localhost</c> (RFC 6761) are answered without cache or backend.</para>
/// <para>Thread-safe. Create one per process (or per backend) and share it.</para>
/// </remarks>
public sealed class CachedDnsResolver : IDisposable
{
    private readonly IDnsBackend _backend;
    private readonly CachedDnsResolverOptions _options;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _evictionLock = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly DnsResolverMetrics _metrics;
    private long _useClock;
    private int _disposed;

    /// <summary>Creates a resolver over the system resolver (<see cref="SystemDnsBackend"/>).</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">A setting is invalid (see <see cref="CachedDnsResolverOptions.Validate"/>).</exception>
    public CachedDnsResolver(CachedDnsResolverOptions? options = null)
        : this(SystemDnsBackend.Instance, options)
    {
    }

    /// <summary>Creates a resolver over the given backend.</summary>
    /// <param name="backend">Where answers come from.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="backend"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting is invalid (see <see cref="CachedDnsResolverOptions.Validate"/>).</exception>
    public CachedDnsResolver(IDnsBackend backend, CachedDnsResolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _options = (options ?? new CachedDnsResolverOptions()).Clone();
        _options.Validate();
        _backend = backend;
        _time = _options.TimeProvider;
        _origin = _time.GetTimestamp();
        _metrics = new DnsResolverMetrics(_options.MeterFactory, () => _entries.Count);
    }

    /// <summary>Raised (synchronously, on the resolving thread) each time a caller is given a stale answer. Exceptions thrown by handlers are ignored so that observing cannot break resolution.</summary>
    public event EventHandler<DnsStaleAnswerEventArgs>? StaleAnswerServed;

    /// <summary>Raised each time a backend query fails or times out. Exceptions thrown by handlers are ignored.</summary>
    public event EventHandler<DnsBackendFailureEventArgs>? BackendFailed;

    /// <summary>Live counters since creation.</summary>
    public DnsResolverStatistics Statistics { get; } = new();

    /// <summary>Number of names currently cached.</summary>
    public int Count => _entries.Count;

    /// <summary>Resolves <paramref name="host"/> to its IPv4 and IPv6 addresses.</summary>
    /// <inheritdoc cref="ResolveAsync(string, AddressFamily, CancellationToken)"/>
    public ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default) =>
        ResolveAsync(host, AddressFamily.Unspecified, cancellationToken);

    /// <summary>Resolves <paramref name="host"/> to its addresses of one family.</summary>
    /// <param name="host">A host name, an IP literal, or <c>localhost</c>.</param>
    /// <param name="family"><see cref="AddressFamily.InterNetwork"/>, <see cref="AddressFamily.InterNetworkV6"/> or <see cref="AddressFamily.Unspecified"/> (both).</param>
    /// <param name="cancellationToken">Stops this caller's wait; a shared backend query goes on and still updates the cache.</param>
    /// <returns>A new array (the caller may change it) in the backend's order; empty when the name has addresses, but none of <paramref name="family"/>.
    /// Use <see cref="ResolveSharedAsync(string, AddressFamily, CancellationToken)"/> on hot paths: it does not copy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="family"/> is not one of the three supported values.</exception>
    /// <exception cref="SocketException">With <see cref="SocketError.HostNotFound"/> when the name does not exist or has no address.</exception>
    /// <exception cref="Exception">The backend's exception when it failed and no answer younger than <see cref="CachedDnsResolverOptions.MaxStale"/> is cached (a <see cref="SocketException"/> from the system resolver; a <see cref="TimeoutException"/> after <see cref="CachedDnsResolverOptions.BackendTimeout"/>).</exception>
    /// <exception cref="ObjectDisposedException">The resolver was disposed.</exception>
    public ValueTask<IPAddress[]> ResolveAsync(string host, AddressFamily family, CancellationToken cancellationToken = default)
    {
        ValueTask<AddressSet> answer = ResolveCoreAsync(host, family, cancellationToken);
        return answer.IsCompletedSuccessfully
            ? new ValueTask<IPAddress[]>(answer.Result.Copy(family))
            : CopyWhenDoneAsync(answer, family);

        static async ValueTask<IPAddress[]> CopyWhenDoneAsync(ValueTask<AddressSet> pending, AddressFamily family) =>
            (await pending.ConfigureAwait(false)).Copy(family);
    }

    /// <summary>Resolves <paramref name="host"/> to its IPv4 and IPv6 addresses without copying them.</summary>
    /// <inheritdoc cref="ResolveSharedAsync(string, AddressFamily, CancellationToken)"/>
    public ValueTask<IReadOnlyList<IPAddress>> ResolveSharedAsync(string host, CancellationToken cancellationToken = default) =>
        ResolveSharedAsync(host, AddressFamily.Unspecified, cancellationToken);

    /// <summary>
    /// Like <see cref="ResolveAsync(string, AddressFamily, CancellationToken)"/> (same caching, serve-stale, counters
    /// and exceptions), but returns the cached answer itself as a read-only list instead of a copy: a fresh cache hit
    /// completes synchronously and allocates nothing. For connection paths that only read the addresses.
    /// </summary>
    /// <param name="host">A host name, an IP literal, or <c>localhost</c>.</param>
    /// <param name="family"><see cref="AddressFamily.InterNetwork"/>, <see cref="AddressFamily.InterNetworkV6"/> or <see cref="AddressFamily.Unspecified"/> (both).</param>
    /// <param name="cancellationToken">Stops this caller's wait; a shared backend query goes on and still updates the cache.</param>
    /// <returns>A read-only list shared by every caller until the name's answer changes (one list per answer and
    /// family, created when the answer arrives), in the backend's order; empty when the name has addresses but none of
    /// <paramref name="family"/>. Do not change the <see cref="IPAddress"/> objects in it (for example <see cref="IPAddress.ScopeId"/>): other callers see them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="family"/> is not one of the three supported values.</exception>
    /// <exception cref="SocketException">With <see cref="SocketError.HostNotFound"/> when the name does not exist or has no address.</exception>
    /// <exception cref="Exception">The backend's exception when it failed and no answer younger than <see cref="CachedDnsResolverOptions.MaxStale"/> is cached.</exception>
    /// <exception cref="ObjectDisposedException">The resolver was disposed.</exception>
    public ValueTask<IReadOnlyList<IPAddress>> ResolveSharedAsync(string host, AddressFamily family, CancellationToken cancellationToken = default)
    {
        ValueTask<AddressSet> answer = ResolveCoreAsync(host, family, cancellationToken);
        return answer.IsCompletedSuccessfully
            ? new ValueTask<IReadOnlyList<IPAddress>>(answer.Result.Shared(family))
            : SharedWhenDoneAsync(answer, family);

        static async ValueTask<IReadOnlyList<IPAddress>> SharedWhenDoneAsync(ValueTask<AddressSet> pending, AddressFamily family) =>
            (await pending.ConfigureAwait(false)).Shared(family);
    }

    /// <summary>Gets the fresh cached addresses of <paramref name="host"/> (IPv4 and IPv6) without waiting or allocating.</summary>
    /// <inheritdoc cref="TryGetCached(string, AddressFamily, out IReadOnlyList{IPAddress})"/>
    public bool TryGetCached(string host, out IReadOnlyList<IPAddress> addresses) =>
        TryGetCached(host, AddressFamily.Unspecified, out addresses);

    /// <summary>
    /// Gets the cached answer of <paramref name="host"/> when it is fresh, without waiting and without allocating.
    /// Never asks the backend for the caller and never serves a stale answer: on <see langword="false"/>, call
    /// <see cref="ResolveSharedAsync(string, AddressFamily, CancellationToken)"/>, which does both (and counts them).
    /// A hit counts as a lookup and a cache hit, and a name used near its expiry is refreshed in the background, as
    /// with <see cref="ResolveAsync(string, AddressFamily, CancellationToken)"/>; a miss is not counted.
    /// IP literals and <c>localhost</c> are answered too (an IP literal allocates its address).
    /// </summary>
    /// <param name="host">A host name, an IP literal, or <c>localhost</c>.</param>
    /// <param name="family"><see cref="AddressFamily.InterNetwork"/>, <see cref="AddressFamily.InterNetworkV6"/> or <see cref="AddressFamily.Unspecified"/> (both).</param>
    /// <param name="addresses">The shared read-only list (see <see cref="ResolveSharedAsync(string, AddressFamily, CancellationToken)"/>); empty when the method returns <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when a fresh answer was cached (or the name is a literal or localhost).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="family"/> is not one of the three supported values.</exception>
    /// <exception cref="ObjectDisposedException">The resolver was disposed.</exception>
    public bool TryGetCached(string host, AddressFamily family, out IReadOnlyList<IPAddress> addresses)
    {
        CheckArguments(host, family);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (TryAnswerLocally(host) is { } local)
        {
            Increment(ref Statistics.lookups, _metrics.Lookups);
            Increment(ref Statistics.bypassed, _metrics.Bypassed);
            addresses = local.Shared(family);
            return true;
        }

        if (FindEntry(host) is { } entry)
        {
            TimeSpan now = Now;
            CachedAnswer? current = Volatile.Read(ref entry.Current);
            Freshness state = Classify(current, now);
            if (state is Freshness.Fresh or Freshness.RefreshDue)
            {
                Volatile.Write(ref entry.LastUsed, Interlocked.Increment(ref _useClock));
                Increment(ref Statistics.lookups, _metrics.Lookups);
                Increment(ref Statistics.cacheHits, _metrics.CacheHits);
                if (state == Freshness.RefreshDue)
                {
                    MaybeRefreshAhead(entry, now);
                }

                addresses = current!.Addresses.Shared(family);
                return true;
            }
        }

        addresses = Array.Empty<IPAddress>();
        return false;
    }

    private ValueTask<AddressSet> ResolveCoreAsync(string host, AddressFamily family, CancellationToken cancellationToken)
    {
        CheckArguments(host, family);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<AddressSet>(cancellationToken);
        }

        Increment(ref Statistics.lookups, _metrics.Lookups);
        if (TryAnswerLocally(host) is { } local)
        {
            Increment(ref Statistics.bypassed, _metrics.Bypassed);
            return new ValueTask<AddressSet>(local);
        }

        Entry entry = GetOrAddEntry(host);
        TimeSpan now = Now;

        // Hot path, without a lock: a fresh answer that is not yet due for refresh-ahead. The answer object is immutable
        // and replaced as a whole, so a reader sees either the old or the new one, never a mix.
        if (Volatile.Read(ref entry.Current) is { } hit && Classify(hit, now) == Freshness.Fresh)
        {
            Increment(ref Statistics.cacheHits, _metrics.CacheHits);
            return new ValueTask<AddressSet>(hit.Addresses);
        }

        TaskCompletionSource<QueryOutcome>? started = null;
        Task<QueryOutcome>? inFlight = null;
        AddressSet? answer = null;
        DnsStaleAnswerEventArgs? staleEvent = null;
        bool negative = false;
        bool staleAvailable = false;
        lock (entry)
        {
            Freshness state = Classify(entry.Current, now);
            if (state is Freshness.Fresh or Freshness.RefreshDue)
            {
                Increment(ref Statistics.cacheHits, _metrics.CacheHits);
                answer = entry.Current!.Addresses;
                if (state == Freshness.RefreshDue)
                {
                    started = StartRefreshAheadLocked(entry, now);
                }
            }
            else if (entry.Negative && now < entry.NegativeUntil)
            {
                Increment(ref Statistics.cacheHits, _metrics.CacheHits);
                negative = true;
            }
            else
            {
                staleAvailable = state == Freshness.Stale;
                if (staleAvailable && now < entry.RecheckAt)
                {
                    // RFC 8767 §5 failure recheck timer: after a failure, answer from stale data without asking the
                    // backend again until the timer expires, so a dead DNS server is not hammered.
                    answer = ServeStaleLocked(entry, now, DnsStaleReason.FailureRecheckPending, out staleEvent);
                }
                else if (entry.InFlight is { } existing)
                {
                    inFlight = existing; // single-flight: join the query already under way
                }
                else
                {
                    started = StartQueryLocked(entry);
                    inFlight = started.Task;
                }
            }
        }

        if (started is not null)
        {
            _ = RunQueryAsync(entry, started);
        }

        if (staleEvent is not null)
        {
            Raise(StaleAnswerServed, staleEvent);
        }

        if (answer is not null)
        {
            return new ValueTask<AddressSet>(answer);
        }

        if (negative)
        {
            Increment(ref Statistics.failures, _metrics.Failures);
            return ValueTask.FromException<AddressSet>(NotFound(entry.Host));
        }

        return WaitForAnswerAsync(entry, inFlight!, staleAvailable, cancellationToken);
    }

    /// <summary>Drops every cached answer (for tests and for operators who know the answers are wrong).</summary>
    public void Clear() => _entries.Clear();

    /// <summary>Stops background lookups and disposes the meter the resolver created.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Not disposed: background queries may still read its token; a CancellationTokenSource without a timer holds nothing.
        _disposing.Cancel();
        _metrics.Dispose();
    }


    private TimeSpan Now => _time.GetElapsedTime(_origin);

    private static void CheckArguments(string host, AddressFamily family)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (family is not (AddressFamily.Unspecified or AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentOutOfRangeException(nameof(family), family, "Only InterNetwork, InterNetworkV6 and Unspecified are supported.");
        }
    }

    private static AddressSet? TryAnswerLocally(string host)
    {
        ReadOnlySpan<char> name = host.AsSpan().Trim();

        // Cheap pre-check: a name that does not start like an IP literal skips the parser (every host name starting
        // with a letter), so the common cache hit does not pay for two failed parses.
        if (name.Length > 0 && (char.IsAsciiDigit(name[0]) || name[0] is ':' or '[' || name.Contains(':')))
        {
            if (IPAddress.TryParse(name, out IPAddress? literal))
            {
                return new AddressSet([literal]);
            }
        }

        if (name.EndsWith(".", StringComparison.Ordinal))
        {
            name = name[..^1];
        }

        // RFC 6761 §6.3: localhost and names under it are loopback, and resolvers should not send them to DNS.
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Loopback;
        }

        return null;
    }

    private static AddressSet Loopback { get; } =
        new(Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback]);

    private static SocketException NotFound(string host) =>
        new((int)SocketError.HostNotFound, $"No address for '{host}': the DNS backend answered that the name does not exist or has no A/AAAA record.");

    /// <summary>
    /// The one definition of what a cached answer is good for at <paramref name="now"/> (every path asks this, never
    /// the times themselves). Fresh while <c>now &lt; FreshUntil</c>: the TTL is the interval a record may be cached
    /// (RFC 1035 §3.2.1), so at exactly the TTL it is no longer fresh; from the refresh-ahead point on, a use refreshes
    /// it in the background; past the TTL it may be served stale up to and including
    /// <see cref="CachedDnsResolverOptions.MaxStale"/> (RFC 8767 §5, "maximum stale timer"), and never when MaxStale is zero.
    /// </summary>
    private Freshness Classify(CachedAnswer? answer, TimeSpan now) =>
        answer is null ? Freshness.Expired
        : now < answer.RefreshAt ? Freshness.Fresh
        : now < answer.FreshUntil ? Freshness.RefreshDue
        : _options.MaxStale > TimeSpan.Zero && now - answer.FreshUntil <= _options.MaxStale ? Freshness.Stale
        : Freshness.Expired;

    /// <summary>The last good answer may be served when the backend fails: it has not passed MaxStale (a still-fresh one counts too).</summary>
    private bool CanServeStaleLocked(Entry entry, TimeSpan now) =>
        _options.MaxStale > TimeSpan.Zero && Classify(entry.Current, now) != Freshness.Expired;

    private AddressSet ServeStaleLocked(Entry entry, TimeSpan now, DnsStaleReason reason, out DnsStaleAnswerEventArgs staleEvent)
    {
        CachedAnswer last = entry.Current!;
        TimeSpan staleFor = now > last.FreshUntil ? now - last.FreshUntil : TimeSpan.Zero;
        Increment(ref Statistics.staleAnswers, _metrics.StaleAnswers, DnsResolverMetrics.ReasonTag(reason));
        staleEvent = new DnsStaleAnswerEventArgs(entry.Host, last.Addresses.All, staleFor, reason, entry.LastError);
        return last.Addresses;
    }

    private static string TrimIfNeeded(string host) =>
        char.IsWhiteSpace(host[0]) || char.IsWhiteSpace(host[^1]) ? host.Trim() : host;

    /// <summary>Finds the entry without allocating: the dictionary compares case-insensitively, so "Collector.TEST" finds "collector.test".</summary>
    private Entry? FindEntry(string host) =>
        _entries.TryGetValue(TrimIfNeeded(host), out Entry? entry) ? entry : null;

    private Entry GetOrAddEntry(string host)
    {
        long use = Interlocked.Increment(ref _useClock);
        string name = TrimIfNeeded(host);
        if (!_entries.TryGetValue(name, out Entry? entry))
        {
            // A new name: the key (and the name given to the backend and to events) is lower case.
            string key = name.ToLowerInvariant();
            Entry candidate = new(key);
            entry = _entries.GetOrAdd(key, candidate);
            if (ReferenceEquals(entry, candidate) && _entries.Count > _options.MaxEntries)
            {
                Volatile.Write(ref entry.LastUsed, use);
                EvictLeastRecentlyUsed(entry);
            }
        }

        Volatile.Write(ref entry.LastUsed, use);
        return entry;
    }

    private void EvictLeastRecentlyUsed(Entry keep)
    {
        // O(entries) per eviction; names are few in the processes this is for, and evictions happen only when a new
        // name arrives at a full cache.
        lock (_evictionLock)
        {
            while (_entries.Count > _options.MaxEntries)
            {
                Entry? oldest = null;
                foreach (KeyValuePair<string, Entry> pair in _entries)
                {
                    if (!ReferenceEquals(pair.Value, keep) && (oldest is null || Volatile.Read(ref pair.Value.LastUsed) < Volatile.Read(ref oldest.LastUsed)))
                    {
                        oldest = pair.Value;
                    }
                }

                if (oldest is null)
                {
                    return;
                }

                if (_entries.TryRemove(new KeyValuePair<string, Entry>(oldest.Host, oldest)))
                {
                    Increment(ref Statistics.evictions, _metrics.Evictions);
                }
            }
        }
    }

    private void MaybeRefreshAhead(Entry entry, TimeSpan now)
    {
        TaskCompletionSource<QueryOutcome>? started;
        lock (entry)
        {
            started = Classify(entry.Current, now) == Freshness.RefreshDue ? StartRefreshAheadLocked(entry, now) : null;
        }

        if (started is not null)
        {
            _ = RunQueryAsync(entry, started);
        }
    }

    private TaskCompletionSource<QueryOutcome>? StartRefreshAheadLocked(Entry entry, TimeSpan now)
    {
        if (_options.RefreshAheadRatio > 0 && entry.InFlight is null && now >= entry.RecheckAt)
        {
            // Refresh-ahead: the name is in use and close to expiry; refresh it without making this caller wait.
            Increment(ref Statistics.refreshesAhead, _metrics.RefreshesAhead);
            return StartQueryLocked(entry);
        }

        return null;
    }

    private static TaskCompletionSource<QueryOutcome> StartQueryLocked(Entry entry)
    {
        // Continuations run asynchronously so that completing the query never runs a caller's code under our locks.
        TaskCompletionSource<QueryOutcome> source = new(TaskCreationOptions.RunContinuationsAsynchronously);
        entry.InFlight = source.Task;
        return source;
    }

    private async Task RunQueryAsync(Entry entry, TaskCompletionSource<QueryOutcome> source)
    {
        Increment(ref Statistics.backendQueries, _metrics.BackendQueries);
        QueryOutcome outcome;
        try
        {
            DnsBackendResult result;
            TimeSpan timeout = _options.BackendTimeout;
            // One timer per query: the timeout source's. The backend gets its token, and the wait below ends on the same
            // token, so a backend that ignores its token cannot hold the name's single flight forever either.
            using (CancellationTokenSource timeoutSource = new(timeout, _time))
            using (CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, _disposing.Token))
            {
                try
                {
                    result = await StartBackendQuery(entry.Host, linked.Token).AsTask().WaitAsync(linked.Token).ConfigureAwait(false)
                        ?? throw new InvalidOperationException($"{_backend.GetType().Name}.QueryAsync returned null.");
                }
                catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && timeoutSource.IsCancellationRequested))
                {
                    throw new TimeoutException($"The DNS backend did not answer for '{entry.Host}' within {timeout} (CachedDnsResolverOptions.BackendTimeout).", ex);
                }
            }

            outcome = result.IsNegative ? ApplyNegative(entry, result) : ApplyAnswer(entry, result);
        }
        catch (Exception ex)
        {
            outcome = ApplyFailure(entry, ex);
        }

        source.SetResult(outcome);
    }

    private ValueTask<DnsBackendResult> StartBackendQuery(string host, CancellationToken cancellationToken)
    {
        // The query starts on the caller's thread. Leave the caller's SynchronizationContext behind, so that a backend
        // that awaits without ConfigureAwait(false) cannot post its continuations to a thread that blocks on this very
        // lookup (the synchronous CachedDns methods do): that would deadlock a UI or legacy ASP.NET thread.
        SynchronizationContext? callers = SynchronizationContext.Current;
        if (callers is null)
        {
            return _backend.QueryAsync(host, cancellationToken);
        }

        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return _backend.QueryAsync(host, cancellationToken);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(callers);
        }
    }

    private QueryOutcome ApplyAnswer(Entry entry, DnsBackendResult result)
    {
        TimeSpan ttl = Clamp(result.TimeToLive ?? _options.DefaultTtl, _options.MinTtl, _options.MaxTtl);
        AddressSet addresses = new([.. result.Addresses]);
        lock (entry)
        {
            TimeSpan now = Now;
            TimeSpan freshUntil = now + ttl;
            Volatile.Write(ref entry.Current, new CachedAnswer(addresses, freshUntil, freshUntil - (ttl * _options.RefreshAheadRatio)));
            entry.Negative = false;
            entry.RecheckAt = TimeSpan.MinValue;
            entry.LastError = null;
            entry.InFlight = null;
        }

        return new QueryOutcome(addresses, null, KeptLastGood: false);
    }

    private QueryOutcome ApplyNegative(Entry entry, DnsBackendResult result)
    {
        Increment(ref Statistics.negativeAnswers, _metrics.NegativeAnswers);
        // NegativeTtl is the cap and wins over MinTtl when they disagree; NegativeTtl = 0 turns negative caching off.
        TimeSpan ttl = Clamp(result.TimeToLive ?? _options.NegativeTtl, TimeSpan.FromTicks(Math.Min(_options.MinTtl.Ticks, _options.NegativeTtl.Ticks)), _options.NegativeTtl);
        lock (entry)
        {
            TimeSpan now = Now;
            entry.InFlight = null;
            if (_options.KeepLastGoodAnswerOnNegative && CanServeStaleLocked(entry, now))
            {
                // Opt-in: treat "no such name" like a failure and keep the last good answer (until MaxStale).
                entry.RecheckAt = now + _options.FailureRecheckInterval;
                return new QueryOutcome(null, null, KeptLastGood: true);
            }

            // Default: an authoritative negative answer replaces the last good one (CoreDNS: prefer_positive off),
            // because serving a deleted record can mask real changes.
            Volatile.Write(ref entry.Current, null);
            entry.Negative = true;
            entry.NegativeUntil = now + ttl;
            entry.RecheckAt = TimeSpan.MinValue;
            entry.LastError = null;
        }

        return new QueryOutcome(null, null, KeptLastGood: false);
    }

    private QueryOutcome ApplyFailure(Entry entry, Exception error)
    {
        Increment(ref Statistics.backendFailures, _metrics.BackendFailures);
        lock (entry)
        {
            entry.InFlight = null;
            entry.LastError = error;
            entry.RecheckAt = Now + _options.FailureRecheckInterval;
        }

        Raise(BackendFailed, new DnsBackendFailureEventArgs(entry.Host, error));
        return new QueryOutcome(null, error, KeptLastGood: false);
    }

    private async ValueTask<AddressSet> WaitForAnswerAsync(Entry entry, Task<QueryOutcome> inFlight, bool staleAvailable, CancellationToken cancellationToken)
    {
        QueryOutcome outcome;
        if (staleAvailable)
        {
            try
            {
                outcome = await inFlight.WaitAsync(_options.ClientResponseTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // RFC 8767 §5 client response timer: answer stale now; the query goes on and refreshes the cache.
                AddressSet? stale = null;
                DnsStaleAnswerEventArgs? staleEvent = null;
                lock (entry)
                {
                    if (CanServeStaleLocked(entry, Now))
                    {
                        stale = ServeStaleLocked(entry, Now, DnsStaleReason.BackendSlow, out staleEvent);
                    }
                }

                if (stale is not null)
                {
                    Raise(StaleAnswerServed, staleEvent!);
                    return stale;
                }

                outcome = await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            outcome = await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (outcome.Addresses is { } fresh)
        {
            return fresh;
        }

        AddressSet? served = null;
        DnsStaleAnswerEventArgs? servedEvent = null;
        lock (entry)
        {
            TimeSpan now = Now;
            if (outcome.Error is not null || outcome.KeptLastGood)
            {
                if (CanServeStaleLocked(entry, now))
                {
                    DnsStaleReason reason = outcome.KeptLastGood ? DnsStaleReason.NegativeAnswer : DnsStaleReason.BackendFailed;
                    served = ServeStaleLocked(entry, now, reason, out servedEvent);
                }
            }
        }

        if (served is not null)
        {
            Raise(StaleAnswerServed, servedEvent!);
            return served;
        }

        Increment(ref Statistics.failures, _metrics.Failures);
        if (outcome.Error is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        throw NotFound(entry.Host);
    }

    private void Raise<T>(EventHandler<T>? handler, T args)
        where T : EventArgs
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(this, args);
        }
        catch (Exception)
        {
            // Observers must not be able to break name resolution; a throwing handler is their bug to see in their logs.
        }
    }

    private static void Increment(ref long field, System.Diagnostics.Metrics.Counter<long> counter)
    {
        Interlocked.Increment(ref field);
        counter.Add(1);
    }

    private static void Increment(ref long field, System.Diagnostics.Metrics.Counter<long> counter, KeyValuePair<string, object?> tag)
    {
        Interlocked.Increment(ref field);
        counter.Add(1, tag);
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min ? min : value > max ? max : value;

    /// <summary>What a cached positive answer is good for at a given time; decided only by <see cref="Classify"/>.</summary>
    private enum Freshness
    {
        /// <summary>Within its TTL and before the refresh-ahead point: answer from the cache.</summary>
        Fresh,

        /// <summary>Within its TTL, past the refresh-ahead point: answer from the cache and refresh in the background.</summary>
        RefreshDue,

        /// <summary>Past its TTL, within MaxStale: ask the backend; serve it when the backend fails or is slow.</summary>
        Stale,

        /// <summary>No answer, or past MaxStale: only the backend can answer.</summary>
        Expired,
    }

    private sealed record QueryOutcome(AddressSet? Addresses, Exception? Error, bool KeptLastGood);

    /// <summary>A positive answer; immutable, replaced as a whole so the hot path can read it without the entry's lock.</summary>
    private sealed class CachedAnswer(AddressSet addresses, TimeSpan freshUntil, TimeSpan refreshAt)
    {
        public readonly AddressSet Addresses = addresses;
        public readonly TimeSpan FreshUntil = freshUntil;

        /// <summary>From here on a use of the name starts a background refresh (equal to <see cref="FreshUntil"/> when refresh-ahead is off).</summary>
        public readonly TimeSpan RefreshAt = refreshAt;
    }

    private sealed class Entry(string host)
    {
        public readonly string Host = host;
        public long LastUsed;

        /// <summary>The last good answer (fresh or stale), or null. Written under lock (this) with Volatile.Write; read without the lock by the hot path.</summary>
        public CachedAnswer? Current;

        // Guarded by lock (this). Times are offsets from the resolver's creation on its TimeProvider.
        public bool Negative;
        public TimeSpan NegativeUntil;
        public TimeSpan RecheckAt = TimeSpan.MinValue;
        public Exception? LastError;
        public Task<QueryOutcome>? InFlight;
    }
}
