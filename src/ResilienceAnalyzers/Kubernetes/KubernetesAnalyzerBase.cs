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
        private protected sealed override bool MayMatch(SyntaxNode invocation) => CalledNames.MayStartWith(invocation, "List", "Watch");

        private protected sealed override void AnalyzeInvocation(OperationAnalysisContext context, IInvocationOperation invocation, RuleRun run)
        {
            if (run.Model.Recognize(invocation) is KubernetesCall call)
            {
                AnalyzeCall(context, call, run);
            }
        }

        private protected abstract void AnalyzeCall(OperationAnalysisContext context, KubernetesCall call, RuleRun run);

        private protected static Location NameLocation(IInvocationOperation invocation) => Locations.MethodName(invocation);
    }
}
