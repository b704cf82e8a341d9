using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Resilience.CostModel;
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

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        private protected override string RuleId => RuleIdentifiers.WatchWithoutResume;

        private protected override void AnalyzeCall(OperationAnalysisContext context, KubernetesCall call, FanOutResolver fanOutResolver)
        {
            if (call.Verb != KubernetesVerb.Watch || call.SelectsName == Knowledge.Yes)
            {
                return;
            }

            bool acceptsVersion = call.Accepts(KubernetesParameter.ResourceVersion);
            if (acceptsVersion && Resumes(call))
            {
                return;
            }

            var restart = Restart(call, context.ContainingSymbol);
            var fanOut = fanOutResolver.Resolve(context.ContainingSymbol, context.Operation.Syntax.SyntaxTree);
            var cluster = fanOut.Settings.Cluster;
            var request = CostText.ToRequest(call);
            var cost = ApiServerCost.Estimate(cluster, new ListRequest(request.Kind, request.Scope) { NodeScoped = request.NodeScoped, ResourceVersionZero = true });
            string plural = KubernetesApi.PluralForMessage(call.Kind);
            long copies = fanOut.IsReplicated ? fanOut.Copies : 1;

            string why = acceptsVersion ? "without a resourceVersion" : "through GenericClient, which cannot pass a resourceVersion";
            string how = restart ?? "and so cannot resume when it ends";
            string costText = "every start replays " + CostText.Objects(cost.ObjectsReturned, plural, call.CostKind) + " as ADDED events"
                + (copies > 1 ? ", " + CostText.Objects(cost.ObjectsReturned * copies, plural, call.CostKind) + " when all " + CostText.Copies(fanOut) + " restart after an API-server restart" : string.Empty)
                + ", " + CostText.ClusterText(cluster);

            var severity = restart != null || fanOut.IsReplicated ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;
            context.ReportDiagnostic(Diagnostic.Create(
                Rule,
                NameLocation(call.Invocation),
                severity,
                additionalLocations: null,
                properties: CostText.Properties(fanOut, cluster, cost),
                call.Invocation.TargetMethod.Name,
                plural,
                CostText.ScopeText(call),
                why + " " + how,
                costText));
        }

        /// <summary>A resourceVersion that is neither absent, null, "" nor "0" (those replay the current state).</summary>
        private static bool Resumes(KubernetesCall call)
        {
            if (!call.Passes(KubernetesParameter.ResourceVersion))
            {
                return false;
            }

            var value = StringValue.Of(call.Argument(KubernetesParameter.ResourceVersion)?.Value);
            return value == null || !value.IsConstant || (value.Text.Length > 0 && value.Text != "0");
        }

        /// <summary>"and is restarted by a while loop with no delay" / "… from its onClosed callback", or null.</summary>
        private static string? Restart(KubernetesCall call, ISymbol containing)
        {
            var frequency = Periodicity.Of(call.Invocation, callPages: false);
            if (frequency.PerRequest)
            {
                return "and is started again on every HTTP request";
            }

            if (frequency.IsPeriodic)
            {
                return "and is restarted by " + frequency.Trigger + (frequency.Period.HasValue ? string.Empty : " with no delay between restarts");
            }

            foreach (var argument in call.Invocation.Arguments)
            {
                string? name = argument.Parameter?.Name;
                if ((name == "onClosed" || name == "onError") && argument.ArgumentKind != ArgumentKind.DefaultValue)
                {
                    foreach (var inner in argument.Value.DescendantsAndSelf())
                    {
                        if (inner is IInvocationOperation invocation
                            && (SymbolEqualityComparer.Default.Equals(invocation.TargetMethod, containing)
                                || (KubernetesApi.TryGetCall(invocation, out var restarted) && restarted?.Verb == KubernetesVerb.Watch)))
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
