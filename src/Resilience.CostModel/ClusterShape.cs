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

        /// <summary>How many objects of a kind the cluster stores, all namespaces together.</summary>
        public long ObjectsStored(ResourceKind kind)
        {
            if (objectCounts != null && objectCounts.TryGetValue(kind, out var overridden)) return overridden;
            switch (kind)
            {
                case ResourceKind.Pod: return Pods;
                case ResourceKind.Node: return Nodes;
                case ResourceKind.Service:
                case ResourceKind.Endpoints:
                case ResourceKind.EndpointSlice:
                    return (long)Math.Ceiling(Nodes * DefaultServicesPerNode);
                default:
                    // No published figure: assume the kind grows like the node count (one per node).
                    return Nodes;
            }
        }

        /// <summary>Bytes of one object of a kind as JSON.</summary>
        public static int JsonBytes(ResourceKind kind)
        {
            switch (kind)
            {
                case ResourceKind.Pod: return DefaultPodJsonBytes;
                case ResourceKind.Node: return DefaultNodeJsonBytes;
                default: return DefaultOtherJsonBytes;
            }
        }
    }

    /// <summary>Kinds whose count the model knows how to scale; everything else is <see cref="Other"/>.</summary>
    public enum ResourceKind
    {
        Other,
        Pod,
        Node,
        Service,
        Endpoints,
        EndpointSlice,
    }
}
