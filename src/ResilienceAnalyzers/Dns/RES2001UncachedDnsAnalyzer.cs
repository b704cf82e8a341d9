using System.Collections.Immutable;
using System.Net;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Resilience.CostModel;
using ResilienceAnalyzers.Configuration;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Dns
{
    /// <summary>
    /// RES2001: forward lookups through <c>System.Net.Dns</c> (sync, async, APM and obsolete forms). It has no
    /// cache (getaddrinfo), so every call depends on DNS being up at that moment. Silent for IP literals,
    /// <c>localhost</c>, the machine's own name and code inside a <c>CachedDnsResolver</c>.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES2001UncachedDnsAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>
        /// Stock CoreDNS (<c>cache 30</c>) and NodeLocal DNSCache cache answers 30 s and do not serve stale
        /// (facts.md, DNS): that is how long a lookup keeps working after cluster DNS loses its answers.
        /// </summary>
        internal const int StockClusterDnsCacheSeconds = 30;

        private static readonly ImmutableHashSet<string> LookupMethods = ImmutableHashSet.Create(
            "GetHostAddresses", "GetHostAddressesAsync", "GetHostEntry", "GetHostEntryAsync",
            "BeginGetHostAddresses", "BeginGetHostEntry", "GetHostByName", "BeginGetHostByName", "Resolve", "BeginResolve");

        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.UncachedDnsResolution,
            title: "DNS resolution with no stale-serving cache",
            messageFormat: "Dns.{0} resolves {1} with no cache{2}: each call queries DNS and fails as soon as DNS does; cluster DNS depends on the control plane and stock CoreDNS/NodeLocal DNSCache keep answers only {3} s without serving stale, so {4}; resolve through CachedDnsResolver, which serves the last good answer (RFC 8767)",
            RuleCategories.Dns,
            DiagnosticSeverity.Warning,
            description: "System.Net.Dns does not cache. When cluster DNS fails (for example while the Kubernetes control plane is down), every lookup fails at once instead of using the last good answer.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var dns = start.Compilation.GetTypeByMetadataName("System.Net.Dns");
                if (dns == null)
                {
                    return;
                }

                var fanOut = new FanOutResolver(start.Compilation, new SettingsCache(start.Options.AnalyzerConfigOptionsProvider));
                start.RegisterOperationAction(
                    c => AnalyzerGuard.Run(RuleIdentifiers.UncachedDnsResolution, c.Operation.Syntax, c, ctx => Analyze(ctx, dns, fanOut)),
                    OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol dns, FanOutResolver fanOutResolver)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (!SymbolEqualityComparer.Default.Equals(method.ContainingType, dns)
                || !LookupMethods.Contains(method.Name)
                || invocation.Arguments.Length == 0
                || method.Parameters.Length == 0
                || method.Parameters[0].Type.SpecialType != SpecialType.System_String
                || IsInsideCachingResolver(context.ContainingSymbol))
            {
                return;
            }

            var host = invocation.Arguments[0].Value;
            string hostText;
            var value = StringValue.Of(host);
            if (value != null && value.IsConstant)
            {
                if (IsLocal(value.Text))
                {
                    return;
                }

                hostText = "\"" + value.Text + "\"";
            }
            else
            {
                if (IsOwnHostName(host))
                {
                    return;
                }

                hostText = host.Syntax.ToString();
                if (hostText.Length > 60)
                {
                    hostText = hostText.Substring(0, 57) + "...";
                }
            }

            var fanOut = fanOutResolver.Resolve(context.ContainingSymbol, invocation.Syntax.SyntaxTree);
            var frequency = Periodicity.Of(invocation, callPages: false);
            string where = frequency.IsPeriodic
                ? " on every pass of " + frequency.Trigger
                : string.Empty;
            string consequence = fanOut.IsReplicated
                ? StockClusterDnsCacheSeconds + " s into a DNS outage every lookup from " + CostText.Copies(fanOut) + " fails (" + fanOut.Reason + ")"
                : StockClusterDnsCacheSeconds + " s into a DNS outage every lookup fails";

            var severity = frequency.IsPeriodic || fanOut.IsReplicated ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;
            context.ReportDiagnostic(Diagnostic.Create(
                Rule,
                Locations.MethodName(invocation),
                severity,
                additionalLocations: null,
                properties: null,
                method.Name,
                hostText,
                where,
                StockClusterDnsCacheSeconds,
                consequence));
        }

        private static bool IsLocal(string host)
            => host.Length == 0
            || string.Equals(host, "localhost", System.StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", System.StringComparison.OrdinalIgnoreCase)
            || IPAddress.TryParse(host, out _);

        private static bool IsOwnHostName(IOperation host)
        {
            while (host is IConversionOperation conversion)
            {
                host = conversion.Operand;
            }

            return host is IInvocationOperation inner
                && inner.TargetMethod.Name == "GetHostName"
                && inner.TargetMethod.ContainingType?.ToDisplayString() == "System.Net.Dns";
        }

        private static bool IsInsideCachingResolver(ISymbol? symbol)
        {
            for (var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType; type != null; type = type.ContainingType)
            {
                if (type.Name.Contains("CachedDnsResolver") || type.ContainingNamespace?.ToDisplayString() == "Resilience.Dns")
                {
                    return true;
                }
            }

            return false;
        }
    }
}
