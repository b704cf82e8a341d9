using System;
using System.Collections.Immutable;
using System.Globalization;
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

        /// <summary>Diagnostic property: the wait between attempts, "None", "Fixed" (see <see cref="RetryDelaySecondsProperty"/>) or "Growing" (no jitter).</summary>
        public const string RetryDelayProperty = "RetryDelay";

        /// <summary>Diagnostic property: the fixed delay in seconds, present only for "Fixed".</summary>
        public const string RetryDelaySecondsProperty = "RetryDelaySeconds";

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

        // Calls, and pre-10.x list/watch calls that do not bind (KubernetesApi.TryGetUnboundCall).
        private protected override ImmutableArray<OperationKind> ObservedKinds => CallsAndInvalid;

        private static readonly ImmutableArray<OperationKind> CallsAndInvalid = ImmutableArray.Create(OperationKind.Invocation, OperationKind.Invalid);

        private protected override void AnalyzeOperation(OperationAnalysisContext context, RuleRun run)
        {
            string name;
            if (context.Operation is IInvocationOperation invocation)
            {
                if (!KubernetesApi.IsApiCall(invocation.TargetMethod))
                {
                    return;
                }

                name = invocation.TargetMethod.Name;
            }
            else if (CalledNames.MayStartWith(context.Operation.Syntax, "List", "Watch")
                && context.Operation.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax
                && run.Model.Recognize(context.Operation) is KubernetesCall unbound)
            {
                name = unbound.MethodName;
            }
            else
            {
                return;
            }

            var call = context.Operation;
            if (RetryLoops.Of(call, run.Model) is ILoopOperation loop)
            {
                var fanOut = run.Model.FanOut.Resolve(context.ContainingSymbol, call.Syntax);
                string where = InOtherMethod(loop, call) is string helper ? " in " + helper : string.Empty;
                if (Create(Rule, call, name, loop.Body, LoopText(loop) + where, fanOut, null, run.Model) is Diagnostic diagnostic)
                {
                    context.ReportDiagnostic(diagnostic);
                }
            }
            else if (CallerScope(call, context.ContainingSymbol) is IMethodSymbol method)
            {
                run.Defer(call, method, name);
            }
        }

        private protected override void AnalyzeDeferred(Judgement judgement, DeferredCall deferred, RuleRun run)
        {
            var call = deferred.Operation;
            string name = (string)deferred.State!;
            // Retried only if its failure gets out: a call whose own method catches and swallows it is not retried by a
            // caller's loop (and neither is one whose failure a caller on the way swallows: RetriedOnFailureBy).
            if (!RetryLoops.StopsFailure(call) && judgement.Chains.RetriedOnFailureBy(deferred.Method) is CallChain chain && chain.RetryLoop != null)
            {
                var fanOut = CallerFanOut.Resolve(run.Model, deferred.Method, call.Syntax, chain);
                if (Create(judgement.Pick(Rule, CallerRule), call, name, chain.RetryLoop.Body, LoopText(chain.RetryLoop) + " in " + chain.Describe(deferred.Method), fanOut, chain.Locations, run.Model) is Diagnostic diagnostic)
                {
                    judgement.Report(diagnostic);
                }

                return;
            }

            // A call whose own method catches its failure and answers "not yet" (the previous state), below a caller's loop
            // that waits for a condition: while the API server fails, the loop runs it again at its own pace (SlimFaas'
            // start-up loops, third unseen survey set).
            if (RetryLoops.StopsFailure(call) && judgement.Chains.WaitedForBy(deferred.Method) is CallChain waiting && waiting.RetryLoop != null)
            {
                var fanOut = CallerFanOut.Resolve(run.Model, deferred.Method, call.Syntax, waiting);
                if (Create(judgement.Pick(Rule, CallerRule), call, name, waiting.RetryLoop.Body, LoopText(waiting.RetryLoop) + " waiting for its condition in " + waiting.Describe(deferred.Method), fanOut, waiting.Locations, run.Model) is Diagnostic diagnostic)
                {
                    judgement.Report(diagnostic);
                }

                return;
            }

            // A watch started again from its own onClosed/onError (the 1.x–9.x samples' shape): a restart whenever the watch
            // ends, which is at once, again and again, while the API server fails it.
            if (run.Model.Recognize(call)?.Verb == KubernetesVerb.Watch
                && judgement.Chains.RepeatedAbove(deferred) is CallChain restart
                && restart.Frequency.RestartCallback is IOperation callback)
            {
                var fanOut = CallerFanOut.Resolve(run.Model, deferred.Method, call.Syntax, restart);
                if (Create(judgement.Pick(Rule, CallerRule), call, name, callback, restart.Frequency.Trigger + " (" + restart.Describe(deferred.Method) + ")", fanOut, restart.Locations, run.Model) is Diagnostic diagnostic)
                {
                    judgement.Report(diagnostic);
                }
            }
        }

        private static string LoopText(ILoopOperation loop)
            => loop is IWhileLoopOperation w && !w.ConditionIsTop ? "a do-while loop" : loop is IForLoopOperation ? "a for loop" : "a while loop";

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

        /// <param name="retried">What runs again between attempts: the retry loop's body, or the restart callback.</param>
        /// <param name="by">"a while loop in RetryHelper.RunAsync", "a watch's onClosed callback (…)".</param>
        private static Diagnostic? Create(DiagnosticDescriptor descriptor, IOperation call, string name, IOperation retried, string by, FanOut fanOut, System.Collections.Generic.IEnumerable<Location>? chainLocations, ResilienceCompilation model)
        {
            var (delay, backsOff) = model.RetryPacing(retried, BacksOff);
            if (backsOff)
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

            var severity = copies > 1 || !delay.Exists ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;

            // For tools (resilience-sim forecast): who retries and how long each copy waits between attempts.
            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            properties["FanOut"] = fanOut.Kind.ToString();
            properties["Copies"] = copies.ToString(CultureInfo.InvariantCulture);
            properties[RetryDelayProperty] = !delay.Exists ? "None" : delay.Constant.HasValue ? "Fixed" : "Growing";
            if (delay.Constant.HasValue)
            {
                properties[RetryDelaySecondsProperty] = Math.Round(delay.Constant.Value.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture);
            }

            return Diagnostic.Create(
                descriptor,
                Locations.MethodName(call),
                severity,
                additionalLocations: chainLocations,
                properties: properties.ToImmutable(),
                name,
                by,
                how,
                cost,
                ClientGoBackoff);
        }

        /// <summary>
        /// What runs again between attempts backs off with jitter: through a backoff policy, a computed delay with randomness
        /// in it, or a method of the project that computes one. Read once per retried body (<see cref="ResilienceCompilation.RetryPacing"/>).
        /// </summary>
        private static bool BacksOff(IOperation retried, Delay delay, ResilienceCompilation model)
            => DelegatesToBackoff(retried) || (delay.IsComputed && UsesRandom(retried)) || BacksOffInHelper(retried, model);

        /// <summary>
        /// The loop waits through a method of the project that computes a delay with randomness in it (KubeOps'
        /// <c>OnWatchErrorAsync</c>: 2^n s plus a random second): a jittered backoff, one call away. Each method is read once.
        /// </summary>
        private static bool BacksOffInHelper(IOperation retried, ResilienceCompilation model)
        {
            foreach (var descendant in retried.Descendants())
            {
                if (descendant is IInvocationOperation call
                    && call.TargetMethod.OriginalDefinition.DeclaringSyntaxReferences.Length > 0
                    && model.ComputesJitteredDelay(call.TargetMethod.OriginalDefinition, ComputesJitteredDelay))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool ComputesJitteredDelay(IOperation body) => Delay.In(body).IsComputed && UsesRandom(body);

        /// <summary>Randomness in what is retried: <c>Random</c>, <c>Random.Shared</c>, or a method named like jitter.</summary>
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
        private static bool DelegatesToBackoff(IOperation retried)
        {
            foreach (var descendant in retried.DescendantsAndSelf())
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
