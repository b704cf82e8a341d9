using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Resilience.Kubernetes.Hosting
{
    /// <summary>
    /// One informer per (resource, namespace, field selector, label selector) per process, shared by every caller:
    /// ask for the same scope twice and you get the same <see cref="Informer{TItem, TList}"/>, so N handlers cost one
    /// LIST and one WATCH (client-go's <c>SharedInformerFactory</c>, k8s.io/client-go/informers/factory.go). Subscribe
    /// to its <c>Added</c>/<c>Updated</c>/<c>Deleted</c> events before the host starts (in a constructor) to see the
    /// first list. Informers created after <see cref="Start"/> start at once. Selectors are compared as written
    /// (<c>a=1,b=2</c> and <c>b=2,a=1</c> are two informers).
    /// </summary>
    public sealed class SharedInformerFactory : IAsyncDisposable, IDisposable
    {
        private readonly IKubernetes client;
        private readonly KubernetesInformerOptions options;
        private readonly ILogger logger;
        private readonly InformerMetrics? metrics;
        private readonly object gate = new();
        private readonly Dictionary<InformerKey, IInformer> informers = new();
        private bool started;
        private bool disposed;

        /// <summary>Creates the factory (the host does this: <c>services.AddKubernetesInformers()</c>).</summary>
        public SharedInformerFactory(IKubernetes client, IOptions<KubernetesInformerOptions> options, ILoggerFactory? loggerFactory = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
        {
            this.client = client ?? throw new ArgumentNullException(nameof(client));
            this.options = (options ?? throw new ArgumentNullException(nameof(options))).Value;
            logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Resilience.Kubernetes.Informer");
            metrics = meterFactory is null ? null : new InformerMetrics(meterFactory, this);
        }

        /// <summary>The node this process runs on (<see cref="KubernetesInformerOptions.NodeName"/>), or null.</summary>
        public string? NodeName => string.IsNullOrWhiteSpace(options.NodeName) ? null : options.NodeName;

        /// <summary>Every informer created so far with its scope, ordered by scope.</summary>
        public IReadOnlyList<KeyValuePair<InformerKey, IInformer>> Informers
        {
            get
            {
                lock (gate)
                {
                    return informers.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal).ToArray();
                }
            }
        }

        /// <summary>Pods of one namespace, or of all namespaces when <paramref name="namespace"/> is null.</summary>
        public Informer<V1Pod, V1PodList> Pods(string? @namespace = null, string? fieldSelector = null, string? labelSelector = null) =>
            GetOrCreate(new InformerKey("pods", @namespace, fieldSelector, labelSelector), () => ListWatch.ForPods(client, @namespace));

        /// <summary>The pods on this node (<c>spec.nodeName=</c><see cref="NodeName"/>), as the kubelet watches them.</summary>
        public Informer<V1Pod, V1PodList> NodePods(string? labelSelector = null) => Pods(null, "spec.nodeName=" + RequireNodeName(), labelSelector);

        /// <summary>Nodes; <see cref="OwnNode"/> for this node only.</summary>
        public Informer<V1Node, V1NodeList> Nodes(string? fieldSelector = null, string? labelSelector = null) =>
            GetOrCreate(new InformerKey("nodes", null, fieldSelector, labelSelector), () => ListWatch.ForNodes(client));

        /// <summary>This node only (<c>metadata.name=</c><see cref="NodeName"/>).</summary>
        public Informer<V1Node, V1NodeList> OwnNode() => Nodes("metadata.name=" + RequireNodeName());

        /// <summary>Custom objects of <paramref name="group"/>/<paramref name="version"/>/<paramref name="plural"/> (see <see cref="ListWatch.ForCustomObjects{TItem, TList}"/>).</summary>
        public Informer<TItem, TList> CustomObjects<TItem, TList>(
            string group, string version, string plural, string? @namespace = null, string? fieldSelector = null, string? labelSelector = null)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>, new()
            => GetOrCreate(
                new InformerKey(group + "/" + version + "/" + plural, @namespace, fieldSelector, labelSelector),
                () => ListWatch.ForCustomObjects<TItem, TList>(client, group, version, plural, @namespace));

        /// <summary>
        /// The shared informer of <paramref name="key"/>, created from <paramref name="listWatch"/> the first time.
        /// The key's selectors are sent with every LIST and WATCH; <paramref name="listWatch"/> supplies the rest.
        /// </summary>
        public Informer<TItem, TList> GetOrCreate<TItem, TList>(InformerKey key, Func<ListWatch<TItem, TList>> listWatch)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>, new()
        {
            if (listWatch is null) throw new ArgumentNullException(nameof(listWatch));
            key = key.Normalized();
            lock (gate)
            {
                if (disposed) throw new ObjectDisposedException(nameof(SharedInformerFactory));
                if (informers.TryGetValue(key, out var existing))
                {
                    return existing as Informer<TItem, TList>
                        ?? throw new InvalidOperationException($"{key} is already an informer of {existing.GetType().GenericTypeArguments[0].Name}, not {typeof(TItem).Name}.");
                }

                var informerOptions = (options.Informer ?? new InformerOptions()).Clone();
                informerOptions.FieldSelector = key.FieldSelector;
                informerOptions.LabelSelector = key.LabelSelector;
                informerOptions.Observer = new InformerTelemetry(key, logger, metrics);
                var informer = new Informer<TItem, TList>(listWatch(), informerOptions);
                informers.Add(key, informer);
                if (started) informer.Start();
                return informer;
            }
        }

        /// <summary>Starts every informer created so far, and from now on each new one as it is created.</summary>
        public void Start()
        {
            lock (gate)
            {
                if (disposed) throw new ObjectDisposedException(nameof(SharedInformerFactory));
                started = true;
                foreach (var informer in informers.Values) informer.Start();
            }
        }

        /// <summary>Waits until every informer created so far has synced.</summary>
        public Task WaitForSyncAsync(CancellationToken cancellationToken = default)
        {
            IInformer[] all;
            lock (gate) { all = informers.Values.ToArray(); }
            return Task.WhenAll(all.Select(i => i.WaitForSyncAsync(cancellationToken)));
        }

        /// <summary>Stops every informer and closes its watch.</summary>
        public async ValueTask DisposeAsync()
        {
            IInformer[] all;
            lock (gate)
            {
                if (disposed) return;
                disposed = true;
                all = informers.Values.ToArray();
            }

            await Task.WhenAll(all.Select(i => i.DisposeAsync().AsTask())).ConfigureAwait(false);
            metrics?.Dispose();
        }

        /// <summary>Stops every informer (blocks; prefer <see cref="DisposeAsync"/>).</summary>
        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

        private string RequireNodeName() =>
            NodeName ?? throw new InvalidOperationException(
                $"The node name is unknown: set KubernetesInformerOptions.NodeName or the {options.NodeNameEnvironmentVariable} environment variable (downward API, fieldPath spec.nodeName).");
    }

    /// <summary>The scope of one shared informer: resource (<c>pods</c>, <c>nodes</c>, <c>group/version/plural</c>), namespace and selectors.</summary>
    public readonly record struct InformerKey(string Resource, string? Namespace, string? FieldSelector, string? LabelSelector)
    {
        /// <summary>Empty strings as null, so "" and null name the same scope.</summary>
        internal InformerKey Normalized() => new(
            Resource,
            string.IsNullOrEmpty(Namespace) ? null : Namespace,
            string.IsNullOrEmpty(FieldSelector) ? null : FieldSelector,
            string.IsNullOrEmpty(LabelSelector) ? null : LabelSelector);

        /// <summary>e.g. <c>pods fieldSelector=spec.nodeName=node-1</c>.</summary>
        public override string ToString() =>
            Resource
            + (Namespace is null ? "" : " namespace=" + Namespace)
            + (FieldSelector is null ? "" : " fieldSelector=" + FieldSelector)
            + (LabelSelector is null ? "" : " labelSelector=" + LabelSelector);
    }
}
