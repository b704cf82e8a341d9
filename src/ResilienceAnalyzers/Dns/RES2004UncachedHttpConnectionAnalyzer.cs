using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ResilienceAnalyzers.Analysis;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Dns
{
    /// <summary>
    /// RES2004: HTTP and gRPC connections resolved with no stale fallback — <c>new HttpClient()</c>, a
    /// <c>SocketsHttpHandler</c> without a <c>ConnectCallback</c>, <c>AddHttpClient</c>/<c>AddGrpcClient</c> registrations
    /// without <c>AddCachedDns()</c>, <c>GrpcChannel.ForAddress</c> by host name. <c>SocketsHttpHandler</c> resolves the host
    /// through the system resolver on every new connection (issue 14: "the most common way a .NET service resolves names").
    /// Severity from the path, as RES2003: a warning where the creation repeats (a loop, a timer, a request or message
    /// handler, a caller's retry) or runs on every node; a suggestion where it runs once.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES2004UncachedHttpConnectionAnalyzer : ResilienceAnalyzer
    {
        /// <summary>Diagnostic property for a fixer: the <see cref="HttpConnectionKind"/> found.</summary>
        public const string KindProperty = "Kind";

        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.UncachedHttpConnection,
            title: "HTTP/gRPC connection resolved with no stale fallback",
            messageFormat: "{0} resolves {1} through the system resolver on every new connection, with no stale fallback{2}: {3}; {4}; {5}",
            RuleCategories.Dns,
            DiagnosticSeverity.Warning,
            description: "SocketsHttpHandler (behind HttpClient, IHttpClientFactory and gRPC channels) resolves the host on every new connection with no cache. When cluster DNS fails, every new connection fails once the caches in front of it expire, although the server is still reachable at the address it had. A warning where the client is created on a repeated path or runs on every node, a suggestion where it is created once.");

        /// <summary>The same rule judged at compilation end, with the caller whose loop, timer, handler or retry repeats the creation.</summary>
        internal static readonly DiagnosticDescriptor CallerRule = Descriptors.ForCallers(Rule);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, CallerRule);

        private protected override string RuleId => RuleIdentifiers.UncachedHttpConnection;

        // System.Net.Http is always there.
        private protected override bool AppliesTo(ResilienceCompilation model) => true;

        private protected override ImmutableArray<OperationKind> ObservedKinds { get; } = ImmutableArray.Create(OperationKind.Invocation, OperationKind.ObjectCreation);

        private protected override bool MayMatch(SyntaxNode syntax)
            => syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax
                ? !(CalledNames.Method(syntax) is string called) || HttpConnections.InvokedNames.Contains(called)
                : !(CalledNames.CreatedType(syntax) is string created) || HttpConnections.CreatedNames.Contains(created);

        private protected override void AnalyzeOperation(OperationAnalysisContext context, RuleRun run)
        {
            if (HostNames.IsInsideCachingResolver(context.ContainingSymbol) || !(HttpConnections.Recognize(context.Operation) is HttpConnectionSite site))
            {
                return;
            }

            var frequency = Periodicity.Of(context.Operation, callPages: false, run.Model);
            if (!frequency.IsPeriodic && CallerScope(context.Operation, context.ContainingSymbol) is IMethodSymbol caller)
            {
                // One-shot here: a caller's loop, timer, handler or retry decides (within the type, then at compilation end).
                run.Defer(context.Operation, caller, site);
                return;
            }

            // Repeated here, or a field/property initializer (runs with its type's construction: judged as written).
            var fanOut = run.Model.FanOut.Resolve(context.ContainingSymbol, context.Operation.Syntax);
            context.ReportDiagnostic(Create(Rule, context.Operation, site, frequency.IsPeriodic ? ", created " + frequency.Describe() : null, fanOut, null));
        }

        private protected override void AnalyzeDeferred(Judgement judgement, DeferredCall deferred, RuleRun run)
        {
            var site = (HttpConnectionSite)deferred.State!;
            var chain = judgement.Chains.RepeatedAbove(deferred) ?? judgement.Chains.RetriedBy(deferred.Method);
            string? where = chain?.DescribeCreation(deferred.Method);

            // A factory registration runs once, at start-up; what repeats is where its clients are created: a
            // CreateClient of its name on a repeated path (every probe, request, timer tick) renews connections with it.
            if (chain == null && judgement.Final && site.Kind == HttpConnectionKind.Factory && RepeatedUse(judgement, run.Model, site) is var (use, createClient))
            {
                chain = use;
                where = ", and a client of it is created " + (use.RetryLoop != null ? "on every retry" : use.Frequency.Describe()) + " (" + use.Describe(createClient) + ")";
            }

            // Only at compilation end is a one-shot creation a suggestion; the factory alone (AddHttpClient()) is said
            // only where its clients are created on a repeated path.
            if (chain == null && (!judgement.Final || site.ClientName == HttpConnectionSite.EveryClient))
            {
                return;
            }

            var fanOut = CallerFanOut.Resolve(run.Model, deferred.Method, deferred.Operation.Syntax, chain);
            judgement.Report(Create(judgement.Pick(Rule, CallerRule), deferred.Operation, site, where, fanOut, chain?.Locations));
        }

        /// <summary>
        /// The first <c>CreateClient</c> of the registration's clients that a loop, timer, handler or probe repeats, or that a
        /// retry loop runs again (each attempt's new connections resolve again, as for a client created in the retry:
        /// SlimFaas' batch sender, third unseen survey set).
        /// </summary>
        private static (CallChain Chain, IMethodSymbol CreateClient)? RepeatedUse(Judgement judgement, ResilienceCompilation model, HttpConnectionSite site)
        {
            foreach (var createClient in HttpConnections.CreateClientMethods(model.Compilation))
            {
                foreach (var use in judgement.Chains.Index.SitesOf(createClient))
                {
                    if (HttpConnections.CreatesClientOf(use.Operation, site)
                        && (judgement.Chains.RepeatedAt(use) ?? judgement.Chains.RetriedAt(use)) is CallChain chain)
                    {
                        return (chain, createClient);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// A warning where the creation repeats (<paramref name="where"/> says how) or the code runs on every node — every
        /// node's new connections fail together; a suggestion for one client created once.
        /// </summary>
        private static Diagnostic Create(DiagnosticDescriptor descriptor, IOperation operation, HttpConnectionSite site, string? where, FanOut fanOut, IEnumerable<Location>? chainLocations)
            => Diagnostic.Create(
                descriptor,
                HttpConnections.Location(operation),
                where != null || fanOut.Kind == FanOutKind.EveryNode ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info,
                additionalLocations: chainLocations,
                properties: ImmutableDictionary<string, string?>.Empty.Add(KindProperty, site.Kind.ToString()),
                site.What,
                site.Host,
                where ?? string.Empty,
                Clock(site.Kind, where != null),
                RES2001UncachedDnsAnalyzer.OutageConsequence(fanOut, "new connection"),
                Remedy(site.Kind));

        /// <summary>
        /// How often the connections are renewed — and so resolved again. Defaults from dotnet/runtime:
        /// <c>HttpHandlerDefaults.DefaultPooledConnectionIdleTimeout</c> = 1 min (.NET 6 and later; 2 min before),
        /// <c>DefaultPooledConnectionLifetime</c> = infinite (src/libraries/System.Net.Http/src/System/Net/Http/HttpHandlerDefaults.cs);
        /// <c>HttpClientFactoryOptions.DefaultHandlerLifetime</c> = 2 min (src/libraries/Microsoft.Extensions.Http/src/HttpClientFactoryOptions.cs).
        /// </summary>
        private static string Clock(HttpConnectionKind kind, bool repeated)
        {
            switch (kind)
            {
                case HttpConnectionKind.Factory:
                    return "IHttpClientFactory builds each client a new handler with an empty pool every 2 min (HandlerLifetime), so every client resolves again at least that often";
                case HttpConnectionKind.GrpcChannel:
                    return "the channel resolves again whenever its connection is lost or replaced";
                default:
                    return repeated
                        ? "each new handler starts with an empty connection pool, so every creation resolves again"
                        : "its pool opens a new connection after 1 min idle (PooledConnectionIdleTimeout) or when PooledConnectionLifetime ends";
            }
        }

        private static string Remedy(HttpConnectionKind kind)
        {
            switch (kind)
            {
                case HttpConnectionKind.Factory:
                    return "add .AddCachedDns() (Resilience.Dns.Http), which resolves through CachedDnsResolver and serves the last good answer (RFC 8767)";
                case HttpConnectionKind.GrpcChannel:
                    return "pass new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true }.UseCachedDns(CachedDns.Resolver) } (Resilience.Dns), which serves the last good answer (RFC 8767)";
                case HttpConnectionKind.Handler:
                    return "call .UseCachedDns(CachedDns.Resolver) on the handler (Resilience.Dns), which serves the last good answer (RFC 8767)";
                default:
                    return "create it with new SocketsHttpHandler().UseCachedDns(CachedDns.Resolver) (Resilience.Dns), which serves the last good answer (RFC 8767)";
            }
        }
    }
}
