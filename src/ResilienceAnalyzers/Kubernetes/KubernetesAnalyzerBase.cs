using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Analysis;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>
    /// The RES1001–RES1004 rules: run only where KubernetesClient is referenced, look only at calls named
    /// <c>List…</c>/<c>Watch…</c>, and receive each LIST/WATCH recognized once for all of them by the shared model.
    /// </summary>
    public abstract class KubernetesAnalyzerBase : ResilienceAnalyzer
    {
        private protected sealed override bool AppliesTo(ResilienceCompilation model) => model.KubernetesReferenced;

        // Every call these rules recognize is a List…/Watch… method (KubernetesApi.TryGetCall).
        private protected sealed override bool MayMatch(SyntaxNode invocation) => KubernetesApi.MayListOrWatch(invocation);

        // And the requests written without the client (HttpClient GETs, kubectl: RawApiCalls), whose names are common
        // (GetAsync, SendAsync, Start): handed on by name; the model reads them only where their file mentions an API path or
        // kubectl (ResilienceCompilation.Recognize).
        private protected sealed override bool MayMatch(SyntaxNode invocation, ResilienceCompilation model)
        {
            string? name = CalledNames.Method(invocation);
            return name == null || KubernetesApi.MayBeClientListOrWatch(name) || RawApiCalls.MayBeRaw(name);
        }

        // Calls, and calls that do not bind: the pre-10.x operations on IKubernetes under a newer client (KubernetesApi.TryGetUnboundCall).
        private protected sealed override ImmutableArray<OperationKind> ObservedKinds => CallsAndInvalid;

        private static readonly ImmutableArray<OperationKind> CallsAndInvalid = ImmutableArray.Create(OperationKind.Invocation, OperationKind.Invalid);

        private protected sealed override void AnalyzeOperation(OperationAnalysisContext context, RuleRun run)
        {
            if (run.Model.Recognize(context.Operation) is KubernetesCall call)
            {
                AnalyzeCall(context, call, run);
            }
        }

        private protected abstract void AnalyzeCall(OperationAnalysisContext context, KubernetesCall call, RuleRun run);

        private protected static Location NameLocation(IOperation call) => Locations.MethodName(call);
    }
}
