using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
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
            // Generated code is not analyzed, so every diagnostic is reported in code that was: the driver need not test each
            // one's location for generated code again (IsInGeneratedCode looks up the symbols declared at the location; a
            // profile of KubeOps charged RES1001 ~6 ms per analysis for it, docs/performance.md).
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
            context.EnableConcurrentExecution();

            // What the rule registers for is the same in every compilation: worked out once here, not at each compilation's
            // start (the union allocated at every start, and a profile of KubeOps showed it there; docs/performance.md).
            var kinds = ObservedKinds;
            bool records = kinds.Contains(OperationKind.Invocation);
            var registered = records ? Recorded.Union(kinds).ToImmutableArray() : kinds;
            var observed = new OperationKinds(kinds);
            context.RegisterCompilationStartAction(start =>
            {
                var model = ResilienceCompilation.GetOrCreate(start.Compilation, start.Options);
                if (!AppliesTo(model))
                {
                    return;
                }

                var run = new RuleRun(model);
                model.Enter();

                // Per call: what a call's own method cannot decide is judged at once with the callers inside the same type
                // (live in the IDE: the type's own declarations are read, not the driver's progress through them), and
                // what that cannot decide either waits for compilation end. Registered per compilation, not per type:
                // the driver's per-type bookkeeping for symbol-start analyzers cost more than all of the rules' own work
                // (docs/performance.md, "Registration").
                // Every rule that looks at calls also observes what the caller index is made of (calls, calls that do not
                // bind, method groups), and the one that claims a tree records them for all (CallRecorder). A rule that
                // only looks at object creations (RES1006) is not handed every call for that.
                var state = (Rule: this, Run: run, Kinds: observed, Records: records);
                start.RegisterOperationAction(
                    c => AnalyzerGuard.Run(RuleId, c.Operation.Syntax, c, state, static (ctx, s) =>
                    {
                        if (s.Run.Seen(ctx.Operation, s.Records ? s.Rule.GetType() : null) is CallRecorder.TreeSites store)
                        {
                            CallRecorder.Record(store, ctx.Operation, ctx.ContainingSymbol);
                        }

                        if (s.Kinds.Contains(ctx.Operation.Kind) && s.Rule.MayMatch(ctx.Operation.Syntax, s.Run.Model))
                        {
                            var call = RuleRun.ForOneCall(s.Run.Model);
                            try
                            {
                                s.Rule.AnalyzeOperation(ctx, call);
                                s.Rule.JudgeWithinType(call, s.Run, ctx);
                            }
                            finally
                            {
                                call.Release();
                            }
                        }
                    }),
                    registered);

                // Across types: at compilation end (builds, CI, full-solution analysis in the IDE).
                start.RegisterCompilationEndAction(end =>
                {
                    try
                    {
                        if (!run.AnyDeferred)
                        {
                            return;
                        }

                        // The compilation-wide index is built by the first judgement that searches callers, not here: a
                        // deferred call may be settled without it (RES2003's end point traced to an address; Npgsql).
                        var across = new Judgement(() => model.CallChains, final: true, end.ReportDiagnostic);
                        while (run.TryTakeDeferred(out var deferred))
                        {
                            Judge(across, deferred, run);
                        }
                    }
                    finally
                    {
                        model.Leave();
                    }
                });
            });
        }

        /// <summary>
        /// A set of operation kinds asked on every operation the rule is handed: an array lookup, not a search of an
        /// <see cref="ImmutableArray{T}"/> through the generic equality comparer (seen in a profile of KubeOps).
        /// </summary>
        private sealed class OperationKinds
        {
            private readonly bool[] kinds;

            public OperationKinds(ImmutableArray<OperationKind> of)
            {
                kinds = new bool[of.IsEmpty ? 0 : of.Max(k => (int)k) + 1];
                foreach (var kind in of)
                {
                    kinds[(int)kind] = true;
                }
            }

            public bool Contains(OperationKind kind) => (uint)kind < (uint)kinds.Length && kinds[(int)kind];
        }

        /// <summary>The calls one callback deferred, judged with the callers inside their type; the rest wait for compilation end.</summary>
        private void JudgeWithinType(RuleRun call, RuleRun run, OperationAnalysisContext context)
        {
            if (!call.AnyDeferred)
            {
                return;
            }

            var type = context.ContainingSymbol as INamedTypeSymbol ?? context.ContainingSymbol.ContainingType;
            var within = type != null ? new Judgement(run.Model.TypeChains(type), final: false, context.ReportDiagnostic) : null;
            while (call.TryTakeDeferred(out var deferred))
            {
                if (within == null || !Judge(within, deferred, run))
                {
                    run.Defer(deferred);
                }
            }
        }

        private bool Judge(Judgement judgement, DeferredCall deferred, RuleRun run)
        {
            AnalyzerGuard.Run(RuleId, deferred.Operation.Syntax, judgement, (Rule: this, Run: run, Deferred: deferred), static (j, s) => s.Rule.AnalyzeDeferred(j, s.Deferred, s.Run));
            return judgement.TakeReported();
        }

        /// <summary>Whether the rule runs in this compilation at all (the API it is about is referenced).</summary>
        private protected abstract bool AppliesTo(ResilienceCompilation model);

        /// <summary>The cheap syntax test on every invocation, before any symbol is asked for (<see cref="CalledNames"/>).</summary>
        private protected abstract bool MayMatch(SyntaxNode invocation);

        /// <summary>
        /// <see cref="MayMatch(SyntaxNode)"/> with what the compilation's model already knows (a rule whose names are common
        /// asks a once-per-compilation question too, so that the calls it cannot be about are not handed on).
        /// </summary>
        private protected virtual bool MayMatch(SyntaxNode invocation, ResilienceCompilation model) => MayMatch(invocation);

        /// <summary>The operations the rule looks at: calls, unless it says otherwise (RES2003 also looks at <c>new TcpClient(host, port)</c>).</summary>
        private protected virtual ImmutableArray<OperationKind> ObservedKinds => Invocations;

        private static readonly ImmutableArray<OperationKind> Invocations = ImmutableArray.Create(OperationKind.Invocation);

        private static readonly ImmutableArray<OperationKind> Recorded = ImmutableArray.Create(OperationKind.Invocation, OperationKind.Invalid, OperationKind.MethodReference);

        private protected virtual void AnalyzeOperation(OperationAnalysisContext context, RuleRun run)
            => AnalyzeInvocation(context, (IInvocationOperation)context.Operation, run);

        private protected virtual void AnalyzeInvocation(OperationAnalysisContext context, IInvocationOperation invocation, RuleRun run)
        {
        }

        /// <summary>
        /// A call the rule could not judge inside its method, judged with its callers: first those inside its type (live),
        /// then, if nothing was reported, those of the whole compilation (<see cref="Judgement.Final"/>: report the
        /// fallback — the suggestion for a one-shot call — too).
        /// </summary>
        private protected virtual void AnalyzeDeferred(Judgement judgement, DeferredCall deferred, RuleRun run)
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

        public ResilienceCompilation Model { get; private set; }

        // One per thread for the calls a rule is handed, used again from call to call: a run made for every call (RES1005 is
        // handed every call) was a fifth of what the package allocated on Npgsql's 10,608 calls (docs/performance.md,
        // "Eighth session"). Released after each call, so it holds no compilation between calls.
        [System.ThreadStatic]
        private static RuleRun? spare;

        private bool inUse;

        /// <summary>
        /// The run of one call: what it defers is judged with the callers in its type before the callback returns
        /// (<see cref="Release"/> then). A callback that runs inside another on the same thread gets a run of its own.
        /// </summary>
        public static RuleRun ForOneCall(ResilienceCompilation model)
        {
            var run = spare;
            if (run == null || run.inUse)
            {
                run = new RuleRun(model);
                spare ??= run;
            }

            run.Model = model;
            run.inUse = true;
            return run;
        }

        /// <summary>Ends a call's run: nothing it deferred is left (each was judged or handed to the rule's run), and it holds no model.</summary>
        public void Release()
        {
            while (TryTakeDeferred(out _))
            {
            }

            Model = null!;
            inUse = false;
        }

        // Made by the first Defer: a run is made for every call a rule is handed (RES1005 is handed every call), and an
        // empty concurrent queue is an array of 32 slots — most of what the rules allocated on Npgsql's 10,608 calls
        // (docs/performance.md, "Seventh session").
        private ConcurrentQueue<DeferredCall>? deferred;

        /// <summary>Whether any call waits to be judged with callers.</summary>
        public bool AnyDeferred => deferred is { IsEmpty: false };

        /// <summary>Takes the next call waiting to be judged with callers.</summary>
        public bool TryTakeDeferred(out DeferredCall call)
        {
            if (deferred == null)
            {
                call = null!;
                return false;
            }

            return deferred.TryDequeue(out call!);
        }

        private TreeClaim? last;

        /// <summary>
        /// Hands the driver's semantic model of each tree this run sees to the shared model, and gives the tree's store when
        /// this rule records the tree's calls (<see cref="CallRecorder"/>; a null <paramref name="rule"/> never does). The last tree's answer is kept in one immutable object, so
        /// that the dictionaries are asked once per run of operations in one tree; threads racing on it only ask again.
        /// </summary>
        public CallRecorder.TreeSites? Seen(IOperation operation, object? rule)
        {
            var tree = operation.Syntax.SyntaxTree;
            var claim = last;
            if (claim == null || !ReferenceEquals(claim.Tree, tree))
            {
                Model.Remember(operation.SemanticModel);
                claim = new TreeClaim(tree, rule != null ? Model.Recorder.Claim(tree, rule) : null);
                last = claim;
            }

            return claim.Store;
        }

        private sealed class TreeClaim
        {
            public TreeClaim(SyntaxTree tree, CallRecorder.TreeSites? store)
            {
                Tree = tree;
                Store = store;
            }

            public SyntaxTree Tree { get; }

            public CallRecorder.TreeSites? Store { get; }
        }

        public void Defer(IOperation operation, IMethodSymbol method, object? state = null)
            => Defer(new DeferredCall(operation, method, state));

        public void Defer(DeferredCall call)
        {
            var queue = deferred ?? System.Threading.Interlocked.CompareExchange(ref deferred, new ConcurrentQueue<DeferredCall>(), null) ?? deferred!;
            queue.Enqueue(call);
        }
    }

    /// <summary>Where a deferred call is judged: with which callers, and whether this is the last chance to report it.</summary>
    internal sealed class Judgement
    {
        private readonly System.Action<Diagnostic> report;
        private bool reported;

        private readonly System.Func<CallChains>? chainsOnFirstUse;
        private CallChains? chains;

        public Judgement(CallChains chains, bool final, System.Action<Diagnostic> report)
        {
            this.chains = chains;
            Final = final;
            this.report = report;
        }

        /// <summary>A judgement whose callers are looked up only if a rule searches them (<paramref name="chains"/> is asked once).</summary>
        public Judgement(System.Func<CallChains> chains, bool final, System.Action<Diagnostic> report)
        {
            chainsOnFirstUse = chains;
            Final = final;
            this.report = report;
        }

        public CallChains Chains => chains ??= chainsOnFirstUse!();

        /// <summary>Compilation end: nothing will look at this call again.</summary>
        public bool Final { get; }

        /// <summary>The descriptor to report with: the live one within a type, the <c>CompilationEnd</c> one across types.</summary>
        public DiagnosticDescriptor Pick(DiagnosticDescriptor live, DiagnosticDescriptor compilationEnd) => Final ? compilationEnd : live;

        public void Report(Diagnostic diagnostic)
        {
            reported = true;
            report(diagnostic);
        }

        /// <summary>Whether the last judged call was reported (and resets it for the next).</summary>
        public bool TakeReported()
        {
            bool value = reported;
            reported = false;
            return value;
        }
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
