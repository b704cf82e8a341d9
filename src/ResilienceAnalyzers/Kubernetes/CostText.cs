using System;
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
                Limit = call.Paginates == Knowledge.Yes ? 500 : (int?)null,
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

        /// <summary>"30,000 pods (~420 MB as JSON)".</summary>
        public static string Objects(long count, string plural, ResourceKind kind)
            => Quantity.Count(count) + " " + plural + " (~" + Quantity.Bytes((double)count * ClusterShape.JsonBytes(kind)) + " as JSON)";

        public static string PerSecond(TimeSpan period, long copies)
            => Quantity.Rate(copies / period.TotalSeconds);

        public static string Copies(FanOut fanOut)
            => fanOut.IsReplicated ? Quantity.Count(fanOut.Copies) + (fanOut.Copies == 1 ? " copy" : " copies") : "one copy";
    }
}
