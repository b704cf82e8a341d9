namespace ResilienceAnalyzers
{
    /// <summary>Every rule ID of the package, fixed by the design's rule catalog (design.md §4).</summary>
    public static class RuleIdentifiers
    {
        public const string InvalidConfiguration = "RES0001";

        public const string UnboundedList = "RES1001";
        public const string ClusterWideAccess = "RES1002";
        public const string PollingList = "RES1003";
        public const string WatchWithoutResume = "RES1004";
        public const string RetryWithoutBackoff = "RES1005";
        public const string ClientWithoutRateLimit = "RES1006";

        public const string UncachedDnsResolution = "RES2001";
        public const string DnsClientWithoutStale = "RES2002";
        public const string HostNameConnect = "RES2003";
        public const string UncachedHttpConnection = "RES2004";

        public const string RepositoryUrl = "https://github.com/ResilienceAnalyzers/ResilienceAnalyzers";

        /// <summary>Each rule's page lives at <c>docs/rules/{id}.md</c>.</summary>
        public static string GetHelpUri(string id) => RepositoryUrl + "/blob/main/docs/rules/" + id + ".md";
    }

    internal static class RuleCategories
    {
        public const string Configuration = "Configuration";
        public const string Kubernetes = "Kubernetes";
        public const string Dns = "Dns";
    }
}
