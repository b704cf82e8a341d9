using System;
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

        private static InformerOptions WithSelectors(InformerOptions? options, string? fieldSelector, string? labelSelector)
        {
            var source = options ?? new InformerOptions();
            return new InformerOptions
            {
                FieldSelector = Combine(source.FieldSelector, fieldSelector),
                LabelSelector = Combine(source.LabelSelector, labelSelector),
                ConsistentInitialList = source.ConsistentInitialList,
                PageSize = source.PageSize,
                MinWatchTimeout = source.MinWatchTimeout,
                InitialBackoff = source.InitialBackoff,
                MaxBackoff = source.MaxBackoff,
                BackoffFactor = source.BackoffFactor,
                BackoffResetAfter = source.BackoffResetAfter,
                TimeProvider = source.TimeProvider,
                Random = source.Random,
            };
        }

        private static string? Combine(string? a, string? b)
        {
            if (string.IsNullOrEmpty(a)) return string.IsNullOrEmpty(b) ? null : b;
            if (string.IsNullOrEmpty(b)) return a;
            return a + "," + b;
        }
    }
}
