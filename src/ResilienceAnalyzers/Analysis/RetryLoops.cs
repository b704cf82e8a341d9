using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Analysis
{
    /// <summary>
    /// The one definition of "this call is retried": it sits in the body of a <c>try</c> whose catch swallows the
    /// failure, inside a loop that leaves on success. Shared by RES1005, its fixer and the call-chain search.
    /// </summary>
    internal static class RetryLoops
    {

        /// <summary>
        /// The loop that retries <paramref name="call"/>, in its own method or — for a lambda or method group handed to
        /// a source helper that invokes it (a home-made <c>RetryAsync(Func&lt;Task&gt;)</c>) — in that helper; else null.
        /// </summary>
        public static ILoopOperation? Of(IOperation call, ResilienceCompilation? model = null) => Of(call, model, 0);

        /// <summary>A catch clause that can end without throwing: the loop goes round again.</summary>
        public static bool Swallows(ICatchClauseOperation clause)
            => !clause.Handler.Operations.Any(o => o is IThrowOperation || (o is IExpressionStatementOperation e && e.Operation is IThrowOperation));

        private static ILoopOperation? Of(IOperation call, ResilienceCompilation? model, int depth)
        {
            if (call is IMethodReferenceOperation && call.Parent is IDelegateCreationOperation creation)
            {
                return ThroughHelper(creation, model, depth);
            }

            bool inTry = false;
            bool catchWaits = false;
            ITryOperation? swallowing = null;
            for (IOperation? current = call, parent = call.Parent; parent != null; current = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case ITryOperation tryOperation when IsInside(call, tryOperation.Body) && tryOperation.Catches.Any(Swallows):
                        inTry = true;
                        swallowing = tryOperation;
                        catchWaits |= tryOperation.Catches.Any(c => Swallows(c) && Delay.In(c.Handler).Exists);
                        break;
                    case IForEachLoopOperation forEach:
                        // In the body: each element, not a retry. In the collection (the watch stream itself): look further out.
                        if (IsInside(call, forEach.Body))
                        {
                            return null;
                        }

                        break;
                    case ILoopOperation loop:
                        // Retry until success; or a loop that runs the call for ever and, on failure, waits in the catch
                        // before going round again (a watch restarted after errors: Orleans' pod monitor): that wait is
                        // the retry policy. A poll whose only wait is its period is RES1003's.
                        // Or a loop with no wait anywhere, whose catch swallows the failure and goes round again at once: the
                        // worker loop that restarts a failing run with no delay (IncludeDamon's ExecuteAsync around RunAsync,
                        // unseen survey set) — on failure it retries as fast as the API server answers.
                        // A loop that waits for something else first (a work queue's next item, a channel read) is paced
                        // by that, not a retry (YARP's work-queue loop).
                        // A while loop that waits for a condition leaves on success through that condition (WaitingFor).
                        return inTry && (Periodicity.LeavesOnSuccess(loop, call) || loop is IWhileLoopOperation waiting && current == waiting.Body && WaitsForCondition(waiting) || catchWaits || Spins(loop, swallowing!)) ? loop : null;
                    case IAnonymousFunctionOperation lambda:
                        return inTry ? null : ThroughHelper(lambda, model, depth);
                    case ILocalFunctionOperation _:
                        return null;
                }
            }

            return null;
        }

        /// <summary>
        /// Whether a failure of <paramref name="site"/> ends inside its own method, so no caller's loop sees it: the site is
        /// in a <c>try</c> whose catch swallows, or in a lambda started and not awaited (<c>Task.Run</c>,
        /// <c>Task.Factory.StartNew</c>: its exception stays in the task). A caller's retry loop does not retry such a call
        /// (IncludeDamon: lists that catch and log their own failures, below a worker loop that restarts on failure).
        /// </summary>
        public static bool StopsFailure(IOperation site)
        {
            for (IOperation? current = site, parent = site.Parent; parent != null; current = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case ITryOperation tryOperation when current == tryOperation.Body && tryOperation.Catches.Any(Swallows):
                        return true;
                    case IAnonymousFunctionOperation lambda:
                        return Unwrap.HandedTo(lambda) is IArgumentOperation { Parent: IInvocationOperation runner }
                            && (runner.TargetMethod.Name == "StartNew" || runner.TargetMethod.Name == "Run")
                            && runner.TargetMethod.ContainingType?.Name is "TaskFactory" or "Task"
                            && !IsAwaited(runner);
                    case IMethodBodyOperation _:
                    case ILocalFunctionOperation _:
                        return false;
                }
            }

            return false;
        }

        /// <summary><c>await Task.Run(…)</c>, or <c>(await Task.Factory.StartNew(async …))</c> unwrapped: the caller does see the failure.</summary>
        private static bool IsAwaited(IOperation runner)
        {
            for (var parent = runner.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is IAwaitOperation)
                {
                    return true;
                }

                if (!(parent is IConversionOperation || parent is IInvocationOperation { TargetMethod.Name: "Unwrap" } || parent is IArgumentOperation))
                {
                    return false;
                }
            }

            return false;
        }

        /// <summary>
        /// The loop waits on nothing but the tried call: no delay anywhere, no other await outside the try, none in its
        /// condition. An await in that try's own <c>finally</c> (telling handlers the session closed, flushing a channel)
        /// runs after every failure too and is not a wait between attempts (the reflector's watcher loop, fourth unseen set);
        /// a delay there is one, and <see cref="Delay.In"/> finds it.
        /// </summary>
        private static bool Spins(ILoopOperation loop, ITryOperation tried)
        {
            if (Delay.In(loop.Body).Exists || loop is IWhileLoopOperation { Condition: { } condition } && condition.DescendantsAndSelf().Any(o => o is IAwaitOperation))
            {
                return false;
            }

            foreach (var operation in loop.Body.Descendants())
            {
                if (operation is IAwaitOperation && !IsInside(operation, tried.Body) && !(tried.Finally is IOperation cleanup && IsInside(operation, cleanup)) && !IsInsideLambda(operation, loop.Body))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsInsideLambda(IOperation operation, IOperation within)
        {
            for (var p = operation.Parent; p != null && p != within; p = p.Parent)
            {
                if (p is IAnonymousFunctionOperation || p is ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The loop around <paramref name="site"/> that waits for a condition: <c>while (!pods.Any(p =&gt; …)) { await
        /// Task.Delay(1000); await SyncAsync(); }</c>. Its way out is its condition, so it goes round until what it waits
        /// for holds; a call below it whose failure is caught and turned into a "not yet" answer (the previous state, an
        /// empty list) is then retried at the loop's pace while the API server fails it (SlimFaas' start-up loops, third
        /// unseen survey set). Shutdown loops (<c>while (true)</c>, <c>while (!ct.IsCancellationRequested)</c>, a
        /// <c>running</c> flag) and loops paced by what they await in their condition (a channel, a timer) are not waits.
        /// </summary>
        public static ILoopOperation? WaitingFor(IOperation site)
        {
            for (IOperation? current = site, parent = site.Parent; parent != null; current = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case IWhileLoopOperation loop when current == loop.Body:
                        return WaitsForCondition(loop) ? loop : null;
                    case ILoopOperation _:
                    case IAnonymousFunctionOperation _:
                    case ILocalFunctionOperation _:
                    case IMethodBodyOperation _:
                        return null;
                }
            }

            return null;
        }

        /// <summary>
        /// A <c>while</c> that waits (a delay in its body) and whose condition asks the program's state (a call: <c>Any</c>,
        /// <c>Count</c>, <c>IsReady()</c>), with no await and nothing of <c>CancellationToken</c> in it: it leaves when that
        /// state holds, the success exit of a wait. A bare flag or a constant does not count (a worker's shutdown flag reads
        /// the same).
        /// </summary>
        internal static bool WaitsForCondition(IWhileLoopOperation loop)
        {
            // A wait waits between its checks: a loop with no delay in its body that asks a question each pass is a paging
            // loop (do { … } while (!string.IsNullOrEmpty(continueToken)): YARP's informer, first survey) or a drain.
            if (!(loop.Condition is IOperation condition) || condition.ConstantValue.HasValue || !Delay.In(loop.Body).Exists)
            {
                return false;
            }

            bool asks = false;
            foreach (var operation in condition.DescendantsAndSelf())
            {
                // Threading calls in a condition are waits or shutdown flags, not questions about the state: a wait handle's
                // timed WaitOne (a period), Interlocked/Volatile reads of a running flag.
                if (operation is IAwaitOperation
                    || Namespaces.IsType(operation.Type, "System.Threading", "CancellationToken")
                    || Namespaces.IsType(operation.Type, "System.Threading", "CancellationTokenSource")
                    || operation is IInvocationOperation threading && Namespaces.IsWithin(threading.TargetMethod.ContainingNamespace, "System.Threading"))
                {
                    return false;
                }

                asks |= operation is IInvocationOperation;
            }

            return asks;
        }

        private static ILoopOperation? ThroughHelper(IOperation handedOver, ResilienceCompilation? model, int depth)
        {
            var parent = Unwrap.HandedTo(handedOver);

            return model != null
                && depth < ResilienceCompilation.MaxHelperDepth
                && parent is IArgumentOperation argument
                && argument.Parameter != null
                && argument.Parent is IInvocationOperation helper
                && model.DelegateInvocation(helper.TargetMethod, argument.Parameter) is IOperation inner
                ? Of(inner, model, depth + 1)
                : null;
        }

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
    }
}
