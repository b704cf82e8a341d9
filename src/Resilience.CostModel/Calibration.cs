using System;

namespace Resilience.CostModel
{
    /// <summary>How the API server encodes responses. The C# KubernetesClient asks for plain JSON (facts.md).</summary>
    public enum WireEncoding
    {
        Json,
        Protobuf,
    }

    /// <summary>
    /// The calibration figures of facts.md ("Calibration figures for the cost model"), one constant each, with its
    /// mark: [P] primary, [S] secondary, [D] derived here (a parameter, not a fact).
    /// </summary>
    public static class Calibration
    {
        /// <summary>[D] KEP-2340's table: 300k × 1 KB objects from etcd, 0.86 lists/s on 6.9+ cores → ~26 µs per object.</summary>
        public const double EtcdMicrosPerObject = 26.0;

        /// <summary>[D] KEP-2340's table: the same list from the watch cache, 0.63 cores → ~1.8 µs per object scanned.</summary>
        public const double CacheScanMicrosPerObject = 1.8;

        /// <summary>[P] Cache benchmark: a node-scoped pod list through the <c>spec.nodeName</c> index, 8.5 µs.</summary>
        public const double CacheIndexLookupMicros = 8.5;

        /// <summary>[D] KEP-2340's table (p50 10.5 s for 300k objects): ~29k objects/s per etcd list stream.</summary>
        public const double EtcdObjectsPerSecondPerStream = 29_000;

        /// <summary>[P] kubernetes PR #141809: ~60 µs per ~10 KB pod as JSON → 6 ns per byte.</summary>
        public const double JsonEncodeMicrosPerByte = 60.0 / 10_000;

        /// <summary>[P] kubernetes PR #141809: ~17 µs per ~10 KB pod as protobuf.</summary>
        public const double ProtobufEncodeMicrosPerByte = 17.0 / 10_000;

        /// <summary>[P] APF charges ~0.5 ms of seat time per watcher-event; the model also counts it as API-server CPU.</summary>
        public const double WatchEventSeconds = 0.0005;

        /// <summary>[P] 5,000-node tests run on a 64-core / 256 GB control-plane VM.</summary>
        public const int ApiServerCores = 64;

        /// <summary>[P] The same VM's memory.</summary>
        public const long ControlPlaneVmMemoryBytes = 256_000_000_000;

        /// <summary>
        /// Parameter (no published figure): the API server's own memory limit, half the 256 GB scale-test VM, the rest
        /// left to etcd and the OS. Scenario files can set it.
        /// </summary>
        public const long DefaultApiServerMemoryLimitBytes = ControlPlaneVmMemoryBytes / 2;

        /// <summary>[P] --max-requests-inflight default.</summary>
        public const int MaxRequestsInflight = 400;

        /// <summary>[P] --max-mutating-requests-inflight default.</summary>
        public const int MaxMutatingRequestsInflight = 200;

        /// <summary>[D] A DaemonSet's agents share one service account → one APF flow in the low-priority class, ~245 of 600 seats.</summary>
        public const int AgentPriorityLevelSeats = 245;

        /// <summary>[P] Scale-test churn 10–20 pods/s at 5,000 nodes / 150,000 pods: 15/s, i.e. 1e-4 per pod per second.</summary>
        public const double PodChurnPerPodPerSecond = 15.0 / 150_000;

        /// <summary>[P] SLO: cluster-scope non-streaming read-only request p99 ≤ 30 s.</summary>
        public const double ClusterScopeListSloSeconds = 30;

        /// <summary>[P] 429 responses carry <c>Retry-After: 1</c>.</summary>
        public const double RetryAfterSeconds = 1;

        /// <summary>[P] client-go retries up to 10 times.</summary>
        public const int ClientGoMaxRetries = 10;

        /// <summary>[P] client-go reflector backoff: 0.8 s initial, ×2, 30 s cap, jitter 1.0, reset after 2 min healthy.</summary>
        public const double ReflectorBackoffInitialSeconds = 0.8;

        /// <summary>[P] See <see cref="ReflectorBackoffInitialSeconds"/>.</summary>
        public const double ReflectorBackoffCapSeconds = 30;

        /// <summary>[P] See <see cref="ReflectorBackoffInitialSeconds"/>.</summary>
        public const double ReflectorBackoffJitter = 1.0;

        /// <summary>[P] See <see cref="ReflectorBackoffInitialSeconds"/>.</summary>
        public const double ReflectorBackoffResetSeconds = 120;

        /// <summary>[P] Reflector watches time out at a random point in [5, 10] min.</summary>
        public const double WatchTimeoutMinSeconds = 300;

        /// <summary>[P] See <see cref="WatchTimeoutMinSeconds"/>.</summary>
        public const double WatchTimeoutMaxSeconds = 600;

        /// <summary>[P] client-go pager page size.</summary>
        public const int PagerPageSize = 500;

        /// <summary>[P] Continue tokens expire after "generally five to fifteen minutes"; the model uses the low end.</summary>
        public const double ContinueTokenLifetimeSeconds = 300;

        /// <summary>[P] RFC 8767: max stale 1–3 days; the model uses 1 day.</summary>
        public const double ServeStaleMaxSeconds = 86_400;

        /// <summary>[P] Stock CoreDNS (<c>cache 30</c>) and NodeLocal DNSCache cache successes for 30 s and do not serve stale.</summary>
        public const double StockDnsCacheSeconds = 30;

        /// <summary>[P] The incident's postmortem: "as cached records expired over the following 20 minutes". A scenario parameter.</summary>
        public const double IncidentDnsCacheWindowSeconds = 20 * 60;

        /// <summary>
        /// The API server's work for one request (all pages together). CPU: objects processed × the path's cost
        /// (26 µs etcd, 1.8 µs cache scan, 8.5 µs per index lookup) + bytes returned × the encoding's cost.
        /// Natural duration (no contention): etcd lists stream at ~29k objects/s, then encode; cache reads run on one core.
        /// </summary>
        public static RequestWork Work(RequestCost cost, WireEncoding encoding = WireEncoding.Json)
        {
            if (cost is null) throw new ArgumentNullException(nameof(cost));
            return Work(cost.ServedFrom, cost.ObjectsProcessed, cost.BytesReturned, cost.IndexLookup, encoding);
        }

        /// <summary><see cref="Work(RequestCost, WireEncoding)"/> from the counts of one request or page.</summary>
        public static RequestWork Work(ServedFrom servedFrom, long objectsProcessed, long bytesReturned, bool indexLookup, WireEncoding encoding = WireEncoding.Json)
        {
            double encodeSeconds = bytesReturned * (encoding == WireEncoding.Json ? JsonEncodeMicrosPerByte : ProtobufEncodeMicrosPerByte) / 1e6;
            double readCpu;
            double readSeconds;
            if (servedFrom == ServedFrom.Etcd)
            {
                readCpu = objectsProcessed * EtcdMicrosPerObject / 1e6;
                readSeconds = Math.Max(readCpu, objectsProcessed / EtcdObjectsPerSecondPerStream);
            }
            else
            {
                readCpu = indexLookup ? CacheIndexLookupMicros / 1e6 : objectsProcessed * CacheScanMicrosPerObject / 1e6;
                readSeconds = readCpu;
            }

            return new RequestWork(readCpu + encodeSeconds, readSeconds + encodeSeconds);
        }
    }

    /// <summary>CPU and time one request costs the API server when nothing else competes.</summary>
    public readonly struct RequestWork
    {
        public RequestWork(double cpuSeconds, double durationSeconds)
        {
            CpuSeconds = cpuSeconds;
            DurationSeconds = Math.Max(durationSeconds, 1e-6);
        }

        /// <summary>Core-seconds of API-server CPU.</summary>
        public double CpuSeconds { get; }

        /// <summary>Wall-clock seconds on an idle server.</summary>
        public double DurationSeconds { get; }

        /// <summary>Cores it keeps busy while it runs (≤ 1).</summary>
        public double Cores => CpuSeconds / DurationSeconds;
    }
}
