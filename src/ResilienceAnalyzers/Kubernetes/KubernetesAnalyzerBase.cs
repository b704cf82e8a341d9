using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Configuration;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>
    /// Shared plumbing of the RES1xxx rules: registers nothing unless KubernetesClient is referenced, resolves
    /// settings and fan-out once per compilation, and hands each recognized call to the rule.
    /// </summary>
    public abstract class KubernetesAnalyzerBase : DiagnosticAnalyzer
    {
        private protected abstract string RuleId { get; }

        public sealed override void Initialize(AnalysisContext context)
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
                var state = (Rule: this, FanOut: fanOut);
                start.RegisterOperationAction(
                    operationContext => AnalyzerGuard.Run(RuleId, operationContext.Operation.Syntax, operationContext, state, static (c, s) =>
                    {
                        // Every call these rules recognize is a List…/Watch… method (KubernetesApi.TryGetCall).
                        if (CalledNames.MayStartWith(c.Operation.Syntax, "List", "Watch")
                            && KubernetesApi.TryGetCall((IInvocationOperation)c.Operation, out var call) && call != null)
                        {
                            s.Rule.AnalyzeCall(c, call, s.FanOut);
                        }
                    }),
                    OperationKind.Invocation);
            });
        }

        private protected abstract void AnalyzeCall(OperationAnalysisContext context, KubernetesCall call, FanOutResolver fanOut);

        private protected static Location NameLocation(IInvocationOperation invocation) => Locations.MethodName(invocation);
    }
}
