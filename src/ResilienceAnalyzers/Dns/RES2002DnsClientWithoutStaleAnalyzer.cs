using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Configuration;
using ResilienceAnalyzers.Analysis;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Dns
{
    /// <summary>
    /// RES2002: DnsClient <c>LookupClient</c> forward queries. DnsClient caches by TTL but deletes an expired
    /// entry on read, so a query after expiry while DNS is down throws (facts.md; observed against dnsmasq in
    /// tests/Resilience.Dns.Tests). A suggestion by default: the TTL cache helps, it just does not serve stale.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES2002DnsClientWithoutStaleAnalyzer : ResilienceAnalyzer
    {
        private static readonly HashSet<string> QueryMethods = Names.Set(
            "Query", "QueryAsync", "QueryServer", "QueryServerAsync", "GetHostEntry", "GetHostEntryAsync", "ResolveService", "ResolveServiceAsync");

        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.DnsClientWithoutStale,
            title: "DnsClient lookup with no stale fallback",
            messageFormat: "{0} queries {1} through DnsClient{2}: its cache drops an entry when the TTL expires, so once DNS is down a query past the TTL throws instead of returning the last answer{3}; resolve through Resilience.Dns.CachedDnsResolver with the DnsClient backend (Resilience.Dns.DnsClient), which serves stale (RFC 8767)",
            RuleCategories.Dns,
            DiagnosticSeverity.Info,
            description: "DnsClient's LookupClient caches answers for their TTL but never serves an expired one: when the DNS server is unreachable, queries fail as soon as the TTL passes.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        private protected override string RuleId => RuleIdentifiers.DnsClientWithoutStale;

        private protected override bool AppliesTo(ResilienceCompilation model) => model.DnsClientReferenced;

        private protected override bool MayMatch(SyntaxNode invocation)
            => !(CalledNames.Method(invocation) is string written) || QueryMethods.Contains(written);

        private static readonly HashSet<string> QueryTypes = Names.Set("LookupClient", "ILookupClient", "IDnsQuery", "DnsQueryExtensions");

        private protected override void AnalyzeInvocation(OperationAnalysisContext context, IInvocationOperation invocation, RuleRun run)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            if (!QueryMethods.Contains(method.Name)
                || type == null
                || !QueryTypes.Contains(type.Name)
                || type.ContainingNamespace?.Name != "DnsClient"
                || type.ContainingNamespace.ContainingNamespace?.IsGlobalNamespace != true
                || HostNames.IsInsideCachingResolver(context.ContainingSymbol)
                || HostNames.KeepsLastKnownGood(invocation))
            {
                return;
            }

            // The name is the first string argument (after the receiver for the extension methods).
            IOperation? host = null;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Type.SpecialType == SpecialType.System_String)
                {
                    host = argument.Value;
                    break;
                }
            }

            string? hostText = host == null ? "its question" : HostNames.DescribeRemote(host);
            if (hostText == null)
            {
                return;
            }

            var frequency = Periodicity.Of(invocation, callPages: false, run.Model);
            context.ReportDiagnostic(Diagnostic.Create(
                Rule,
                Locations.MethodName(invocation),
                method.Name,
                hostText,
                frequency.IsPeriodic ? " " + frequency.Describe() : string.Empty,
                Replicated(run.Model.FanOut.Resolve(context.ContainingSymbol, invocation.Syntax))));
        }

        /// <summary>", from 5,000 copies at once (…)" when the code is replicated; otherwise nothing.</summary>
        private static string Replicated(FanOut fanOut)
            => fanOut.IsReplicated ? ", from " + CostText.Copies(fanOut) + " at once (" + fanOut.Reason + ")" : string.Empty;
    }
}
