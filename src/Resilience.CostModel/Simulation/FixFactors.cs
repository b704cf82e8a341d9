using System;
using System.Collections.Generic;

namespace Resilience.CostModel.Simulation
{
    /// <summary>One fix's effect on the metric it is meant to move.</summary>
    public sealed class FixFactor
    {
        public FixFactor(string fix, string metric, double baseline, double withFix)
        {
            Fix = fix;
            Metric = metric;
            Baseline = baseline;
            WithFix = withFix;
        }

        public string Fix { get; }

        public string Metric { get; }

        public double Baseline { get; }

        public double WithFix { get; }

        /// <summary>Baseline ÷ with the fix (∞ when the fix brings it to zero).</summary>
        public double Factor => WithFix <= 0 ? double.PositiveInfinity : Baseline / WithFix;
    }

    /// <summary>
    /// Measures each fix against the incident's agent by simulation. API-side fixes run in the unlimited-capacity
    /// mode, so the numbers are the offered load (what the fleet asks of the API servers) rather than what a
    /// collapsing server manages to serve. Backoff is measured during an injected outage; serve-stale by DNS failures.
    /// </summary>
    public static class FixFactors
    {
        /// <summary>Long enough for the 3-min rollout, several polls and the informers' first re-watches.</summary>
        public const double MeasureSeconds = 20 * 60;

        public static IReadOnlyList<FixFactor> Measure(int nodes = 5000, IProgress<double>? progress = null)
        {
            var result = new List<FixFactor>();
            var baseline = Offered(nodes, BuiltInScenarios.IncidentAgent());
            int done = 0;
            const int total = 8;
            void Step() => progress?.Report(++done / (double)total);
            Step();

            var nodeScoped = Offered(nodes, BuiltInScenarios.FixedAgent("node-scoped"));
            result.Add(new FixFactor("node-scoped", "peak API CPU (cores)", baseline.Summary.PeakCpuDemandCores, nodeScoped.Summary.PeakCpuDemandCores));
            result.Add(new FixFactor("node-scoped", "peak bytes/s sent", baseline.Summary.PeakBytesPerSecond, nodeScoped.Summary.PeakBytesPerSecond));
            Step();

            var cached = Offered(nodes, BuiltInScenarios.FixedAgent("cached-read"));
            result.Add(new FixFactor("cached-read", "peak list memory per API server", ListMemory(baseline), ListMemory(cached)));
            result.Add(new FixFactor("cached-read", "peak API CPU (cores)", baseline.Summary.PeakCpuDemandCores, cached.Summary.PeakCpuDemandCores));
            Step();

            var paginated = Offered(nodes, BuiltInScenarios.FixedAgent("pagination"));
            result.Add(new FixFactor("pagination", "peak list memory per API server", ListMemory(baseline), ListMemory(paginated)));
            result.Add(new FixFactor("pagination", "peak API CPU (cores)", baseline.Summary.PeakCpuDemandCores, paginated.Summary.PeakCpuDemandCores));
            Step();

            var informer = Offered(nodes, BuiltInScenarios.FixedAgent("informer"));
            result.Add(new FixFactor("informer", "peak API CPU (cores)", baseline.Summary.PeakCpuDemandCores, informer.Summary.PeakCpuDemandCores));
            result.Add(new FixFactor("informer", "steady API CPU, last 5 min (cores)", SteadyCpu(baseline), SteadyCpu(informer)));
            Step();

            var all = Offered(nodes, BuiltInScenarios.FixedAgent("all"));
            result.Add(new FixFactor("all", "peak API CPU (cores)", baseline.Summary.PeakCpuDemandCores, all.Summary.PeakCpuDemandCores));
            result.Add(new FixFactor("all", "peak objects processed/s", baseline.Summary.PeakObjectsProcessedPerSecond, all.Summary.PeakObjectsProcessedPerSecond));
            Step();

            result.Add(new FixFactor("backoff", "requests/s during a sustained outage", OutageRequestRate(nodes, BuiltInScenarios.IncidentAgent()), OutageRequestRate(nodes, BuiltInScenarios.FixedAgent("backoff"))));
            Step();

            var incident = BuiltInScenarios.Incident();
            incident.Cluster.Nodes = nodes;
            incident.DurationSeconds = 30 * 60;
            var staleRun = incident.Clone();
            staleRun.Dns.ClientServeStale = true;
            result.Add(new FixFactor("serve-stale", "peak share of DNS lookups failing", TimeSteppedSimulation.Run(incident).Summary.MaxDnsFailureFraction, TimeSteppedSimulation.Run(staleRun).Summary.MaxDnsFailureFraction));
            Step();
            return result;
        }

        /// <summary>The agent alone on a cluster of <paramref name="nodes"/>, with no capacity limit (offered load).</summary>
        public static SimulationResult Offered(int nodes, WorkloadSpec agent, double seconds = MeasureSeconds, ulong seed = 20241211)
        {
            var input = BuiltInScenarios.Incident();
            input.Label = agent.Name + " offered load";
            input.Cluster.Nodes = nodes;
            input.Workloads = new List<WorkloadSpec> { agent };
            input.DurationSeconds = seconds;
            input.UnlimitedCapacity = true;
            input.Seed = seed;
            return TimeSteppedSimulation.Run(input);
        }

        /// <summary>Mean offered CPU over the last 5 minutes of the run (after the rollout and the first polls).</summary>
        public static double SteadyCpu(SimulationResult result)
        {
            double sum = 0;
            double seconds = 0;
            double from = result.Input.DurationSeconds - 300;
            foreach (var row in result.Rows)
            {
                if (row.TimeSeconds < from) continue;
                sum += row.CpuDemandCores * result.Input.ReportEverySeconds;
                seconds += result.Input.ReportEverySeconds;
            }

            return seconds > 0 ? sum / seconds : 0;
        }

        /// <summary>Peak memory held by in-flight lists on one API server (above its watch cache).</summary>
        public static double ListMemory(SimulationResult result)
            => Math.Max(0, result.Summary.PeakMemoryPerApiServerBytes - result.Summary.WatchCacheBytesPerApiServer);

        /// <summary>Requests/s the fleet sends during the second half of a 20-min injected outage after the rollout.</summary>
        public static double OutageRequestRate(int nodes, WorkloadSpec agent)
        {
            var input = BuiltInScenarios.Incident();
            input.Cluster.Nodes = nodes;
            input.Workloads = new List<WorkloadSpec> { agent };
            input.UnlimitedCapacity = true;
            input.DurationSeconds = 1500;
            input.Outages.Add(new Outage { AtSeconds = 300, DurationSeconds = 1200 });
            var run = TimeSteppedSimulation.Run(input);
            double sum = 0;
            int n = 0;
            foreach (var row in run.Rows)
            {
                if (row.TimeSeconds >= 900 && row.TimeSeconds < 1500)
                {
                    sum += row.RequestsPerSecond;
                    n++;
                }
            }

            return n > 0 ? sum / n : 0;
        }
    }
}
