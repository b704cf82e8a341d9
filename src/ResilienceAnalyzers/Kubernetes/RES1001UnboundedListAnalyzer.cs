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
    /// RES1001: a LIST with no <c>limit</c> (absent, null or ≤ 0) returns every matching object in one response.
    /// Silent for lists narrowed to one object or one node, and for <c>resourceVersion: "0"</c> cached reads
    /// (the API server ignores <c>limit</c> there, facts.md; paging would force an etcd read).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES1001UnboundedListAnalyzer : KubernetesAnalyzerBase
    {
        /// <summary>client-go's pager asks for 500 objects a page (facts.md): a response larger than one of its pages warns.</summary>
        internal const int WarningObjects = 500;

        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.UnboundedList,
            title: "Kubernetes LIST without pagination",
            messageFormat: "{0} lists {1} {2} in one unbounded response: {3}; pass limit and continueParameter (page by 500 as client-go does) or use an informer (package Resilience.Kubernetes)",
            RuleCategories.Kubernetes,
            DiagnosticSeverity.Warning,
            description: "A LIST without a positive limit makes the API server build the whole result in memory (about 5× the etcd response) and send it in one piece; its size grows with the cluster.");

        /// <summary>The same rule judged at compilation end: a single copy's list is a warning only if a caller repeats it.</summary>
        internal static readonly DiagnosticDescriptor CallerRule = Descriptors.ForCallers(Rule);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, CallerRule);

        private protected override string RuleId => RuleIdentifiers.UnboundedList;

        private protected override void AnalyzeCall(OperationAnalysisContext context, KubernetesCall call, RuleRun run)
        {
            // limit: limit — a parameter the method forwards: judged with what its callers pass (a wrapper over the client).
            var forwardedLimit = call.Paginates == Knowledge.Unknown ? call.ForwardedParameter(KubernetesParameter.Limit) : null;
            if (call.Verb == KubernetesVerb.Watch
                || (call.Paginates != Knowledge.No && forwardedLimit == null)
                || call.ReadsFromCache
                || call.SelectsName == Knowledge.Yes
                || (call.SelectsName == Knowledge.Unknown && !ReadsEveryObjectAnyway(call))
                || (call.CostKind == ResourceKind.Pod && call.SelectsNode != Knowledge.No)
                // The control-plane nodes only: a handful however large the cluster (kubeadm's HA topology runs three or more,
                // kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology; stacked etcd keeps odd member counts,
                // seven at most, etcd.io/docs FAQ), not a response that grows with the nodes (neonKUBE's jobs, unseen survey set).
                || (call.CostKind == ResourceKind.Node && call.SelectsControlPlane)
                || KubernetesApi.IsConfigurationKind(call.Kind)
                || !call.Accepts(KubernetesParameter.Limit))
            {
                return;
            }

            // watch: watch — a LIST where the wrapper's callers pass false or nothing (YARP's RetrieveResourceListAsync): judged there.
            if (call.Verb == KubernetesVerb.DecidedByCaller)
            {
                if (forwardedLimit == null
                    && call.ForwardedParameter(KubernetesParameter.Watch) is IParameterSymbol watch
                    && CallerScope(call.Operation, context.ContainingSymbol) is IMethodSymbol lister)
                {
                    run.Defer(call.Operation, lister, new ForwardedLimit(call, watch, isWatch: true));
                }

                return;
            }

            if (forwardedLimit != null)
            {
                if (CallerScope(call.Operation, context.ContainingSymbol) is IMethodSymbol wrapper)
                {
                    run.Defer(call.Operation, wrapper, new ForwardedLimit(call, forwardedLimit));
                }

                return;
            }

            var fanOut = run.Model.FanOut.Resolve(context.ContainingSymbol, context.Operation.Syntax);

            // One copy (a CLI or a tool run by hand; in a program, a Deployment of one replica or the elected leader) and not
            // repeated here: only a caller that repeats it makes a large response more than a suggestion (issue 11:
            // "suggestion only for the truly one-shot"; the third unseen survey set's start-up list in a one-replica
            // Deployment, docs/survey.md). A library's public methods are called from outside the compilation, where
            // nothing says they run once (that set's KubeSharper: the list runs from another project's resync loop).
            if ((fanOut.Kind == FanOutKind.Single
                    || fanOut.IsReplicated && fanOut.Copies <= 1 && run.Model.Compilation.Options.OutputKind != OutputKind.DynamicallyLinkedLibrary)
                && !Periodicity.Of(call.Operation, callPages: false, run.Model).IsPeriodic
                && CallerScope(call.Operation, context.ContainingSymbol) is IMethodSymbol method)
            {
                run.Defer(call.Operation, method, call);
                return;
            }

            context.ReportDiagnostic(Create(Rule, call, fanOut, oneShot: false, null));
        }

        private protected override void AnalyzeDeferred(Judgement judgement, DeferredCall deferred, RuleRun run)
        {
            if (deferred.State is ForwardedLimit forwarded)
            {
                if (forwarded.IsWatch)
                {
                    AnalyzeListingCallers(judgement, forwarded, deferred.Method, run);
                }
                else
                {
                    AnalyzeAtCallers(judgement, forwarded, deferred.Method, run);
                }

                return;
            }

            var call = (KubernetesCall)deferred.State!;
            var chain = judgement.Chains.RepeatedAbove(deferred);
            if (chain == null && !judgement.Final)
            {
                return;
            }

            var fanOut = run.Model.FanOut.Resolve(deferred.Method, call.Operation.Syntax);
            judgement.Report(Create(judgement.Pick(Rule, CallerRule), call, fanOut, oneShot: chain == null, chain?.Locations));
        }

        /// <summary>The first caller that passes no limit (absent, null or ≤ 0) for the parameter the wrapper forwards.</summary>
        private static void AnalyzeAtCallers(Judgement judgement, ForwardedLimit forwarded, IMethodSymbol wrapper, RuleRun run)
        {
            foreach (var site in judgement.Chains.Index.SitesOf(wrapper))
            {
                if (!CallerArguments.TryConstantAt(site, forwarded.Parameter, out object? limit) || KubernetesCall.IsPagingLimit(limit))
                {
                    continue;
                }

                var span = site.Operation.Syntax.GetLocation().GetLineSpan();
                string via = " (limit is " + CallChain.Name(wrapper) + "'s parameter '" + forwarded.Parameter.Name + "', which " + CallChain.Name(site.Caller)
                    + " (" + System.IO.Path.GetFileName(span.Path) + ":" + (span.StartLinePosition.Line + 1) + ") leaves unset)";
                var fanOut = run.Model.FanOut.Resolve(site.Caller, site.Operation.Syntax);
                judgement.Report(Create(judgement.Pick(Rule, CallerRule), forwarded.Call, fanOut, oneShot: false, new[] { Locations.Of(site.Operation) }, via));
                return;
            }
        }

        /// <summary>
        /// The callers of a wrapper whose <c>watch</c> they decide: the first that passes false or nothing makes the call a
        /// LIST — a warning when that caller's path repeats it or runs in many copies, a suggestion at compilation end
        /// when it runs once.
        /// </summary>
        private static void AnalyzeListingCallers(Judgement judgement, ForwardedLimit decided, IMethodSymbol wrapper, RuleRun run)
        {
            CallSite? once = null;
            foreach (var site in judgement.Chains.Index.SitesOf(wrapper))
            {
                if (!CallerArguments.TryConstantAt(site, decided.Parameter, out object? watch) || watch is true)
                {
                    continue;
                }

                var chain = judgement.Chains.RepeatedAt(site);
                var fanOut = CallerFanOut.Resolve(run.Model, site.Caller, site.Operation.Syntax, chain);
                if (chain != null || fanOut.IsReplicated && fanOut.Copies > 1)
                {
                    var locations = chain?.Locations ?? new[] { Locations.Of(site.Operation) };
                    judgement.Report(Create(judgement.Pick(Rule, CallerRule), decided.Call, fanOut, oneShot: false, locations, ListedBy(wrapper, decided.Parameter, site, chain)));
                    return;
                }

                once ??= site;
            }

            if (once is CallSite single && judgement.Final)
            {
                var fanOut = run.Model.FanOut.Resolve(single.Caller, single.Operation.Syntax);
                judgement.Report(Create(CallerRule, decided.Call, fanOut, oneShot: true, new[] { Locations.Of(single.Operation) }, ListedBy(wrapper, decided.Parameter, single, null)));
            }
        }

        private static string ListedBy(IMethodSymbol wrapper, IParameterSymbol watch, CallSite site, CallChain? chain)
            => " (a LIST where " + CallChain.Name(site.Caller) + " leaves " + CallChain.Name(wrapper) + "'s '" + watch.Name + "' unset or false"
                + (chain != null ? ", " + chain.Frequency.Describe() + ": " + chain.Describe(wrapper) : string.Empty) + ")";

        /// <summary>
        /// A field selector whose value is not known here (read from configuration or DI) cannot make the API server read
        /// less across namespaces, except for pods (<c>spec.nodeName</c> is indexed): it filters what is returned, after
        /// every object of the kind has been read (survey: YARP's informers, whose selectors come from DI).
        /// </summary>
        private static bool ReadsEveryObjectAnyway(KubernetesCall call) => call.IsClusterWide && call.CostKind != ResourceKind.Pod;

        private static Diagnostic Create(DiagnosticDescriptor descriptor, KubernetesCall call, FanOut fanOut, bool oneShot, System.Collections.Generic.IEnumerable<Location>? chainLocations, string? via = null)
        {
            var cluster = fanOut.Settings.Cluster;
            var cost = ApiServerCost.Estimate(cluster, CostText.ToRequest(call));
            string plural = KubernetesApi.PluralForMessage(call.Kind);

            // A label selector in one namespace usually narrows the list to one workload's objects (clustering providers
            // list their own replicas this way): the response is then at most the figure below, and only a suggestion.
            // Across namespaces or the cluster it does not narrow what the API server reads (every object of the kind,
            // from etcd, to filter by label): the survey's all-namespace label-selected lists (docs/survey.md).
            bool ownWorkload = call.SelectsLabels && !call.IsClusterWide;
            bool countKnown = CostText.CountKnown(call.CostKind);
            string costText = (countKnown
                    ? (call.SelectsLabels || call.SelectsName == Knowledge.Unknown ? "up to " : string.Empty) + CostText.Objects(cost.ObjectsReturned, plural, call.CostKind)
                    : CostText.Every(call))
                + " in one response " + CostText.Served(cost) + " and "
                // KEP-3157: about 5× the etcd response held while the list is built; a size only where the table gives one.
                + (countKnown && CostText.JsonBytes(call.CostKind).HasValue ? "~" + Quantity.Bytes(cost.ApiServerMemoryBytes) + " of API-server memory" : "about " + ApiServerCost.ListMemoryAmplification + "× its size in API-server memory")
                + " while it is built, "
                + CostText.ClusterText(cluster)
                + (call.SelectsName == Knowledge.Unknown ? " (the field selector, not known at compile time, narrows what is returned, not what the API server reads)" : string.Empty)
                + (oneShot ? " (once: one copy, and nothing in this compilation repeats it)" : string.Empty)
                + via;

            // A kind with no published count is judged by where it reads: every object of it across namespaces or the
            // cluster grows with the cluster; one namespace's is the suggestion a small result is.
            bool large = countKnown ? cost.ObjectsReturned > WarningObjects : call.IsClusterWide;
            var severity = large && !ownWorkload && !oneShot ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;
            return Diagnostic.Create(
                descriptor,
                NameLocation(call.Operation),
                severity,
                additionalLocations: chainLocations,
                properties: CostText.Properties(call, fanOut, cluster, cost),
                call.MethodName,
                plural,
                CostText.ScopeText(call),
                costText);
        }
    }

    /// <summary>A LIST whose <c>limit</c> (or <c>watch</c>: <see cref="IsWatch"/>) is the enclosing method's parameter, and that parameter.</summary>
    internal sealed class ForwardedLimit
    {
        public ForwardedLimit(KubernetesCall call, IParameterSymbol parameter, bool isWatch = false)
        {
            Call = call;
            Parameter = parameter;
            IsWatch = isWatch;
        }

        /// <summary>The parameter is <c>watch</c>: a LIST where a caller passes false or nothing.</summary>
        public bool IsWatch { get; }

        public KubernetesCall Call { get; }

        public IParameterSymbol Parameter { get; }
    }
}
