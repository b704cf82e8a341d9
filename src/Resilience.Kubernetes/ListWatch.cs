using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Resilience.Kubernetes
{
    /// <summary>
    /// The LIST and WATCH calls of one collection (any group, any kind, custom objects included), as delegates.
    /// The informer and the pager only ever talk to the API server through these two functions.
    /// </summary>
    /// <typeparam name="TItem">The object type, e.g. <see cref="V1Pod"/>.</typeparam>
    /// <typeparam name="TList">The list type the client returns, e.g. <see cref="V1PodList"/>.</typeparam>
    public sealed class ListWatch<TItem, TList>
        where TItem : class, IKubernetesObject<V1ObjectMeta>
        where TList : class, IMetadata<V1ListMeta>, IItems<TItem>
    {
        private readonly Func<ListOptions, CancellationToken, Task<TList>> list;
        private readonly Func<ListOptions, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType Type, TItem Object)>> watch;

        /// <summary>Creates a list/watch pair from a LIST function and a WATCH function.</summary>
        /// <param name="list">Performs one LIST with the given options (never with <c>watch=true</c>).</param>
        /// <param name="watch">
        /// Opens one WATCH with the given options and streams its events, e.g. the client's
        /// <c>WatchList…Async</c> extension methods. Must pass status objects of ERROR events to the error callback
        /// (the client's watch enumerators do) and end when the server closes the stream.
        /// </param>
        public ListWatch(
            Func<ListOptions, CancellationToken, Task<TList>> list,
            Func<ListOptions, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType Type, TItem Object)>> watch)
        {
            this.list = list ?? throw new ArgumentNullException(nameof(list));
            this.watch = watch ?? throw new ArgumentNullException(nameof(watch));
        }

        /// <summary>Performs one LIST.</summary>
        public Task<TList> ListAsync(ListOptions options, CancellationToken cancellationToken)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            return list(options with { Watch = false }, cancellationToken);
        }

        /// <summary>Opens one WATCH.</summary>
        public IAsyncEnumerable<(WatchEventType Type, TItem Object)> WatchAsync(ListOptions options, Action<Exception> onError, CancellationToken cancellationToken)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            return watch(options with { Watch = true }, onError, cancellationToken);
        }
    }

    /// <summary>Factories for <see cref="ListWatch{TItem, TList}"/>.</summary>
    public static class ListWatch
    {
        /// <summary>
        /// Wraps any of the client's <c>List…WithHttpMessagesAsync</c> operations (typed groups, custom objects).
        /// The delegate must forward every <see cref="ListOptions"/> property, including <c>watch: o.Watch</c>:
        /// <code>
        /// ListWatch.FromHttpOperation&lt;V1Pod, V1PodList&gt;((o, ct) =&gt; client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(
        ///     "default", allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue,
        ///     fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, limit: o.Limit,
        ///     resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch,
        ///     timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: ct));
        /// </code>
        /// The watch stream of such a response is read with the client's own line reader
        /// (<c>k8s.WatcherExt.WatchAsync</c>, marked obsolete in 21.x but the only public way to read the stream of an
        /// arbitrary <c>watch=true</c> response); prefer the typed factories where one exists.
        /// </summary>
        public static ListWatch<TItem, TList> FromHttpOperation<TItem, TList>(
            Func<ListOptions, CancellationToken, Task<HttpOperationResponse<TList>>> operation)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>
        {
            if (operation is null) throw new ArgumentNullException(nameof(operation));
            return new ListWatch<TItem, TList>(
                async (o, ct) =>
                {
                    using var response = await operation(o, ct).ConfigureAwait(false);
                    return response.Body;
                },
                (o, onError, ct) =>
                {
#pragma warning disable CS0618 // WatcherExt.WatchAsync is the client's reader for watch=true responses.
                    return WatcherExt.WatchAsync<TItem, TList>(operation(o, ct), onError, ct);
#pragma warning restore CS0618
                });
        }

        /// <summary>Pods in one namespace, or in all namespaces when <paramref name="namespace"/> is null.</summary>
        // The operations are found by reflection (ListOperation): keep them when an application is trimmed.
        [DynamicDependency(nameof(ICoreV1Operations.ListPodForAllNamespacesWithHttpMessagesAsync), typeof(ICoreV1Operations))]
        [DynamicDependency(nameof(ICoreV1Operations.ListNamespacedPodWithHttpMessagesAsync), typeof(ICoreV1Operations))]
        public static ListWatch<V1Pod, V1PodList> ForPods(IKubernetes client, string? @namespace = null)
        {
            if (client is null) throw new ArgumentNullException(nameof(client));
            // By parameter name, not the typed List…Async/WatchList…Async: their signatures change between client
            // releases (ListOperation explains), and this assembly must run on every supported one.
            return FromOperation<V1Pod, V1PodList>(client.CoreV1, @namespace is null
                ? nameof(ICoreV1Operations.ListPodForAllNamespacesWithHttpMessagesAsync)
                : nameof(ICoreV1Operations.ListNamespacedPodWithHttpMessagesAsync), @namespace);
        }

        /// <summary>Nodes (cluster-scoped).</summary>
        [DynamicDependency(nameof(ICoreV1Operations.ListNodeWithHttpMessagesAsync), typeof(ICoreV1Operations))]
        public static ListWatch<V1Node, V1NodeList> ForNodes(IKubernetes client)
        {
            if (client is null) throw new ArgumentNullException(nameof(client));
            return FromOperation<V1Node, V1NodeList>(client.CoreV1, nameof(ICoreV1Operations.ListNodeWithHttpMessagesAsync), null);
        }

        private static ListWatch<TItem, TList> FromOperation<TItem, TList>(ICoreV1Operations operations, string name, string? @namespace)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>
        {
            var operation = ListOperation<TList>.Bind(operations, name);
            return FromHttpOperation<TItem, TList>((o, ct) => operation.InvokeAsync(@namespace, o, ct));
        }

        /// <summary>
        /// Custom objects of one <paramref name="group"/>/<paramref name="version"/>/<paramref name="plural"/>, in one
        /// namespace or cluster-wide (all namespaces, or a cluster-scoped resource) when <paramref name="namespace"/> is null.
        /// <typeparamref name="TItem"/> and <typeparamref name="TList"/> are the caller's model classes.
        /// The client's custom-object operations have no <c>sendInitialEvents</c> parameter (KubernetesClient 21.x), so a
        /// streaming watch (<see cref="ListOptions.SendInitialEvents"/> set) is sent by <see cref="StreamingWatch"/> through
        /// the client's own <c>HttpClient</c>, credentials and watch-line reader; that needs a <see cref="Kubernetes"/>
        /// client, and with another <see cref="IKubernetes"/> it throws <see cref="NotSupportedException"/> (an informer
        /// then lists instead).
        /// </summary>
        public static ListWatch<TItem, TList> ForCustomObjects<TItem, TList>(
            IKubernetes client, string group, string version, string plural, string? @namespace = null)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>
        {
            if (client is null) throw new ArgumentNullException(nameof(client));
            var operations = @namespace is null
                ? FromHttpOperation<TItem, TList>((o, ct) => client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<TList>(
                    group, version, plural, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue,
                    fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, limit: o.Limit,
                    resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch,
                    timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: ct))
                : FromHttpOperation<TItem, TList>((o, ct) => client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<TList>(
                    group, version, @namespace, plural, allowWatchBookmarks: o.AllowWatchBookmarks, continueParameter: o.Continue,
                    fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, limit: o.Limit,
                    resourceVersion: o.ResourceVersion, resourceVersionMatch: o.ResourceVersionMatch,
                    timeoutSeconds: o.TimeoutSeconds, watch: o.Watch, cancellationToken: ct));
            var path = StreamingWatch.CustomObjectsPath(group, version, plural, @namespace);
            return new ListWatch<TItem, TList>(
                operations.ListAsync,
                (o, onError, ct) => o.SendInitialEvents is null
                    ? operations.WatchAsync(o, onError, ct)
                    : StreamingWatch.WatchAsync<TItem>(client, path, o, onError, ct));
        }
    }
}
