using System;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Configuration;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Workload;
using ResilienceAnalyzers.Workload.Manifests;

namespace ResilienceAnalyzers.Analysis
{
    /// <summary>
    /// The one analysis model of a compilation, shared by every rule (the shape of roslyn-analyzers'
    /// <c>WellKnownTypeProvider.GetOrCreate</c>): settings and fan-out, the memo of recognized Kubernetes calls (each
    /// invocation is recognized once, not once per rule), and the call graph the rules walk to find the loop, timer,
    /// handler or retry that a caller puts around a call (<see cref="Callers"/>, <see cref="CallChains"/>).
    /// </summary>
    /// <remarks>
    /// Held in a <see cref="ConditionalWeakTable{TKey, TValue}"/> keyed by the compilation: it lives exactly as long
    /// as the compilation does (no static growth; <c>ResilienceCompilationTests</c> checks it is collected). Everything
    /// in it is built lazily, so a compilation that never calls the Kubernetes client or DNS pays for the table entry
    /// and nothing else.
    /// </remarks>
    internal sealed class ResilienceCompilation
    {
        /// <summary>
        /// Locks of the model's concurrent dictionaries: several per analyzer thread, so that threads adding at once rarely
        /// wait (the runtime's default is one per processor; the processor count is not read here, RS1035).
        /// </summary>
        internal const int ConcurrencyLevel = 32;

        private static readonly ConditionalWeakTable<Compilation, ResilienceCompilation> Models = new ConditionalWeakTable<Compilation, ResilienceCompilation>();

        // Sized for the analyzer threads and a project's worth of calls: resizing a concurrent dictionary takes every lock,
        // and the rules' threads queued behind it (a profile of KubeOps, docs/performance.md).
        private readonly ConcurrentDictionary<SyntaxNode, KubernetesCall?> calls = new ConcurrentDictionary<SyntaxNode, KubernetesCall?>(ConcurrencyLevel, 1024);
        private readonly ConcurrentDictionary<IParameterSymbol, IOperation?> delegateInvocations =
            new ConcurrentDictionary<IParameterSymbol, IOperation?>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> semanticModels = new ConcurrentDictionary<SyntaxTree, SemanticModel>();
        private readonly ConcurrentDictionary<INamedTypeSymbol, CallChains> typeChains =
            new ConcurrentDictionary<INamedTypeSymbol, CallChains>(SymbolEqualityComparer.Default);
        private readonly Lazy<bool> kubernetesReferenced;
        private readonly Lazy<bool> dnsClientReferenced;
        private readonly ConcurrentDictionary<SyntaxTree, bool> rawApiMentioned = new ConcurrentDictionary<SyntaxTree, bool>();
        private Lazy<CallerIndex> callers;
        private Lazy<CallChains> chains;
        private readonly Lazy<ValueSources> valueSources;

        private ResilienceCompilation(Compilation compilation, AnalyzerOptions options)
        {
            Compilation = compilation;
            Options = options.AnalyzerConfigOptionsProvider;
            InEditor = options.GetType() != typeof(AnalyzerOptions);
            Settings = new SettingsCache(Options);
            Recorder = new CallRecorder(System.Linq.Enumerable.Count(compilation.SyntaxTrees));
            var additionalFiles = options.AdditionalFiles;
            FanOut = new FanOutResolver(compilation, Settings, new Lazy<ProjectManifests>(() => ReadManifests(compilation, additionalFiles, Options)), ModelFor);
            kubernetesReferenced = new Lazy<bool>(() => KubernetesApi.IsReferenced(compilation));
            dnsClientReferenced = new Lazy<bool>(() => Infrastructure.ReferencedAssemblies.Contains(compilation, "DnsClient", prefix: false));
            (callers, chains) = NewCallGraph();
            valueSources = new Lazy<ValueSources>(() => new ValueSources(this));
        }

        private (Lazy<CallerIndex>, Lazy<CallChains>) NewCallGraph()
            => (new Lazy<CallerIndex>(() => Recorder.Any ? new CallerIndex(this, Recorder) : new CallerIndex(this)),
                new Lazy<CallChains>(() => new CallChains(this, Callers)));

        public Compilation Compilation { get; }

        public AnalyzerConfigOptionsProvider Options { get; }

        public SettingsCache Settings { get; }

        public FanOutResolver FanOut { get; }

        public bool KubernetesReferenced => kubernetesReferenced.Value;

        /// <summary>
        /// The source mentions an API path, a watch query or kubectl (<see cref="RawApiCalls.Mentioned"/>): read once, on the
        /// first call whose name a raw request can have, in a compilation where the Kubernetes rules run.
        /// </summary>
        public bool RawApiMentionedIn(SyntaxTree tree)
            => rawApiMentioned.TryGetValue(tree, out bool mentioned) ? mentioned : rawApiMentioned.GetOrAdd(tree, RawApiCalls.Mentioned(tree));

        /// <summary>DnsClient.NET is referenced (RES2002's bail-out): asked once per compilation, not at each of its analyzers' starts.</summary>
        public bool DnsClientReferenced => dnsClientReferenced.Value;

        /// <summary>The calls the driver handed to the rules, for <see cref="Callers"/>.</summary>
        public CallRecorder Recorder { get; }

        /// <summary>
        /// Who calls a source method (built on first use, once per compilation): from the <see cref="Recorder"/> when the
        /// rules ran under the driver, which is the only place the rules ask (compilation end); else from a syntax walk.
        /// </summary>
        public CallerIndex Callers => callers.Value;

        /// <summary>Where members' values and constructors' arguments come from (one syntax walk, on first need: RES2003's end points).</summary>
        public ValueSources ValueSources => valueSources.Value;

        /// <summary>The repeating or retrying caller of a method, searched once per method.</summary>
        public CallChains CallChains => chains.Value;

        /// <summary>
        /// The search restricted to callers inside <paramref name="type"/>'s own declarations: what the IDE can show live,
        /// at the type's symbol end, without waiting for the whole compilation.
        /// </summary>
        public CallChains TypeChains(INamedTypeSymbol type)
            => typeChains.GetOrAdd(type, t => new CallChains(this, InEditor ? TypeSyntaxCallers(t) : new CallerIndex(this, t)));

        /// <summary>
        /// The callers inside <paramref name="type"/>'s declarations, read from its syntax and bound on demand: complete
        /// whatever the driver has reached, which is what recognizing a call needs (a raw request's URI traced through a
        /// parameter to the type's callers: what is recognized is kept for every rule, so it must not depend on the order
        /// the driver visits members in).
        /// </summary>
        public CallerIndex TypeSyntaxCallers(INamedTypeSymbol type)
            => typeSyntaxCallers.GetOrAdd(type, t =>
            {
                var roots = new System.Collections.Generic.List<SyntaxNode>();
                foreach (var reference in t.DeclaringSyntaxReferences)
                {
                    roots.Add(reference.GetSyntax());
                }

                return new CallerIndex(this, roots);
            });

        private readonly ConcurrentDictionary<INamedTypeSymbol, CallerIndex> typeSyntaxCallers =
            new ConcurrentDictionary<INamedTypeSymbol, CallerIndex>(SymbolEqualityComparer.Default);

        /// <summary>
        /// Analyzed by an editor: the IDE hands analyzers its own subclass of <see cref="AnalyzerOptions"/> (Roslyn's
        /// <c>WorkspaceAnalyzerOptions</c>, src/Workspaces/Core/Portable/Diagnostics/WorkspaceAnalyzerOptions.cs), while the
        /// compiler (<c>CommonCompiler</c>), <c>Compilation.WithAnalyzers</c> and <c>dotnet format</c> pass
        /// <see cref="AnalyzerOptions"/> itself. An editor's document analysis runs no compilation-end action, so there the
        /// within-type search binds the type's callers the driver has not reached yet, to show a chain live whatever order
        /// the members are analyzed in; a build leaves them to compilation end (<see cref="TypeChains"/>).
        /// </summary>
        public bool InEditor { get; }

        /// <summary>
        /// The model of <paramref name="compilation"/>. Options are per project, so they are the same for every
        /// analyzer of one compilation; if a host ever passes others, the caller gets a model of its own rather than
        /// another project's settings.
        /// </summary>
        public static ResilienceCompilation GetOrCreate(Compilation compilation, AnalyzerOptions options)
        {
            var model = Models.GetValue(compilation, c => new ResilienceCompilation(c, options));
            return ReferenceEquals(model.Options, options.AnalyzerConfigOptionsProvider)
                ? model
                : new ResilienceCompilation(compilation, options);
        }

        /// <summary>
        /// The project's manifests, read once for every rule: matched against the assembly name and, when the package's
        /// props make it visible, the MSBuild project name; paths shown relative to the project folder.
        /// </summary>
        private static ProjectManifests ReadManifests(Compilation compilation, System.Collections.Immutable.ImmutableArray<AdditionalText> files, AnalyzerConfigOptionsProvider options)
        {
            var names = System.Collections.Immutable.ImmutableArray.CreateBuilder<string>();
            if (!string.IsNullOrWhiteSpace(compilation.AssemblyName))
            {
                names.Add(compilation.AssemblyName!);
            }

            if (options.GlobalOptions.TryGetValue("build_property.MSBuildProjectName", out string? project) && !string.IsNullOrWhiteSpace(project))
            {
                names.Add(project!.Trim());
            }

            options.GlobalOptions.TryGetValue("build_property.ProjectDir", out string? directory);
            return ProjectManifests.Read(files, names.ToImmutable(), string.IsNullOrWhiteSpace(directory) ? null : directory!.Trim(), System.Threading.CancellationToken.None);
        }

        /// <summary>The LIST/WATCH <paramref name="invocation"/> makes, recognized once for all rules.</summary>
        public KubernetesCall? Recognize(IInvocationOperation invocation)
        {
            // Read first: every Kubernetes rule asks for the same call, and GetOrAdd's factory closure is an allocation per ask.
            if (calls.TryGetValue(invocation.Syntax, out var known))
            {
                return known;
            }

            // A request written without the client (HttpClient, kubectl): only a method that can send one, and only where
            // its file mentions an API path or kubectl at all (read once per file); elsewhere these common names cost a
            // symbol test.
            string? name = CalledNames.Method(invocation.Syntax);
            bool raw = RawApiCalls.MayBeRaw(name) && RawApiCalls.IsCandidate(invocation.TargetMethod) && RawApiMentionedIn(invocation.Syntax.SyntaxTree);
            if (!raw && RawApiCalls.MayBeRaw(name) && !KubernetesApi.MayBeClientListOrWatch(name!))
            {
                return null;
            }

            KubernetesCall? call = null;
            if (!KubernetesApi.TryGetCall(invocation, out call) && raw)
            {
                RawApiCalls.TryGetCall(invocation, this, out call);
            }

            return calls.GetOrAdd(invocation.Syntax, call);
        }

        /// <summary>The LIST/WATCH a call makes, bound or not (<see cref="KubernetesApi.TryGetUnboundCall"/>); null for any other operation.</summary>
        public KubernetesCall? Recognize(IOperation operation)
            => operation is IInvocationOperation invocation ? Recognize(invocation)
                : operation is IInvalidOperation invalid && invalid.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax
                    ? calls.GetOrAdd(invalid.Syntax, _ => KubernetesApi.TryGetUnboundCall(invalid, out var call) ? call : null)
                    : null;

        /// <summary>
        /// Where the source method <paramref name="helper"/> runs the delegate it receives as <paramref name="parameter"/>:
        /// the first <c>parameter(…)</c>/<c>parameter.Invoke(…)</c> in its body, followed when the helper hands the
        /// delegate on to another source helper. Null for a method from metadata, a parameter that is not a delegate,
        /// or a helper that only stores it.
        /// </summary>
        /// <summary>
        /// How many delegate-running helpers are followed, one inside another (a lambda given to a helper that hands it to
        /// another). A cost bound, not a measurement.
        /// </summary>
        internal const int MaxHelperDepth = 4;

        public IOperation? DelegateInvocation(IMethodSymbol helper, IParameterSymbol parameter)
        {
            var definition = (helper.ReducedFrom ?? helper).OriginalDefinition;
            int ordinal = parameter.Ordinal + (helper.ReducedFrom != null ? 1 : 0);
            if (definition.DeclaringSyntaxReferences.Length == 0 || ordinal >= definition.Parameters.Length || parameter.Type.TypeKind != TypeKind.Delegate)
            {
                return null;
            }

            return delegateInvocations.GetOrAdd(definition.Parameters[ordinal], p => FindDelegateInvocation(definition, p, forwards: 2));
        }

        private IOperation? FindDelegateInvocation(IMethodSymbol helper, IParameterSymbol parameter, int forwards)
        {
            var body = BodyOf(helper);
            if (body == null)
            {
                return null;
            }

            foreach (var operation in body.Descendants())
            {
                if (operation is IInvocationOperation invocation
                    && invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke
                    && IsParameter(invocation.Instance, parameter))
                {
                    return invocation;
                }

                // RetryAsync(action) => RetryCoreAsync(action, 3): the delegate runs where the inner helper runs it.
                if (forwards > 0
                    && operation is IArgumentOperation argument
                    && argument.Parameter != null
                    && IsParameter(argument.Value, parameter)
                    && argument.Parent is IInvocationOperation forward
                    && forward.TargetMethod.OriginalDefinition.DeclaringSyntaxReferences.Length > 0
                    && argument.Parameter.Ordinal < forward.TargetMethod.OriginalDefinition.Parameters.Length
                    && FindDelegateInvocation(forward.TargetMethod.OriginalDefinition, forward.TargetMethod.OriginalDefinition.Parameters[argument.Parameter.Ordinal], forwards - 1) is IOperation inner)
                {
                    return inner;
                }
            }

            return null;
        }

        /// <summary>
        /// Which of the client's restart callbacks — <c>onClosed</c> or <c>onError</c> of <c>Watch(onEvent, onError,
        /// onClosed)</c> or <c>new Watcher&lt;T&gt;(…)</c> — a source watch factory hands its delegate parameter
        /// <paramref name="parameter"/> to, whatever the factory calls it (passwordstate-operator's
        /// <c>WatchCustomResources(…, Action onClose)</c>, fourth unseen survey set); null when it hands it to none. An
        /// interface or abstract factory is read in its source implementations. Read once per parameter.
        /// </summary>
        public string? WatchCallbackOf(IMethodSymbol factory, IParameterSymbol parameter)
        {
            var definition = (factory.ReducedFrom ?? factory).OriginalDefinition;
            int ordinal = parameter.Ordinal + (factory.ReducedFrom != null ? 1 : 0);
            if (definition.DeclaringSyntaxReferences.Length == 0 || ordinal >= definition.Parameters.Length || parameter.Type.TypeKind != TypeKind.Delegate)
            {
                return null;
            }

            return watchCallbacks.GetOrAdd(definition.Parameters[ordinal], p => FindWatchCallback((IMethodSymbol)p.ContainingSymbol, p, implementations: true));
        }

        private string? FindWatchCallback(IMethodSymbol factory, IParameterSymbol parameter, bool implementations)
        {
            if (factory.IsAbstract)
            {
                if (!implementations)
                {
                    return null;
                }

                foreach (var candidate in Compilation.GetSymbolsWithName(factory.Name, SymbolFilter.Member))
                {
                    if (candidate is IMethodSymbol implementation && !implementation.IsAbstract
                        && parameter.Ordinal < implementation.Parameters.Length
                        && CallerIndex.IsCallOf(factory, implementation)
                        && FindWatchCallback(implementation.OriginalDefinition, implementation.OriginalDefinition.Parameters[parameter.Ordinal], implementations: false) is string callback)
                    {
                        return callback;
                    }
                }

                return null;
            }

            var body = BodyOf(factory);
            foreach (var operation in body?.Descendants() ?? System.Linq.Enumerable.Empty<IOperation>())
            {
                if (operation is IArgumentOperation { Parameter: { Name: "onClosed" or "onError" } client } argument
                    && IsParameter(argument.Value, parameter)
                    && ((argument.Parent as IInvocationOperation)?.TargetMethod.ContainingNamespace?.Name == KubernetesApi.RootNamespace
                        || (argument.Parent as IObjectCreationOperation)?.Type?.ContainingNamespace?.Name == KubernetesApi.RootNamespace))
                {
                    return client.Name;
                }

                // The pre-10.x response.Watch(onEvent, onError, onClosed) that does not bind against a newer client: by the
                // name written or the position (passwordstate-operator's factory, compiled against 21.x).
                if (operation is IParameterReferenceOperation reference
                    && SymbolEqualityComparer.Default.Equals(reference.Parameter.OriginalDefinition, parameter)
                    && reference.Parent is IInvalidOperation unbound
                    && CalledNames.Method(unbound.Syntax) == "Watch"
                    && Periodicity.UnboundWatchCallback(reference, unbound) is string written
                    && written != "onEvent")
                {
                    return written;
                }
            }

            return null;
        }

        private readonly ConcurrentDictionary<IParameterSymbol, string?> watchCallbacks =
            new ConcurrentDictionary<IParameterSymbol, string?>(SymbolEqualityComparer.Default);

        private static bool IsParameter(IOperation? operation, IParameterSymbol parameter)
        {
            operation = Unwrap.ConversionsOrNull(operation);

            return operation is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter.OriginalDefinition, parameter);
        }

        /// <summary>
        /// The semantic model of a tree, for reading a caller or a helper in another tree. Under the analyzer driver,
        /// <see cref="Compilation.GetSemanticModel"/> returns the driver's cached model (Roslyn's
        /// <c>CachingSemanticModelProvider</c>), so binding here does not repeat the compiler's work.
        /// </summary>
#pragma warning disable RS1030 // The rules read callers and helpers in other trees; there is no other way to bind them.
        public SemanticModel ModelFor(SyntaxTree tree) => semanticModels.GetOrAdd(tree, t => Compilation.GetSemanticModel(t));
#pragma warning restore RS1030

        /// <summary>
        /// Keeps the driver's own model of a tree the rules have seen. By compilation end the driver has dropped its
        /// cache (it clears a tree's model once the tree is done), and a fresh model would bind every caller's body again;
        /// this one has them bound already. Held only as long as the compilation (and this model) lives.
        /// </summary>
        private int openRuns;

        /// <summary>A rule starts on this compilation (its compilation-end action will call <see cref="Leave"/>).</summary>
        public void Enter() => System.Threading.Interlocked.Increment(ref openRuns);

        /// <summary>
        /// A rule is done with this compilation. When the last one is, the semantic models kept for the caller search are
        /// let go: the compilation may live on (an IDE snapshot), its bound trees need not.
        /// </summary>
        public void Leave()
        {
            if (System.Threading.Interlocked.Decrement(ref openRuns) == 0)
            {
                // The call graph's memos and the recorded operations hold bound trees too: a later analysis of the same
                // compilation (the IDE) builds them again from the recorded sites.
                semanticModels.Clear();
                retryPacing.Clear();
                typeChains.Clear();
                typeSyntaxCallers.Clear();
                Recorder.ForgetOperations();
                (callers, chains) = NewCallGraph();
            }
        }

        public void Remember(SemanticModel? semanticModel)
        {
            if (semanticModel != null && !semanticModel.IsSpeculativeSemanticModel)
            {
                semanticModels.TryAdd(semanticModel.SyntaxTree, semanticModel);
            }
        }

        // By method and levels left: an answer found with fewer levels to descend must not answer a search with more.
        private readonly ConcurrentDictionary<(IMethodSymbol Method, int Levels), bool> watchingMethods = new ConcurrentDictionary<(IMethodSymbol, int), bool>(MethodAndLevels.Instance);

        private sealed class MethodAndLevels : System.Collections.Generic.IEqualityComparer<(IMethodSymbol Method, int Levels)>
        {
            public static readonly MethodAndLevels Instance = new MethodAndLevels();

            public bool Equals((IMethodSymbol Method, int Levels) x, (IMethodSymbol Method, int Levels) y)
                => x.Levels == y.Levels && SymbolEqualityComparer.Default.Equals(x.Method, y.Method);

            public int GetHashCode((IMethodSymbol Method, int Levels) key) => SymbolEqualityComparer.Default.GetHashCode(key.Method) * 31 + key.Levels;
        }

        /// <summary>
        /// Whether <paramref name="body"/> (a loop's) opens a Kubernetes watch besides <paramref name="call"/>: a watch call,
        /// an <c>await foreach</c> over a watch stream, or a source method called there that does (two levels down; a
        /// method of a source interface named <c>Watch…</c>, whose implementation the compilation cannot name, counts).
        /// </summary>
        public bool Watches(IOperation body, IOperation call) => Watches(body, call, levels: 2);

        private bool Watches(IOperation body, IOperation? call, int levels)
        {
            foreach (var operation in body.Descendants())
            {
                if (operation == call || operation is IAnonymousFunctionOperation)
                {
                    continue;
                }

                if (operation is IForEachLoopOperation forEach && Workload.Periodicity.IsWatchStream(forEach.Collection)
                    && (call == null || !forEach.Syntax.Span.Contains(call.Syntax.Span)))
                {
                    return true;
                }

                if (!(operation is IInvocationOperation invocation) || call != null && invocation.Syntax.Span.Contains(call.Syntax.Span))
                {
                    continue;
                }

                if (Recognize(invocation)?.Verb == KubernetesVerb.Watch || KubernetesApi.IsWatcher(invocation.TargetMethod))
                {
                    return true;
                }

                var target = (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).OriginalDefinition;
                if (levels > 0 && target.Locations.Length > 0 && target.Locations[0].IsInSource)
                {
                    if (target.DeclaringSyntaxReferences.Length == 0 || target.IsAbstract)
                    {
                        if (target.Name.StartsWith("Watch", StringComparison.Ordinal))
                        {
                            return true;
                        }

                        continue;
                    }

                    if (watchingMethods.GetOrAdd((target, levels - 1), key => BodyOf(key.Method) is IOperation helper && Watches(helper, null, key.Levels)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// What a retry runs again between attempts, read once per retried body: its delay, and whether it backs off with
        /// jitter (<paramref name="backsOff"/>, RES1005's test). Every API call a loop retries is judged on its own, and on
        /// KubeOps each judgement walked the same watch loop's body and every helper called in it again: most of the rules'
        /// time there (docs/performance.md, "Eighth session").
        /// </summary>
        internal (Delay Delay, bool BacksOff) RetryPacing(IOperation retried, Func<IOperation, Delay, ResilienceCompilation, bool> backsOff)
            => retryPacing.GetOrAdd(retried, r =>
            {
                var delay = Delay.In(r);
                return (delay, backsOff(r, delay, this));
            });

        private readonly ConcurrentDictionary<IOperation, (Delay, bool)> retryPacing = new ConcurrentDictionary<IOperation, (Delay, bool)>();

        /// <summary>Whether a source method's body passes <paramref name="test"/> (RES1005: computes a jittered delay), read once per method.</summary>
        internal bool ComputesJitteredDelay(IMethodSymbol method, Func<IOperation, bool> test)
            => jitteredDelays.GetOrAdd(method, m => BodyOf(m) is IOperation body && test(body));

        private readonly ConcurrentDictionary<IMethodSymbol, bool> jitteredDelays = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        /// <summary>Whether a field is set back to null or default in its type (<see cref="OnceGuards"/>: <paramref name="test"/>), read once per field.</summary>
        internal bool FieldIsReset(IFieldSymbol field, Func<IFieldSymbol, bool> test) => resetFields.GetOrAdd(field, test);

        private readonly ConcurrentDictionary<IFieldSymbol, bool> resetFields = new ConcurrentDictionary<IFieldSymbol, bool>(SymbolEqualityComparer.Default);

        /// <summary>The constant wait a source method starts with (<see cref="Periodicity.LeadingWait"/>), read once per method: its body is bound to read it.</summary>
        internal TimeSpan? LeadingWait(IMethodSymbol method)
            => leadingWaits.GetOrAdd(method.OriginalDefinition, m => Periodicity.LeadingWait(BodyOf(m)));

        private readonly ConcurrentDictionary<IMethodSymbol, TimeSpan?> leadingWaits =
            new ConcurrentDictionary<IMethodSymbol, TimeSpan?>(SymbolEqualityComparer.Default);

        /// <summary>The operation tree of a member declared in source, for reading a helper's body from another method.</summary>
        internal IOperation? BodyOf(IMethodSymbol method)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                var operation = ModelFor(syntax.SyntaxTree).GetOperation(syntax);
                if (operation != null)
                {
                    return operation;
                }
            }

            return null;
        }
    }
}
