using System;
using System.Collections.Generic;

namespace ResilienceAnalyzers.Infrastructure
{
    /// <summary>
    /// The fixed name tables the syntax pre-filters look up on every call and creation of a compilation. Plain hash tables
    /// with ordinal keys, never written after they are built (so safe to read from the driver's threads): an
    /// <c>ImmutableHashSet</c>'s lookup walks a tree of hash buckets, and a profile of Npgsql showed it in RES2003's
    /// pre-filter (docs/performance.md).
    /// </summary>
    internal static class Names
    {
        public static HashSet<string> Set(params string[] names) => new HashSet<string>(names, StringComparer.Ordinal);

        public static Dictionary<string, string?> Map(IEnumerable<KeyValuePair<string, string?>> pairs)
        {
            var map = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var pair in pairs)
            {
                map.Add(pair.Key, pair.Value);
            }

            return map;
        }
    }
}
