using System;
using System.Threading;
using k8s;
using k8s.Models;

namespace Resilience.Kubernetes
{
    /// <summary>Settings of an <see cref="Informer{TItem, TList}"/>. Defaults follow client-go's reflector.</summary>
    public sealed class InformerOptions
    {
        /// <summary><c>fieldSelector</c> of every LIST and WATCH, e.g. <c>spec.nodeName=node-1</c> to hold only one node's pods.</summary>
        public string? FieldSelector { get; set; }

        /// <summary><c>labelSelector</c> of every LIST and WATCH.</summary>
        public string? LabelSelector { get; set; }

        /// <summary>
        /// False (default): the first LIST is sent with <c>resourceVersion=0</c>, served from the API server's watch
        /// cache without pagination (the server ignores <c>limit</c> there), as client-go's reflector does.
        /// True: the first LIST is a consistent read (resourceVersion unset), paginated with <see cref="PageSize"/>;
        /// it is served from etcd (KEP-2340) and costs the objects stored, not the objects returned.
        /// </summary>
        public bool ConsistentInitialList { get; set; }

        /// <summary>
        /// True (default): the first list, and the relist after 410 Gone, are a streaming list (KEP-3157): one WATCH with
        /// <c>sendInitialEvents=true</c>, <c>resourceVersionMatch=NotOlderThan</c>, <c>resourceVersion=""</c> and
        /// <c>allowWatchBookmarks=true</c>, synced at the BOOKMARK annotated <c>k8s.io/initial-events-end</c>. It is a
        /// consistent snapshot served from the watch cache, without the server building the whole list in memory, and
        /// the stream goes on as the watch. A server that refuses it (4xx, e.g. 422 when its WatchList feature gate is
        /// off; aggregated API servers have their own gates) or ends it without the bookmark makes the informer fall
        /// back to LIST then WATCH at once, for its lifetime (one extra request per informer on such servers).
        /// Default true as in client-go from 1.35, where its <c>WatchListClient</c> gate turned on by default
        /// (k8s.io/client-go/features/known_features.go: Beta, default false in 1.30, default true in 1.35).
        /// False: LIST then WATCH, as <see cref="ConsistentInitialList"/> says.
        /// </summary>
        public bool StreamingInitialList { get; set; } = true;

        /// <summary>Page size of consistent lists (the relist after 410 Gone, and <see cref="ConsistentInitialList"/>). client-go pager: 500.</summary>
        public int PageSize { get; set; } = ListPager.DefaultPageSize;

        /// <summary>
        /// How long one LIST request (one page of a paginated list) may take before the informer gives up on it, reports a
        /// <see cref="TimeoutException"/>, backs off and lists again. Default 60 s: kube-apiserver's <c>--request-timeout</c>
        /// default (1m0s), after which the server itself abandons a LIST, so waiting longer cannot get an answer. Not in
        /// client-go (its LIST waits for its context); ours, so that a response lost on the way (docs/informer.md, "Lost
        /// response after a cancelled watch read") costs one timeout rather than whatever the client's own HTTP timeout is.
        /// <see cref="Timeout.InfiniteTimeSpan"/> turns it off. Watches are bounded by <c>timeoutSeconds</c> instead.
        /// </summary>
        public TimeSpan ListTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>
        /// Watches are opened with <c>timeoutSeconds</c> drawn uniformly from [MinWatchTimeout, 2 × MinWatchTimeout)
        /// so a fleet's watches do not expire together. client-go: 5 minutes, i.e. 5–10 min.
        /// </summary>
        public TimeSpan MinWatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>First backoff ceiling. client-go: 800 ms.</summary>
        public TimeSpan InitialBackoff { get; set; } = ExponentialBackoff.DefaultInitial;

        /// <summary>Largest backoff ceiling. client-go: 30 s.</summary>
        public TimeSpan MaxBackoff { get; set; } = ExponentialBackoff.DefaultMax;

        /// <summary>Backoff growth factor. client-go: 2.</summary>
        public double BackoffFactor { get; set; } = ExponentialBackoff.DefaultFactor;

        /// <summary>The backoff starts again from <see cref="InitialBackoff"/> after this long without a failure. client-go: 2 minutes.</summary>
        public TimeSpan BackoffResetAfter { get; set; } = ExponentialBackoff.DefaultResetAfter;

        /// <summary>Clock for backoff delays and watch-duration checks. Default <see cref="TimeProvider.System"/>.</summary>
        public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

        /// <summary>Randomness for backoff jitter and watch timeouts. Default: a new <see cref="System.Random"/>.</summary>
        public Random? Random { get; set; }

        /// <summary>
        /// True (default): <c>metadata.managedFields</c> is removed from every object before it is stored or handed to a
        /// handler: server-side-apply bookkeeping that few agents read and that is often a large part of a pod's JSON
        /// (client-go leaves it to a transform set with <c>SharedInformer.SetTransform</c>,
        /// k8s.io/client-go/tools/cache/shared_informer.go). Set false to keep it.
        /// </summary>
        public bool StripManagedFields { get; set; } = true;

        /// <summary>
        /// Applied to every object before it is stored, after <see cref="StripManagedFields"/>: the items of the first
        /// list, of every relist and of every ADDED, MODIFIED and DELETED event (client-go <c>TransformFunc</c>). It
        /// may change the object in place or return another one of the same type; handlers and reads see its result.
        /// An exception fails that list or watch like a server error: reported, backed off, retried.
        /// </summary>
        public Func<IKubernetesObject<V1ObjectMeta>, IKubernetesObject<V1ObjectMeta>>? Transform { get; set; }

        /// <summary>
        /// How many notifications (Added/Updated/Deleted) each handler registration may have waiting. Every registration
        /// (<see cref="Informer{TItem, TList}.AddHandler"/>, and the <c>Added</c>/<c>Updated</c>/<c>Deleted</c> events
        /// together) has its own bounded buffer and its own task, so a slow handler does not delay the other handlers nor
        /// the cache. When a handler falls this far behind, the informer waits for room (back-pressure): it stops reading
        /// the watch, so the cache stops advancing and, if the wait is long, the API server closes the watch as a slow
        /// consumer and the informer resumes from its last resourceVersion (or relists after 410 Gone). No notification
        /// is dropped or coalesced. Default 1024: client-go's per-listener <c>initialBufferSize</c>
        /// (k8s.io/client-go/tools/cache/shared_informer.go), where the buffer then grows without bound instead.
        /// Must be at least 1.
        /// </summary>
        public int HandlerBufferCapacity { get; set; } = DefaultHandlerBufferCapacity;

        /// <summary>The default of <see cref="HandlerBufferCapacity"/>: 1024, client-go's per-listener initial buffer size.</summary>
        public const int DefaultHandlerBufferCapacity = 1024;

        /// <summary>Told about lists, watches, events, backoffs and handler failures (logs, metrics). Default: none.</summary>
        public InformerObserver? Observer { get; set; }

        /// <summary>A shallow copy (the factories add selectors to a copy, never to the caller's options).</summary>
        public InformerOptions Clone() => (InformerOptions)MemberwiseClone();
    }
}
