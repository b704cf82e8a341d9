using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>
    /// <see cref="Informers.WatchEventsAsync"/>, the stream RES1004's fix puts in place of a <c>WatchList…Async</c>
    /// started without a resourceVersion, driven by the real client against the loopback server.
    /// </summary>
    public class WatchEventsTests
    {
        [Fact]
        public async Task YieldsTheCurrentStateAsAddedThenEachChangeOnceAndResumesAfterADropWithoutReplaying()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 3);
            using var client = server.CreateClient();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var events = new ConcurrentQueue<(WatchEventType Type, string Name)>();
            var reader = Consume(Informers.WatchEventsAsync(ListWatch.ForPods(client), options: FastOptions(), cancellationToken: stop.Token), events);

            await Eventually(() => events.Count == 6, "the six pods arrive as ADDED");
            Assert.All(events, e => Assert.Equal(WatchEventType.Added, e.Type));
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");

            var seenRv = server.Upsert(FakeApiServer.Pod("ns-0", "new", "node-0"));
            await Eventually(() => events.Count == 7, "the new pod arrives");
            server.DropWatches();
            await Eventually(() => server.Watches.Count == 2 && server.ActiveWatchCount == 1, "the watch resumes");
            var existing = events.First().Name;
            server.Upsert(FakeApiServer.Pod(existing.Split('/')[0], existing.Split('/')[1], "node-1"));
            Assert.True(server.Delete("pods", "ns-0", "new"));
            await Eventually(() => events.Count == 9, "the change and the deletion arrive");

            Assert.Equal(
                new[] { (WatchEventType.Added, "ns-0/new"), (WatchEventType.Modified, existing), (WatchEventType.Deleted, "ns-0/new") },
                events.Skip(6).ToArray());
            Assert.Single(server.Lists); // a drop resumes: no relist, no replay
            Assert.Equal(seenRv.ToString(), server.Watches[1].ResourceVersion); // resumed from the last event it saw

            stop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader);
            await Eventually(() => server.ActiveWatchCount == 0, "cancelling the enumeration ends the watch");
        }

        [Fact]
        public async Task ThePlainWatchItReplacesReplaysEveryPodAtEachRestart()
        {
            // The shape RES1004 flags: restarted without a resourceVersion, every restart replays the collection.
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 3);
            using var client = server.CreateClient();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var events = new ConcurrentQueue<(WatchEventType Type, string Name)>();
            var reader = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await foreach (var (type, pod) in client.CoreV1.WatchListPodForAllNamespacesAsync(cancellationToken: stop.Token))
                        {
                            events.Enqueue((type, pod.Metadata.NamespaceProperty + "/" + pod.Metadata.Name));
                        }
                    }
                    catch (Exception) // a dropped stream throws; the loop restarts it, as the flagged code does
                    {
                    }
                }
            });

            await Eventually(() => events.Count == 6 && server.ActiveWatchCount == 1, "the six pods arrive");
            server.DropWatches();
            await Eventually(() => events.Count == 12, "the restart replays all six");
            Assert.All(events, e => Assert.Equal(WatchEventType.Added, e.Type));
            stop.Cancel();
            await reader;
        }

        [Fact]
        public async Task AfterA410ItRelistsAndYieldsOnlyWhatChangedMeanwhile()
        {
            var time = new FakeTimeProvider();
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 4, addNodes: false);
            using var client = server.CreateClient();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var errors = new ConcurrentQueue<Exception>();
            var events = new ConcurrentQueue<(WatchEventType Type, string Name)>();
            var reader = Consume(
                Informers.WatchEventsAsync(ListWatch.ForPods(client), errors.Enqueue, new InformerOptions { StreamingInitialList = false, TimeProvider = time, Random = new FixedRandom(0.5) }, stop.Token),
                events);
            await Eventually(() => events.Count == 4 && server.ActiveWatchCount == 1, "the four pods arrive and the watch opens");
            var names = events.Select(e => e.Name).ToArray();

            // The server restarts past the resourceVersion the stream saw; while it waits to reconnect (on the fake
            // clock), one pod changes, one is deleted, one is created.
            server.Restart(advanceResourceVersion: true);
            await Eventually(() => !errors.IsEmpty, "the dropped watch is reported to onError");
            server.Upsert(FakeApiServer.Pod(names[0].Split('/')[0], names[0].Split('/')[1], "node-9"));
            Assert.True(server.Delete("pods", names[1].Split('/')[0], names[1].Split('/')[1]));
            server.Upsert(FakeApiServer.Pod("ns-1", "late", "node-0"));

            // Step the fake clock until the backoffs have passed and the relist and new watch are in; each step only when
            // the condition is checked, so a slow machine gets as many steps as it needs.
            await Eventually(
                () =>
                {
                    if (server.Lists.Count == 2 && server.ActiveWatchCount == 1) return true;
                    time.Advance(TimeSpan.FromMilliseconds(100));
                    return false;
                },
                () => "the stream relists and watches again: " + string.Join(", ", server.Requests.Select(r => r.ToString())),
                30_000);
            await Eventually(() => events.Count == 7, () => "the relist's differences arrive: " + string.Join(", ", events));
            Assert.Equal(2, server.Lists.Count);
            Assert.Equal(
                new[] { (WatchEventType.Deleted, names[1]), (WatchEventType.Added, "ns-1/late"), (WatchEventType.Modified, names[0]) },
                events.Skip(4).ToArray());
            Assert.Contains(errors, e => ApiErrors.StatusCode(e) == 410);
            stop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader);
        }

        [Fact]
        public void ANullListWatchIsRejectedWhenTheStreamIsCreated()
        {
            var error = Assert.Throws<ArgumentNullException>(() => Informers.WatchEventsAsync<V1Pod, V1PodList>(null!));
            Assert.Equal("listWatch", error.ParamName);
        }

        private static Task Consume(System.Collections.Generic.IAsyncEnumerable<(WatchEventType Type, V1Pod Object)> stream, ConcurrentQueue<(WatchEventType, string)> into)
            => Task.Run(async () =>
            {
                await foreach (var (type, pod) in stream)
                {
                    into.Enqueue((type, pod.Metadata.NamespaceProperty + "/" + pod.Metadata.Name));
                }
            });
    }
}
