using System.Threading;

namespace Resilience.Kubernetes.Testing
{
    /// <summary>Where the fake API server says a request was served (facts.md, "How the API server pays for requests").</summary>
    public enum ServedFrom
    {
        /// <summary>The watch cache (RV="0"; RV=X without limit): cost = objects scanned in the cache (only the matching ones with the spec.nodeName index).</summary>
        Cache,

        /// <summary>etcd (RV unset; any continue; RV=X with limit): cost = every stored object in the key range scanned.</summary>
        Etcd,

        /// <summary>A watch stream (served from the watch cache).</summary>
        Watch,

        /// <summary>Rejected before it was served (fault injection, 410 on an expired token).</summary>
        Rejected,

        /// <summary>A discovery document (/version, /api, /apis, /api/v1, …): no stored object is read.</summary>
        Discovery,
    }

    /// <summary>The accounting of one request.</summary>
    public sealed class RequestRecord
    {
        private long objectsProcessed;
        private long objectsReturned;
        private long bytes;
        private int eventsSent;

        /// <summary>Sequence number.</summary>
        public int Id { get; init; }

        /// <summary>When the request arrived (server clock, for ordering and diagnostics).</summary>
        public System.DateTimeOffset Received { get; init; } = System.DateTimeOffset.UtcNow;

        /// <summary>"list", "watch" or "get" (one object by name, or a discovery document such as /api/v1: <see cref="Resource"/> empty).</summary>
        public string Verb { get; init; } = "";

        /// <summary>Resource plural: pods, nodes, namespaces, services, widgets; empty for discovery and unknown paths.</summary>
        public string Resource { get; init; } = "";

        /// <summary>Namespace of a namespaced request; null for all namespaces / cluster-scoped.</summary>
        public string? Namespace { get; init; }

        /// <summary>Raw path and query.</summary>
        public string PathAndQuery { get; init; } = "";

        /// <summary>resourceVersion parameter (null when absent).</summary>
        public string? ResourceVersion { get; init; }

        /// <summary>resourceVersionMatch parameter.</summary>
        public string? ResourceVersionMatch { get; init; }

        /// <summary>limit parameter.</summary>
        public int? Limit { get; init; }

        /// <summary>Whether a continue token was sent.</summary>
        public bool HasContinue { get; init; }

        /// <summary>fieldSelector parameter.</summary>
        public string? FieldSelector { get; init; }

        /// <summary>labelSelector parameter.</summary>
        public string? LabelSelector { get; init; }

        /// <summary>allowWatchBookmarks parameter.</summary>
        public bool AllowWatchBookmarks { get; init; }

        /// <summary>sendInitialEvents=true (KEP-3157 streaming list).</summary>
        public bool SendInitialEvents { get; init; }

        /// <summary>timeoutSeconds parameter.</summary>
        public int? TimeoutSeconds { get; init; }

        /// <summary>The client asked for a meta.k8s.io Table (kubectl's printing); false for JSON.</summary>
        public bool AsTable { get; init; }

        /// <summary>Where it was served.</summary>
        public ServedFrom ServedFrom { get; set; }

        /// <summary>HTTP status sent.</summary>
        public int StatusCode { get; set; }

        /// <summary>Objects the server had to look at to answer (see <see cref="ServedFrom"/>); for a watch, the events sent.</summary>
        public long ObjectsProcessed => Interlocked.Read(ref objectsProcessed);

        /// <summary>Objects in the response (list items or watch object events).</summary>
        public long ObjectsReturned => Interlocked.Read(ref objectsReturned);

        /// <summary>Response body bytes written.</summary>
        public long Bytes => Interlocked.Read(ref bytes);

        /// <summary>Watch events sent (including bookmarks and errors).</summary>
        public int EventsSent => Volatile.Read(ref eventsSent);

        /// <summary>For a watch: how it ended (client, timeout, server-close, dropped, error, shutdown).</summary>
        public string? CloseReason { get; set; }

        internal void AddProcessed(long n) => Interlocked.Add(ref objectsProcessed, n);

        internal void AddReturned(long n) => Interlocked.Add(ref objectsReturned, n);

        internal void AddBytes(long n) => Interlocked.Add(ref bytes, n);

        internal void AddEvent() => Interlocked.Increment(ref eventsSent);

        /// <inheritdoc />
        public override string ToString() =>
            $"#{Id} {Received:HH:mm:ss.fff} {Verb} {PathAndQuery} -> {StatusCode} {ServedFrom} processed={ObjectsProcessed} returned={ObjectsReturned} bytes={Bytes} events={EventsSent} close={CloseReason}";
    }
}
