using ResilienceAnalyzers.Configuration;

namespace ResilienceAnalyzers.Workload
{
    /// <summary>Who runs a piece of code.</summary>
    internal enum FanOutKind
    {
        /// <summary>Nothing says how many copies run.</summary>
        Unknown,

        /// <summary>Configured as a single, non-replicated program.</summary>
        Single,

        /// <summary>One copy on every node of the cluster (a DaemonSet).</summary>
        EveryNode,

        /// <summary>One copy in every replica of a workload.</summary>
        EveryReplica,
    }

    /// <summary>How many copies of the code run, and what said so (quoted in messages).</summary>
    internal readonly struct FanOut
    {
        public FanOut(FanOutKind kind, long copies, string reason, ResilienceSettings settings, bool elected = false)
        {
            Elected = elected;
            Kind = kind;
            Copies = copies;
            Reason = reason;
            Settings = settings;
        }

        public FanOutKind Kind { get; }

        public long Copies { get; }

        /// <summary>Why we believe it: "ResilienceWorkload = DaemonSet", "[RunsOnEveryNode]", "reads NODE_NAME".</summary>
        public string Reason { get; }

        public ResilienceSettings Settings { get; }

        /// <summary>One copy because the code runs in the elected leader only (<see cref="LeaderElection"/>); the reason says why.</summary>
        public bool Elected { get; }

        public bool IsReplicated => Kind == FanOutKind.EveryNode || Kind == FanOutKind.EveryReplica;

        public string Describe()
        {
            switch (Kind)
            {
                case FanOutKind.EveryNode:
                    return "runs on every node (" + Resilience.CostModel.Quantity.Count(Copies) + " copies; " + Reason + ")";
                case FanOutKind.EveryReplica:
                    return "runs in every replica (" + Resilience.CostModel.Quantity.Count(Copies) + " " + (Copies == 1 ? "copy" : "copies") + "; " + Reason + ")";
                case FanOutKind.Single:
                    return "runs as a single copy (" + Reason + ")";
                default:
                    return "runs in an unknown number of copies";
            }
        }
    }
}
