namespace ResilienceAnalyzers.Configuration
{
    /// <summary>How the code is deployed; decides how many copies of it run (design §5).</summary>
    internal enum WorkloadKind
    {
        /// <summary>Nothing configured or inferred.</summary>
        Unknown,

        /// <summary>Configured as not replicated: a CLI, a one-off tool. Fan-out rules stay silent.</summary>
        None,

        /// <summary>One copy per node.</summary>
        DaemonSet,

        /// <summary><c>replicas</c> copies.</summary>
        Deployment,

        /// <summary><c>replicas</c> copies.</summary>
        StatefulSet,

        /// <summary>Runs to completion; <c>replicas</c> copies (parallelism).</summary>
        Job,
    }
}
