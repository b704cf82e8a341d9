using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Verify = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1004WatchWithoutResumeAnalyzer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>RES1004: watches that cannot resume.</summary>
    public class RES1004WatchWithoutResumeTests
    {
        [Fact]
        public async Task Watch_restarted_in_a_loop_without_resourceVersion_warns_with_the_replay_cost()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Run(IKubernetes client, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await foreach (var (type, pod) in client.CoreV1.{|#0:WatchListPodForAllNamespacesAsync|}(cancellationToken: ct))
                            {
                            }
                        }
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1004WatchWithoutResumeAnalyzer.Rule,
                "WatchListPodForAllNamespacesAsync watches pods in all namespaces without a resourceVersion and is restarted by a while loop with no delay between restarts: "
                + "every start replays 150,000 pods (~2.1 GB as JSON) as ADDED events, 750 M pods (~10.5 TB as JSON) when all 5,000 copies restart after an API-server restart, "
                + "at 5,000 nodes × 30 pods per node; resume from the last resourceVersion seen (list, then watch from the list's resourceVersion with allowWatchBookmarks), "
                + "relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Every_watch_shape_and_restarts_from_onClosed()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Agent
                {
                    async Task Run(IKubernetes client, GenericClient generic)
                    {
                        await client.CoreV1.{|#0:ListNamespacedPodWithHttpMessagesAsync|}("default", watch: true);
                        await client.CoreV1.{|#1:ListNodeWithHttpMessagesAsync|}(watch: true, resourceVersion: "0");
                        generic.{|#2:Watch|}<V1Pod>((t, p) => { });
                        Start(client);
                    }

                    void Start(IKubernetes client)
                    {
                        client.CoreV1.{|#3:WatchListNamespacedPod|}("default", onEvent: (t, p) => { }, onClosed: () => Start(client));
                    }
                }
                """;
            var test = new Verify(source);
            test.ExpectedDiagnostics.Add(Expect.Info(RES1004WatchWithoutResumeAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1004WatchWithoutResumeAnalyzer.Rule, 1));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1004WatchWithoutResumeAnalyzer.Rule, 2).WithMessage(
                "Watch watches pods in all namespaces through GenericClient, which cannot pass a resourceVersion and so cannot resume when it ends: every start replays 30,000 pods (~420 MB as JSON) as ADDED events, at 1,000 nodes × 30 pods per node; "
                + "resume from the last resourceVersion seen (list, then watch from the list's resourceVersion with allowWatchBookmarks), relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 3));
            await test.RunAsync();
        }

        /// <summary>
        /// KubeSharper's shape (the third unseen survey set): a watch factory handed to an event source's constructor and
        /// kept in a field; the source invokes it with restart callbacks of its own, which the factory hands on to the
        /// watch's onError/onClosed. Every end of the watch starts it again, from scratch. Shared with RES1005's test.
        /// </summary>
        internal const string StoredWatchFactory = """
            using System;
            using k8s;
            using k8s.Models;

            delegate Watcher<V1Pod> WatchMaker(Action<Exception> onError, Action onClosed);

            class PodSource
            {
                private readonly WatchMaker watchMaker;
                private Watcher<V1Pod>? watcher;

                public PodSource(WatchMaker watchMaker) => this.watchMaker = watchMaker;

                public void Start() => InitWatcher();

                private void InitWatcher()
                {
                    void OnError(Exception e) => {|#3:InitWatcher|}();
                    void OnClosed() => InitWatcher();
                    watcher = {|#1:watchMaker|}({|#2:OnError|}, OnClosed);
                }
            }

            class Sources
            {
                public PodSource Pods(IKubernetes client, string ns)
                {
                    Watcher<V1Pod> Make(Action<Exception> onError, Action onClosed)
                    {
                        var response = client.CoreV1.{|#0:ListNamespacedPodWithHttpMessagesAsync|}(ns, watch: true);
                        return response.Watch<V1Pod, V1PodList>((type, pod) => { }, onError, onClosed);
                    }

                    return new PodSource(Make);
                }
            }
            """;

        [Fact]
        public async Task A_watch_factory_kept_in_a_field_and_restarted_from_the_callbacks_it_hands_on()
        {
            var test = new Verify(StoredWatchFactory);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule, 0).WithLocation(2).WithLocation(3).WithLocation(1).WithMessage(
                "ListNamespacedPodWithHttpMessagesAsync watches pods in the namespace without a resourceVersion and is restarted by a watch's onError callback with no delay between restarts "
                + "(PodSource.InitWatcher (Test0.cs:20) → PodSource.InitWatcher.OnError → PodSource.InitWatcher → Sources.Pods.Make): every start replays 600 pods (~8.4 MB as JSON) as ADDED events, at 1,000 nodes × 30 pods per node; "
                + "resume from the last resourceVersion seen (list, then watch from the list's resourceVersion with allowWatchBookmarks), relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Watches_that_resume_from_the_list_or_the_last_event_are_silent()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Reflector
                {
                    async Task Run(IKubernetes client, CancellationToken ct)
                    {
                        var list = await client.CoreV1.ListNamespacedPodAsync("default", limit: 500, cancellationToken: ct);
                        string version = list.Metadata.ResourceVersion;
                        while (!ct.IsCancellationRequested)
                        {
                            await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync("default", resourceVersion: version, allowWatchBookmarks: true, cancellationToken: ct))
                            {
                                version = pod.Metadata.ResourceVersion;
                            }

                            await Task.Delay(800, ct);
                        }

                        // Watching one object by name is not a collection watch.
                        await client.CoreV1.ListNamespacedPodWithHttpMessagesAsync("default", fieldSelector: "metadata.name=web-0", watch: true);
                    }
                }
                """;
            await new Verify(source).RunAsync();
        }
    }
}
