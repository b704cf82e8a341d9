using System;
using System.Collections.Generic;
using System.Linq;
using Resilience.CostModel.Simulation;
using Xunit;

namespace Resilience.CostModel.Tests
{
    public class IncidentShapeTests
    {
        private static readonly Lazy<SimulationResult> Incident = new Lazy<SimulationResult>(() => TimeSteppedSimulation.Run(BuiltInScenarios.Find("incident")!.Runs[0]));

        [Fact]
        public void ClusterWideListFromEveryNodeCollapsesTheControlPlaneWithinMinutesOfTheRollout()
        {
            var s = Incident.Value.Summary;
            Assert.NotNull(s.SaturatedAtSeconds);
            Assert.NotNull(s.ControlPlaneLostAtSeconds);
            Assert.True(s.ControlPlaneLostAtSeconds < 5 * 60, "lost at " + s.ControlPlaneLostAtSeconds);
            Assert.True(s.Restarts > 1, "an API server that comes back is knocked over again by the relists");
            Assert.True(s.FailedFraction > 0.5);
        }

        [Fact]
        public void AFewThousandNodesAreEnough()
        {
            var run = BuiltInScenarios.Incident();
            run.DurationSeconds = 600;

            // 2,000 nodes: APF's seats cap the concurrent lists below the memory limit: saturated, slow, failing, up.
            run.Cluster.Nodes = 2000;
            var s = TimeSteppedSimulation.Run(run).Summary;
            Assert.True(s.SaturatedAtSeconds < 5 * 60);
            Assert.Null(s.ControlPlaneLostAtSeconds);
            Assert.True(s.FailedFraction > 0.5);

            // 3,000 nodes: the lists the seats admit no longer fit in memory: OOM kills within minutes.
            run.Cluster.Nodes = 3000;
            s = TimeSteppedSimulation.Run(run).Summary;
            Assert.True(s.ControlPlaneLostAtSeconds < 5 * 60);
        }

        [Theory]
        [InlineData(20)]
        [InlineData(50)]
        [InlineData(90)]
        public void TheSameAgentAtStagingSizeStaysHealthy(int nodes)
        {
            var run = BuiltInScenarios.Incident();
            run.Cluster.Nodes = nodes;
            var s = TimeSteppedSimulation.Run(run).Summary;
            Assert.True(s.Healthy, "saturated at " + s.SaturatedAtSeconds + ", lost at " + s.ControlPlaneLostAtSeconds);
            Assert.Equal(0, s.MaxDnsFailureFraction);
            Assert.True(s.MaxLatencySeconds < 30);
            Assert.Equal(0, s.TotalFailed);
        }

        [Fact]
        public void StagingVsProductionScenarioShowsBoth()
        {
            var scenario = BuiltInScenarios.Find("staging-vs-production")!;
            Assert.Equal(new[] { 50, 5000 }, scenario.Runs.Select(r => r.Cluster.Nodes));
            scenario.Runs[1].DurationSeconds = 300;
            Assert.True(TimeSteppedSimulation.Run(scenario.Runs[0]).Summary.Healthy);
            Assert.False(TimeSteppedSimulation.Run(scenario.Runs[1]).Summary.Healthy);
        }

        [Fact]
        public void DnsFailuresStartAfterControlPlaneLossAndRampOverTheCacheWindow()
        {
            var result = Incident.Value;
            var s = result.Summary;
            double lost = s.ControlPlaneLostAtSeconds!.Value;
            Assert.True(s.FirstDnsFailureAtSeconds >= lost);
            double window = Calibration.IncidentDnsCacheWindowSeconds;

            // Linear ramp: half failing at half the window, (almost) all by its end, none long before.
            Assert.InRange(s.DnsHalfFailingAtSeconds!.Value - lost, window * 0.45, window * 0.55);
            double FailingAt(double t) => result.Rows.Last(r => r.TimeSeconds <= t).DnsFailureFraction;
            Assert.True(FailingAt(lost + 120) < 0.15);
            Assert.InRange(FailingAt(lost + (window / 2)), 0.4, 0.6);
            Assert.True(FailingAt(lost + window + 60) > 0.95);

            // Monotonic while the control plane stays lost.
            var fractions = result.Rows.Select(r => r.DnsFailureFraction).ToList();
            for (int i = 1; i < fractions.Count; i++) Assert.True(fractions[i] >= fractions[i - 1] - 1e-9);
        }

        [Fact]
        public void WithClientServeStaleDnsFailuresStayZeroForTheOutage()
        {
            var run = BuiltInScenarios.Find("incident-fixed-serve-stale")!.Runs[0];
            var s = TimeSteppedSimulation.Run(run).Summary;
            Assert.NotNull(s.ControlPlaneLostAtSeconds); // the API side is unchanged
            Assert.Equal(0, s.MaxDnsFailureFraction);
            Assert.Null(s.FirstDnsFailureAtSeconds);
        }

        [Fact]
        public void TheWindowIsAParameterNotAFudge()
        {
            var run = BuiltInScenarios.Incident();
            run.DurationSeconds = 900;
            run.Dns.Layers[0].TtlSeconds = 300;
            var s = TimeSteppedSimulation.Run(run).Summary;
            Assert.InRange(s.DnsHalfFailingAtSeconds!.Value - s.ControlPlaneLostAtSeconds!.Value, 130, 170);

            // Stock DNS (CoreDNS keeps answering while running, 30 s caches): no failures unless CoreDNS pods restart.
            run.Dns = new DnsSpec();
            Assert.Equal(0, TimeSteppedSimulation.Run(run).Summary.MaxDnsFailureFraction);
            run.Dns.CoreDnsRestartsPerHour = 1;
            var restarted = TimeSteppedSimulation.Run(run).Summary;
            Assert.InRange(restarted.MaxDnsFailureFraction, 0.1, 0.3); // ~15 min of restarts at 1/h
        }

        [Fact]
        public void AllFixesTogetherStayHealthyAtFiveThousandNodes()
        {
            var s = TimeSteppedSimulation.Run(BuiltInScenarios.Find("incident-fixed-all")!.Runs[0]).Summary;
            Assert.True(s.Healthy);
            Assert.Equal(0, s.TotalFailed);
            Assert.Equal(0, s.MaxDnsFailureFraction);
        }

        [Fact]
        public void CachedReadAvoidsTheOomButStillSaturatesTheSeats()
        {
            var run = BuiltInScenarios.Find("incident-fixed-cached-read")!.Runs[0];
            run.DurationSeconds = 600;
            var s = TimeSteppedSimulation.Run(run).Summary;
            Assert.Null(s.ControlPlaneLostAtSeconds);
            Assert.NotNull(s.SaturatedAtSeconds);
            Assert.True(s.PeakSeatsInUse > 0.9 * 3 * Calibration.AgentPriorityLevelSeats);
        }

        [Fact]
        public void RetriesFeedBackIntoLoad()
        {
            var run = BuiltInScenarios.Incident();
            run.DurationSeconds = 600;
            var storm = TimeSteppedSimulation.Run(run).Summary;
            run.Workloads[0].Retry = new RetrySpec { Policy = RetryPolicy.None };
            var calm = TimeSteppedSimulation.Run(run).Summary;
            Assert.True(storm.TotalRequests > 10 * calm.TotalRequests, storm.TotalRequests + " vs " + calm.TotalRequests);
        }
    }

    public class ScalingTests
    {
        private static readonly int[] Sizes = { 100, 300, 1000, 3000, 10000 };

        [Fact]
        public void PerNodeClusterWideListGrowsQuadratically()
        {
            double exponent = Exponent(BuiltInScenarios.IncidentAgent());
            // ≈ 2; a little under because the next poll waits for the (longer) list to finish.
            Assert.InRange(exponent, 1.8, 2.1);
        }

        [Fact]
        public void NodeScopedInformerGrowsLinearly()
        {
            double exponent = Exponent(BuiltInScenarios.FixedAgent("all"));
            Assert.InRange(exponent, 0.9, 1.1);
        }

        [Fact]
        public void ClusterWideInformerWatchEventsGrowQuadratically()
        {
            // Every watcher receives every pod event, and events grow with the pods: N × N.
            var events = Sizes.Select(n => FixFactors.Offered(n, BuiltInScenarios.FixedAgent("informer"), 900).Rows.Last().WatchEventsPerSecond).ToArray();
            Assert.InRange(Slope(Sizes, events), 1.9, 2.1);
        }

        /// <summary>Least-squares slope of log(mean offered CPU) over log(nodes).</summary>
        private static double Exponent(WorkloadSpec agent)
        {
            var load = Sizes.Select(n => FixFactors.Offered(n, agent, 900).Rows.Average(r => r.CpuDemandCores)).ToArray();
            return Slope(Sizes, load);
        }

        private static double Slope(IReadOnlyList<int> x, IReadOnlyList<double> y)
        {
            var lx = x.Select(v => Math.Log(v)).ToArray();
            var ly = y.Select(v => Math.Log(v)).ToArray();
            double mx = lx.Average();
            double my = ly.Average();
            double num = 0;
            double den = 0;
            for (int i = 0; i < lx.Length; i++)
            {
                num += (lx[i] - mx) * (ly[i] - my);
                den += (lx[i] - mx) * (lx[i] - mx);
            }

            return num / den;
        }
    }

    public class FixFactorTests
    {
        private static readonly Lazy<IReadOnlyList<FixFactor>> Measured = new Lazy<IReadOnlyList<FixFactor>>(() => FixFactors.Measure(5000));

        /// <summary>The factors stated in docs/cost-model.md ("What each fix achieves"), at 5,000 nodes.</summary>
        [Theory]
        [InlineData("node-scoped", "peak API CPU (cores)", 3.6)]
        [InlineData("node-scoped", "peak bytes/s sent", 4300)]
        [InlineData("cached-read", "peak list memory per API server", 6.2)]
        [InlineData("cached-read", "peak API CPU (cores)", 1.2)]
        [InlineData("pagination", "peak list memory per API server", 260)]
        [InlineData("pagination", "peak API CPU (cores)", 1.0)]
        [InlineData("informer", "peak API CPU (cores)", 2.85)]
        [InlineData("informer", "steady API CPU, last 5 min (cores)", 28)]
        [InlineData("all", "peak API CPU (cores)", 14000)]
        [InlineData("backoff", "requests/s during a sustained outage", 45)]
        public void EachFixLowersItsMetricByTheDocumentedFactor(string fix, string metric, double documented)
        {
            var f = Measured.Value.Single(x => x.Fix == fix && x.Metric == metric);
            Assert.InRange(f.Factor, documented * 0.9, documented * 1.1);
        }

        [Fact]
        public void ServeStaleBringsDnsFailuresToZero()
        {
            var f = Measured.Value.Single(x => x.Fix == "serve-stale");
            Assert.True(f.Baseline > 0.95);
            Assert.Equal(0, f.WithFix);
        }

        [Fact]
        public void BackoffMatchesClientGosNinetyEightPercent()
        {
            // facts.md: client-go's backoff gives "~98% traffic reduction when API server is not healthy".
            var f = Measured.Value.Single(x => x.Fix == "backoff");
            Assert.InRange(1 - (f.WithFix / f.Baseline), 0.97, 0.99);
        }
    }

    public class DeterminismTests
    {
        [Fact]
        public void SameSeedSameTimeline()
        {
            foreach (var name in new[] { "incident-fixed-informer", "incident-fixed-backoff" })
            {
                var run = BuiltInScenarios.Find(name)!.Runs[0];
                run.DurationSeconds = 900;
                var a = TimeSteppedSimulation.Run(run);
                var b = TimeSteppedSimulation.Run(run);
                Assert.Equal(Fingerprint(a), Fingerprint(b));
            }
        }

        [Fact]
        public void TheSeedMatters()
        {
            var run = BuiltInScenarios.Find("incident-fixed-backoff")!.Runs[0];
            run.DurationSeconds = 600;
            var a = Fingerprint(TimeSteppedSimulation.Run(run));
            run.Seed++;
            Assert.NotEqual(a, Fingerprint(TimeSteppedSimulation.Run(run)));
        }

        [Fact]
        public void TheInputIsNotModified()
        {
            var run = BuiltInScenarios.Incident();
            run.DurationSeconds = 120;
            TimeSteppedSimulation.Run(run);
            Assert.Equal(5000, run.Cluster.Nodes);
            Assert.Single(run.Workloads);
        }

        private static string Fingerprint(SimulationResult r)
            => string.Join("\n", r.Rows.Select(x => string.Join(",", typeof(TimelineRow).GetProperties().Select(p => Convert.ToString(p.GetValue(x), System.Globalization.CultureInfo.InvariantCulture)))));
    }

    public class DnsModelTests
    {
        [Fact]
        public void StockCoreDnsKeepsAnsweringWhileRunning()
        {
            Assert.Equal(0, DnsModel.FailureFraction(new DnsSpec(), 3600));
        }

        [Fact]
        public void AFailingBackendBehindStockCachesFailsWithinThirtySeconds()
        {
            var dns = new DnsSpec { Backend = DnsBackendDuringOutage.Fails };
            Assert.Equal(0, DnsModel.FailureFraction(dns, 0));
            Assert.Equal(0.5, DnsModel.FailureFraction(dns, 15), 6);
            Assert.Equal(1, DnsModel.FailureFraction(dns, 30));
            Assert.Equal(0, DnsModel.FailureFraction(dns, -1));
        }

        [Fact]
        public void ServeStaleLayersAndClients()
        {
            var dns = new DnsSpec { Backend = DnsBackendDuringOutage.Fails };
            dns.Layers.Add(new DnsCacheLayer { Name = "CoreDNS serve_stale", TtlSeconds = 30, ServeStaleSeconds = 3600 });
            Assert.Equal(0, DnsModel.FailureFraction(dns, 3000));
            Assert.Equal(1, DnsModel.FailureFraction(dns, 3700));
            var client = new DnsSpec { Backend = DnsBackendDuringOutage.Fails, ClientServeStale = true };
            Assert.Equal(0, DnsModel.FailureFraction(client, 86_000));
            Assert.Equal(1, DnsModel.FailureFraction(client, 90_000)); // past RFC 8767's max stale
        }
    }

    public class ValidationTests
    {
        [Theory]
        [InlineData("cluster.nodes")]
        [InlineData("workloads[0].jitter")]
        [InlineData("workloads[0].rollout[0].fraction")]
        [InlineData("dns.layers[0].ttlSeconds")]
        [InlineData("stepSeconds")]
        public void InvalidInputsNameTheField(string field)
        {
            var run = BuiltInScenarios.Incident();
            switch (field)
            {
                case "cluster.nodes": run.Cluster.Nodes = 0; break;
                case "workloads[0].jitter": run.Workloads[0].Jitter = 2; break;
                case "workloads[0].rollout[0].fraction": run.Workloads[0].Rollout[0].Fraction = 0; break;
                case "dns.layers[0].ttlSeconds": run.Dns.Layers[0].TtlSeconds = 0; break;
                default: run.StepSeconds = 0; break;
            }

            var ex = Assert.Throws<ArgumentException>(() => TimeSteppedSimulation.Run(run));
            Assert.StartsWith(field + ":", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void EveryNamedScenarioIsValidAndUnknownNamesAreNull()
        {
            foreach (var name in BuiltInScenarios.Names)
            {
                var scenario = BuiltInScenarios.Find(name);
                Assert.NotNull(scenario);
                Assert.All(scenario!.Runs, r => r.Validate());
            }

            Assert.Null(BuiltInScenarios.Find("incident-fixed-prayer"));
            Assert.Null(BuiltInScenarios.Find("nope"));
        }

        [Fact]
        public void RolloutWavesStartCopiesInPhases()
        {
            var run = BuiltInScenarios.Find("incident-fixed-all")!.Runs[0];
            run.DurationSeconds = 900;
            run.ReportEverySeconds = 60;
            run.Workloads[0].Rollout = new List<RolloutWave>
            {
                new RolloutWave { AtSeconds = 0, DurationSeconds = 60, Fraction = 0.01 },
                new RolloutWave { AtSeconds = 600, DurationSeconds = 120, Fraction = 1 },
            };
            var rows = TimeSteppedSimulation.Run(run).Rows;
            Assert.Equal(50, rows[5].CopiesRunning);
            Assert.Equal(5000, rows[13].CopiesRunning);
        }
    }
}
