using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Analysis
{
    /// <summary>
    /// The one <c>Initialize</c> of every rule: no generated code, concurrent execution, the reference bail-out, a
    /// syntax-only name pre-filter, the shared <see cref="ResilienceCompilation"/>, <see cref="AnalyzerGuard"/> around
    /// every callback, and a compilation-end pass for the calls whose repetition can only be seen in a caller.
    /// Rules are thin reporters: they ask the model and report.
    /// </summary>
    public abstract class ResilienceAnalyzer : DiagnosticAnalyzer
    {
        private protected abstract string RuleId { get; }

        public sealed override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var model = ResilienceCompilation.GetOrCreate(start.Compilation, start.Options);
                if (!AppliesTo(model))
                {
                    return;
                }

                var run = new RuleRun(model);
                var state = (Rule: this, Run: run);
                start.RegisterOperationAction(
                    c => AnalyzerGuard.Run(RuleId, c.Operation.Syntax, c, state, static (ctx, s) =>
                    {
                        if (s.Rule.MayMatch(ctx.Operation.Syntax))
                        {
                            s.Rule.AnalyzeInvocation(ctx, (IInvocationOperation)ctx.Operation, s.Run);
                        }
                    }),
                    OperationKind.Invocation);
                start.RegisterCompilationEndAction(end =>
                {
                    while (run.Deferred.TryDequeue(out var deferred))
                    {
                        AnalyzerGuard.Run(RuleId, deferred.Operation.Syntax, end, (Rule: this, Run: run, Deferred: deferred), static (ctx, s) => s.Rule.AnalyzeDeferred(ctx, s.Deferred, s.Run));
                    }
                });
            });
        }

        /// <summary>Whether the rule runs in this compilation at all (the API it is about is referenced).</summary>
        private protected abstract bool AppliesTo(ResilienceCompilation model);

        /// <summary>The cheap syntax test on every invocation, before any symbol is asked for (<see cref="CalledNames"/>).</summary>
        private protected abstract bool MayMatch(SyntaxNode invocation);

        private protected abstract void AnalyzeInvocation(OperationAnalysisContext context, IInvocationOperation invocation, RuleRun run);

        /// <summary>A call the rule could not judge inside its method, judged with its callers at compilation end.</summary>
        private protected virtual void AnalyzeDeferred(CompilationAnalysisContext context, DeferredCall deferred, RuleRun run)
        {
        }

        /// <summary>The method whose callers decide: a local function itself, otherwise the member (lambdas included).</summary>
        private protected static IMethodSymbol? CallerScope(IOperation operation, ISymbol containingSymbol)
        {
            for (var parent = operation.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is ILocalFunctionOperation local)
                {
                    return local.Symbol;
                }
            }

            return containingSymbol as IMethodSymbol;
        }
    }

    /// <summary>One rule's work in one compilation: the shared model and the calls it deferred to compilation end.</summary>
    internal sealed class RuleRun
    {
        public RuleRun(ResilienceCompilation model) => Model = model;

        public ResilienceCompilation Model { get; }

        public ConcurrentQueue<DeferredCall> Deferred { get; } = new ConcurrentQueue<DeferredCall>();

        public void Defer(IOperation operation, IMethodSymbol method, object? state = null)
            => Deferred.Enqueue(new DeferredCall(operation, method, state));
    }

    /// <summary>A call site kept for compilation end, with the method whose callers will be searched.</summary>
    internal sealed class DeferredCall
    {
        public DeferredCall(IOperation operation, IMethodSymbol method, object? state)
        {
            Operation = operation;
            Method = method;
            State = state;
        }

        public IOperation Operation { get; }

        public IMethodSymbol Method { get; }

        /// <summary>What the rule already worked out (a recognized call), so compilation end does not redo it.</summary>
        public object? State { get; }
    }
}
