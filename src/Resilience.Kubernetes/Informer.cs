using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using k8s;
using k8s.Models;

namespace Resilience.Kubernetes
{
    /// <summary>
    /// A list-once-then-watch cache of one collection with client-go reflector semantics:
    /// <list type="bullet">
    /// <item>with <see cref="InformerOptions.StreamingInitialList"/> (default), the first list is a streaming WATCH
    /// (KEP-3157: <c>sendInitialEvents=true</c>, <c>resourceVersionMatch=NotOlderThan</c>, <c>resourceVersion=""</c>,
    /// <c>allowWatchBookmarks=true</c>): the objects arrive as ADDED events into a side store, which replaces the cache
    /// at the BOOKMARK annotated <c>k8s.io/initial-events-end: "true"</c>; the same stream then goes on as the watch.
    /// When the server refuses it (a 4xx Status other than 408/410/429, or a stream that ends without that bookmark)
    /// the informer falls back to LIST then WATCH at once and keeps to it for its lifetime;</item>
    /// <item>otherwise the first LIST at <c>resourceVersion=0</c> (the API server's watch cache; not paginated because the server
    /// ignores <c>limit</c> there), unless <see cref="InformerOptions.ConsistentInitialList"/>;</item>
    /// <item>WATCH from the last seen resourceVersion with <c>allowWatchBookmarks=true</c> and a random
    /// <c>timeoutSeconds</c> in [5, 10) minutes; when a watch ends it resumes from the last resourceVersion seen
    /// (objects and bookmarks) without relisting;</item>
    /// <item>on 410 Gone (ERROR event or HTTP status) it relists with resourceVersion unset (a consistent read,
    /// paginated by <see cref="InformerOptions.PageSize"/>) after a backoff, as client-go does;</item>
    /// <item>every failure (LIST or WATCH error, 429, 5xx, dropped stream, a watch that closes within 1 s without an
    /// event) waits an <see cref="ExponentialBackoff"/> delay (0.8 s → 30 s, full jitter, reset after 2 min) and
    /// never less than the server's Retry-After.</item>
    /// </list>
    /// There is no periodic resync: handlers see each change once. Reads (<see cref="Items"/>, <see cref="List"/>,
    /// <see cref="TryGet"/>) are thread-safe snapshots. Object handlers do not run on the loop: each registration
    /// (<see cref="AddHandler"/>, and the <see cref="Added"/>/<see cref="Updated"/>/<see cref="Deleted"/> events together)
    /// has its own bounded buffer and task (client-go: one processorListener per handler), sees the changes in the
    /// order of the watch, one at a time; when its buffer (<see cref="InformerOptions.HandlerBufferCapacity"/>) is full
    /// the loop waits for it (back-pressure, nothing dropped). <see cref="Error"/> and <see cref="BackingOff"/> run on the loop.
    /// </summary>
    public sealed class Informer<TItem, TList> : IInformer, IDisposable
        where TItem : class, IKubernetesObject<V1ObjectMeta>
        where TList : class, IMetadata<V1ListMeta>, IItems<TItem>, new()
    {
        // client-go's reflector treats a watch that ends within 1 s without an event as an error ("very short watch")
        // and backs off instead of re-watching at once (k8s.io/client-go/tools/cache/reflector.go, watchHandler).
        private static readonly TimeSpan ShortWatch = TimeSpan.FromSeconds(1);


        // KEP-3157: the annotation on the BOOKMARK that ends the initial events (metav1.InitialEventsAnnotationKey,
        // k8s.io/apimachinery/pkg/apis/meta/v1/types.go).
        internal const string InitialEventsEndAnnotation = "k8s.io/initial-events-end";

        private readonly ListWatch<TItem, TList> listWatch;
        private readonly ListWatch<TItem, TList> timedLists;
        private readonly InformerOptions options;
        private readonly TimeProvider time;
        private readonly Random random;
        private readonly ExponentialBackoff backoff;
        private readonly object gate = new();
        private readonly Dictionary<string, TItem> store = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource stop = new();
        private readonly InformerObserver? observer;
        private string? lastSyncResourceVersion;
        private InformerBackoff? currentBackoff;
        private DateTimeOffset startedAt;
        private int watchEvents;
        private Task? loop;
        private int disposed;
        private int streamingRefused;
        private long listCount;
        private long watchCount;
        private long relistCount;
        private Listener[] listeners = Array.Empty<Listener>();
        private Listener? eventsListener;
        private Action<TItem>? added;
        private Action<TItem, TItem>? updated;
        private Action<TItem>? deleted;
        private Task handlersSynced = Task.CompletedTask;

        /// <summary>Creates an informer over <paramref name="listWatch"/>. Nothing is sent before <see cref="Start"/>.</summary>
        public Informer(ListWatch<TItem, TList> listWatch, InformerOptions? options = null)
        {
            this.listWatch = listWatch ?? throw new ArgumentNullException(nameof(listWatch));
            // A copy: a later change to the caller's object must not re-scope the watch without a relist.
            this.options = options?.Clone() ?? new InformerOptions();
            if (this.options.PageSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), "PageSize must be positive");
            if (this.options.MinWatchTimeout < TimeSpan.FromSeconds(1)) throw new ArgumentOutOfRangeException(nameof(options), "MinWatchTimeout must be at least 1 s");
            if (this.options.ListTimeout <= TimeSpan.Zero && this.options.ListTimeout != Timeout.InfiniteTimeSpan)
                throw new ArgumentOutOfRangeException(nameof(options), "ListTimeout must be positive or Timeout.InfiniteTimeSpan");
            if (this.options.HandlerBufferCapacity < 1) throw new ArgumentOutOfRangeException(nameof(options), "HandlerBufferCapacity must be at least 1");
            time = this.options.TimeProvider ?? TimeProvider.System;
            timedLists = new ListWatch<TItem, TList>(ListWithTimeoutAsync, listWatch.WatchAsync);
            random = this.options.Random ?? new Random();
            observer = this.options.Observer;
            backoff = new ExponentialBackoff(
                this.options.InitialBackoff, this.options.MaxBackoff, this.options.BackoffFactor,
                this.options.BackoffResetAfter, time, random);
        }

        /// <summary>
        /// An object appeared (initial list, relist, or ADDED event). The <see cref="Added"/>, <see cref="Updated"/> and
        /// <see cref="Deleted"/> events together are one handler registration: one buffer and one task, in the order of
        /// the watch (a handler that must not be delayed by them uses <see cref="AddHandler"/>).
        /// </summary>
        public event Action<TItem>? Added
        {
            add { lock (gate) { added += value; EnsureEventsListener(); } }
            remove { lock (gate) { added -= value; } }
        }

        /// <summary>An object changed: (old, new). Raised for MODIFIED events and for relisted objects whose resourceVersion changed.</summary>
        public event Action<TItem, TItem>? Updated
        {
            add { lock (gate) { updated += value; EnsureEventsListener(); } }
            remove { lock (gate) { updated -= value; } }
        }

        /// <summary>An object disappeared (DELETED event, or missing from a relist; then the last known state is passed).</summary>
        public event Action<TItem>? Deleted
        {
            add { lock (gate) { deleted += value; EnsureEventsListener(); } }
            remove { lock (gate) { deleted -= value; } }
        }

        /// <summary>
        /// Registers a handler with its own bounded buffer (<see cref="InformerOptions.HandlerBufferCapacity"/>) and its own
        /// task, as client-go's <c>AddEventHandler</c> does: its callbacks run one at a time, in the order of the watch,
        /// whatever the other handlers do. When its buffer is full the informer waits for it (back-pressure). A handler
        /// registered after the sync does not see the objects already listed. Its exceptions are reported like those of
        /// the events (<see cref="Error"/>, <see cref="InformerObserver.HandlerFailed"/>). Dispose the result to remove it
        /// (the call in progress, if any, finishes; the notifications still buffered are dropped).
        /// </summary>
        public IDisposable AddHandler(Action<TItem>? added = null, Action<TItem, TItem>? updated = null, Action<TItem>? deleted = null)
        {
            var listener = new Listener(this, options.HandlerBufferCapacity, added, updated, deleted, isEvents: false);
            lock (gate)
            {
                if (Volatile.Read(ref disposed) != 0) throw new ObjectDisposedException(GetType().Name);
                AddListener(listener);
            }

            listener.Start();
            return new Registration(this, listener);
        }

        /// <summary>A LIST/WATCH failure or an exception thrown by a handler (the informer keeps running).</summary>
        public event Action<Exception>? Error;

        /// <summary>The informer is waiting before it retries (raised after the wait has started).</summary>
        public event Action<InformerBackoff>? BackingOff;

        /// <summary>True once the first LIST has been stored.</summary>
        public bool HasSynced => synced.Task.IsCompletedSuccessfully;

        /// <summary>The resourceVersion the next watch resumes from (from the last list, object event or bookmark).</summary>
        public string? LastSyncResourceVersion
        {
            get { lock (gate) { return lastSyncResourceVersion; } }
        }

        /// <summary>The wait in progress before a retry (set when it starts, cleared when it ends), or null.</summary>
        public InformerBackoff? CurrentBackoff
        {
            get { lock (gate) { return currentBackoff; } }
        }

        /// <summary>LIST operations started (a paginated list counts once).</summary>
        public long ListCount => Interlocked.Read(ref listCount);

        /// <summary>WATCH requests started.</summary>
        public long WatchCount => Interlocked.Read(ref watchCount);

        /// <summary>
        /// True while the next (re)list will be a streaming watch: <see cref="InformerOptions.StreamingInitialList"/> is set
        /// and the server has not refused it. Becomes false for good at the first refusal.
        /// </summary>
        public bool UsesStreamingList => options.StreamingInitialList && Volatile.Read(ref streamingRefused) == 0;

        /// <summary>Relists caused by 410 Gone.</summary>
        public long RelistCount => Interlocked.Read(ref relistCount);

        /// <summary>Number of cached objects.</summary>
        public int Count
        {
            get { lock (gate) { return store.Count; } }
        }

        /// <summary>A snapshot of the cached objects, ordered by key.</summary>
        public IReadOnlyList<TItem> Items
        {
            get
            {
                lock (gate)
                {
                    return store.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToArray();
                }
            }
        }

        /// <summary>A snapshot as the client's list type; its metadata carries <see cref="LastSyncResourceVersion"/>.</summary>
        public TList List()
        {
            lock (gate)
            {
                return new TList
                {
                    Items = store.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToList(),
                    Metadata = new V1ListMeta { ResourceVersion = lastSyncResourceVersion },
                };
            }
        }

        /// <summary>Looks an object up by namespace (null for cluster-scoped objects) and name.</summary>
        public bool TryGet(string? @namespace, string name, [MaybeNullWhen(false)] out TItem item)
        {
            if (name is null) throw new ArgumentNullException(nameof(name));
            lock (gate)
            {
                return store.TryGetValue(ObjectKey.For(@namespace, name), out item);
            }
        }

        /// <summary>Starts the list/watch loop in the background and returns at once. Calling it again does nothing.</summary>
        public void Start()
        {
            if (Volatile.Read(ref disposed) != 0) throw new ObjectDisposedException(GetType().Name);
            lock (gate)
            {
                if (loop is not null) return;
                var token = stop.Token;
                startedAt = time.GetUtcNow();
                loop = Task.Run(() => RunAsync(token));
            }
        }

        /// <summary>Starts the loop and waits until the first list is stored (or <paramref name="cancellationToken"/> fires).</summary>
        public Task StartAsync(CancellationToken cancellationToken = default)
        {
            Start();
            return WaitForSyncAsync(cancellationToken);
        }

        /// <summary>
        /// Waits until the first list is stored and every handler registered by then has handled its notifications (as
        /// client-go's handler registrations' HasSynced). Throws <see cref="ObjectDisposedException"/> once the informer is disposed.
        /// </summary>
        public Task WaitForSyncAsync(CancellationToken cancellationToken = default)
        {
            if (Volatile.Read(ref disposed) != 0) return Task.FromException(new ObjectDisposedException(GetType().Name));
            return WaitForSyncCoreAsync(cancellationToken);
        }

        private async Task WaitForSyncCoreAsync(CancellationToken cancellationToken)
        {
            await synced.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            await Volatile.Read(ref handlersSynced).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Stops the loop and closes the watch connection.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            Task? running;
            lock (gate) { running = loop; }
            stop.Cancel();
            if (running is not null)
            {
                try { await running.ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }

            await Task.WhenAll(StopListeners()).ConfigureAwait(false);
            synced.TrySetException(new ObjectDisposedException(GetType().Name));
            stop.Dispose();
        }

        /// <summary>Stops the loop and closes the watch connection (waits up to 10 s for the loop to end).</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            Task? running;
            lock (gate) { running = loop; }
            stop.Cancel();
            var waited = System.Diagnostics.Stopwatch.StartNew();
            try { running?.Wait(TimeSpan.FromSeconds(10)); } // bounded so a synchronous Dispose cannot hang a shutdown
            catch (AggregateException) { }

            var left = TimeSpan.FromSeconds(10) - waited.Elapsed;
            Task.WaitAll(StopListeners(), left > TimeSpan.Zero ? left : TimeSpan.Zero); // the handlers' calls in progress

            synced.TrySetException(new ObjectDisposedException(GetType().Name));
            stop.Dispose();
        }

        private async Task RunAsync(CancellationToken ct)
        {
            var fromCache = !options.ConsistentInitialList;
            var needList = true;
            var relist = false;
            while (!ct.IsCancellationRequested)
            {
                WatchOutcome outcome;
                Exception? error;
                if (needList && UsesStreamingList)
                {
                    InitialEvents initial;
                    (outcome, error, initial) = await StreamOnceAsync(relist, ct).ConfigureAwait(false);
                    if (outcome == WatchOutcome.Refused)
                    {
                        // client-go falls back to LIST+WATCH at once when a watch-list fails with a non-retriable error
                        // (reflector.go, ListAndWatch: "making progress is better than deadlocking"); we also remember it.
                        Interlocked.Exchange(ref streamingRefused, 1);
                        Report(error!);
                        continue;
                    }

                    if (initial.Done) needList = false;
                }
                else
                {
                    if (needList)
                    {
                        try
                        {
                            await ListAndReplaceAsync(fromCache, relist, ct).ConfigureAwait(false);
                            needList = false;
                        }
                        catch (OperationCanceledException) when (ct.IsCancellationRequested)
                        {
                            return;
                        }
                        catch (Exception ex)
                        {
                            Report(ex);
                            if (!await BackoffAsync(ex, ct).ConfigureAwait(false)) return;
                            continue;
                        }
                    }

                    (outcome, error) = await WatchOnceAsync(ct).ConfigureAwait(false);
                }

                switch (outcome)
                {
                    case WatchOutcome.Stopped:
                        return;
                    case WatchOutcome.Closed:
                        continue; // resume from the last resourceVersion at once
                    case WatchOutcome.Gone:
                        // client-go: the resourceVersion is compacted away; relist as a consistent read, after a backoff.
                        Interlocked.Increment(ref relistCount);
                        needList = true;
                        relist = true;
                        fromCache = false;
                        break;
                }

                Report(error!);
                if (!await BackoffAsync(error!, ct).ConfigureAwait(false)) return;
            }
        }

        private async Task ListAndReplaceAsync(bool fromCache, bool relist, CancellationToken ct)
        {
            Interlocked.Increment(ref listCount);
            var started = time.GetUtcNow();
            Observe(o => o.ListStarted(relist, consistent: !fromCache));
            try
            {
                var items = await ListAndStoreAsync(fromCache, ct).ConfigureAwait(false);
                Observe(o => o.ListCompleted(relist, items, LastSyncResourceVersion, time.GetUtcNow() - started));
                await MarkSyncedAsync(items, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                Observe(o => o.ListFailed(relist, ex, time.GetUtcNow() - started));
                throw;
            }
        }

        private async Task<int> ListAndStoreAsync(bool fromCache, CancellationToken ct)
        {
            var query = new ListOptions { FieldSelector = options.FieldSelector, LabelSelector = options.LabelSelector };
            var list = fromCache
                ? await ListWithTimeoutAsync(query with { ResourceVersion = "0" }, ct).ConfigureAwait(false)
                : await ListPager.ListAllAsync(timedLists, query, options.PageSize, ct).ConfigureAwait(false);

            var fresh = new Dictionary<string, TItem>(StringComparer.Ordinal);
            foreach (var item in list.Items ?? Array.Empty<TItem>())
            {
                if (item is null) continue;
                var stored = Transform(item);
                fresh[ObjectKey.Of(stored)] = stored;
            }

            return await ReplaceStoreAsync(fresh, list.Metadata?.ResourceVersion, ct).ConfigureAwait(false);
        }

        // One LIST request (one page) bounded by InformerOptions.ListTimeout, so a response that never comes fails the list
        // (backoff, then list again) instead of stalling the informer until the client's own timeout.
        private async Task<TList> ListWithTimeoutAsync(ListOptions query, CancellationToken ct)
        {
            using var requestCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var timer = time.CreateTimer(
                static state =>
                {
                    try { ((CancellationTokenSource)state!).Cancel(); }
                    catch (ObjectDisposedException) { }
                },
                requestCts,
                options.ListTimeout,
                Timeout.InfiniteTimeSpan);
            try
            {
                return await listWatch.ListAsync(query, requestCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"The LIST did not complete within {options.ListTimeout} (InformerOptions.ListTimeout).", ex);
            }
        }

        // The store holds the first list. Each handler gets a marker after that list's notifications; WaitForSyncAsync
        // waits for every marker to be handled, so a caller that awaits StartAsync sees handlers that have seen the list.
        private async ValueTask MarkSyncedAsync(int items, CancellationToken ct)
        {
            if (synced.Task.IsCompleted) return;
            var targets = Volatile.Read(ref listeners);
            var markers = new Task[targets.Length];
            for (var i = 0; i < targets.Length; i++)
            {
                var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                markers[i] = marker.Task;
                await WriteAsync(targets[i], new Notification(NotificationKind.Synced, null, null, marker), ct).ConfigureAwait(false);
            }

            Volatile.Write(ref handlersSynced, Task.WhenAll(markers));
            if (synced.TrySetResult()) Observe(o => o.Synced(items, time.GetUtcNow() - startedAt));
        }

        // Replaces the cache with a complete list (first list, relist, or the initial events of a streaming watch) and
        // tells the handlers what changed.
        private async ValueTask<int> ReplaceStoreAsync(Dictionary<string, TItem> fresh, string? resourceVersion, CancellationToken ct)
        {
            var added = new List<TItem>();
            var updated = new List<(TItem Old, TItem New)>();
            var deleted = new List<TItem>();
            lock (gate)
            {
                foreach (var pair in fresh)
                {
                    if (!store.TryGetValue(pair.Key, out var old)) added.Add(pair.Value);
                    else if (old.Metadata?.ResourceVersion != pair.Value.Metadata?.ResourceVersion) updated.Add((old, pair.Value));
                }

                foreach (var pair in store)
                {
                    if (!fresh.ContainsKey(pair.Key)) deleted.Add(pair.Value);
                }

                store.Clear();
                foreach (var pair in fresh) store[pair.Key] = pair.Value;
                lastSyncResourceVersion = resourceVersion;
            }

            foreach (var item in deleted) await DispatchAsync(new Notification(NotificationKind.Deleted, item, null, null), ct).ConfigureAwait(false);
            foreach (var item in added) await DispatchAsync(new Notification(NotificationKind.Added, item, null, null), ct).ConfigureAwait(false);
            foreach (var (o, n) in updated) await DispatchAsync(new Notification(NotificationKind.Updated, n, o, null), ct).ConfigureAwait(false);
            return fresh.Count;
        }

        private Task<(WatchOutcome Outcome, Exception? Error)> WatchOnceAsync(CancellationToken ct) =>
            WatchOnceAsync(WatchQuery(LastSyncResourceVersion), initial: null, ct);

        // A streaming (re)list: the watch that carries the initial events, then the changes (KEP-3157).
        private async Task<(WatchOutcome Outcome, Exception? Error, InitialEvents Initial)> StreamOnceAsync(bool relist, CancellationToken ct)
        {
            var initial = new InitialEvents(relist, time.GetUtcNow());
            Observe(o => o.StreamingListStarted(relist));
            var query = WatchQuery(resourceVersion: "") with
            {
                SendInitialEvents = true,
                ResourceVersionMatch = "NotOlderThan",
            };
            var (outcome, error) = await WatchOnceAsync(query, initial, ct).ConfigureAwait(false);
            if (outcome == WatchOutcome.Refused) Observe(o => o.StreamingListRefused(error!));
            return (outcome, error, initial);
        }

        private ListOptions WatchQuery(string? resourceVersion) => new()
        {
            FieldSelector = options.FieldSelector,
            LabelSelector = options.LabelSelector,
            ResourceVersion = resourceVersion,
            AllowWatchBookmarks = true,
            // client-go: timeoutSeconds uniform in [minWatchTimeout, 2 × minWatchTimeout) (reflector.go).
            TimeoutSeconds = (int)Math.Floor(options.MinWatchTimeout.TotalSeconds * (1.0 + random.NextDouble())),
        };

        private async Task<(WatchOutcome Outcome, Exception? Error)> WatchOnceAsync(ListOptions query, InitialEvents? initial, CancellationToken ct)
        {
            Observe(o => o.WatchStarted(query.ResourceVersion, query.TimeoutSeconds ?? 0));
            var started = time.GetUtcNow();
            watchEvents = 0;
            var (outcome, error) = await WatchStreamAsync(query, started, initial, ct).ConfigureAwait(false);
            Observe(o => o.WatchEnded(outcome, watchEvents, time.GetUtcNow() - started, error));
            return (outcome, error);
        }

        private async Task<(WatchOutcome Outcome, Exception? Error)> WatchStreamAsync(ListOptions query, DateTimeOffset started, InitialEvents? initial, CancellationToken ct)
        {
            // The client reports ERROR events (a Status object, e.g. 410 Expired) and undecodable lines here and keeps
            // reading. Such a watch is over (client-go's reflector stops at an ERROR event too): the informer stops
            // waiting for it at once, but never cancels the read in flight — see Abandon.
            var streamError = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnError(Exception e) => streamError.TrySetResult(e);

            var watchCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var abandoned = false;
            Interlocked.Increment(ref watchCount);
            var events = listWatch.WatchAsync(query, OnError, watchCts.Token).GetAsyncEnumerator(watchCts.Token);
            try
            {
                while (!streamError.Task.IsCompleted)
                {
                    var next = events.MoveNextAsync();
                    if (!next.IsCompleted)
                    {
                        var pending = next.AsTask();
                        if (await Task.WhenAny(pending, streamError.Task).ConfigureAwait(false) != pending)
                        {
                            Abandon(events, pending, watchCts, query.TimeoutSeconds);
                            abandoned = true;
                            break;
                        }

                        next = new ValueTask<bool>(pending);
                    }

                    if (!await next.ConfigureAwait(false)) break;
                    var (type, item) = events.Current;
                    watchEvents++;
                    if (initial is { Done: false }) await ApplyInitialAsync(type, item, initial, ct).ConfigureAwait(false);
                    else await ApplyAsync(type, item, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return (WatchOutcome.Stopped, null);
            }
            catch (Exception ex) when (!streamError.Task.IsCompleted)
            {
                if (!ApiErrors.IsEmptyStream(ex))
                {
                    return (Classify(ex, initial), ex);
                }
            }
            catch (Exception)
            {
                // a read failure after an ERROR event: the ERROR is the outcome (below)
            }
            finally
            {
                if (!abandoned)
                {
                    // No read is in flight here (MoveNextAsync has completed), so disposing cannot race one.
                    try { await events.DisposeAsync().ConfigureAwait(false); }
                    catch (Exception) { /* the stream is done with either way */ }
                    watchCts.Dispose();
                }
            }

            if (ct.IsCancellationRequested) return (WatchOutcome.Stopped, null);
            if (streamError.Task.IsCompleted && streamError.Task.Result is { } error)
            {
                return (Classify(error, initial), error);
            }

            if (initial is { Done: false })
            {
                // A server that ignored sendInitialEvents (or a proxy that dropped it) streams no initial-events-end
                // bookmark; the stream ended without one, so this server does not speak the streaming list.
                return (WatchOutcome.Refused, new InformerException(
                    "The streaming list ended without the " + InitialEventsEndAnnotation + " bookmark (" + watchEvents + " events): the server does not support sendInitialEvents."));
            }

            if (watchEvents == 0 && time.GetUtcNow() - started < ShortWatch)
            {
                // client-go: "very short watch" — a server that closes at once must not be hammered.
                return (WatchOutcome.Failed, new InformerException("The watch closed within 1 s without any event."));
            }

            return (WatchOutcome.Closed, null);
        }

        // A watch that reported an ERROR is left to end by itself: the pending read completes when the server closes the
        // stream (the API server closes right after an ERROR event), and only then is the stream disposed. Cancelling
        // that read instead makes the KubernetesClient (21.x) dispose the response stream while the read is still in
        // flight (Watcher.CreateWatchEventEnumerator abandons it with ContinueWith(…, token), then its `using` disposes
        // the reader); when the stream's last chunk has already arrived, SocketsHttpHandler drains it and puts the
        // connection back in the pool with the abandoned read still pending on its socket, and the next request sent on
        // that connection (the relist's LIST) never sees its response: the read steals it (docs/informer.md, "Lost
        // response after a cancelled watch read"). The read is cancelled only when the informer stops or when the stream
        // outlives twice its timeoutSeconds (ours: the server ends every watch at timeoutSeconds, so one still open then
        // is not going to close by itself, and it is idle, so no last chunk can race the cancel).
        private void Abandon(IAsyncEnumerator<(WatchEventType Type, TItem Object)> events, Task<bool> pending, CancellationTokenSource watchCts, int? timeoutSeconds)
        {
            var bound = TimeSpan.FromSeconds(2.0 * (timeoutSeconds ?? options.MinWatchTimeout.TotalSeconds * 2));
            var timer = time.CreateTimer(
                static state =>
                {
                    try { ((CancellationTokenSource)state!).Cancel(); }
                    catch (ObjectDisposedException) { }
                },
                watchCts,
                bound,
                Timeout.InfiniteTimeSpan);
            _ = pending.ContinueWith(
                async read =>
                {
                    _ = read.Exception; // observed: the watch's outcome is already decided
                    try { await events.DisposeAsync().ConfigureAwait(false); }
                    catch (Exception) { /* the stream is done with either way */ }
                    await timer.DisposeAsync().ConfigureAwait(false);
                    watchCts.Dispose();
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default).Unwrap();
        }

        private static WatchOutcome Classify(Exception error, InitialEvents? initial)
        {
            if (initial is { Done: false } && IsStreamingRefusal(error)) return WatchOutcome.Refused;
            return ApiErrors.IsGone(error) ? WatchOutcome.Gone : WatchOutcome.Failed;
        }

        // The server will not serve a streaming list: a 4xx Status other than 408 (timeout), 410 (expired) and 429
        // (throttled), which are retried. Servers without the WatchList feature gate (and aggregated API servers with
        // their own gates) answer 422 Invalid "sendInitialEvents is forbidden for watch unless the WatchList feature
        // gate is enabled" (apimachinery, ValidateListOptions); older ones reject resourceVersionMatch on a watch the
        // same way. A client that cannot send the parameter throws NotSupportedException.
        private static bool IsStreamingRefusal(Exception error)
        {
            if (error is NotSupportedException) return true;
            return ApiErrors.StatusCode(error) is >= 400 and < 500 and not 408 and not 410 and not 429;
        }

        // Before the initial-events-end bookmark, events build the side store (client-go: a temporary store that
        // replaces the real one at the bookmark, reflector.go watchList); the cache and the handlers see it only then.
        private async ValueTask ApplyInitialAsync(WatchEventType type, TItem? received, InitialEvents initial, CancellationToken ct)
        {
            ObserveEvent(type);

            if (received is null) return;
            switch (type)
            {
                case WatchEventType.Added:
                case WatchEventType.Modified:
                {
                    var item = Transform(received);
                    initial.Items[ObjectKey.Of(item)] = item;
                    break;
                }

                case WatchEventType.Deleted:
                    initial.Items.Remove(ObjectKey.Of(received));
                    break;

                case WatchEventType.Bookmark:
                    if (received.Metadata?.Annotations is { } annotations
                        && annotations.TryGetValue(InitialEventsEndAnnotation, out var end)
                        && string.Equals(end, "true", StringComparison.Ordinal))
                    {
                        var rv = received.Metadata.ResourceVersion;
                        var count = await ReplaceStoreAsync(initial.Items, rv, ct).ConfigureAwait(false);
                        initial.Done = true;
                        initial.Items.Clear();
                        Observe(o => o.StreamingListCompleted(initial.Relist, count, rv, time.GetUtcNow() - initial.Started));
                        await MarkSyncedAsync(count, ct).ConfigureAwait(false);
                    }

                    break;
            }
        }

        private async ValueTask ApplyAsync(WatchEventType type, TItem? received, CancellationToken ct)
        {
            ObserveEvent(type);

            if (received is null) return;
            var rv = received.Metadata?.ResourceVersion;
            var item = type == WatchEventType.Bookmark ? received : Transform(received);
            switch (type)
            {
                case WatchEventType.Added:
                case WatchEventType.Modified:
                {
                    var key = ObjectKey.Of(item);
                    TItem? old;
                    lock (gate)
                    {
                        store.TryGetValue(key, out old);
                        store[key] = item;
                        if (!string.IsNullOrEmpty(rv)) lastSyncResourceVersion = rv;
                    }

                    var notification = old is null
                        ? new Notification(NotificationKind.Added, item, null, null)
                        : new Notification(NotificationKind.Updated, item, old, null);
                    await DispatchAsync(notification, ct).ConfigureAwait(false);
                    break;
                }

                case WatchEventType.Deleted:
                {
                    var key = ObjectKey.Of(item);
                    bool removed;
                    lock (gate)
                    {
                        removed = store.Remove(key);
                        if (!string.IsNullOrEmpty(rv)) lastSyncResourceVersion = rv;
                    }

                    if (removed) await DispatchAsync(new Notification(NotificationKind.Deleted, item, null, null), ct).ConfigureAwait(false);
                    break;
                }

                case WatchEventType.Bookmark:
                    if (!string.IsNullOrEmpty(rv))
                    {
                        lock (gate) { lastSyncResourceVersion = rv; }
                    }

                    break;
            }
        }

        // client-go applies its TransformFunc to every object before the store (list, relist and watch events alike).
        private TItem Transform(TItem item)
        {
            if (options.StripManagedFields && item.Metadata is { ManagedFields: not null } meta) meta.ManagedFields = null;
            if (options.Transform is not { } transform) return item;
            return transform(item) as TItem
                ?? throw new InformerException($"The transform must return a non-null {typeof(TItem).Name}.");
        }

        private async Task<bool> BackoffAsync(Exception reason, CancellationToken ct)
        {
            var delay = backoff.Next();
            if (ApiErrors.RetryAfter(reason, time.GetUtcNow()) is { } retryAfter && retryAfter > delay) delay = retryAfter;
            // The timer starts before handlers run, so a handler that reads the clock (or a test that advances it) sees
            // a wait that is already counting: the retry is due at Until, whatever the handler does.
            var until = time.GetUtcNow() + delay;
            var wait = Task.Delay(delay, time, ct);
            var current = new InformerBackoff(delay, reason, until);
            lock (gate) { currentBackoff = current; }
            Observe(o => o.BackingOff(current));
            Notify(() => BackingOff?.Invoke(current));
            try
            {
                await wait.ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            finally
            {
                lock (gate) { currentBackoff = null; }
            }
        }

        private void Report(Exception error)
        {
            var handlers = Error;
            if (handlers is null) return;
            try { handlers(error); }
            catch (Exception) { /* a failing error handler must not stop the informer */ }
        }

        private void Notify(Action raise)
        {
            try { raise(); }
            catch (Exception ex)
            {
                HandlerFailed(ex);
            }
        }

        private void HandlerFailed(Exception ex)
        {
            Observe(o => o.HandlerFailed(ex));
            Report(ex);
        }

        // Hands a notification to every handler that wants it, in registration order. Fast path: room in every buffer.
        private ValueTask DispatchAsync(Notification notification, CancellationToken ct)
        {
            var targets = Volatile.Read(ref listeners);
            for (var i = 0; i < targets.Length; i++)
            {
                if (!targets[i].Wants(notification.Kind)) continue;
                if (!targets[i].TryWrite(notification)) return DispatchSlowAsync(targets, i, notification, ct);
            }

            return default;
        }

        private async ValueTask DispatchSlowAsync(Listener[] targets, int from, Notification notification, CancellationToken ct)
        {
            for (var i = from; i < targets.Length; i++)
            {
                if (!targets[i].Wants(notification.Kind)) continue;
                await WriteAsync(targets[i], notification, ct).ConfigureAwait(false);
            }
        }

        // Back-pressure: a full buffer makes the loop wait for that handler (never a drop). Cancelled only by stop.
        private async ValueTask WriteAsync(Listener listener, Notification notification, CancellationToken ct)
        {
            if (listener.TryWrite(notification)) return;
            if (listener.Stopped)
            {
                notification.Marker?.TrySetResult();
                return;
            }

            Observe(o => o.HandlerBufferFull(options.HandlerBufferCapacity));
            try
            {
                await listener.WriteAsync(notification, ct).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                notification.Marker?.TrySetResult(); // removed while we waited
            }
        }

        // Under gate.
        private void EnsureEventsListener()
        {
            if (eventsListener is not null || Volatile.Read(ref disposed) != 0) return;
            eventsListener = new Listener(this, options.HandlerBufferCapacity, null, null, null, isEvents: true);
            AddListener(eventsListener);
            eventsListener.Start();
        }

        // Under gate: copy on write, so the loop reads the array without a lock.
        private void AddListener(Listener listener)
        {
            var next = new Listener[listeners.Length + 1];
            listeners.CopyTo(next, 0);
            next[^1] = listener;
            Volatile.Write(ref listeners, next);
        }

        private void RemoveListener(Listener listener)
        {
            lock (gate)
            {
                Volatile.Write(ref listeners, Array.FindAll(listeners, l => !ReferenceEquals(l, listener)));
            }

            listener.Stop();
        }

        // Stops every handler's task (the notifications still buffered are dropped: the informer and its cache are going
        // away) and returns what is left to wait for: the calls in progress. A handler that disposes its own informer is
        // not waited for (it would wait for itself).
        private Task[] StopListeners()
        {
            Listener[] all;
            lock (gate)
            {
                all = listeners;
                Volatile.Write(ref listeners, Array.Empty<Listener>());
            }

            var running = new List<Task>(all.Length);
            foreach (var listener in all)
            {
                listener.Stop();
                if (!ReferenceEquals(Listener.Invoking, listener)) running.Add(listener.Consumer);
            }

            return running.ToArray();
        }

        private enum NotificationKind
        {
            Added,
            Updated,
            Deleted,
            Synced,
        }

        private readonly record struct Notification(NotificationKind Kind, TItem? Item, TItem? Old, TaskCompletionSource? Marker);

        // One handler registration: its buffer and the task that feeds it to the handler (client-go's processorListener).
        private sealed class Listener
        {
            [ThreadStatic]
            private static Listener? invoking;

            private readonly Informer<TItem, TList> owner;
            private readonly Channel<Notification> channel;
            private readonly CancellationTokenSource cancel = new();
            private readonly Action<TItem>? onAdded;
            private readonly Action<TItem, TItem>? onUpdated;
            private readonly Action<TItem>? onDeleted;
            private readonly bool isEvents;
            private int stopped;

            public Listener(Informer<TItem, TList> owner, int capacity, Action<TItem>? added, Action<TItem, TItem>? updated, Action<TItem>? deleted, bool isEvents)
            {
                this.owner = owner;
                onAdded = added;
                onUpdated = updated;
                onDeleted = deleted;
                this.isEvents = isEvents;
                channel = Channel.CreateBounded<Notification>(new BoundedChannelOptions(capacity)
                {
                    FullMode = BoundedChannelFullMode.Wait,
                    SingleReader = true,
                    SingleWriter = true,
                });
            }

            /// <summary>The listener whose handler runs on this thread, if any.</summary>
            public static Listener? Invoking => invoking;

            public Task Consumer { get; private set; } = Task.CompletedTask;

            public bool Stopped => Volatile.Read(ref stopped) != 0;

            public void Start() => Consumer = Task.Run(RunAsync);

            // Only what someone listens to takes room in the buffer (events without a subscriber are not queued).
            public bool Wants(NotificationKind kind) => kind switch
            {
                NotificationKind.Added => isEvents ? owner.added is not null : onAdded is not null,
                NotificationKind.Updated => isEvents ? owner.updated is not null : onUpdated is not null,
                NotificationKind.Deleted => isEvents ? owner.deleted is not null : onDeleted is not null,
                _ => true,
            };

            public bool TryWrite(Notification notification) => channel.Writer.TryWrite(notification);

            public ValueTask WriteAsync(Notification notification, CancellationToken ct) => channel.Writer.WriteAsync(notification, ct);

            public void Stop()
            {
                if (Interlocked.Exchange(ref stopped, 1) != 0) return;
                channel.Writer.TryComplete();
                cancel.Cancel();
            }

            private async Task RunAsync()
            {
                var reader = channel.Reader;
                try
                {
                    while (await reader.WaitToReadAsync(cancel.Token).ConfigureAwait(false))
                    {
                        while (!cancel.IsCancellationRequested && reader.TryRead(out var next)) Invoke(next);
                    }
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    // Nothing more is handled; release whoever waits for a sync marker still buffered.
                    while (reader.TryRead(out var left)) left.Marker?.TrySetResult();
                }
            }

            private void Invoke(Notification n)
            {
                invoking = this;
                try
                {
                    switch (n.Kind)
                    {
                        case NotificationKind.Added:
                            (isEvents ? owner.added : onAdded)?.Invoke(n.Item!);
                            break;
                        case NotificationKind.Updated:
                            (isEvents ? owner.updated : onUpdated)?.Invoke(n.Old!, n.Item!);
                            break;
                        case NotificationKind.Deleted:
                            (isEvents ? owner.deleted : onDeleted)?.Invoke(n.Item!);
                            break;
                        case NotificationKind.Synced:
                            n.Marker!.TrySetResult();
                            break;
                    }
                }
                catch (Exception ex)
                {
                    owner.HandlerFailed(ex);
                }
                finally
                {
                    invoking = null;
                }
            }
        }

        private sealed class Registration : IDisposable
        {
            private Informer<TItem, TList>? owner;
            private readonly Listener listener;

            public Registration(Informer<TItem, TList> owner, Listener listener)
            {
                this.owner = owner;
                this.listener = listener;
            }

            public void Dispose() => Interlocked.Exchange(ref owner, null)?.RemoveListener(listener);
        }

        // Per event: no closure allocated, unlike Observe.
        private void ObserveEvent(WatchEventType type)
        {
            if (observer is null) return;
            try { observer.EventReceived(type); }
            catch (Exception) { /* a failing observer must not stop the informer */ }
        }

        private void Observe(Action<InformerObserver> call)
        {
            if (observer is null) return;
            try { call(observer); }
            catch (Exception) { /* a failing observer must not stop the informer */ }
        }

        private sealed class InitialEvents
        {
            public InitialEvents(bool relist, DateTimeOffset started)
            {
                Relist = relist;
                Started = started;
            }

            public bool Relist { get; }

            public DateTimeOffset Started { get; }

            public Dictionary<string, TItem> Items { get; } = new(StringComparer.Ordinal);

            public bool Done { get; set; }
        }
    }

    /// <summary>A wait before the informer retries.</summary>
    /// <param name="Delay">How long it waits (the jittered backoff, or the server's Retry-After if longer).</param>
    /// <param name="Reason">The failure that caused it.</param>
    /// <param name="Until">When the retry is due, on the informer's <see cref="InformerOptions.TimeProvider"/>.</param>
    public readonly record struct InformerBackoff(TimeSpan Delay, Exception Reason, DateTimeOffset Until);

    /// <summary>An informer-level failure (not an API error).</summary>
    public sealed class InformerException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public InformerException(string message) : base(message) { }
    }
}
