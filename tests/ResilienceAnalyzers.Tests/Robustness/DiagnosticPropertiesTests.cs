using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace ResilienceAnalyzers.Tests.Robustness
{
    /// <summary>The numbers behind each Kubernetes message travel as diagnostic properties (SARIF <c>properties</c>) for tools.</summary>
    public class DiagnosticPropertiesTests
    {
        [Fact]
        public async Task Cost_numbers_are_properties_of_the_diagnostics()
        {
            var project = CorpusWorkspace.CreateProject(CorpusWorkspace.Files("Flagged").Select(f => (Path.GetFileName(f), File.ReadAllText(f))));
            var (diagnostics, _) = await CorpusWorkspace.AnalyzeAsync((await project.GetCompilationAsync())!);

            // PerNodeAgent.PollAsync lists every pod every 30 s from a DaemonSet on 5,000 nodes × 30 pods.
            var clusterWide = diagnostics.First(d => d.Id == "RES1002" && d.GetMessage().Contains("every pod"));
            Assert.Equal("EveryNode", clusterWide.Properties["FanOut"]);
            Assert.Equal("5000", clusterWide.Properties["Copies"]);
            Assert.Equal("150000", clusterWide.Properties["ObjectsProcessedPerCall"]);
            Assert.Equal("Etcd", clusterWide.Properties["ServedFrom"]);
            Assert.Equal("Pod", clusterWide.Properties["Kind"]);

            var byName = diagnostics.First(d => d.Id == "RES1002" && d.GetMessage().Contains("it looks for by name"));
            Assert.Equal("ByName", byName.Properties["Kind"]);

            var polling = diagnostics.First(d => d.Id == "RES1003" && d.GetMessage().Contains("every 30 s"));
            Assert.Equal("10000", polling.Properties["RequestsPerMinute"]);
            Assert.Equal((10_000L * 150_000).ToString(), polling.Properties["ObjectsProcessedPerMinute"]);
        }
    }
}
