using System;

namespace Resilience.CostModel
{
    /// <summary>What one LIST costs the control plane.</summary>
    public sealed class RequestCost
    {
        internal RequestCost(ServedFrom servedFrom, long objectsProcessed, long objectsReturned, long bytesReturned, int seats, long memoryBytes)
        {
            ServedFrom = servedFrom;
            ObjectsProcessed = objectsProcessed;
            ObjectsReturned = objectsReturned;
            BytesReturned = bytesReturned;
            Seats = seats;
            ApiServerMemoryBytes = memoryBytes;
        }

        public ServedFrom ServedFrom { get; }

        /// <summary>Objects etcd and the API server read and decode (or the cache scans) to answer.</summary>
        public long ObjectsProcessed { get; }

        /// <summary>Objects in the response, all pages together.</summary>
        public long ObjectsReturned { get; }

        /// <summary>JSON bytes sent to the client, all pages together.</summary>
        public long BytesReturned { get; }

        /// <summary>APF seats the request occupies while it runs (1–10).</summary>
        public int Seats { get; }

        /// <summary>Peak API-server memory held while the response is built.</summary>
        public long ApiServerMemoryBytes { get; }
    }

    /// <summary>Turns a request shape and a cluster size into the API server's cost, per facts.md.</summary>
    public static class ApiServerCost
    {
        /// <summary>APF: one seat per 100 estimated objects (facts.md, "How the API server pays").</summary>
        public const int ObjectsPerSeat = 100;

        /// <summary>APF clamps a LIST's width to 1..10 seats (facts.md).</summary>
        public const int MaxSeatsPerRequest = 10;

        /// <summary>A LIST holds about 5× the etcd response in memory while it is built (KEP-3157, facts.md).</summary>
        public const int ListMemoryAmplification = 5;

        /// <summary>
        /// Estimates one LIST. <paramref name="consistentReadsFromCache"/> models clusters on 1.31+ with
        /// ConsistentListFromCache (GA in 1.34), where an RV-less, unpaginated list is served from the cache.
        /// </summary>
        public static RequestCost Estimate(ClusterShape cluster, ListRequest request, bool consistentReadsFromCache = false)
        {
            if (cluster is null) throw new ArgumentNullException(nameof(cluster));
            if (request is null) throw new ArgumentNullException(nameof(request));

            long storedInScope = StoredInScope(cluster, request);
            var servedFrom = Routing(request, consistentReadsFromCache);

            long returned;
            if (request.NameScoped)
            {
                returned = Math.Min(1, storedInScope);
            }
            else if (request.NodeScoped && request.Kind == ResourceKind.Pod)
            {
                returned = Math.Min(cluster.PodsPerNode, storedInScope);
            }
            else
            {
                returned = storedInScope;
            }

            // etcd has no index on spec.nodeName: it reads every object in the key range and the API server
            // filters (KEP-2340: 150,000 pods processed to return 30). The watch cache indexes pods by node.
            long processed;
            if (servedFrom == ServedFrom.Etcd)
            {
                processed = storedInScope;
            }
            else if (request.NodeScoped && request.Kind == ResourceKind.Pod)
            {
                processed = returned;
            }
            else
            {
                processed = storedInScope;
            }

            long estimatedObjects;
            if (servedFrom == ServedFrom.WatchCache || !request.IsPaginated || request.NodeScoped || request.NameScoped)
            {
                estimatedObjects = storedInScope;
            }
            else
            {
                estimatedObjects = Math.Min(storedInScope, 2L * request.Limit!.Value);
            }

            int seats = (int)Math.Max(1, Math.Min(MaxSeatsPerRequest, (estimatedObjects + ObjectsPerSeat - 1) / ObjectsPerSeat));
            long objectBytes = ClusterShape.JsonBytes(request.Kind);
            long bytesReturned = returned * objectBytes;
            long memory = servedFrom == ServedFrom.Etcd
                ? ListMemoryAmplification * PeakPageObjects(request, processed) * objectBytes
                : bytesReturned;
            return new RequestCost(servedFrom, processed, returned, bytesReturned, seats, memory);
        }

        /// <summary>KEP-2340 routing as summarized in facts.md.</summary>
        public static ServedFrom Routing(ListRequest request, bool consistentReadsFromCache = false)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (request.ResourceVersionZero)
            {
                return ServedFrom.WatchCache;
            }

            if (request.IsPaginated)
            {
                return ServedFrom.Etcd;
            }

            return consistentReadsFromCache ? ServedFrom.WatchCache : ServedFrom.Etcd;
        }

        private static long PeakPageObjects(ListRequest request, long processed)
            => request.IsPaginated ? Math.Min(processed, request.Limit!.Value) : processed;

        private static long StoredInScope(ClusterShape cluster, ListRequest request)
        {
            long stored = cluster.ObjectsStored(request.Kind);
            if (request.Scope == RequestScope.Namespace)
            {
                int namespaces = Math.Max(1, request.Namespaces);
                return (stored + namespaces - 1) / namespaces;
            }

            return stored;
        }
    }
}
