using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ResilienceAnalyzers.Workload.Manifests
{
    /// <summary>A manifest the reader could not read: where, and why.</summary>
    internal sealed class ManifestError
    {
        public ManifestError(AdditionalText file, int line, string reason, bool isTemplate)
        {
            File = file;
            Line = line;
            Reason = reason;
            IsTemplate = isTemplate;
        }

        public AdditionalText File { get; }

        public int Line { get; }

        public string Reason { get; }

        /// <summary>The file holds Helm <c>{{ }}</c> expressions: a chart template, reported as a note, not a warning.</summary>
        public bool IsTemplate { get; }
    }

    /// <summary>The workload a project (or one folder's mapping) resolved to, and what was considered.</summary>
    internal sealed class ManifestMatch
    {
        public ManifestMatch(ManifestWorkload? workload, ImmutableArray<ManifestWorkload> matches)
        {
            Workload = workload;
            Matches = matches;
        }

        /// <summary>The one workload that runs this code; null when none or several matched.</summary>
        public ManifestWorkload? Workload { get; }

        /// <summary>Every workload that matched (several: ambiguous).</summary>
        public ImmutableArray<ManifestWorkload> Matches { get; }
    }

    /// <summary>
    /// The Kubernetes manifests among a compilation's <c>AdditionalFiles</c> (<c>*.yaml</c>, <c>*.yml</c>), read once
    /// per compilation (the model holds one, built on first use) and matched to the project by name.
    /// </summary>
    internal sealed class ProjectManifests
    {
        /// <summary>A cost bound, not a measurement: larger files are not read (generated bundles such as CRD dumps).</summary>
        internal const int MaxFileChars = 4 * 1024 * 1024;

        private readonly ImmutableArray<string> projectNames;
        private readonly string? projectDirectory;
        private readonly ConcurrentDictionary<string, ManifestMatch> matches = new ConcurrentDictionary<string, ManifestMatch>(StringComparer.Ordinal);

        private ProjectManifests(ImmutableArray<ManifestWorkload> workloads, ImmutableArray<ManifestError> errors, ImmutableArray<string> projectNames, string? projectDirectory)
        {
            Workloads = workloads;
            Errors = errors;
            this.projectNames = projectNames;
            this.projectDirectory = projectDirectory;
        }

        public ImmutableArray<ManifestWorkload> Workloads { get; }

        public ImmutableArray<ManifestError> Errors { get; }

        /// <summary>The names the project is matched by, as given (assembly name, MSBuild project name).</summary>
        public ImmutableArray<string> ProjectNames => projectNames;

        public static ProjectManifests Read(ImmutableArray<AdditionalText> files, ImmutableArray<string> projectNames, string? projectDirectory, CancellationToken cancellationToken)
        {
            var workloads = new List<ManifestWorkload>();
            var scalers = new List<ManifestScaler>();
            var errors = ImmutableArray.CreateBuilder<ManifestError>();
            foreach (var file in files)
            {
                if (!IsYaml(file.Path))
                {
                    continue;
                }

                string? text = null;
                try
                {
                    var source = file.GetText(cancellationToken);
                    if (source == null)
                    {
                        errors.Add(new ManifestError(file, 1, "the file could not be opened", false));
                        continue;
                    }

                    if (source.Length > MaxFileChars)
                    {
                        errors.Add(new ManifestError(file, 1, "larger than " + (MaxFileChars / (1024 * 1024)) + " MB, not read", false));
                        continue;
                    }

                    text = source.ToString();
                    foreach (var document in YamlSubset.Read(text))
                    {
                        ManifestWorkloads.Collect(document, file.Path, workloads, scalers);
                    }
                }
                catch (YamlError error)
                {
                    errors.Add(new ManifestError(file, error.LineNumber, error.Reason, text != null && text.IndexOf("{{", StringComparison.Ordinal) >= 0));
                }
                catch (Exception exception) when (!(exception is OperationCanceledException))
                {
                    // The reader is ours and strict; anything it did not foresee is still the file's problem to report,
                    // not a crash of every analyzer in the build (AD0001).
                    errors.Add(new ManifestError(file, 1, "the reader failed (" + exception.GetType().Name + ": " + exception.Message + ")", false));
                }
            }

            return new ProjectManifests(ManifestWorkloads.ApplyScalers(ManifestWorkloads.MergeCharts(workloads), scalers).ToImmutableArray(), errors.ToImmutable(), projectNames, projectDirectory);
        }

        internal static bool IsYaml(string path)
            => path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// The workload that runs this project: the one named by <paramref name="mapping"/> (metadata.name, a chart name,
        /// or Kind/name), or else the one whose image, container or metadata name is the project's name.
        /// </summary>
        public ManifestMatch Match(string? mapping)
            => matches.GetOrAdd(mapping ?? string.Empty, m => Find(m.Length == 0 ? null : m));

        private ManifestMatch Find(string? mapping)
        {
            var found = mapping != null
                ? Workloads.Where(w => MatchesMapping(w, mapping)).ToImmutableArray()
                : Workloads.Where(w => w.MatchNames.Any(n => projectNames.Any(p => Normalize(n) == Normalize(p)))).ToImmutableArray();
            return new ManifestMatch(found.Length == 1 ? found[0] : null, found);
        }

        private static bool MatchesMapping(ManifestWorkload workload, string mapping)
        {
            if (workload.Name == null)
            {
                return false;
            }

            int slash = mapping.IndexOf('/');
            if (slash > 0)
            {
                string kind = mapping.Substring(0, slash).Trim();
                return string.Equals(kind, workload.Kind.ToString(), StringComparison.OrdinalIgnoreCase)
                    && Normalize(mapping.Substring(slash + 1)) == Normalize(workload.Name);
            }

            return Normalize(mapping) == Normalize(workload.Name);
        }

        /// <summary>"Node_Agent", "node-agent" and "node.agent" are one name: images and projects spell words apart differently.</summary>
        internal static string Normalize(string name)
        {
            var builder = new System.Text.StringBuilder(name.Length);
            foreach (char c in name.Trim())
            {
                if (c != '-' && c != '_' && c != '.')
                {
                    builder.Append(char.ToLowerInvariant(c));
                }
            }

            return builder.ToString();
        }

        /// <summary>The path as the user knows it: relative to the project folder, with forward slashes.</summary>
        public string DisplayPath(string path)
        {
            string display = path;
            if (!string.IsNullOrEmpty(projectDirectory)
                && Uri.TryCreate(WithSeparator(projectDirectory!), UriKind.Absolute, out var baseUri)
                && Uri.TryCreate(path, UriKind.Absolute, out var fileUri))
            {
                display = Uri.UnescapeDataString(baseUri.MakeRelativeUri(fileUri).ToString());
            }

            return display.Replace('\\', '/');
        }

        public string Describe(ManifestWorkload workload)
            => workload.Describe(DisplayPath(workload.Path))
                + (workload.ScaledBy is ManifestScaler scaler
                    ? ", scaled by " + scaler.Label + " in " + DisplayPath(scaler.Path) + ":" + scaler.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : string.Empty);

        /// <summary>"DaemonSet node-agent (deploy/agent.yaml:3), Deployment api (deploy/api.yaml:2)".</summary>
        public string List(IEnumerable<ManifestWorkload> workloads)
            => string.Join(", ", workloads.OrderBy(w => w.Path, StringComparer.Ordinal).ThenBy(w => w.Line).Select(w => w.Label + " (" + DisplayPath(w.Path) + ":" + w.Line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")"));

        /// <summary>The location of <paramref name="line"/> (1-based) in <paramref name="file"/>, for a diagnostic in a manifest.</summary>
        public static Location LocationOf(AdditionalText file, int line, CancellationToken cancellationToken)
        {
            var text = file.GetText(cancellationToken);
            if (text == null || line < 1 || line > text.Lines.Count)
            {
                return Location.Create(file.Path, default, new LinePositionSpan(new LinePosition(Math.Max(line - 1, 0), 0), new LinePosition(Math.Max(line - 1, 0), 0)));
            }

            var span = text.Lines[line - 1].Span;
            return Location.Create(file.Path, span, text.Lines.GetLinePositionSpan(span));
        }

        private static string WithSeparator(string directory)
            => directory.EndsWith("/", StringComparison.Ordinal) || directory.EndsWith("\\", StringComparison.Ordinal) ? directory : directory + "/";
    }
}
