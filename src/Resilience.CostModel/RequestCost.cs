using System;
using System.Collections.Generic;

namespace Resilience.CostModel
{
    /// <summary>What one LIST (all its pages together) or one WATCH's start costs the control plane.</summary>
    public sealed class RequestCost
    {
        internal RequestCost(ServedFrom servedFrom, long objectsProcessed, long objectsReturned, long bytesReturned, int seats, long memoryBytes)
            : this(servedFrom, objectsProcessed, objectsReturned, bytesReturned, seats, memoryBytes, pages: 1, indexLookup: false, objectBytes: 0)
        {
        }

        internal RequestCost(ServedFrom servedFrom, long objectsProcessed, long objectsReturned, long bytesReturned, int seats, long memoryBytes, int pages, bool indexLookup, int objectBytes)
        {
            ServedFrom = servedFrom;
            ObjectsProcessed = objectsProcessed;
            ObjectsReturned = objectsReturned;
            BytesReturned = bytesReturned;
            Seats = seats;
            ApiServerMemoryBytes = memoryBytes;
            Pages = pages;
            IndexLookup = indexLookup;
            ObjectBytes = objectBytes;
        }

        public ServedFrom ServedFrom { get; }

        /// <summary>Objects etcd and the API server read and decode (or the cache scans) to answer.</summary>
        public long ObjectsProcessed { get; }

        /// <summary>Objects in the response, all pages together.</summary>
        public long ObjectsReturned { get; }

        /// <summary>JSON bytes sent to the client, all pages together.</summary>
        public long BytesReturned { get; }

        /// <summary>APF seats the request occupies while it runs (1–10); for a paginated list, each page's.</summary>
        public int Seats { get; }

        /// <summary>Peak API-server memory held while the response is built (one page's, when paginated).</summary>
        public long ApiServerMemoryBytes { get; }

        /// <summary>HTTP requests the client sends for it: 1, or the number of pages of a paginated etcd list.</summary>
        public int Pages { get; }

        /// <summary>True when the watch cache answered through its <c>spec.nodeName</c> index (no scan).</summary>
        public bool IndexLookup { get; }

        /// <summary>JSON bytes of one object of the kind (0 when unknown: costs built by the legacy constructor).</summary>
        public int ObjectBytes { get; }
    }

    /// <summary>One HTTP request of a (possibly paginated) LIST, as a loopback API server would count it.</summary>
    public sealed class PageCost
    {
        internal PageCost(int index, ServedFrom servedFrom, long objectsProcessed, long objectsReturned, long bytesReturned, int seats, long memoryBytes, bool hasContinue)
        {
            Index = index;
            ServedFrom = servedFrom;
            ObjectsProcessed = objectsProcessed;
            ObjectsReturned = objectsReturned;
            BytesReturned = bytesReturned;
            Seats = seats;
            ApiServerMemoryBytes = memoryBytes;
            HasContinue = hasContinue;
        }

        /// <summary>0 for the first request; page i > 0 carries a continue token.</summary>
        public int Index { get; }

        public ServedFrom ServedFrom { get; }

        public long ObjectsProcessed { get; }

        public long ObjectsReturned { get; }

        public long BytesReturned { get; }

        public int Seats { get; }

        public long ApiServerMemoryBytes { get; }

        /// <summary>True when the request carries a continue token (KEP-2340: always an etcd read).</summary>
        public bool HasContinue { get; }
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

        /// <summary>A WATCH costs 1 APF seat to start (facts.md, APF).</summary>
        public const int WatchSeats = 1;

        /// <summary>
        /// Estimates one LIST. <paramref name="consistentReadsFromCache"/> models clusters on 1.31+ with
        /// ConsistentListFromCache (GA in 1.34), where an RV-less, unpaginated list is served from the cache.
        /// </summary>
        public static RequestCost Estimate(ClusterShape cluster, ListRequest request, bool consistentReadsFromCache = false)
        {
            if (cluster is null) throw new ArgumentNullException(nameof(cluster));
            if (request is null) throw new ArgumentNullException(nameof(request));
            long stored = StoredInScope(cluster, request);
            return EstimateFromCounts(request, stored, MatchingInScope(cluster, request, stored), cluster.ObjectBytes(request.Kind), consistentReadsFromCache);
        }

        /// <summary>
        /// The per-request function with explicit counts, for callers that know what the server stores (a loopback
        /// API server, a test). <paramref name="storedInScope"/>: objects of the kind in the request's key range
        /// (the namespace, or all of them); <paramref name="matchingInScope"/>: those the selectors match.
        /// The watch cache uses its index only for pods selected by <c>spec.nodeName</c> (<see cref="ListRequest.NodeScoped"/>
        /// on <see cref="ResourceKind.Pod"/>); every other selected read scans the range.
        /// </summary>
        public static RequestCost EstimateFromCounts(ListRequest request, long storedInScope, long matchingInScope, int objectBytes, bool consistentReadsFromCache = false)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (storedInScope < 0) throw new ArgumentOutOfRangeException(nameof(storedInScope), storedInScope, "Cannot be negative.");
            if (matchingInScope < 0 || matchingInScope > storedInScope) throw new ArgumentOutOfRangeException(nameof(matchingInScope), matchingInScope, "Must be between 0 and storedInScope.");
            if (objectBytes < 0) throw new ArgumentOutOfRangeException(nameof(objectBytes), objectBytes, "Cannot be negative.");

            var servedFrom = Routing(request, consistentReadsFromCache);
            long returned = matchingInScope;
            bool indexed = servedFrom == ServedFrom.WatchCache && IsIndexed(request);

            // etcd has no index on spec.nodeName: it reads every object in the key range and the API server
            // filters (KEP-2340: 150,000 pods processed to return 30). The watch cache indexes pods by node. A name
            // the server can build a key from is one key read, the work of a GET (ListRequest.IsKeyedByName).
            long processed = indexed || request.IsKeyedByName ? returned : storedInScope;

            long estimatedObjects;
            if (request.NameScoped)
            {
                // APF's list estimator: "Requests with metadata.name specified are usually executed as get requests in
                // storage layer so their width should be 1" (kubernetes apiserver util/flowcontrol/request/
                // list_work_estimator.go, matchesSingle; it reads the name from the request, so across namespaces too).
                // Older releases charged such a list as any selected one: stored + limit, up to 10 seats (facts.md).
                estimatedObjects = 1;
            }
            else if (servedFrom == ServedFrom.WatchCache || !request.IsPaginated || request.NodeScoped)
            {
                estimatedObjects = storedInScope;
            }
            else
            {
                estimatedObjects = Math.Min(storedInScope, 2L * request.Limit!.Value);
            }

            int seats = SeatsFor(estimatedObjects);
            long bytesReturned = returned * objectBytes;
            long memory = servedFrom == ServedFrom.Etcd
                ? ListMemoryAmplification * PeakPageObjects(request, processed) * objectBytes
                : bytesReturned;
            int pages = servedFrom == ServedFrom.Etcd && request.IsPaginated
                ? (int)Math.Max(1, (returned + request.Limit!.Value - 1) / request.Limit!.Value)
                : 1;
            return new RequestCost(servedFrom, processed, returned, bytesReturned, seats, memory, pages, indexed, objectBytes);
        }

        /// <summary>
        /// The same LIST split into the HTTP requests a pager sends (one when unpaginated or served from the cache,
        /// which ignores <c>limit</c>). Objects processed are spread over the pages as the etcd range is walked;
        /// the sums equal <see cref="EstimateFromCounts"/>'s totals.
        /// </summary>
        public static IReadOnlyList<PageCost> EstimatePages(ListRequest request, long storedInScope, long matchingInScope, int objectBytes, bool consistentReadsFromCache = false)
        {
            var total = EstimateFromCounts(request, storedInScope, matchingInScope, objectBytes, consistentReadsFromCache);
            var result = new List<PageCost>(total.Pages);
            if (total.Pages == 1)
            {
                result.Add(new PageCost(0, total.ServedFrom, total.ObjectsProcessed, total.ObjectsReturned, total.BytesReturned, total.Seats, total.ApiServerMemoryBytes, hasContinue: false));
                return result;
            }

            int limit = request.Limit!.Value;
            long processedLeft = total.ObjectsProcessed;
            long returnedLeft = total.ObjectsReturned;
            for (int i = 0; i < total.Pages; i++)
            {
                bool last = i == total.Pages - 1;
                long returned = last ? returnedLeft : Math.Min(limit, returnedLeft);
                long processed = last ? processedLeft : total.ObjectsProcessed / total.Pages;
                processedLeft -= processed;
                returnedLeft -= returned;
                long memory = ListMemoryAmplification * Math.Min(processed, limit) * (long)objectBytes;
                // Every page is an etcd read (KEP-2340: a continue token always goes to etcd).
                result.Add(new PageCost(i, ServedFrom.Etcd, processed, returned, returned * objectBytes, total.Seats, memory, hasContinue: i > 0));
            }

            return result;
        }

        /// <summary>
        /// The start of a WATCH. <paramref name="resumes"/>: it carries the resourceVersion of a previous list or watch
        /// (an informer), so no initial state is sent. Otherwise (RV unset or "0") the server first sends the current
        /// state as ADDED events from the watch cache: the matching objects, found through the pod index when
        /// node-scoped, else by scanning the range. A WATCH takes 1 seat (facts.md, APF); its events stream, so it
        /// holds no list-sized buffer (KEP-3157 streaming).
        /// </summary>
        public static RequestCost EstimateWatch(ListRequest request, long storedInScope, long matchingInScope, int objectBytes, bool resumes)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (matchingInScope < 0 || matchingInScope > storedInScope) throw new ArgumentOutOfRangeException(nameof(matchingInScope), matchingInScope, "Must be between 0 and storedInScope.");
            if (resumes)
            {
                return new RequestCost(ServedFrom.WatchCache, 0, 0, 0, WatchSeats, 0, 1, IsIndexed(request), objectBytes);
            }

            bool indexed = IsIndexed(request);
            long processed = indexed || request.IsKeyedByName ? matchingInScope : storedInScope;
            return new RequestCost(ServedFrom.WatchCache, processed, matchingInScope, matchingInScope * objectBytes, WatchSeats, objectBytes, 1, indexed, objectBytes);
        }

        /// <summary><see cref="EstimateWatch(ListRequest,long,long,int,bool)"/> with the cluster's counts.</summary>
        public static RequestCost EstimateWatch(ClusterShape cluster, ListRequest request, bool resumes)
        {
            if (cluster is null) throw new ArgumentNullException(nameof(cluster));
            if (request is null) throw new ArgumentNullException(nameof(request));
            long stored = StoredInScope(cluster, request);
            return EstimateWatch(request, stored, MatchingInScope(cluster, request, stored), cluster.ObjectBytes(request.Kind), resumes);
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

        /// <summary>APF width: ceil(estimated objects / 100), clamped to 1..10 (facts.md).</summary>
        public static int SeatsFor(long estimatedObjects)
            => (int)Math.Max(1, Math.Min(MaxSeatsPerRequest, (estimatedObjects + ObjectsPerSeat - 1) / ObjectsPerSeat));

        /// <summary>Objects of the request's kind in its key range (one namespace = stored / namespaces).</summary>
        public static long StoredInScope(ClusterShape cluster, ListRequest request)
        {
            if (cluster is null) throw new ArgumentNullException(nameof(cluster));
            if (request is null) throw new ArgumentNullException(nameof(request));
            long stored = cluster.ObjectsStored(request.Kind);
            if (request.Scope == RequestScope.Namespace)
            {
                int namespaces = Math.Max(1, request.Namespaces);
                return (stored + namespaces - 1) / namespaces;
            }

            return stored;
        }

        private static long MatchingInScope(ClusterShape cluster, ListRequest request, long storedInScope)
        {
            if (request.NameScoped) return Math.Min(1, storedInScope);
            if (request.NodeScoped && request.Kind == ResourceKind.Pod) return Math.Min(cluster.PodsPerNode, storedInScope);
            return storedInScope;
        }

        private static bool IsIndexed(ListRequest request) => request.NodeScoped && request.Kind == ResourceKind.Pod;

        private static long PeakPageObjects(ListRequest request, long processed)
            => request.IsPaginated ? Math.Min(processed, request.Limit!.Value) : processed;
    }
}
