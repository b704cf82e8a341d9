using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ResilienceAnalyzers.Analysis;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Workload.Manifests;

namespace ResilienceAnalyzers.Configuration
{
    /// <summary>
    /// RES0001: an invalid <c>resilience.*</c> .editorconfig value or <c>Resilience*</c> MSBuild property. The
    /// value is ignored (the default applies) and the build says so, instead of throwing or guessing silently.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ConfigurationAnalyzer : DiagnosticAnalyzer
    {
        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.InvalidConfiguration,
            title: "Invalid ResilienceAnalyzers configuration value",
            messageFormat: "ResilienceAnalyzers: {0} = '{1}' is not valid; expected {2}. The default is used instead.",
            RuleCategories.Configuration,
            DiagnosticSeverity.Warning,
            description: "A workload or cluster-size setting could not be read. Costs in messages fall back to the defaults (1,000 nodes, 30 pods per node) until it is fixed.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, GlobalRule, ManifestRule, ManifestMatchRule);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var global = ResilienceSettings.Read(start.Options.AnalyzerConfigOptionsProvider.GlobalOptions, null);
                var reportedGlobally = ImmutableHashSet.CreateRange(global.Errors.Select(e => e.Key + "\u0000" + e.Value));

                // Reported on each file whose settings are invalid, on its first token, so the squiggle is
                // in the file the bad .editorconfig section applies to; project-wide values once, without a location.
                start.RegisterSyntaxTreeAction(tree =>
                {
                    var settings = ResilienceSettings.Read(start.Options.AnalyzerConfigOptionsProvider.GlobalOptions, start.Options.AnalyzerConfigOptionsProvider.GetOptions(tree.Tree));
                    foreach (var error in settings.Errors)
                    {
                        if (reportedGlobally.Contains(error.Key + "\u0000" + error.Value))
                        {
                            continue;
                        }

                        var firstToken = tree.Tree.GetRoot(tree.CancellationToken).GetFirstToken(includeZeroWidth: true);
                        tree.ReportDiagnostic(Diagnostic.Create(Rule, firstToken.GetLocation(), error.Key, error.Value, error.Expected));
                    }
                });

                // Manifests are read once, by the model every rule shares; a file that cannot be read is reported on it.
                var model = ResilienceCompilation.GetOrCreate(start.Compilation, start.Options);
                start.RegisterAdditionalFileAction(file =>
                {
                    foreach (var error in model.FanOut.Manifests.Errors)
                    {
                        if (ReferenceEquals(error.File, file.AdditionalFile) || error.File.Path == file.AdditionalFile.Path)
                        {
                            file.ReportDiagnostic(Diagnostic.Create(
                                ManifestRule,
                                ProjectManifests.LocationOf(error.File, error.Line, file.CancellationToken),
                                error.IsTemplate ? DiagnosticSeverity.Info : ManifestRule.DefaultSeverity,
                                additionalLocations: null,
                                properties: null,
                                model.FanOut.Manifests.DisplayPath(error.File.Path) + ":" + error.Line.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                error.Reason + (error.IsTemplate ? " (Helm {{ }} expressions are not evaluated; the chart's values.yaml is read instead)" : string.Empty)));
                        }
                    }
                });

                start.RegisterCompilationEndAction(end =>
                {
                    foreach (var error in global.Errors)
                    {
                        end.ReportDiagnostic(Diagnostic.Create(GlobalRule, Location.None, error.Key, error.Value, error.Expected));
                    }

                    ReportManifestMatch(end, model.FanOut.Manifests, global);
                });
            });
        }

        /// <summary>
        /// When manifests were given and nothing explicit says who runs the project: a mapping that names no workload
        /// is a warning; no match or several matches is a note listing what was found and how to choose.
        /// </summary>
        private static void ReportManifestMatch(CompilationAnalysisContext end, ProjectManifests manifests, ResilienceSettings global)
        {
            if (global.Workload != WorkloadKind.Unknown || (manifests.Workloads.IsEmpty && global.ManifestWorkload == null))
            {
                return;
            }

            var match = manifests.Match(global.ManifestWorkload);
            if (match.Workload != null)
            {
                return;
            }

            string found = manifests.Workloads.IsEmpty ? "none" : manifests.List(manifests.Workloads);
            if (global.ManifestWorkload != null)
            {
                string expected = match.Matches.IsEmpty
                    ? "the metadata.name (or Kind/name) of a DaemonSet, Deployment or StatefulSet in the manifests given as AdditionalFiles; found: " + found
                    : "one workload, but it names several: " + manifests.List(match.Matches) + "; write Kind/name";
                end.ReportDiagnostic(Diagnostic.Create(GlobalRule, Location.None, global.ManifestWorkloadSource, global.ManifestWorkload, expected));
                return;
            }

            string how = "set resilience.manifest_workload = <name> in .editorconfig/.globalconfig or <ResilienceManifestWorkload>name</ResilienceManifestWorkload>, or <ResilienceWorkload>";
            string text = match.Matches.IsEmpty
                ? "no workload in the manifests matches this project (" + string.Join(", ", manifests.ProjectNames) + ", compared with image, container and metadata names), so they do not set its fan-out; found: " + found + ". To use one, " + how
                : "several workloads in the manifests match this project, so they do not set its fan-out: " + manifests.List(match.Matches) + ". To choose one, " + how;
            end.ReportDiagnostic(Diagnostic.Create(ManifestMatchRule, Location.None, DiagnosticSeverity.Info, null, null, text));
        }

        /// <summary>The same rule for project-wide values, reported once at the end of the compilation.</summary>
        internal static readonly DiagnosticDescriptor GlobalRule = Descriptors.Create(
            RuleIdentifiers.InvalidConfiguration,
            title: "Invalid ResilienceAnalyzers configuration value",
            messageFormat: "ResilienceAnalyzers: {0} = '{1}' is not valid; expected {2}. The default is used instead.",
            RuleCategories.Configuration,
            DiagnosticSeverity.Warning,
            description: "A workload or cluster-size setting could not be read. Costs in messages fall back to the defaults (1,000 nodes, 30 pods per node) until it is fixed.",
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        /// <summary>A Kubernetes manifest among the AdditionalFiles that the reader cannot read, reported on the file and line.</summary>
        internal static readonly DiagnosticDescriptor ManifestRule = Descriptors.Create(
            RuleIdentifiers.InvalidConfiguration,
            title: "Invalid ResilienceAnalyzers configuration value",
            messageFormat: "ResilienceAnalyzers: cannot read the manifest {0}: {1}. Its workloads do not set the fan-out.",
            RuleCategories.Configuration,
            DiagnosticSeverity.Warning,
            description: "A YAML file given as an AdditionalFile is outside the subset the manifest reader accepts. Fix the file, or keep it out of AdditionalFiles.");

        /// <summary>The manifests name no workload for this project, or several: a note with what was found.</summary>
        internal static readonly DiagnosticDescriptor ManifestMatchRule = Descriptors.Create(
            RuleIdentifiers.InvalidConfiguration,
            title: "Invalid ResilienceAnalyzers configuration value",
            messageFormat: "ResilienceAnalyzers: {0}",
            RuleCategories.Configuration,
            DiagnosticSeverity.Warning,
            description: "Manifests were given as AdditionalFiles but do not decide which workload runs this project. The message lists the workloads found and how to map one explicitly.",
            customTags: WellKnownDiagnosticTags.CompilationEnd);
    }
}
