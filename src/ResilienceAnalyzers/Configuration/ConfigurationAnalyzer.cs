using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ResilienceAnalyzers.Infrastructure;

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

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, GlobalRule);

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

                if (!global.Errors.IsEmpty)
                {
                    start.RegisterCompilationEndAction(end =>
                    {
                        foreach (var error in global.Errors)
                        {
                            end.ReportDiagnostic(Diagnostic.Create(GlobalRule, Location.None, error.Key, error.Value, error.Expected));
                        }
                    });
                }
            });
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
    }
}
