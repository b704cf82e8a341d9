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
    /// RES1004: a WATCH that cannot resume. Without a <c>resourceVersion</c> (or with <c>""</c>/<c>"0"</c>) the
    /// API server starts the watch by sending every object in scope as ADDED events, so each restart costs a
    /// full list; restarted in a loop or from <c>onClosed</c>/<c>onError</c>, that is a full list per restart,
    /// from every copy. <c>GenericClient.Watch*</c> has no resourceVersion parameter at all.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES1004WatchWithoutResumeAnalyzer : KubernetesAnalyzerBase
    {
        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.WatchWithoutResume,
            title: "Kubernetes WATCH that does not resume",
            messageFormat: "{0} watches {1} {2} {3}: {4}; resume from the last resourceVersion seen (list, then watch from the list's resourceVersion with allowWatchBookmarks), relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)",
            RuleCategories.Kubernetes,
            DiagnosticSeverity.Warning,
            description: "A watch started without a resourceVersion replays the whole collection as ADDED events. Watches end routinely (server timeouts, API-server restarts), so a watch that cannot resume pays for a full list on every restart, from every copy at once after an API-server restart.");

        /// <summary>The same rule judged at compilation end, with the callers that restart the watch (see RES1003's).</summary>
        internal static readonly DiagnosticDescriptor CallerRule = Descriptors.ForCallers(Rule);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, CallerRule);

        private protected override string RuleId => RuleIdentifiers.WatchWithoutResume;

        private protected override void AnalyzeCall(OperationAnalysisContext context, KubernetesCall call, RuleRun run)
        {
            if (call.SelectsName == Knowledge.Yes)
            {
                return;
            }

            if (call.Verb == KubernetesVerb.DecidedByCaller && CallerScope(call.Operation, context.ContainingSymbol) is IMethodSymbol wrapper)
            {
                run.Defer(call.Operation, wrapper, call);
                return;
            }

            if (call.Verb != KubernetesVerb.Watch)
            {
                return;
            }

            if (call.Accepts(KubernetesParameter.ResourceVersion) && Resumes(call))
            {
                return;
            }

            var restart = Restart(call, context.ContainingSymbol, run.Model);
            if (restart != null || !(CallerScope(call.Operation, context.ContainingSymbol) is IMethodSymbol method))
            {
                var fanOut = run.Model.FanOut.Resolve(context.ContainingSymbol, context.Operation.Syntax);
                context.ReportDiagnostic(Create(Rule, call, restart, fanOut, null));
                return;
            }

            // Not restarted here: a caller may restart it (a loop around the method that watches, a timer, a handler).
            run.Defer(call.Operation, method, call);
        }

        private protected override void AnalyzeDeferred(Judgement judgement, DeferredCall deferred, RuleRun run)
        {
            var call = (KubernetesCall)deferred.State!;
            if (call.Verb == KubernetesVerb.DecidedByCaller)
            {
                AnalyzeWatchAtCallers(judgement, call, deferred.Method, run);
                return;
            }

            var chain = judgement.Chains.RepeatedAbove(deferred);
            if (chain == null && !judgement.Final)
            {
                return;
            }

            string? restart = chain == null ? null
                : chain.Frequency.PerRequest ? "and is started again " + chain.Frequency.Describe() + " (" + chain.Describe(deferred.Method) + ")"
                : "and is restarted by " + chain.Frequency.Trigger + (chain.Frequency.Period.HasValue ? string.Empty : " with no delay between restarts") + " (" + chain.Describe(deferred.Method) + ")";
            var fanOut = CallerFanOut.Resolve(run.Model, deferred.Method, call.Operation.Syntax, chain);
            judgement.Report(Create(judgement.Pick(Rule, CallerRule), call, restart, fanOut, chain?.Locations));
        }

        /// <summary>A wrapper whose callers pass <c>watch: true</c>: judged at the first caller that does, with that caller's repetition.</summary>
        private static void AnalyzeWatchAtCallers(Judgement judgement, KubernetesCall call, IMethodSymbol wrapper, RuleRun run)
        {
            var watch = call.ForwardedParameter(KubernetesParameter.Watch);
            var version = call.ForwardedParameter(KubernetesParameter.ResourceVersion);
            if (watch == null)
            {
                return;
            }

            foreach (var site in judgement.Chains.Index.SitesOf(wrapper))
            {
                if (CallerArguments.Boolean(CallerArguments.ValueAt(site, watch)) != true)
                {
                    continue;
                }

                bool resumes = version != null
                    ? StringValue.Of(CallerArguments.ValueAt(site, version)) is StringValue v && KubernetesCall.ResumesFrom(v)
                    : call.Accepts(KubernetesParameter.ResourceVersion) && Resumes(call);
                if (resumes)
                {
                    continue;
                }

                var chain = judgement.Chains.RepeatedAt(site);
                if (chain == null && !judgement.Final)
                {
                    return;
                }

                string described = chain != null ? chain.Describe(wrapper) : CallChain.Name(site.Caller) + " → " + CallChain.Name(wrapper);
                string restart = chain == null ? "(watch: true from " + described + ") and so cannot resume when it ends"
                    : "and is restarted by " + chain.Frequency.Trigger + (chain.Frequency.Period.HasValue || chain.Frequency.PerRequest ? string.Empty : " with no delay between restarts") + " (" + described + ", with watch: true)";
                var fanOut = CallerFanOut.Resolve(run.Model, wrapper, call.Operation.Syntax, chain);
                judgement.Report(Create(judgement.Pick(Rule, CallerRule), call, chain == null ? null : restart, fanOut, chain?.Locations ?? new[] { Locations.Of(site.Operation) }, chain == null ? restart : null));
                return;
            }
        }

        private static Diagnostic Create(DiagnosticDescriptor descriptor, KubernetesCall call, string? restart, FanOut fanOut, System.Collections.Generic.IEnumerable<Location>? chainLocations, string? notRestarted = null)
        {
            var cluster = fanOut.Settings.Cluster;
            var request = CostText.ToRequest(call);
            var cost = ApiServerCost.Estimate(cluster, new ListRequest(request.Kind, request.Scope) { NodeScoped = request.NodeScoped, ResourceVersionZero = true });
            string plural = KubernetesApi.PluralForMessage(call.Kind);
            long copies = fanOut.IsReplicated ? fanOut.Copies : 1;

            string why = call.Shape == ClientShape.Kubectl ? "through kubectl, which lists every object again each time it starts"
                : call.Accepts(KubernetesParameter.ResourceVersion) ? "without a resourceVersion" : "through GenericClient, which cannot pass a resourceVersion";
            string how = restart ?? notRestarted ?? "and so cannot resume when it ends";
            // A kind with no published count replays "every … (count unknown: …)": never the model's placeholder.
            bool countKnown = CostText.CountKnown(call.CostKind);
            string costText = "every start replays " + CostText.ObjectsOf(call, cost.ObjectsReturned, plural) + " as ADDED events"
                + (copies > 1
                    ? (countKnown
                        ? ", " + CostText.Objects(cost.ObjectsReturned * copies, plural, call.CostKind) + " when all " + CostText.Copies(fanOut) + " restart after an API-server restart"
                        : ", from each of " + CostText.Copies(fanOut) + " when all restart after an API-server restart")
                    : string.Empty)
                + ", " + CostText.ClusterText(cluster);

            // A watch that is never restarted costs one replay; it is a load problem only when something restarts it
            // (survey: Sharplet's watch started once from ExecuteAsync). A label selector in one namespace replays only
            // one workload's objects (Caster's per-job pod watch, one copy); from every replica (Orleans' silo watch) it is
            // still a herd.
            bool ownWorkload = call.SelectsLabels && !call.IsClusterWide && !(fanOut.IsReplicated && fanOut.Copies > 1);
            var severity = restart != null && !ownWorkload ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;
            return Diagnostic.Create(
                descriptor,
                NameLocation(call.Operation),
                severity,
                additionalLocations: chainLocations,
                properties: CostText.Properties(call, fanOut, cluster, cost, judgedAs: KubernetesVerb.Watch).Add(CostText.RepeatsProperty, restart != null ? "Restart" : "Once"),
                call.MethodName,
                plural,
                CostText.ScopeText(call),
                why + " " + how,
                costText);
        }

        /// <summary>A resourceVersion that is neither absent, null, "" nor "0" (those replay the current state).</summary>
        private static bool Resumes(KubernetesCall call)
        {
            if (!call.Passes(KubernetesParameter.ResourceVersion))
            {
                return false;
            }

            return KubernetesCall.ResumesFrom(call.Text(KubernetesParameter.ResourceVersion));
        }

        /// <summary>"and is restarted by a while loop with no delay" / "… from its onClosed callback", or null.</summary>
        private static string? Restart(KubernetesCall call, ISymbol containing, ResilienceCompilation model)
        {
            var frequency = Periodicity.Of(call.Operation, callPages: false, model);
            if (frequency.PerRequest)
            {
                return "and is started again on every HTTP request";
            }

            if (frequency.IsPeriodic)
            {
                return "and is restarted by " + frequency.Trigger + (frequency.Period.HasValue ? string.Empty : " with no delay between restarts");
            }

            foreach (var (name, value) in CallArguments.Explicit(call.Operation))
            {
                if (name == "onClosed" || name == "onError")
                {
                    foreach (var inner in value.DescendantsAndSelf())
                    {
                        if (inner is IInvocationOperation invocation
                            && (SymbolEqualityComparer.Default.Equals(invocation.TargetMethod, containing)
                                || (model.Recognize(invocation)?.Verb == KubernetesVerb.Watch)))
                        {
                            return "and is restarted from its " + name + " callback";
                        }
                    }
                }
            }

            return null;
        }
    }
}
