using System.Collections.Generic;
using System.Linq;
using Resilience.CostModel;
using Resilience.Kubernetes.Testing;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>
    /// The cost model's answer for an access pattern the loopback server recorded: the same requests (kind, scope,
    /// selectors, resourceVersion, limit) against a cluster of another size. A LIST counts once (its continue pages are
    /// in <see cref="ApiServerCost.Estimate"/>'s pages); a watch counts its start (the state replayed unless it resumes),
    /// not its events, which depend on the churn.
    /// </summary>
    internal static class AccessPatternAtScale
    {
        public static (long ObjectsProcessed, long ObjectsFromEtcd, long BytesReturned) Estimate(ClusterShape cluster, IEnumerable<RequestRecord> requests)
        {
            long processed = 0, fromEtcd = 0, bytes = 0;
            foreach (var r in requests.Where(r => r.StatusCode == 200 && r.Verb is "list" or "watch" && !r.HasContinue))
            {
                var request = new ListRequest(
                    r.Resource switch { "pods" => ResourceKind.Pod, "nodes" => ResourceKind.Node, "services" => ResourceKind.Service, _ => ResourceKind.Other },
                    r.Namespace is not null ? RequestScope.Namespace : r.Resource is "nodes" or "namespaces" ? RequestScope.Cluster : RequestScope.AllNamespaces)
                {
                    NodeScoped = r.Resource == "pods" && (r.FieldSelector?.Contains("spec.nodeName=", System.StringComparison.Ordinal) ?? false),
                    NameScoped = r.FieldSelector?.Contains("metadata.name=", System.StringComparison.Ordinal) ?? false,
                    ResourceVersionZero = r.ResourceVersion == "0",
                    Limit = r.Limit,
                };
                var cost = r.Verb == "list"
                    ? ApiServerCost.Estimate(cluster, request)
                    : ApiServerCost.EstimateWatch(cluster, request, resumes: r.ResourceVersion is { Length: > 0 } rv && rv != "0");
                processed += cost.ObjectsProcessed;
                bytes += cost.BytesReturned;
                if (cost.ServedFrom == CostModel.ServedFrom.Etcd) fromEtcd += cost.ObjectsProcessed;
            }

            return (processed, fromEtcd, bytes);
        }
    }
}
