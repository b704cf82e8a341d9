using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ResilienceAnalyzers.CodeFixes.Dns
{
    /// <summary>How the DNS fixes name <c>Resilience.Dns.CachedDns</c> at a position.</summary>
    internal static class CachedDnsSyntax
    {
        public const string TypeName = "Resilience.Dns.CachedDns";

        /// <summary>
        /// <c>CachedDns</c> if it already means Resilience.Dns.CachedDns at <paramref name="position"/>, or will once
        /// <c>using Resilience.Dns;</c> is added (<c>NeedsUsing</c>); <c>global::Resilience.Dns.CachedDns</c> when another
        /// <c>CachedDns</c> is in scope.
        /// </summary>
        public static (ExpressionSyntax Receiver, bool NeedsUsing) Receiver(SemanticModel model, int position, INamedTypeSymbol cachedDns)
            => Infrastructure.FixHelpers.TypeName(model, position, cachedDns);
    }
}
