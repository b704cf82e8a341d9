using System;
using Xunit;

namespace Resilience.Simulator.Tests
{
    /// <summary>What <c>forecast</c> says about logs and options it cannot use: one line, a distinct exit code, no stack trace.</summary>
    public class ForecastInputTests
    {
        /// <summary>The request properties RES1003 writes for a cluster-wide pod list every 30 s from a DaemonSet (DiagnosticPropertiesTests).</summary>
        private const string PollingProperties = "\"Verb\": \"List\", \"Resource\": \"Pod\", \"Scope\": \"AllNamespaces\", \"NodeScoped\": \"false\", \"NameScoped\": \"false\", "
            + "\"ResourceVersionZero\": \"false\", \"FanOut\": \"EveryNode\", \"Copies\": \"5000\", \"ClusterNodes\": \"5000\", \"PodsPerNode\": \"30\", \"PeriodSeconds\": \"30\", \"Repeats\": \"Period\"";

        /// <summary>A SARIF 2.1 log shaped like the compiler's, with one result.</summary>
        private static string Sarif(string rule, string properties, string version = "2.1.0", string rules = "{\"id\": \"RES1003\"}")
            => "{\"$schema\": \"http://json.schemastore.org/sarif-2.1.0\", \"version\": \"" + version + "\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"csc\", \"rules\": [" + rules + "]}}, "
               + "\"results\": [" + (rule.Length == 0 ? "" : "{\"ruleId\": \"" + rule + "\", \"level\": \"warning\", \"message\": {\"text\": \"ListPodForAllNamespacesAsync lists pods\"}, "
               + "\"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"file:///src/Agent.cs\"}, \"region\": {\"startLine\": 12, \"startColumn\": 5}}}], "
               + "\"properties\": {\"warningLevel\": 1, \"customProperties\": {" + properties + "}}}") + "]}]}";

        private static void AssertOneLine(int expectedCode, string expectedText, (int Code, string Out, string Err) run)
        {
            Assert.Equal(expectedCode, run.Code);
            Assert.Contains(expectedText, run.Err, StringComparison.Ordinal);
            Assert.StartsWith("error: ", run.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Err, StringComparison.Ordinal);
        }

        [Fact]
        public void A_hand_written_log_with_one_finding_forecasts()
        {
            var (code, output, error) = Run.Cli("forecast", Run.TempFile("one.sarif", Sarif("RES1003", PollingProperties)), "--nodes", "100", "--quiet");
            Assert.True(code == Cli.Ok, error);
            Assert.Contains("DaemonSet, unbounded-list of pods (all-namespaces), every 30 s", output, StringComparison.Ordinal);
            Assert.Contains("== 100 nodes × 30 pods: the build as it is holds ==", output, StringComparison.Ordinal);
        }

        [Fact]
        public void A_kind_with_no_published_count_is_forecast_with_a_note_that_its_count_is_a_placeholder()
        {
            // What RES1003 writes for a cluster-wide secret list every 30 s (UnknownCountMessageTests): no counts, CountKnown false.
            string properties = PollingProperties.Replace("\"Resource\": \"Pod\"", "\"Resource\": \"Secret\"") + ", \"CountKnown\": \"false\"";
            var (code, output, error) = Run.Cli("forecast", Run.TempFile("secrets.sarif", Sarif("RES1003", properties)), "--nodes", "100", "--quiet");
            Assert.True(code == Cli.Ok, error);
            Assert.Contains("Agent.cs:12:5: no published count for Secret objects; priced at the model's placeholder of one per node, not a figure", output, StringComparison.Ordinal);

            // Named in one namespace: one key read, priced without the placeholder (docs/cost-model.md), so no note.
            string named = properties.Replace("\"Scope\": \"AllNamespaces\"", "\"Scope\": \"Namespace\"").Replace("\"NameScoped\": \"false\"", "\"NameScoped\": \"true\"") + ", \"OneKey\": \"true\"";
            (code, output, error) = Run.Cli("forecast", Run.TempFile("secret.sarif", Sarif("RES1003", named)), "--nodes", "100", "--quiet");
            Assert.True(code == Cli.Ok, error);
            Assert.DoesNotContain("no published count", output, StringComparison.Ordinal);
            // Its RES1003 variant is the GET (priced as the one-key list it is), not an informer.
            Assert.Contains("RES1003 by-name", output, StringComparison.Ordinal);
            Assert.DoesNotContain("RES1003 informer", output, StringComparison.Ordinal);

            // A known count has no such note.
            (code, output, error) = Run.Cli("forecast", Run.TempFile("pods.sarif", Sarif("RES1003", PollingProperties + ", \"CountKnown\": \"true\"")), "--nodes", "100", "--quiet");
            Assert.True(code == Cli.Ok, error);
            Assert.DoesNotContain("no published count", output, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("not JSON", "this is a build log, not SARIF", "not a SARIF log (not JSON)")]
        [InlineData("no runs", "{\"version\": \"2.1.0\"}", "not a SARIF log (no \"runs\")")]
        [InlineData("SARIF 1.0", "{\"version\": \"1.0.0\", \"runs\": []}", "SARIF version '1.0.0', expected 2.1.0")]
        public void Logs_that_are_not_SARIF_21_exit_4(string _, string content, string message)
            => AssertOneLine(Cli.BadLog, message, Run.Cli("forecast", Run.TempFile("bad.sarif", content), "--quiet"));

        [Fact]
        public void A_build_without_the_analyzers_exits_4()
            => AssertOneLine(Cli.BadLog, "no RES rules or results in the log", Run.Cli("forecast", Run.TempFile("ca.sarif", Sarif("", "", rules: "{\"id\": \"CA1000\"}")), "--quiet"));

        [Theory]
        [InlineData("\"Flavour\": \"mild\", " + PollingProperties, "unknown property 'Flavour'")]
        [InlineData("\"Verb\": \"List\", \"Resource\": \"Widget\", \"Scope\": \"AllNamespaces\", \"NodeScoped\": \"false\", \"NameScoped\": \"false\", \"ResourceVersionZero\": \"false\", \"FanOut\": \"EveryNode\", \"Copies\": \"5000\", \"PeriodSeconds\": \"30\", \"Repeats\": \"Period\"", "property 'Resource' is 'Widget'; accepted: Other, Pod, Node")]
        [InlineData("\"Verb\": \"List\", \"Resource\": \"Pod\", \"Scope\": \"AllNamespaces\", \"NodeScoped\": \"false\", \"NameScoped\": \"false\", \"ResourceVersionZero\": \"false\", \"FanOut\": \"EveryNode\", \"Copies\": \"5000\", \"PeriodSeconds\": \"soon\", \"Repeats\": \"Period\"", "property 'PeriodSeconds' is 'soon'")]
        [InlineData("\"FanOut\": \"EveryNode\", \"Copies\": \"5000\", \"ObjectsProcessedPerCall\": \"150000\"", "no 'Verb' property: the log comes from a ResilienceAnalyzers older than this forecast")]
        [InlineData("\"Verb\": \"List\", \"Resource\": \"Pod\", \"Scope\": \"AllNamespaces\", \"NodeScoped\": \"false\", \"NameScoped\": \"false\", \"ResourceVersionZero\": \"false\", \"FanOut\": \"EveryNode\", \"Copies\": \"5000\", \"ClusterNodes\": \"0\", \"PeriodSeconds\": \"30\", \"Repeats\": \"Period\"", "property 'ClusterNodes' is '0'; expected a number from 1")]
        [InlineData(PollingProperties + ", \"CountKnown\": \"maybe\"", "property 'CountKnown' is 'maybe'; accepted: true, false")]
        public void Findings_the_forecast_cannot_read_exit_4(string properties, string message)
            => AssertOneLine(Cli.BadLog, message, Run.Cli("forecast", Run.TempFile("props.sarif", Sarif("RES1003", properties)), "--quiet"));

        [Fact]
        public void An_unknown_rule_and_a_missing_file_exit_4()
        {
            AssertOneLine(Cli.BadLog, "RES9999 at Agent.cs:12: unknown rule", Run.Cli("forecast", Run.TempFile("rule.sarif", Sarif("RES9999", PollingProperties)), "--quiet"));
            AssertOneLine(Cli.BadLog, "no such file", Run.Cli("forecast", "/nonexistent/build.sarif", "--quiet"));
        }

        [Theory]
        [InlineData("--nodes 0", "--nodes: expected a whole number from 1 to 1,000,000, got '0'")]
        [InlineData("--nodes 200,lots", "got 'lots'")]
        [InlineData("--pods-per-node -1", "--pods-per-node: expected a whole number from 0")]
        [InlineData("--memory-gb nan", "--memory-gb: expected a number")]
        [InlineData("--fail-on latency", "--fail-on: unknown condition 'latency'; accepted: saturation")]
        [InlineData("--dns-backend magic", "--dns-backend: unknown backend 'magic'")]
        [InlineData("--priority-level-seats 900", "cluster.agentPriorityLevelSeats: must be between 1 and maxRequestsInflight + maxMutatingRequestsInflight")]
        [InlineData("--format yaml", "--format: unknown format 'yaml'")]
        public void Bad_options_exit_2(string options, string message)
        {
            var args = new System.Collections.Generic.List<string> { "forecast", Run.TempFile("options.sarif", Sarif("RES1003", PollingProperties)), "--quiet" };
            args.AddRange(options.Split(' '));
            AssertOneLine(Cli.Usage, message, Run.Cli(args.ToArray()));
        }
    }
}
