using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace Resilience.Kubernetes
{
    /// <summary>Factories for common informers.</summary>
    public static class Informers
    {
        /// <summary>An informer over any list/watch pair (typed groups, custom objects, …).</summary>
        public static Informer<TItem, TList> Create<TItem, TList>(ListWatch<TItem, TList> listWatch, InformerOptions? options = null)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>, new()
            => new(listWatch, options);

        /// <summary>Pods of one namespace, or of all namespaces when <paramref name="namespace"/> is null.</summary>
        public static Informer<V1Pod, V1PodList> ForPods(
            IKubernetes client, string? @namespace = null, string? fieldSelector = null, string? labelSelector = null, InformerOptions? options = null)
            => new(ListWatch.ForPods(client, @namespace), WithSelectors(options, fieldSelector, labelSelector));

        /// <summary>
        /// The pods scheduled on one node (<c>fieldSelector=spec.nodeName=&lt;node&gt;</c>), the way the kubelet watches
        /// its own pods. Served from the watch cache's <c>spec.nodeName</c> index, so the cost does not grow with the cluster.
        /// Get the node name from the downward API (<c>spec.nodeName</c> into an environment variable).
        /// </summary>
        public static Informer<V1Pod, V1PodList> ForNodePods(
            IKubernetes client, string nodeName, string? labelSelector = null, InformerOptions? options = null)
        {
            if (string.IsNullOrWhiteSpace(nodeName)) throw new ArgumentException("A node name is required.", nameof(nodeName));
            return ForPods(client, null, "spec.nodeName=" + nodeName, labelSelector, options);
        }

        /// <summary>Nodes; pass <c>metadata.name=&lt;node&gt;</c> as <paramref name="fieldSelector"/> to watch only your own node.</summary>
        public static Informer<V1Node, V1NodeList> ForNodes(
            IKubernetes client, string? fieldSelector = null, string? labelSelector = null, InformerOptions? options = null)
            => new(ListWatch.ForNodes(client), WithSelectors(options, fieldSelector, labelSelector));

        /// <summary>
        /// A watch stream that resumes — the drop-in for a <c>WatchList…Async</c> stream started without a resourceVersion
        /// (RES1004's fix). It yields what such a stream yields, <c>(WatchEventType, TItem)</c>: ADDED for every object at
        /// the start, then each change. Underneath is an <see cref="Informer{TItem, TList}"/>: one LIST at
        /// <c>resourceVersion=0</c>, then WATCH with bookmarks, resumed from the last resourceVersion when the server ends
        /// it (no replay), relisted only on 410 Gone (yielding the differences: ADDED, MODIFIED, DELETED), with jittered
        /// backoff between failures. Failures do not end the stream; they go to <paramref name="onError"/>. The stream
        /// ends when <paramref name="cancellationToken"/> is cancelled (with <see cref="OperationCanceledException"/>) or
        /// when the caller stops enumerating; the informer is disposed then.
        /// </summary>
        /// <remarks>
        /// Events are buffered without bound between the informer and the consumer, and the informer keeps the objects
        /// in scope in memory (it needs them to report what a relist changed), as client-go's reflector does.
        /// </remarks>
        public static IAsyncEnumerable<(WatchEventType Type, TItem Object)> WatchEventsAsync<TItem, TList>(
            ListWatch<TItem, TList> listWatch,
            Action<Exception>? onError = null,
            InformerOptions? options = null,
            CancellationToken cancellationToken = default)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>, new()
        {
            if (listWatch is null) throw new ArgumentNullException(nameof(listWatch));
            return ReadEventsAsync(listWatch, onError, options, cancellationToken);
        }

        private static async IAsyncEnumerable<(WatchEventType Type, TItem Object)> ReadEventsAsync<TItem, TList>(
            ListWatch<TItem, TList> listWatch,
            Action<Exception>? onError,
            InformerOptions? options,
            [EnumeratorCancellation] CancellationToken cancellationToken)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>, new()
        {
            cancellationToken.ThrowIfCancellationRequested();
            var events = Channel.CreateUnbounded<(WatchEventType Type, TItem Object)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            await using var informer = new Informer<TItem, TList>(listWatch, options);
            informer.Added += item => events.Writer.TryWrite((WatchEventType.Added, item));
            informer.Updated += (_, item) => events.Writer.TryWrite((WatchEventType.Modified, item));
            informer.Deleted += item => events.Writer.TryWrite((WatchEventType.Deleted, item));
            if (onError is not null) informer.Error += onError;
            informer.Start();
            while (await events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (events.Reader.TryRead(out var next)) yield return next;
            }
        }

        private static InformerOptions WithSelectors(InformerOptions? options, string? fieldSelector, string? labelSelector)
        {
            var copy = options?.Clone() ?? new InformerOptions();
            copy.FieldSelector = Combine(copy.FieldSelector, fieldSelector);
            copy.LabelSelector = Combine(copy.LabelSelector, labelSelector);
            return copy;
        }

        private static string? Combine(string? a, string? b)
        {
            if (string.IsNullOrEmpty(a)) return string.IsNullOrEmpty(b) ? null : b;
            if (string.IsNullOrEmpty(b)) return a;
            return a + "," + b;
        }
    }
}
