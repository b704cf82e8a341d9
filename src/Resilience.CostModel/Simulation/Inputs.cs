using System;
using System.Collections.Generic;

namespace Resilience.CostModel.Simulation
{
    /// <summary>The control plane and the cluster's contents. Defaults: facts.md, or a named parameter where none is published.</summary>
    public sealed class ClusterSpec
    {
        /// <summary>Design §5 default (<see cref="ClusterShape.DefaultNodes"/>).</summary>
        public int Nodes { get; set; } = ClusterShape.DefaultNodes;

        public int PodsPerNode { get; set; } = ClusterShape.DefaultPodsPerNode;

        /// <summary>Objects stored per kind, overriding the rule in <see cref="ClusterShape.ObjectsStored"/>.</summary>
        public Dictionary<ResourceKind, long> Objects { get; set; } = new Dictionary<ResourceKind, long>();

        /// <summary>JSON bytes per object of a kind, overriding <see cref="ClusterShape.JsonBytes"/>.</summary>
        public Dictionary<ResourceKind, int> ObjectBytes { get; set; } = new Dictionary<ResourceKind, int>();

        /// <summary>Parameter (no published figure): API-server replicas behind the load balancer. Load is spread evenly.</summary>
        public int ApiServers { get; set; } = 3;

        /// <summary>[P] 64 cores per control-plane VM in the 5,000-node tests.</summary>
        public int CoresPerApiServer { get; set; } = Calibration.ApiServerCores;

        /// <summary>Parameter: the memory at which an API server is OOM-killed (<see cref="Calibration.DefaultApiServerMemoryLimitBytes"/>).</summary>
        public long MemoryLimitBytesPerApiServer { get; set; } = Calibration.DefaultApiServerMemoryLimitBytes;

        /// <summary>[P] 400.</summary>
        public int MaxRequestsInflight { get; set; } = Calibration.MaxRequestsInflight;

        /// <summary>[P] 200.</summary>
        public int MaxMutatingRequestsInflight { get; set; } = Calibration.MaxMutatingRequestsInflight;

        /// <summary>[D] Seats per API server of the priority level the agents' flow lands in (~245 of 600).</summary>
        public int AgentPriorityLevelSeats { get; set; } = Calibration.AgentPriorityLevelSeats;

        /// <summary>Parameter (APF defaults, not in facts.md): requests one flow can queue per API server (a hand of 6 queues × 50).</summary>
        public int QueueLengthPerApiServer { get; set; } = 300;

        /// <summary>Parameter (not in facts.md): how long APF keeps a request queued before answering 429.</summary>
        public double MaxQueueWaitSeconds { get; set; } = 15;

        /// <summary>Parameter (not in facts.md): seconds an OOM-killed API server takes to serve again.</summary>
        public double RestartSeconds { get; set; } = 60;

        /// <summary>1.31+ ConsistentListFromCache (GA 1.34): RV-less unpaginated lists are served from the watch cache.</summary>
        public bool ConsistentReadsFromCache { get; set; }

        /// <summary>[P] Pod churn per pod per second (15/s at 150,000 pods in the scale tests).</summary>
        public double PodChurnPerPodPerSecond { get; set; } = Calibration.PodChurnPerPodPerSecond;

        /// <summary>The encoding the agents ask for; the C# client asks for JSON [P].</summary>
        public WireEncoding Encoding { get; set; } = WireEncoding.Json;

        public ClusterShape ToShape()
        {
            var shape = new ClusterShape(Nodes, PodsPerNode);
            foreach (var pair in Objects) shape = shape.WithObjects(pair.Key, pair.Value);
            foreach (var pair in ObjectBytes) shape = shape.WithObjectBytes(pair.Key, pair.Value);
            return shape;
        }

        public ClusterSpec Clone()
        {
            var copy = (ClusterSpec)MemberwiseClone();
            copy.Objects = new Dictionary<ResourceKind, long>(Objects);
            copy.ObjectBytes = new Dictionary<ResourceKind, int>(ObjectBytes);
            return copy;
        }
    }

    /// <summary>Who runs the agent.</summary>
    public enum WorkloadKind
    {
        /// <summary>One copy per node.</summary>
        DaemonSet,

        /// <summary><see cref="WorkloadSpec.Replicas"/> copies.</summary>
        Deployment,

        /// <summary><see cref="WorkloadSpec.Replicas"/> copies.</summary>
        StatefulSet,
    }

    /// <summary>How each copy reads the API.</summary>
    public enum AccessPattern
    {
        /// <summary>LIST without <c>limit</c>, resourceVersion unset: a consistent read from etcd.</summary>
        UnboundedList,

        /// <summary>LIST with <c>limit</c> + <c>continue</c>, resourceVersion unset: every page from etcd.</summary>
        PaginatedList,

        /// <summary>LIST at <c>resourceVersion="0"</c>: from the watch cache, <c>limit</c> ignored.</summary>
        CachedList,

        /// <summary>Shorthand: <see cref="UnboundedList"/> with <c>fieldSelector=spec.nodeName=…</c>.</summary>
        NodeScopedList,

        /// <summary>client-go style: LIST at RV="0" once, then WATCH from its resourceVersion with bookmarks; re-watch on timeout; relist only when the server lost the watch.</summary>
        Informer,

        /// <summary>WATCH without a resourceVersion: the server replays the current state each time it (re)starts.</summary>
        WatchWithoutResume,
    }

    /// <summary>What a copy does after a failed request (429, timeout, connection refused).</summary>
    public enum RetryPolicy
    {
        /// <summary>Wait for the next poll (a watch loop restarts at once).</summary>
        None,

        /// <summary>Retry after Retry-After (1 s on 429) or at once, up to <see cref="RetrySpec.MaxAttempts"/>.</summary>
        Immediate,

        /// <summary>Exponential backoff with jitter: min(cap, initial × 2^n) × (1 + U(0, jitter)) (client-go's values by default).</summary>
        ExponentialJitter,
    }

    public sealed class RetrySpec
    {
        public RetryPolicy Policy { get; set; } = RetryPolicy.Immediate;

        /// <summary>[P] client-go retries up to 10 times. 0 = no limit.</summary>
        public int MaxAttempts { get; set; } = Calibration.ClientGoMaxRetries;

        public double InitialSeconds { get; set; } = Calibration.ReflectorBackoffInitialSeconds;

        public double CapSeconds { get; set; } = Calibration.ReflectorBackoffCapSeconds;

        public double Jitter { get; set; } = Calibration.ReflectorBackoffJitter;

        public RetrySpec Clone() => (RetrySpec)MemberwiseClone();
    }

    /// <summary>One step of a rollout: by <see cref="AtSeconds"/> + <see cref="DurationSeconds"/>, <see cref="Fraction"/> of the copies run.</summary>
    public sealed class RolloutWave
    {
        public double AtSeconds { get; set; }

        public double DurationSeconds { get; set; }

        /// <summary>Cumulative fraction of copies running at the end of the wave (0..1, increasing).</summary>
        public double Fraction { get; set; } = 1;
    }

    public sealed class WorkloadSpec
    {
        public string Name { get; set; } = "agent";

        public WorkloadKind Kind { get; set; } = WorkloadKind.DaemonSet;

        /// <summary>Copies of a Deployment/StatefulSet (ignored for a DaemonSet: one per node).</summary>
        public int Replicas { get; set; } = 1;

        public ResourceKind Resource { get; set; } = ResourceKind.Pod;

        public AccessPattern Access { get; set; } = AccessPattern.UnboundedList;

        /// <summary>All namespaces (default), one namespace, or the cluster (cluster-scoped kinds).</summary>
        public RequestScope Scope { get; set; } = RequestScope.AllNamespaces;

        /// <summary><c>fieldSelector=spec.nodeName=&lt;node&gt;</c>.</summary>
        public bool NodeScoped { get; set; }

        /// <summary><c>fieldSelector=metadata.name=&lt;name&gt;</c>: each copy reads its own object (RES1002's fix for nodes and own pods).</summary>
        public bool NameScoped { get; set; }

        /// <summary>[P] client-go pager page size, for <see cref="AccessPattern.PaginatedList"/>.</summary>
        public int PageSize { get; set; } = Calibration.PagerPageSize;

        /// <summary>Seconds between the end of one list and the next; 0 = list once (lists) — ignored by watches.</summary>
        public double PollSeconds { get; set; }

        /// <summary>Poll period jitter: the wait is period × (1 + U(−jitter, +jitter)), 0..1.</summary>
        public double Jitter { get; set; }

        public RetrySpec Retry { get; set; } = new RetrySpec();

        /// <summary>Parameter (not in facts.md): the client gives up on a request after this long and counts a timeout.</summary>
        public double TimeoutSeconds { get; set; } = 60;

        /// <summary>Default: one wave, every copy starting over 180 s (the incident: deployed 3:12 PM, impact from 3:16 PM).</summary>
        public List<RolloutWave> Rollout { get; set; } = new List<RolloutWave> { new RolloutWave { AtSeconds = 0, DurationSeconds = 180, Fraction = 1 } };

        public int Copies(ClusterSpec cluster) => Kind == WorkloadKind.DaemonSet ? cluster.Nodes : Replicas;

        /// <summary>The LIST this workload sends (first page when paginated).</summary>
        public ListRequest ToListRequest()
            => new ListRequest(Resource, Scope)
            {
                NodeScoped = NodeScoped || Access == AccessPattern.NodeScopedList,
                NameScoped = NameScoped,
                ResourceVersionZero = Access == AccessPattern.CachedList || Access == AccessPattern.Informer,
                Limit = Access == AccessPattern.PaginatedList ? PageSize : (int?)null,
            };

        public WorkloadSpec Clone()
        {
            var copy = (WorkloadSpec)MemberwiseClone();
            copy.Retry = Retry.Clone();
            copy.Rollout = new List<RolloutWave>();
            foreach (var w in Rollout) copy.Rollout.Add(new RolloutWave { AtSeconds = w.AtSeconds, DurationSeconds = w.DurationSeconds, Fraction = w.Fraction });
            return copy;
        }
    }

    /// <summary>What answers cluster DNS when the control plane is gone.</summary>
    public enum DnsBackendDuringOutage
    {
        /// <summary>Stock CoreDNS [P]: a running pod keeps answering from its last-known view; only pods that (re)start fail.</summary>
        KeepsAnswering,

        /// <summary>The backend stops answering cluster names when the control plane is lost (the incident: "DNS relies on the control plane").</summary>
        Fails,
    }

    /// <summary>A DNS cache between the application and the backend.</summary>
    public sealed class DnsCacheLayer
    {
        public string Name { get; set; } = "cache";

        /// <summary>How long an answer stays fresh.</summary>
        public double TtlSeconds { get; set; } = Calibration.StockDnsCacheSeconds;

        /// <summary>How long an expired answer is still served when the backend fails (0 = no serve-stale).</summary>
        public double ServeStaleSeconds { get; set; }
    }

    public sealed class DnsSpec
    {
        /// <summary>Default: stock NodeLocal DNSCache and CoreDNS, 30 s each, no serve-stale [P].</summary>
        public List<DnsCacheLayer> Layers { get; set; } = new List<DnsCacheLayer>
        {
            new DnsCacheLayer { Name = "NodeLocal DNSCache", TtlSeconds = Calibration.StockDnsCacheSeconds },
            new DnsCacheLayer { Name = "CoreDNS cache", TtlSeconds = Calibration.StockDnsCacheSeconds },
        };

        public DnsBackendDuringOutage Backend { get; set; } = DnsBackendDuringOutage.KeepsAnswering;

        /// <summary>Parameter: share of CoreDNS pods that restart or move per hour during the outage (they answer SERVFAIL).</summary>
        public double CoreDnsRestartsPerHour { get; set; }

        /// <summary>The application resolves through a serve-stale cache (CachedDnsResolver, RFC 8767).</summary>
        public bool ClientServeStale { get; set; }

        /// <summary>[P] RFC 8767: 1–3 days.</summary>
        public double ClientMaxStaleSeconds { get; set; } = Calibration.ServeStaleMaxSeconds;

        /// <summary>Parameter: the control plane counts as recovered for DNS once up and healthy this long.</summary>
        public double ControlPlaneStableSeconds { get; set; } = 120;

        public DnsSpec Clone()
        {
            var copy = (DnsSpec)MemberwiseClone();
            copy.Layers = new List<DnsCacheLayer>();
            foreach (var l in Layers) copy.Layers.Add(new DnsCacheLayer { Name = l.Name, TtlSeconds = l.TtlSeconds, ServeStaleSeconds = l.ServeStaleSeconds });
            return copy;
        }
    }

    /// <summary>An injected API-server outage (every replica down), independent of load.</summary>
    public sealed class Outage
    {
        public double AtSeconds { get; set; }

        public double DurationSeconds { get; set; }
    }

    /// <summary>One simulation run.</summary>
    public sealed class SimulationInput
    {
        public string Label { get; set; } = "run";

        public ClusterSpec Cluster { get; set; } = new ClusterSpec();

        public List<WorkloadSpec> Workloads { get; set; } = new List<WorkloadSpec>();

        public DnsSpec Dns { get; set; } = new DnsSpec();

        public List<Outage> Outages { get; set; } = new List<Outage>();

        public double DurationSeconds { get; set; } = 45 * 60;

        /// <summary>The simulation's time step.</summary>
        public double StepSeconds { get; set; } = 1;

        /// <summary>One timeline row per this many seconds.</summary>
        public double ReportEverySeconds { get; set; } = 60;

        public ulong Seed { get; set; } = 1;

        /// <summary>Analysis mode: no seat, CPU or memory limit, so the timeline shows the offered load (used to state each fix's factor).</summary>
        public bool UnlimitedCapacity { get; set; }

        public SimulationInput Clone()
        {
            var copy = (SimulationInput)MemberwiseClone();
            copy.Cluster = Cluster.Clone();
            copy.Workloads = new List<WorkloadSpec>();
            foreach (var w in Workloads) copy.Workloads.Add(w.Clone());
            copy.Dns = Dns.Clone();
            copy.Outages = new List<Outage>();
            foreach (var o in Outages) copy.Outages.Add(new Outage { AtSeconds = o.AtSeconds, DurationSeconds = o.DurationSeconds });
            return copy;
        }

        /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
        public void Validate()
        {
            void Require(bool ok, string field, string message)
            {
                if (!ok) throw new ArgumentException(field + ": " + message, field);
            }

            Require(Cluster.Nodes >= 1, "cluster.nodes", "must be at least 1");
            Require(Cluster.PodsPerNode >= 0, "cluster.podsPerNode", "must be 0 or more");
            Require(Cluster.ApiServers >= 1, "cluster.apiServers", "must be at least 1");
            Require(Cluster.CoresPerApiServer >= 1, "cluster.coresPerApiServer", "must be at least 1");
            Require(Cluster.MemoryLimitBytesPerApiServer > 0, "cluster.memoryLimitGB", "must be positive");
            Require(Cluster.MaxRequestsInflight >= 1 && Cluster.MaxMutatingRequestsInflight >= 0, "cluster.maxRequestsInflight", "must be at least 1 (and maxMutatingRequestsInflight 0 or more)");
            Require(Cluster.AgentPriorityLevelSeats >= 1 && Cluster.AgentPriorityLevelSeats <= Cluster.MaxRequestsInflight + Cluster.MaxMutatingRequestsInflight, "cluster.agentPriorityLevelSeats", "must be between 1 and maxRequestsInflight + maxMutatingRequestsInflight (APF shares those seats among its priority levels)");
            Require(Cluster.QueueLengthPerApiServer >= 0, "cluster.queueLengthPerApiServer", "must be 0 or more");
            Require(Cluster.MaxQueueWaitSeconds > 0, "cluster.maxQueueWaitSeconds", "must be positive");
            Require(Cluster.RestartSeconds >= 0, "cluster.restartSeconds", "must be 0 or more");
            Require(Cluster.PodChurnPerPodPerSecond >= 0, "cluster.podChurnPerPodPerSecond", "must be 0 or more");
            Require(Workloads.Count > 0, "workloads", "at least one workload is needed");
            for (int i = 0; i < Workloads.Count; i++)
            {
                var w = Workloads[i];
                string at = "workloads[" + i + "].";
                Require(w.Kind == WorkloadKind.DaemonSet || w.Replicas >= 1, at + "replicas", "must be at least 1");
                Require(w.PageSize >= 1, at + "pageSize", "must be at least 1");
                Require(w.PollSeconds >= 0, at + "pollSeconds", "must be 0 (list once) or more");
                Require(w.Jitter >= 0 && w.Jitter <= 1, at + "jitter", "must be between 0 and 1");
                Require(w.TimeoutSeconds > 0, at + "timeoutSeconds", "must be positive");
                Require(w.Retry.MaxAttempts >= 0, at + "retry.maxAttempts", "must be 0 (no limit) or more");
                Require(w.Retry.InitialSeconds >= 0 && w.Retry.CapSeconds >= w.Retry.InitialSeconds, at + "retry.capSeconds", "must be at least retry.initialSeconds");
                Require(w.Retry.Jitter >= 0, at + "retry.jitter", "must be 0 or more");
                Require(w.Rollout.Count > 0, at + "rollout", "needs at least one wave");
                double previous = 0;
                for (int j = 0; j < w.Rollout.Count; j++)
                {
                    var wave = w.Rollout[j];
                    string wat = at + "rollout[" + j + "].";
                    Require(wave.AtSeconds >= 0, wat + "atSeconds", "must be 0 or more");
                    Require(wave.DurationSeconds >= 0, wat + "durationSeconds", "must be 0 or more");
                    Require(wave.Fraction > previous && wave.Fraction <= 1, wat + "fraction", "must increase from wave to wave and be at most 1");
                    previous = wave.Fraction;
                }
            }

            for (int i = 0; i < Dns.Layers.Count; i++)
            {
                Require(Dns.Layers[i].TtlSeconds > 0, "dns.layers[" + i + "].ttlSeconds", "must be positive");
                Require(Dns.Layers[i].ServeStaleSeconds >= 0, "dns.layers[" + i + "].serveStaleSeconds", "must be 0 or more");
            }

            Require(Dns.CoreDnsRestartsPerHour >= 0, "dns.coreDnsRestartsPerHour", "must be 0 or more");
            Require(Dns.ClientMaxStaleSeconds >= 0, "dns.clientMaxStaleSeconds", "must be 0 or more");
            for (int i = 0; i < Outages.Count; i++)
            {
                Require(Outages[i].AtSeconds >= 0 && Outages[i].DurationSeconds > 0, "outages[" + i + "]", "atSeconds must be 0 or more and durationSeconds positive");
            }

            Require(StepSeconds > 0 && StepSeconds <= 10, "stepSeconds", "must be in (0, 10]");
            Require(DurationSeconds >= StepSeconds && DurationSeconds <= 7 * 86_400, "durationSeconds", "must be between stepSeconds and 7 days");
            Require(ReportEverySeconds >= StepSeconds, "reportEverySeconds", "must be at least stepSeconds");
        }
    }

    /// <summary>A named set of runs (one, or several to compare).</summary>
    public sealed class Scenario
    {
        public string Name { get; set; } = "scenario";

        public string Description { get; set; } = "";

        public List<SimulationInput> Runs { get; set; } = new List<SimulationInput>();
    }
}
