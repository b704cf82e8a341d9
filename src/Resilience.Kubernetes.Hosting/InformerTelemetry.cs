using System;
using k8s;
using Microsoft.Extensions.Logging;

namespace Resilience.Kubernetes.Hosting
{
    /// <summary>Logs and metrics of one shared informer: the factory sets one as each informer's observer.</summary>
    internal sealed class InformerTelemetry : InformerObserver
    {
        private readonly InformerKey key;
        private readonly ILogger logger;
        private readonly InformerMetrics? metrics;

        public InformerTelemetry(InformerKey key, ILogger logger, InformerMetrics? metrics)
        {
            this.key = key;
            this.logger = logger;
            this.metrics = metrics;
        }

        public override void ListStarted(bool relist, bool consistent) => InformerLog.ListStarted(logger, key, relist, consistent);

        public override void ListCompleted(bool relist, int items, string? resourceVersion, TimeSpan duration)
        {
            InformerLog.ListCompleted(logger, key, items, resourceVersion, duration.TotalMilliseconds, relist);
            metrics?.List(key, relist, error: null);
        }

        public override void ListFailed(bool relist, Exception error, TimeSpan duration)
        {
            InformerLog.ListFailed(logger, error, key, duration.TotalMilliseconds, relist);
            metrics?.List(key, relist, error);
        }

        public override void StreamingListStarted(bool relist) => InformerLog.StreamingListStarted(logger, key, relist);

        public override void StreamingListCompleted(bool relist, int items, string? resourceVersion, TimeSpan duration)
        {
            InformerLog.StreamingListCompleted(logger, key, items, resourceVersion, duration.TotalMilliseconds, relist);
            metrics?.List(key, relist, error: null, streaming: true);
        }

        public override void StreamingListRefused(Exception reason)
        {
            InformerLog.StreamingListRefused(logger, reason, key);
            metrics?.List(key, relist: false, reason, streaming: true);
        }

        public override void Synced(int items, TimeSpan sinceStart)
        {
            InformerLog.Synced(logger, key, items, sinceStart.TotalMilliseconds);
            metrics?.Synced(key, sinceStart);
        }

        public override void WatchStarted(string? resourceVersion, int timeoutSeconds)
        {
            InformerLog.WatchStarted(logger, key, resourceVersion, timeoutSeconds);
            metrics?.Watch(key);
        }

        public override void EventReceived(WatchEventType type) => metrics?.Event(key, type);

        public override void WatchEnded(WatchOutcome outcome, int events, TimeSpan duration, Exception? error)
        {
            switch (outcome)
            {
                case WatchOutcome.Gone:
                    InformerLog.RelistRequired(logger, error, key, events);
                    metrics?.Relist(key);
                    break;
                case WatchOutcome.Failed:
                    InformerLog.WatchFailed(logger, error, key, events, duration.TotalMilliseconds);
                    break;
                default:
                    InformerLog.WatchEnded(logger, key, outcome, events, duration.TotalMilliseconds);
                    break;
            }
        }

        public override void BackingOff(InformerBackoff backoff) =>
            InformerLog.BackingOff(logger, key, backoff.Delay.TotalMilliseconds, Reason(backoff.Reason));

        public override void HandlerFailed(Exception error) => InformerLog.HandlerFailed(logger, error, key);

        /// <summary>One line for logs and health data: the HTTP/Status code when there is one, then the message.</summary>
        internal static string Reason(Exception error) =>
            ApiErrors.StatusCode(error) is { } code ? $"{code}: {error.Message}" : $"{error.GetType().Name}: {error.Message}";
    }
}
