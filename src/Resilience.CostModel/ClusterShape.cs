using System;
using System.Collections.Generic;

namespace Resilience.CostModel
{
    /// <summary>The size of the cluster a piece of code will run in.</summary>
    public sealed class ClusterShape
    {
        /// <summary>Design §5: what the analyzers assume when nothing is configured.</summary>
        public const int DefaultNodes = 1000;

        /// <summary>Design §5 default. The scalability envelope allows 110 pods per node (facts.md).</summary>
        public const int DefaultPodsPerNode = 30;

        /// <summary>
        /// Pods are ~14 KB as JSON in today's scale tests and 10–20 KB in the wild (facts.md, "Sizes and churn").
        /// The C# client asks for plain JSON, so JSON is what the API server serializes for it.
        /// </summary>
        public const int DefaultPodJsonBytes = 14_000;

        /// <summary>Nodes are 27–55 KB as JSON (facts.md, "Sizes and churn" [S]); the middle of that range.</summary>
        public const int DefaultNodeJsonBytes = 40_000;

        /// <summary>Objects are usually at most 20 KB (facts.md); a neutral guess for kinds we have no figure for.</summary>
        public const int DefaultOtherJsonBytes = 5_000;

        /// <summary>10,000 services in the 5,000-node envelope (facts.md): two per node.</summary>
        public const double DefaultServicesPerNode = 2.0;

        public ClusterShape(int nodes = DefaultNodes, int podsPerNode = DefaultPodsPerNode)
        {
            if (nodes < 1) throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "A cluster has at least one node.");
            if (podsPerNode < 0) throw new ArgumentOutOfRangeException(nameof(podsPerNode), podsPerNode, "Pods per node cannot be negative.");
            Nodes = nodes;
            PodsPerNode = podsPerNode;
        }

        public int Nodes { get; }

        public int PodsPerNode { get; }

        public long Pods => (long)Nodes * PodsPerNode;

        private Dictionary<ResourceKind, long>? objectCounts;
        private Dictionary<ResourceKind, int>? objectBytes;

        /// <summary>A copy of this shape that stores <paramref name="count"/> objects of <paramref name="kind"/> (overrides the default rule).</summary>
        public ClusterShape WithObjects(ResourceKind kind, long count)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "An object count cannot be negative.");
            var copy = Copy();
            copy.objectCounts ??= new Dictionary<ResourceKind, long>();
            copy.objectCounts[kind] = count;
            return copy;
        }

        /// <summary>A copy of this shape whose objects of <paramref name="kind"/> are <paramref name="bytes"/> as JSON.</summary>
        public ClusterShape WithObjectBytes(ResourceKind kind, int bytes)
        {
            if (bytes < 1) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "An object has at least one byte.");
            var copy = Copy();
            copy.objectBytes ??= new Dictionary<ResourceKind, int>();
            copy.objectBytes[kind] = bytes;
            return copy;
        }

        /// <summary>Bytes of one object of a kind as JSON in this cluster: the override, else <see cref="JsonBytes"/>.</summary>
        public int ObjectBytes(ResourceKind kind)
            => objectBytes != null && objectBytes.TryGetValue(kind, out var b) ? b : JsonBytes(kind);

        /// <summary>JSON bytes of every object of a kind the cluster stores (what the watch cache holds for it).</summary>
        public long StoredBytes(ResourceKind kind) => ObjectsStored(kind) * ObjectBytes(kind);

        private ClusterShape Copy()
            => new ClusterShape(Nodes, PodsPerNode)
            {
                objectCounts = objectCounts == null ? null : new Dictionary<ResourceKind, long>(objectCounts),
                objectBytes = objectBytes == null ? null : new Dictionary<ResourceKind, int>(objectBytes),
            };

        /// <summary>
        /// How many objects of a kind the cluster stores, all namespaces together: the override, else the count of its row
        /// in <see cref="ResourceKinds"/>. A kind no source gives a count for (custom resources, config maps, secrets, …:
        /// <see cref="KindFacts.CountKnown"/> false, or <see cref="ResourceKind.Other"/>) is priced as one object per
        /// node, a placeholder for the model's sums; the diagnostics that name such a kind say its count is unknown.
        /// </summary>
        public long ObjectsStored(ResourceKind kind)
        {
            if (objectCounts != null && objectCounts.TryGetValue(kind, out var overridden)) return overridden;
            return ResourceKinds.Find(kind)?.Typical(this) ?? Nodes;
        }

        /// <summary>Bytes of one object of a kind as JSON: its row's figure, else <see cref="DefaultOtherJsonBytes"/>.</summary>
        public static int JsonBytes(ResourceKind kind) => ResourceKinds.Find(kind)?.JsonBytes ?? DefaultOtherJsonBytes;
    }

    /// <summary>The kinds of <see cref="ResourceKinds"/> (new members go last: scenario files and tools keep the numbers).</summary>
    public enum ResourceKind
    {
        /// <summary>A kind the table does not know (cluster configuration such as storage classes, or anything else).</summary>
        Other,
        Pod,
        Node,
        Service,
        Endpoints,
        EndpointSlice,
        Event,
        ConfigMap,
        Secret,
        Namespace,
        Lease,
        PersistentVolume,
        PersistentVolumeClaim,
        ReplicaSet,
        Deployment,
        DaemonSet,
        StatefulSet,
        Job,

        /// <summary>A custom resource (custom-object calls): count unknown.</summary>
        CustomResource,
    }
}
