using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using Resilience.CostModel.Simulation;
using Xunit;

namespace Resilience.Simulator.Tests
{
    internal static class Run
    {
        public static (int Code, string Out, string Err) Cli(params string[] args)
        {
            var o = new StringWriter();
            var e = new StringWriter();
            int code = Resilience.Simulator.Cli.Run(args, o, e);
            return (code, o.ToString(), e.ToString());
        }

        public static string RepositoryRoot => typeof(Run).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

        public static string TempFile(string name, string content)
        {
            string dir = Path.Combine(Path.GetTempPath(), "resilience-sim-tests-" + Environment.ProcessId);
            Directory.CreateDirectory(dir);
            string path = Path.Combine(dir, name);
            File.WriteAllText(path, content);
            return path;
        }
    }

    public class CliTests
    {
        [Fact]
        public void IncidentTimelineTable()
        {
            var (code, output, _) = Run.Cli("incident", "--duration", "600", "--quiet");
            Assert.Equal(0, code);
            Assert.Contains("== incident", output, StringComparison.Ordinal);
            Assert.Contains("control plane lost at", output, StringComparison.Ordinal);
            Assert.Contains("OOM", output, StringComparison.Ordinal);
            Assert.Equal(10, output.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s*\d+:\d\d[* ]\s")));
        }

        [Fact]
        public void RunCommandJsonFormatParses()
        {
            var (code, output, _) = Run.Cli("run", "incident-fixed-informer", "--format", "json", "--duration", "300", "--nodes", "500", "--quiet");
            Assert.Equal(0, code);
            using var doc = JsonDocument.Parse(output);
            var run = doc.RootElement.GetProperty("runs")[0];
            Assert.Equal(500, run.GetProperty("nodes").GetInt32());
            Assert.Equal(5, run.GetProperty("timeline").GetArrayLength());
            Assert.True(run.GetProperty("summary").GetProperty("healthy").GetBoolean());
        }

        [Fact]
        public void StagingVsProductionPrintsBothRuns()
        {
            var (code, output, _) = Run.Cli("staging-vs-production", "--duration", "300", "--quiet");
            Assert.Equal(0, code);
            Assert.Contains("staging (50 nodes)", output, StringComparison.Ordinal);
            Assert.Contains("production (5,000 nodes)", output, StringComparison.Ordinal);
            Assert.Contains("never saturated", output, StringComparison.Ordinal);
        }

        [Fact]
        public void ProgressGoesToStderrForLongRuns()
        {
            var (code, output, err) = Run.Cli("incident", "--duration", "900", "--format", "json");
            Assert.Equal(0, code);
            Assert.Contains("[incident] 50%", err, StringComparison.Ordinal);
            Assert.DoesNotContain("%\n[", output, StringComparison.Ordinal);
            using var _ = JsonDocument.Parse(output);
        }

        [Fact]
        public void SvgIsWellFormedXml()
        {
            string path = Path.Combine(Path.GetTempPath(), "resilience-sim-" + Guid.NewGuid().ToString("N") + ".svg");
            try
            {
                var (code, _, _) = Run.Cli("staging-vs-production", "--duration", "300", "--svg", path, "--quiet");
                Assert.Equal(0, code);
                var doc = XDocument.Load(path);
                XNamespace svg = "http://www.w3.org/2000/svg";
                Assert.Equal(svg + "svg", doc.Root!.Name);
                Assert.Equal(2 * 7, doc.Descendants(svg + "polyline").Count());
                Assert.Contains(doc.Descendants(svg + "text"), t => t.Value.Contains("control plane lost", StringComparison.Ordinal));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void ListAndExport()
        {
            var (code, output, _) = Run.Cli("list");
            Assert.Equal(0, code);
            foreach (var name in BuiltInScenarios.Names) Assert.Contains(name, output, StringComparison.Ordinal);
            (code, output, _) = Run.Cli("export", "incident");
            Assert.Equal(0, code);
            Assert.Equal("incident", ScenarioJson.Parse(output).Name);
        }

        [Fact]
        public void FactorsTable()
        {
            var (code, output, _) = Run.Cli("factors", "--nodes", "200", "--quiet");
            Assert.Equal(0, code);
            Assert.Contains("serve-stale", output, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(2, "usage", new string[0])]
        [InlineData(2, "unknown option '--colour'", new[] { "incident", "--colour", "red" })]
        [InlineData(2, "--format: unknown format 'xml'; accepted: table, json.", new[] { "incident", "--format", "xml" })]
        [InlineData(2, "--nodes: expected a whole number", new[] { "incident", "--nodes", "lots" })]
        [InlineData(2, "--seed needs a value.", new[] { "incident", "--seed" })]
        [InlineData(2, "'run' needs a scenario name", new[] { "run" })]
        [InlineData(2, "unexpected argument 'extra'", new[] { "incident", "extra" })]
        [InlineData(3, "unknown scenario 'incidnet'; accepted: incident, incident-fixed-node-scoped", new[] { "incidnet" })]
        [InlineData(3, "unknown scenario 'incident-fixed-prayer'", new[] { "export", "incident-fixed-prayer" })]
        [InlineData(3, "no such scenario file", new[] { "does-not-exist.json" })]
        public void BadArgumentsExplainAndFail(int expected, string message, string[] args)
        {
            var (code, output, err) = Run.Cli(args);
            Assert.Equal(expected, code);
            Assert.Contains(message, err, StringComparison.Ordinal);
            Assert.Equal("", output);
        }

        [Fact]
        public void HelpSucceeds()
        {
            var (code, output, _) = Run.Cli("--help");
            Assert.Equal(0, code);
            Assert.Contains("resilience-sim run", output, StringComparison.Ordinal);
        }
    }

    public class ScenarioFileTests
    {
        [Fact]
        public void EveryNamedScenarioRoundTrips()
        {
            foreach (var name in BuiltInScenarios.Names)
            {
                var scenario = BuiltInScenarios.Find(name)!;
                string json = ScenarioJson.Write(scenario);
                var parsed = ScenarioJson.Parse(json, name + ".json");
                Assert.Equal(json, ScenarioJson.Write(parsed));

                // And it simulates identically.
                var a = scenario.Runs[0].Clone();
                var b = parsed.Runs[0].Clone();
                a.DurationSeconds = b.DurationSeconds = 240;
                Assert.Equal(JsonFor(a), JsonFor(b));
            }
        }

        [Fact]
        public void SampleScenarioFilesLoadAndRun()
        {
            var files = Directory.GetFiles(Path.Combine(Run.RepositoryRoot, "samples", "scenarios"), "*.json");
            Assert.NotEmpty(files);
            foreach (var file in files)
            {
                var scenario = ScenarioJson.Load(file);
                Assert.NotEmpty(scenario.Runs);
                var (code, _, err) = Run.Cli(file, "--duration", "120", "--quiet");
                Assert.True(code == 0, file + ": " + err);
            }
        }

        [Fact]
        public void AMinimalFileUsesDocumentedDefaults()
        {
            var s = ScenarioJson.Parse("{ \"name\": \"mine\", \"cluster\": { \"nodes\": 200 }, \"workloads\": [ { \"access\": \"informer\", \"nodeScoped\": true } ] }");
            var run = Assert.Single(s.Runs);
            Assert.Equal(200, run.Cluster.Nodes);
            Assert.Equal(30, run.Cluster.PodsPerNode);
            Assert.Equal(AccessPattern.Informer, run.Workloads[0].Access);
            Assert.Equal(WorkloadKind.DaemonSet, run.Workloads[0].Kind);
            Assert.Equal(2, run.Dns.Layers.Count);
        }

        [Fact]
        public void RunsOverrideTheBase()
        {
            var s = ScenarioJson.Parse("{ \"name\": \"cmp\", \"workloads\": [ { \"access\": \"rv0-list\", \"pollSeconds\": 30 } ], \"runs\": [ { \"label\": \"small\", \"cluster\": { \"nodes\": 10 } }, { \"cluster\": { \"nodes\": 1000 } } ] }");
            Assert.Equal(new[] { 10, 1000 }, s.Runs.Select(r => r.Cluster.Nodes));
            Assert.Equal("small", s.Runs[0].Label);
            Assert.Equal("cmp #2", s.Runs[1].Label);
            Assert.All(s.Runs, r => Assert.Equal(AccessPattern.CachedList, r.Workloads[0].Access));
        }

        [Theory]
        [InlineData("{ \"workloads\": [ { \"access\": \"list-everything\" } ] }", "workloads[0].access: unknown access pattern 'list-everything'; accepted: unbounded-list, paginated-list, cached-list, node-scoped-list, informer, watch-without-resume")]
        [InlineData("{ \"workloads\": [ { \"kind\": \"CronJob\" } ] }", "workloads[0].kind: unknown workload kind 'CronJob'; accepted: DaemonSet, Deployment, StatefulSet")]
        [InlineData("{ \"workloads\": [ { \"retry\": { \"policy\": \"pray\" } } ] }", "workloads[0].retry.policy: unknown retry policy 'pray'; accepted: none, immediate, exponential-jitter")]
        [InlineData("{ \"workloads\": [ { \"resource\": \"widget\" } ] }", "workloads[0].resource: unknown resource 'widget'")]
        [InlineData("{ \"cluster\": { \"nodes\": \"many\" }, \"workloads\": [ {} ] }", "cluster.nodes: expected a whole number, got the string \"many\"")]
        [InlineData("{ \"cluster\": { \"node\": 5 }, \"workloads\": [ {} ] }", "cluster.node: unknown field; accepted here: nodes, podsPerNode")]
        [InlineData("{ \"cluster\": { \"nodes\": 0 }, \"workloads\": [ {} ] }", "cluster.nodes: must be at least 1")]
        [InlineData("{ \"workloads\": [] }", "workloads: at least one workload is needed")]
        [InlineData("{ \"dns\": { \"backend\": \"magic\" }, \"workloads\": [ {} ] }", "dns.backend: unknown DNS backend behaviour 'magic'; accepted: keeps-answering, fails")]
        [InlineData("{ \"runs\": [ { \"cluster\": { \"nodes\": -3 } } ], \"workloads\": [ {} ] }", "runs[0].cluster.nodes: must be at least 1")]
        [InlineData("[1, 2]", "(root): expected an object, got an array")]
        [InlineData("{ \"workloads\": [ {} ], }x", "malformed JSON at line 1")]
        [InlineData("{ \"workloads\": [ { \"pollSeconds\": 30 ] }", "malformed JSON at line 1")]
        public void BadFilesNameTheFieldAndWhatIsAccepted(string json, string message)
        {
            var ex = Assert.Throws<ScenarioFormatException>(() => ScenarioJson.Parse(json, "mine.json"));
            Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void BadFileOnTheCommandLineExitsThree()
        {
            string path = Run.TempFile("bad.json", "{ \"workloads\": [ { \"access\": \"poll-forever\" } ] }");
            var (code, output, err) = Run.Cli("run", path);
            Assert.Equal(3, code);
            Assert.Equal("", output);
            Assert.Contains("workloads[0].access: unknown access pattern 'poll-forever'", err, StringComparison.Ordinal);
        }

        private static string JsonFor(SimulationInput run)
        {
            var result = TimeSteppedSimulation.Run(run);
            return JsonOutput.Write(new Scenario { Name = "x", Runs = { run } }, new[] { result });
        }
    }
}
