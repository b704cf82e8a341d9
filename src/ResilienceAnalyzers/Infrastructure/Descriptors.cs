using Microsoft.CodeAnalysis;

namespace ResilienceAnalyzers.Infrastructure
{
    /// <summary>The one way a rule gets a descriptor: help link, category and severity decided here.</summary>
    internal static class Descriptors
    {
        public static DiagnosticDescriptor Create(
            string id,
            string title,
            string messageFormat,
            string category,
            DiagnosticSeverity defaultSeverity,
            string description,
            bool isEnabledByDefault = true,
            params string[] customTags)
            => new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                category,
                defaultSeverity,
                isEnabledByDefault: isEnabledByDefault,
                description: description,
                helpLinkUri: RuleIdentifiers.GetHelpUri(id),
                customTags: customTags);

        /// <summary>
        /// The twin of <paramref name="rule"/> reported at compilation end, when the repetition was found in a caller:
        /// same ID, text and severity, tagged <c>CompilationEnd</c> so hosts know it needs the whole compilation (the IDE
        /// shows it with full-solution analysis; builds and CI always).
        /// </summary>
        public static DiagnosticDescriptor ForCallers(DiagnosticDescriptor rule)
            => new DiagnosticDescriptor(
                rule.Id,
                rule.Title,
                rule.MessageFormat,
                rule.Category,
                rule.DefaultSeverity,
                rule.IsEnabledByDefault,
                rule.Description,
                rule.HelpLinkUri,
                System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Concat(rule.CustomTags, new[] { WellKnownDiagnosticTags.CompilationEnd })));
    }
}
