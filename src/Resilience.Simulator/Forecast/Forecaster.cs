using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Resilience.CostModel;
using Resilience.CostModel.Simulation;

namespace Resilience.Simulator.Forecast
{
    /// <summary>What the forecast runs the build's workloads in: the clusters, their control plane and DNS, and for how long.</summary>
    public sealed class ForecastSettings
    {
        /// <summary>The clusters to forecast, by node count.</summary>
        public List<int> Nodes { get; set; } = new List<int>();

        /// <summary>Everything but the node count, shared by the clusters; defaults from <see cref="ClusterSpec"/> (sources in <see cref="Assumptions"/>).</summary>
        public ClusterSpec Cluster { get; set; } = new ClusterSpec();

        /// <summary>
        /// Stock caches (NodeLocal DNSCache and CoreDNS, 30 s each, no serve-stale [P]) in front of a backend that stops
        /// answering when the control plane is lost — the incident's "DNS relies on the control plane", the case a
        /// pre-rollout gate has to assume (stock CoreDNS keeps answering from its last view: <c>--dns-backend keeps-answering</c>).
        /// </summary>
        public DnsSpec Dns { get; set; } = new DnsSpec { Backend = DnsBackendDuringOutage.Fails };

        /// <summary>30 min: the rollout, several polls and the first watch restarts (5–10 min [P]).</summary>
        public double DurationSeconds { get; set; } = 30 * 60;

        /// <summary>The model's default wave: every copy starting over 180 s (the incident: deployed 3:12 PM, impact from 3:16 PM [P]).</summary>
        public double RolloutSeconds { get; set; } = 180;

        public ulong Seed { get; set; } = 20241211;

        /// <summary>
        /// The simulation's step. The model admits queued requests once per step, so a step caps admissions at the seats'
        /// worth per step however short the requests are; a build with several cheap lists per copy (a fixed one: 10-seat
        /// cache reads of a few ms each, three per copy) needs a finer step than the scenarios' 1 s not to queue them falsely.
        /// </summary>
        public double StepSeconds { get; set; } = 0.25;

        /// <summary>Every input of the run with its value and where the value comes from.</summary>
        public IReadOnlyList<(string Name, string Value, string Source)> Assumptions()
        {
            var c = Cluster;
            string ttl = string.Join(" + ", Dns.Layers.Select(l => l.Name + " " + Invariant(l.TtlSeconds) + " s" + (l.ServeStaleSeconds > 0 ? " (+" + Invariant(l.ServeStaleSeconds) + " s stale)" : "")));
            return new List<(string, string, string)>
            {
                ("nodes", string.Join(", ", Nodes.Select(n => n.ToString("N0", CultureInfo.InvariantCulture))), "--nodes; else the ResilienceClusterNodes the build was priced at"),
                ("pods per node", c.PodsPerNode.ToString(CultureInfo.InvariantCulture), "--pods-per-node; else the build's ResiliencePodsPerNode; design default 30 (envelope: 110 max)"),
                ("API servers", c.ApiServers.ToString(CultureInfo.InvariantCulture), "--api-servers; parameter, no published figure"),
                ("cores per API server", c.CoresPerApiServer.ToString(CultureInfo.InvariantCulture), "--cores; [P] 64-core VM of the 5,000-node scale tests"),
                ("memory limit per API server", Quantity.Bytes(c.MemoryLimitBytesPerApiServer), "--memory-gb; parameter: half the 256 GB scale-test VM [P]"),
                ("max requests in flight", c.MaxRequestsInflight + " + " + c.MaxMutatingRequestsInflight + " mutating", "--max-requests-inflight, --max-mutating-requests-inflight; [P] kube-apiserver defaults"),
                ("APF seats of the agents' priority level", c.AgentPriorityLevelSeats + " per API server", "--priority-level-seats; [D] one flow in the low-priority class, ~245 of 600"),
                ("APF queue", c.QueueLengthPerApiServer + " per API server, 429 after " + Invariant(c.MaxQueueWaitSeconds) + " s", "--queue-length, --max-queue-wait; parameters (APF defaults: a hand of 6 queues × 50)"),
                ("consistent reads from cache", c.ConsistentReadsFromCache ? "on" : "off", "--consistent-reads-from-cache; 1.31+ feature, GA in 1.34 [P]"),
                ("OOM restart", Invariant(c.RestartSeconds) + " s", "parameter of the cost model"),
                ("DNS caches", ttl, "--dns-cache-seconds, --dns-serve-stale-seconds; [P] stock NodeLocal DNSCache and CoreDNS cache 30 s, no serve-stale"),
                ("DNS backend without the control plane", Dns.Backend == DnsBackendDuringOutage.Fails ? "fails" : "keeps answering (" + Invariant(Dns.CoreDnsRestartsPerHour) + " of its pods restart per hour)", "--dns-backend, --coredns-restarts-per-hour; default: the incident's \"DNS relies on the control plane\" (stock CoreDNS keeps answering [P])"),
                ("client serve-stale", "only where no RES2xxx finding remains; max stale " + Quantity.Duration(TimeSpan.FromSeconds(Dns.ClientMaxStaleSeconds)), "[P] RFC 8767: 1–3 days"),
                ("rollout", "every copy starts over " + Invariant(RolloutSeconds) + " s", "--rollout-seconds; the incident: deployed 3:12 PM, impact from 3:16 PM"),
                ("simulated time", Quantity.Duration(TimeSpan.FromSeconds(DurationSeconds)), "--duration"),
            };
        }

        internal static string Invariant(double d) => d.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The build as it is, or with some of its offered fixes applied, on one cluster.</summary>
    public sealed class ForecastVariant
    {
        public ForecastVariant(string name, IReadOnlyList<OfferedFix> fixes, SimulationInput input, SimulationResult? result, double? dnsFailsAfterLoss, double? dnsHalfAfterLoss)
        {
            Name = name;
            Fixes = fixes;
            Input = input;
            Result = result;
            DnsFailsAfterLossSeconds = dnsFailsAfterLoss;
            DnsHalfFailingAfterLossSeconds = dnsHalfAfterLoss;
        }

        /// <summary>"as built", "RES1001 pagination", "all fixes".</summary>
        public string Name { get; }

        public IReadOnlyList<OfferedFix> Fixes { get; }

        /// <summary>The cost model's input (its workloads may be empty: then <see cref="Result"/> is null).</summary>
        public SimulationInput Input { get; }

        /// <summary>The time-stepped run, or null when no finding is a LIST or WATCH the model prices (nothing loads the API servers).</summary>
        public SimulationResult? Result { get; }

        /// <summary>Seconds after a control-plane loss, from any cause, until the first cluster-name lookup fails (DnsModel); null: not within a week.</summary>
        public double? DnsFailsAfterLossSeconds { get; }

        public double? DnsHalfFailingAfterLossSeconds { get; }

        public bool Saturates => Result?.Summary.SaturatedAtSeconds != null;
    }

    public sealed class ClusterForecast
    {
        public ClusterForecast(int nodes, IReadOnlyList<ForecastVariant> variants)
        {
            Nodes = nodes;
            Variants = variants;
        }

        public int Nodes { get; }

        /// <summary>"as built" first, then one per rule with a fix, then "all fixes".</summary>
        public IReadOnlyList<ForecastVariant> Variants { get; }

        public ForecastVariant AsBuilt => Variants[0];
    }

    public sealed class ForecastReport
    {
        public ForecastReport(string source, IReadOnlyList<Finding> findings, IReadOnlyList<FindingSite> sites, IReadOnlyList<string> notes, ForecastSettings settings, IReadOnlyList<ClusterForecast> clusters, SaturationPoint? saturationPoint)
        {
            Source = source;
            Findings = findings;
            Sites = sites;
            Notes = notes;
            Settings = settings;
            Clusters = clusters;
            SaturationPoint = saturationPoint;
        }

        /// <summary>Where, between the clusters, the build as it is starts to saturate; null when nothing loads the API servers.</summary>
        public SaturationPoint? SaturationPoint { get; }

        public string Source { get; }

        public IReadOnlyList<Finding> Findings { get; }

        public IReadOnlyList<FindingSite> Sites { get; }

        /// <summary>What was assumed where the code does not say, and what the model does not price.</summary>
        public IReadOnlyList<string> Notes { get; }

        public ForecastSettings Settings { get; }

        public IReadOnlyList<ClusterForecast> Clusters { get; }
    }

    /// <summary>
    /// The smallest cluster (same shape, more nodes) on which the build as it is saturates, found by bisection to within
    /// <see cref="Forecaster.SaturationPrecision"/>: <see cref="Nodes"/> saturates, <see cref="HoldsAt"/> does not. Null
    /// <see cref="Nodes"/>: it holds on every size searched, up to <see cref="HoldsAt"/>.
    /// </summary>
    public sealed class SaturationPoint
    {
        public SaturationPoint(int? nodes, int holdsAt)
        {
            Nodes = nodes;
            HoldsAt = holdsAt;
        }

        public int? Nodes { get; }

        public int HoldsAt { get; }
    }

    /// <summary>
    /// Runs a build's findings through the time-stepped cost model (Resilience.CostModel.Simulation, unchanged) on each
    /// cluster: as built, with each rule's offered fix (the model's own fixes, <see cref="BuiltInScenarios.ApplyFix"/>),
    /// and with all of them.
    /// </summary>
    public static class Forecaster
    {
        public static ForecastReport Run(string source, IReadOnlyList<Finding> findings, ForecastSettings settings, IProgress<string>? progress = null)
        {
            var sites = AccessPatterns.Sites(findings);
            var notes = new List<string>();
            foreach (var site in sites)
            {
                AccessPatterns.Workload(site, out string? note);
                if (note != null) notes.Add(note);
                if (AccessPatterns.CountNote(site) is string count) notes.Add(count);
                foreach (var f in site.Findings)
                {
                    if (AccessPatterns.FixFor(f, site) is null)
                    {
                        notes.Add(site.Site + " " + f.RuleId + ": " + (f.RuleId == "RES1006" ? "a client without a rate limit; the model has no client-side limit, so it changes no number here" : "a retried call that is not a LIST or WATCH; not priced"));
                    }
                }
            }

            var offered = sites.SelectMany(s => s.Findings.Select(f => AccessPatterns.FixFor(f, s))).Where(f => f != null).Select(f => f!).ToList();
            var rules = offered.Select(f => f.Rule).Distinct().OrderBy(r => r, StringComparer.Ordinal).ToList();
            var variants = new List<(string Name, List<OfferedFix> Fixes)> { ("as built", new List<OfferedFix>()) };
            foreach (var rule in rules)
            {
                var fixes = offered.Where(f => f.Rule == rule).ToList();
                variants.Add((rule + " " + string.Join("/", fixes.Select(f => f.Fix).Distinct()), fixes));
            }

            if (rules.Count > 1) variants.Add(("all fixes", offered));

            var clusters = new List<ClusterForecast>();
            foreach (int nodes in settings.Nodes)
            {
                var results = new List<ForecastVariant>();
                foreach (var (name, fixes) in variants)
                {
                    progress?.Report(Quantity.Count(nodes) + " nodes, " + name);
                    results.Add(RunVariant(name, sites, fixes, settings, nodes));
                }

                clusters.Add(new ClusterForecast(nodes, results));
            }

            return new ForecastReport(source, findings, sites, notes, settings, clusters, FindSaturationPoint(sites, settings, clusters, progress));
        }

        /// <summary>The bisection stops when the bracket is narrower than this share of its lower end.</summary>
        public const double SaturationPrecision = 0.05;

        /// <summary>Without a saturating cluster among those asked for, the search goes up to this many times the largest.</summary>
        public const int SaturationSearchFactor = 10;

        /// <summary>
        /// Bisects the node count between the largest cluster that holds and the smallest that saturates (of those
        /// forecast, else up to <see cref="SaturationSearchFactor"/> × the largest). Assumes more nodes never help,
        /// which holds for per-node and replicated load alike; the answer is a bracket, not a threshold to the node.
        /// </summary>
        private static SaturationPoint? FindSaturationPoint(IReadOnlyList<FindingSite> sites, ForecastSettings settings, IReadOnlyList<ClusterForecast> clusters, IProgress<string>? progress)
        {
            if (clusters.Count == 0 || clusters[0].AsBuilt.Result is null) return null;
            int holds = clusters.Where(c => !c.AsBuilt.Saturates).Select(c => c.Nodes).DefaultIfEmpty(0).Max();
            int saturates = clusters.Where(c => c.AsBuilt.Saturates && c.Nodes > holds).Select(c => c.Nodes).DefaultIfEmpty(int.MaxValue).Min();
            bool Saturates(int nodes)
            {
                progress?.Report("saturation point: " + Quantity.Count(nodes) + " nodes");
                return TimeSteppedSimulation.Run(Input(sites, Array.Empty<OfferedFix>(), settings, nodes)).Summary.SaturatedAtSeconds != null;
            }

            if (saturates == int.MaxValue)
            {
                int ceiling = (int)Math.Min(1_000_000L, (long)clusters.Max(c => c.Nodes) * SaturationSearchFactor);
                if (!Saturates(ceiling)) return new SaturationPoint(null, ceiling);
                saturates = ceiling;
            }

            while (saturates - holds > Math.Max(1, holds * SaturationPrecision))
            {
                int middle = holds + ((saturates - holds) / 2);
                if (Saturates(Math.Max(1, middle))) saturates = Math.Max(1, middle);
                else holds = middle;
            }

            return new SaturationPoint(saturates, holds);
        }

        /// <summary>
        /// The cost model's input for the sites on a cluster of <paramref name="nodes"/> with <paramref name="fixes"/> applied:
        /// what a test can also run through <see cref="TimeSteppedSimulation.Run"/> itself.
        /// </summary>
        public static SimulationInput Input(IReadOnlyList<FindingSite> sites, IReadOnlyCollection<OfferedFix> fixes, ForecastSettings settings, int nodes)
        {
            var cluster = settings.Cluster.Clone();
            cluster.Nodes = nodes;
            var input = new SimulationInput
            {
                Label = Quantity.Count(nodes) + " nodes",
                Cluster = cluster,
                Dns = settings.Dns.Clone(),
                DurationSeconds = settings.DurationSeconds,
                StepSeconds = settings.StepSeconds,
                ReportEverySeconds = 60,
                Seed = settings.Seed,
            };

            foreach (var site in sites)
            {
                if (AccessPatterns.Workload(site, out _) is not WorkloadSpec w) continue;
                w.Rollout = new List<RolloutWave> { new RolloutWave { AtSeconds = 0, DurationSeconds = settings.RolloutSeconds, Fraction = 1 } };
                foreach (var f in site.Findings.OrderBy(f => f.RuleId, StringComparer.Ordinal))
                {
                    var fix = AccessPatterns.FixFor(f, site);
                    if (fix != null && fix.Fix != "serve-stale" && fixes.Any(x => x.Rule == fix.Rule && x.Fix == fix.Fix)) BuiltInScenarios.ApplyFix(w, fix.Fix);
                }

                input.Workloads.Add(w);
            }

            // The client serves stale answers once no lookup without a stale-serving cache remains (every RES2xxx fixed).
            bool dnsFindingLeft = sites.SelectMany(s => s.Findings).Any(f => AccessPatterns.IsDnsRule(f.RuleId) && !fixes.Any(x => x.Rule == f.RuleId));
            input.Dns.ClientServeStale = !dnsFindingLeft;
            return input;
        }

        private static ForecastVariant RunVariant(string name, IReadOnlyList<FindingSite> sites, List<OfferedFix> fixes, ForecastSettings settings, int nodes)
        {
            var input = Input(sites, fixes, settings, nodes);
            input.Label = Quantity.Count(nodes) + " nodes, " + name;
            var result = input.Workloads.Count > 0 ? TimeSteppedSimulation.Run(input) : null;
            var (first, half) = DnsAfterLoss(input.Dns);
            return new ForecastVariant(name, fixes, input, result, first, half);
        }

        /// <summary>The first second after a control-plane loss at which lookups fail, and at which half do (DnsModel, 1 s steps, up to a week).</summary>
        private static (double? First, double? Half) DnsAfterLoss(DnsSpec dns)
        {
            double? first = null;
            for (int t = 0; t <= 7 * 86_400; t++)
            {
                double failing = DnsModel.FailureFraction(dns, t);
                if (failing > 0 && first is null) first = t;
                if (failing >= 0.5) return (first, t);
            }

            return (first, null);
        }
    }
}
