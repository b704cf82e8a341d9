using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using k8s;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests
{
    public class InformerObserverTests
    {
        [Fact]
        public async Task TheObserverSeesListWatchEventsTheRelistAfter410BackoffsAndHandlerFailuresInOrder()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 2);
            using var client = server.CreateClient();
            var observer = new RecordingObserver();
            var options = FastOptions();
            options.Observer = observer;
            await using var informer = Informers.ForPods(client, options: options);
            informer.Added += p =>
            {
                if (p.Metadata.Name == "bad") throw new InvalidOperationException("handler bug");
            };
            await informer.StartAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            server.Upsert(FakeApiServer.Pod("ns-0", "bad", "node-0"));
            await Eventually(() => observer.Calls.Contains("handler-failed handler bug"), "the handler failure is observed");
            server.SendWatchError(410);
            await Eventually(() => informer.RelistCount == 1 && server.ActiveWatchCount == 1 && observer.Calls.Count(c => c.StartsWith("watch-started", StringComparison.Ordinal)) == 2,
                () => "the informer relists and watches again: " + string.Join(" | ", observer.Calls));

            Assert.Equal(
                new[]
                {
                    "list-started relist=False consistent=False", "list-completed relist=False items=2", "synced 2",
                    "watch-started", "event Added", "handler-failed handler bug",
                    "watch-ended Gone events=1", // the ERROR event goes to the error callback, not the stream
                    "backing-off", "list-started relist=True consistent=True",
                    "list-completed relist=True items=3", "watch-started",
                },
                observer.Calls.Select(c => c.StartsWith("watch-started", StringComparison.Ordinal) ? "watch-started" : c).ToArray());
            Assert.Null(informer.CurrentBackoff);
        }

        [Fact]
        public async Task CurrentBackoffIsSetWhileTheInformerWaitsAndClearedAfter()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 1);
            server.FailNext(r => r.Verb == "list", 500);
            using var client = server.CreateClient();
            var options = FastOptions();
            options.InitialBackoff = TimeSpan.FromHours(1); // the wait lasts until the test ends: nothing else moves it
            options.MaxBackoff = TimeSpan.FromHours(1);
            await using var informer = Informers.ForPods(client, options: options);
            var raised = new TaskCompletionSource<InformerBackoff>(TaskCreationOptions.RunContinuationsAsynchronously);
            informer.BackingOff += b => raised.TrySetResult(b);
            Assert.Null(informer.CurrentBackoff);

            informer.Start();
            var backoff = await raised.Task.WaitAsync(Timeout());

            Assert.Equal(backoff, informer.CurrentBackoff);
            Assert.Equal(500, ApiErrors.StatusCode(informer.CurrentBackoff!.Value.Reason));
            Assert.False(informer.HasSynced);
        }

        private sealed class RecordingObserver : InformerObserver
        {
            public ConcurrentQueue<string> Calls { get; } = new();

            public override void ListStarted(bool relist, bool consistent) => Calls.Enqueue($"list-started relist={relist} consistent={consistent}");

            public override void ListCompleted(bool relist, int items, string? resourceVersion, TimeSpan duration) => Calls.Enqueue($"list-completed relist={relist} items={items}");

            public override void ListFailed(bool relist, Exception error, TimeSpan duration) => Calls.Enqueue("list-failed " + error.Message);

            public override void Synced(int items, TimeSpan sinceStart) => Calls.Enqueue("synced " + items);

            public override void WatchStarted(string? resourceVersion, int timeoutSeconds) => Calls.Enqueue("watch-started " + resourceVersion);

            public override void EventReceived(WatchEventType type) => Calls.Enqueue("event " + type);

            public override void WatchEnded(WatchOutcome outcome, int events, TimeSpan duration, Exception? error) => Calls.Enqueue($"watch-ended {outcome} events={events}");

            public override void BackingOff(InformerBackoff backoff) => Calls.Enqueue("backing-off");

            public override void HandlerFailed(Exception error) => Calls.Enqueue("handler-failed " + error.Message);
        }
    }
}
