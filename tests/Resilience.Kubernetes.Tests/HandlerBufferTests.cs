using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>Each handler registration has its own bounded buffer and task (InformerOptions.HandlerBufferCapacity).</summary>
    public class HandlerBufferTests
    {
        [Fact]
        public async Task ABlockedHandlerDoesNotStopAnotherHandlerNorTheStore()
        {
            await using var server = await FakeApiServer.StartAsync();
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: FastOptions());
            using var release = new ManualResetEventSlim();
            var blockedOn = new ConcurrentQueue<string>();
            // The events registration blocks on its first object (before this change it ran on the watch loop).
            informer.Added += p =>
            {
                blockedOn.Enqueue(p.Metadata.Name);
                release.Wait(TimeSpan.FromSeconds(20));
            };
            var other = new ConcurrentQueue<string>();
            using var registration = informer.AddHandler(added: p => other.Enqueue(p.Metadata.Name));
            await informer.StartAsync(Timeout());

            for (var i = 0; i < 5; i++) server.Upsert(FakeApiServer.Pod("ns-0", "pod-" + i, "node-0"));
            try
            {
                await Eventually(() => other.Count == 5, () => "the other handler gets every event, it got " + other.Count);
                await Eventually(() => informer.Count == 5, "the store takes every event");
                Assert.True(informer.TryGet("ns-0", "pod-4", out _));
                Assert.Equal(new[] { "pod-0" }, blockedOn.ToArray()); // still inside its first call
            }
            finally
            {
                release.Set();
            }

            await Eventually(() => blockedOn.Count == 5, "the blocked handler catches up once released");
            Assert.Equal(Enumerable.Range(0, 5).Select(i => "pod-" + i), blockedOn);
        }

        [Fact]
        public async Task EachHandlerSeesItsNotificationsInTheOrderOfTheWatch()
        {
            await using var server = await FakeApiServer.StartAsync();
            using var client = server.CreateClient();
            var options = FastOptions();
            options.HandlerBufferCapacity = 4; // small, so the loop also waits on the slow handler below
            await using var informer = Informers.ForPods(client, options: options);
            var fast = new ConcurrentQueue<string>();
            var slow = new ConcurrentQueue<string>();
            var events = new ConcurrentQueue<string>();
            using var a = informer.AddHandler(p => fast.Enqueue("+" + p.Metadata.Name), (_, p) => fast.Enqueue("~" + p.Metadata.Name + "@" + p.Metadata.ResourceVersion), p => fast.Enqueue("-" + p.Metadata.Name));
            using var b = informer.AddHandler(
                p => { Thread.Sleep(2); slow.Enqueue("+" + p.Metadata.Name); },
                (_, p) => { Thread.Sleep(2); slow.Enqueue("~" + p.Metadata.Name + "@" + p.Metadata.ResourceVersion); },
                p => { Thread.Sleep(2); slow.Enqueue("-" + p.Metadata.Name); });
            // The three events form one registration: their order across kinds is kept too.
            informer.Added += p => events.Enqueue("+" + p.Metadata.Name);
            informer.Updated += (_, p) => events.Enqueue("~" + p.Metadata.Name + "@" + p.Metadata.ResourceVersion);
            informer.Deleted += p => events.Enqueue("-" + p.Metadata.Name);
            await informer.StartAsync(Timeout());

            var expected = new List<string>();
            for (var round = 0; round < 10; round++)
            {
                var name = "pod-" + round;
                server.Upsert(FakeApiServer.Pod("ns-0", name, "node-0"));
                expected.Add("+" + name);
                for (var change = 0; change < 3; change++)
                {
                    var rv = server.Upsert(FakeApiServer.Pod("ns-0", name, "node-" + (change + 1)));
                    expected.Add("~" + name + "@" + rv);
                }

                if (round % 2 == 0)
                {
                    server.Delete("pods", "ns-0", name);
                    expected.Add("-" + name);
                }
            }

            await Eventually(() => slow.Count == expected.Count && fast.Count == expected.Count && events.Count == expected.Count,
                () => $"every handler gets {expected.Count} notifications: fast {fast.Count}, slow {slow.Count}, events {events.Count}");
            Assert.Equal(expected, fast);
            Assert.Equal(expected, slow);
            Assert.Equal(expected, events);
        }

        [Fact]
        public async Task AFullBufferMakesTheLoopWaitAndNothingIsLost()
        {
            await using var server = await FakeApiServer.StartAsync();
            using var client = server.CreateClient();
            var observer = new BufferObserver();
            var options = FastOptions();
            options.HandlerBufferCapacity = 2;
            options.Observer = observer;
            await using var informer = Informers.ForPods(client, options: options);
            using var release = new ManualResetEventSlim();
            var seen = new ConcurrentQueue<string>();
            using var registration = informer.AddHandler(added: p =>
            {
                seen.Enqueue(p.Metadata.Name);
                release.Wait(TimeSpan.FromSeconds(20));
            });
            await informer.StartAsync(Timeout());

            for (var i = 0; i < 10; i++) server.Upsert(FakeApiServer.Pod("ns-0", "pod-" + i, "node-0"));
            try
            {
                await Eventually(() => Volatile.Read(ref observer.Full) > 0, "the loop finds the buffer full");
                Assert.Equal(2, observer.Capacity);
                // Back-pressure: one notification in the handler, two buffered, the loop waiting with the fourth (whose
                // object it has stored). It reads no further while it waits, so the cache stops there.
                await Eventually(() => informer.Count == 4, () => "the cache holds the 4 objects, it holds " + informer.Count);
                await Task.Delay(300);
                Assert.Equal(4, informer.Count);
                Assert.Single(seen);
            }
            finally
            {
                release.Set();
            }

            // Released, the handler gets all ten (none dropped, none coalesced) in order, and the cache catches up.
            await Eventually(() => seen.Count == 10 && informer.Count == 10, () => $"handler {seen.Count}, cache {informer.Count}");
            Assert.Equal(Enumerable.Range(0, 10).Select(i => "pod-" + i), seen);
        }

        [Fact]
        public async Task AHandlerExceptionIsReportedAndDoesNotAffectAnotherHandler()
        {
            await using var server = await FakeApiServer.StartAsync();
            using var client = server.CreateClient();
            var observer = new BufferObserver();
            var options = FastOptions();
            options.Observer = observer;
            await using var informer = Informers.ForPods(client, options: options);
            var errors = new ConcurrentQueue<Exception>();
            informer.Error += errors.Enqueue;
            using var failing = informer.AddHandler(added: p => throw new InvalidOperationException("boom " + p.Metadata.Name));
            var other = new ConcurrentQueue<string>();
            var failingToo = new ConcurrentQueue<string>();
            using var ok = informer.AddHandler(added: p => other.Enqueue(p.Metadata.Name));
            informer.Added += p =>
            {
                failingToo.Enqueue(p.Metadata.Name);
                if (p.Metadata.Name == "pod-1") throw new InvalidOperationException("events boom");
            };
            await informer.StartAsync(Timeout());

            for (var i = 0; i < 3; i++) server.Upsert(FakeApiServer.Pod("ns-0", "pod-" + i, "node-0"));

            await Eventually(() => other.Count == 3 && failingToo.Count == 3 && errors.Count == 4, () => $"other {other.Count}, errors {errors.Count}");
            Assert.Equal(new[] { "pod-0", "pod-1", "pod-2" }, other);
            Assert.Equal(new[] { "pod-0", "pod-1", "pod-2" }, failingToo); // its own exception does not stop it either
            Assert.Equal(
                new[] { "boom pod-0", "boom pod-1", "boom pod-2", "events boom" },
                errors.Select(e => e.Message).OrderBy(m => m, StringComparer.Ordinal));
            Assert.Equal(4, observer.HandlerFailures.Count);
            Assert.Equal(3, informer.Count);
        }

        [Fact]
        public async Task DisposeWaitsForTheCallInProgressAndDropsWhatIsStillBuffered()
        {
            await using var server = await FakeApiServer.StartAsync();
            using var client = server.CreateClient();
            var informer = Informers.ForPods(client, options: FastOptions());
            using var entered = new ManualResetEventSlim();
            using var release = new ManualResetEventSlim();
            var seen = new ConcurrentQueue<string>();
            informer.Added += p =>
            {
                seen.Enqueue(p.Metadata.Name);
                entered.Set();
                release.Wait(TimeSpan.FromSeconds(20));
            };
            await informer.StartAsync(Timeout());
            for (var i = 0; i < 3; i++) server.Upsert(FakeApiServer.Pod("ns-0", "pod-" + i, "node-0"));
            await Eventually(() => informer.Count == 3, "the cache has the three objects");
            Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));

            var disposing = informer.DisposeAsync().AsTask();
            await Task.Delay(200);
            Assert.False(disposing.IsCompleted); // the handler is still in its call
            release.Set();
            await disposing.WaitAsync(TimeSpan.FromSeconds(10));
            await Task.Delay(100);
            Assert.Equal(new[] { "pod-0" }, seen);
            Assert.Throws<ObjectDisposedException>(() => informer.AddHandler(added: _ => { }));
        }

        [Fact]
        public async Task StartAsyncReturnsOnceEveryHandlerHasSeenTheFirstList()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 5);
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client, options: FastOptions());
            var seen = 0;
            using var registration = informer.AddHandler(added: _ => { Thread.Sleep(5); Interlocked.Increment(ref seen); });
            await informer.StartAsync(Timeout());
            Assert.Equal(10, Volatile.Read(ref seen));
        }

        [Fact]
        public void TheCapacityMustBeAtLeastOne()
        {
            var options = new InformerOptions { HandlerBufferCapacity = 0 };
            Assert.Throws<ArgumentOutOfRangeException>(() => new Informer<V1Pod, V1PodList>(new ListWatch<V1Pod, V1PodList>((_, _) => Task.FromResult(new V1PodList()), (_, _, _) => NoEvents()), options));
            Assert.Equal(1024, new InformerOptions().HandlerBufferCapacity);
            Assert.Equal(7, new InformerOptions { HandlerBufferCapacity = 7 }.Clone().HandlerBufferCapacity);
        }

        private static async IAsyncEnumerable<(k8s.WatchEventType, V1Pod)> NoEvents()
        {
            await Task.CompletedTask;
            yield break;
        }

        private sealed class BufferObserver : InformerObserver
        {
            public int Full;
            public int Capacity;

            public ConcurrentQueue<Exception> HandlerFailures { get; } = new();

            public override void HandlerBufferFull(int capacity)
            {
                Capacity = capacity;
                Interlocked.Increment(ref Full);
            }

            public override void HandlerFailed(Exception error) => HandlerFailures.Enqueue(error);
        }
    }
}
