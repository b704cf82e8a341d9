using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Analysis;

namespace ResilienceAnalyzers.Workload
{
    /// <summary>How often a call runs: once, or again and again from a loop or a timer (design §5, item 5).</summary>
    internal readonly struct Frequency
    {
        public static readonly Frequency Once = default;

        public Frequency(string trigger, TimeSpan? period, SyntaxNode site)
            : this(trigger, period, site, perRequest: false)
        {
        }

        public Frequency(string trigger, TimeSpan? period, SyntaxNode site, bool perRequest)
        {
            IsPeriodic = true;
            Trigger = trigger;
            Period = period;
            Site = site;
            PerRequest = perRequest;
            RestartCallback = null;
            IsSchedule = false;
        }

        private Frequency(Frequency of, string trigger, bool schedule)
            : this(trigger, of.Period, of.Site, of.PerRequest)
        {
            RestartCallback = of.RestartCallback;
            IsSchedule = schedule;
        }

        /// <summary>A job run on a schedule set outside the code (a Quartz trigger, a cron expression in configuration).</summary>
        public static Frequency Schedule(string trigger, SyntaxNode site) => new Frequency(new Frequency(trigger, null, site), trigger, schedule: true);

        /// <summary>
        /// A job whose schedule is set outside the code (<see cref="Schedule"/>): its period is not known, and such
        /// schedules are usually minutes to days apart, so in one copy it is a suggestion, not a storm.
        /// </summary>
        public bool IsSchedule { get; }

        private Frequency(string trigger, SyntaxNode site, IOperation restartCallback)
            : this(trigger, null, site, perRequest: false)
            => RestartCallback = restartCallback;

        /// <summary>Every time a watch ends (its <c>onClosed</c>/<c>onError</c> callback, <paramref name="callback"/>): a restart.</summary>
        public static Frequency Restart(string callbackName, SyntaxNode watch, IOperation callback)
            => new Frequency("a watch's " + callbackName + " callback", watch, callback);

        /// <summary>
        /// The callback that runs when a watch ends — at the server's timeout, or at once when the API server fails — for a
        /// call it restarts; null for every other repetition. What it waits before the restart is RES1005's business.
        /// </summary>
        public IOperation? RestartCallback { get; }

        /// <summary>Once per incoming request of the handler <paramref name="site"/>.</summary>
        public static Frequency Request(SyntaxNode site) => new Frequency("HTTP request", null, site, perRequest: true);

        public bool IsPeriodic { get; }

        /// <summary>"a while loop", "a Timer callback".</summary>
        public string Trigger { get; }

        /// <summary>The nearest constant delay, when there is one.</summary>
        public TimeSpan? Period { get; }

        /// <summary>The loop or timer creation that repeats the call.</summary>
        public SyntaxNode Site { get; }

        /// <summary>The call runs once per incoming request (a controller action, a minimal-API handler).</summary>
        public bool PerRequest { get; }

        /// <summary>
        /// The repetition is a loop written in the code (so a loop with no delay in it has none); otherwise a timer, a
        /// callback or a framework entry point whose period the code may not state (a Quartz trigger, a cron schedule).
        /// </summary>
        public bool IsLoop => Site is Microsoft.CodeAnalysis.CSharp.Syntax.WhileStatementSyntax
            || Site is Microsoft.CodeAnalysis.CSharp.Syntax.DoStatementSyntax
            || Site is Microsoft.CodeAnalysis.CSharp.Syntax.ForStatementSyntax;

        /// <summary>"on every pass of a while loop", "on every HTTP request".</summary>
        public string Describe() => PerRequest ? "on every " + Trigger : "on every pass of " + Trigger;

        /// <summary>The same repetition, found in <paramref name="where"/> (a helper that runs the delegate it is given).</summary>
        public Frequency Via(string where) => IsPeriodic && !PerRequest && RestartCallback == null ? new Frequency(this, Trigger + " in " + where, IsSchedule) : this;
    }

    internal static class Periodicity
    {
        private static readonly System.Collections.Immutable.ImmutableHashSet<string> RouteMethods = System.Collections.Immutable.ImmutableHashSet.Create(
            "MapGet", "MapPost", "MapPut", "MapDelete", "MapPatch", "MapMethods", "Map");

        /// <summary>
        /// Walks out from <paramref name="operation"/> to the enclosing loop or timer callback. A loop that
        /// pages with <c>continue</c> is skipped (pagination is not polling), and so is a loop that leaves on
        /// success (<c>break</c>/<c>return</c> outside a catch: retry until success, then stop).
        /// </summary>
        public static Frequency Of(IOperation operation, bool callPages, ResilienceCompilation? model = null)
            => Of(operation, callPages, model, depth: 0);

        private static Frequency Of(IOperation operation, bool callPages, ResilienceCompilation? model, int depth)
        {
            // A method group handed over (new Timer(Tick, …), Run(PollAsync)): where the delegate goes decides.
            if (operation is IMethodReferenceOperation && operation.Parent is IDelegateCreationOperation)
            {
                operation = operation.Parent;
            }

            return operation is IDelegateCreationOperation ? DelegateSite(operation, model, depth) : Walk(operation, callPages, model, depth);
        }


        /// <summary>
        /// Which callback of an unbound <c>.Watch(…)</c> <paramref name="handedOver"/> is: the name before its colon, or its
        /// position in <c>WatcherExt.Watch&lt;T, L&gt;(this response, onEvent, onError = null, onClosed = null)</c> (the
        /// same order from 1.x to 9.x).
        /// </summary>
        internal static string? UnboundWatchCallback(IOperation handedOver, IInvalidOperation watch)
        {
            if (!(watch.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax call))
            {
                return null;
            }

            var arguments = call.ArgumentList.Arguments;
            for (int i = 0; i < arguments.Count; i++)
            {
                if (arguments[i].Expression == handedOver.Syntax)
                {
                    string? name = arguments[i].NameColon?.Name.Identifier.ValueText;
                    name ??= i == 0 ? "onEvent" : i == 1 ? "onError" : i == 2 ? "onClosed" : null;
                    return name == "onEvent" || name == "onError" || name == "onClosed" ? name : null;
                }
            }

            return null;
        }

        private static Frequency Walk(IOperation operation, bool callPages, ResilienceCompilation? model, int depth)
        {
            bool skippedPagingLoop = !callPages;
            for (IOperation? current = operation, parent = operation.Parent; parent != null; current = parent, parent = parent.Parent)
            {
                // if (_env is null) { … _env = await ListAsync(); }, _env ??= …, new Lazy<T>(…): made once, kept in a field,
                // however often the loop or handler around it runs (OnceGuards).
                if (OnceGuards.At(parent, current, model))
                {
                    return Frequency.Once;
                }

                switch (parent)
                {
                    case IWhileLoopOperation _:
                    case IForLoopOperation forLoop when forLoop.Condition == null:
                        var loop = (ILoopOperation)parent;
                        if (!skippedPagingLoop)
                        {
                            skippedPagingLoop = true;
                            continue;
                        }

                        if (LeavesOnSuccess(loop, operation))
                        {
                            continue;
                        }

                        // while (!pods.Any(…)) { await Task.Delay(1000); await SyncAsync(); }: a wait that ends when what it
                        // waits for holds (SlimFaas' start-up), not a poll for the program's life; RES1005 judges it as the
                        // retry it is when the call below answers a failure with "not yet" (RetryLoops.WaitingFor).
                        if (parent is IWhileLoopOperation waiting && current == waiting.Body && Analysis.RetryLoops.WaitsForCondition(waiting))
                        {
                            continue;
                        }

                        // try { … } catch (TimeoutException) { await Report(); return; }: the call ends the loop.
                        if (LeavesRightAfter(operation, loop))
                        {
                            return Frequency.Once;
                        }

                        // while (…) { var rv = await InitialLoadAsync(); await WatchAllPods(rv, …); }: the loop lists, then
                        // watches until the watch ends — an informer's list-then-watch, which lists again only when the watch
                        // ends (the server's timeout, 30–60 min, or a failure; RES1004 judges how it restarts). Not polling
                        // (OctopusTentacle's pod monitor, unseen survey set).
                        // A call whose result is the watch stream itself (var events = OnGetWatcher(ct); await foreach (… in
                        // events)) is the watch, not the list before it: the loop restarts it (the reflector's watcher
                        // service, fourth unseen set).
                        if (model != null && !(model.Recognize(operation) is { Verb: Kubernetes.KubernetesVerb.Watch }) && !IsWatch(operation) && model.Watches(loop.Body, operation))
                        {
                            return Frequency.Once;
                        }

                        return new Frequency(
                            parent is IWhileLoopOperation w && !w.ConditionIsTop ? "a do-while loop" : parent is IForLoopOperation ? "a for(;;) loop" : "a while loop",
                            FindDelay(loop.Body) ?? CalleeDelay(loop.Body, model) ?? PeriodicTimerPeriod((parent as IWhileLoopOperation)?.Condition),
                            parent.Syntax);

                    // await foreach over a watch stream: the body runs once per watch event (every change of every
                    // object in scope), and again for every object when the watch restarts without a resourceVersion.
                    case IForEachLoopOperation forEach when current == forEach.Body && IsWatchStream(forEach.Collection):
                        return new Frequency("watch event", null, forEach.Syntax, perRequest: true);

                    case IAnonymousFunctionOperation lambda:
                        return DelegateSite(lambda, model, depth);

                    case IMethodBodyOperation body:
                        return body.SemanticModel?.GetDeclaredSymbol(body.Syntax) is IMethodSymbol method ? EntryPoints.Of(method, body) : Frequency.Once;

                    case ILocalFunctionOperation _:
                    case IConstructorBodyOperation _:
                        return Frequency.Once;
                }
            }

            return Frequency.Once;
        }

        /// <summary>
        /// A lambda or method group handed to <c>new System.Threading.Timer(callback, …, period)</c>, to
        /// <c>Timer.Elapsed +=</c>, to a minimal-API route, or to a source method that runs the delegate it is given
        /// (a home-made retry or poll helper): the delegate repeats as that place repeats.
        /// </summary>
        private static Frequency DelegateSite(IOperation handedOver, ResilienceCompilation? model, int depth)
        {
            var parent = Unwrap.HandedTo(handedOver);

            if (parent is IArgumentOperation argument && argument.Parent is IObjectCreationOperation creation)
            {
                var type = creation.Type;
                if (type?.Name == "Timer" && Namespaces.Is(type.ContainingNamespace, "System.Threading"))
                {
                    TimeSpan? period = null;
                    foreach (var a in creation.Arguments)
                    {
                        if (a.Parameter?.Name == "period")
                        {
                            period = TimeSpanValue.Of(a.Value);
                        }
                    }

                    return new Frequency("a Timer callback", period, creation.Syntax);
                }
            }

            // app.MapGet("/pods", async (IKubernetes client) => …): the handler runs on every request.
            if (parent is IArgumentOperation routeArgument
                && routeArgument.Parent is IInvocationOperation route
                && RouteMethods.Contains(route.TargetMethod.Name)
                && Namespaces.IsWithin(route.TargetMethod.ContainingNamespace, "Microsoft.AspNetCore"))
            {
                return Frequency.Request(route.Syntax);
            }

            // app.Run(async context => …) / app.Use(…): terminal and inline middleware run on every request; Kestrel's
            // listenOptions.Run(async connection => …) (IConnectionBuilder) on every accepted connection (survey: tye's proxy).
            if (parent is IArgumentOperation pipelineArgument
                && pipelineArgument.Parent is IInvocationOperation pipeline
                && (pipeline.TargetMethod.Name == "Run" || pipeline.TargetMethod.Name == "Use")
                && pipeline.TargetMethod.ContainingNamespace is { } pipelineNamespace
                && (Namespaces.Is(pipelineNamespace, "Microsoft.AspNetCore.Builder") || Namespaces.Is(pipelineNamespace, "Microsoft.AspNetCore.Connections")))
            {
                return Namespaces.Is(pipelineNamespace, "Microsoft.AspNetCore.Connections")
                    ? new Frequency("accepted connection", null, pipeline.Syntax, perRequest: true)
                    : Frequency.Request(pipeline.Syntax);
            }

            // Akka's ReceiveActor: Receive<T>(msg => …) / ReceiveAsync<T>(…) / ReceiveAny(…), written in the constructor, run on
            // every message of that type (getakka.net, "ReceiveActor"). Without Akka referenced (a partial compilation, the
            // IDE before restore) the call does not bind; the actor's base written as ReceiveActor and the method's name
            // are all there is.
            if (parent is IArgumentOperation receiveArgument && receiveArgument.Parent is IInvocationOperation receive
                && ActorReceive.Contains(receive.TargetMethod.Name)
                && IsReceiveActor(receive.TargetMethod.ContainingType))
            {
                return new Frequency("Akka message (" + receive.TargetMethod.Name + ")", null, receive.Syntax, perRequest: true);
            }

            if (parent is IInvalidOperation unboundReceive && CalledNames.Method(unboundReceive.Syntax) is string receiveName
                && ActorReceive.Contains(receiveName)
                && unboundReceive.SemanticModel?.GetEnclosingSymbol(unboundReceive.Syntax.SpanStart)?.ContainingType is INamedTypeSymbol actor
                && actor.BaseType is { TypeKind: TypeKind.Error, Name: "ReceiveActor" })
            {
                return new Frequency("Akka message (" + receiveName + ")", null, unboundReceive.Syntax, perRequest: true);
            }

            // client.…ListNamespacedPodWithHttpMessagesAsync(…, watch: true).Watch<V1Pod, V1PodList>(onEvent: (type, pod) => …)
            // and new Watcher<T>(…, onEvent, …): once per watch event.
            if (parent is IArgumentOperation eventArgument
                && eventArgument.Parameter?.Name == "onEvent"
                && eventArgument.Parent is IOperation watchCall
                && (watchCall as IInvocationOperation)?.TargetMethod.ContainingNamespace?.Name == Kubernetes.KubernetesApi.RootNamespace
                    | (watchCall as IObjectCreationOperation)?.Type?.ContainingNamespace?.Name == Kubernetes.KubernetesApi.RootNamespace)
            {
                return new Frequency("watch event", null, watchCall.Syntax, perRequest: true);
            }

            // …and its onClosed/onError: the callback runs every time the watch ends — at the server's timeout (30–60 min
            // by default) or at once when the API server fails — so what it starts is restarted again and again.
            // Also a project's own watch factory that hands its onClosed/onError on: a method or delegate that returns the
            // client's Watcher<T> (KubeSharper's WatchMaker delegate, kept in a field and invoked with the event source's
            // restart callbacks: the third unseen survey set).
            // A source factory's parameter is followed to the client's callback it is handed to, whatever the factory
            // calls it (passwordstate-operator's WatchCustomResources(…, Action onClose), fourth unseen set).
            if (parent is IArgumentOperation closedArgument
                && closedArgument.Parameter is IParameterSymbol closedParameter
                && closedArgument.Parent is IInvocationOperation closedWatch)
            {
                bool client = closedWatch.TargetMethod.ContainingNamespace?.Name == Kubernetes.KubernetesApi.RootNamespace;
                bool factory = !client && ReturnsWatcher(closedWatch.TargetMethod);
                string? restartedBy = (client || factory) && (closedParameter.Name == "onClosed" || closedParameter.Name == "onError") ? closedParameter.Name
                    : factory && model != null ? model.WatchCallbackOf(closedWatch.TargetMethod, closedParameter)
                    : null;
                if (restartedBy != null)
                {
                    return Frequency.Restart(restartedBy, closedWatch.Syntax, handedOver);
                }
            }

            // The same pre-10.x response.Watch<T, TList>(onEvent, onError, onClosed) when it does not bind against a newer
            // client: the callback is known by the name written, or by its position in WatcherExt.Watch's signature.
            if (parent is IInvalidOperation unboundWatch && CalledNames.Method(unboundWatch.Syntax) == "Watch"
                && UnboundWatchCallback(handedOver, unboundWatch) is string callback)
            {
                return callback == "onEvent"
                    ? new Frequency("watch event", null, unboundWatch.Syntax, perRequest: true)
                    : Frequency.Restart(callback, unboundWatch.Syntax, handedOver);
            }

            // Observable.Interval(period).Subscribe(_ => …): the onNext runs once every period ("returns an observable
            // sequence that produces a value after each period": dotnet/reactive, Rx.NET/Source/src/System.Reactive/Linq/
            // Observable.Time.cs); kamus' CRD controller re-watches on it (fourth unseen set).
            if (RxIntervalPeriod(handedOver, parent) is { } interval)
            {
                return new Frequency("an Rx Observable.Interval", interval.Period, interval.Site);
            }

            if (parent is IEventAssignmentOperation eventAssignment
                && eventAssignment.EventReference is IEventReferenceOperation eventReference
                && eventReference.Event.Name == "Elapsed"
                && Namespaces.IsType(eventReference.Event.ContainingType, "System.Timers", "Timer"))
            {
                return new Frequency("a Timer.Elapsed handler", null, eventAssignment.Syntax);
            }

            // A source helper that invokes its delegate parameter: the delegate runs where the helper invokes it.
            if (parent is IArgumentOperation helperArgument
                && helperArgument.Parent is IInvocationOperation helperCall
                && helperArgument.Parameter != null
                && model != null
                && depth < ResilienceCompilation.MaxHelperDepth
                && model.DelegateInvocation(helperCall.TargetMethod, helperArgument.Parameter) is IOperation inner)
            {
                var inHelper = Of(inner, callPages: false, model, depth + 1);
                if (inHelper.IsPeriodic)
                {
                    return inHelper.Via(helperCall.TargetMethod.ContainingType.Name + "." + helperCall.TargetMethod.Name);
                }
            }

            // Recurse outwards: a lambda inside a loop (Task.Run(() => list()) in a while loop) still repeats.
            return handedOver.Parent != null ? Walk(handedOver, callPages: false, model, depth) : Frequency.Once;
        }

        /// <summary>
        /// <paramref name="handedOver"/> is the onNext of <c>Observable.Interval(period).Subscribe(…)</c> (System.Reactive):
        /// the period's constant when it has one, and the Subscribe call. Without System.Reactive referenced (a partial
        /// compilation) the calls do not bind, and the names written — <c>Observable.Interval</c>, <c>Subscribe</c>, the
        /// first argument or one named <c>onNext</c> — are all there is.
        /// </summary>
        private static (TimeSpan? Period, SyntaxNode Site)? RxIntervalPeriod(IOperation handedOver, IOperation? parent)
        {
            if (parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Subscribe" } subscribe } onNext)
            {
                var source = subscribe.Instance ?? (subscribe.Arguments.Length > 0 && subscribe.TargetMethod.IsExtensionMethod ? subscribe.Arguments[0].Value : null);
                return onNext.Parameter?.Name == "onNext"
                    && Unwrap.ConversionsOrNull(source) is IInvocationOperation { TargetMethod.Name: "Interval" } interval
                    && Namespaces.IsType(interval.TargetMethod.ContainingType, "System.Reactive.Linq", "Observable")
                    && interval.Arguments.Length > 0
                    ? (TimeSpanValue.Of(interval.Arguments[0].Value), subscribe.Syntax)
                    : ((TimeSpan?, SyntaxNode)?)null;
            }

            if (parent is IInvalidOperation unbound
                && unbound.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax
                {
                    Expression: Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax
                    {
                        Name.Identifier.ValueText: "Subscribe",
                        Expression: Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax
                        {
                            Expression: Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax
                            {
                                Name.Identifier.ValueText: "Interval",
                                Expression: Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax { Identifier.ValueText: "Observable" },
                            },
                        } intervalCall,
                    },
                } subscribeCall
                && subscribeCall.ArgumentList.Arguments.Count > 0
                && intervalCall.ArgumentList.Arguments.Count > 0)
            {
                var first = subscribeCall.ArgumentList.Arguments[0];
                bool isOnNext = first.NameColon == null ? first.Expression == handedOver.Syntax : false;
                foreach (var argument in subscribeCall.ArgumentList.Arguments)
                {
                    isOnNext |= argument.NameColon?.Name.Identifier.ValueText == "onNext" && argument.Expression == handedOver.Syntax;
                }

                if (isOnNext)
                {
                    var period = unbound.SemanticModel?.GetOperation(intervalCall.ArgumentList.Arguments[0].Expression) is IOperation value ? TimeSpanValue.Of(value) : null;
                    return (period, subscribeCall);
                }
            }

            return null;
        }

        private static readonly System.Collections.Immutable.ImmutableHashSet<string> ActorReceive = System.Collections.Immutable.ImmutableHashSet.Create(
            StringComparer.Ordinal, "Receive", "ReceiveAsync", "ReceiveAny", "ReceiveAnyAsync");

        private static bool IsReceiveActor(INamedTypeSymbol? type) => Namespaces.IsOrDerivesFrom(type, "Akka.Actor", "ReceiveActor");

        /// <summary>An <c>IAsyncEnumerable</c> of <c>(WatchEventType, T)</c>: what every <c>WatchList…Async</c> returns.</summary>
        internal static bool IsWatchStream(IOperation collection)
        {
            collection = Unwrap.Conversions(collection);

            return collection.Type is INamedTypeSymbol { Name: "IAsyncEnumerable", TypeArguments: { Length: 1 } arguments }
                && arguments[0] is INamedTypeSymbol { IsTupleType: true } tuple
                && tuple.TupleElements.Length == 2
                && tuple.TupleElements[0].Type.Name == "WatchEventType";
        }

        /// <summary><c>while (await timer.WaitForNextTickAsync())</c> with <c>var timer = new PeriodicTimer(period)</c> in the same method.</summary>
        private static TimeSpan? PeriodicTimerPeriod(IOperation? condition)
        {
            if (condition == null)
            {
                return null;
            }

            foreach (var descendant in condition.DescendantsAndSelf())
            {
                if (descendant is IInvocationOperation tick
                    && tick.TargetMethod.Name == "WaitForNextTickAsync"
                    && Namespaces.IsType(tick.TargetMethod.ContainingType, "System.Threading", "PeriodicTimer")
                    && tick.Instance is ILocalReferenceOperation local
                    && Kubernetes.StringValue.InitializerOf(local) is IObjectCreationOperation creation
                    && creation.Arguments.Length > 0)
                {
                    return TimeSpanValue.Of(creation.Arguments[0].Value);
                }
            }

            return null;
        }

        /// <summary>
        /// The loop has a way out once <paramref name="call"/> has succeeded: a <c>return</c> or <c>break</c> written after
        /// the call, outside a catch and a lambda (retry until success). Exits written before the call — a shutdown or
        /// cancellation check at the top of a worker loop — are not success exits (survey: Orleans' pod monitor, YARP's
        /// work-queue loop).
        /// </summary>
        internal static bool LeavesOnSuccess(ILoopOperation loop, IOperation call)
        {
            int after = call.Syntax.SpanStart;
            foreach (var descendant in loop.Body.DescendantsAndSelf())
            {
                if ((descendant is IReturnOperation || (descendant is IBranchOperation branch && branch.BranchKind == BranchKind.Break && SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel)))
                    && (descendant.Syntax.SpanStart > after || descendant.Syntax.Span.Contains(call.Syntax.Span) || !loop.Body.Syntax.Span.Contains(call.Syntax.Span)))
                {
                    if (!IsInsideCatchOrLambda(descendant, loop))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// <paramref name="call"/> is followed, in a block between it and <paramref name="loop"/>, by an unconditional
        /// <c>return</c>, <c>throw</c> or <c>break</c> out of the loop: the loop does not run it again.
        /// </summary>
        private static bool LeavesRightAfter(IOperation call, ILoopOperation loop)
        {
            for (IOperation? current = call, parent = call.Parent; parent != null && parent != loop; current = parent, parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    return false;
                }

                if (!(parent is IBlockOperation block))
                {
                    continue;
                }

                bool seen = false;
                foreach (var statement in block.Operations)
                {
                    if (statement == current)
                    {
                        seen = true;
                    }
                    else if (seen && (statement is IReturnOperation
                        || (statement is IExpressionStatementOperation { Operation: IThrowOperation _ })
                        || (statement is IThrowOperation)
                        || (statement is IBranchOperation branch && branch.BranchKind == BranchKind.Break && SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel))))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsInsideCatchOrLambda(IOperation operation, IOperation stop)
        {
            for (var p = operation.Parent; p != null && p != stop; p = p.Parent)
            {
                if (p is ICatchClauseOperation || p is IAnonymousFunctionOperation || p is ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The constant wait a method body starts with as one of its own statements (<c>await Task.Delay(1000);</c>, <c>Thread.Sleep(…)</c>), if any.</summary>
        internal static TimeSpan? LeadingWait(IOperation? callee)
        {
            var block = callee is IMethodBodyOperation method ? method.BlockBody ?? method.ExpressionBody : callee as IBlockOperation;
            foreach (var statement in block?.Operations ?? ImmutableArray<IOperation>.Empty)
            {
                var awaited = statement is IExpressionStatementOperation expression ? Unwrap.Conversions(expression.Operation) : null;
                if (awaited is IAwaitOperation awaitOperation)
                {
                    awaited = Unwrap.Conversions(awaitOperation.Operation);
                }

                var wait = awaited is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: IInvocationOperation configured } ? configured : awaited as IInvocationOperation;
                if (wait != null && Delay.In(wait) is { Constant: TimeSpan period } delay && delay.Call == wait)
                {
                    return period;
                }
            }

            return null;
        }

        /// <summary>A call that returns a watch: the stream <c>WatchList…Async</c> returns, or the client's <c>Watcher&lt;T&gt;</c>.</summary>
        private static bool IsWatch(IOperation call)
            => IsWatchStream(call) || call is IInvocationOperation invocation && ReturnsWatcher(invocation.TargetMethod);

        /// <summary>The method returns the client's <c>k8s.Watcher&lt;T&gt;</c> (or a task of one).</summary>
        private static bool ReturnsWatcher(IMethodSymbol method)
        {
            var type = method.ReturnType as INamedTypeSymbol;
            if (type is { Name: "Task" or "ValueTask", TypeArguments.Length: 1 })
            {
                type = type.TypeArguments[0] as INamedTypeSymbol;
            }

            return type is { Name: "Watcher" } && type.ContainingNamespace?.Name == Kubernetes.KubernetesApi.RootNamespace;
        }

        /// <summary>The constant period of the first <c>Task.Delay(…)</c> / <c>Thread.Sleep(…)</c> inside the loop, if any.</summary>
        internal static TimeSpan? FindDelay(IOperation body) => Delay.In(body).Constant;

        /// <summary>
        /// A loop with no wait of its own whose pass calls a source method that waits a constant time as one of its own
        /// statements — <c>while (…) { await DoOneCycle(); }</c> where <c>DoOneCycle</c> starts with <c>await Task.Delay(1000)</c>
        /// (SlimFaas' job workers, the third unseen survey set, were priced "with no delay between passes"). Only a wait at
        /// the top of the callee's body counts: one inside a branch or a <c>catch</c> (a backoff on failure) is not the
        /// period. Callers' calls in nested lambdas and catches are not looked at. Each callee is read once per compilation
        /// (<see cref="ResilienceCompilation.LeadingWait"/>).
        /// </summary>
        private static TimeSpan? CalleeDelay(IOperation body, ResilienceCompilation? model)
        {
            if (model == null)
            {
                return null;
            }

            foreach (var descendant in body.DescendantsAndSelf())
            {
                if (descendant is IInvocationOperation call
                    && call.TargetMethod.DeclaringSyntaxReferences.Length != 0
                    && !IsInsideCatchOrLambda(call, body)
                    && model.Compilation.ContainsSyntaxTree(call.TargetMethod.DeclaringSyntaxReferences[0].SyntaxTree)
                    && model.LeadingWait(call.TargetMethod) is TimeSpan period)
                {
                    return period;
                }
            }

            return null;
        }
    }

    /// <summary>A wait inside a loop: none, a constant one, or one computed at run time (backoff).</summary>
    internal readonly struct Delay
    {
        private Delay(bool exists, TimeSpan? constant, IInvocationOperation? call)
        {
            Exists = exists;
            Constant = constant;
            Call = call;
        }

        public bool Exists { get; }

        public TimeSpan? Constant { get; }

        public IInvocationOperation? Call { get; }

        public bool IsComputed => Exists && !Constant.HasValue;

        /// <summary>The first <c>Task.Delay</c> / <c>Thread.Sleep</c> in <paramref name="body"/> (nested lambdas excluded).</summary>
        public static Delay In(IOperation body)
        {
            foreach (var descendant in body.DescendantsAndSelf())
            {
                if (descendant is IInvocationOperation invocation && IsDelay(invocation.TargetMethod))
                {
                    var value = invocation.Arguments.Length > 0 ? TimeSpanValue.Of(invocation.Arguments[0].Value) : null;
                    return new Delay(true, value, invocation);
                }
            }

            return default;
        }

        private static bool IsDelay(IMethodSymbol method)
        {
            // The name first: this runs for every call in a loop body; the type's display string only for Delay/Sleep.
            return (method.Name == "Delay" && Namespaces.IsType(method.ContainingType, "System.Threading.Tasks", "Task"))
                || (method.Name == "Sleep" && Namespaces.IsType(method.ContainingType, "System.Threading", "Thread"));
        }
    }

    /// <summary>Constant time spans: <c>TimeSpan.FromSeconds(30)</c>, <c>new TimeSpan(0, 1, 0)</c>, <c>5000</c> (ms).</summary>
    internal static class TimeSpanValue
    {
        public static TimeSpan? Of(IOperation value) => Of(value, readFields: true);

        private static TimeSpan? Of(IOperation value, bool readFields)
        {
            value = Unwrap.Conversions(value);

            // readonly TimeSpan taskInterval = TimeSpan.FromMinutes(10): a read-only field's initializer is its value (a
            // constructor may still assign it; then the initializer is not what runs, and nothing is said).
            if (readFields && value is IFieldReferenceOperation { Field: { IsReadOnly: true } field } && Initializer(field, value.SemanticModel) is IOperation initial)
            {
                return Of(initial, readFields: false);
            }

            if (value.ConstantValue.HasValue && value.ConstantValue.Value is int ms && ms > 0)
            {
                return TimeSpan.FromMilliseconds(ms);
            }

            if (value is IInvocationOperation invocation
                && Namespaces.IsType(invocation.TargetMethod.ContainingType, "System", "TimeSpan")
                && invocation.Arguments.Length >= 1
                && TryNumber(invocation.Arguments[0].Value, out double n)
                && n > 0)
            {
                double? seconds = invocation.TargetMethod.Name switch
                {
                    "FromMilliseconds" => n / 1000,
                    "FromSeconds" => n,
                    "FromMinutes" => n * 60,
                    "FromHours" => n * 3600,
                    _ => null,
                };
                return FromSeconds(seconds);
            }

            if (value is IObjectCreationOperation creation
                && Namespaces.IsType(creation.Type, "System", "TimeSpan")
                && creation.Arguments.Length == 3
                && TryNumber(creation.Arguments[0].Value, out double h)
                && TryNumber(creation.Arguments[1].Value, out double m)
                && TryNumber(creation.Arguments[2].Value, out double s))
            {
                return FromSeconds(h * 3600 + m * 60 + s);
            }

            return null;
        }

        /// <summary>The initial value of a source field declared with one and assigned nowhere else (constructors included).</summary>
        private static IOperation? Initializer(IFieldSymbol field, SemanticModel? model)
        {
            if (model == null || field.DeclaringSyntaxReferences.Length != 1
                || !(field.DeclaringSyntaxReferences[0].GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { Initializer: { } initializer } declarator)
                || declarator.SyntaxTree != model.SyntaxTree
                || AssignedOutsideInitializer(field))
            {
                return null;
            }

            return model.GetOperation(initializer.Value);
        }

        /// <summary>Whether the field's type declarations assign it anywhere (a constructor of a read-only field).</summary>
        private static bool AssignedOutsideInitializer(IFieldSymbol field)
        {
            foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    if (node is Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax assignment
                        && Assigned(assignment.Left) == field.Name)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static string? Assigned(Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax left)
            => left switch
            {
                Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax name => name.Identifier.ValueText,
                Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax { Expression: Microsoft.CodeAnalysis.CSharp.Syntax.ThisExpressionSyntax } member => member.Name.Identifier.ValueText,
                _ => null,
            };

        /// <summary>A positive span, or null for one TimeSpan cannot hold (the source's own call would throw at run time; the analyzer must not).</summary>
        private static TimeSpan? FromSeconds(double? seconds)
        {
            if (seconds is double value && value > 0 && value < TimeSpan.MaxValue.TotalSeconds)
            {
                return TimeSpan.FromSeconds(value);
            }

            return null;
        }

        private static bool TryNumber(IOperation value, out double number)
        {
            value = Unwrap.Conversions(value);

            number = 0;
            if (!value.ConstantValue.HasValue || value.ConstantValue.Value == null)
            {
                return false;
            }

            try
            {
                number = Convert.ToDouble(value.ConstantValue.Value, System.Globalization.CultureInfo.InvariantCulture);
                return true;
            }
            catch (Exception e) when (e is InvalidCastException || e is FormatException || e is OverflowException)
            {
                return false;
            }
        }
    }
}
