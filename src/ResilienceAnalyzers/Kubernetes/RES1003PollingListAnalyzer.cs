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
    /// RES1003: a LIST repeated from a loop or timer (polling). An informer lists once and then watches, so the
    /// API server sends only changes. Pagination loops (the call passes <c>continue</c>) and retry loops that
    /// leave on success are not polling.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES1003PollingListAnalyzer : KubernetesAnalyzerBase
    {
        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.PollingList,
            title: Title,
            messageFormat: "{0} lists {1} {2} {3} from {4}: {5}; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)",
            RuleCategories.Kubernetes,
            DiagnosticSeverity.Warning,
            description: PollingDescription);

        private const string Title = "Kubernetes LIST repeated in a loop or timer (polling)";

        private const string PollingDescription = "Polling re-reads the whole collection every period from every copy; the API server pays for every object each time, even when nothing changed. An informer pays once and then receives only changes.";

        /// <summary>
        /// The same rule for the client's metrics.k8s.io helpers: metrics-server serves get and list only, so no informer
        /// can replace the poll. Per-node code can read its own kubelet's Summary API (<c>/stats/summary</c>, what
        /// metrics-server itself scrapes).
        /// </summary>
        internal static readonly DiagnosticDescriptor MetricsRule = Descriptors.Create(
            RuleIdentifiers.PollingList,
            title: Title,
            messageFormat: "{0} lists {1} {2} {3} from {4}: {5}; metrics.k8s.io cannot be watched: poll less often and from one copy, or in per-node code read this node's kubelet Summary API (/stats/summary) instead",
            RuleCategories.Kubernetes,
            DiagnosticSeverity.Warning,
            description: PollingDescription);

        internal static readonly DiagnosticDescriptor MetricsCallerRule = Descriptors.ForCallers(MetricsRule);

        /// <summary>
        /// The same rule for a polled LIST of one object by <c>metadata.name=</c> where the API server can build the object's
        /// key (one namespace, or a cluster-scoped kind): the work of a GET through the list path, so a suggestion whose
        /// remedy is the GET (<c>Read…</c>), not an informer. <see cref="OneKeyProperty"/> tells the fixer.
        /// </summary>
        internal static readonly DiagnosticDescriptor OneKeyRule = Descriptors.Create(
            RuleIdentifiers.PollingList,
            title: Title,
            messageFormat: "{0} lists one {1} by metadata.name {2} from {3}: {4}; read it with {5} (a GET by name; Resilience.Kubernetes' Reads.ReadOrNullAsync keeps the list's empty answer as null)",
            RuleCategories.Kubernetes,
            DiagnosticSeverity.Warning,
            description: PollingDescription);

        internal static readonly DiagnosticDescriptor OneKeyCallerRule = Descriptors.ForCallers(OneKeyRule);

        /// <summary>Diagnostic property: "true" on a polled one-key LIST (<see cref="OneKeyRule"/>): the fix is a GET, not an informer.</summary>
        public const string OneKeyProperty = "OneKey";

        /// <summary>
        /// The same rule found through callers at compilation end (the loop, timer or handler is in another method):
        /// tagged so the IDE knows it needs the whole compilation (shown in builds, CI and full-solution analysis).
        /// </summary>
        internal static readonly DiagnosticDescriptor CallerRule = Descriptors.ForCallers(Rule);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, CallerRule, MetricsRule, MetricsCallerRule, OneKeyRule, OneKeyCallerRule);

        private protected override string RuleId => RuleIdentifiers.PollingList;

        private protected override void AnalyzeCall(OperationAnalysisContext context, KubernetesCall call, RuleRun run)
        {
            if (call.Verb == KubernetesVerb.DecidedByCaller && CallerScope(call.Operation, context.ContainingSymbol) is IMethodSymbol wrapper)
            {
                run.Defer(call.Operation, wrapper, call);
                return;
            }

            // One object by name in one namespace, or of a cluster-scoped kind: the API server reads one key, the cost of a
            // GET (kubernetes apiserver registry/generic/registry/store.go, ListPredicate); repeated, it is a suggestion to
            // make it the GET (OneKey). Across namespaces it still reads every object of the kind: polling, as any list.
            if (call.Verb != KubernetesVerb.List)
            {
                return;
            }

            var frequency = Periodicity.Of(call.Operation, callPages: call.Passes(KubernetesParameter.Continue), run.Model);
            if (frequency.IsPeriodic)
            {
                var fanOut = run.Model.FanOut.Resolve(context.ContainingSymbol, context.Operation.Syntax);
                context.ReportDiagnostic(Create(Rule, call, frequency, fanOut, chain: null, null));
            }
            else if ((!call.Passes(KubernetesParameter.Continue) || PagesHere(call, run.Model)) && CallerScope(call.Operation, context.ContainingSymbol) is IMethodSymbol method)
            {
                // A paging loop's caller may repeat it too: every page, every period, is still a poll of the whole collection
                // (fourth unseen set: a KubeOps requeue every 5 s above a limit/continue loop). The pages are one LIST,
                // judged once the chain is known.
                run.Defer(call.Operation, method, call);
            }
        }

        /// <summary>
        /// The call passes <c>continue</c> and is the one LIST of its paging loop, which is in its own method: the token is
        /// not a parameter (a caller's loop pages then, and would read as a poll), a loop around the call holds it, and no
        /// other LIST of the kind in the method fetches the first page without <c>continue</c> (that call speaks for the
        /// loop, so it is reported once, not once per call).
        /// </summary>
        private static bool PagesHere(KubernetesCall call, ResilienceCompilation model)
        {
            if (call.ForwardedParameter(KubernetesParameter.Continue) != null)
            {
                return false;
            }

            IOperation? root = null;
            bool inLoop = false;
            for (var parent = call.Operation.Parent; parent != null && root == null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case ILoopOperation _:
                        inLoop = true;
                        break;
                    case IMethodBodyOperation _:
                    case ILocalFunctionOperation _:
                    case IAnonymousFunctionOperation _:
                        root = parent;
                        break;
                }
            }

            if (!inLoop || root == null)
            {
                return false;
            }

            foreach (var other in root.Descendants())
            {
                if (other is IInvocationOperation invocation && invocation != call.Operation
                    && model.Recognize(invocation) is KubernetesCall first && first.Verb == KubernetesVerb.List
                    && first.Kind == call.Kind && !first.Passes(KubernetesParameter.Continue))
                {
                    return false;
                }
            }

            return true;
        }

        private protected override void AnalyzeDeferred(Judgement judgement, DeferredCall deferred, RuleRun run)
        {
            var call = (KubernetesCall)deferred.State!;
            if (call.Verb == KubernetesVerb.DecidedByCaller)
            {
                // A LIST where a caller passes watch: false: repeated if that caller's path repeats.
                var watch = call.ForwardedParameter(KubernetesParameter.Watch);
                foreach (var site in watch == null ? default : judgement.Chains.Index.SitesOf(deferred.Method))
                {
                    if (CallerArguments.Boolean(CallerArguments.ValueAt(site, watch!)) == false
                        && judgement.Chains.RepeatedAt(site) is CallChain listChain)
                    {
                        var listFanOut = CallerFanOut.Resolve(run.Model, deferred.Method, call.Operation.Syntax, listChain);
                        judgement.Report(Create(judgement.Pick(Rule, CallerRule), call, listChain.Frequency, listFanOut, listChain.Describe(deferred.Method) + ", with watch: false", listChain.Locations));
                        return;
                    }
                }

                return;
            }

            if (judgement.Chains.RepeatedAbove(deferred) is CallChain chain)
            {
                var fanOut = CallerFanOut.Resolve(run.Model, deferred.Method, call.Operation.Syntax, chain);
                judgement.Report(Create(judgement.Pick(Rule, CallerRule), call, chain.Frequency, fanOut, chain.Describe(deferred.Method), chain.Locations));
            }
        }

        /// <summary>
        /// <c>metadata.name=</c> where the API server can build the object's key: one key read through the list path
        /// (<see cref="ListRequest.IsKeyedByName"/>).
        /// </summary>
        internal static bool IsOneKey(KubernetesCall call) => call.SelectsName == Knowledge.Yes && call.Scope != RequestScope.AllNamespaces;

        private static Diagnostic Create(DiagnosticDescriptor descriptor, KubernetesCall call, Frequency frequency, FanOut fanOut, string? chain, System.Collections.Generic.IEnumerable<Location>? chainLocations)
        {
            if (IsOneKey(call))
            {
                return OneKey(descriptor == Rule ? OneKeyRule : OneKeyCallerRule, call, frequency, fanOut, chain, chainLocations);
            }

            var cluster = fanOut.Settings.Cluster;
            var cost = ApiServerCost.Estimate(cluster, CostText.ToRequest(call));
            string plural = KubernetesApi.PluralForMessage(call.Kind);
            long copies = fanOut.IsReplicated ? fanOut.Copies : 1;

            string when = frequency.Period.HasValue
                ? "every " + Quantity.Duration(frequency.Period.Value) + " (" + frequency.Trigger + (chain != null ? ": " + chain : string.Empty) + ")"
                : frequency.Describe() + (chain != null ? " (" + chain + ")" : string.Empty);

            // A kind with no published count is said as "every … (count unknown: …)", repeated: never the model's placeholder.
            bool countKnown = CostText.CountKnown(call.CostKind);

            // metadata.name= across namespaces (one key in a namespace or for a cluster-scoped kind is silent above): the API
            // server cannot build the key without the namespace, so it reads every object of the kind to return one
            // (kubernetes apiserver registry/generic/registry/store.go, ListPredicate: "if we cannot extract a key based on
            // the current context, the optimization is skipped"). A GET in its namespace reads one.
            string named = call.SelectsName == Knowledge.Yes
                ? " to return one " + KubernetesApi.SingularForMessage(call.Kind) + " by metadata.name (across namespaces it narrows what is returned, not what is read; "
                    + KubernetesApi.ReadByNameMethod(call.Kind, namespaced: true) + " in its namespace reads one object)"
                : string.Empty;
            string costText;
            if (frequency.Period.HasValue)
            {
                double seconds = frequency.Period.Value.TotalSeconds;
                // The JSON sizes are the objects' own (a pod's, a node's); a metrics object is far smaller, and no size is said.
                int? bytes = call.Shape == ClientShape.Metrics ? null : CostText.JsonBytes(call.CostKind);
                costText = Quantity.Rate(copies / seconds) + " LIST/s making the API server process "
                    + (countKnown
                        ? CostText.Floor(call.CostKind) + Quantity.Rate(cost.ObjectsProcessed * copies / seconds) + " " + plural + "/s "
                            + (bytes.HasValue ? "(~" + Quantity.Bytes(cost.ObjectsProcessed * copies * (double)bytes.Value / seconds) + "/s) " : string.Empty)
                        : CostText.Every(call) + " each time ")
                    + Served(call, cost) + named + ", "
                    + CostText.ClusterText(cluster);
            }
            else if (frequency.PerRequest)
            {
                costText = CostText.ObjectsOf(call, cost.ObjectsProcessed, plural) + " processed " + Served(call, cost) + " for every " + (frequency.Trigger == "HTTP request" ? "request served" : frequency.Trigger) + named + ", "
                    + CostText.ClusterText(cluster);
            }
            else
            {
                // A loop with no delay has none; a job or callback whose schedule the code does not state is said as such,
                // with no period invented (a Quartz job's trigger is configured elsewhere).
                costText = (countKnown ? CostText.Objects(cost.ObjectsProcessed * copies, plural, call.CostKind) + " processed per pass across " + CostText.Copies(fanOut)
                        : CostText.Every(call) + " processed per pass by each of " + CostText.Copies(fanOut))
                    + named
                    + (frequency.IsLoop ? ", with no delay between passes, " : ", at a period the code does not state, ") + CostText.ClusterText(cluster);
            }

            // Polling from many copies, or of a cluster-wide collection, hurts; one copy polling one namespace is a smell.
            // So is one copy running a scheduled job (a Quartz trigger): its schedule is set elsewhere, such jobs run minutes
            // to days apart, and an informer kept open between runs would cost more than the job's LIST (unseen survey set:
            // neonKUBE's leader-only cron jobs).
            bool manyCopies = fanOut.IsReplicated && fanOut.Copies > 1;
            var severity = manyCopies || !frequency.IsSchedule && (call.IsClusterWide || !frequency.Period.HasValue)
                ? DiagnosticSeverity.Warning
                : DiagnosticSeverity.Info;

            if (call.Shape == ClientShape.Metrics)
            {
                descriptor = descriptor == Rule ? MetricsRule : MetricsCallerRule;
            }

            return Diagnostic.Create(
                descriptor,
                NameLocation(call.Operation),
                severity,
                additionalLocations: chainLocations,
                properties: CostText.Properties(call, fanOut, cluster, cost, frequency.Period).Add(CostText.RepeatsProperty, Repeats(frequency)),
                call.MethodName,
                plural,
                CostText.ScopeText(call),
                when,
                fanOut.IsReplicated || fanOut.Elected ? CostText.Copies(fanOut) + " (" + fanOut.Reason + ")" : "one copy",
                costText);
        }

        /// <summary>
        /// A polled one-key LIST. The cost model prices it as what the API server does (docs/cost-model.md): one key read,
        /// 1 object, 1 APF seat — a GET's work, hence a suggestion. What the message adds is what separates it from the GET:
        /// the list path answers an empty list where a GET answers 404, and API servers whose APF list estimator predates
        /// <c>matchesSingle</c> charged it as a LIST with a selector, stored + limit objects (apiserver
        /// util/flowcontrol/request/list_work_estimator.go): up to 10 seats where the GET takes 1.
        /// </summary>
        private static Diagnostic OneKey(DiagnosticDescriptor descriptor, KubernetesCall call, Frequency frequency, FanOut fanOut, string? chain, System.Collections.Generic.IEnumerable<Location>? chainLocations)
        {
            var cluster = fanOut.Settings.Cluster;
            var request = CostText.ToRequest(call);
            var cost = ApiServerCost.Estimate(cluster, request);
            long copies = fanOut.IsReplicated ? fanOut.Copies : 1;
            string singular = KubernetesApi.SingularForMessage(call.Kind);
            string plural = KubernetesApi.PluralForMessage(call.Kind);
            string when = frequency.Period.HasValue
                ? "every " + Quantity.Duration(frequency.Period.Value) + " (" + frequency.Trigger + (chain != null ? ": " + chain : string.Empty) + ")"
                : frequency.Describe() + (chain != null ? " (" + chain + ")" : string.Empty);
            string rate = frequency.Period.HasValue
                ? Quantity.Rate(copies / frequency.Period.Value.TotalSeconds) + " LIST/s, each"
                : frequency.PerRequest ? "one LIST for every " + (frequency.Trigger == "HTTP request" ? "request served" : frequency.Trigger) + ", each"
                : "each pass";

            // Older estimators: stored + limit (limit = stored when unset), ceil(/100), clamped to 1..10 (facts.md, APF).
            long stored = ApiServerCost.StoredInScope(cluster, request);
            string olderSeats = CostText.CountKnown(call.CostKind)
                ? ApiServerCost.SeatsFor(2 * stored) + " seats (" + CostText.Floor(call.CostKind) + Quantity.Count(stored) + " " + plural + " stored + as many again)"
                : "up to " + ApiServerCost.MaxSeatsPerRequest + " seats";
            string costText = rate + " a read of one key through the list path (" + cost.ObjectsProcessed + " " + singular + " processed, "
                + cost.Seats + " APF seat: the work of a GET); it answers an empty list where the GET answers 404, and API servers whose APF list estimator predates matchesSingle charge it as a LIST, "
                + olderSeats + " against the GET's 1, " + CostText.ClusterText(cluster);
            return Diagnostic.Create(
                descriptor,
                NameLocation(call.Operation),
                DiagnosticSeverity.Info,
                additionalLocations: chainLocations,
                properties: CostText.Properties(call, fanOut, cluster, cost, frequency.Period).Add(CostText.RepeatsProperty, Repeats(frequency)).Add(OneKeyProperty, "true"),
                call.MethodName,
                singular,
                when,
                fanOut.IsReplicated || fanOut.Elected ? CostText.Copies(fanOut) + " (" + fanOut.Reason + ")" : "one copy",
                costText,
                KubernetesApi.ReadByNameMethod(call));
        }

        /// <summary>The repetition as the <see cref="CostText.RepeatsProperty"/> property says it.</summary>
        private static string Repeats(Frequency frequency)
            => frequency.Period.HasValue ? "Period" : frequency.PerRequest ? "Request" : frequency.IsLoop ? "Loop" : "Unstated";

        private static string Served(KubernetesCall call, RequestCost cost)
            => call.Shape == ClientShape.Metrics ? "from metrics-server through the API server's aggregation layer" : CostText.Served(cost);
    }
}
