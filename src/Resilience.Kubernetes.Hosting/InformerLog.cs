using System;
using Microsoft.Extensions.Logging;

namespace Resilience.Kubernetes.Hosting
{
    /// <summary>
    /// The informers' log messages. Event IDs are stable (docs/informer.md lists them): filter and alert on the ID,
    /// not the text. Category <c>Resilience.Kubernetes.Informer</c>.
    /// </summary>
    internal static partial class InformerLog
    {
        [LoggerMessage(EventId = 1801, EventName = "ListStarted", Level = LogLevel.Debug,
            Message = "{Informer}: listing (relist: {Relist}, consistent read: {Consistent})")]
        public static partial void ListStarted(ILogger logger, InformerKey informer, bool relist, bool consistent);

        [LoggerMessage(EventId = 1802, EventName = "ListCompleted", Level = LogLevel.Information,
            Message = "{Informer}: listed {Items} objects at resourceVersion {ResourceVersion} in {DurationMs} ms (relist: {Relist})")]
        public static partial void ListCompleted(ILogger logger, InformerKey informer, int items, string? resourceVersion, double durationMs, bool relist);

        [LoggerMessage(EventId = 1803, EventName = "ListFailed", Level = LogLevel.Warning,
            Message = "{Informer}: list failed after {DurationMs} ms (relist: {Relist})")]
        public static partial void ListFailed(ILogger logger, Exception error, InformerKey informer, double durationMs, bool relist);

        [LoggerMessage(EventId = 1804, EventName = "Synced", Level = LogLevel.Information,
            Message = "{Informer}: synced with {Items} objects, {DurationMs} ms after start")]
        public static partial void Synced(ILogger logger, InformerKey informer, int items, double durationMs);

        [LoggerMessage(EventId = 1805, EventName = "StreamingListStarted", Level = LogLevel.Debug,
            Message = "{Informer}: streaming list (sendInitialEvents) started (relist: {Relist})")]
        public static partial void StreamingListStarted(ILogger logger, InformerKey informer, bool relist);

        [LoggerMessage(EventId = 1806, EventName = "StreamingListCompleted", Level = LogLevel.Information,
            Message = "{Informer}: streamed {Items} objects to resourceVersion {ResourceVersion} in {DurationMs} ms (relist: {Relist}); watching on")]
        public static partial void StreamingListCompleted(ILogger logger, InformerKey informer, int items, string? resourceVersion, double durationMs, bool relist);

        [LoggerMessage(EventId = 1807, EventName = "StreamingListRefused", Level = LogLevel.Warning,
            Message = "{Informer}: the server refused the streaming list; listing then watching from now on")]
        public static partial void StreamingListRefused(ILogger logger, Exception reason, InformerKey informer);

        [LoggerMessage(EventId = 1810, EventName = "WatchStarted", Level = LogLevel.Debug,
            Message = "{Informer}: watching from resourceVersion {ResourceVersion} (timeoutSeconds {TimeoutSeconds})")]
        public static partial void WatchStarted(ILogger logger, InformerKey informer, string? resourceVersion, int timeoutSeconds);

        [LoggerMessage(EventId = 1811, EventName = "WatchEnded", Level = LogLevel.Debug,
            Message = "{Informer}: watch ended ({Outcome}) after {Events} events and {DurationMs} ms")]
        public static partial void WatchEnded(ILogger logger, InformerKey informer, WatchOutcome outcome, int events, double durationMs);

        [LoggerMessage(EventId = 1812, EventName = "WatchFailed", Level = LogLevel.Warning,
            Message = "{Informer}: watch failed after {Events} events and {DurationMs} ms")]
        public static partial void WatchFailed(ILogger logger, Exception? error, InformerKey informer, int events, double durationMs);

        [LoggerMessage(EventId = 1813, EventName = "RelistRequired", Level = LogLevel.Warning,
            Message = "{Informer}: resourceVersion expired (410 Gone) after {Events} events; relisting")]
        public static partial void RelistRequired(ILogger logger, Exception? error, InformerKey informer, int events);

        [LoggerMessage(EventId = 1820, EventName = "BackingOff", Level = LogLevel.Warning,
            Message = "{Informer}: retrying in {DelayMs} ms after: {Reason}")]
        public static partial void BackingOff(ILogger logger, InformerKey informer, double delayMs, string reason);

        [LoggerMessage(EventId = 1830, EventName = "HandlerFailed", Level = LogLevel.Error,
            Message = "{Informer}: an event handler threw; the informer goes on with the next event")]
        public static partial void HandlerFailed(ILogger logger, Exception error, InformerKey informer);
    }
}
