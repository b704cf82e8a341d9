using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using k8s;
using k8s.Models;
using Resilience.CostModel;
using Resilience.CostModel.Simulation;
using Resilience.Kubernetes.Testing;
using Resilience.Simulator.Forecast;
using Xunit;

namespace Resilience.Simulator.Tests
{
    /// <summary><c>forecast</c> on the SARIF logs of a real build of samples/NodeTelemetryAgent and its fixed twin.</summary>
    [Collection(SampleBuildsCollection.Name)]
    public class ForecastTests
    {
        private readonly SampleBuilds builds;
        private readonly Xunit.Abstractions.ITestOutputHelper output;

        public ForecastTests(SampleBuilds builds, Xunit.Abstractions.ITestOutputHelper output)
        {
            this.builds = builds;
            this.output = output;
        }

        /// <summary>
        /// samples/NodeTelemetryAgent/TelemetryAgent.cs written out by hand as the cost model's workloads, in the order of
        /// the code: every node lists every pod and every node every 30 s (a failed round waits for the next one), and
        /// watches every service with no resourceVersion, restarted when the watch ends. <paramref name="fixedAll"/>: with
        /// each rule's fix — a node-scoped pod informer, a node informer by name, a service informer.
        /// </summary>
        private static List<WorkloadSpec> SampleAgent(bool fixedAll, double rolloutSeconds = 180)
        {
            WorkloadSpec Agent(ResourceKind kind, RequestScope scope, AccessPattern access, double poll) => new WorkloadSpec
            {
                Kind = WorkloadKind.DaemonSet,
                Resource = kind,
                Scope = scope,
                Access = access,
                PollSeconds = poll,
                Retry = new RetrySpec { Policy = RetryPolicy.None },
                Rollout = new List<RolloutWave> { new RolloutWave { AtSeconds = 0, DurationSeconds = rolloutSeconds, Fraction = 1 } },
            };

            var pods = Agent(ResourceKind.Pod, RequestScope.AllNamespaces, AccessPattern.UnboundedList, 30);
            var nodes = Agent(ResourceKind.Node, RequestScope.Cluster, AccessPattern.UnboundedList, 30);
            var services = Agent(ResourceKind.Service, RequestScope.AllNamespaces, AccessPattern.WatchWithoutResume, 0);
            if (fixedAll)
            {
                pods.Access = AccessPattern.Informer;
                pods.NodeScoped = true;
                nodes.Access = AccessPattern.Informer;
                nodes.NameScoped = true;
                services.Access = AccessPattern.Informer;
            }

            return new List<WorkloadSpec> { pods, nodes, services };
        }

        private static SimulationInput Direct(int nodes, double seconds, bool fixedAll)
            => new SimulationInput
            {
                Cluster = new ClusterSpec { Nodes = nodes, PodsPerNode = 30 },
                Workloads = SampleAgent(fixedAll),
                Dns = new DnsSpec { Backend = DnsBackendDuringOutage.Fails, ClientServeStale = fixedAll },
                DurationSeconds = seconds,
                StepSeconds = 0.25,
                ReportEverySeconds = 60,
                Seed = 20241211,
            };

        [Theory]
        [InlineData(1500)]
        [InlineData(5000)]
        public void The_forecast_of_the_built_sample_is_the_cost_model_run_directly_on_its_access_pattern(int nodes)
        {
            var findings = SarifFindings.Load(builds.Broken);
            var report = Forecaster.Run(builds.Broken, findings, new ForecastSettings { Nodes = { nodes }, DurationSeconds = 600 });
            var cluster = Assert.Single(report.Clusters);

            AssertSameRun(TimeSteppedSimulation.Run(Direct(nodes, 600, fixedAll: false)), cluster.AsBuilt.Result!);
            AssertSameRun(TimeSteppedSimulation.Run(Direct(nodes, 600, fixedAll: true)), cluster.Variants.Single(v => v.Name == "all fixes").Result!);
            Assert.Equal(
                new[] { "as built", "RES1001 pagination", "RES1002 node-scoped/by-name", "RES1003 informer", "RES1004 informer", "RES2001 serve-stale", "all fixes" },
                cluster.Variants.Select(v => v.Name));
        }

        /// <summary>
        /// The compiler writes a build's results in the order the concurrent analyzers reported them, so two builds of the
        /// same code can list them differently (seen: 3 orders in 10 builds of the sample). The model draws its randomness
        /// in workload order: while the forecast followed the log's order, the sample's forecast and the model run directly
        /// on the same pattern differed in 2 of about 10 runs (90,579 vs 452,770 requests in one), and this log reversed
        /// moved saturation from 4.25 s to 4.5 s. The findings, and so the forecast, follow the order of the code.
        /// </summary>
        [Fact]
        public void The_forecast_does_not_depend_on_the_order_the_log_lists_its_results_in()
        {
            var log = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(builds.Broken))!;
            var results = log["runs"]![0]!["results"]!.AsArray();
            var reversed = results.Reverse().Select(r => r!.DeepClone()).ToList();
            results.Clear();
            foreach (var r in reversed) results.Add(r);

            var asLogged = SarifFindings.Load(builds.Broken);
            var backwards = SarifFindings.Parse(log.ToJsonString(), "reversed.sarif");
            Assert.Equal(asLogged.Select(f => f.RuleId + "@" + f.Line + ":" + f.Column), backwards.Select(f => f.RuleId + "@" + f.Line + ":" + f.Column));
            Assert.Equal(asLogged.OrderBy(f => f.Line).ThenBy(f => f.Column).ThenBy(f => f.RuleId, StringComparer.Ordinal).Select(f => f.RuleId + "@" + f.Line), asLogged.Select(f => f.RuleId + "@" + f.Line));

            var settings = new ForecastSettings { Nodes = { 5000 }, DurationSeconds = 600 };
            var one = Assert.Single(Forecaster.Run(builds.Broken, asLogged, settings).Clusters);
            var other = Assert.Single(Forecaster.Run("reversed.sarif", backwards, settings).Clusters);
            AssertSameRun(one.AsBuilt.Result!, other.AsBuilt.Result!);
        }

        [Fact]
        public void The_broken_sample_takes_a_5000_node_control_plane_down_within_minutes_and_the_fixed_one_does_not()
        {
            string svg = Path.Combine(builds.Root, "charts");
            var (code, json, error) = Run.Cli("forecast", builds.Broken, "--nodes", "200,5000", "--json", "--svg", svg, "--fail-on", "saturation", "--quiet");
            Assert.True(code == Cli.Saturates, error);
            using var doc = JsonDocument.Parse(json);
            var clusters = doc.RootElement.GetProperty("clusters");
            var small = clusters[0].GetProperty("variants")[0];
            Assert.True(small.GetProperty("healthy").GetBoolean());
            var large = clusters[1].GetProperty("variants");
            Assert.InRange(large[0].GetProperty("controlPlaneLostAtSeconds").GetDouble(), 0, 10 * 60);
            Assert.Equal(JsonValueKind.Number, large[0].GetProperty("firstDnsFailureAtSeconds").ValueKind);
            var all = large.EnumerateArray().Single(v => v.GetProperty("name").GetString() == "all fixes");
            Assert.True(all.GetProperty("healthy").GetBoolean());
            Assert.Equal(JsonValueKind.Null, all.GetProperty("firstDnsFailureAtSeconds").ValueKind);
            // Between the cluster that holds and the one that saturates: the bracket the bisection found, checked on the model.
            var point = doc.RootElement.GetProperty("saturationPoint");
            int saturatesFrom = point.GetProperty("nodes").GetInt32(), holdsAt = point.GetProperty("holdsAtNodes").GetInt32();
            Assert.InRange(holdsAt, 200, saturatesFrom - 1);
            Assert.InRange(saturatesFrom, holdsAt + 1, 5000);
            var sites = AccessPatterns.Sites(SarifFindings.Load(builds.Broken));
            var settings = new ForecastSettings();
            settings.Cluster.PodsPerNode = 30;
            Assert.NotNull(TimeSteppedSimulation.Run(Forecaster.Input(sites, Array.Empty<OfferedFix>(), settings, saturatesFrom)).Summary.SaturatedAtSeconds);
            Assert.Null(TimeSteppedSimulation.Run(Forecaster.Input(sites, Array.Empty<OfferedFix>(), settings, holdsAt)).Summary.SaturatedAtSeconds);
            output.WriteLine("saturation point: from " + saturatesFrom + " nodes, holds at " + holdsAt);

            foreach (int nodes in new[] { 200, 5000 })
            {
                var chart = XDocument.Load(Path.Combine(svg, "forecast-" + nodes + "-nodes.svg"));
                Assert.Equal(7 + 1, chart.Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg")).Count());
            }

            var (fixedCode, table, fixedError) = Run.Cli("forecast", builds.Fixed, "--nodes", "200,5000", "--fail-on", "saturation", "--quiet");
            Assert.True(fixedCode == Cli.Ok, fixedError);
            Assert.Contains("0 RES findings", table, StringComparison.Ordinal);
            Assert.DoesNotContain("takes the control plane down", table, StringComparison.Ordinal);
        }

        /// <summary>
        /// The sample's calls, made by the real KubernetesClient against the loopback API server seeded like the model's
        /// cluster (6 nodes × 4 pods, 2 services per node), two rounds from each of 6 copies: the server's accounting and the
        /// forecast's run of the same 40 s agree within the 10% docs/testing-server.md states for the cost model.
        /// </summary>
        [Fact]
        public async Task The_forecast_agrees_with_the_loopback_servers_request_accounting_at_a_small_size()
        {
            const int Nodes = 6, PodsPerNode = 4, Rounds = 2;
            var findings = SarifFindings.Load(builds.Broken);
            var settings = new ForecastSettings { Nodes = { Nodes }, DurationSeconds = 40, RolloutSeconds = 0 };
            settings.Cluster.PodsPerNode = PodsPerNode;
            var forecast = Forecaster.Run(builds.Broken, findings, settings).Clusters[0].AsBuilt.Result!.Summary;

            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(Nodes, PodsPerNode);
            long services = new ClusterShape(Nodes, PodsPerNode).ObjectsStored(ResourceKind.Service);
            for (int i = 0; i < services; i++)
            {
                server.Upsert(new V1Service { Metadata = new V1ObjectMeta { Name = "svc-" + i, NamespaceProperty = "ns-" + (i % 3) }, Spec = new V1ServiceSpec { ClusterIP = "10.0.0." + (i + 1) } });
            }

            using var client = server.CreateClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            int before = server.Requests.Count;
            for (int copy = 0; copy < Nodes; copy++)
            {
                for (int round = 0; round < Rounds; round++)
                {
                    await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: timeout.Token);
                    await client.CoreV1.ListNodeAsync(cancellationToken: timeout.Token);
                }

                // The watch replays every service as ADDED; the model counts that replay, not the wait for changes.
                using var watch = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                int events = 0;
                await foreach (var _ in client.CoreV1.WatchListServiceForAllNamespacesAsync(cancellationToken: watch.Token))
                {
                    if (++events == services) break;
                }
            }

            await WaitUntilAsync(() => server.Accounting(before).Requests.Count == Nodes * ((2 * Rounds) + 1), timeout.Token);
            var accounting = server.Accounting(before);
            output.WriteLine("forecast: " + forecast.TotalRequests + " requests, " + forecast.TotalObjectsProcessed + " objects processed; loopback server: " + accounting.Requests.Count + " requests, " + accounting.ObjectsProcessed + " objects processed");
            Assert.Equal(Nodes * ((2 * Rounds) + 1), forecast.TotalRequests);
            AssertWithinTenPercent(accounting.Requests.Count, forecast.TotalRequests, "requests\n" + accounting);
            AssertWithinTenPercent(accounting.ObjectsProcessed, forecast.TotalObjectsProcessed, "objects processed\n" + accounting);
        }

        private static async Task WaitUntilAsync(Func<bool> done, CancellationToken cancellationToken)
        {
            while (!done()) await Task.Delay(20, cancellationToken);
        }

        private static void AssertWithinTenPercent(double measured, double forecast, string what)
            => Assert.True(Math.Abs(forecast - measured) <= 0.1 * measured, what + ": forecast " + forecast + ", loopback server " + measured);

        private static void AssertSameRun(SimulationResult expected, SimulationResult actual)
        {
            var e = expected.Summary;
            var a = actual.Summary;
            Assert.Equal(e.SaturatedAtSeconds, a.SaturatedAtSeconds);
            Assert.Equal(e.ControlPlaneLostAtSeconds, a.ControlPlaneLostAtSeconds);
            Assert.Equal(e.FirstDnsFailureAtSeconds, a.FirstDnsFailureAtSeconds);
            Assert.Equal(e.TotalRequests, a.TotalRequests);
            Assert.Equal(e.TotalRejected, a.TotalRejected);
            Assert.Equal(e.TotalFailed, a.TotalFailed);
            Assert.Equal(e.TotalObjectsProcessed, a.TotalObjectsProcessed);
            Assert.Equal(e.PeakCpuDemandCores, a.PeakCpuDemandCores);
            Assert.Equal(e.PeakMemoryPerApiServerBytes, a.PeakMemoryPerApiServerBytes);
            Assert.Equal(expected.Rows.Select(r => (r.RequestsPerSecond, r.SeatsInUse, r.CpuDemandCores, r.DnsFailureFraction)), actual.Rows.Select(r => (r.RequestsPerSecond, r.SeatsInUse, r.CpuDemandCores, r.DnsFailureFraction)));
        }
    }
}
