using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using k8s;

namespace Resilience.Kubernetes.Hosting
{
    /// <summary>
    /// The shared informers' metrics, on a <see cref="Meter"/> named <see cref="MeterName"/> from the host's
    /// <see cref="IMeterFactory"/>. Names and units follow the OpenTelemetry conventions (dotted lower case, UCUM units,
    /// <c>{annotation}</c> for counts, seconds for durations, <c>error.type</c> for failures;
    /// opentelemetry.io/docs/specs/semconv/general/metrics). Every measurement carries the informer's scope:
    /// <c>k8s.informer.resource</c>, and <c>k8s.namespace.name</c>, <c>k8s.informer.field_selector</c>,
    /// <c>k8s.informer.label_selector</c> when set.
    /// </summary>
    public sealed class InformerMetrics : IDisposable
    {
        /// <summary>The meter's name, for <c>AddMeter</c> in an OpenTelemetry exporter or <c>dotnet-counters</c>.</summary>
        public const string MeterName = "Resilience.Kubernetes.Informers";

        private readonly Meter meter;
        private readonly Counter<long> lists;
        private readonly Counter<long> watches;
        private readonly Counter<long> relists;
        private readonly Counter<long> events;
        private readonly Histogram<double> syncDuration;

        internal InformerMetrics(IMeterFactory meterFactory, SharedInformerFactory factory)
        {
            meter = meterFactory.Create(MeterName);
            lists = meter.CreateCounter<long>("k8s.informer.lists", "{list}", "Lists completed or failed, by k8s.informer.list.mode: list (LIST, a paginated one counts once) or stream (KEP-3157 streaming list).");
            watches = meter.CreateCounter<long>("k8s.informer.watches", "{watch}", "WATCH requests started.");
            relists = meter.CreateCounter<long>("k8s.informer.relists", "{relist}", "Relists caused by 410 Gone.");
            events = meter.CreateCounter<long>("k8s.informer.events", "{event}", "Watch events received, by k8s.informer.event.type.");
            syncDuration = meter.CreateHistogram<double>("k8s.informer.sync.duration", "s", "Time from start to the first stored list.");
            meter.CreateObservableUpDownCounter("k8s.informer.store.size", () => Observe(factory, i => i.Count), "{object}", "Objects in the informer's cache.");
            meter.CreateObservableGauge(
                "k8s.informer.backoff.delay",
                () => Observe(factory, i => i.CurrentBackoff is { } b ? b.Delay.TotalSeconds : 0.0),
                "s",
                "The wait in progress before a retry; 0 when the informer is not backing off.");
        }

        /// <inheritdoc />
        public void Dispose() => meter.Dispose();

        internal void List(InformerKey key, bool relist, Exception? error, bool streaming = false)
        {
            var tags = Tags(key);
            tags.Add("k8s.informer.relist", relist);
            tags.Add("k8s.informer.list.mode", streaming ? "stream" : "list");
            if (error is not null) tags.Add("error.type", ErrorType(error));
            lists.Add(1, tags);
        }

        internal void Watch(InformerKey key) => watches.Add(1, Tags(key));

        internal void Relist(InformerKey key) => relists.Add(1, Tags(key));

        internal void Synced(InformerKey key, TimeSpan sinceStart) => syncDuration.Record(sinceStart.TotalSeconds, Tags(key));

        internal void Event(InformerKey key, WatchEventType type)
        {
            var tags = Tags(key);
            tags.Add("k8s.informer.event.type", EventType(type));
            events.Add(1, tags);
        }

        private static IEnumerable<Measurement<T>> Observe<T>(SharedInformerFactory factory, Func<IInformer, T> read)
            where T : struct
        {
            foreach (var (key, informer) in factory.Informers) yield return new Measurement<T>(read(informer), Tags(key));
        }

        private static TagList Tags(InformerKey key)
        {
            var tags = new TagList { { "k8s.informer.resource", key.Resource } };
            if (key.Namespace is not null) tags.Add("k8s.namespace.name", key.Namespace);
            if (key.FieldSelector is not null) tags.Add("k8s.informer.field_selector", key.FieldSelector);
            if (key.LabelSelector is not null) tags.Add("k8s.informer.label_selector", key.LabelSelector);
            return tags;
        }

        private static string EventType(WatchEventType type) => type switch
        {
            WatchEventType.Added => "added",
            WatchEventType.Modified => "modified",
            WatchEventType.Deleted => "deleted",
            WatchEventType.Bookmark => "bookmark",
            _ => "error",
        };

        // OpenTelemetry error.type: the status code when the server sent one, else the exception's type.
        private static string ErrorType(Exception error) =>
            ApiErrors.StatusCode(error) is { } code ? code.ToString(CultureInfo.InvariantCulture) : error.GetType().FullName ?? "error";
    }
}
