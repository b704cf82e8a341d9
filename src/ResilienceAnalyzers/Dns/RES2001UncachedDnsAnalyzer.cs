using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Analysis;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Dns
{
    /// <summary>
    /// RES2001: forward lookups through <c>System.Net.Dns</c> (sync, async, APM and obsolete forms). It has no
    /// cache (getaddrinfo), so every call depends on DNS being up at that moment. A warning on repeated paths
    /// (loops, timers) and connection paths (resolve, then connect); a suggestion for a one-shot lookup. Silent
    /// for IP literals, <c>localhost</c>, the machine's own name, reverse lookups, the resolver's own code and
    /// code that keeps the last good answer when the lookup fails.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES2001UncachedDnsAnalyzer : ResilienceAnalyzer
    {
        /// <summary>
        /// Stock CoreDNS (<c>cache 30</c>) and NodeLocal DNSCache cache answers 30 s and do not serve stale
        /// (facts.md, DNS): that is how long a lookup keeps working after cluster DNS loses its answers.
        /// </summary>
        internal const int StockClusterDnsCacheSeconds = 30;

        /// <summary>Diagnostic property for the fixer: the <c>CachedDns</c> method that replaces the call, when there is one.</summary>
        public const string ReplacementProperty = "Replacement";

        private static readonly Dictionary<string, string?> Replacements = Names.Map(new[]
        {
            Pair("GetHostAddresses", "GetHostAddresses"),
            Pair("GetHostAddressesAsync", "GetHostAddressesAsync"),
            Pair("GetHostEntry", "GetHostEntry"),
            Pair("GetHostEntryAsync", "GetHostEntryAsync"),
            Pair("GetHostByName", "GetHostEntry"),
            Pair("Resolve", "GetHostEntry"),
            Pair("BeginGetHostAddresses", null),
            Pair("BeginGetHostEntry", null),
            Pair("BeginGetHostByName", null),
            Pair("BeginResolve", null),
        });

        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.UncachedDnsResolution,
            title: "DNS resolution with no stale-serving cache",
            messageFormat: "Dns.{0} resolves {1} with no cache{2}: each call queries DNS and fails as soon as DNS does; cluster DNS depends on the control plane and stock CoreDNS/NodeLocal DNSCache keep answers only {3} s without serving stale, so {4}; resolve through Resilience.Dns.CachedDns, which serves the last good answer (RFC 8767)",
            RuleCategories.Dns,
            DiagnosticSeverity.Warning,
            description: "System.Net.Dns does not cache. When cluster DNS fails (for example while the Kubernetes control plane is down), every lookup fails at once instead of using the last good answer.");

        /// <summary>The same rule judged at compilation end, when the lookup is one-shot in its method (see RES1003's).</summary>
        internal static readonly DiagnosticDescriptor CallerRule = Descriptors.ForCallers(Rule);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, CallerRule);

        private protected override string RuleId => RuleIdentifiers.UncachedDnsResolution;

        // System.Net.Dns is always there.
        private protected override bool AppliesTo(ResilienceCompilation model) => true;

        private protected override bool MayMatch(SyntaxNode invocation)
            => !(CalledNames.Method(invocation) is string written) || Replacements.ContainsKey(written);

        /// <summary>"30 s into a DNS outage every lookup from 5,000 copies fails (…)": what the configured fan-out pays.</summary>
        internal static string OutageConsequence(FanOut fanOut, string what)
            => fanOut.IsReplicated
                ? StockClusterDnsCacheSeconds + " s into a DNS outage every " + what + " from " + CostText.Copies(fanOut) + " fails (" + fanOut.Reason + ")"
                : StockClusterDnsCacheSeconds + " s into a DNS outage every " + what + " fails";

        private protected override void AnalyzeInvocation(OperationAnalysisContext context, IInvocationOperation invocation, RuleRun run)
        {
            var method = invocation.TargetMethod;
            if (!Replacements.TryGetValue(method.Name, out string? replacement)
                || method.ContainingType?.Name != "Dns"
                || !Namespaces.Is(method.ContainingType.ContainingNamespace, "System.Net")
                || invocation.Arguments.Length == 0
                || method.Parameters.Length == 0
                || method.Parameters[0].Type.SpecialType != SpecialType.System_String
                || HostNames.IsInsideCachingResolver(context.ContainingSymbol)
                || HostNames.KeepsLastKnownGood(invocation)
                || EndPoints.InBranchNeverTaken(invocation))
            {
                return;
            }

            string? hostText = HostNames.HostArgument(invocation.Arguments) is { } host ? HostNames.DescribeRemote(host) : null;
            if (hostText == null)
            {
                return;
            }

            var frequency = Periodicity.Of(invocation, callPages: false, run.Model);
            bool connectionPath = !frequency.IsPeriodic && HostNames.IsOnConnectionPath(invocation); // only asked when it can change the wording
            string? where = frequency.IsPeriodic ? " " + frequency.Describe()
                : connectionPath ? " on every connection"
                : null;
            if (where == null && CallerScope(invocation, context.ContainingSymbol) is IMethodSymbol caller)
            {
                // One-shot here: a caller's loop, timer, handler or reconnect path decides (compilation end).
                run.Defer(invocation, caller, hostText);
                return;
            }

            var fanOut = run.Model.FanOut.Resolve(context.ContainingSymbol, invocation.Syntax);
            context.ReportDiagnostic(Create(Rule, invocation, hostText, where, fanOut, null));
        }

        private protected override void AnalyzeDeferred(Judgement judgement, DeferredCall deferred, RuleRun run)
        {
            var invocation = (IInvocationOperation)deferred.Operation;
            // Repeated by a caller, or retried by one: a reconnect loop resolves again on every attempt, which is exactly
            // when DNS is failing.
            var chain = judgement.Chains.RepeatedAbove(deferred)
                ?? (RetryLoops.StopsFailure(invocation) ? null : judgement.Chains.RetriedOnFailureBy(deferred.Method));
            if (chain == null && !judgement.Final)
            {
                return;
            }

            string? where = chain == null ? null
                : chain.RetryLoop != null ? " on every reconnect attempt (" + chain.Describe(deferred.Method) + ")"
                : " " + chain.Frequency.Describe() + " (" + chain.Describe(deferred.Method) + ")";
            var fanOut = CallerFanOut.Resolve(run.Model, deferred.Method, invocation.Syntax, chain);
            judgement.Report(Create(judgement.Pick(Rule, CallerRule), invocation, (string)deferred.State!, where, fanOut, chain?.Locations));
        }

        /// <summary>A warning on a repeated or connection path (<paramref name="where"/> says which); a suggestion for a one-shot lookup.</summary>
        private static Diagnostic Create(DiagnosticDescriptor descriptor, IInvocationOperation invocation, string hostText, string? where, FanOut fanOut, System.Collections.Generic.IEnumerable<Location>? chainLocations)
        {
            var method = invocation.TargetMethod;
            Replacements.TryGetValue(method.Name, out string? replacement);
            string consequence = OutageConsequence(fanOut, "lookup");

            // A one-shot (startup) lookup is a suggestion at most: it fails once, visibly, rather than over and over.
            var severity = where != null ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;
            var properties = ImmutableDictionary<string, string?>.Empty.Add(ReplacementProperty, replacement);
            return Diagnostic.Create(
                descriptor,
                Locations.MethodName(invocation),
                severity,
                additionalLocations: chainLocations,
                properties: properties,
                method.Name,
                hostText,
                where ?? string.Empty,
                StockClusterDnsCacheSeconds,
                consequence);
        }

        private static System.Collections.Generic.KeyValuePair<string, string?> Pair(string key, string? value)
            => new System.Collections.Generic.KeyValuePair<string, string?>(key, value);
    }
}
