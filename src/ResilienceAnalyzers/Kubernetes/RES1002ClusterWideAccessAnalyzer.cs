using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Resilience.CostModel;
using ResilienceAnalyzers.Analysis;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>
    /// RES1002: code that runs on every node or in every replica lists or watches pods (or nodes) across the
    /// whole cluster instead of its own node's pods (<c>spec.nodeName</c>) or its own object (<c>metadata.name</c>),
    /// or every object of another kind whose count grows with the cluster (the cost model's <see cref="ResourceKinds"/>:
    /// events, services, endpoints, config maps, secrets, namespaces, leases, workloads, custom resources), which no copy
    /// can narrow by node: one shared informer or a narrower selector is the remedy. A per-node watch of services or
    /// their endpoints is what kube-proxy does by design (it programs every service on its node): a suggestion, not a
    /// warning; a list of them from every node is not that pattern.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES1002ClusterWideAccessAnalyzer : KubernetesAnalyzerBase
    {
        /// <summary>
        /// Diagnostic property for the fixer: "Pod" (add spec.nodeName), "Node" / "PodByName" (add metadata.name), "ByName"
        /// (metadata.name = the searched name, first additional location), "PodOnNode" (spec.nodeName = the node name the
        /// code filters by, first additional location); "NamespacePods" and "SharedKind" (another cluster-scaled kind) have no
        /// fix: no node selector applies, and which narrower selector would keep the meaning is the code's intent.
        /// </summary>
        public const string KindProperty = "Kind";

        /// <summary>
        /// Diagnostic property for the fixer: the environment variable it reads when the code has no node (pod) name in
        /// scope — <c>resilience.node_name_variable</c> (or <c>pod_name_variable</c> for "PodByName") of the call's file.
        /// </summary>
        public const string VariableProperty = "Variable";

        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.ClusterWideAccess,
            title: "Per-node code lists or watches the whole cluster",
            messageFormat: "This code {0} and {1} every {2} {3} {4}: {5}; {6}",
            RuleCategories.Kubernetes,
            DiagnosticSeverity.Warning,
            description: "A LIST or WATCH from every node or replica whose cost grows with the cluster: the API server processes every object of the kind once per copy. Narrow it to what the copy needs: its node's pods (fieldSelector spec.nodeName=<node>) or its own object (GET by name or metadata.name=<name>); for kinds no copy can narrow by node (events, services, config maps, secrets, namespaces, leases, custom resources), share one informer per process or select fewer (a label or field selector, one namespace).");

        /// <summary>The same rule judged with the callers that run the code on every node or in every replica.</summary>
        internal static readonly DiagnosticDescriptor CallerRule = Descriptors.ForCallers(Rule);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, CallerRule);

        private protected override string RuleId => RuleIdentifiers.ClusterWideAccess;

        private protected override void AnalyzeCall(OperationAnalysisContext context, KubernetesCall call, RuleRun run)
        {
            var kind = call.CostKind;
            // List or watch is decided by the wrapper's callers (RES1003/RES1004 judge it there); the scope is not.
            // One object by metadata.name: one key read, except across namespaces (NameAcrossNamespaces, in Evaluate).
            if ((call.SelectsName != Knowledge.No && !NamedAcrossNamespaces(call)) || call.Verb == KubernetesVerb.DecidedByCaller)
            {
                return;
            }

            var fanOut = run.Model.FanOut.Resolve(context.ContainingSymbol, context.Operation.Syntax);
            if (fanOut.Kind == FanOutKind.Unknown && CallerScope(call.Operation, context.ContainingSymbol) is IMethodSymbol method)
            {
                // Nothing here says who runs it: a caller may be per-node or per-replica code (compilation end).
                run.Defer(call.Operation, method, call);
                return;
            }

            if (Evaluate(Rule, call, fanOut, null, run.Model.FanOut.Settings.For(context.Operation.Syntax.SyntaxTree)) is Diagnostic diagnostic)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        private protected override void AnalyzeDeferred(Judgement judgement, DeferredCall deferred, RuleRun run)
        {
            var call = (KubernetesCall)deferred.State!;
            var chain = judgement.Chains.RunsPerCopyBy(deferred.Method);
            if (chain == null && !judgement.Final)
            {
                return;
            }

            var fanOut = run.Model.FanOut.Resolve(deferred.Method, call.Operation.Syntax);
            if (chain != null)
            {
                var outer = chain.Sites[0];
                var callerFanOut = run.Model.FanOut.Resolve(outer.Caller, outer.Operation.Syntax);
                fanOut = new FanOut(callerFanOut.Kind, callerFanOut.Copies, callerFanOut.Reason + ", reached from " + chain.Describe(deferred.Method), callerFanOut.Settings);
            }

            if (Evaluate(judgement.Pick(Rule, CallerRule), call, fanOut, chain?.Locations, run.Model.FanOut.Settings.For(call.Operation.Syntax.SyntaxTree)) is Diagnostic diagnostic)
            {
                judgement.Report(diagnostic);
            }
        }

        /// <summary>
        /// Kinds a per-node network agent needs every object of: kube-proxy watches every Service and EndpointSlice (the
        /// Endpoints before 1.19) to program its node (Kubernetes docs, "Virtual IPs and Service Proxies").
        /// </summary>
        private static bool NodeAgentsWatchAll(ResourceKind kind)
            => kind == ResourceKind.Service || kind == ResourceKind.Endpoints || kind == ResourceKind.EndpointSlice;

        /// <summary>
        /// The herd cost of reading every object of a kind from every copy: N copies × the kind's count from the table, or
        /// "every … in the cluster" with what is known when no source gives a count (never an invented number).
        /// </summary>
        private static string SharedKindCost(KubernetesCall call, KindFacts row, FanOut fanOut, ClusterShape cluster, RequestCost cost, string plural)
        {
            bool watch = call.Verb == KubernetesVerb.Watch;
            string start = watch ? "each copy's watch starts from " : "each call makes the API server process ";
            string after = watch ? " and then receives every change to them" : " " + CostText.Served(cost);
            if (!row.CountKnown)
            {
                return start + CostText.Every(call) + after
                    + ", which no copy can narrow to its node; " + CostText.Copies(fanOut) + " × that for one round, " + CostText.ClusterText(cluster);
            }

            return start + CostText.Objects(cost.ObjectsProcessed, plural, call.CostKind) + after
                + ", which no copy can narrow to its node; " + CostText.Objects(cost.ObjectsProcessed * fanOut.Copies, plural, call.CostKind)
                + " for one round of " + CostText.Copies(fanOut) + ", " + CostText.ClusterText(cluster);
        }

        /// <summary>
        /// What a LIST narrowed by <c>metadata.name=</c> costs next to a GET, where the API server can build the object's key
        /// (one namespace, or a cluster-scoped kind): the same one key, read through the list path (store.go ListPredicate),
        /// answered as a list — no 404 when the object is missing — and, on API servers whose APF list estimator does not
        /// single out <c>metadata.name</c>, charged as a LIST with a selector: the kind's stored count + the limit, up to 10
        /// seats, where a GET takes 1 (apiserver util/flowcontrol/request/list_work_estimator.go).
        /// </summary>
        internal const string ListByName = "fieldSelector metadata.name= reads the same key through the list path, answers an empty list instead of 404, and older API servers' APF charges it as a LIST of the whole kind, up to 10 seats against a GET's 1";

        /// <summary>Why <c>metadata.name=</c> alone does not help across namespaces (<see cref="NamedAcrossNamespaces"/>).</summary>
        internal const string ByNameAcrossNamespaces = "fieldSelector metadata.name= on a list of every namespace still makes the API server read every object of the kind: without a namespace it cannot look the name up";

        /// <summary>
        /// A list or watch of every namespace narrowed by <c>metadata.name=</c>, from every node or replica: each copy makes
        /// the API server read every object of the kind to return one (<see cref="NamedAcrossNamespaces"/>). No code fix: the
        /// object's namespace is not in the call.
        /// </summary>
        private static Diagnostic NameAcrossNamespaces(DiagnosticDescriptor descriptor, KubernetesCall call, FanOut fanOut, System.Collections.Generic.IEnumerable<Location>? chainLocations)
        {
            var cluster = fanOut.Settings.Cluster;
            var cost = ApiServerCost.Estimate(cluster, CostText.ToRequest(call));
            string plural = KubernetesApi.PluralForMessage(call.Kind);
            string singular = KubernetesApi.SingularForMessage(call.Kind);
            bool known = CostText.CountKnown(call.CostKind);
            string read = call.Verb == KubernetesVerb.Watch
                ? "each copy's watch starts from " + CostText.ObjectsOf(call, cost.ObjectsProcessed, plural) + " and then filters every change to them"
                : "each call makes the API server process " + CostText.ObjectsOf(call, cost.ObjectsProcessed, plural) + " " + CostText.Served(cost);
            string fleet = read + " to return the one " + singular + " it names; "
                + (known ? CostText.Objects(cost.ObjectsProcessed * fanOut.Copies, plural, call.CostKind) + " for one round of " + CostText.Copies(fanOut) : CostText.Copies(fanOut) + " × that for one round")
                + ", " + CostText.ClusterText(cluster);
            string remedy = "read it by name in its namespace (" + KubernetesApi.ReadByNameMethod(call.Kind, namespaced: true) + ": a GET of one key; or list that one namespace with the selector): " + ByNameAcrossNamespaces;
            var properties = CostText.Properties(call, fanOut, cluster, cost).Add(KindProperty, "NameAcrossNamespaces");
            return Diagnostic.Create(
                descriptor,
                NameLocation(call.Operation),
                DiagnosticSeverity.Warning,
                chainLocations,
                properties,
                fanOut.Describe(),
                call.Verb == KubernetesVerb.Watch ? "watches" : "lists",
                singular,
                CostText.ScopeText(call),
                "to find one by metadata.name",
                fleet,
                remedy);
        }

        /// <summary>The pod-spec lines that set <paramref name="variable"/> from the downward API, on one line for a message.</summary>
        internal static string DownwardApi(string variable, string fieldPath)
            => "env: [{name: " + variable + ", valueFrom: {fieldRef: {fieldPath: " + fieldPath + "}}}]";

        /// <summary>
        /// <c>metadata.name=</c> on a list or watch of every namespace. The API server looks a named object up as one key
        /// only when it can build the key: a namespaced kind needs the request's namespace, so across namespaces it reads
        /// every object of the kind and filters (kubernetes apiserver registry/generic/registry/store.go, ListPredicate and
        /// WatchPredicate: "if we cannot extract a key based on the current context, the optimization is skipped").
        /// </summary>
        private static bool NamedAcrossNamespaces(KubernetesCall call)
            => call.SelectsName == Knowledge.Yes && call.Scope == RequestScope.AllNamespaces;

        private static Diagnostic? Evaluate(DiagnosticDescriptor descriptor, KubernetesCall call, FanOut fanOut, System.Collections.Generic.IEnumerable<Location>? chainLocations, Configuration.ResilienceSettings site)
        {
            if (NamedAcrossNamespaces(call))
            {
                return fanOut.IsReplicated && (fanOut.Kind == FanOutKind.EveryNode || fanOut.Copies > 1)
                    ? NameAcrossNamespaces(descriptor, call, fanOut, chainLocations)
                    : null;
            }

            var kind = call.CostKind;
            bool clusterWide = call.IsClusterWide
                && (kind == ResourceKind.Pod || kind == ResourceKind.Node)
                && !(kind == ResourceKind.Pod && call.SelectsNode != Knowledge.No)
                && fanOut.IsReplicated;

            // Not a cluster-wide pod/node read from every copy: still flagged when the list is searched by name for the
            // caller's own object (any kind, any scope) — a GET by name returns just that one.
            var ownName = clusterWide || call.Verb != KubernetesVerb.List ? null : OwnObjectScan.Find(call.Operation);

            // Nor that, but per-node code reading a namespace's pods and keeping its node's on the client (the filter the
            // API server would apply from its spec.nodeName index, paid for with every pod of the namespace).
            var nodeFilter = clusterWide || ownName != null || kind != ResourceKind.Pod || fanOut.Kind != FanOutKind.EveryNode || call.SelectsNode != Knowledge.No || call.Invocation == null
                ? null
                : OwnObjectScan.FindNodeFilter(call.Invocation, call.Verb == KubernetesVerb.Watch);
            // Nor that: per-node code reading every pod of a namespace with nothing to narrow it — no node, label or field
            // selector, no filter on the client (survey: Sharplet's per-node status tracker, which patches them all). Each
            // copy works on every node's pods; the API server could have returned this node's from its spec.nodeName index.
            bool namespaceOnEveryNode = !clusterWide && ownName == null && nodeFilter == null
                && kind == ResourceKind.Pod && fanOut.Kind == FanOutKind.EveryNode
                && call.SelectsNode == Knowledge.No && !call.SelectsLabels && !call.Passes(KubernetesParameter.FieldSelector);
            // Nor those: every object of another kind whose count grows with the cluster, from every copy, with nothing to
            // narrow it. A label or field selector (even one not known here) or one namespace is the narrowing the kind
            // allows: silent, as with pods (no false positives on code the analyzer cannot read). One replica is no herd.
            var row = kind == ResourceKind.Pod || kind == ResourceKind.Node ? null : ResourceKinds.Find(kind);
            bool sharedKind = !clusterWide && ownName == null && nodeFilter == null && !namespaceOnEveryNode
                && row != null && call.IsClusterWide && fanOut.IsReplicated && (fanOut.Kind == FanOutKind.EveryNode || fanOut.Copies > 1)
                && !call.SelectsLabels && !call.Passes(KubernetesParameter.FieldSelector);
            if (!clusterWide && ownName == null && nodeFilter == null && !namespaceOnEveryNode && !sharedKind)
            {
                return null;
            }

            var cluster = fanOut.Settings.Cluster;
            var request = CostText.ToRequest(call);
            var cost = ApiServerCost.Estimate(cluster, request);
            string plural = KubernetesApi.PluralForMessage(call.Kind);
            long fleetObjects = cost.ObjectsProcessed * fanOut.Copies;

            string singular = KubernetesApi.SingularForMessage(call.Kind);

            // One case decides the wording, the remedy and what the fixer does (KindProperty).
            var anchor = ownName ?? nodeFilter;
            string fix = ownName != null ? "ByName"
                : nodeFilter != null ? "PodOnNode"
                : namespaceOnEveryNode ? "NamespacePods"
                : sharedKind ? "SharedKind"
                : kind == ResourceKind.Pod && fanOut.Kind == FanOutKind.EveryNode ? "Pod"
                : kind == ResourceKind.Node ? "Node"
                : "PodByName";
            string own, remedy;
            switch (fix)
            {
                case "ByName":
                    own = "the one " + singular + " it looks for by name";
                    remedy = call.Scope == RequestScope.AllNamespaces
                        ? "read it by name in its namespace (" + KubernetesApi.ReadByNameMethod(call.Kind, namespaced: true) + ": a GET of one key; " + ByNameAcrossNamespaces + ")"
                        : "read it by name (" + KubernetesApi.ReadByNameMethod(call) + ": a GET of one key; " + ListByName + ")";
                    break;
                case "PodOnNode":
                    own = "the ones on this node, which it picks out itself (Spec.NodeName)";
                    remedy = "let the API server filter: add fieldSelector: \"spec.nodeName=\" + the node name it compares with";
                    break;
                case "NamespacePods":
                    // Whether this copy needs every pod of the namespace or only its node's is the code's intent, which
                    // the analyzer cannot read: no code fix (RES1002ScopeToNodeFixer skips it); the message says both ways.
                    own = "every node's pods, where each copy usually needs its own node's " + Quantity.Count(cluster.PodsPerNode);
                    remedy = "if this copy needs only its node's pods, add fieldSelector: \"spec.nodeName=\" + the node name (set in the pod spec from the downward API: " + DownwardApi(site.NodeNameVariable, "spec.nodeName") + "); if it needs them all, share one informer per process rather than a list per call";
                    break;
                case "Pod":
                    own = "this node's " + Quantity.Count(cluster.PodsPerNode);
                    remedy = "add fieldSelector: \"spec.nodeName=\" + the node name (when the code does not have it, set it in the pod spec from the downward API: " + DownwardApi(site.NodeNameVariable, "spec.nodeName") + ")";
                    break;
                case "Node":
                    own = "its own node";
                    remedy = "read the node by name (ReadNode: a GET of one key; " + ListByName + "; when the code does not have the node's name, set it in the pod spec from the downward API: " + DownwardApi(site.NodeNameVariable, "spec.nodeName") + ")";
                    break;
                case "SharedKind":
                    own = string.Empty;
                    remedy = NodeAgentsWatchAll(kind) && call.Verb == KubernetesVerb.Watch
                        ? "a per-node network agent that programs every service (kube-proxy's case) needs them all: keep one watch per process (a shared informer) and suppress here with that reason; otherwise narrow it with a label or field selector, or one namespace"
                        : "share one informer per process (Resilience.Kubernetes' Informer: one list, then a watch from its resourceVersion) rather than a " + (call.Verb == KubernetesVerb.Watch ? "watch" : "list") + " per copy, or read fewer: a label or field selector" + (call.Scope == RequestScope.AllNamespaces ? ", or one namespace" : string.Empty);
                    break;
                default:
                    own = call.SelectsLabels ? "the few pods it selects" : "its own pod";
                    remedy = "read the pod by name in its namespace (ReadNamespacedPod: a GET of one key; " + ByNameAcrossNamespaces
                        + "; when the code does not have them, set its name and namespace in the pod spec from the downward API: " + DownwardApi(site.PodNameVariable, "metadata.name") + ", and metadata.namespace the same way)";
                    break;
            }

            string fleet = sharedKind
                ? SharedKindCost(call, row!, fanOut, cluster, cost, plural)
                : (call.Verb == KubernetesVerb.Watch
                    ? "each copy's watch starts from " + CostText.ObjectsOf(call, cost.ObjectsProcessed, plural) + " and then receives every change to them, to use " + own
                    : "each call makes the API server process " + CostText.ObjectsOf(call, cost.ObjectsProcessed, plural) + " " + CostText.Served(cost) + " to return " + own)
                    + (fanOut.IsReplicated
                        ? "; " + (CostText.CountKnown(kind) ? CostText.Objects(fleetObjects, plural, kind) + " for one round of " + CostText.Copies(fanOut) : CostText.Copies(fanOut) + " × that for one round")
                        : string.Empty)
                    + ", " + CostText.ClusterText(cluster);

            var properties = CostText.Properties(call, fanOut, cluster, cost)
                .Add(KindProperty, fix)
                .Add(VariableProperty, fix == "PodByName" ? site.PodNameVariable : site.NodeNameVariable);

            // Searching a list for one's own object is a herd only with more than one copy: a Deployment of one replica
            // doing it wastes one list per call, a suggestion (nforgeio/operator-sdk in the unseen survey set).
            // Another kind is a storm when the copies grow with the cluster too (a DaemonSet: nodes × objects); a fixed number
            // of replicas that each need every object of a kind (an operator and its custom resources) is a suggestion, and
            // so is a per-node watch of what kube-proxy watches (NodeAgentsWatchAll).
            var severity = sharedKind
                ? (fanOut.Kind == FanOutKind.EveryNode && !(NodeAgentsWatchAll(kind) && call.Verb == KubernetesVerb.Watch) ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info)
                : fanOut.IsReplicated && (clusterWide || fanOut.Copies > 1) ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;
            var additional = new System.Collections.Generic.List<Location>();
            if (anchor != null)
            {
                additional.Add(anchor.Syntax.GetLocation());
            }

            if (chainLocations != null)
            {
                additional.AddRange(chainLocations);
            }

            return Diagnostic.Create(
                descriptor,
                NameLocation(call.Operation),
                severity,
                additional,
                properties,
                fanOut.Describe(),
                call.Verb == KubernetesVerb.Watch ? "watches" : "lists",
                singular,
                CostText.ScopeText(call),
                sharedKind ? "from every copy" : "instead of its own",
                fleet,
                remedy);
        }
    }
}
