using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Fix = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1003PollingListAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1003UseInformerFixer>;
using Verify = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1003PollingListAnalyzer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// Issue 13: a LIST narrowed by <c>metadata.name=</c> where the API server can build the key (one namespace, a
    /// cluster-scoped kind) is one key read through the list path — a GET's work (docs/cost-model.md). Polled, RES1003 says
    /// so as a suggestion with what separates it from the GET, and its fix is the GET through <c>Reads.ReadOrNullAsync</c>
    /// where the list is only taken for its one item.
    /// </summary>
    public class RES1003OneKeyListTests
    {
        [Fact]
        public async Task A_polled_one_key_node_list_says_what_it_costs_next_to_a_GET()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client, string nodeName, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await client.CoreV1.{|#0:ListNodeAsync|}(fieldSelector: "metadata.name=" + nodeName, cancellationToken: ct);
                            await Task.Delay(TimeSpan.FromSeconds(30), ct);
                        }
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.OneKeyRule).WithMessage(
                "ListNodeAsync lists one node by metadata.name every 30 s (a while loop) from 5,000 copies (<ResilienceWorkload> = DaemonSet): "
                + "167 LIST/s, each a read of one key through the list path (1 node processed, 1 APF seat: the work of a GET); it answers an empty list where the GET answers 404, "
                + "and API servers whose APF list estimator predates matchesSingle charge it as a LIST, 10 seats (5,000 nodes stored + as many again) against the GET's 1, "
                + "at 5,000 nodes × 30 pods per node; read it with ReadNode (a GET by name; Resilience.Kubernetes' Reads.ReadOrNullAsync keeps the list's empty answer as null)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_polled_node_taken_from_its_one_key_list_becomes_a_read()
        {
            const string source = """
                using System;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client, string nodeName, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            // this node
                            var nodes = await client.CoreV1.{|#0:ListNodeAsync|}(fieldSelector: "metadata.name=" + nodeName, cancellationToken: ct);
                            var self = nodes.Items.FirstOrDefault();
                            Console.WriteLine(self?.Metadata.Name);
                            await Task.Delay(TimeSpan.FromSeconds(30), ct);
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using Resilience.Kubernetes;

                class Agent
                {
                    async Task Run(IKubernetes client, string nodeName, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            // this node
                            var self = await Reads.ReadOrNullAsync(nodeName, n => client.CoreV1.ReadNodeAsync(n, cancellationToken: ct));
                            Console.WriteLine(self?.Metadata.Name);
                            await Task.Delay(TimeSpan.FromSeconds(30), ct);
                        }
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Fix(source, fixedSource, Client.V21, Config.DaemonSet()));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.OneKeyRule, 0));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_pod_in_its_namespace_searched_by_the_same_name_or_taken_single_becomes_a_read()
        {
            const string source = """
                using System;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    private readonly string podName = Environment.GetEnvironmentVariable("POD_NAME") ?? "";

                    async Task Run(IKubernetes client, string ns, CancellationToken ct)
                    {
                        while (true)
                        {
                            var pods = await client.CoreV1.{|#0:ListNamespacedPodAsync|}(ns, fieldSelector: $"metadata.name={podName}", cancellationToken: ct);
                            V1Pod? me = pods.Items.FirstOrDefault(p => p.Metadata.Name == podName);
                            var again = (await client.CoreV1.{|#1:ListNamespacedPodAsync|}(ns, fieldSelector: "metadata.name=" + this.podName)).Items.SingleOrDefault();
                            Console.WriteLine(me?.Status.Phase + again?.Status.Phase);
                            await Task.Delay(10_000, ct);
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Resilience.Kubernetes;

                class Agent
                {
                    private readonly string podName = Environment.GetEnvironmentVariable("POD_NAME") ?? "";

                    async Task Run(IKubernetes client, string ns, CancellationToken ct)
                    {
                        while (true)
                        {
                            V1Pod? me = await Reads.ReadOrNullAsync(podName, n => client.CoreV1.ReadNamespacedPodAsync(n, namespaceParameter: ns, cancellationToken: ct));
                            var again = await Reads.ReadOrNullAsync(this.podName, n => client.CoreV1.ReadNamespacedPodAsync(n, namespaceParameter: ns));
                            Console.WriteLine(me?.Status.Phase + again?.Status.Phase);
                            await Task.Delay(10_000, ct);
                        }
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Fix(source, fixedSource, Client.V21, Config.DaemonSet()));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.OneKeyRule, 0));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.OneKeyRule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task No_read_where_it_would_not_mean_the_same_and_no_informer_either()
        {
            // Used as a list; First throws where the read would be null; a second key in the selector; a name with side
            // effects; the name compared is another one. Each keeps its suggestion, with no fix.
            const string source = """
                using System;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    int calls;
                    string Next() => "node-" + calls++;

                    async Task Run(IKubernetes client, string nodeName, string other, CancellationToken ct)
                    {
                        while (true)
                        {
                            var nodes = await client.CoreV1.{|#0:ListNodeAsync|}(fieldSelector: "metadata.name=" + nodeName);
                            foreach (var n in nodes.Items) Console.WriteLine(n.Metadata.Name);
                            var first = (await client.CoreV1.{|#1:ListNodeAsync|}(fieldSelector: "metadata.name=" + nodeName)).Items.First();
                            var ready = (await client.CoreV1.{|#2:ListNodeAsync|}(fieldSelector: "metadata.name=" + nodeName + ",spec.unschedulable=false")).Items.FirstOrDefault();
                            var next = (await client.CoreV1.{|#3:ListNodeAsync|}(fieldSelector: "metadata.name=" + Next())).Items.FirstOrDefault();
                            var mixed = (await client.CoreV1.{|#4:ListNodeAsync|}(fieldSelector: "metadata.name=" + nodeName)).Items.FirstOrDefault(x => x.Metadata.Name == other);
                            Console.WriteLine(first.Metadata.Name + ready + next + mixed);
                            await Task.Delay(1000, ct);
                        }
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Fix(source, source, Client.V21, Config.DaemonSet()));
            for (int i = 0; i < 5; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.OneKeyRule, i));
            }

            await test.RunAsync();
        }
    }
}
