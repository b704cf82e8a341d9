using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// Code written for the pre-10.x client compiled against KubernetesClient 21.0.8, where the operations it calls on
    /// <c>IKubernetes</c> no longer exist (they moved to <c>client.CoreV1</c> and the other groups): the calls do not bind
    /// (CS1061), and the rules still read them from their names and named arguments. The calls are written as real code
    /// called the 5.x/6.x line (kubernetes-client/csharp, version.json 6.0, commit d66c914c, 2021-08-15,
    /// src/KubernetesClient/generated/IKubernetes.cs):
    /// <c>ListNamespacedPodWithHttpMessagesAsync(string namespaceParameter, bool? allowWatchBookmarks, string continueParameter,
    /// string fieldSelector, string labelSelector, int? limit, string resourceVersion, string resourceVersionMatch,
    /// int? timeoutSeconds, bool? watch, bool? pretty, …)</c> and <c>ListNamespacedCustomObjectWithHttpMessagesAsync(string
    /// group, string version, string namespaceParameter, string plural, …same query parameters…)</c>, with the
    /// <c>KubernetesExtensions</c> <c>…Async</c> forms taking the same parameters.
    /// </summary>
    public class UnboundLegacyCallTests
    {
        // The shape of the 5.x/6.x samples: list with watch: true, then response.Watch<T, TList>(onEvent, onClosed), and
        // onClosed starts the same watch again — in another method, reached through ContinueWith.
        private const string RestartedFromOnClosed = """
            using System.Threading.Tasks;
            using k8s;
            using k8s.Models;

            class PodOperator
            {
                private readonly IKubernetes client;

                public PodOperator(IKubernetes client) => this.client = client;

                public void Start() => StartListPods();

                void StartListPods() =>
                    client.{|#0:ListNamespacedPodWithHttpMessagesAsync|}("default", watch: true).ContinueWith(OnListed);

                void OnListed(Task<Microsoft.Rest.HttpOperationResponse<V1PodList>> task)
                {
                    task.Result.Watch<V1Pod, V1PodList>(
                        onEvent: (type, pod) => { },
                        onClosed: async () => { WAIT{|#1:StartListPods|}(); });
                }
            }
            """;

        private static AnalyzerTest<T> Test<T>(string source, params (string, string)[] config)
            where T : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
            => new AnalyzerTest<T>(source, Client.V21, config) { CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None };

        [Fact]
        public async Task Positional_query_arguments_differ_between_old_releases_and_are_not_guessed()
        {
            // 1.3 reads the second argument as continueParameter, 4.x–6.x as allowWatchBookmarks: the call is not read.
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Inventory
                {
                    async Task Run(IKubernetes client)
                    {
                        await client.ListNamespacedPodAsync("default", null, null, null, null, 500);
                    }
                }
                """;
            await Test<RES1001UnboundedListAnalyzer>(source, Config.DaemonSet()).RunAsync();
        }

        [Fact]
        public async Task A_list_named_method_on_another_type_is_not_the_client()
        {
            const string source = """
                using System.Threading.Tasks;

                class Repository { }

                class Inventory
                {
                    async Task Run(Repository repository, dynamic anything)
                    {
                        await repository.ListPodForAllNamespacesAsync();
                        await anything.ListPodForAllNamespacesAsync();
                    }
                }
                """;
            await Test<RES1002ClusterWideAccessAnalyzer>(source, Config.DaemonSet()).RunAsync();
        }

        [Fact]
        public async Task An_unbound_custom_object_watch_takes_its_kind_from_the_plural()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Operator
                {
                    async Task Run(IKubernetes client, string version)
                    {
                        while (true)
                        {
                            await client.{|#0:ListNamespacedCustomObjectWithHttpMessagesAsync|}("example.com", "v1", "default", "widgets", watch: true);
                            await client.ListClusterCustomObjectWithHttpMessagesAsync("example.com", "v1", "widgets", watch: true, resourceVersion: version);
                        }
                    }
                }
                """;
            var test = Test<RES1004WatchWithoutResumeAnalyzer>(source, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 0)
                .WithMessage("ListNamespacedCustomObjectWithHttpMessagesAsync watches widgets in the namespace without a resourceVersion and is restarted by a while loop with no delay between restarts: every start replays every object of widgets in the namespace (count unknown: custom resources number whatever their users create) as ADDED events, from each of 1,000 copies when all restart after an API-server restart, at 1,000 nodes × 30 pods per node; resume from the last resourceVersion seen (list, then watch from the list's resourceVersion with allowWatchBookmarks), relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task An_unbound_watch_restarted_from_the_onClosed_of_its_response_is_flagged()
        {
            var source = RestartedFromOnClosed.Replace("WAIT", string.Empty);
            var test = Test<RES1004WatchWithoutResumeAnalyzer>(source, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 0).WithLocation(1)
                .WithMessage("ListNamespacedPodWithHttpMessagesAsync watches pods in the namespace without a resourceVersion and is restarted by a watch's onClosed callback with no delay between restarts (PodOperator.OnListed (Test0.cs:20) → PodOperator.StartListPods): every start replays 600 pods (~8.4 MB as JSON) as ADDED events, 600,000 pods (~8.4 GB as JSON) when all 1,000 copies restart after an API-server restart, at 1,000 nodes × 30 pods per node; resume from the last resourceVersion seen (list, then watch from the list's resourceVersion with allowWatchBookmarks), relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Lists_reached_from_the_onEvent_of_an_unbound_watch_run_on_every_event()
        {
            // The operator shape of the 5.x line: every watch event (and every replayed ADDED after a restart) reconciles,
            // and the reconcile lists what it manages — behind an interface, in another type.
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                interface IController { Task DeployAsync(string name); }

                class Controller : IController
                {
                    private readonly IKubernetes client;

                    public Controller(IKubernetes client) => this.client = client;

                    public async Task DeployAsync(string name)
                    {
                        var services = await client.{|#0:ListNamespacedServiceAsync|}("default", labelSelector: "device=" + name);
                    }
                }

                class DeploymentOperator
                {
                    private readonly IKubernetes client;
                    private readonly IController controller;

                    public DeploymentOperator(IKubernetes client, IController controller) => (this.client, this.controller) = (client, controller);

                    public void Start() =>
                        client.ListNamespacedCustomObjectWithHttpMessagesAsync("example.com", "v1", "default", "widgets", watch: true).ContinueWith(OnListed);

                    async Task OnListed(Task<Microsoft.Rest.HttpOperationResponse<object>> task)
                    {
                        var response = await task;
                        response.Watch<V1Pod, object>(
                            onEvent: async (type, item) => await this.{|#1:OnEventAsync|}(type, item));
                    }

                    internal async Task OnEventAsync(WatchEventType type, V1Pod item)
                    {
                        if (type == WatchEventType.Added)
                        {
                            await this.controller.{|#2:DeployAsync|}(item.Metadata.Name);
                        }
                    }
                }
                """;
            var test = Test<RES1003PollingListAnalyzer>(source, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0).WithLocation(1).WithLocation(2)
                .WithMessage("ListNamespacedServiceAsync lists services in the namespace on every watch event (DeploymentOperator.OnListed (Test0.cs:33) → DeploymentOperator.OnEventAsync → Controller.DeployAsync) from 1,000 copies (<ResilienceWorkload> = DaemonSet): 40 services processed from etcd for every watch event, at 1,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await test.RunAsync();
        }
    
        [Fact]
        public async Task A_watch_restarted_from_onClosed_at_once_is_a_retry_without_backoff()
        {
            var test = Test<RES1005RetryWithoutBackoffAnalyzer>(RestartedFromOnClosed.Replace("WAIT", string.Empty), Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.Rule, 0).WithLocation(1)
                .WithMessage("ListNamespacedPodWithHttpMessagesAsync is retried by a watch's onClosed callback (PodOperator.OnListed (Test0.cs:20) → PodOperator.StartListPods) with no delay: each copy retries as fast as the server fails it, 1,000 copies at once; back off exponentially with full jitter (client-go: 0.8 s → 30 s, ×2, full jitter) and honour Retry-After on 429 (ExponentialBackoff in package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_watch_restarted_from_onClosed_after_a_jittered_backoff_is_not()
        {
            var test = Test<RES1005RetryWithoutBackoffAnalyzer>(
                RestartedFromOnClosed.Replace("WAIT", "await Task.Delay(System.TimeSpan.FromSeconds(System.Random.Shared.Next(1, 30))); ").Replace("{|#0:", string.Empty).Replace("{|#1:", string.Empty).Replace("|}", string.Empty),
                Config.DaemonSet());
            await test.RunAsync();
        }

        [Fact]
        public async Task A_current_call_with_an_argument_of_a_missing_type_is_read_through_its_only_candidate()
        {
            // Partial compilations (a dependency not restored) and the IDE while restoring: an argument whose type is
            // missing makes the call fail to bind; its only candidate still says which operation it is.
            const string source = """
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client, MissingSettings settings)
                    {
                        await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(labelSelector: settings.Selector);
                        await client.CoreV1.ListPodForAllNamespacesAsync(null, settings.Continue, "spec.nodeName=" + settings.Node);
                    }
                }
                """;
            var test = Test<RES1002ClusterWideAccessAnalyzer>(source, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0));
            await test.RunAsync();
        }
}
}
