using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Resilience.Kubernetes.Hosting;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests.Hosting
{
    public class TelemetryTests
    {
        [Fact]
        public async Task LogsCarryStableEventIdsForListSyncWatchRelistBackoffAndHandlerFailure()
        {
            var logs = new CapturingLoggerProvider();
            await using var scenario = await Scenario.RunAsync(logs);

            var ids = logs.Entries.Where(e => e.Category == "Resilience.Kubernetes.Informer").GroupBy(e => (e.Id, e.Name ?? ""))
                .ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(
                new Dictionary<(int, string), int>
                {
                    [(1801, "ListStarted")] = 2, [(1802, "ListCompleted")] = 2, [(1804, "Synced")] = 1,
                    [(1810, "WatchStarted")] = 2, [(1813, "RelistRequired")] = 1, [(1820, "BackingOff")] = 1,
                    [(1830, "HandlerFailed")] = 1,
                    [(1811, "WatchEnded")] = 1, // the host's stop ends the second watch
                },
                ids);
            var handler = logs.Entries.Single(e => e.Id == 1830);
            Assert.Equal(LogLevel.Error, handler.Level);
            Assert.Equal("handler bug", handler.Exception?.Message);
            Assert.StartsWith("pods: listed 2 objects at resourceVersion ", logs.Entries.First(e => e.Id == 1802).Message, StringComparison.Ordinal);
            Assert.Contains("410", logs.Entries.Single(e => e.Id == 1820).Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task MetricsFromTheHostsMeterFactoryCountListsWatchesRelistsEventsAndReportStoreSizeSyncTimeAndBackoff()
        {
            await using var scenario = await Scenario.RunAsync(null);
            var m = scenario.Measurements;

            Assert.Equal(2, m.Sum("k8s.informer.lists"));
            Assert.Equal(1, m.Sum("k8s.informer.lists", ("k8s.informer.relist", true)));
            Assert.Equal(2, m.Sum("k8s.informer.watches"));
            Assert.Equal(1, m.Sum("k8s.informer.relists"));
            Assert.Equal(2, m.Sum("k8s.informer.events", ("k8s.informer.event.type", "added")));
            Assert.Equal(0, m.Sum("k8s.informer.events", ("k8s.informer.event.type", "modified")));
            Assert.Single(m.All("k8s.informer.sync.duration"));
            Assert.Equal(0.005, scenario.BackoffWhileWaiting); // 10 ms ceiling × jitter 0.5, on the fake clock
            Assert.Equal(0.0, scenario.BackoffAfter);
            Assert.Equal(4, scenario.StoreSize);
            Assert.All(m.All("k8s.informer.lists"), r => Assert.Equal("pods", r.Tags["k8s.informer.resource"]));
        }

        /// <summary>
        /// A host with one pod informer: list 2 pods, watch 2 ADDED (one handler throws on the first), a 410 ERROR
        /// event, a backoff held on the fake clock (gauges read there), then the relist and the next watch.
        /// </summary>
        private sealed class Scenario : IAsyncDisposable
        {
            private FakeApiServer? server;
            private IHost? host;
            private MeterListener? listener;

            public Measurements Measurements { get; } = new();

            public double BackoffWhileWaiting { get; private set; }

            public double BackoffAfter { get; private set; }

            public double StoreSize { get; private set; }

            public static async Task<Scenario> RunAsync(ILoggerProvider? logs)
            {
                var s = new Scenario();
                s.server = await FakeApiServer.StartAsync();
                s.server.AddCluster(nodes: 1, podsPerNode: 2);
                var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
                s.host = TestHost.Build(s.server, o =>
                {
                    o.Informer = FastOptions();
                    o.Informer.TimeProvider = clock;
                }, b => b.AddPods(), logs: logs);
                s.listener = s.Measurements.Listen(s.host.Services.GetRequiredService<IMeterFactory>());
                var factory = s.host.Services.GetRequiredService<SharedInformerFactory>();
                var pods = factory.Pods();
                pods.Added += p =>
                {
                    if (p.Metadata.Name == "bad") throw new InvalidOperationException("handler bug");
                };

                await s.host.StartAsync(Timeout());
                await pods.WaitForSyncAsync(Timeout());
                await Eventually(() => s.server.ActiveWatchCount == 1, "the watch is open");
                s.server.Upsert(FakeApiServer.Pod("ns-0", "bad", "node-0"));
                s.server.Upsert(FakeApiServer.Pod("ns-0", "good", "node-0"));
                await Eventually(() => pods.Count == 4, "both ADDED events arrive");
                s.server.SendWatchError(410);
                await Eventually(() => pods.CurrentBackoff is not null, "the 410 backs off");
                s.BackoffWhileWaiting = s.Measurements.Observe(s.listener, "k8s.informer.backoff.delay");
                clock.Advance(TimeSpan.FromSeconds(1));
                await Eventually(() => pods.RelistCount == 1 && s.server.Watches.Count == 2 && s.server.ActiveWatchCount == 1, "the informer relists and watches again");
                s.BackoffAfter = s.Measurements.Observe(s.listener, "k8s.informer.backoff.delay");
                s.StoreSize = s.Measurements.Observe(s.listener, "k8s.informer.store.size");
                await s.host.StopAsync(Timeout());
                return s;
            }

            public async ValueTask DisposeAsync()
            {
                listener?.Dispose();
                host?.Dispose();
                if (server is not null) await server.DisposeAsync();
            }
        }

        internal sealed class Measurements
        {
            private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)> recorded = new();

            /// <summary>Listens to the informers' meter of this host's factory only (other tests' hosts run in parallel).</summary>
            public MeterListener Listen(IMeterFactory meterFactory)
            {
                var listener = new MeterListener
                {
                    InstrumentPublished = (instrument, l) =>
                    {
                        if (instrument.Meter.Name == InformerMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory)) l.EnableMeasurementEvents(instrument);
                    },
                };
                listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
                listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
                listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
                listener.Start();
                return listener;
            }

            /// <summary>Reads an observable instrument now (sum over informers).</summary>
            public double Observe(MeterListener listener, string name)
            {
                var before = recorded.Count(r => r.Name == name);
                listener.RecordObservableInstruments();
                return recorded.Where(r => r.Name == name).Skip(before).Sum(r => r.Value);
            }

            public IReadOnlyList<(string Name, double Value, Dictionary<string, object?> Tags)> All(string name) => recorded.Where(r => r.Name == name).ToArray();

            public double Sum(string name, params (string Key, object Value)[] tags) =>
                All(name).Where(r => tags.All(t => r.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value))).Sum(r => r.Value);

            private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
            {
                var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var tag in tags) copy[tag.Key] = tag.Value;
                recorded.Enqueue((instrument.Name, value, copy));
            }
        }

        internal sealed class CapturingLoggerProvider : ILoggerProvider
        {
            public ConcurrentQueue<(string Category, int Id, string? Name, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

            public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

            public void Dispose()
            {
            }

            private sealed class Logger : ILogger
            {
                private readonly CapturingLoggerProvider owner;
                private readonly string category;

                public Logger(CapturingLoggerProvider owner, string category)
                {
                    this.owner = owner;
                    this.category = category;
                }

                public IDisposable? BeginScope<TState>(TState state)
                    where TState : notnull => null;

                public bool IsEnabled(LogLevel logLevel) => true;

                public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                    owner.Entries.Enqueue((category, eventId.Id, eventId.Name, logLevel, formatter(state, exception), exception));
            }
        }
    }
}
