using System;
using System.Collections.Generic;
using System.Linq;

namespace Resilience.Kubernetes.Testing
{
    /// <summary>
    /// A field or label selector as the API server reads it. Labels: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>,
    /// <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c> (apimachinery's labels.Parse grammar); <c>!=</c> and
    /// <c>notin</c> also match objects without the label. Fields: <c>=</c>, <c>==</c>, <c>!=</c> only. A selector the
    /// server cannot read throws <see cref="FormatException"/> with the reason (answered as 400 BadRequest).
    /// </summary>
    internal sealed class Selector
    {
        private readonly List<Requirement> terms = new();

        private Selector() { }

        public bool IsEmpty => terms.Count == 0;

        public IReadOnlyList<Requirement> Terms => terms;

        public static Selector Parse(string? text, bool isField)
        {
            var s = new Selector();
            if (string.IsNullOrWhiteSpace(text)) return s;
            foreach (var raw in SplitTopLevel(text))
            {
                var term = raw.Trim();
                if (term.Length == 0) throw new FormatException($"invalid selector: '{text}': empty requirement");
                s.terms.Add(isField ? ParseField(term, text) : ParseLabel(term, text));
            }

            return s;
        }

        public bool Matches(Func<string, string?> lookup)
        {
            foreach (var term in terms)
            {
                if (!term.Matches(lookup(term.Key))) return false;
            }

            return true;
        }

        /// <summary>The value of an equality term on <paramref name="key"/>, if any.</summary>
        public string? EqualityValue(string key)
        {
            foreach (var term in terms)
            {
                if (term.Key == key && term.Op == "=") return term.Values[0];
            }

            return null;
        }

        // Commas separate requirements except inside the parentheses of a set.
        private static IEnumerable<string> SplitTopLevel(string text)
        {
            var depth = 0;
            var start = 0;
            for (var i = 0; i < text.Length; i++)
            {
                switch (text[i])
                {
                    case '(':
                        depth++;
                        break;
                    case ')':
                        if (--depth < 0) throw new FormatException($"unable to parse requirement: unbalanced ')' in '{text}'");
                        break;
                    case ',' when depth == 0:
                        yield return text[start..i];
                        start = i + 1;
                        break;
                }
            }

            if (depth != 0) throw new FormatException($"unable to parse requirement: unclosed '(' in '{text}'");
            yield return text[start..];
        }

        private static Requirement ParseField(string term, string whole)
        {
            int i;
            if ((i = term.IndexOf("!=", StringComparison.Ordinal)) > 0) return new Requirement(term[..i].Trim(), "!=", term[(i + 2)..].Trim());
            if ((i = term.IndexOf("==", StringComparison.Ordinal)) > 0) return new Requirement(term[..i].Trim(), "=", term[(i + 2)..].Trim());
            if ((i = term.IndexOf('=', StringComparison.Ordinal)) > 0) return new Requirement(term[..i].Trim(), "=", term[(i + 1)..].Trim());
            throw new FormatException($"invalid selector: '{whole}'; can't understand '{term}'");
        }

        private static Requirement ParseLabel(string term, string whole)
        {
            int i;
            if ((i = term.IndexOf("!=", StringComparison.Ordinal)) > 0) return Checked(term[..i], "!=", term[(i + 2)..]);
            if ((i = term.IndexOf("==", StringComparison.Ordinal)) > 0) return Checked(term[..i], "=", term[(i + 2)..]);
            if ((i = term.IndexOf('=', StringComparison.Ordinal)) > 0) return Checked(term[..i], "=", term[(i + 1)..]);
            if (term.StartsWith('!')) return Checked(term[1..], "!exists");
            var open = term.IndexOf('(', StringComparison.Ordinal);
            if (open > 0)
            {
                if (!term.EndsWith(')')) throw new FormatException($"unable to parse requirement: '{term}': expected ')' at the end");
                var head = term[..open].Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (head.Length != 2 || head[1] is not ("in" or "notin"))
                    throw new FormatException($"unable to parse requirement: '{term}': expected 'key in (…)' or 'key notin (…)'");
                var values = term[(open + 1)..^1].Split(',').Select(v => v.Trim()).ToArray();
                if (head[1] == "in" && values.All(v => v.Length == 0))
                    throw new FormatException($"unable to parse requirement: '{term}': for 'in' operator, values set can't be empty");
                return Checked(head[0], head[1], values);
            }

            if (term.Contains(' ', StringComparison.Ordinal))
                throw new FormatException($"unable to parse requirement: '{term}' in '{whole}': expected one of =, ==, !=, in, notin");
            return Checked(term, "exists");
        }

        private static Requirement Checked(string key, string op, params string[] values)
        {
            key = key.Trim();
            if (key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
                throw new FormatException($"unable to parse requirement: invalid label key \"{key}\"");
            var trimmed = values.Select(v => v.Trim()).ToArray();
            foreach (var v in trimmed)
            {
                if (v.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                    throw new FormatException($"unable to parse requirement: invalid label value \"{v}\" for key \"{key}\"");
            }

            return new Requirement(key, op, trimmed);
        }

        /// <summary>One requirement: a key, an operator (=, !=, in, notin, exists, !exists) and its values.</summary>
        internal sealed record Requirement(string Key, string Op, params string[] Values)
        {
            public bool Matches(string? actual) => Op switch
            {
                "=" => actual == Values[0],
                "!=" => actual != Values[0],
                "in" => actual is not null && Values.Contains(actual, StringComparer.Ordinal),
                "notin" => actual is null || !Values.Contains(actual, StringComparer.Ordinal),
                "exists" => actual is not null,
                "!exists" => actual is null,
                _ => false,
            };
        }
    }
}
