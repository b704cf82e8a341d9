using System;
using System.Collections.Generic;
using System.Text;

namespace ResilienceAnalyzers.Workload.Manifests
{
    /// <summary>A node of the YAML subset: a map, a list or a scalar, with the 1-based line it starts on.</summary>
    internal abstract class YamlNode
    {
        protected YamlNode(int line) => Line = line;

        public int Line { get; }
    }

    internal sealed class YamlMap : YamlNode
    {
        public YamlMap(int line) : base(line)
        {
        }

        public List<KeyValuePair<string, YamlNode>> Entries { get; } = new List<KeyValuePair<string, YamlNode>>();

        /// <summary>The first entry named <paramref name="key"/> (YAML forbids duplicates; the first is kept).</summary>
        public YamlNode? Get(string key)
        {
            foreach (var entry in Entries)
            {
                if (string.Equals(entry.Key, key, StringComparison.Ordinal))
                {
                    return entry.Value;
                }
            }

            return null;
        }

        public YamlMap? Map(string key) => Get(key) as YamlMap;

        public YamlScalar? Scalar(string key) => Get(key) as YamlScalar;
    }

    internal sealed class YamlList : YamlNode
    {
        public YamlList(int line) : base(line)
        {
        }

        public List<YamlNode> Items { get; } = new List<YamlNode>();
    }

    /// <summary>
    /// A scalar as written (quotes removed). <see cref="IsTemplate"/>: it holds a Helm <c>{{ }}</c> expression, which is
    /// not evaluated; <see cref="IsOpaque"/>: a flow collection, an alias or a block scalar, whose content is not read.
    /// </summary>
    internal sealed class YamlScalar : YamlNode
    {
        public YamlScalar(int line, string text, bool isOpaque = false) : base(line)
        {
            Text = text;
            IsOpaque = isOpaque;
        }

        public string Text { get; }

        public bool IsOpaque { get; }

        public bool IsTemplate => Text.IndexOf("{{", StringComparison.Ordinal) >= 0;

        /// <summary>The plain text when it is a literal value we can read, null otherwise.</summary>
        public string? Literal => IsOpaque || IsTemplate || Text.Length == 0 ? null : Text;
    }

    /// <summary>Why a file is outside the subset, and where.</summary>
    internal sealed class YamlError : Exception
    {
        public YamlError(int line, string reason) : base(reason)
        {
            LineNumber = line;
            Reason = reason;
        }

        public int LineNumber { get; }

        public string Reason { get; }
    }

    /// <summary>
    /// A strict, indentation-aware reader for the YAML that Kubernetes manifests are written in: block maps and lists
    /// (<c>- </c>, also at the indentation of their key), plain, single- and double-quoted scalars on one line,
    /// comments, several documents per file (<c>---</c>), Helm template lines (<c>{{ … }}</c>, skipped). Block
    /// scalars (<c>|</c>, <c>&gt;</c>), one-line flow collections (<c>[…]</c>, <c>{…}</c>), aliases and tags are read as
    /// opaque values: nothing the fan-out needs lives in them.
    /// Outside the subset (reported with the line, never guessed): tabs in indentation (YAML forbids them, spec 1.2.2
    /// §6.1), indentation that matches no enclosing block, quoted scalars that span lines, multi-line plain scalars and
    /// flow collections, complex keys (<c>? </c>), content after <c>---</c>.
    /// </summary>
    /// <remarks>
    /// Written here rather than taken from a YAML library because the analyzer package ships no dependencies: an
    /// analyzer's dependencies load into the compiler's process, where another analyzer may bring another version.
    /// </remarks>
    internal sealed class YamlSubset
    {
        /// <summary>A bound on nesting so that hostile input cannot exhaust the stack; Kubernetes manifests nest about 10 deep.</summary>
        internal const int MaxDepth = 64;

        private readonly List<RawLine> lines;
        private int index;

        private YamlSubset(List<RawLine> lines) => this.lines = lines;

        /// <summary>The documents of <paramref name="text"/>; throws <see cref="YamlError"/> for input outside the subset.</summary>
        public static List<YamlNode> Read(string text)
        {
            var documents = new List<YamlNode>();
            var current = new List<RawLine>();
            string[] split = text.Split('\n');
            for (int i = 0; i < split.Length; i++)
            {
                string raw = split[i].TrimEnd('\r');
                int number = i + 1;
                if (raw.StartsWith("---", StringComparison.Ordinal) && (raw.Length == 3 || raw[3] == ' ' || raw[3] == '\t'))
                {
                    if (StripComment(raw.Substring(3), number).Trim().Length > 0)
                    {
                        throw new YamlError(number, "content after '---' on the same line is not supported");
                    }

                    Flush(current, documents);
                    continue;
                }

                if (raw == "..." || raw.StartsWith("... ", StringComparison.Ordinal))
                {
                    Flush(current, documents);
                    continue;
                }

                if (raw.StartsWith("%", StringComparison.Ordinal) && current.Count == 0)
                {
                    continue; // %YAML / %TAG directives
                }

                current.Add(new RawLine(number, raw));
            }

            Flush(current, documents);
            return documents;
        }

        private static void Flush(List<RawLine> current, List<YamlNode> documents)
        {
            var parser = new YamlSubset(new List<RawLine>(current));
            current.Clear();
            parser.SkipIgnorable();
            if (parser.index >= parser.lines.Count)
            {
                return;
            }

            var root = parser.ParseBlock(parser.lines[parser.index].Indent, 0);
            parser.SkipIgnorable();
            if (parser.index < parser.lines.Count)
            {
                var line = parser.lines[parser.index];
                throw new YamlError(line.Number, "indentation of " + line.Indent + " matches no enclosing block");
            }

            documents.Add(root);
        }

        private YamlNode ParseBlock(int indent, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new YamlError(lines[index].Number, "nested deeper than " + MaxDepth + " levels");
            }

            return IsListItem(lines[index].Content) ? ParseList(indent, depth) : ParseMap(indent, depth);
        }

        private YamlMap ParseMap(int indent, int depth)
        {
            var map = new YamlMap(lines[index].Number);
            while (NextInBlock(indent, out var line))
            {
                if (IsListItem(line.Content))
                {
                    throw new YamlError(line.Number, "a list item where a 'key: value' entry was expected");
                }

                var (key, rest) = SplitEntry(line.Content, line.Number);
                index++;
                map.Entries.Add(new KeyValuePair<string, YamlNode>(key, ParseValue(rest, line, indent, depth, allowListAtSameIndent: true)));
            }

            return map;
        }

        private YamlList ParseList(int indent, int depth)
        {
            var list = new YamlList(lines[index].Number);
            while (NextInBlock(indent, out var line))
            {
                if (!IsListItem(line.Content))
                {
                    // "containers:\n- name: a\nports: …": the list written at its key's indentation has ended.
                    return list;
                }

                string after = line.Content.Substring(1);
                string rest = after.TrimStart(' ');
                if (rest.Length == 0 || rest[0] == '#')
                {
                    index++;
                    list.Items.Add(NestedOrEmpty(line, indent, depth));
                    continue;
                }

                if (rest[0] == '\t')
                {
                    throw new YamlError(line.Number, "a tab after '-' (YAML forbids tabs in indentation)");
                }

                int column = line.Indent + 1 + (after.Length - rest.Length);
                if (IsListItem(rest) || LooksLikeEntry(rest, line.Number))
                {
                    // "- name: a" / "- - x": the item is a block starting at the column after the dash; read it as if
                    // it had its own line there, so the following lines at that column continue it.
                    lines[index] = new RawLine(line.Number, new string(' ', column) + rest);
                    list.Items.Add(ParseBlock(column, depth + 1));
                    continue;
                }

                index++;
                list.Items.Add(ParseValue(rest, line, indent, depth, allowListAtSameIndent: false));
            }

            return list;
        }

        /// <summary>The next line of the block at <paramref name="indent"/>; false once a line indented less ends it.</summary>
        private bool NextInBlock(int indent, out RawLine line)
        {
            SkipIgnorable();
            if (index >= lines.Count || lines[index].Indent < indent)
            {
                line = default;
                return false;
            }

            line = lines[index];
            if (line.Indent > indent)
            {
                throw new YamlError(line.Number, "unexpected indentation (" + line.Indent + " spaces where the block above uses " + indent + ")");
            }

            return true;
        }

        /// <summary>The value after "key:" or "- ": inline scalar, block scalar, or a nested block on the next lines.</summary>
        private YamlNode ParseValue(string rest, RawLine line, int indent, int depth, bool allowListAtSameIndent)
        {
            string value = StripComment(rest, line.Number).Trim();
            value = StripProperties(value);
            if (value.Length == 0)
            {
                SkipIgnorable();
                if (allowListAtSameIndent && index < lines.Count && lines[index].Indent == indent && IsListItem(lines[index].Content))
                {
                    return ParseList(indent, depth + 1);
                }

                return NestedOrEmpty(line, indent, depth);
            }

            if (value[0] == '|' || value[0] == '>')
            {
                SkipBlockScalar(indent);
                return new YamlScalar(line.Number, value, isOpaque: true);
            }

            YamlScalar scalar;
            if (value[0] == '[' || value[0] == '{' && !value.StartsWith("{{", StringComparison.Ordinal))
            {
                RequireClosedFlow(value, line.Number);
                scalar = new YamlScalar(line.Number, value, isOpaque: true);
            }
            else if (value[0] == '*')
            {
                scalar = new YamlScalar(line.Number, value, isOpaque: true);
            }
            else
            {
                scalar = new YamlScalar(line.Number, Unquote(value, line.Number));
            }

            SkipIgnorable();
            if (index < lines.Count && lines[index].Indent > indent)
            {
                throw new YamlError(lines[index].Number, "unexpected indentation: line " + line.Number + " already gave its value (multi-line plain scalars are not supported)");
            }

            return scalar;
        }

        private YamlNode NestedOrEmpty(RawLine line, int indent, int depth)
        {
            SkipIgnorable();
            if (index < lines.Count && lines[index].Indent > indent)
            {
                return ParseBlock(lines[index].Indent, depth + 1);
            }

            return new YamlScalar(line.Number, string.Empty);
        }

        /// <summary>Block scalar content: every following line indented deeper than its key, and blank lines among them.</summary>
        private void SkipBlockScalar(int indent)
        {
            while (index < lines.Count && (lines[index].IsBlank || lines[index].Indent > indent))
            {
                index++;
            }
        }

        /// <summary>Blank lines, comment lines and Helm template lines (<c>{{- if … }}</c>, <c>{{ include … | nindent 4 }}</c>).</summary>
        private void SkipIgnorable()
        {
            while (index < lines.Count)
            {
                var line = lines[index];
                if (line.IsBlank || line.Content[0] == '#' || IsTemplateLine(line.Content))
                {
                    index++;
                    continue;
                }

                if (line.HasTabIndent)
                {
                    throw new YamlError(line.Number, "a tab in the indentation (YAML forbids tabs for indentation)");
                }

                return;
            }
        }

        private static bool IsTemplateLine(string content)
            => content.StartsWith("{{", StringComparison.Ordinal) && content.TrimEnd().EndsWith("}}", StringComparison.Ordinal);

        private static bool IsListItem(string content) => content.Length > 0 && content[0] == '-' && (content.Length == 1 || content[1] == ' ' || content[1] == '\t');

        private static bool LooksLikeEntry(string content, int line)
        {
            try
            {
                return FindColon(content, line) >= 0;
            }
            catch (YamlError)
            {
                return false; // read again as a scalar, which reports the quote with its own message
            }
        }

        private static (string Key, string Value) SplitEntry(string content, int line)
        {
            if (content.StartsWith("? ", StringComparison.Ordinal) || content == "?")
            {
                throw new YamlError(line, "complex keys ('? ') are not supported");
            }

            int colon = FindColon(content, line);
            if (colon < 0)
            {
                throw new YamlError(line, "expected 'key: value' but found '" + Shorten(content) + "'");
            }

            string key = StripProperties(content.Substring(0, colon).Trim());
            return (Unquote(key, line), content.Substring(colon + 1));
        }

        /// <summary>The colon that ends a key: followed by a space or the end of the line, outside quotes and <c>{{ }}</c>.</summary>
        private static int FindColon(string content, int line)
        {
            if (content.Length > 0 && (content[0] == '"' || content[0] == '\''))
            {
                int close = ClosingQuote(content, line);
                int next = close + 1;
                while (next < content.Length && content[next] == ' ')
                {
                    next++;
                }

                return next < content.Length && content[next] == ':' && (next + 1 == content.Length || content[next + 1] == ' ') ? next : -1;
            }

            int braces = 0;
            for (int i = 0; i < content.Length; i++)
            {
                char c = content[i];
                if (c == '#' && i > 0 && content[i - 1] == ' ')
                {
                    return -1;
                }

                if (c == '{' && i + 1 < content.Length && content[i + 1] == '{')
                {
                    braces++;
                    i++;
                }
                else if (c == '}' && i + 1 < content.Length && content[i + 1] == '}' && braces > 0)
                {
                    braces--;
                    i++;
                }
                else if (c == ':' && braces == 0 && (i + 1 == content.Length || content[i + 1] == ' ' || content[i + 1] == '\t'))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Drops a trailing comment (<c> # …</c>) outside quotes.</summary>
        private static string StripComment(string text, int line)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if ((c == '"' || c == '\'') && (i == 0 || text[i - 1] == ' '))
                {
                    i = ClosingQuote(text.Substring(i), line) + i;
                }
                else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t'))
                {
                    return text.Substring(0, i);
                }
            }

            return text;
        }

        /// <summary>Tags (<c>!!str</c>, <c>!custom</c>) and anchors (<c>&amp;name</c>) before a value; they do not change it for us.</summary>
        private static string StripProperties(string value)
        {
            while (value.Length > 0 && (value[0] == '!' || value[0] == '&'))
            {
                int space = value.IndexOf(' ');
                value = space < 0 ? string.Empty : value.Substring(space + 1).TrimStart();
            }

            return value;
        }

        private static int ClosingQuote(string text, int line)
        {
            char quote = text[0];
            for (int i = 1; i < text.Length; i++)
            {
                if (quote == '"' && text[i] == '\\')
                {
                    i++;
                }
                else if (text[i] == quote)
                {
                    if (quote == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                    {
                        i++;
                        continue;
                    }

                    return i;
                }
            }

            throw new YamlError(line, "unterminated " + (quote == '"' ? "double" : "single") + "-quoted string (quoted strings must close on the same line)");
        }

        private static string Unquote(string value, int line)
        {
            if (value.Length == 0 || (value[0] != '"' && value[0] != '\''))
            {
                return value;
            }

            int close = ClosingQuote(value, line);
            if (value.Substring(close + 1).Trim().Length > 0)
            {
                throw new YamlError(line, "text after the closing quote: '" + Shorten(value) + "'");
            }

            string inner = value.Substring(1, close - 1);
            if (value[0] == '\'')
            {
                return inner.Replace("''", "'");
            }

            var builder = new StringBuilder(inner.Length);
            for (int i = 0; i < inner.Length; i++)
            {
                if (inner[i] != '\\' || i + 1 == inner.Length)
                {
                    builder.Append(inner[i]);
                    continue;
                }

                char next = inner[++i];
                builder.Append(next == 'n' ? '\n' : next == 't' ? '\t' : next);
            }

            return builder.ToString();
        }

        private static void RequireClosedFlow(string value, int line)
        {
            int depth = 0;
            bool quoted = false;
            char quote = '\0';
            foreach (char c in value)
            {
                if (quoted)
                {
                    quoted = c != quote;
                }
                else if (c == '"' || c == '\'')
                {
                    quoted = true;
                    quote = c;
                }
                else if (c == '[' || c == '{')
                {
                    depth++;
                }
                else if (c == ']' || c == '}')
                {
                    depth--;
                }
            }

            if (depth != 0 || quoted)
            {
                throw new YamlError(line, "a flow collection ('" + Shorten(value) + "') must close on the same line");
            }
        }

        private static string Shorten(string text) => text.Length <= 40 ? text : text.Substring(0, 40) + "…";

        private readonly struct RawLine
        {
            public RawLine(int number, string text)
            {
                Number = number;
                int indent = 0;
                bool tab = false;
                while (indent < text.Length && (text[indent] == ' ' || text[indent] == '\t'))
                {
                    tab |= text[indent] == '\t';
                    indent++;
                }

                Indent = indent;
                HasTabIndent = tab;
                Content = text.Substring(indent).TrimEnd();
            }

            public int Number { get; }

            public int Indent { get; }

            public bool HasTabIndent { get; }

            public string Content { get; }

            public bool IsBlank => Content.Length == 0;
        }
    }
}
