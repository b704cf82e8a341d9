using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ResilienceAnalyzers.CodeFixes.Dns
{
    /// <summary>The runtime type the DNS fixes call: <c>Resilience.Dns.CachedDns</c> (named by its symbol, <see cref="Infrastructure.TypeNames"/>).</summary>
    internal static class CachedDnsSyntax
    {
        public const string TypeName = "Resilience.Dns.CachedDns";
    }
}
