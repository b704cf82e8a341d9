using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Resilience.CostModel;
using ResilienceAnalyzers.Configuration;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>
    /// RES1005: a Kubernetes API call retried in a loop — a <c>try</c> inside a loop that leaves on success —
    /// with no delay, a fixed delay, or a growing delay without jitter. Every copy then retries in lockstep
    /// against an API server that is already failing. Polling loops are RES1003's, watch restarts RES1004's.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES1005RetryWithoutBackoffAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>client-go's reflector backs off 0.8 s → 30 s, factor 2, jitter 1.0 (facts.md, client-go).</summary>
        internal const string ClientGoBackoff = "0.8 s → 30 s, ×2, full jitter";

        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.RetryWithoutBackoff,
            title: "Kubernetes API call retried without exponential backoff and jitter",
            messageFormat: "{0} is retried by {1} {2}: {3}; back off exponentially with full jitter (client-go: {4}) and honour Retry-After on 429 (ExponentialBackoff in package Resilience.Kubernetes)",
            RuleCategories.Kubernetes,
            DiagnosticSeverity.Warning,
            description: "Retries without backoff and jitter turn an overloaded API server into a retry storm: every copy retries at the same moments, adding load exactly when the server can least take it. client-go's backoff cuts traffic to an unhealthy API server by ~98%.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                if (!KubernetesApi.IsReferenced(start.Compilation))
                {
                    return;
                }

                var fanOut = new FanOutResolver(start.Compilation, new SettingsCache(start.Options.AnalyzerConfigOptionsProvider));
                start.RegisterOperationAction(
                    c => AnalyzerGuard.Run(RuleIdentifiers.RetryWithoutBackoff, c.Operation.Syntax, c, fanOut, static (ctx, f) => Analyze(ctx, f)),
                    OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, FanOutResolver fanOutResolver)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!KubernetesApi.IsApiCall(invocation.TargetMethod))
            {
                return;
            }

            var loop = RetryLoop(invocation);
            if (loop == null)
            {
                return;
            }

            var delay = Delay.In(loop.Body);
            if (DelegatesToBackoff(loop) || (delay.IsComputed && HasJitter(loop)))
            {
                return;
            }

            var fanOut = fanOutResolver.Resolve(context.ContainingSymbol, invocation.Syntax.SyntaxTree);
            long copies = fanOut.IsReplicated ? fanOut.Copies : 1;
            string how;
            string cost;
            if (!delay.Exists)
            {
                how = "with no delay";
                cost = "each copy retries as fast as the server fails it" + (copies > 1 ? ", " + CostText.Copies(fanOut) + " at once" : string.Empty);
            }
            else if (delay.Constant.HasValue)
            {
                how = "with a fixed " + Quantity.Duration(delay.Constant.Value) + " delay and no jitter";
                cost = copies > 1
                    ? CostText.Copies(fanOut) + " retry in lockstep, " + Quantity.Rate(copies / delay.Constant.Value.TotalSeconds) + " requests/s against a failing API server"
                    : "retries land at fixed intervals, in step with every other client that failed at the same moment";
            }
            else
            {
                how = "with a growing delay but no jitter";
                cost = "copies that failed together retry together" + (copies > 1 ? ": " + CostText.Copies(fanOut) + " in synchronized waves" : string.Empty);
            }

            string loopText = loop is IWhileLoopOperation w && !w.ConditionIsTop ? "a do-while loop" : loop is IForLoopOperation ? "a for loop" : "a while loop";
            var severity = copies > 1 || !delay.Exists ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;
            context.ReportDiagnostic(Diagnostic.Create(
                Rule,
                Locations.MethodName(invocation),
                severity,
                additionalLocations: null,
                properties: null,
                invocation.TargetMethod.Name,
                loopText,
                how,
                cost,
                ClientGoBackoff));
        }

        /// <summary>The loop that retries the call: the call is inside a <c>try</c> whose catch swallows, in a loop that leaves on success.</summary>
        internal static ILoopOperation? RetryLoop(IOperation call)
        {
            bool inTry = false;
            for (var parent = call.Parent; parent != null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case ITryOperation tryOperation when IsInside(call, tryOperation.Body) && tryOperation.Catches.Any(Swallows):
                        inTry = true;
                        break;
                    case IForEachLoopOperation _:
                        return null;
                    case ILoopOperation loop:
                        return inTry && Periodicity.LeavesOnSuccess(loop) ? loop : null;
                    case IAnonymousFunctionOperation _:
                    case ILocalFunctionOperation _:
                        return null;
                }
            }

            return null;
        }

        /// <summary>A catch clause that can end without throwing: the loop goes round again.</summary>
        private static bool Swallows(ICatchClauseOperation clause)
            => !clause.Handler.Operations.Any(o => o is IThrowOperation || (o is IExpressionStatementOperation e && e.Operation is IThrowOperation));

        private static bool IsInside(IOperation operation, IOperation container)
        {
            for (var p = operation; p != null; p = p.Parent)
            {
                if (p == container)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Randomness in the loop: <c>Random</c>, <c>Random.Shared</c>, or a method named like jitter.</summary>
        private static bool HasJitter(ILoopOperation loop)
        {
            foreach (var descendant in loop.Body.DescendantsAndSelf())
            {
                if (descendant is IInvocationOperation inner
                    && (inner.TargetMethod.ContainingType?.ToDisplayString() == "System.Random" || NamedLikeBackoff(inner.TargetMethod)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The loop waits through a backoff policy (Resilience.Kubernetes' ExponentialBackoff, a user's own
        /// <c>…Backoff</c> / <c>…Jitter</c> helper): trusted to grow and randomize its delays.
        /// </summary>
        private static bool DelegatesToBackoff(ILoopOperation loop)
        {
            foreach (var descendant in loop.Body.DescendantsAndSelf())
            {
                if (descendant is IInvocationOperation inner && NamedLikeBackoff(inner.TargetMethod))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool NamedLikeBackoff(IMethodSymbol method)
            => Mentions(method.Name) || Mentions(method.ContainingType?.Name);

        private static bool Mentions(string? name)
            => name != null && (name.IndexOf("Backoff", StringComparison.OrdinalIgnoreCase) >= 0 || name.IndexOf("Jitter", StringComparison.OrdinalIgnoreCase) >= 0);
    }
}
