using System;

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

        /// <summary>How many objects of a kind the cluster stores, all namespaces together.</summary>
        public long ObjectsStored(ResourceKind kind)
        {
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
