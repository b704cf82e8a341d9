using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace ResilienceAnalyzers.EndToEnd.Tests
{
    /// <summary>A project restores the package from a folder feed and builds: the diagnostics are in its output and its SARIF log.</summary>
    [Collection(PackageCollection.Name)]
    public sealed class ConsumerBuildTests(PackedPackage package)
    {
        [Fact]
        public void Building_the_sample_agent_reports_the_rules_at_the_offending_lines_and_in_SARIF()
        {
            string project = package.Consumer("NodeTelemetryAgent", "build");
            string sarif = Path.Combine(package.Root, "build.sarif");
            string output = Dotnet.RunOk(project, "build", "-nologo", "-p:ErrorLog=" + sarif + "%2Cversion=2.1");
            var warnings = Dotnet.Warnings(output);

            string[] source = File.ReadAllLines(Path.Combine(project, "TelemetryAgent.cs"));
            int Line(string text) => Array.FindIndex(source, l => l.Contains(text, StringComparison.Ordinal)) + 1;
            int podList = Line("ListPodForAllNamespacesAsync(");
            int nodeList = Line("ListNodeAsync(");
            int dns = Line("Dns.GetHostAddressesAsync(");
            int retry = Line("ReadNodeAsync(");
            int watch = Line("WatchListServiceForAllNamespacesAsync(");

            Assert.Contains(warnings, w => w.Id == "RES1002" && w.Line == podList && w.Message.Contains("5,000 copies") && w.Message.Contains("150,000 pods"));
            Assert.Contains(warnings, w => w.Id == "RES1002" && w.Line == nodeList);
            Assert.Contains(warnings, w => w.Id == "RES1001" && w.Line == podList);
            Assert.Contains(warnings, w => w.Id == "RES1003" && w.Line == podList && w.Message.Contains("every 30 s"));
            Assert.Contains(warnings, w => w.Id == "RES2001" && w.Line == dns && w.Message.Contains("on every connection"));
            Assert.Contains(warnings, w => w.Id == "RES1004" && w.Line == watch && w.Message.Contains("restarted by a while loop"));
            Assert.Contains(warnings, w => w.Id == "RES1005" && w.Line == retry && w.Message.Contains("5,000 copies retry in lockstep, 1,000 requests/s"));
            Assert.DoesNotContain(warnings, w => w.Id == "RES0001");
            Assert.DoesNotContain("AD0001", output);

            using var log = JsonDocument.Parse(File.ReadAllText(sarif));
            var results = log.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
                .Select(r => (Id: r.GetProperty("ruleId").GetString(), Line: r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32()))
                .ToList();
            Assert.Contains(("RES1002", podList), results);
            Assert.Contains(("RES1003", podList), results);
            Assert.Contains(("RES2001", dns), results);

            // The numbers behind the message travel with it, for tools.
            var clusterWide = log.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
                .First(r => r.GetProperty("ruleId").GetString() == "RES1002"
                    && r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32() == podList);
            var properties = clusterWide.GetProperty("properties").GetProperty("customProperties");
            Assert.Equal("5000", properties.GetProperty("Copies").GetString());
            Assert.Equal("150000", properties.GetProperty("ObjectsProcessedPerCall").GetString());
            Assert.Equal("Etcd", properties.GetProperty("ServedFrom").GetString());
        }

        [Fact]
        public void The_fixed_twin_builds_without_a_single_RES_diagnostic_at_5000_nodes()
        {
            string project = package.Consumer("NodeTelemetryAgent.Fixed", "fixed");
            string output = Dotnet.RunOk(project, "build", "-nologo");
            Assert.Empty(Dotnet.Warnings(output));
            Assert.DoesNotContain("AD0001", output);
            Assert.Contains("Build succeeded", output);
        }

        [Fact]
        public void An_invalid_cluster_size_is_reported_clearly_and_the_build_still_succeeds()
        {
            string project = package.Consumer("NodeTelemetryAgent", "invalid");
            string output = Dotnet.RunOk(project, "build", "-nologo", "-p:ResilienceClusterNodes=lots");
            Assert.Contains("warning RES0001: ResilienceAnalyzers: <ResilienceClusterNodes> = 'lots' is not valid; expected a whole number from 1 to 100,000", output);
            // The default size (1,000 nodes) prices the code instead.
            Assert.Contains(Dotnet.Warnings(output), w => w.Id == "RES1002" && w.Message.Contains("1,000 copies"));
        }
    
        [Fact]
        public void With_ResilienceReadManifests_the_DaemonSet_in_deploy_sets_the_fan_out_and_a_bad_manifest_is_named()
        {
            // The sample without its <ResilienceWorkload>: only the manifest says it runs on every node.
            string project = package.Consumer("NodeTelemetryAgent", "manifests");
            string repository = Path.GetDirectoryName(project)!;
            Directory.CreateDirectory(Path.Combine(repository, ".git"));
            Directory.CreateDirectory(Path.Combine(project, "deploy"));
            File.WriteAllText(Path.Combine(project, "deploy", "daemonset.yaml"), """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata:
                  name: node-telemetry-agent
                spec:
                  template:
                    spec:
                      containers:
                      - name: agent
                        image: ghcr.io/example/node-telemetry-agent:1.0
                """);
            // At the repository's root (found by its .git folder): read too, and reported on its line when unreadable.
            Directory.CreateDirectory(Path.Combine(repository, "k8s"));
            File.WriteAllText(Path.Combine(repository, "k8s", "broken.yaml"), "kind: Deployment\nmetadata:\n\tname: x\n");

            string output = Dotnet.RunOk(project, "build", "-nologo", "-p:ResilienceWorkload=", "-p:ResilienceReadManifests=true");
            var warnings = Dotnet.Warnings(output);
            Assert.Contains(warnings, w => w.Id == "RES1002" && w.Message.Contains("runs on every node (5,000 copies; DaemonSet node-telemetry-agent in deploy/daemonset.yaml:2)", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.Id == "RES0001" && w.File.EndsWith("broken.yaml", StringComparison.Ordinal) && w.Line == 3
                && w.Message.Contains("cannot read the manifest ../k8s/broken.yaml:3: a tab in the indentation", StringComparison.Ordinal));
            Assert.DoesNotContain("AD0001", output);

            // Without the opt-in nothing is read and nothing says who runs the code.
            string plain = Dotnet.RunOk(project, "build", "-nologo", "--no-incremental", "-p:ResilienceWorkload=");
            Assert.DoesNotContain(Dotnet.Warnings(plain), w => w.Message.Contains("deploy/daemonset.yaml", StringComparison.Ordinal) || w.Id == "RES0001");
        }
    }
}
