using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Analysis
{
    /// <summary>
    /// Shapes the fourth unseen Kubernetes survey set showed (docs/survey.md, "Eighth session"): each with a silent twin.
    /// </summary>
    public class FourthUnseenSetShapeTests
    {
        [Fact]
        public async Task A_list_whose_result_is_kept_in_a_field_the_first_time_is_not_repeated_by_the_request_handler()
        {
            // SparkTodo's KubernetesService (fourth unseen set): the lists run only while the field is null, double-checked
            // under a lock, and their result is stored in it; the endpoint that reads it runs per request, the lists once.
            // The twin, which lists on every call, is still a per-request list.
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Microsoft.AspNetCore.Builder;

                public sealed class CachedEnvironment
                {
                    private readonly IKubernetes client;
                    private readonly SemaphoreSlim gate = new SemaphoreSlim(1);
                    private volatile V1PodList? pods;

                    public CachedEnvironment(IKubernetes client) => this.client = client;

                    public async Task<int> GetAsync()
                    {
                        if (pods is null)
                        {
                            await gate.WaitAsync();
                            try
                            {
                                if (pods is not null)
                                    return pods.Items.Count;
                                pods = await client.CoreV1.ListPodForAllNamespacesAsync();
                            }
                            finally
                            {
                                gate.Release();
                            }
                        }

                        return pods.Items.Count;
                    }
                }

                public sealed class EarlyReturnEnvironment
                {
                    private readonly IKubernetes client;
                    private V1NodeList? nodes;

                    public EarlyReturnEnvironment(IKubernetes client) => this.client = client;

                    public async Task<int> GetAsync()
                    {
                        if (nodes != null) return nodes.Items.Count;
                        nodes = await client.CoreV1.ListNodeAsync();
                        return nodes.Items.Count;
                    }
                }

                public sealed class UncachedEnvironment
                {
                    private readonly IKubernetes client;

                    public UncachedEnvironment(IKubernetes client) => this.client = client;

                    public async Task<int> GetAsync() => (await client.CoreV1.{|#0:ListServiceForAllNamespacesAsync|}()).Items.Count;
                }

                public static class Routes
                {
                    public static void Map(WebApplication app, CachedEnvironment cached, EarlyReturnEnvironment early, UncachedEnvironment uncached)
                    {
                        app.Map("/cached", () => cached.GetAsync());
                        app.Map("/early", () => early.GetAsync());
                        app.Map("/uncached", () => uncached.{|#1:GetAsync|}());
                    }
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.CallerRule, 0).WithLocation(1));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_list_made_once_through_a_coalescing_assignment_is_not_polled_but_a_cache_set_back_to_null_is()
        {
            // _pods ??= …: the list runs once however often the loop reads the value. A cache the loop sets
            // back to null is refreshed on every pass: polling.
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                public sealed class Worker
                {
                    private readonly IKubernetes client;
                    private V1PodList? pods;
                    private V1ServiceList? services;

                    public Worker(IKubernetes client) => this.client = client;

                    public async Task RunAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            pods ??= await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct);
                            if (services == null)
                            {
                                services = await client.CoreV1.{|#0:ListServiceForAllNamespacesAsync|}(cancellationToken: ct);
                            }

                            await Task.Delay(TimeSpan.FromSeconds(30), ct);
                            services = null;
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0));
            await test.RunAsync();
        }
        /// <summary>
        /// The reflector's watcher service (fourth unseen set): a base class's loop enumerates the stream an abstract method
        /// returns, and the overrides return <c>WatchList…Async</c> without a resourceVersion. The call whose result is the
        /// enumerated stream is the watch itself, restarted by the loop on every pass.
        /// </summary>
        private const string WatcherService = """
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using k8s;
            using k8s.Models;

            public abstract class WatcherService<T>
            {
                public async Task ExecuteAsync(CancellationToken ct)
                {
                    while (!ct.IsCancellationRequested)
                    {
                        try
                        {
                            var count = await CountAsync(ct);
                            var events = {|#1:OnGetWatcher|}(ct);
                            await foreach (var (type, item) in events)
                            {
                                Console.WriteLine(type);
                            }
                        }
                        catch (Exception e)
                        {
                            Console.WriteLine(e);
                        }
                        finally
                        {
                            await Task.Yield();
                        }
                    }
                }

                protected abstract Task<int> CountAsync(CancellationToken ct);

                protected abstract IAsyncEnumerable<(WatchEventType, T)> OnGetWatcher(CancellationToken ct);
            }

            public sealed class SecretWatcher : WatcherService<V1Secret>
            {
                private readonly IKubernetes client;

                public SecretWatcher(IKubernetes client) => this.client = client;

                protected override async Task<int> CountAsync(CancellationToken ct)
                    => (await client.CoreV1.ListNamespacedSecretAsync("default", limit: 500, cancellationToken: ct)).Items.Count;

                protected override IAsyncEnumerable<(WatchEventType, V1Secret)> OnGetWatcher(CancellationToken ct)
                    => client.CoreV1.{|#0:WatchListNamespacedSecretAsync|}("default", timeoutSeconds: 3600, cancellationToken: ct);
            }
            """;

        [Fact]
        public async Task A_watch_returned_by_a_called_method_and_enumerated_by_the_callers_loop_is_restarted_by_that_loop()
        {
            var test = new AnalyzerTest<RES1004WatchWithoutResumeAnalyzer>(WatcherService);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.CallerRule, 0).WithLocation(1));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_list_made_before_the_watch_in_the_same_loop_is_still_a_list_then_watch_not_a_poll()
        {
            // The silent twin: CountAsync is a list whose result is not the stream; the loop lists, then watches until the
            // watch ends — an informer's list-then-watch, not a poll.
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(WatcherService.Replace("{|#1:OnGetWatcher|}", "OnGetWatcher").Replace("{|#0:WatchListNamespacedSecretAsync|}", "WatchListNamespacedSecretAsync"));
            await test.RunAsync();
        }
        [Fact]
        public async Task An_await_in_the_finally_of_the_swallowing_try_does_not_pace_the_retry_loop()
        {
            // The reflector's loop (fourth unseen set): a faulted session is caught and the loop reopens the watch at once;
            // its finally awaits the closed-session handlers, which is no wait between attempts.
            // The list in the same try is retried the same way.
            var test = new AnalyzerTest<RES1005RetryWithoutBackoffAnalyzer>(WatcherService
                .Replace("await CountAsync(ct)", "await {|#2:CountAsync|}(ct)").Replace("client.CoreV1.ListNamespacedSecretAsync", "client.CoreV1.{|#3:ListNamespacedSecretAsync|}"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.Rule, 0).WithLocation(1));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.Rule, 3).WithLocation(2));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_delay_in_the_finally_paces_the_retry_loop()
        {
            // The silent twin: the finally waits between sessions.
            var test = new AnalyzerTest<RES1005RetryWithoutBackoffAnalyzer>(WatcherService
                .Replace("await Task.Yield();", "await Task.Delay(TimeSpan.FromSeconds(5), ct);")
                .Replace("{|#1:OnGetWatcher|}", "OnGetWatcher").Replace("{|#0:WatchListNamespacedSecretAsync|}", "WatchListNamespacedSecretAsync"));
            await test.RunAsync();
        }
        [Fact]
        public async Task A_watch_factorys_restart_callback_is_followed_to_the_clients_onClosed_whatever_the_factory_calls_it()
        {
            // passwordstate-operator (fourth unseen set): a watch factory behind an interface takes "Action onClose" and hands
            // it to the client's Watch(onEvent, onError, onClosed); the controller restarts the watch from that callback. The
            // twin's factory keeps its "onClose" for itself and never hands it to the client: nothing restarts its watch
            // there, and it is the suggestion for a watch started once.
            const string source = """
                using System;
                using k8s;

                public class Crd { }

                public interface IKubernetesSdk
                {
                    Watcher<Crd> WatchCrds(Action<WatchEventType, Crd> onChange, Action<Exception> onError, Action onClose);
                }

                public sealed class KubernetesSdk : IKubernetesSdk
                {
                    private readonly IKubernetes client;

                    public KubernetesSdk(IKubernetes client) => this.client = client;

                    public Watcher<Crd> WatchCrds(Action<WatchEventType, Crd> onChange, Action<Exception> onError, Action onClose)
                        => client.CustomObjects.{|#0:ListNamespacedCustomObjectWithHttpMessagesAsync|}("g", "v1", "", "crds", watch: true)
                            .Watch<Crd, object>(onChange, onError, onClose);
                }

                public sealed class KeepingSdk
                {
                    private readonly IKubernetes client;

                    public KeepingSdk(IKubernetes client) => this.client = client;

                    public Action? Done { get; private set; }

                    public Watcher<Crd> WatchCrds(Action<WatchEventType, Crd> onChange, Action onClose)
                    {
                        Done = onClose;
                        return client.CustomObjects.{|#2:ListNamespacedCustomObjectWithHttpMessagesAsync|}("g", "v2", "", "crds", watch: true)
                            .Watch<Crd, object>(onChange);
                    }
                }

                public sealed class Controller
                {
                    private readonly IKubernetesSdk sdk;
                    private readonly KeepingSdk keeping;
                    private Watcher<Crd>? watcher;
                    private Watcher<Crd>? other;

                    public Controller(IKubernetesSdk sdk, KeepingSdk keeping)
                    {
                        this.sdk = sdk;
                        this.keeping = keeping;
                    }

                    public void Start()
                    {
                        StartWatcher();
                        StartOther();
                    }

                    private void StartWatcher() => watcher = sdk.{|#4:WatchCrds|}(OnChange, OnError, {|#1:OnClose|});

                    private void StartOther() => other = keeping.WatchCrds(OnChange, OnDone);

                    private void OnChange(WatchEventType type, Crd crd) { }

                    private void OnError(Exception e) { }

                    private void OnClose() => {|#3:StartWatcher|}();

                    private void OnDone() => StartOther();
                }
                """;
            var test = new AnalyzerTest<RES1004WatchWithoutResumeAnalyzer>(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 0).WithLocation(1).WithLocation(3).WithLocation(4).WithMessage(
                "ListNamespacedCustomObjectWithHttpMessagesAsync watches crds in all namespaces without a resourceVersion and is restarted by a watch's onClosed callback with no delay between restarts "
                + "(Controller.StartWatcher (Test0.cs:57) → Controller.OnClose → Controller.StartWatcher → KubernetesSdk.WatchCrds): every start replays every object of crds in all namespaces "
                + "(count unknown: custom resources number whatever their users create) as ADDED events, at 1,000 nodes × 30 pods per node; resume from the last resourceVersion seen "
                + "(list, then watch from the list's resourceVersion with allowWatchBookmarks), relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)"));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1004WatchWithoutResumeAnalyzer.Rule, 2));
            await test.RunAsync();
        }
        [Fact]
        public async Task A_factory_written_for_the_old_client_is_followed_by_the_callbacks_position()
        {
            // passwordstate-operator's factory as written (fourth unseen set): the pre-10.x client's IKubernetes.List…(watch:
            // true).Watch(onChange, onError, onClose) does not bind against 21.x (CS1061); the third argument is the onClosed.
            // The twin hands its "onClose" over as the first argument, the onEvent: each event, not a restart.
            const string source = """
                using System;
                using k8s;

                public class Crd { }

                public sealed class KubernetesSdk
                {
                    private readonly IKubernetes client;

                    public KubernetesSdk(IKubernetes client) => this.client = client;

                    public Watcher<T> WatchCrds<T>(Action<WatchEventType, T> onChange, Action<Exception> onError, Action onClose)
                        => client.{|#0:ListNamespacedCustomObjectWithHttpMessagesAsync|}("g", "v1", "", "crds", watch: true).Watch(onChange, onError, onClose);

                    public Watcher<T> WatchOthers<T>(Action<WatchEventType, T> onClose)
                        => client.{|#2:ListNamespacedCustomObjectWithHttpMessagesAsync|}("g", "v2", "", "others", watch: true).Watch(onClose);
                }

                public sealed class Controller
                {
                    private readonly KubernetesSdk sdk;
                    private Watcher<Crd>? watcher;
                    private Watcher<Crd>? other;

                    public Controller(KubernetesSdk sdk) => this.sdk = sdk;

                    public void Start()
                    {
                        StartWatcher();
                        StartOther();
                    }

                    private void StartWatcher() => watcher = sdk.{|#4:WatchCrds|}(new Action<WatchEventType, Crd>(OnChange), OnError, {|#1:OnClose|});

                    private void StartOther() => other = sdk.WatchOthers(new Action<WatchEventType, Crd>(OnOther));

                    private void OnChange(WatchEventType type, Crd crd) { }

                    private void OnOther(WatchEventType type, Crd crd) { }

                    private void OnError(Exception e) { }

                    private void OnClose() => {|#3:StartWatcher|}();
                }
                """;
            var test = new AnalyzerTest<RES1004WatchWithoutResumeAnalyzer>(source) { CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None };
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 0).WithLocation(1).WithLocation(3).WithLocation(4));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1004WatchWithoutResumeAnalyzer.Rule, 2));
            await test.RunAsync();
        }
        /// <summary>
        /// kamus' CRD controller (fourth unseen set) re-subscribes its watch from <c>Observable.Interval(…).Subscribe(…)</c>.
        /// The twin's list runs in the onCompleted of a single <c>Observable.Return</c>, once.
        /// </summary>
        private const string RxController = """
            using System;
            using System.Reactive.Linq;
            using k8s;

            public sealed class Controller
            {
                private readonly IKubernetes client;

                public Controller(IKubernetes client) => this.client = client;

                public void Start()
                {
                    Observable.Interval(TimeSpan.FromSeconds(60)).Subscribe(_ => client.CoreV1.{|#0:ListPodForAllNamespaces|}());
                    Observable.Return(1).Subscribe(_ => { }, () => client.CoreV1.ListNodeAsync());
                }
            }
            """;

        [Fact]
        public async Task The_onNext_of_an_Rx_interval_repeats_at_its_period()
        {
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(RxController);
            test.TestState.AdditionalReferences.Add(References.Reactive);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0).WithMessage(
                "ListPodForAllNamespaces lists pods in all namespaces every 1 min (an Rx Observable.Interval) from one copy: 0.017 LIST/s making the API server process 500 pods/s (~7 MB/s) from etcd, at 1,000 nodes × 30 pods per node; "
                + "use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task An_Rx_interval_written_without_System_Reactive_referenced_is_read_by_its_names()
        {
            // The survey compiles kamus without its packages: Observable.Interval(…).Subscribe(…) does not bind.
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(RxController.Replace("using System.Reactive.Linq;\n", string.Empty))
            {
                CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None,
            };
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_KubeOps_reconcile_that_requeues_itself_repeats_at_the_requeue_period()
        {
            // josephnhtam's fleet controller (fourth unseen set): ReconcileAsync hands the entity back to KubeOps'
            // EntityRequeue with a TimeSpan, and the operator reconciles it again after that time. Written as the survey
            // compiles it, without KubeOps referenced. The twin's controller does not requeue: reconciled on its events.
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using KubeOps.Abstractions.Controller;
                using KubeOps.Abstractions.Queue;

                public sealed class Fleet : V1Pod { }

                public sealed class FleetController : IEntityController<Fleet>
                {
                    private readonly EntityRequeue<Fleet> requeue;
                    private readonly IKubernetes client;

                    public FleetController(EntityRequeue<Fleet> requeue, IKubernetes client)
                    {
                        this.requeue = requeue;
                        this.client = client;
                    }

                    public async Task ReconcileAsync(Fleet entity, CancellationToken ct)
                    {
                        try
                        {
                            await client.CoreV1.{|#0:ListNamespacedPodAsync|}("fleet", cancellationToken: ct);
                        }
                        finally
                        {
                            requeue(entity, TimeSpan.FromSeconds(5));
                        }
                    }
                }

                public sealed class QuietController : IEntityController<Fleet>
                {
                    private readonly IKubernetes client;

                    public QuietController(IKubernetes client) => this.client = client;

                    public async Task ReconcileAsync(Fleet entity, CancellationToken ct)
                        => await client.CoreV1.ListNamespacedServiceAsync("fleet", cancellationToken: ct);
                }
                """;
            // One namespace's pods from one copy: the rule's suggestion, now with its period.
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source) { CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None };
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule, 0).WithMessage(
                "ListNamespacedPodAsync lists pods in the namespace every 5 s (a KubeOps requeue) from one copy: 0.2 LIST/s making the API server process 120 pods/s (~1.68 MB/s) from etcd, at 1,000 nodes × 30 pods per node; "
                + "use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await test.RunAsync();
        }
        [Fact]
        public async Task A_list_kept_in_a_field_the_first_time_stays_the_once_suggestion_under_a_repeating_caller()
        {
            // RES1001 in one copy: SparkTodo's lists (fourth unseen set) were warned as repeated by the endpoint; kept in a
            // field the first time, they are the once-suggestion. The twin's cache is set back to null: listed again.
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Environment
                {
                    private readonly IKubernetes client;
                    private V1NamespaceList? namespaces;
                    private V1NodeList? nodes;

                    public Environment(IKubernetes client) => this.client = client;

                    public async Task<int> NamespacesAsync()
                    {
                        if (namespaces is null)
                        {
                            namespaces = await client.CoreV1.{|#0:ListNamespaceAsync|}();
                        }

                        return namespaces.Items.Count;
                    }

                    public async Task<int> NodesAsync()
                    {
                        if (nodes is null)
                        {
                            nodes = await client.CoreV1.{|#1:ListNodeAsync|}();
                        }

                        var count = nodes.Items.Count;
                        nodes = null;
                        return count;
                    }

                    public async Task RunAsync()
                    {
                        while (true)
                        {
                            await NamespacesAsync();
                            await {|#2:NodesAsync|}();
                            await Task.Delay(30_000);
                        }
                    }

                    public static void Main()
                    {
                    }
                }
                """;
            var test = new AnalyzerTest<RES1001UnboundedListAnalyzer>(source, Client.V21, Config.MsBuild("build_property.ResilienceWorkload = Deployment\nbuild_property.ResilienceReplicas = 1"));
            test.TestState.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
            test.ExpectedDiagnostics.Add(Expect.Info(RES1001UnboundedListAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule, 1).WithLocation(2));
            await test.RunAsync();
        }
    }
}
