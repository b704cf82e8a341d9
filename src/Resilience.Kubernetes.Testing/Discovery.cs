using System.Linq;
using System.Text.Json;

namespace Resilience.Kubernetes.Testing
{
    /// <summary>
    /// Legacy (unaggregated) discovery, as kube-apiserver answers a client that does not ask for the aggregated
    /// apidiscovery.k8s.io/v2 form (or that asks for it and accepts plain JSON, as kubectl does: it falls back):
    /// <c>/version</c>, <c>/api</c> (APIVersions), <c>/apis</c> (APIGroupList), <c>/api/v1</c> and
    /// <c>/apis/{group}/{version}</c> (APIResourceList). Only the verbs this server answers are listed.
    /// </summary>
    internal static class Discovery
    {
        /// <summary>The version the server claims (kubectl only prints it; it warns past one minor version of skew).</summary>
        public const string Major = "1";

        public const string Minor = "32";

        private static readonly string[] Verbs = { "get", "list", "watch" };

        /// <summary>The discovery document at <paramref name="path"/> (no leading slash), or null when it is not one.</summary>
        public static string? Document(string path, string hostAndPort)
        {
            switch (path)
            {
                case "version":
                    return JsonSerializer.Serialize(new
                    {
                        major = Major,
                        minor = Minor,
                        gitVersion = $"v{Major}.{Minor}.0",
                        gitCommit = "loopback",
                        gitTreeState = "clean",
                        buildDate = "2026-01-01T00:00:00Z",
                        goVersion = "go1.23.0",
                        compiler = "gc",
                        platform = "linux/amd64",
                    });
                case "api":
                    return JsonSerializer.Serialize(new
                    {
                        kind = "APIVersions",
                        versions = new[] { "v1" },
                        serverAddressByClientCIDRs = new[] { new { clientCIDR = "0.0.0.0/0", serverAddress = hostAndPort } },
                    });
                case "apis":
                    return JsonSerializer.Serialize(new
                    {
                        kind = "APIGroupList",
                        apiVersion = "v1",
                        groups = ResourceKinds.All.Where(t => t.Group.Length > 0).GroupBy(t => t.Group).Select(g => new
                        {
                            name = g.Key,
                            versions = g.Select(t => t.ApiVersion).Distinct().Select(v => new { groupVersion = v, version = v[(v.IndexOf('/') + 1)..] }).ToArray(),
                            preferredVersion = new { groupVersion = g.First().ApiVersion, version = g.First().Version },
                        }).ToArray(),
                    });
            }

            var types = ResourceKinds.All.Where(t => t.Prefix == path).ToArray();
            if (types.Length == 0) return null;
            return JsonSerializer.Serialize(new
            {
                kind = "APIResourceList",
                apiVersion = "v1",
                groupVersion = types[0].ApiVersion,
                resources = types.Select(t => new
                {
                    name = t.Plural,
                    singularName = t.Singular,
                    namespaced = t.Namespaced,
                    kind = t.Kind,
                    verbs = Verbs,
                    shortNames = t.ShortNames.Length == 0 ? null : t.ShortNames,
                }).ToArray(),
            }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
        }
    }
}
