namespace Resilience.CostModel
{
    /// <summary>Where a LIST or WATCH reaches.</summary>
    public enum RequestScope
    {
        /// <summary>One namespace.</summary>
        Namespace,

        /// <summary>Every namespace (<c>…ForAllNamespaces</c>).</summary>
        AllNamespaces,

        /// <summary>A cluster-scoped kind, such as nodes: every object of it.</summary>
        Cluster,
    }

    /// <summary>Where the API server serves a LIST from (KEP-2340 routing, facts.md).</summary>
    public enum ServedFrom
    {
        Etcd,
        WatchCache,
    }

    /// <summary>One LIST request as the API server sees it.</summary>
    public sealed class ListRequest
    {
        public ListRequest(ResourceKind kind, RequestScope scope)
        {
            Kind = kind;
            Scope = scope;
        }

        public ResourceKind Kind { get; }

        public RequestScope Scope { get; }

        /// <summary><c>fieldSelector=spec.nodeName=…</c>: only this node's pods.</summary>
        public bool NodeScoped { get; set; }

        /// <summary><c>fieldSelector=metadata.name=…</c> (or a GET by name): one object.</summary>
        public bool NameScoped { get; set; }

        /// <summary>
        /// Named in a scope where the API server can build the object's key (one namespace, or a cluster-scoped kind): it
        /// reads that one key through the list path instead of the kind's range (kubernetes apiserver
        /// registry/generic/registry/store.go, <c>ListPredicate</c>/<c>WatchPredicate</c>: <c>p.MatchesSingle()</c> →
        /// <c>GetList(key, Recursive: false)</c>). Across namespaces there is no key: "the optimization is skipped".
        /// </summary>
        public bool IsKeyedByName => NameScoped && Scope != RequestScope.AllNamespaces;

        /// <summary><c>resourceVersion="0"</c>: served from the watch cache, <c>limit</c> ignored.</summary>
        public bool ResourceVersionZero { get; set; }

        /// <summary>Page size, or null/≤ 0 for an unbounded list.</summary>
        public int? Limit { get; set; }

        /// <summary>Namespaces in the cluster, to size a single-namespace list. Pods spread evenly.</summary>
        public int Namespaces { get; set; } = DefaultNamespaces;

        /// <summary>No published figure; a guess to size "one namespace" lists. Stated wherever it is used.</summary>
        public const int DefaultNamespaces = 50;

        public bool IsPaginated => Limit.HasValue && Limit.Value > 0;
    }
}
