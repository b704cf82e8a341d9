using System;
using System.Collections.Generic;

namespace Resilience.CostModel.Simulation
{
    /// <summary>
    /// The named scenarios: the 2024-12-11 incident as modelled here (facts.md: the calls were never disclosed;
    /// "a cluster-wide LIST from every node" is a plausible model, not a reconstruction), the same with each fix, and
    /// staging vs production.
    /// </summary>
    public static class BuiltInScenarios
    {
        /// <summary>Fix names, in the order of docs/cost-model.md; the scenario is "incident-fixed-" + the name.</summary>
        public static readonly IReadOnlyList<string> Fixes = new[] { "node-scoped", "cached-read", "pagination", "informer", "backoff", "serve-stale", "all" };

        public static IReadOnlyList<string> Names
        {
            get
            {
                var names = new List<string> { "incident" };
                foreach (var fix in Fixes) names.Add("incident-fixed-" + fix);
                names.Add("staging-vs-production");
                names.Add("dns-stock-outage");
                return names;
            }
        }

        /// <summary>Null when no scenario has that name.</summary>
        public static Scenario? Find(string name)
        {
            if (name is null) throw new ArgumentNullException(nameof(name));
            switch (name)
            {
                case "incident":
                    return Single(name, "2024-12-11 as modelled: a DaemonSet on 5,000 nodes LISTs every pod cluster-wide (etcd, unpaginated) every 60 s, retries at once; rolled out fleet-wide in 3 min; cluster DNS fails without the control plane and node caches hide it for the postmortem's ~20 min.", Incident());
                case "staging-vs-production":
                    var staging = Incident();
                    staging.Label = "staging (50 nodes)";
                    staging.Cluster.Nodes = 50;
                    var production = Incident();
                    production.Label = "production (5,000 nodes)";
                    return new Scenario
                    {
                        Name = name,
                        Description = "The incident's agent, unchanged, at 50 and at 5,000 nodes: staging stays healthy, production collapses.",
                        Runs = new List<SimulationInput> { staging, production },
                    };
                case "dns-stock-outage":
                    var stock = Incident();
                    stock.Label = "stock CoreDNS, 30-min API outage";
                    stock.Workloads[0] = FixedAgent("all");
                    stock.Dns = new DnsSpec { CoreDnsRestartsPerHour = 0.5 }; // scenario parameter (not a measured rate): half the CoreDNS pods restart within the hour, to show restarts driving failures
                    stock.Outages.Add(new Outage { AtSeconds = 300, DurationSeconds = 1800 });
                    return Single(name, "An injected 30-min API-server outage with stock DNS (CoreDNS keeps answering from its last view; half of its pods restart per hour and fail): failures follow the restarts, not the TTLs.", stock);
            }

            const string prefix = "incident-fixed-";
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                string fix = name.Substring(prefix.Length);
                if (Array.IndexOf((string[])Fixes, fix) < 0) return null;
                var run = Incident();
                run.Label = name;
                run.Workloads[0] = FixedAgent(fix);
                if (fix == "serve-stale" || fix == "all") run.Dns.ClientServeStale = true;
                return Single(name, Describe(fix), run);
            }

            return null;
        }

        /// <summary>The incident run: 5,000 nodes × 30 pods (the envelope), 3 API servers, 45 min.</summary>
        public static SimulationInput Incident()
            => new SimulationInput
            {
                Label = "incident",
                Cluster = new ClusterSpec { Nodes = 5000, PodsPerNode = 30 },
                Workloads = new List<WorkloadSpec> { IncidentAgent() },
                Dns = IncidentDns(),
                DurationSeconds = 45 * 60,
                ReportEverySeconds = 60,
                Seed = 20241211,
            };

        /// <summary>The incident's agent: cluster-wide unpaginated pod LIST, RV unset (etcd), every 60 s, retried at once without limit.</summary>
        public static WorkloadSpec IncidentAgent()
            => new WorkloadSpec
            {
                Name = "telemetry-agent",
                Kind = WorkloadKind.DaemonSet,
                Resource = ResourceKind.Pod,
                Scope = RequestScope.AllNamespaces,
                Access = AccessPattern.UnboundedList,
                PollSeconds = 60,
                Retry = new RetrySpec { Policy = RetryPolicy.Immediate, MaxAttempts = 0 },
            };

        /// <summary>
        /// The incident's DNS: the backend stops answering when the control plane is lost ("DNS relies on the control
        /// plane"), and the node caches hold answers for a window of 20 min ("as cached records expired over the
        /// following 20 minutes"). Stock caches hold 30 s, so this window is a scenario parameter, not a default.
        /// </summary>
        public static DnsSpec IncidentDns()
            => new DnsSpec
            {
                Backend = DnsBackendDuringOutage.Fails,
                Layers = new List<DnsCacheLayer>
                {
                    new DnsCacheLayer { Name = "node DNS cache (incident window)", TtlSeconds = Calibration.IncidentDnsCacheWindowSeconds },
                },
            };

        /// <summary>The incident's agent with one fix applied (see <see cref="Fixes"/>).</summary>
        public static WorkloadSpec FixedAgent(string fix)
        {
            var w = IncidentAgent();
            ApplyFix(w, fix);
            return w;
        }

        /// <summary>
        /// One fix of <see cref="Fixes"/> (or "by-name": each copy reads only its own object, <c>metadata.name=</c>) applied
        /// to a workload in place. "serve-stale" changes nothing here: it is the run's <see cref="DnsSpec.ClientServeStale"/>.
        /// </summary>
        public static void ApplyFix(WorkloadSpec w, string fix)
        {
            if (w is null) throw new ArgumentNullException(nameof(w));
            switch (fix)
            {
                case "node-scoped":
                    w.NodeScoped = true;
                    break;
                case "by-name":
                    w.NameScoped = true;
                    break;
                case "cached-read":
                    w.Access = AccessPattern.CachedList;
                    break;
                case "pagination":
                    w.Access = AccessPattern.PaginatedList;
                    break;
                case "informer":
                    w.Access = AccessPattern.Informer;
                    break;
                case "backoff":
                    w.Retry = new RetrySpec { Policy = RetryPolicy.ExponentialJitter, MaxAttempts = 0 };
                    w.Jitter = 0.5; // ±50% on the poll period: a parameter of the fix, in the spirit of client-go's wait.JitterUntil (jitter factor 1.0 for backoff)
                    break;
                case "serve-stale":
                    break;
                case "all":
                    w.Access = AccessPattern.Informer;
                    w.NodeScoped = true;
                    w.Retry = new RetrySpec { Policy = RetryPolicy.ExponentialJitter, MaxAttempts = 0 };
                    break;
                default:
                    throw new ArgumentException("Unknown fix '" + fix + "'; accepted: " + string.Join(", ", Fixes) + ", by-name.", nameof(fix));
            }
        }

        private static string Describe(string fix)
        {
            switch (fix)
            {
                case "node-scoped": return "The incident with fieldSelector=spec.nodeName only: still an etcd read of every pod (KEP-2340), so memory and seats stay; encoding and bytes drop.";
                case "cached-read": return "The incident with resourceVersion=\"0\": served from the watch cache, 1× instead of 5× memory; still every pod encoded per request.";
                case "pagination": return "The incident with limit=500 + continue: one page's memory at a time; the same objects processed.";
                case "informer": return "The incident's agent as a cluster-wide informer: one LIST at RV=0 per copy, then a resumed WATCH; a rollout herd, then watch events.";
                case "backoff": return "The incident with exponential backoff and jitter on retries (client-go's 0.8 s → 30 s, jitter 1.0) and ±50% poll jitter.";
                case "serve-stale": return "The incident, unchanged on the API side, with a serve-stale DNS cache in the client (CachedDnsResolver, RFC 8767).";
                default: return "All fixes together: node-scoped informer (index lookup from the watch cache), backoff with jitter, serve-stale DNS.";
            }
        }

        private static Scenario Single(string name, string description, SimulationInput run)
        {
            run.Label = name;
            return new Scenario { Name = name, Description = description, Runs = new List<SimulationInput> { run } };
        }
    }
}
