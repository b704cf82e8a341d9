using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;
using Resilience.Kubernetes.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ResilienceAnalyzers.EndToEnd.Tests
{
    /// <summary>
    /// Issue 4's acceptance, run for real: the sample agent as written, the same agent after <c>dotnet format analyzers</c>
    /// (RES1002, RES1003, RES1004, RES1005, RES2001) and the hand-written fixed twin are built from the packed packages, started
    /// as processes against the loopback API server (through a kubeconfig file, as a user runs them outside a cluster)
    /// and a loopback TCP collector. All three send one line per pod of their node — the same pods — while the server's
    /// accounting shows what each paid for the first round.
    /// </summary>
    [Collection(PackageCollection.Name)]
    public sealed class AgentRunTests(PackedPackage package, ITestOutputHelper output)
    {
        private const int Nodes = 20;
        private const int PodsPerNode = 5;
        private const string NodeName = "node-2";
        private const string Zone = "zone-b";
        private static readonly TimeSpan FirstPayloadTimeout = TimeSpan.FromSeconds(60);

        [Fact]
        public async Task The_original_the_dotnet_format_fixed_and_the_fixed_twin_agent_send_the_same_pods_of_their_node()
        {
            var total = Stopwatch.StartNew();
            var agents = new List<(string Name, string Dll)>
            {
                ("original", Build(package.Consumer("NodeTelemetryAgent", "run-original"), "NodeTelemetryAgent", format: false)),
                ("dotnet format", Build(package.Consumer("NodeTelemetryAgent", "run-formatted"), "NodeTelemetryAgent", format: true)),
                ("fixed twin", Build(package.Consumer("NodeTelemetryAgent.Fixed", "run-fixed"), "NodeTelemetryAgent.Fixed", format: false)),
            };
            output.WriteLine($"built the three agents in {total.Elapsed.TotalSeconds:0.0} s");

            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(Nodes, PodsPerNode);
            // The agents label every line with their node's zone, read from the node: give node-2 one.
            server.Upsert(new V1Node
            {
                ApiVersion = "v1",
                Kind = "Node",
                Metadata = new V1ObjectMeta { Name = NodeName, Labels = new Dictionary<string, string> { ["topology.kubernetes.io/zone"] = Zone } },
            });
            var expected = server.Snapshot("pods").Where(p => p.Value.NodeName == NodeName).Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).ToArray();
            Assert.Equal(PodsPerNode, expected.Length);

            // Plain http, and a token only because KubernetesClient requires some credential (the server checks none).
            // The samples call KubernetesClientConfiguration.BuildConfigFromConfigFile(), which reads $HOME/.kube/config
            // (KubernetesClient 21 does not look at KUBECONFIG): the agents get a home of their own holding this file.
            string home = Path.Combine(package.Root, "run-agents-home");
            string kubeconfig = Path.Combine(home, ".kube", "config");
            Directory.CreateDirectory(Path.GetDirectoryName(kubeconfig)!);
            File.WriteAllText(kubeconfig, server.Kubeconfig(token: "loopback-test-token"));

            var rounds = new List<(string Name, AgentRound Round)>();
            foreach (var (name, dll) in agents)
            {
                var round = await RunUntilFirstPayloadAsync(name, dll, home, kubeconfig, server);
                rounds.Add((name, round));
                output.WriteLine(round.Summary(name));
            }

            foreach (var (name, round) in rounds)
            {
                string context = $"{name} agent\n{round.Diagnostics()}";
                var lines = round.Payload.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToArray();
                Assert.True(lines.All(l => l.Length == 4), "every line is 'node zone namespace/pod services': " + context);
                Assert.True(lines.All(l => l[0] == NodeName && l[1] == Zone), $"every line is labelled {NodeName} {Zone}: " + context);
                string[] sent = lines.Select(l => l[2]).OrderBy(k => k, StringComparer.Ordinal).ToArray();
                Assert.True(expected.SequenceEqual(sent), $"expected exactly [{string.Join(", ", expected)}], sent [{string.Join(", ", sent)}]: " + context);
            }

            // What the first round cost the API server: the original lists every pod and every node from etcd; the
            // fixed builds list node-2's pods from the watch cache (spec.nodeName index) and watch from there.
            var original = rounds[0].Round;
            Assert.Contains(original.Requests, r => r.Verb == "list" && r.Resource == "pods" && r.FieldSelector is null && r.ServedFrom == ServedFrom.Etcd && r.ObjectsProcessed == Nodes * PodsPerNode);
            Assert.Contains(original.Requests, r => r.Verb == "list" && r.Resource == "nodes" && r.FieldSelector is null && r.ServedFrom == ServedFrom.Etcd && r.ObjectsProcessed == Nodes);
            foreach (var (name, round) in rounds.Skip(1))
            {
                string context = $"{name} agent\n{round.Diagnostics()}";
                Assert.True(
                    round.Requests.Where(r => r.Verb == "list" && r.Resource == "pods").All(r => r.FieldSelector == "spec.nodeName=" + NodeName && r.ServedFrom == ServedFrom.Cache),
                    "every pod list is node-scoped and served from the watch cache: " + context);
                Assert.True(round.ObjectsProcessed * 4 <= original.ObjectsProcessed, $"processed {round.ObjectsProcessed} objects, the original {original.ObjectsProcessed}: " + context);
            }

            output.WriteLine($"whole test {total.Elapsed.TotalSeconds:0.0} s");
        }

        /// <summary>Builds a consumer copy of a sample (first applying the five rules' fixes with dotnet format) and returns its program.</summary>
        private static string Build(string project, string assembly, bool format)
        {
            if (format)
            {
                Dotnet.RunOk(project, "restore", "-nologo");
                foreach (var id in new[] { "RES1002", "RES1003", "RES1004", "RES1005", "RES2001" })
                {
                    Dotnet.RunOk(project, "format", "analyzers", assembly + ".csproj", "--diagnostics", id, "--severity", "warn", "--no-restore");
                }

                string source = File.ReadAllText(Path.Combine(project, "TelemetryAgent.cs"));
                Assert.Contains("V1PodList pods = podInformer.List();", source);
                Assert.Contains("await CachedDns.GetHostAddressesAsync(collectorHost, cancellationToken)", source);
                Assert.Contains("Informers.WatchEventsAsync(ListWatch.FromHttpOperation<V1Service, V1ServiceList>(", source);
                Dotnet.RunOk(project, "build", "-nologo", "--no-restore");
            }
            else
            {
                Dotnet.RunOk(project, "build", "-nologo");
            }

            string dll = Path.Combine(project, "bin", "Debug", "net10.0", assembly + ".dll");
            Assert.True(File.Exists(dll), "the build produced " + dll);
            return dll;
        }

        private static async Task<AgentRound> RunUntilFirstPayloadAsync(string name, string dll, string home, string kubeconfig, FakeApiServer server)
        {
            using var collector = new TcpListener(IPAddress.Loopback, 0);
            collector.Start();
            int port = ((IPEndPoint)collector.LocalEndpoint).Port;
            int lastRequestBefore = server.Requests.Select(r => r.Id).DefaultIfEmpty(0).Max();

            var info = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(dll);
            info.Environment["HOME"] = home;
            info.Environment["KUBECONFIG"] = kubeconfig;
            info.Environment["NODE_NAME"] = NodeName;
            info.Environment["COLLECTOR_HOST"] = "127.0.0.1";
            info.Environment["COLLECTOR_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            info.Environment["DOTNET_ENVIRONMENT"] = "Production";
            // Outside a cluster, whatever the machine running the tests is.
            info.Environment.Remove("KUBERNETES_SERVICE_HOST");
            info.Environment.Remove("KUBERNETES_SERVICE_PORT");

            var log = new StringBuilder();
            using var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (log) log.AppendLine("out: " + e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (log) log.AppendLine("err: " + e.Data); };
            var clock = Stopwatch.StartNew();
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            string? payload = null;
            string? failure = null;
            AgentRound round;
            try
            {
                using var timeout = new CancellationTokenSource(FirstPayloadTimeout);
                Task<TcpClient> accept = collector.AcceptTcpClientAsync(timeout.Token).AsTask();
                Task exited = process.WaitForExitAsync(timeout.Token);
                if (await Task.WhenAny(accept, exited) == exited && !accept.IsCompleted)
                {
                    failure = exited.IsCanceled
                        ? $"no connection to the collector within {FirstPayloadTimeout.TotalSeconds:0} s"
                        : $"the agent exited with code {process.ExitCode} before sending";
                }
                else
                {
                    using TcpClient connection = await accept;
                    using var reader = new StreamReader(connection.GetStream(), Encoding.UTF8);
                    payload = await reader.ReadToEndAsync(timeout.Token);
                }
            }
            catch (OperationCanceledException)
            {
                failure = $"no complete payload within {FirstPayloadTimeout.TotalSeconds:0} s";
            }
            finally
            {
                var elapsed = clock.Elapsed;
                var requests = server.Requests.Where(r => r.Id > lastRequestBefore).ToArray();
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.WaitForExit(10_000);
                lock (log)
                {
                    round = new AgentRound(payload ?? "", requests, elapsed, log.ToString());
                }
            }

            Assert.True(failure is null, $"{name} agent: {failure}\n{round.Diagnostics()}");
            return round;
        }

        /// <summary>What one agent sent, and the requests the server saw from it up to then.</summary>
        private sealed record AgentRound(string Payload, IReadOnlyList<RequestRecord> Requests, TimeSpan FirstPayloadAfter, string Log)
        {
            public long ObjectsProcessed => Requests.Where(r => r.Verb != "watch").Sum(r => r.ObjectsProcessed);

            public string Summary(string name)
            {
                var reads = Requests.Where(r => r.Verb != "watch").ToArray();
                return $"{name,-14} first payload after {FirstPayloadAfter.TotalSeconds:0.0} s: {Payload.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} lines; " +
                       $"{reads.Count(r => r.Verb == "list")} lists + {reads.Count(r => r.Verb == "get")} gets processed {ObjectsProcessed} objects " +
                       $"(etcd {reads.Where(r => r.ServedFrom == ServedFrom.Etcd).Sum(r => r.ObjectsProcessed)}, cache {reads.Where(r => r.ServedFrom == ServedFrom.Cache).Sum(r => r.ObjectsProcessed)}), " +
                       $"returned {reads.Sum(r => r.ObjectsReturned)}; {Requests.Count(r => r.Verb == "watch")} watches\n" +
                       string.Join("\n", Requests.Select(r => "    " + r));
            }

            public string Diagnostics() =>
                "payload:\n" + Payload + "\nrequests:\n" + string.Join("\n", Requests) + "\nagent output:\n" + Log;
        }
    }
}
