using System;
using k8s;

namespace Resilience.Kubernetes
{
    /// <summary>
    /// Receives what an <see cref="Informer{TItem, TList}"/> does, for logs and metrics (set it as
    /// <see cref="InformerOptions.Observer"/>). Every method does nothing unless overridden. Calls come from the
    /// informer's loop, one at a time, except <see cref="HandlerFailed"/> for object handlers (see there); they must be quick. An exception thrown here is ignored.
    /// </summary>
    public abstract class InformerObserver
    {
        /// <summary>A LIST starts: the first one, or (<paramref name="relist"/>) the relist after 410 Gone.</summary>
        public virtual void ListStarted(bool relist, bool consistent) { }

        /// <summary>A LIST was stored: <paramref name="items"/> objects at <paramref name="resourceVersion"/>.</summary>
        public virtual void ListCompleted(bool relist, int items, string? resourceVersion, TimeSpan duration) { }

        /// <summary>A LIST failed (the informer backs off and lists again).</summary>
        public virtual void ListFailed(bool relist, Exception error, TimeSpan duration) { }

        /// <summary>A streaming list (KEP-3157 watch with <c>sendInitialEvents=true</c>) starts: the first one or (<paramref name="relist"/>) after 410 Gone.</summary>
        public virtual void StreamingListStarted(bool relist) { }

        /// <summary>The initial events of a streaming list were stored at its initial-events-end bookmark; the stream goes on as the watch.</summary>
        public virtual void StreamingListCompleted(bool relist, int items, string? resourceVersion, TimeSpan duration) { }

        /// <summary>The server refused the streaming list (or ended it without the bookmark); the informer lists instead from now on.</summary>
        public virtual void StreamingListRefused(Exception reason) { }

        /// <summary>The first LIST (or streaming list) was stored, <paramref name="sinceStart"/> after <c>Start</c>.</summary>
        public virtual void Synced(int items, TimeSpan sinceStart) { }

        /// <summary>A WATCH starts from <paramref name="resourceVersion"/>.</summary>
        public virtual void WatchStarted(string? resourceVersion, int timeoutSeconds) { }

        /// <summary>One watch event was received (bookmarks included).</summary>
        public virtual void EventReceived(WatchEventType type) { }

        /// <summary>A WATCH ended: how, after how many events, and the failure if any (410 Gone leads to a relist).</summary>
        public virtual void WatchEnded(WatchOutcome outcome, int events, TimeSpan duration, Exception? error) { }

        /// <summary>The informer waits before it retries.</summary>
        public virtual void BackingOff(InformerBackoff backoff) { }

        /// <summary>
        /// An Added/Updated/Deleted/BackingOff handler threw (the informer goes on with the next event). For
        /// Added/Updated/Deleted handlers this call comes from that handler's own task, not from the loop, so it may run
        /// at the same time as the other calls.
        /// </summary>
        public virtual void HandlerFailed(Exception error) { }

        /// <summary>
        /// A handler's buffer (<see cref="InformerOptions.HandlerBufferCapacity"/>) is full: the loop waits for that
        /// handler to take the next notification before it reads on (back-pressure; nothing is dropped).
        /// </summary>
        public virtual void HandlerBufferFull(int capacity) { }
    }

    /// <summary>How a WATCH ended.</summary>
    public enum WatchOutcome
    {
        /// <summary>The server ended it normally (timeoutSeconds); the informer re-watches at once.</summary>
        Closed,

        /// <summary>410 Gone: the resourceVersion was compacted away; the informer backs off and relists.</summary>
        Gone,

        /// <summary>An error, a dropped stream or a very short watch; the informer backs off and re-watches.</summary>
        Failed,

        /// <summary>The informer was disposed.</summary>
        Stopped,

        /// <summary>
        /// The server refused a streaming list (a 4xx Status, or the stream ended without the initial-events-end
        /// bookmark); the informer lists, then watches, at once and from then on.
        /// </summary>
        Refused,
    }

    /// <summary>What every informer tells about itself, whatever its object type (for health checks and dashboards).</summary>
    public interface IInformer : IAsyncDisposable
    {
        /// <summary>True once the first LIST has been stored.</summary>
        bool HasSynced { get; }

        /// <summary>The wait in progress before a retry, or null when the informer is not backing off.</summary>
        InformerBackoff? CurrentBackoff { get; }

        /// <summary>Number of cached objects.</summary>
        int Count { get; }

        /// <summary>The resourceVersion the next watch resumes from.</summary>
        string? LastSyncResourceVersion { get; }

        /// <summary>Starts the list/watch loop (does nothing if started).</summary>
        void Start();

        /// <summary>Waits until the first list is stored.</summary>
        System.Threading.Tasks.Task WaitForSyncAsync(System.Threading.CancellationToken cancellationToken = default);
    }
}
