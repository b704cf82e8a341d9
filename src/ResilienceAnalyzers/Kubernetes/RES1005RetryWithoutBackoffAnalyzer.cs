using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Resilience.CostModel;
using ResilienceAnalyzers.Configuration;
using ResilienceAnalyzers.Analysis;
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
    public sealed class RES1005RetryWithoutBackoffAnalyzer : ResilienceAnalyzer
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

        /// <summary>The same rule judged at compilation end, with the caller whose loop retries (see RES1003's).</summary>
        internal static readonly DiagnosticDescriptor CallerRule = Descriptors.ForCallers(Rule);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, CallerRule);

        private protected override string RuleId => RuleIdentifiers.RetryWithoutBackoff;

        private protected override bool AppliesTo(ResilienceCompilation model) => model.KubernetesReferenced;

        // Any API call can be retried: no name says which; the symbol test below is the filter.
        private protected override bool MayMatch(SyntaxNode invocation) => true;

        private protected override void AnalyzeInvocation(OperationAnalysisContext context, IInvocationOperation invocation, RuleRun run)
        {
            if (!KubernetesApi.IsApiCall(invocation.TargetMethod))
            {
                return;
            }

            if (RetryLoops.Of(invocation, run.Model) is ILoopOperation loop)
            {
                var fanOut = run.Model.FanOut.Resolve(context.ContainingSymbol, invocation.Syntax.SyntaxTree);
                string where = InOtherMethod(loop, invocation) is string helper ? " in " + helper : string.Empty;
                if (Create(Rule, invocation, loop, where, fanOut, null, run.Model) is Diagnostic diagnostic)
                {
                    context.ReportDiagnostic(diagnostic);
                }
            }
            else if (CallerScope(invocation, context.ContainingSymbol) is IMethodSymbol method)
            {
                run.Defer(invocation, method);
            }
        }

        private protected override void AnalyzeDeferred(Judgement judgement, DeferredCall deferred, RuleRun run)
        {
            if (judgement.Chains.RetriedBy(deferred.Method) is CallChain chain && chain.RetryLoop != null)
            {
                var invocation = (IInvocationOperation)deferred.Operation;
                var fanOut = CallerFanOut.Resolve(run.Model, deferred.Method, invocation.Syntax.SyntaxTree, chain);
                if (Create(judgement.Pick(Rule, CallerRule), invocation, chain.RetryLoop, " in " + chain.Describe(deferred.Method), fanOut, chain.Locations, run.Model) is Diagnostic diagnostic)
                {
                    judgement.Report(diagnostic);
                }
            }
        }

        /// <summary>"RetryHelper.RunAsync" when the retry loop is in another method than the call (a helper running a lambda).</summary>
        private static string? InOtherMethod(ILoopOperation loop, IOperation call)
        {
            var loopRoot = Root(loop);
            return loopRoot == Root(call) ? null
                : loopRoot.SemanticModel?.GetDeclaredSymbol(loopRoot.Syntax) is IMethodSymbol helper ? CallChain.Name(helper) : "another method";
        }

        private static IOperation Root(IOperation operation)
        {
            while (operation.Parent != null)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        private static Diagnostic? Create(DiagnosticDescriptor descriptor, IInvocationOperation invocation, ILoopOperation loop, string where, FanOut fanOut, System.Collections.Generic.IEnumerable<Location>? chainLocations, ResilienceCompilation model)
        {
            var delay = Delay.In(loop.Body);
            if (DelegatesToBackoff(loop) || (delay.IsComputed && HasJitter(loop)) || BacksOffInHelper(loop, model))
            {
                return null;
            }

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

            string loopText = (loop is IWhileLoopOperation w && !w.ConditionIsTop ? "a do-while loop" : loop is IForLoopOperation ? "a for loop" : "a while loop") + where;
            var severity = copies > 1 || !delay.Exists ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;
            return Diagnostic.Create(
                descriptor,
                Locations.MethodName(invocation),
                severity,
                additionalLocations: chainLocations,
                properties: null,
                invocation.TargetMethod.Name,
                loopText,
                how,
                cost,
                ClientGoBackoff);
        }

        /// <summary>
        /// The loop waits through a method of the project that computes a delay with randomness in it (KubeOps'
        /// <c>OnWatchErrorAsync</c>: 2^n s plus a random second): a jittered backoff, one call away.
        /// </summary>
        private static bool BacksOffInHelper(ILoopOperation loop, ResilienceCompilation model)
        {
            foreach (var descendant in loop.Body.Descendants())
            {
                if (descendant is IInvocationOperation call
                    && call.TargetMethod.OriginalDefinition.DeclaringSyntaxReferences.Length > 0
                    && model.BodyOf(call.TargetMethod.OriginalDefinition) is IOperation body
                    && Delay.In(body).IsComputed
                    && UsesRandom(body))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Randomness in the loop: <c>Random</c>, <c>Random.Shared</c>, or a method named like jitter.</summary>
        private static bool HasJitter(ILoopOperation loop) => UsesRandom(loop.Body);

        private static bool UsesRandom(IOperation body)
        {
            foreach (var descendant in body.DescendantsAndSelf())
            {
                if (descendant is IInvocationOperation inner
                    && (Namespaces.IsType(inner.TargetMethod.ContainingType, "System", "Random") || NamedLikeBackoff(inner.TargetMethod)))
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
