using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Paginate = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1001UnboundedListAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1001PaginateFixer>;
using UseInformer = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1003PollingListAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1003UseInformerFixer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// Issue 12: <c>await client.CoreV1.ListXAsync(…).ConfigureAwait(false)</c>, the style of every library (the survey's
    /// Steeltoe and ApplicationInsights-Kubernetes), gets the pager and the informer, keeping its ConfigureAwait.
    /// </summary>
    public class ConfigureAwaitFixTests
    {
        [Fact]
        public async Task RES1001_pages_a_ConfigureAwait_chain_and_keeps_it()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class PodService
                {
                    private readonly IKubernetes _client;
                    private readonly string _namespace = "apps";

                    public PodService(IKubernetes client) => _client = client;

                    public async Task<int> CountAsync(CancellationToken cancellationToken)
                    {
                        V1PodList? list = await _client.CoreV1.{|#0:ListNamespacedPodAsync|}(_namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                        return list.Items.Count;
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Resilience.Kubernetes;

                class PodService
                {
                    private readonly IKubernetes _client;
                    private readonly string _namespace = "apps";

                    public PodService(IKubernetes client) => _client = client;

                    public async Task<int> CountAsync(CancellationToken cancellationToken)
                    {
                        V1PodList? list = await ListPager.ListAllAsync(ListWatch.FromHttpOperation<V1Pod, V1PodList>((o, c) => _client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(namespaceParameter: _namespace, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)), cancellationToken: cancellationToken).ConfigureAwait(false);
                        return list.Items.Count;
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Paginate(source, fixedSource));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task RES1003_reads_the_informer_instead_of_a_ConfigureAwait_chain_and_starts_it_the_same_way()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Execute(IKubernetes client, CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            var nodes = await client.CoreV1.{|#0:ListNodeAsync|}(cancellationToken: stoppingToken).ConfigureAwait(false);
                            Console.WriteLine(nodes.Items.Count);
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken).ConfigureAwait(false);
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using Resilience.Kubernetes;

                class Agent
                {
                    async Task Execute(IKubernetes client, CancellationToken stoppingToken)
                    {
                        using var nodeInformer = Informers.Create(ListWatch.FromHttpOperation<k8s.Models.V1Node, k8s.Models.V1NodeList>((o, c) => client.CoreV1.ListNodeWithHttpMessagesAsync(fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch, timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: c)));
                        await nodeInformer.StartAsync(stoppingToken).ConfigureAwait(false);
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            var nodes = nodeInformer.List();
                            Console.WriteLine(nodes.Items.Count);
                            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken).ConfigureAwait(false);
                        }
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new UseInformer(source, fixedSource));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task No_pager_where_the_ConfigureAwait_chain_is_not_awaited()
        {
            // Blocking on the task: the pager would change when the lambda's captured values are read. Not offered.
            const string source = """
                using k8s;

                class PodService
                {
                    public int Count(IKubernetes client)
                        => client.CoreV1.{|#0:ListNamespacedPodAsync|}("apps").ConfigureAwait(false).GetAwaiter().GetResult().Items.Count;
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Paginate(source, source));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule));
            await test.RunAsync();
        }
    }
}
