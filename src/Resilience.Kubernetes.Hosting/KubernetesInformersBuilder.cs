using System;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Resilience.Kubernetes.Hosting
{
    /// <summary>
    /// Declares informers at registration, so they are created and started with the host (and readiness waits for
    /// them) even before any component asks the <see cref="SharedInformerFactory"/> for them.
    /// </summary>
    public sealed class KubernetesInformersBuilder
    {
        internal KubernetesInformersBuilder(IServiceCollection services) => Services = services;

        /// <summary>The service collection.</summary>
        public IServiceCollection Services { get; }

        /// <summary>Pods of one namespace, or all (<see cref="SharedInformerFactory.Pods"/>).</summary>
        public KubernetesInformersBuilder AddPods(string? @namespace = null, string? fieldSelector = null, string? labelSelector = null) =>
            Add(f => f.Pods(@namespace, fieldSelector, labelSelector));

        /// <summary>This node's pods (<see cref="SharedInformerFactory.NodePods"/>); the node name becomes required at start.</summary>
        public KubernetesInformersBuilder AddNodePods(string? labelSelector = null) => RequireNodeName().Add(f => f.NodePods(labelSelector));

        /// <summary>Nodes (<see cref="SharedInformerFactory.Nodes"/>).</summary>
        public KubernetesInformersBuilder AddNodes(string? fieldSelector = null, string? labelSelector = null) => Add(f => f.Nodes(fieldSelector, labelSelector));

        /// <summary>This node only (<see cref="SharedInformerFactory.OwnNode"/>); the node name becomes required at start.</summary>
        public KubernetesInformersBuilder AddOwnNode() => RequireNodeName().Add(f => f.OwnNode());

        /// <summary>Custom objects (<see cref="SharedInformerFactory.CustomObjects{TItem, TList}"/>).</summary>
        public KubernetesInformersBuilder AddCustomObjects<TItem, TList>(
            string group, string version, string plural, string? @namespace = null, string? fieldSelector = null, string? labelSelector = null)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>, new()
            => Add(f => f.CustomObjects<TItem, TList>(group, version, plural, @namespace, fieldSelector, labelSelector));

        private KubernetesInformersBuilder Add(Action<SharedInformerFactory> create)
        {
            Services.AddSingleton(new InformerRegistration(create));
            return this;
        }

        private KubernetesInformersBuilder RequireNodeName()
        {
            Services.Configure<KubernetesInformerOptions>(o => o.NodeNameRequired = true);
            return this;
        }
    }
}
