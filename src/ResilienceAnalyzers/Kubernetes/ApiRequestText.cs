using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Resilience.CostModel;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>
    /// A LIST or WATCH read from text: an API-server URI (<see cref="TryParseUri"/>) or a <c>kubectl get</c> command line
    /// (<see cref="TryParseKubectl"/>). Unknown parts of the text are <see cref="StringValue.Hole"/>; a part the request's
    /// meaning depends on (the resource, <c>watch=</c>, a positional kubectl argument) must be known, or nothing is read.
    /// </summary>
    internal sealed class ApiRequestText
    {
        private const string Unknown = "{…}";

        private ApiRequestText(string display, KubernetesVerb verb, string kind, RequestScope scope, ClientShape shape, Dictionary<KubernetesParameter, StringValue> query, HashSet<KubernetesParameter> accepted)
        {
            Display = display;
            Verb = verb;
            Kind = kind;
            Scope = scope;
            Shape = shape;
            Query = query;
            Accepted = accepted;
        }

        public string Display { get; }

        public KubernetesVerb Verb { get; }

        public string Kind { get; }

        public RequestScope Scope { get; }

        public ClientShape Shape { get; }

        public Dictionary<KubernetesParameter, StringValue> Query { get; }

        public HashSet<KubernetesParameter> Accepted { get; }

        /// <summary>The cost model has no row for the kind (an Ingress, a custom resource): another reading of the same call is preferred.</summary>
        public bool CostKindUnknown => ResourceKinds.Find(KubernetesApi.ToCostKind(Kind)) == null;

        public KubernetesCall ToCall(IOperation operation) => new KubernetesCall(operation, Display, Verb, Kind, Scope, Shape, Query, Accepted);

        // ---- URIs ----

        /// <summary>
        /// Core resources (<c>/api/v1/&lt;plural&gt;</c>) and their kinds (Kubernetes API reference, "Workloads/Service/Config
        /// and Storage/Cluster Resources"). A plural not here is not read as an API call.
        /// </summary>
        private static readonly Dictionary<string, string> CoreKinds = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["pods"] = "Pod", ["nodes"] = "Node", ["services"] = "Service", ["endpoints"] = "Endpoints", ["events"] = "Event",
            ["configmaps"] = "ConfigMap", ["secrets"] = "Secret", ["namespaces"] = "Namespace", ["persistentvolumes"] = "PersistentVolume",
            ["persistentvolumeclaims"] = "PersistentVolumeClaim", ["serviceaccounts"] = "ServiceAccount",
            ["replicationcontrollers"] = "ReplicationController", ["limitranges"] = "LimitRange", ["resourcequotas"] = "ResourceQuota",
            ["podtemplates"] = "PodTemplate", ["componentstatuses"] = "ComponentStatus",
        };

        /// <summary>
        /// Core plurals that other HTTP APIs also use for their own paths (<c>https://api.datadoghq.com/api/v1/events</c>): read
        /// as Kubernetes only with more evidence — a namespace in the path, a query parameter only the API server takes, or an
        /// API-server host.
        /// </summary>
        private static readonly HashSet<string> CommonWords = new HashSet<string>(StringComparer.Ordinal)
        {
            "events", "nodes", "services", "secrets", "namespaces", "endpoints",
        };

        /// <summary>Resources of the built-in API groups (<c>/apis/&lt;group&gt;/&lt;version&gt;/&lt;plural&gt;</c>) and their kinds.</summary>
        private static readonly Dictionary<string, string> GroupKinds = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["deployments"] = "Deployment", ["replicasets"] = "ReplicaSet", ["statefulsets"] = "StatefulSet", ["daemonsets"] = "DaemonSet",
            ["controllerrevisions"] = "ControllerRevision", ["jobs"] = "Job", ["cronjobs"] = "CronJob", ["ingresses"] = "Ingress",
            ["ingressclasses"] = "IngressClass", ["networkpolicies"] = "NetworkPolicy", ["endpointslices"] = "EndpointSlice",
            ["leases"] = "Lease", ["events"] = "Event", ["horizontalpodautoscalers"] = "HorizontalPodAutoscaler",
            ["poddisruptionbudgets"] = "PodDisruptionBudget", ["storageclasses"] = "StorageClass", ["volumeattachments"] = "VolumeAttachment",
            ["csidrivers"] = "CSIDriver", ["csinodes"] = "CSINode", ["customresourcedefinitions"] = "CustomResourceDefinition",
            ["roles"] = "Role", ["rolebindings"] = "RoleBinding", ["clusterroles"] = "ClusterRole", ["clusterrolebindings"] = "ClusterRoleBinding",
            ["priorityclasses"] = "PriorityClass", ["runtimeclasses"] = "RuntimeClass",
        };

        /// <summary>The built-in API groups whose names have no dot (the others end in <c>.k8s.io</c>).</summary>
        private static readonly HashSet<string> UndottedGroups = new HashSet<string>(StringComparer.Ordinal) { "apps", "batch", "autoscaling", "policy" };

        private static readonly Regex Version = new Regex("^v[0-9]+((alpha|beta)[0-9]+)?$", RegexOptions.CultureInvariant);

        /// <summary>The query parameters of a LIST/WATCH (Kubernetes API reference, "Common Parameters").</summary>
        private static KubernetesParameter? QueryParameter(string key)
        {
            switch (key)
            {
                case "watch": return KubernetesParameter.Watch;
                case "limit": return KubernetesParameter.Limit;
                case "continue": return KubernetesParameter.Continue;
                case "resourceVersion": return KubernetesParameter.ResourceVersion;
                case "resourceVersionMatch": return KubernetesParameter.ResourceVersionMatch;
                case "fieldSelector": return KubernetesParameter.FieldSelector;
                case "labelSelector": return KubernetesParameter.LabelSelector;
                case "allowWatchBookmarks": return KubernetesParameter.AllowWatchBookmarks;
                case "timeoutSeconds": return KubernetesParameter.TimeoutSeconds;
                case "sendInitialEvents": return KubernetesParameter.SendInitialEvents;
                default: return null;
            }
        }

        private static readonly HashSet<KubernetesParameter> UriParameters = new HashSet<KubernetesParameter>
        {
            KubernetesParameter.Namespace, KubernetesParameter.Watch, KubernetesParameter.Limit, KubernetesParameter.Continue,
            KubernetesParameter.ResourceVersion, KubernetesParameter.ResourceVersionMatch, KubernetesParameter.FieldSelector,
            KubernetesParameter.LabelSelector, KubernetesParameter.AllowWatchBookmarks, KubernetesParameter.TimeoutSeconds,
            KubernetesParameter.SendInitialEvents,
        };

        /// <summary>
        /// <c>[scheme://host[:port]]/api/v1/[watch/][namespaces/{ns}/]&lt;plural&gt;[?query]</c> or the same under
        /// <c>/apis/&lt;group&gt;/&lt;version&gt;/</c>: a LIST, or a WATCH with <c>watch=true</c>/<c>watch=1</c> (or the
        /// deprecated <c>/watch/</c> path). A name after the plural is a GET and is not read; nor is a path of an unknown kind,
        /// a <c>watch=</c> whose value is not known, or a host named in the text that is not the API server's.
        /// </summary>
        public static bool TryParseUri(string text, out ApiRequestText? request)
        {
            request = null;
            int core = IndexOfCore(text);
            int grouped = text.IndexOf("/apis/", StringComparison.Ordinal);
            int start = core < 0 ? grouped : grouped < 0 ? core : Math.Min(core, grouped);
            if (start < 0 || !AcceptsPrefix(text.Substring(0, start), out bool apiServerHost))
            {
                return false;
            }

            string rest = text.Substring(start);
            int hash = rest.IndexOf('#');
            if (hash >= 0)
            {
                rest = rest.Substring(0, hash);
            }

            int question = rest.IndexOf('?');
            string path = question < 0 ? rest : rest.Substring(0, question);
            string queryText = question < 0 ? string.Empty : rest.Substring(question + 1);
            var segments = new List<string>(path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries));
            bool isCore = segments.Count >= 2 && segments[0] == "api";
            string? group = null;
            if (isCore)
            {
                segments.RemoveRange(0, 2);
            }
            else
            {
                if (segments.Count < 3 || segments[0] != "apis" || !IsKnown(segments[1]) || !Version.IsMatch(segments[2]))
                {
                    return false;
                }

                group = segments[1];
                segments.RemoveRange(0, 3);
            }

            bool watchPath = segments.Count > 0 && segments[0] == "watch";
            if (watchPath)
            {
                segments.RemoveAt(0);
            }

            bool namespaced = segments.Count >= 3 && segments[0] == "namespaces";
            if (namespaced)
            {
                segments.RemoveRange(0, 2);
            }

            // One segment left: the plural. A name after it (or after namespaces/{ns}) is a GET of one object or a subresource.
            if (segments.Count != 1 || !IsPlural(segments[0]))
            {
                return false;
            }

            string plural = segments[0];
            string kind;
            if (group == null)
            {
                if (!CoreKinds.TryGetValue(plural, out kind!))
                {
                    return false;
                }
            }
            else if (group == "metrics.k8s.io")
            {
                // metrics-server's PodMetrics and NodeMetrics (KubernetesApi.ToCostKind prices them as what they count).
                kind = plural == "pods" ? "PodMetrics" : plural == "nodes" ? "NodeMetrics" : plural;
            }
            else if (!GroupKinds.TryGetValue(plural, out kind!))
            {
                if (!group.Contains("."))
                {
                    return false;
                }

                kind = plural; // a custom resource: its plural, as the client's custom-object calls name it
            }

            var query = new Dictionary<KubernetesParameter, StringValue>();
            var verb = watchPath ? KubernetesVerb.Watch : KubernetesVerb.List;
            if (queryText.Length > 0)
            {
                foreach (var pair in queryText.Split('&'))
                {
                    if (pair.Length == 0)
                    {
                        continue;
                    }

                    int equals = pair.IndexOf('=');
                    string key = equals < 0 ? pair : pair.Substring(0, equals);
                    string value = equals < 0 ? string.Empty : Unescape(pair.Substring(equals + 1));
                    if (key.IndexOf(StringValue.Hole) >= 0)
                    {
                        return false; // parameters not known here: any of them may be watch or limit
                    }

                    if (!(QueryParameter(key) is KubernetesParameter parameter))
                    {
                        continue;
                    }

                    if (parameter == KubernetesParameter.Watch)
                    {
                        if (value == "true" || value == "1")
                        {
                            verb = KubernetesVerb.Watch;
                        }
                        else if (value.IndexOf(StringValue.Hole) >= 0)
                        {
                            return false; // list or watch decided at run time: no rule guesses which (as with the client's watch: flag)
                        }

                        continue;
                    }

                    query[parameter] = StringValue.FromText(value);
                }
            }

            bool evidence = namespaced || group != null || apiServerHost || watchPath || verb == KubernetesVerb.Watch || query.Count > 0;
            if (isCore && CommonWords.Contains(plural) && !evidence)
            {
                return false;
            }

            if (namespaced)
            {
                query[KubernetesParameter.Namespace] = StringValue.FromText(string.Empty);
            }

            var scope = namespaced ? RequestScope.Namespace : KubernetesApi.IsClusterScopedKind(kind) ? RequestScope.Cluster : RequestScope.AllNamespaces;
            string display = "GET " + Show(rest) + " (HttpClient)";
            request = new ApiRequestText(display, verb, kind, scope, ClientShape.RawHttp, query, UriParameters);
            return true;
        }

        /// <summary>"/api/v1" followed by the end, '/' or '?'.</summary>
        private static int IndexOfCore(string text)
        {
            for (int at = text.IndexOf("/api/v1", StringComparison.Ordinal); at >= 0; at = text.IndexOf("/api/v1", at + 1, StringComparison.Ordinal))
            {
                int after = at + "/api/v1".Length;
                if (after == text.Length || text[after] == '/' || text[after] == '?')
                {
                    return at;
                }
            }

            return -1;
        }

        private static bool IsKnown(string segment) => segment.IndexOf(StringValue.Hole) < 0 && segment.Length > 0;

        private static bool IsPlural(string segment)
        {
            foreach (char c in segment)
            {
                if (!(c >= 'a' && c <= 'z'))
                {
                    return false;
                }
            }

            return segment.Length > 0;
        }

        /// <summary>
        /// What comes before the API path: nothing, a part not known here (a base address from configuration, the
        /// <c>KUBERNETES_SERVICE_HOST</c> variable), or <c>http[s]://host[:port]</c> whose host is the API server's:
        /// <c>kubernetes.default.svc</c> (the in-cluster service name), <c>kubernetes</c>, a local proxy
        /// (<c>kubectl proxy</c> listens on 127.0.0.1:8001 by default), or any host on port 6443 (kube-apiserver's default
        /// secure port). Any other named host is another service.
        /// </summary>
        private static bool AcceptsPrefix(string prefix, out bool apiServerHost)
        {
            apiServerHost = false;
            if (prefix.Length == 0 || prefix[0] == StringValue.Hole)
            {
                return true;
            }

            int scheme = prefix.IndexOf("://", StringComparison.Ordinal);
            if (scheme < 0 || !(prefix.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || prefix.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            string authority = prefix.Substring(scheme + 3);
            int slash = authority.IndexOf('/');
            if (slash >= 0)
            {
                authority = authority.Substring(0, slash);
            }

            if (authority.IndexOf(StringValue.Hole) >= 0)
            {
                return true;
            }

            int colon = authority.LastIndexOf(':');
            string host = (colon < 0 ? authority : authority.Substring(0, colon)).ToLowerInvariant();
            string port = colon < 0 ? string.Empty : authority.Substring(colon + 1);
            apiServerHost = host == "kubernetes" || host.StartsWith("kubernetes.default", StringComparison.Ordinal)
                || ((host == "localhost" || host == "127.0.0.1") && port == "8001")
                || port == "6443";
            return apiServerHost;
        }

        private static string Unescape(string value)
        {
            try
            {
                return Uri.UnescapeDataString(value);
            }
            catch (UriFormatException)
            {
                return value;
            }
        }

        private static string Show(string text) => text.Replace(StringValue.Hole.ToString(), Unknown);

        // ---- kubectl ----

        /// <summary>kubectl's short names and singulars (<c>kubectl api-resources</c>) for the kinds above.</summary>
        private static readonly Dictionary<string, string> KubectlNames = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["po"] = "pods", ["pod"] = "pods", ["no"] = "nodes", ["node"] = "nodes", ["svc"] = "services", ["service"] = "services",
            ["ep"] = "endpoints", ["ev"] = "events", ["event"] = "events", ["cm"] = "configmaps", ["configmap"] = "configmaps",
            ["secret"] = "secrets", ["ns"] = "namespaces", ["namespace"] = "namespaces", ["pv"] = "persistentvolumes",
            ["persistentvolume"] = "persistentvolumes", ["pvc"] = "persistentvolumeclaims", ["persistentvolumeclaim"] = "persistentvolumeclaims",
            ["sa"] = "serviceaccounts", ["serviceaccount"] = "serviceaccounts", ["deploy"] = "deployments", ["deployment"] = "deployments",
            ["rs"] = "replicasets", ["replicaset"] = "replicasets", ["ds"] = "daemonsets", ["daemonset"] = "daemonsets",
            ["sts"] = "statefulsets", ["statefulset"] = "statefulsets", ["job"] = "jobs", ["cj"] = "cronjobs", ["cronjob"] = "cronjobs",
            ["ing"] = "ingresses", ["ingress"] = "ingresses", ["lease"] = "leases", ["endpointslice"] = "endpointslices",
            ["netpol"] = "networkpolicies", ["networkpolicy"] = "networkpolicies", ["hpa"] = "horizontalpodautoscalers",
            ["pdb"] = "poddisruptionbudgets", ["sc"] = "storageclasses", ["storageclass"] = "storageclasses",
            ["crd"] = "customresourcedefinitions", ["crds"] = "customresourcedefinitions",
        };

        /// <summary>kubectl flags that take the next word as their value when written without <c>=</c> (kubectl get --help, kubectl options).</summary>
        private static readonly HashSet<string> ValueFlags = new HashSet<string>(StringComparer.Ordinal)
        {
            "-n", "--namespace", "-o", "--output", "-l", "--selector", "--field-selector", "--context", "--kubeconfig", "--cluster",
            "--user", "-s", "--server", "--token", "--chunk-size", "--request-timeout", "--sort-by", "--template", "-L", "--label-columns",
            "--as", "--as-group", "--output-watch-events", "--subresource", "--cache-dir", "--tls-server-name", "--certificate-authority",
            "--client-certificate", "--client-key", "-v", "--v",
        };

        private static readonly HashSet<KubernetesParameter> KubectlParameters = new HashSet<KubernetesParameter>
        {
            KubernetesParameter.Namespace, KubernetesParameter.Watch, KubernetesParameter.Limit, KubernetesParameter.FieldSelector, KubernetesParameter.LabelSelector,
        };

        /// <summary>
        /// kubectl's page size: <c>--chunk-size</c> "Return large lists in chunks rather than all at once. Pass 0 to disable",
        /// default 500 (kubernetes.io/docs/reference/kubectl/generated/kubectl_get). A kubectl LIST is paged unless told not to.
        /// </summary>
        internal const string KubectlChunkSize = "500";

        /// <summary>
        /// <c>[kubectl] [global flags] get &lt;type&gt; [flags]</c> with no object name: a LIST, a WATCH with <c>-w</c>/<c>--watch</c>/<c>--watch-only</c>;
        /// <c>-A</c>/<c>--all-namespaces</c>, <c>-n</c>, <c>-l</c>, <c>--field-selector</c>, <c>--chunk-size</c> (default
        /// <see cref="KubectlChunkSize"/>) read as the request's parameters. A name (<c>get pod web-0</c>, <c>get pod/web-0</c>),
        /// <c>-f</c>, <c>-k</c>, <c>--raw</c>, or a word not known here where a type or name stands: not read.
        /// </summary>
        public static bool TryParseKubectl(string text, out ApiRequestText? request)
        {
            request = null;
            var words = text.Split(new[] { ' ', '\t', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries);
            int first = words.Length > 0 && (words[0].EndsWith("kubectl", StringComparison.OrdinalIgnoreCase) || words[0].EndsWith("kubectl.exe", StringComparison.OrdinalIgnoreCase)) ? 1 : 0;
            var positional = new List<string>();
            var query = new Dictionary<KubernetesParameter, StringValue>();
            bool allNamespaces = false, watch = false, namespaced = false;
            string limit = KubectlChunkSize;
            for (int i = first; i < words.Length; i++)
            {
                string word = words[i];

                if (!word.StartsWith("-", StringComparison.Ordinal))
                {
                    if (word.IndexOf(StringValue.Hole) >= 0 || word.Trim('"', '\'').Length == 0)
                    {
                        return false; // a word not known here where a type or a name stands
                    }

                    positional.Add(word.Trim('"', '\''));
                    continue;
                }

                int equals = word.IndexOf('=');
                string flag = equals < 0 ? word : word.Substring(0, equals);
                string? value = equals >= 0 ? word.Substring(equals + 1) : null;
                if (value == null && ValueFlags.Contains(flag))
                {
                    value = i + 1 < words.Length ? words[++i] : string.Empty;
                }

                value = value?.Trim('"', '\'');
                switch (flag)
                {
                    case "-A":
                    case "--all-namespaces":
                        allNamespaces = value != "false";
                        break;
                    case "-n":
                    case "--namespace":
                        namespaced = true;
                        break;
                    case "-w":
                    case "--watch":
                    case "--watch-only":
                        watch = value != "false";
                        break;
                    case "-l":
                    case "--selector":
                        query[KubernetesParameter.LabelSelector] = StringValue.FromText(value ?? string.Empty);
                        break;
                    case "--field-selector":
                        query[KubernetesParameter.FieldSelector] = StringValue.FromText(value ?? string.Empty);
                        break;
                    case "--chunk-size":
                        limit = value ?? string.Empty;
                        break;
                    case "-f":
                    case "--filename":
                    case "-k":
                    case "--kustomize":
                    case "--raw":
                        return false;
                    default:
                        if (flag.IndexOf(StringValue.Hole) >= 0)
                        {
                            return false; // flags not known here: any of them may be -A or -w
                        }

                        break;
                }
            }

            // get <type>: one type (the first of a comma-separated list), no name after it.
            if (positional.Count != 2 || positional[0] != "get" || positional[1].IndexOf('/') >= 0)
            {
                return false;
            }

            string type = positional[1];
            int comma = type.IndexOf(',');
            if (comma >= 0)
            {
                type = type.Substring(0, comma);
            }

            int dot = type.IndexOf('.');
            string plural = dot >= 0 ? type.Substring(0, dot) : type;
            plural = KubectlNames.TryGetValue(plural, out var known) ? known : plural;
            if (!IsPlural(plural) || plural == "all")
            {
                return false;
            }

            string kind = CoreKinds.TryGetValue(plural, out var coreKind) ? coreKind
                : GroupKinds.TryGetValue(plural, out var groupKind) ? groupKind
                : plural; // a custom resource (Traefik's ingressroutes): its plural
            var scope = KubernetesApi.IsClusterScopedKind(kind) ? RequestScope.Cluster
                : allNamespaces ? RequestScope.AllNamespaces
                : RequestScope.Namespace; // -n, or the context's namespace
            if (scope == RequestScope.Namespace)
            {
                query[KubernetesParameter.Namespace] = StringValue.FromText(namespaced ? StringValue.Hole.ToString() : string.Empty);
            }

            query[KubernetesParameter.Limit] = StringValue.FromText(limit);
            request = new ApiRequestText(
                "kubectl " + Show(string.Join(" ", words, first, words.Length - first)),
                watch ? KubernetesVerb.Watch : KubernetesVerb.List,
                kind,
                scope,
                ClientShape.Kubectl,
                query,
                KubectlParameters);
            return true;
        }
    }
}
