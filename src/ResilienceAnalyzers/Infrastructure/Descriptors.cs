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
    }
}
