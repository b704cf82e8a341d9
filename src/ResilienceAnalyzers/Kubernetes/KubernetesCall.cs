using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;
using Resilience.CostModel;

namespace ResilienceAnalyzers.Kubernetes
{
    internal enum KubernetesVerb
    {
        List,
        Watch,

        /// <summary>
        /// <c>watch: watch</c> — a parameter of the enclosing method: a LIST at the call sites that pass false, a WATCH
        /// where they pass true. No rule judges the call itself; the rules judge it at its callers.
        /// </summary>
        DecidedByCaller,
    }

    /// <summary>The client's shape the call was written in; fixes need it to know what can be added.</summary>
    internal enum ClientShape
    {
        /// <summary><c>client.CoreV1.ListNamespacedPodAsync(…)</c> (extension methods of <c>k8s.*OperationsExtensions</c>).</summary>
        GroupExtension,

        /// <summary><c>I&lt;Group&gt;Operations.ListXWithHttpMessagesAsync(…)</c>.</summary>
        HttpMessages,

        /// <summary><c>new ClientSet(client).CoreV1.Pod.ListAsync(…)</c>.</summary>
        ClientSet,

        /// <summary><c>GenericClient.ListAsync&lt;T&gt;(…)</c>: no resourceVersion parameter.</summary>
        GenericClient,

        /// <summary>Before 10.x: <c>IKubernetes.ListNamespacedPodAsync(…)</c> and <c>KubernetesExtensions</c>.</summary>
        Legacy,

        /// <summary>
        /// <c>client.GetKubernetesPodsMetricsByNamespaceAsync(ns)</c> and the other <c>KubernetesMetricsExtensions</c>: a LIST
        /// of metrics.k8s.io objects with no limit, selector or resourceVersion to pass.
        /// </summary>
        Metrics,

        /// <summary>
        /// A request to the API server written by hand: an <c>HttpClient</c> GET whose URI is an API path
        /// (<see cref="RawApiCalls"/>). The query parameters are read from the URI's text, not from arguments.
        /// </summary>
        RawHttp,

        /// <summary>A <c>kubectl get …</c> run as a process (<see cref="RawApiCalls"/>): its flags are the request's parameters.</summary>
        Kubectl,
    }

    /// <summary>Tri-state answer for questions about argument values that may not be constant.</summary>
    internal enum Knowledge
    {
        No,
        Yes,
        Unknown,
    }

    /// <summary>Parameters the rules ask about, whatever the client shape calls them.</summary>
    internal enum KubernetesParameter
    {
        Namespace,
        Continue,
        FieldSelector,
        LabelSelector,
        Limit,
        ResourceVersion,
        ResourceVersionMatch,
        Watch,
        AllowWatchBookmarks,
        SendInitialEvents,
        TimeoutSeconds,
        Plural,
    }

    /// <summary>
    /// A recognized LIST or WATCH call: what it asks for, where, and with which arguments. Rules ask this
    /// object questions; none of them matches method names itself.
    /// </summary>
    internal sealed class KubernetesCall
    {
        private readonly Dictionary<KubernetesParameter, IOperation> arguments;
        private readonly HashSet<KubernetesParameter> parameters;

        // A raw request's parameters as read from its URI or command line (RawHttp, Kubectl); null for the client's calls.
        private readonly Dictionary<KubernetesParameter, StringValue>? query;

        /// <param name="operation">The call: an <see cref="IInvocationOperation"/>, or the <see cref="IInvalidOperation"/> of a pre-10.x call that does not bind.</param>
        /// <param name="arguments">The values passed explicitly (default values left out), by the parameter they are for.</param>
        public KubernetesCall(
            IOperation operation,
            string methodName,
            KubernetesVerb verb,
            string kind,
            RequestScope scope,
            ClientShape shape,
            Dictionary<KubernetesParameter, IOperation> arguments,
            HashSet<KubernetesParameter> parameters)
        {
            Operation = operation;
            MethodName = methodName;
            Verb = verb;
            Kind = kind;
            Scope = scope == RequestScope.Namespace && IsEmptyText(arguments, KubernetesParameter.Namespace) ? RequestScope.AllNamespaces : scope;
            Shape = shape;
            this.arguments = arguments;
            this.parameters = parameters;
        }

        /// <summary>
        /// A constant <c>""</c> for the namespace: the client builds <c>…/namespaces//{plural}</c>, and the API server reads
        /// the empty namespace as every namespace (kubernetes-client/python#1349: <c>list_namespaced_pod('')</c> answers as
        /// <c>list_pod_for_all_namespaces</c>; client-go's <c>metav1.NamespaceAll</c> is <c>""</c>). So every reader of
        /// <see cref="Scope"/> — messages, cost model, severity — sees all namespaces.
        /// </summary>
        private static bool IsEmptyText(Dictionary<KubernetesParameter, IOperation> arguments, KubernetesParameter parameter)
            => arguments.TryGetValue(parameter, out var value)
                && Unwrap.Conversions(value) is IOperation text
                && (text.ConstantValue.HasValue && text.ConstantValue.Value is string constant && constant.Length == 0
                    || text is IFieldReferenceOperation { Field: { Name: "Empty", ContainingType: { SpecialType: SpecialType.System_String } } });

        /// <summary>A request written without the client (<see cref="ClientShape.RawHttp"/>, <see cref="ClientShape.Kubectl"/>): <paramref name="request"/> names it in messages.</summary>
        internal KubernetesCall(
            IOperation operation,
            string request,
            KubernetesVerb verb,
            string kind,
            RequestScope scope,
            ClientShape shape,
            Dictionary<KubernetesParameter, StringValue> query,
            HashSet<KubernetesParameter> parameters)
            : this(operation, request, verb, kind, scope, shape, new Dictionary<KubernetesParameter, IOperation>(), parameters)
        {
            this.query = query;
        }

        /// <summary>The call site: an invocation, or an invalid operation when the call does not bind (<see cref="Unbound"/>).</summary>
        public IOperation Operation { get; }

        /// <summary>The bound invocation, or null for an unbound pre-10.x call (no fix is offered on those).</summary>
        public IInvocationOperation? Invocation => Operation as IInvocationOperation;

        /// <summary>The call does not bind against the referenced client (the pre-10.x API under a newer client, or half-restored code).</summary>
        public bool Unbound => !(Operation is IInvocationOperation);

        /// <summary>The method's name as written at the call site.</summary>
        public string MethodName { get; }

        public KubernetesVerb Verb { get; }

        /// <summary>The resource kind ("Pod", "Node", or a custom resource's plural).</summary>
        public string Kind { get; }

        public RequestScope Scope { get; }

        public ClientShape Shape { get; }

        public ResourceKind CostKind => KubernetesApi.ToCostKind(Kind);

        public bool IsClusterWide => Scope != RequestScope.Namespace;

        /// <summary>The method accepts the parameter (whether or not the call passes it).</summary>
        public bool Accepts(KubernetesParameter parameter) => parameters.Contains(parameter);

        /// <summary>The call passes an explicit argument for the parameter (default values do not count).</summary>
        public bool Passes(KubernetesParameter parameter)
            => query != null ? query.ContainsKey(parameter) : arguments.TryGetValue(parameter, out var value) && !IsNullConstant(value);

        /// <summary>What is known of the text passed for <paramref name="parameter"/>: the argument's string value, or a raw request's query value.</summary>
        public StringValue? Text(KubernetesParameter parameter)
            => query != null ? (query.TryGetValue(parameter, out var value) ? value : null) : StringValue.Of(Argument(parameter));

        /// <summary>The parameter of the enclosing method that the call passes straight through for <paramref name="parameter"/>, if any.</summary>
        public IParameterSymbol? ForwardedParameter(KubernetesParameter parameter) => ForwardedParameterOf(Argument(parameter));

        /// <summary><paramref name="value"/> is a parameter of the enclosing method (not of a lambda): the caller decides it.</summary>
        internal static IParameterSymbol? ForwardedParameterOf(IOperation? value)
            => Unwrap.ConversionsOrNull(value) is IParameterReferenceOperation reference
                && reference.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: not MethodKind.AnonymousFunction }
                ? reference.Parameter
                : null;

        /// <summary>A constant <c>limit</c> that pages: positive. Null, 0 and below ask for everything (facts.md: a CSI snapshotter crash-looped on 0).</summary>
        internal static bool IsPagingLimit(object? constant) => constant is int i && i > 0 || constant is long l && l > 0;

        /// <summary>A <c>resourceVersion</c> a watch resumes from: not null, "" nor "0" (those replay the current state); unknown counts as resuming.</summary>
        internal static bool ResumesFrom(StringValue? value) => value == null || !value.IsConstant || (value.Text.Length > 0 && value.Text != "0");

        /// <summary>The value passed explicitly for <paramref name="parameter"/>, or null (not passed, or left at its default).</summary>
        public IOperation? Argument(KubernetesParameter parameter)
            => arguments.TryGetValue(parameter, out var value) ? value : null;

        /// <summary><c>limit</c> passed with a positive value, or a non-constant one (assumed to page).</summary>
        public Knowledge Paginates
        {
            get
            {
                if (query != null)
                {
                    // limit=500 in the URI, kubectl's --chunk-size (default 500): positive pages, 0 asks for everything.
                    return !(Text(KubernetesParameter.Limit) is StringValue text) ? Knowledge.No
                        : !text.IsConstant ? Knowledge.Unknown
                        : long.TryParse(text.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long pages) && pages > 0 ? Knowledge.Yes
                        : Knowledge.No;
                }

                var limit = Argument(KubernetesParameter.Limit);
                if (limit == null)
                {
                    return Knowledge.No;
                }

                var value = Unwrap.Conversions(limit);

                if (!value.ConstantValue.HasValue)
                {
                    return Knowledge.Unknown;
                }

                return IsPagingLimit(value.ConstantValue.Value) ? Knowledge.Yes : Knowledge.No;
            }
        }

        /// <summary><c>resourceVersion: "0"</c>: served from the API server's watch cache.</summary>
        public bool ReadsFromCache
            => Text(KubernetesParameter.ResourceVersion) is StringValue v && v.IsConstant && v.Text == "0";

        /// <summary>A label selector is passed (its value may narrow the result to a few objects, such as a workload's own replicas).</summary>
        public bool SelectsLabels => Passes(KubernetesParameter.LabelSelector);

        /// <summary>
        /// A constant label selector that keeps only control-plane nodes: the well-known role label
        /// <c>node-role.kubernetes.io/control-plane</c> (or the older <c>…/master</c>) required to exist or to hold, or any
        /// role label (a key naming a role) set to <c>control-plane</c> or <c>master</c> (neonKUBE's
        /// <c>neonkube.io/node.role=control-plane</c>, unseen survey set). Labels: kubernetes.io/docs/reference/labels-annotations-taints.
        /// </summary>
        public bool SelectsControlPlane
            => Text(KubernetesParameter.LabelSelector) is StringValue selector
                && selector.IsConstant
                && selector.Text.Replace(" ", string.Empty).Split(',').Any(IsControlPlaneRequirement);

        private static bool IsControlPlaneRequirement(string requirement)
        {
            int equals = requirement.IndexOf('=');
            string key = (equals < 0 ? requirement : requirement.Substring(0, equals)).TrimEnd('!', '=');
            string value = equals < 0 ? string.Empty : requirement.Substring(equals).TrimStart('=');
            if (key.StartsWith("!", StringComparison.Ordinal) || requirement.Contains("!="))
            {
                return false;
            }

            if (key == "node-role.kubernetes.io/control-plane" || key == "node-role.kubernetes.io/master")
            {
                return value.Length == 0 || value == "true";
            }

            return key.IndexOf("role", StringComparison.OrdinalIgnoreCase) >= 0 && (value == "control-plane" || value == "master");
        }

        /// <summary>The field selector narrows pods to one node (<c>spec.nodeName=</c>).</summary>
        public Knowledge SelectsNode => FieldSelectorMentions("spec.nodeName=");

        /// <summary>The field selector names one object (<c>metadata.name=</c>).</summary>
        public Knowledge SelectsName => FieldSelectorMentions("metadata.name=");

        private Knowledge FieldSelectorMentions(string text)
        {
            if (!Passes(KubernetesParameter.FieldSelector))
            {
                return Knowledge.No;
            }

            var value = Text(KubernetesParameter.FieldSelector);
            if (value == null)
            {
                return Knowledge.Unknown;
            }

            if (value.Text.Replace(" ", string.Empty).Contains(text))
            {
                return Knowledge.Yes;
            }

            return value.IsConstant ? Knowledge.No : Knowledge.Unknown;
        }

        private static bool IsNullConstant(IOperation value)
        {
            value = Unwrap.Conversions(value);

            return value.ConstantValue.HasValue && value.ConstantValue.Value == null;
        }
    }
}
