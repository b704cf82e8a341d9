using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ResilienceAnalyzers.Tests.Robustness
{
    /// <summary>
    /// Issue 12: every fixer names the runtime's types (and the framework types it writes) by their symbol, so the fixed
    /// code binds to the right type in the files real projects have: a <c>using</c> alias of the runtime's namespace, a user
    /// type of the same simple name in the file's own namespace or imported by a <c>using</c> the file relies on, a
    /// top-level program, a file-scoped namespace; and a fix's new local clashes with no local of a nested block (CS0136).
    /// Each case is analyzed with every rule, the fixer's first action is applied, and the result must compile with no
    /// error it did not have, and lose a diagnostic of the rule it fixed.
    /// </summary>
    public class FixNameTests
    {
        private const string Usings = """
            using System;
            using System.Linq;
            using System.Net;
            using System.Net.Http;
            using System.Net.Sockets;
            using System.Threading;
            using System.Threading.Tasks;
            using k8s;
            using k8s.Models;

            """;

        /// <summary>Types named like the runtime's (and the framework's the fixes write): in scope, they win over a <c>using</c>.</summary>
        private const string SameNames = """
            internal sealed class Informers { }
            internal sealed class Informer<TItem, TList> { }
            internal sealed class ListWatch { }
            internal sealed class ListPager { }
            internal sealed class ExponentialBackoff { }
            internal sealed class Reads { }
            internal sealed class RateLimitingHandler { }
            internal sealed class CachedDns { }
            internal sealed class CachedDnsConnectExtensions { }
            internal sealed class LazyInitializer { }
            internal sealed class SocketsHttpHandler { }
            internal sealed class Environment { }
            internal sealed class InvalidOperationException { }
            """;

        /// <summary>A library whose types the file uses by simple name: a <c>using Resilience.Kubernetes;</c> added beside it would make them ambiguous (CS0104).</summary>
        private const string Library = """
            namespace Lib
            {
                public sealed class Informers { }
                public sealed class Informer<TItem, TList> { }
                public sealed class ListWatch { }
                public sealed class ListPager { }
                public sealed class ExponentialBackoff { }
                public sealed class Reads { }
                public sealed class RateLimitingHandler { }
                public sealed class CachedDns { }
                public sealed class CachedDnsConnectExtensions { }
            }
            """;

        private const string UsesLibrary = """
            internal static class UsesLibrary
            {
                public static readonly Type[] Types =
                {
                    typeof(Informers), typeof(Informer<,>), typeof(ListWatch), typeof(ListPager), typeof(ExponentialBackoff),
                    typeof(Reads), typeof(RateLimitingHandler), typeof(CachedDns), typeof(CachedDnsConnectExtensions),
                };
            }
            """;

        /// <summary>Members named like the runtime's types: a name used as an expression (<c>CachedDns.Resolver</c>) binds to them first.</summary>
        private const string SameNamedMembers = """
            private static readonly int Informers = 0, ListWatch = 0, ListPager = 0, Reads = 0, CachedDns = 0, CachedDnsConnectExtensions = 0, LazyInitializer = 0, Environment = 0, Thread = 0;

            """;

        private sealed record Scenario(string Rule, string Members, string Body, string? TopLevel = null);

        private const string Client = "private readonly IKubernetes client = null!;\n";
        private const string NodeName = "private readonly string nodeName = System.Environment.GetEnvironmentVariable(\"NODE_NAME\") ?? \"\";\n";
        private const string TopLevelClient = "var ct = CancellationToken.None;\nIKubernetes client = null!;\n";

        private static readonly Dictionary<string, Scenario> Scenarios = new()
        {
            ["RES1001 pager"] = new("RES1001", Client, """
                var pods = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct);
                Console.WriteLine(pods.Items.Count);
                """),
            ["RES1002 read by name"] = new("RES1002", Client + NodeName, """
                var maps = await client.CoreV1.ListNamespacedConfigMapAsync("agent", cancellationToken: ct);
                Console.WriteLine(maps.Items.FirstOrDefault(m => m.Metadata.Name == nodeName));
                """,
                TopLevel: TopLevelClient + "string nodeName = System.Environment.GetEnvironmentVariable(\"NODE_NAME\") ?? \"\";\n"),
            ["RES1002 node from the environment"] = new("RES1002", Client, """
                var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: ct);
                Console.WriteLine(nodes.Items.Count);
                """),
            ["RES1003 informer before the loop"] = new("RES1003", Client, """
                while (!ct.IsCancellationRequested)
                {
                    var pods = await client.CoreV1.ListNamespacedPodAsync("apps", cancellationToken: ct);
                    Console.WriteLine(pods.Items.Count);
                    await Task.Delay(30000, ct);
                }
                """),
            ["RES1003 informer in a field"] = new("RES1003", Client + """
                private async Task<int> CountAsync(CancellationToken ct)
                {
                    var pods = await client.CoreV1.ListNamespacedPodAsync("apps", cancellationToken: ct);
                    return pods.Items.Count;
                }

                """, """
                while (!ct.IsCancellationRequested)
                {
                    Console.WriteLine(await CountAsync(ct));
                    await Task.Delay(30000, ct);
                }
                """, TopLevel: null),
            ["RES1004 resumed watch"] = new("RES1004", Client, """
                while (true)
                {
                    await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync("apps", cancellationToken: ct))
                    {
                        Console.WriteLine(type + " " + pod.Metadata.Name);
                    }
                }
                """),
            ["RES1005 backoff"] = new("RES1005", Client, """
                while (true)
                {
                    try
                    {
                        await client.CoreV1.ReadNamespaceAsync("apps", cancellationToken: ct);
                        break;
                    }
                    catch (Exception)
                    {
                        await Task.Delay(2000, ct);
                    }
                }
                """),
            ["RES1006 rate limit"] = new("RES1006", string.Empty, """
                using var created = new Kubernetes(KubernetesClientConfiguration.InClusterConfig());
                Console.WriteLine(await created.CoreV1.ReadNamespaceAsync("apps", cancellationToken: ct));
                """),
            ["RES2001 cached lookup"] = new("RES2001", string.Empty, """
                while (!ct.IsCancellationRequested)
                {
                    var addresses = await Dns.GetHostAddressesAsync("collector.monitoring.svc", ct);
                    Console.WriteLine(addresses.Length);
                    await Task.Delay(30000, ct);
                }
                """),
            ["RES2003 connect to cached addresses"] = new("RES2003", string.Empty, """
                while (!ct.IsCancellationRequested)
                {
                    using var exporter = new TcpClient();
                    await exporter.ConnectAsync("otel-collector.monitoring.svc", 4317, ct);
                    await Task.Delay(30000, ct);
                }
                """),
            ["RES2004 cached handler"] = new("RES2004", string.Empty, """
                while (!ct.IsCancellationRequested)
                {
                    using var http = new HttpClient();
                    Console.WriteLine(await http.GetStringAsync("http://collector.monitoring.svc/healthz", ct));
                    await Task.Delay(30000, ct);
                }
                """),
        };

        public static IEnumerable<object[]> Cases()
            => from scenario in Scenarios
               from shape in new[] { "alias", "same name in the namespace", "same name imported", "member of the same name", "global using", "file-scoped namespace", "top-level program" }
               where shape != "top-level program" || !scenario.Value.Members.Contains("CountAsync", StringComparison.Ordinal)
               select new object[] { scenario.Key, shape };

        [Theory]
        [MemberData(nameof(Cases))]
        public async Task The_fix_binds_to_the_runtime_and_compiles(string scenarioName, string shape)
        {
            var scenario = Scenarios[scenarioName];
            var documents = new List<(string, string)>();
            var outputKind = OutputKind.DynamicallyLinkedLibrary;
            string type = Agent(scenario, string.Empty);
            switch (shape)
            {
                case "alias":
                    documents.Add(("Agent.cs", Usings + "using K = Resilience.Kubernetes;\nusing D = Resilience.Dns;\n\nnamespace App\n{\n" + type + "}\n"));
                    break;
                case "same name in the namespace":
                    documents.Add(("Agent.cs", Usings + "\nnamespace App\n{\n" + SameNames + "\n" + type + "}\n"));
                    break;
                case "same name imported":
                    documents.Add(("Agent.cs", Usings + "using Lib;\n\nnamespace App\n{\n" + UsesLibrary + "\n" + type + "}\n"));
                    documents.Add(("Lib.cs", Library));
                    break;
                case "member of the same name":
                    documents.Add(("Agent.cs", Usings + "\nnamespace App\n{\n" + Agent(scenario, SameNamedMembers) + "}\n"));
                    break;
                case "global using":
                    // The runtime's namespaces imported for the whole project (as SDK implicit usings do): nothing to add.
                    documents.Add(("Agent.cs", Usings + "\nnamespace App\n{\n" + type + "}\n"));
                    documents.Add(("GlobalUsings.cs", "global using Resilience.Kubernetes;\nglobal using Resilience.Dns;\n"));
                    break;
                case "file-scoped namespace":
                    documents.Add(("Agent.cs", Usings + "\nnamespace App;\n\n" + type));
                    break;
                case "top-level program":
                    outputKind = OutputKind.ConsoleApplication;
                    string locals = scenario.TopLevel ?? (scenario.Members.Length == 0 ? "var ct = CancellationToken.None;\n" : TopLevelClient);
                    documents.Add(("Program.cs", Usings + locals + scenario.Body + "\n"));
                    break;
            }

            string text = await AssertFixCompilesAsync(scenario.Rule, documents, outputKind);
            if (shape == "global using")
            {
                Assert.DoesNotContain("using Resilience", text, StringComparison.Ordinal);
            }
        }

        private static string Agent(Scenario scenario, string moreMembers)
            => "internal sealed class Agent\n{\n" + moreMembers + scenario.Members + "public async Task RunAsync(CancellationToken ct)\n{\n" + scenario.Body + "\n}\n}\n";

        /// <summary>A local the fix declares before the loop must not clash with one a nested block of the loop declares (CS0136).</summary>
        [Theory]
        [InlineData("RES1005", """
            while (true)
            {
                try
                {
                    await client.CoreV1.ReadNamespaceAsync("apps", cancellationToken: ct);
                    break;
                }
                catch (Exception)
                {
                    int backoff = 2000;
                    await Task.Delay(backoff, ct);
                }
            }
            """)]
        [InlineData("RES1003", """
            while (!ct.IsCancellationRequested)
            {
                var pods = await client.CoreV1.ListNamespacedPodAsync("apps", cancellationToken: ct);
                foreach (var pod in pods.Items)
                {
                    var podInformer = pod.Metadata.Name;
                    Console.WriteLine(podInformer);
                }

                await Task.Delay(30000, ct);
            }
            """)]
        public async Task A_new_local_clashes_with_no_local_of_a_nested_block(string rule, string body)
        {
            string source = Usings + "\nnamespace App\n{\ninternal sealed class Agent\n{\n" + Client + "public async Task RunAsync(CancellationToken ct)\n{\n" + body + "\n}\n}\n}\n";
            await AssertFixCompilesAsync(rule, new List<(string, string)> { ("Agent.cs", source) }, OutputKind.DynamicallyLinkedLibrary);
        }

        /// <summary>The fixed text of the document the fix changed.</summary>
        private static async Task<string> AssertFixCompilesAsync(string rule, List<(string Name, string Text)> documents, OutputKind outputKind)
        {
            var project = CorpusWorkspace.CreateProject(documents, outputKind);
            var compilation = (await project.GetCompilationAsync())!;
            var errorsBefore = Errors(compilation);
            Assert.True(errorsBefore.Count == 0, "the case compiles before the fix: " + string.Join("; ", errorsBefore));
            var (diagnostics, exceptions) = await CorpusWorkspace.AnalyzeAsync(compilation);
            Assert.Empty(exceptions);
            var flagged = diagnostics.Where(d => d.Id == rule).ToList();
            Assert.True(flagged.Count > 0, rule + " is reported in the case; reported: " + string.Join(", ", diagnostics.Select(d => d.Id)));

            var fixer = Meta.RuleCatalogTests.Fixers.Single(f => f.FixableDiagnosticIds.Contains(rule));
            foreach (var diagnostic in flagged)
            {
                var document = project.GetDocument(diagnostic.Location.SourceTree)!;
                var action = (await CorpusWorkspace.FixesAsync(document, diagnostic)).FirstOrDefault(f => f.Fixer == fixer).Action;
                if (action == null)
                {
                    continue;
                }

                var fixedProject = (await CorpusWorkspace.ApplyAsync(action, project.Solution)).GetProject(project.Id)!;
                string text = (await fixedProject.GetDocument(document.Id)!.GetTextAsync()).ToString();
                var fixedCompilation = (await fixedProject.GetCompilationAsync())!;
                var errors = Errors(fixedCompilation);
                Assert.True(errors.Count == 0, "the fixed code does not compile: " + string.Join("; ", errors) + Environment.NewLine + text);
                var (after, _) = await CorpusWorkspace.AnalyzeAsync(fixedCompilation);
                Assert.True(after.Count(d => d.Id == rule) < flagged.Count, "the fix leaves its diagnostic:" + Environment.NewLine + text);
                return text;
            }

            Assert.Fail(fixer.GetType().Name + " is offered for none of the " + flagged.Count + " " + rule + " diagnostics");
            return string.Empty;
        }

        private static List<string> Errors(Compilation compilation)
            => compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
    }
}
