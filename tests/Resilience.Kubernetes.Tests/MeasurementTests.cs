using System.Linq;
using System.Threading.Tasks;
using Resilience.Kubernetes.Tests.Measurement;
using Xunit;
using Xunit.Abstractions;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>A scaled-down run of <c>dotnet run -c Release --project tests/Resilience.Kubernetes.Measure</c>.</summary>
    public class MeasurementTests
    {
        private readonly ITestOutputHelper output;

        public MeasurementTests(ITestOutputHelper output) => this.output = output;

        [Fact]
        public async Task NodeScopedInformersCostOrdersOfMagnitudeLessThanClusterWidePolling()
        {
            var scenario = new FleetScenario(Agents: 20, PodsPerNode: 30, PollRounds: 2, PollIntervalSeconds: 30, ChurnPerMinute: 60);
            var results = await FleetMeasurement.RunAsync(scenario, ct: TestKit.Timeout(60));
            output.WriteLine(FleetMeasurement.Table(scenario, results));
            var polling = results[0];
            var selected = results[1];
            var informers = results[2];

            Assert.Equal(40, polling.RequestsPerMinute);                        // 20 agents × 2 polls per minute
            Assert.Equal(40 * 600, polling.ObjectsProcessedPerMinute);          // every stored pod, each time
            Assert.Equal(polling.ObjectsProcessedPerMinute, selected.ObjectsProcessedPerMinute); // etcd: stored, not returned
            Assert.Equal(40 * 30, selected.ObjectsReturnedPerMinute);
            Assert.Equal(0, informers.RequestsPerMinute);                       // steady state: no new requests within the watch timeout
            Assert.Equal(60, informers.ObjectsProcessedPerMinute);              // each change goes to one node's watch only
            Assert.Equal(20 * 30, informers.StartupObjectsProcessed);           // one RV=0 list per node via the spec.nodeName index
            Assert.True(polling.ObjectsProcessedPerMinute >= 100 * informers.ObjectsProcessedPerMinute);
            Assert.True(polling.BytesPerMinute >= 100 * informers.BytesPerMinute);
            Assert.True(selected.ObjectsProcessedPerMinute >= 100 * informers.ObjectsProcessedPerMinute);
            Assert.True(polling.ObjectsProcessedPerMinute >= 10 * informers.StartupObjectsProcessed, "even the informers' one-time startup is cheaper than a minute of polling");
        }

        [Fact]
        public async Task AWatchThatDoesNotResumeReplaysItsPodsAtEveryRestartAndTheFixSendsNothing()
        {
            const int agents = 20, pods = 30, restarts = 3;
            var results = await WatchRestartMeasurement.RunAsync(agents, pods, restarts, ct: TestKit.Timeout(90));
            output.WriteLine(WatchRestartMeasurement.Table(results));
            var plain = results[0];
            var resuming = results[1];

            Assert.Equal(agents * restarts, plain.Requests);                   // one new watch per agent per restart
            Assert.Equal(agents * pods * restarts, plain.EventsSent);          // each replays the agent's 30 pods as ADDED
            Assert.Equal(agents * pods * restarts, plain.EventsSeenByAgents);
            Assert.Equal(agents * restarts, resuming.Requests);                // the same number of watches …
            Assert.Equal(0, resuming.Lists);                                   // … resumed: no relist
            Assert.Equal(0, resuming.EventsSent);                              // … and nothing resent
            Assert.Equal(0, resuming.EventsSeenByAgents);
            Assert.True(plain.Bytes >= 10 * resuming.Bytes, $"bytes: {plain.Bytes} vs {resuming.Bytes}");
        }
    }
}
