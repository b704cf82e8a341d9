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
    /// whole cluster instead of its own node's pods (<c>spec.nodeName</c>) or its own object (<c>metadata.name</c>).
    /// Other kinds are left alone: per-node agents such as kube-proxy legitimately watch every service.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES1002ClusterWideAccessAnalyzer : KubernetesAnalyzerBase
    {
        /// <summary>
        /// Diagnostic property for the fixer: "Pod" (add spec.nodeName), "Node" / "PodByName" (add metadata.name), "ByName"
        /// (metadata.name = the searched name, first additional location), "PodOnNode" (spec.nodeName = the node name the
        /// code filters by, first additional location).
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
            messageFormat: "This code {0} and {1} every {2} {3} instead of its own: {4}; {5}",
            RuleCategories.Kubernetes,
            DiagnosticSeverity.Warning,
            description: "A LIST or WATCH from every node or replica whose cost grows with the cluster: the API server processes every object of the kind once per copy. Narrow it to what the copy needs: its node's pods (fieldSelector spec.nodeName=<node>) or its own object (GET by name or metadata.name=<name>).");

        /// <summary>The same rule judged with the callers that run the code on every node or in every replica.</summary>
        internal static readonly DiagnosticDescriptor CallerRule = Descriptors.ForCallers(Rule);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, CallerRule);

        private protected override string RuleId => RuleIdentifiers.ClusterWideAccess;

        private protected override void AnalyzeCall(OperationAnalysisContext context, KubernetesCall call, RuleRun run)
        {
            var kind = call.CostKind;
            // List or watch is decided by the wrapper's callers (RES1003/RES1004 judge it there); the scope is not.
            if (call.SelectsName != Knowledge.No || call.Verb == KubernetesVerb.DecidedByCaller)
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

        /// <summary>The pod-spec lines that set <paramref name="variable"/> from the downward API, on one line for a message.</summary>
        internal static string DownwardApi(string variable, string fieldPath)
            => "env: [{name: " + variable + ", valueFrom: {fieldRef: {fieldPath: " + fieldPath + "}}}]";

        private static Diagnostic? Evaluate(DiagnosticDescriptor descriptor, KubernetesCall call, FanOut fanOut, System.Collections.Generic.IEnumerable<Location>? chainLocations, Configuration.ResilienceSettings site)
        {
            var kind = call.CostKind;
            bool clusterWide = call.IsClusterWide
                && (kind == ResourceKind.Pod || kind == ResourceKind.Node)
                && !(kind == ResourceKind.Pod && call.SelectsNode != Knowledge.No)
                && fanOut.IsReplicated;

            // Not a cluster-wide pod/node read from every copy: still flagged when the list is searched by name for the
            // caller's own object (any kind, any scope) — a GET by name returns just that one.
            var ownName = clusterWide || call.Verb != KubernetesVerb.List || call.Invocation == null ? null : OwnObjectScan.Find(call.Invocation);

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
            if (!clusterWide && ownName == null && nodeFilter == null && !namespaceOnEveryNode)
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
                : kind == ResourceKind.Pod && fanOut.Kind == FanOutKind.EveryNode ? "Pod"
                : kind == ResourceKind.Node ? "Node"
                : "PodByName";
            string own, remedy;
            switch (fix)
            {
                case "ByName":
                    own = "the one " + singular + " it looks for by name";
                    remedy = "read it by name (" + KubernetesApi.ReadByNameMethod(call) + ") or add fieldSelector: \"metadata.name=\" + the name";
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
                    remedy = "read the node by name (ReadNode) or add fieldSelector: \"metadata.name=\" + the node name (when the code does not have it, set it in the pod spec from the downward API: " + DownwardApi(site.NodeNameVariable, "spec.nodeName") + ")";
                    break;
                default:
                    own = call.SelectsLabels ? "the few pods it selects" : "its own pod";
                    remedy = "read the pod by name (ReadNamespacedPod) or add fieldSelector: \"metadata.name=\" + its name (when the code does not have it, set it in the pod spec from the downward API: " + DownwardApi(site.PodNameVariable, "metadata.name") + ")";
                    break;
            }

            string verbText = call.Verb == KubernetesVerb.Watch
                ? "each copy's watch starts from " + CostText.Objects(cost.ObjectsProcessed, plural, kind) + " and then receives every change to them, to use " + own
                : "each call makes the API server process " + CostText.Objects(cost.ObjectsProcessed, plural, kind) + " " + CostText.Served(cost) + " to return " + own;
            string fleet = verbText + (fanOut.IsReplicated
                    ? "; " + CostText.Objects(fleetObjects, plural, kind) + " for one round of " + CostText.Copies(fanOut)
                    : string.Empty)
                + ", " + CostText.ClusterText(cluster);

            var properties = CostText.Properties(call, fanOut, cluster, cost)
                .Add(KindProperty, fix)
                .Add(VariableProperty, fix == "PodByName" ? site.PodNameVariable : site.NodeNameVariable);

            // Searching a list for one's own object is a herd only with more than one copy: a Deployment of one replica
            // doing it wastes one list per call, a suggestion (nforgeio/operator-sdk in the unseen survey set).
            var severity = fanOut.IsReplicated && (clusterWide || fanOut.Copies > 1) ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;
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
                fleet,
                remedy);
        }
    }
}
