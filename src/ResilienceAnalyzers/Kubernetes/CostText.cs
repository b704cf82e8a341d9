using System;
using System.Collections.Immutable;
using System.Globalization;
using Resilience.CostModel;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>Turns the cost model's numbers into the sentences the RES1xxx messages carry.</summary>
    internal static class CostText
    {
        public static ListRequest ToRequest(KubernetesCall call)
            => new ListRequest(call.CostKind, call.Scope)
            {
                NodeScoped = call.SelectsNode == Knowledge.Yes,
                NameScoped = call.SelectsName == Knowledge.Yes,
                ResourceVersionZero = call.ReadsFromCache,
                Limit = call.Paginates == Knowledge.Yes ? 500 : (int?)null, // priced as pages of client-go's pager size (tools/pager/pager.go defaultPageSize = 500)
            };

        public static string ScopeText(KubernetesCall call)
        {
            switch (call.Scope)
            {
                case RequestScope.AllNamespaces: return "in all namespaces";
                case RequestScope.Cluster: return "in the cluster";
                default: return "in the namespace";
            }
        }

        public static string ClusterText(ClusterShape cluster)
            => "at " + Quantity.Count(cluster.Nodes) + " nodes × " + Quantity.Count(cluster.PodsPerNode) + " pods per node";

        /// <summary>
        /// "30,000 pods (~420 MB as JSON)", "at least 2,000 endpoint slices": the count with "at least" where the kind table's
        /// figure is a floor, and the size only where the table gives one object's size (pods, nodes: facts.md, "Sizes and
        /// churn"); a count from the table only — for a kind whose count is unknown (<see cref="CountKnown"/>) say
        /// <see cref="Every"/> instead.
        /// </summary>
        public static string Objects(long count, string plural, ResourceKind kind)
            => Floor(kind) + Quantity.Count(count) + " " + plural
                + (JsonBytes(kind) is int bytes ? " (~" + Quantity.Bytes((double)count * bytes) + " as JSON)" : string.Empty);

        /// <summary>
        /// The kind table has a count for the call's kind at the configured size (<see cref="KindFacts.CountKnown"/>). Where
        /// it has none (config maps, secrets, events, namespaces, workloads, custom resources, kinds not in the table), the
        /// cost model prices the kind at a placeholder (<see cref="ClusterShape.ObjectsStored"/>), which no message quotes.
        /// </summary>
        public static bool CountKnown(ResourceKind kind) => ResourceKinds.Find(kind)?.CountKnown == true;

        /// <summary>"at least " where the table's count is a floor (a node's lease, one slice per service).</summary>
        public static string Floor(ResourceKind kind) => ResourceKinds.Find(kind)?.AtLeast == true ? "at least " : string.Empty;

        /// <summary>Bytes of one object as JSON where the kind table gives them (pods, nodes), else null: no size is said.</summary>
        public static int? JsonBytes(ResourceKind kind) => ResourceKinds.Find(kind)?.JsonBytes;

        /// <summary>
        /// The objects a call reaches when no count is known, with what is known instead: "every config map in all namespaces
        /// (count unknown: at least one per namespace …)", "every object of widgets in the cluster (count unknown: custom
        /// resources number whatever their users create)". Never a number.
        /// </summary>
        public static string Every(KubernetesCall call)
        {
            var row = ResourceKinds.Find(call.CostKind);
            string what = call.Kind == "object" ? "object of the listed kind"
                : call.CostKind == ResourceKind.CustomResource && call.Kind != "CustomObject" ? "object of " + call.Kind
                : KubernetesApi.SingularForMessage(call.Kind);
            return "every " + what + " " + ScopeText(call) + " (count unknown: " + (row != null && row.Note.Length > 0 ? row.Note : "no published count") + ")";
        }

        /// <summary><see cref="Objects"/> of one call's <paramref name="count"/> when the count is known, else <see cref="Every"/>.</summary>
        public static string ObjectsOf(KubernetesCall call, long count, string plural)
            => CountKnown(call.CostKind) ? Objects(count, plural, call.CostKind) : Every(call);

        /// <summary>"from etcd" / "from the watch cache" (KEP-2340 routing, facts.md).</summary>
        public static string Served(RequestCost cost)
            => cost.ServedFrom == ServedFrom.Etcd ? "from etcd" : "from the watch cache";

        /// <summary>
        /// The numbers behind a message, for tools (SARIF <c>properties</c>): the request as written (verb, kind, scope,
        /// selectors, page size — what <c>resilience-sim forecast</c> rebuilds the access pattern from), fan-out, cluster
        /// size, per-call cost and, when the period is known, the period and per-minute cost. Invariant culture, plain
        /// integers, <c>true</c>/<c>false</c>.
        /// </summary>
        /// <param name="judgedAs">What the rule judged the call as: a wrapper's <c>watch: watch</c> call is a LIST where RES1001 and
        /// RES1003 report it and a WATCH where RES1004 does (<see cref="KubernetesVerb.DecidedByCaller"/> is no verb a tool can price).</param>
        public static ImmutableDictionary<string, string?> Properties(KubernetesCall call, FanOut fanOut, ClusterShape cluster, RequestCost cost, TimeSpan? period = null, KubernetesVerb judgedAs = KubernetesVerb.List)
        {
            long copies = fanOut.IsReplicated ? fanOut.Copies : 1;
            var request = ToRequest(call);
            var builder = ImmutableDictionary.CreateBuilder<string, string?>();
            builder[VerbProperty] = (call.Verb == KubernetesVerb.DecidedByCaller ? judgedAs : call.Verb).ToString();
            builder[ResourceProperty] = request.Kind.ToString();
            builder[ScopeProperty] = request.Scope.ToString();
            builder[NodeScopedProperty] = Flag(request.NodeScoped);
            builder[NameScopedProperty] = Flag(request.NameScoped);
            builder[ResourceVersionZeroProperty] = Flag(request.ResourceVersionZero);
            if (request.IsPaginated)
            {
                builder[PageSizeProperty] = request.Limit!.Value.ToString(CultureInfo.InvariantCulture);
            }

            builder["FanOut"] = fanOut.Kind.ToString();
            builder["Copies"] = copies.ToString(CultureInfo.InvariantCulture);
            builder["ClusterNodes"] = cluster.Nodes.ToString(CultureInfo.InvariantCulture);
            builder["PodsPerNode"] = cluster.PodsPerNode.ToString(CultureInfo.InvariantCulture);
            builder["ServedFrom"] = cost.ServedFrom.ToString();

            // The counts (and what follows from them: bytes, memory, seats) only where the kind table has a count; the
            // placeholder the cost model prices other kinds at is not a figure to hand on. Bytes only where it has a size.
            bool countKnown = CountKnown(request.Kind);
            builder[CountKnownProperty] = Flag(countKnown);
            if (countKnown)
            {
                builder["ObjectsProcessedPerCall"] = cost.ObjectsProcessed.ToString(CultureInfo.InvariantCulture);
                builder["ObjectsReturnedPerCall"] = cost.ObjectsReturned.ToString(CultureInfo.InvariantCulture);
                builder["SeatsPerCall"] = cost.Seats.ToString(CultureInfo.InvariantCulture);
                // A metrics object (PodMetrics, NodeMetrics) is priced as what it counts, but is far smaller than a pod or a node.
                if (JsonBytes(request.Kind).HasValue && call.Shape != ClientShape.Metrics)
                {
                    builder["BytesPerCall"] = cost.BytesReturned.ToString(CultureInfo.InvariantCulture);
                    builder["ApiServerMemoryBytesPerCall"] = cost.ApiServerMemoryBytes.ToString(CultureInfo.InvariantCulture);
                }
            }

            if (period.HasValue && period.Value > TimeSpan.Zero)
            {
                double perMinute = 60.0 / period.Value.TotalSeconds * copies;
                builder[PeriodSecondsProperty] = Math.Round(period.Value.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture);
                builder["RequestsPerMinute"] = Math.Round(perMinute, 3).ToString(CultureInfo.InvariantCulture);
                if (countKnown)
                {
                    builder["ObjectsProcessedPerMinute"] = Math.Round(perMinute * cost.ObjectsProcessed).ToString(CultureInfo.InvariantCulture);
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>Property names <c>resilience-sim forecast</c> reads (src/Resilience.Simulator/Forecast/SarifFindings.cs).</summary>
        public const string VerbProperty = "Verb";

        /// <summary>The cost model's kind (<see cref="ResourceKind"/>): Pod, Node, Service, …, CustomResource or Other.</summary>
        public const string ResourceProperty = "Resource";

        /// <summary><see cref="RequestScope"/>: Namespace, AllNamespaces or Cluster.</summary>
        public const string ScopeProperty = "Scope";

        public const string NodeScopedProperty = "NodeScoped";

        /// <summary>
        /// "true" when the kind table gives the kind's count at the configured size; "false" (config maps, secrets, custom
        /// resources, …): the per-call counts, bytes and seats are left out, and the forecast says it priced a placeholder.
        /// </summary>
        public const string CountKnownProperty = "CountKnown";

        public const string NameScopedProperty = "NameScoped";

        public const string ResourceVersionZeroProperty = "ResourceVersionZero";

        /// <summary>The page size the cost is priced at, present only when the call pages.</summary>
        public const string PageSizeProperty = "PageSize";

        /// <summary>Seconds between repetitions, present only when the code states a period.</summary>
        public const string PeriodSecondsProperty = "PeriodSeconds";

        /// <summary>
        /// How the call repeats, where the rule knows (RES1003, RES1004): "Period" (see <see cref="PeriodSecondsProperty"/>),
        /// "Loop" (no delay between passes), "Request" (per incoming request), "Unstated" (a timer or job whose period the
        /// code does not state), "Restart" (a watch started again when it ends), "Once".
        /// </summary>
        public const string RepeatsProperty = "Repeats";

        private static string Flag(bool value) => value ? "true" : "false";

        public static string Copies(FanOut fanOut)
            => fanOut.IsReplicated ? Quantity.Count(fanOut.Copies) + (fanOut.Copies == 1 ? " copy" : " copies") : "one copy";
    }
}
