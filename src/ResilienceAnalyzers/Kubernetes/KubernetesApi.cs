using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Resilience.CostModel;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>
    /// The one place that knows the KubernetesClient's shapes, by metadata name only (the analyzer never
    /// references the client): group extension methods, <c>…WithHttpMessagesAsync</c> interface methods,
    /// <c>k8s.ClientSets</c> kind clients, <c>GenericClient</c>, custom objects and the pre-10.x methods on
    /// <c>IKubernetes</c>. Parameter orders differ between shapes (facts.md), so arguments are matched by name.
    /// </summary>
    internal static class KubernetesApi
    {
        public const string RootNamespace = "k8s";
        public const string ClientSetsNamespace = "k8s.ClientSets";

        /// <summary>The client exists in the compilation: register the Kubernetes rules only then.</summary>
        /// <remarks>
        /// By the references' file names, not <c>GetTypeByMetadataName</c> (the first metadata-name lookup in a
        /// compilation indexes every referenced assembly: milliseconds with the client's thousands of types) nor
        /// <c>ReferencedAssemblyNames</c> (it binds every reference: the compiler does that anyway, but the analyzer that
        /// asks first at compilation start is charged for it, ~8 ms on the benchmark's workload). Source that declares its
        /// own <c>IKubernetes</c> (the pre-10.x shape in tests) counts too. A false positive here costs nothing: every
        /// rule still checks the called method's type and namespace.
        /// </remarks>
        public static bool IsReferenced(Compilation compilation)
            => ReferencedAssemblies.Contains(compilation, "KubernetesClient", prefix: true) || compilation.ContainsSymbolsWithName("IKubernetes", SymbolFilter.Type);

        /// <summary>
        /// Any request to the API server through the client (GET, LIST, WATCH, CREATE, PATCH, …): a method of a
        /// type in <c>k8s</c> / <c>k8s.ClientSets</c> that is an operations group, its extension class, a kind
        /// client, <c>GenericClient</c>, or the pre-10.x <c>IKubernetes</c>/<c>Kubernetes</c>.
        /// </summary>
        /// <summary>
        /// The syntax test before any symbol: a call whose name could be a list or watch (<c>List…</c>, <c>Watch…</c>, the
        /// metrics helpers' <c>GetKubernetes…Metrics…</c>), or that names nothing. The rules also take the requests written
        /// without the client (<see cref="RawApiCalls.MayBeRaw"/>) where the compilation's source mentions an API path.
        /// </summary>
        public static bool MayListOrWatch(SyntaxNode invocation)
        {
            string? name = CalledNames.Method(invocation);
            return name == null || MayBeClientListOrWatch(name);
        }

        /// <summary>A name the client's LIST/WATCH methods can have.</summary>
        public static bool MayBeClientListOrWatch(string name)
            => name.StartsWith("List", StringComparison.Ordinal)
                || name.StartsWith("Watch", StringComparison.Ordinal)
                || name.StartsWith("GetKubernetes", StringComparison.Ordinal);

        /// <summary>A kind with no namespace (nodes, namespaces, persistent volumes, …; metrics-server's NodeMetrics).</summary>
        public static bool IsClusterScopedKind(string kind) => ClusterScopedKinds.Contains(kind) || kind == "NodeMetrics";

        /// <summary>The client's own watch helpers: <c>response.Watch&lt;T, TList&gt;(onEvent, …)</c>, <c>WatchAsync</c> (WatcherExt).</summary>
        public static bool IsWatcher(IMethodSymbol method)
            => (method.Name == "Watch" || method.Name == "WatchAsync")
                && method.ContainingType != null
                && IsClientNamespace(method.ContainingType.ContainingNamespace, out _);

        public static bool IsApiCall(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if (type == null || !IsClientNamespace(type.ContainingNamespace, out bool inClientSets) || method.MethodKind != MethodKind.Ordinary)
            {
                return false;
            }

            string name = type.Name;
            bool clientType = inClientSets
                ? name.EndsWith("Client", StringComparison.Ordinal)
                : name.EndsWith("Operations", StringComparison.Ordinal) || name.EndsWith("OperationsExtensions", StringComparison.Ordinal)
                    || name == "GenericClient" || name == "KubernetesMetricsExtensions" || IsLegacyType(type);
            return clientType && method.Name.EndsWith("Async", StringComparison.Ordinal) || clientType && !method.ReturnsVoid && method.IsExtensionMethod;
        }

        // List / WatchList + what + optional WithHttpMessages + optional Async.
        private static readonly Regex OperationName = new Regex(
            "^(?<watch>Watch)?List(?<rest>[A-Z][A-Za-z0-9]*?)(?<http>WithHttpMessages)?(?:Async)?$",
            RegexOptions.CultureInvariant);

        private static readonly Regex VersionPrefix = new Regex("^V[0-9]+((alpha|beta)[0-9]+)?(?=[A-Z])", RegexOptions.CultureInvariant);

        /// <summary>Cluster-scoped kinds (no namespace), for shapes whose method name does not say.</summary>
        private static readonly ImmutableHashSet<string> ClusterScopedKinds = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "Node", "Namespace", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass", "CustomResourceDefinition",
            "PriorityClass", "CSIDriver", "CSINode", "VolumeAttachment", "IngressClass", "RuntimeClass", "APIService",
            "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "CertificateSigningRequest", "ComponentStatus");

        /// <summary>
        /// Cluster-scoped kinds that configure the cluster rather than describe its workloads: an administrator and the
        /// installed components create them, so their count does not grow with nodes, pods or replicas (tens, not
        /// thousands; no published figure — an assumption, stated in docs/rules/RES1001.md). A list of one is bounded in
        /// practice (survey: YARP's IngressClass informer).
        /// </summary>
        private static readonly ImmutableHashSet<string> ConfigurationKinds = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "IngressClass", "StorageClass", "PriorityClass", "RuntimeClass", "CSIDriver", "APIService", "CustomResourceDefinition",
            "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ComponentStatus",
            "FlowSchema", "PriorityLevelConfiguration");

        /// <summary>The kind configures the cluster (<see cref="ConfigurationKinds"/>): its count does not grow with the cluster.</summary>
        public static bool IsConfigurationKind(string kind) => ConfigurationKinds.Contains(kind);

        public static bool TryGetCall(IInvocationOperation invocation, out KubernetesCall? call)
            => TryGetCall(invocation, invocation.TargetMethod, invocation.Arguments.Length == 0 ? null : ExplicitArguments(invocation), out call);

        /// <summary>Bound arguments by the parameter they are for, default values left out.</summary>
        private static IEnumerable<(IParameterSymbol? Parameter, IOperation Value)> ExplicitArguments(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                {
                    yield return (argument.Parameter, argument.Value);
                }
            }
        }

        /// <summary>
        /// The arguments of a call that failed to bind to its only candidate <paramref name="method"/> (an argument of a
        /// type the compilation lacks): by the name written, else by position in the candidate's parameter list.
        /// </summary>
        private static IEnumerable<(IParameterSymbol? Parameter, IOperation Value)> CandidateArguments(IInvalidOperation invalid, IMethodSymbol method)
        {
            int position = 0;
            foreach (var (written, value) in CallArguments.Explicit(invalid))
            {
                IParameterSymbol? parameter = null;
                if (written != null)
                {
                    foreach (var p in method.Parameters)
                    {
                        if (p.Name == written)
                        {
                            parameter = p;
                        }
                    }
                }
                else if (position < method.Parameters.Length && !method.Parameters[position].IsParams)
                {
                    parameter = method.Parameters[position];
                }

                position++;
                yield return (parameter, value);
            }
        }

        private static bool TryGetCall(IOperation operation, IMethodSymbol method, IEnumerable<(IParameterSymbol? Parameter, IOperation Value)>? explicitArguments, out KubernetesCall? call)
        {
            call = null;
            var type = method.ContainingType;
            if (type == null || !IsClientNamespace(type.ContainingNamespace, out bool inClientSets))
            {
                return false;
            }

            // Cheap name checks first: most invocations in a compilation are not list/watch calls, and the
            // dictionaries below are only worth allocating for candidates.
            string name = method.Name;
            if (type.Name == "KubernetesMetricsExtensions")
            {
                return TryGetMetricsCall(operation, method, explicitArguments, out call);
            }

            bool candidate = type.Name == "GenericClient"
                ? name.StartsWith("List", StringComparison.Ordinal) || name.StartsWith("Watch", StringComparison.Ordinal)
                : inClientSets
                    ? name == "ListAsync" || name == "WatchList" || name == "WatchListAsync"
                    : name.StartsWith("List", StringComparison.Ordinal) || name.StartsWith("WatchList", StringComparison.Ordinal);
            if (!candidate)
            {
                return false;
            }

            KubernetesVerb verb;
            string kind;
            RequestScope scope;
            ClientShape shape;
            var parameters = new HashSet<KubernetesParameter>();
            var arguments = new Dictionary<KubernetesParameter, IOperation>();
            foreach (var parameter in method.Parameters)
            {
                var known = ToParameter(parameter.Name);
                if (known.HasValue)
                {
                    parameters.Add(known.Value);
                }
            }

            foreach (var (parameter, value) in explicitArguments ?? Array.Empty<(IParameterSymbol?, IOperation)>())
            {
                var known = parameter == null ? null : ToParameter(parameter.Name);
                if (known.HasValue)
                {
                    arguments[known.Value] = value;
                }
            }

            if (type.Name == "GenericClient")
            {
                shape = ClientShape.GenericClient;
                switch (method.Name)
                {
                    case "ListAsync": verb = KubernetesVerb.List; break;
                    case "ListNamespacedAsync": verb = KubernetesVerb.List; break;
                    case "Watch":
                    case "WatchAsync":
                    case "WatchNamespaced":
                    case "WatchNamespacedAsync": verb = KubernetesVerb.Watch; break;
                    default: return false;
                }

                kind = method.TypeArguments.Length == 1 ? KindFromModelType(method.TypeArguments[0]) : "object";
                scope = method.Name.Contains("Namespaced") ? RequestScope.Namespace
                    : ClusterScopedKinds.Contains(kind) ? RequestScope.Cluster : RequestScope.AllNamespaces;
            }
            else if (inClientSets)
            {
                if (!type.Name.EndsWith("Client", StringComparison.Ordinal))
                {
                    return false;
                }

                switch (method.Name)
                {
                    case "ListAsync": verb = KubernetesVerb.List; break;
                    case "WatchList":
                    case "WatchListAsync": verb = KubernetesVerb.Watch; break;
                    default: return false;
                }

                shape = ClientShape.ClientSet;
                kind = type.Name.Substring(0, type.Name.Length - "Client".Length);
                scope = parameters.Contains(KubernetesParameter.Namespace) ? RequestScope.Namespace
                    : HasNamespacedOverload(type, method.Name) ? RequestScope.AllNamespaces : RequestScope.Cluster;
            }
            else
            {
                var match = OperationName.Match(method.Name);
                if (!match.Success)
                {
                    return false;
                }

                bool http = match.Groups["http"].Success;
                shape = http ? ClientShape.HttpMessages
                    : type.Name.EndsWith("OperationsExtensions", StringComparison.Ordinal) && type.Name != "KubernetesExtensions" ? ClientShape.GroupExtension
                    : IsLegacyType(type) ? ClientShape.Legacy
                    : ClientShape.GroupExtension;

                if (!TryReadOperation(match, arguments, parameters.Contains(KubernetesParameter.Namespace), out verb, out kind, out scope))
                {
                    return false;
                }
            }

            call = new KubernetesCall(operation, method.Name, verb, kind, scope, shape, arguments, parameters);
            return true;
        }

        /// <summary>
        /// The client's metrics.k8s.io helpers (KubernetesClient's <c>KubernetesMetricsExtensions</c>): each lists one
        /// metrics object per pod or node in its scope (metrics-server serves a PodMetrics per running pod and a
        /// NodeMetrics per node), with nothing to page or narrow by.
        /// </summary>
        private static bool TryGetMetricsCall(IOperation operation, IMethodSymbol method, IEnumerable<(IParameterSymbol? Parameter, IOperation Value)>? explicitArguments, out KubernetesCall? call)
        {
            call = null;
            string kind;
            RequestScope scope;
            switch (method.Name)
            {
                case "GetKubernetesNodesMetricsAsync": kind = "NodeMetrics"; scope = RequestScope.Cluster; break;
                case "GetKubernetesPodsMetricsAsync": kind = "PodMetrics"; scope = RequestScope.AllNamespaces; break;
                case "GetKubernetesPodsMetricsByNamespaceAsync": kind = "PodMetrics"; scope = RequestScope.Namespace; break;
                default: return false;
            }

            var parameters = new HashSet<KubernetesParameter>();
            var arguments = new Dictionary<KubernetesParameter, IOperation>();
            foreach (var (parameter, value) in explicitArguments ?? Enumerable.Empty<(IParameterSymbol?, IOperation)>())
            {
                if (parameter?.Name == "namespaceParameter")
                {
                    arguments[KubernetesParameter.Namespace] = value;
                }
            }

            if (scope == RequestScope.Namespace)
            {
                parameters.Add(KubernetesParameter.Namespace);
            }

            call = new KubernetesCall(operation, method.Name, KubernetesVerb.List, kind, scope, ClientShape.Metrics, arguments, parameters);
            return true;
        }

        /// <summary>
        /// A pre-10.x operation on <c>IKubernetes</c> that does not bind: real code written for 1.x–9.x
        /// (<c>client.ListNamespacedPodAsync(ns, labelSelector: …)</c>,
        /// <c>client.ListNamespacedPodWithHttpMessagesAsync(ns, watch: true)</c>) compiled against a newer client, where
        /// those members moved to the group operations (<c>client.CoreV1</c>), or half-restored code in the IDE. The
        /// receiver must be the client (<c>k8s.IKubernetes</c>, <c>k8s.Kubernetes</c>, a type implementing it, or an
        /// unresolved type of that name) and the name a list operation; arguments are read from the names written.
        /// </summary>
        /// <remarks>
        /// The old signatures (kubernetes-client/csharp history, src/KubernetesClient/generated/IKubernetes.cs) put the
        /// path parameters first — <c>namespaceParameter</c>; for custom objects <c>group, version, [namespaceParameter,]
        /// plural</c> — and then the query parameters, in an order that changed between releases: 1.3 (commit df338160,
        /// 2018) starts with <c>continueParameter, fieldSelector, includeUninitialized</c>, 4.x (commit 4ce6e876, 2020) and
        /// 5.x–6.x (commits 225bb1f5, d66c914c, 2021) with <c>allowWatchBookmarks, continueParameter, fieldSelector</c>. A
        /// positional argument after the path parameters therefore means different things in different releases: such a
        /// call is not read at all rather than guessed.
        /// </remarks>
        public static bool TryGetUnboundCall(IInvalidOperation invalid, out KubernetesCall? call)
        {
            call = null;
            if (!(invalid.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax syntax)
                || !(CalledNames.Method(syntax) is string name)
                || !(name.StartsWith("List", StringComparison.Ordinal) || name.StartsWith("Watch", StringComparison.Ordinal))
                || invalid.SemanticModel == null)
            {
                return false;
            }

            // A current operation that failed on its arguments alone (an argument whose type the compilation lacks:
            // partial compilations, the IDE while restoring): its only candidate says what it is.
            var info = invalid.SemanticModel.GetSymbolInfo(syntax);
            if (info.Symbol == null && info.CandidateReason == CandidateReason.OverloadResolutionFailure
                && info.CandidateSymbols.Length == 1 && info.CandidateSymbols[0] is IMethodSymbol candidate)
            {
                return TryGetCall(invalid, candidate, CandidateArguments(invalid, candidate), out call);
            }

            if (!(OperationName.Match(name) is { Success: true } match)
                || !(CalledNames.Receiver(syntax) is { } receiver)
                || !IsLegacyClient(invalid.SemanticModel.GetTypeInfo(receiver).Type))
            {
                return false;
            }

            string rest = match.Groups["rest"].Value;
            bool namespaced = rest.StartsWith("Namespaced", StringComparison.Ordinal);
            string[] path = rest == "NamespacedCustomObject" ? new[] { "group", "version", "namespaceParameter", "plural" }
                : rest == "ClusterCustomObject" ? new[] { "group", "version", "plural" }
                : namespaced ? new[] { "namespaceParameter" }
                : Array.Empty<string>();

            var parameters = new HashSet<KubernetesParameter>
            {
                KubernetesParameter.Continue, KubernetesParameter.FieldSelector, KubernetesParameter.LabelSelector, KubernetesParameter.Limit,
                KubernetesParameter.ResourceVersion, KubernetesParameter.TimeoutSeconds, KubernetesParameter.Watch,
            };
            var arguments = new Dictionary<KubernetesParameter, IOperation>();
            int position = 0;
            foreach (var (written, value) in CallArguments.Explicit(invalid))
            {
                string? parameterName = written ?? (position < path.Length ? path[position] : null);
                position++;
                if (parameterName == null)
                {
                    return false;
                }

                if (ToParameter(parameterName) is KubernetesParameter known)
                {
                    arguments[known] = value;
                }
            }

            foreach (var p in path)
            {
                if (ToParameter(p) is KubernetesParameter known)
                {
                    parameters.Add(known);
                }
            }

            if (!TryReadOperation(match, arguments, namespaced, out var verb, out var kind, out var scope))
            {
                return false;
            }

            call = new KubernetesCall(invalid, name, verb, kind, scope, ClientShape.Legacy, arguments, parameters);
            return true;
        }

        /// <summary><c>k8s.IKubernetes</c>, <c>k8s.Kubernetes</c>, a type implementing the interface, or an unresolved type of either name.</summary>
        private static bool IsLegacyClient(ITypeSymbol? type)
        {
            if (!(type is INamedTypeSymbol named))
            {
                return false;
            }

            if (named.Name == "IKubernetes" || named.Name == "Kubernetes")
            {
                return named.TypeKind == TypeKind.Error || IsClientNamespace(named.ContainingNamespace, out bool clientSets) && !clientSets;
            }

            foreach (var implemented in named.AllInterfaces)
            {
                if (implemented.Name == "IKubernetes" && IsClientNamespace(implemented.ContainingNamespace, out bool clientSets) && !clientSets)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Verb, kind and scope of a <c>[Watch]List…</c> operation from its name and the values passed: <c>watch: true</c>
        /// turns a list into a watch in every shape that has the parameter (the <c>…WithHttpMessagesAsync</c> methods and
        /// the pre-10.x extension methods); a custom object's kind is its <c>plural</c>.
        /// </summary>
        private static bool TryReadOperation(Match match, Dictionary<KubernetesParameter, IOperation> arguments, bool takesNamespace, out KubernetesVerb verb, out string kind, out RequestScope scope)
        {
            verb = match.Groups["watch"].Success ? KubernetesVerb.Watch : KubernetesVerb.List;
            kind = string.Empty;
            scope = RequestScope.Namespace;
            if (arguments.TryGetValue(KubernetesParameter.Watch, out var watchArgument))
            {
                if (IsTrue(watchArgument))
                {
                    verb = KubernetesVerb.Watch;
                }
                else if (!IsConstant(watchArgument))
                {
                    // watch: someFlag — a list or a watch depending on run time (informer plumbing, wrappers): no
                    // rule guesses which. A parameter of the enclosing method is decided by each caller, where the
                    // rules judge it (Proto.Actor's GetListTask(watch: true/false)).
                    if (KubernetesCall.ForwardedParameterOf(watchArgument) == null)
                    {
                        return false;
                    }

                    verb = KubernetesVerb.DecidedByCaller;
                }
            }

            string rest = match.Groups["rest"].Value;
            if (rest.StartsWith("Namespaced", StringComparison.Ordinal) && rest.Length > "Namespaced".Length)
            {
                scope = RequestScope.Namespace;
                kind = rest.Substring("Namespaced".Length);
            }
            else if (rest.EndsWith("ForAllNamespaces", StringComparison.Ordinal) && rest.Length > "ForAllNamespaces".Length)
            {
                scope = RequestScope.AllNamespaces;
                kind = rest.Substring(0, rest.Length - "ForAllNamespaces".Length);
            }
            else if (rest == "ClusterCustomObject")
            {
                scope = RequestScope.Cluster;
                kind = "CustomObject";
            }
            else
            {
                scope = takesNamespace ? RequestScope.Namespace : RequestScope.Cluster;
                kind = rest;
            }

            if (kind == "CustomObject" && arguments.TryGetValue(KubernetesParameter.Plural, out var plural)
                && StringValue.Of(plural) is StringValue p && p.IsConstant && p.Text.Length > 0)
            {
                kind = p.Text;
            }

            return true;
        }

        /// <summary>
        /// The row of the cost model's kind table (<see cref="ResourceKinds"/>) a call's kind is: by the kind's name
        /// ("ConfigMap") or resource ("configmaps"), the metrics kinds as what they count, and a custom object's plural
        /// that names no built-in kind as a custom resource.
        /// </summary>
        public static ResourceKind ToCostKind(string kind)
        {
            switch (kind)
            {
                // metrics.k8s.io: one PodMetrics per running pod, one NodeMetrics per node (metrics-server).
                case "PodMetrics": return ResourceKind.Pod;
                case "NodeMetrics": return ResourceKind.Node;
                // GenericClient over a type parameter: the kind is not known here.
                case "object": return ResourceKind.Other;
                case "CustomObject": return ResourceKind.CustomResource;
            }

            if (ResourceKinds.Find(kind) is KindFacts row)
            {
                return row.Kind;
            }

            // Custom-object calls name their kind by its plural, in lower case (TryReadOperation).
            return kind.Length > 0 && char.IsLower(kind[0]) ? ResourceKind.CustomResource : ResourceKind.Other;
        }

        /// <summary>"Pod" → "pod", "NetworkPolicy" → "network policy", a custom resource's plural as it is.</summary>
        public static string SingularForMessage(string kind)
            => kind.Length == 0 || char.IsLower(kind[0]) ? kind : Regex.Replace(kind, "(?<=[a-z0-9])(?=[A-Z])", " ").ToLowerInvariant();

        /// <summary>
        /// The GET that reads one object of the call's kind by name: <c>ReadNamespacedPod</c>, <c>ReadNode</c>; for custom
        /// objects (the kind is the plural written in the call, or unknown) <c>GetNamespacedCustomObject</c> /
        /// <c>GetClusterCustomObject</c>.
        /// </summary>
        public static string ReadByNameMethod(KubernetesCall call) => ReadByNameMethod(call.Kind, call.Scope == RequestScope.Namespace);

        /// <summary><see cref="ReadByNameMethod(KubernetesCall)"/> for a kind read in one namespace (<paramref name="namespaced"/>) or cluster-scoped.</summary>
        public static string ReadByNameMethod(string kind, bool namespaced)
        {
            bool custom = kind == "CustomObject" || kind.Length > 0 && char.IsLower(kind[0]);
            return custom
                ? (namespaced ? "GetNamespacedCustomObject" : "GetClusterCustomObject")
                : "Read" + (namespaced ? "Namespaced" : string.Empty) + kind;
        }

        /// <summary>"Pod" → "pods", "Endpoints" → "endpoints", "NetworkPolicy" → "network policies": for messages.</summary>
        public static string PluralForMessage(string kind)
        {
            if (kind.Length == 0 || char.IsLower(kind[0]))
            {
                return kind;
            }

            var words = Regex.Replace(kind, "(?<=[a-z0-9])(?=[A-Z])", " ").ToLowerInvariant();
            if (words.EndsWith("s", StringComparison.Ordinal))
            {
                return words;
            }

            if (words.EndsWith("y", StringComparison.Ordinal) && !words.EndsWith("ay", StringComparison.Ordinal) && !words.EndsWith("ey", StringComparison.Ordinal))
            {
                return words.Substring(0, words.Length - 1) + "ies";
            }

            return words + "s";
        }

        private static bool IsClientNamespace(INamespaceSymbol? ns, out bool clientSets)
        {
            clientSets = false;
            if (ns == null)
            {
                return false;
            }

            if (ns.Name == "ClientSets" && ns.ContainingNamespace?.Name == RootNamespace && ns.ContainingNamespace.ContainingNamespace?.IsGlobalNamespace == true)
            {
                clientSets = true;
                return true;
            }

            return ns.Name == RootNamespace && ns.ContainingNamespace?.IsGlobalNamespace == true;
        }

        private static bool IsLegacyType(INamedTypeSymbol type)
            => type.Name == "IKubernetes" || type.Name == "Kubernetes" || type.Name == "KubernetesExtensions";

        private static bool HasNamespacedOverload(INamedTypeSymbol type, string name)
        {
            foreach (var member in type.GetMembers(name))
            {
                if (member is IMethodSymbol m)
                {
                    foreach (var p in m.Parameters)
                    {
                        if (p.Name == "namespaceParameter")
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>GenericClient's type argument is the list type: <c>V1PodList</c> → "Pod".</summary>
        private static string KindFromModelType(ITypeSymbol type)
        {
            if (type is ITypeParameterSymbol)
            {
                return "object";
            }

            string name = VersionPrefix.Replace(type.Name, string.Empty);
            return name.EndsWith("List", StringComparison.Ordinal) && name.Length > 4 ? name.Substring(0, name.Length - 4) : name;
        }

        private static bool IsConstant(IOperation value)
        {
            value = Unwrap.Conversions(value);

            return value.ConstantValue.HasValue;
        }

        private static bool IsTrue(IOperation value)
        {
            value = Unwrap.Conversions(value);

            return value.ConstantValue.HasValue && value.ConstantValue.Value is bool b && b;
        }

        private static KubernetesParameter? ToParameter(string name)
        {
            switch (name)
            {
                case "namespaceParameter":
                case "ns":
                    return KubernetesParameter.Namespace;
                case "continueParameter":
                case "continueToken":
                    return KubernetesParameter.Continue;
                case "fieldSelector": return KubernetesParameter.FieldSelector;
                case "labelSelector": return KubernetesParameter.LabelSelector;
                case "limit": return KubernetesParameter.Limit;
                case "resourceVersion": return KubernetesParameter.ResourceVersion;
                case "resourceVersionMatch": return KubernetesParameter.ResourceVersionMatch;
                case "watch": return KubernetesParameter.Watch;
                case "allowWatchBookmarks": return KubernetesParameter.AllowWatchBookmarks;
                case "sendInitialEvents": return KubernetesParameter.SendInitialEvents;
                case "timeoutSeconds": return KubernetesParameter.TimeoutSeconds;
                case "plural":
                case "resourcePlural":
                    return KubernetesParameter.Plural;
                default: return null;
            }
        }
    }
}
