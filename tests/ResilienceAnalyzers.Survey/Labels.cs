using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ResilienceAnalyzers.Survey;

/// <summary>What one analysis of one directory produced: the diagnostics and the files (relative, '/') it analyzed.</summary>
internal sealed class SurveyRun
{
    public SurveyRun(Options options) => Options = options;

    public Options Options { get; }

    public Summary Summary { get; } = new();

    public List<Diagnostic> Diagnostics { get; } = new();

    public HashSet<string> AnalyzedFiles { get; } = new(StringComparer.Ordinal);
}

/// <summary>One labelled site: a path relative to the repository root, the line of the called method, a family, FLAG or OK, and why.</summary>
internal sealed record LabelRow(string Path, int Line, string Family, bool Flag, string Why, string Source, int SourceLine)
{
    public string Where => Path + ":" + Line;

    public string Label => Flag ? "FLAG" : "OK";
}

/// <summary>The rule IDs each label family is scored against.</summary>
internal static class Families
{
    public static readonly IReadOnlyDictionary<string, string[]> Rules = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["unbounded-list"] = new[] { "RES1001" },
        ["cluster-wide-per-node"] = new[] { "RES1002" },
        ["polling-list"] = new[] { "RES1003" },
        ["watch-no-resume"] = new[] { "RES1004" },
        ["retry-no-backoff"] = new[] { "RES1005" },
        ["dns"] = new[] { "RES2001", "RES2002", "RES2003", "RES2004" },
    };

    public static string? Of(string ruleId) => Rules.FirstOrDefault(f => f.Value.Contains(ruleId, StringComparer.Ordinal)).Key;
}

/// <summary>Label rows read from TSV files (comment lines start with '#'); malformed rows are reported, never fatal.</summary>
internal sealed class LabelSet
{
    public List<string> Files { get; } = new();

    public List<LabelRow> Rows { get; } = new();

    public List<string> Problems { get; } = new();

    public static LabelSet Load(IEnumerable<string> paths)
    {
        var set = new LabelSet();
        foreach (string path in paths)
        {
            var files = Directory.Exists(path)
                ? Directory.GetFiles(path, "*.tsv").Where(f => !string.Equals(System.IO.Path.GetFileName(f), "manifest.tsv", StringComparison.OrdinalIgnoreCase)).OrderBy(f => f, StringComparer.Ordinal)
                : (IEnumerable<string>)new[] { path };
            foreach (string file in files)
            {
                set.Read(file);
            }
        }

        return set;
    }

    public void PrintProblems(TextWriter output)
    {
        foreach (string problem in Problems)
        {
            output.WriteLine("label problem: " + problem);
        }
    }

    private void Read(string file)
    {
        Files.Add(file);
        string name = System.IO.Path.GetFileName(file);
        var seen = new HashSet<(string, int, string)>();
        int number = 0;
        foreach (string raw in File.ReadLines(file))
        {
            number++;
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith("#", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Split('\t');
            if (cells.Length < 5)
            {
                Problems.Add($"{name}:{number}: expected 5 tab-separated columns (path, line, family, FLAG|OK, why), found {cells.Length}; row ignored");
                continue;
            }

            string family = cells[2].Trim();
            string label = cells[3].Trim();
            if (!int.TryParse(cells[1].Trim(), out int lineNumber) || lineNumber < 1)
            {
                Problems.Add($"{name}:{number}: line '{cells[1]}' is not a positive number; row ignored");
            }
            else if (!Families.Rules.ContainsKey(family))
            {
                Problems.Add($"{name}:{number}: unknown family '{family}' (known: {string.Join(", ", Families.Rules.Keys)}); row ignored");
            }
            else if (label is not ("FLAG" or "OK"))
            {
                Problems.Add($"{name}:{number}: label '{label}' is neither FLAG nor OK; row ignored");
            }
            else if (!seen.Add((cells[0].Trim(), lineNumber, family)))
            {
                Problems.Add($"{name}:{number}: a second row for {cells[0].Trim()}:{lineNumber} {family}; row ignored");
            }
            else
            {
                string path = cells[0].Trim().Replace('\\', '/').TrimStart('/');
                Rows.Add(new LabelRow(path, lineNumber, family, label == "FLAG", string.Join(" ", cells.Skip(4)).Trim(), file, number));
            }
        }
    }
}

/// <summary>A manifest line: label file (relative to the manifest), repository root (relative to the survey folder), survey flags.</summary>
internal sealed record ManifestEntry(string LabelFile, string Root, string[] Flags)
{
    public static List<ManifestEntry> Load(string manifest, string surveyDir)
    {
        var entries = new List<ManifestEntry>();
        string directory = System.IO.Path.GetDirectoryName(manifest)!;
        int number = 0;
        foreach (string raw in File.ReadLines(manifest))
        {
            number++;
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith("#", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Split('\t');
            if (cells.Length < 2)
            {
                throw new ArgumentException($"{manifest}:{number}: expected label file<TAB>repository root<TAB>flags");
            }

            string labels = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, cells[0].Trim()));
            if (!File.Exists(labels))
            {
                throw new ArgumentException($"{manifest}:{number}: no label file {labels}");
            }

            string root = System.IO.Path.GetFullPath(System.IO.Path.Combine(surveyDir, cells[1].Trim()));
            var flags = cells.Length > 2 ? cells[2].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : Array.Empty<string>();
            entries.Add(new ManifestEntry(labels, root, flags));
        }

        return entries;
    }
}

/// <summary>TP/FP/FN/TN per family, and the rows behind the misses and false alarms.</summary>
internal sealed class LabelScore
{
    private readonly SortedDictionary<string, int[]> counts = new(StringComparer.Ordinal);

    public int Unlabelled { get; set; }

    public void Count(string family, bool flag, bool flagged)
    {
        if (!counts.TryGetValue(family, out var c))
        {
            counts[family] = c = new int[4];
        }

        // 0 TP, 1 FP, 2 FN, 3 TN
        c[flag ? (flagged ? 0 : 2) : (flagged ? 1 : 3)]++;
    }

    public void Add(LabelScore other)
    {
        foreach (var (family, c) in other.counts)
        {
            if (!counts.TryGetValue(family, out var mine))
            {
                counts[family] = mine = new int[4];
            }

            for (int i = 0; i < 4; i++)
            {
                mine[i] += c[i];
            }
        }

        Unlabelled += other.Unlabelled;
    }

    public void Print(TextWriter output, string title)
    {
        output.WriteLine($"-- scores ({title}): a row is flagged when a Warning or Error of its family's rules covers its line");
        output.WriteLine($"   {"family",-22} {"FLAG",5} {"OK",5} {"TP",5} {"FP",5} {"FN",5} {"TN",5} {"precision",10} {"recall",8}");
        var total = new int[4];
        foreach (string family in Families.Rules.Keys.Where(counts.ContainsKey))
        {
            var c = counts[family];
            Line(output, family, c);
            for (int i = 0; i < 4; i++)
            {
                total[i] += c[i];
            }
        }

        Line(output, "all", total);
        output.WriteLine($"   warnings on lines with no label row of their family: {Unlabelled}");
    }

    private static void Line(TextWriter output, string name, int[] c)
    {
        string precision = c[0] + c[1] == 0 ? "-" : ((double)c[0] / (c[0] + c[1])).ToString("P0", System.Globalization.CultureInfo.InvariantCulture);
        string recall = c[0] + c[2] == 0 ? "-" : ((double)c[0] / (c[0] + c[2])).ToString("P0", System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"   {name,-22} {c[0] + c[2],5} {c[1] + c[3],5} {c[0],5} {c[1],5} {c[2],5} {c[3],5} {precision,10} {recall,8}");
    }
}

/// <summary>Matches a run's diagnostics to the label rows of the files it analyzed.</summary>
internal static class LabelEvaluation
{
    public static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');

    public static LabelScore Evaluate(LabelSet set, SurveyRun run, string root, TextWriter output, HashSet<LabelRow>? evaluated = null)
    {
        var located = run.Diagnostics
            .Where(d => d.Location.IsInSource && Families.Of(d.Id) != null)
            .Select(d =>
            {
                var span = d.Location.GetLineSpan();
                return (Diagnostic: d, Path: Relative(root, span.Path), Start: span.StartLinePosition.Line + 1, End: span.EndLinePosition.Line + 1, Family: Families.Of(d.Id)!);
            })
            .ToList();

        static bool IsWarning(Diagnostic d) => d.Severity is DiagnosticSeverity.Warning or DiagnosticSeverity.Error;

        var inScope = set.Rows.Where(r => run.AnalyzedFiles.Contains(r.Path)).ToList();
        var score = new LabelScore();
        var misses = new List<string>();
        var falseAlarms = new List<string>();
        foreach (var row in inScope)
        {
            evaluated?.Add(row);
            var covering = located.Where(l => l.Family == row.Family && l.Path == row.Path && l.Start <= row.Line && row.Line <= l.End).ToList();
            var warning = covering.FirstOrDefault(l => IsWarning(l.Diagnostic));
            bool flagged = warning.Diagnostic != null;
            score.Count(row.Family, row.Flag, flagged);
            if (row.Flag && !flagged)
            {
                string seen = covering.Count > 0 ? " [reported only as " + string.Join(", ", covering.Select(c => c.Diagnostic.Id + " " + c.Diagnostic.Severity)) + "]" : "";
                misses.Add($"   miss         {row.Where} {row.Family}{seen}: {row.Why}");
            }
            else if (!row.Flag && flagged)
            {
                falseAlarms.Add($"   false alarm  {row.Where} {row.Family} {warning.Diagnostic!.Id}: {row.Why}");
            }
        }

        var unlabelled = located
            .Where(l => IsWarning(l.Diagnostic) && !inScope.Any(r => r.Family == l.Family && r.Path == l.Path && l.Start <= r.Line && r.Line <= l.End))
            .ToList();
        score.Unlabelled = unlabelled.Count;

        int outOfScope = set.Rows.Count - inScope.Count;
        output.WriteLine();
        output.WriteLine($"== labels: {string.Join(", ", set.Files.Select(Path.GetFileName))}: {inScope.Count} rows in this run's files"
                         + (outOfScope > 0 ? $", {outOfScope} rows name files this run did not analyze" : ""));
        score.Print(output, run.Options.Describe());
        foreach (string line in misses.Concat(falseAlarms))
        {
            output.WriteLine(line);
        }

        foreach (var (diagnostic, path, start, _, _) in unlabelled)
        {
            output.WriteLine($"   unlabelled   {path}:{start} {diagnostic.Id} {diagnostic.Severity}: {diagnostic.GetMessage()}");
        }

        return score;
    }
}
