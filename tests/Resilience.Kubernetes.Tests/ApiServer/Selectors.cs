using System;
using System.Collections.Generic;

namespace Resilience.Kubernetes.Tests.ApiServer
{
    /// <summary>Field and label selectors: equality (=, ==), inequality (!=), and for labels existence (k, !k).</summary>
    internal sealed class Selector
    {
        private readonly List<(string Key, string Op, string? Value)> terms = new();

        private Selector() { }

        public bool IsEmpty => terms.Count == 0;

        public IReadOnlyList<(string Key, string Op, string? Value)> Terms => terms;

        public static Selector Parse(string? text, bool isField)
        {
            var s = new Selector();
            if (string.IsNullOrWhiteSpace(text)) return s;
            foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int i;
                if ((i = raw.IndexOf("!=", StringComparison.Ordinal)) > 0) s.terms.Add((raw[..i].Trim(), "!=", raw[(i + 2)..].Trim()));
                else if ((i = raw.IndexOf("==", StringComparison.Ordinal)) > 0) s.terms.Add((raw[..i].Trim(), "=", raw[(i + 2)..].Trim()));
                else if ((i = raw.IndexOf('=', StringComparison.Ordinal)) > 0) s.terms.Add((raw[..i].Trim(), "=", raw[(i + 1)..].Trim()));
                else if (isField) throw new FormatException("invalid field selector term: " + raw);
                else if (raw.StartsWith('!')) s.terms.Add((raw[1..].Trim(), "!exists", null));
                else s.terms.Add((raw, "exists", null));
            }

            return s;
        }

        public bool Matches(Func<string, string?> lookup)
        {
            foreach (var (key, op, value) in terms)
            {
                var actual = lookup(key);
                var ok = op switch
                {
                    "=" => actual == value,
                    "!=" => actual != value,
                    "exists" => actual is not null,
                    "!exists" => actual is null,
                    _ => false,
                };
                if (!ok) return false;
            }

            return true;
        }

        /// <summary>The value of an equality term on <paramref name="key"/>, if any.</summary>
        public string? EqualityValue(string key)
        {
            foreach (var (k, op, v) in terms)
            {
                if (k == key && op == "=") return v;
            }

            return null;
        }
    }
}
