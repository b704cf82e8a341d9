using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Resilience.CostModel;
using ResilienceAnalyzers.Analysis;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>
    /// RES1006: <c>new k8s.Kubernetes(config[, handlers…])</c> with no rate-limiting handler, in code that runs on every node
    /// or creates the client again and again. The C# client has no client-side rate limit; client-go limits every client to
    /// 5 requests/s with a burst of 10 (<c>rest.DefaultQPS</c>, <c>rest.DefaultBurst</c> in k8s.io/client-go/rest/config.go;
    /// facts.md), so a Go agent in a hot loop or a tight retry is held back where a C# one sends as fast as the API server
    /// answers, from every node. Silent for one client in a single copy or a replica set (nothing multiplies it), and when
    /// a handler is passed that this rule cannot see into (a variable, a factory call) or whose type is named for rate
    /// limiting or throttling.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES1006ClientWithoutRateLimitAnalyzer : ResilienceAnalyzer
    {
        /// <summary>client-go <c>rest.DefaultQPS</c> (k8s.io/client-go/rest/config.go).</summary>
        internal const int ClientGoQps = 5;

        /// <summary>client-go <c>rest.DefaultBurst</c> (k8s.io/client-go/rest/config.go).</summary>
        internal const int ClientGoBurst = 10;

        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.ClientWithoutRateLimit,
            title: "Kubernetes client without client-side rate limiting in per-node or repeated code",
            messageFormat: "new Kubernetes(…) has no client-side rate limit{0}: {1}; client-go holds every client to {2} requests/s with a burst of {3} (rest.DefaultQPS, rest.DefaultBurst); add new Resilience.Kubernetes.RateLimitingHandler() to its handlers, which also waits out the API server's Retry-After on 429",
            RuleCategories.Kubernetes,
            DiagnosticSeverity.Warning,
            description: "The C# Kubernetes client sends every request at once: a hot loop or a tight retry runs as fast as the API server answers. client-go limits each client to 5 requests/s with a burst of 10. Flagged where the client is built in code that runs on every node, or is built again and again.");

        /// <summary>The same rule judged at compilation end, with the caller that repeats the creation or runs on every node.</summary>
        internal static readonly DiagnosticDescriptor CallerRule = Descriptors.ForCallers(Rule);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, CallerRule);

        private protected override string RuleId => RuleIdentifiers.ClientWithoutRateLimit;

        private protected override bool AppliesTo(ResilienceCompilation model) => model.KubernetesReferenced;

        private protected override ImmutableArray<OperationKind> ObservedKinds { get; } = ImmutableArray.Create(OperationKind.ObjectCreation);

        private protected override bool MayMatch(SyntaxNode syntax) => !(CalledNames.CreatedType(syntax) is string created) || created == "Kubernetes";

        private protected override void AnalyzeOperation(OperationAnalysisContext context, RuleRun run)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (!IsUnlimitedClient(creation))
            {
                return;
            }

            var frequency = Periodicity.Of(creation, callPages: false, run.Model);
            if (!frequency.IsPeriodic && CallerScope(creation, context.ContainingSymbol) is IMethodSymbol caller)
            {
                // Once here: a caller's loop, timer, handler or retry, or the caller's fan-out, decides.
                run.Defer(creation, caller);
                return;
            }

            var fanOut = run.Model.FanOut.Resolve(context.ContainingSymbol, creation.Syntax);
            if (frequency.IsPeriodic || fanOut.Kind == FanOutKind.EveryNode)
            {
                context.ReportDiagnostic(Create(Rule, creation, frequency.IsPeriodic ? ", created " + frequency.Describe() : null, fanOut, null));
            }
        }

        private protected override void AnalyzeDeferred(Judgement judgement, DeferredCall deferred, RuleRun run)
        {
            var chain = judgement.Chains.RepeatedAbove(deferred) ?? judgement.Chains.RetriedBy(deferred.Method);
            if (chain == null && !judgement.Final)
            {
                return;
            }

            var fanOut = CallerFanOut.Resolve(run.Model, deferred.Method, deferred.Operation.Syntax, chain);
            if (chain == null && fanOut.Kind != FanOutKind.EveryNode)
            {
                return;
            }

            string? where = chain?.DescribeCreation(deferred.Method);
            judgement.Report(Create(judgement.Pick(Rule, CallerRule), (IObjectCreationOperation)deferred.Operation, where, fanOut, chain?.Locations));
        }

        /// <summary>
        /// <c>new k8s.Kubernetes(config, params DelegatingHandler[] handlers)</c> whose handlers are all visible object creations
        /// and none is a rate limiter by name. A handler passed as a variable, a call or an array built elsewhere may be one:
        /// not judged.
        /// </summary>
        internal static bool IsUnlimitedClient(IObjectCreationOperation creation)
        {
            var constructor = creation.Constructor;
            if (constructor == null
                || !Namespaces.IsType(creation.Type, "k8s", "Kubernetes")
                || constructor.Parameters.Length == 0
                || !(constructor.Parameters[constructor.Parameters.Length - 1].Type is IArrayTypeSymbol array)
                || array.ElementType.Name != "DelegatingHandler")
            {
                return false;
            }

            foreach (var argument in creation.Arguments)
            {
                if (argument.Parameter?.Ordinal != constructor.Parameters.Length - 1)
                {
                    continue;
                }

                // params: an implicit array of the handlers written; an explicit array is read the same way.
                var handlers = Unwrap.Conversions(argument.Value) as IArrayCreationOperation;
                if (handlers == null)
                {
                    return false;
                }

                foreach (var element in handlers.Initializer?.ElementValues ?? ImmutableArray<IOperation>.Empty)
                {
                    if (!(Unwrap.Conversions(element) is IObjectCreationOperation handler) || LimitsRate(handler.Type))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>A handler type named for rate limiting or throttling (<c>RateLimitingHandler</c>, a user's <c>ThrottlingHandler</c>), or deriving from one.</summary>
        private static bool LimitsRate(ITypeSymbol? type)
        {
            for (; type != null; type = type.BaseType)
            {
                if (type.Name.IndexOf("RateLimit", StringComparison.Ordinal) >= 0 || type.Name.IndexOf("Throttl", StringComparison.Ordinal) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static Diagnostic Create(DiagnosticDescriptor descriptor, IObjectCreationOperation creation, string? where, FanOut fanOut, IEnumerable<Location>? chainLocations)
        {
            string context = where ?? string.Empty;
            if (fanOut.Kind == FanOutKind.EveryNode)
            {
                context += " and " + fanOut.Describe();
            }

            string cost = fanOut.IsReplicated
                ? "a hot loop or a tight retry in each of " + CostText.Copies(fanOut) + " sends as fast as the API server answers; with client-go's limit the fleet sends at most "
                  + Quantity.Count((double)fanOut.Copies * ClientGoQps) + " requests/s (" + Quantity.Count((double)fanOut.Copies * ClientGoBurst) + " at once)"
                : "a hot loop or a tight retry sends as fast as the API server answers, and each new client starts with nothing holding it back";
            return Diagnostic.Create(
                descriptor,
                Dns.HttpConnections.Location(creation),
                DiagnosticSeverity.Warning,
                additionalLocations: chainLocations,
                properties: null,
                context,
                cost,
                ClientGoQps,
                ClientGoBurst);
        }
    }
}
