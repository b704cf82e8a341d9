using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using k8s;
using k8s.Models;

namespace Resilience.Kubernetes.Testing
{
    /// <summary>One column of a meta.k8s.io/v1 Table (<c>columnDefinitions</c>); priority 0 is shown, 1 only with <c>-o wide</c>.</summary>
    internal sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority = 0);

    /// <summary>
    /// A resource the loopback server serves: its discovery entry, the field selectors the real API server accepts for it
    /// (the kind's <c>GetAttrs</c>/field-label conversion in kube-apiserver), and its Table columns (kube-apiserver's
    /// printers for the built-in kinds; Name and Age for a custom resource without printer columns).
    /// </summary>
    internal sealed record ResourceType(
        string Plural,
        string Singular,
        string Kind,
        string ListKind,
        string ApiVersion,
        string Prefix,
        bool Namespaced,
        string[] ShortNames,
        Func<IKubernetesObject<V1ObjectMeta>, IReadOnlyDictionary<string, string>> Fields,
        TableColumn[] Columns,
        Func<string, DateTimeOffset, object?[]> Cells)
    {
        public string Group => ApiVersion.Contains('/', StringComparison.Ordinal) ? ApiVersion[..ApiVersion.IndexOf('/', StringComparison.Ordinal)] : "";

        public string Version => ApiVersion[(ApiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];
    }

    internal static class ResourceKinds
    {
        private const string None = "<none>";

        private static readonly TableColumn NameColumn = new("Name", "string", "name", "Name must be unique within a namespace. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names");
        private static readonly TableColumn AgeColumn = new("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.");

        public static readonly ResourceType Pods = new(
            "pods", "pod", "Pod", "PodList", "v1", "api/v1", Namespaced: true, new[] { "po" },
            o => PodFields((V1Pod)o),
            new[]
            {
                NameColumn,
                new TableColumn("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic."),
                new TableColumn("Status", "string", "", "The aggregate status of the containers in this pod."),
                new TableColumn("Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
                AgeColumn,
                new TableColumn("IP", "string", "", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
                new TableColumn("Node", "string", "", "NodeName is a request to schedule this pod onto a specific node.", 1),
                new TableColumn("Nominated Node", "string", "", "nominatedNodeName is set when this pod preempts other pods on the node.", 1),
                new TableColumn("Readiness Gates", "string", "", "If specified, all readiness gates will be evaluated for pod readiness.", 1),
            },
            (json, now) => PodCells(KubernetesJson.Deserialize<V1Pod>(json), now));

        public static readonly ResourceType Nodes = new(
            "nodes", "node", "Node", "NodeList", "v1", "api/v1", Namespaced: false, new[] { "no" },
            o => new Dictionary<string, string>
            {
                ["metadata.name"] = o.Metadata.Name ?? "",
                ["spec.unschedulable"] = (((V1Node)o).Spec?.Unschedulable ?? false) ? "true" : "false",
            },
            new[]
            {
                NameColumn,
                new TableColumn("Status", "string", "", "The status of the node"),
                new TableColumn("Roles", "string", "", "The roles of the node"),
                AgeColumn,
                new TableColumn("Version", "string", "", "Kubelet Version reported by the node."),
                new TableColumn("Internal-IP", "string", "", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
                new TableColumn("External-IP", "string", "", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
                new TableColumn("OS-Image", "string", "", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
                new TableColumn("Kernel-Version", "string", "", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
                new TableColumn("Container-Runtime", "string", "", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1),
            },
            (json, now) => NodeCells(KubernetesJson.Deserialize<V1Node>(json), now));

        public static readonly ResourceType Namespaces = new(
            "namespaces", "namespace", "Namespace", "NamespaceList", "v1", "api/v1", Namespaced: false, new[] { "ns" },
            o => new Dictionary<string, string>
            {
                ["metadata.name"] = o.Metadata.Name ?? "",
                ["status.phase"] = ((V1Namespace)o).Status?.Phase ?? "",
            },
            new[] { NameColumn, new TableColumn("Status", "string", "", "The status of the namespace"), AgeColumn },
            (json, now) =>
            {
                var ns = KubernetesJson.Deserialize<V1Namespace>(json);
                return new object?[] { ns.Metadata.Name, ns.Status?.Phase ?? "", Age(ns.Metadata, now) };
            });

        public static readonly ResourceType Services = new(
            "services", "service", "Service", "ServiceList", "v1", "api/v1", Namespaced: true, new[] { "svc" },
            MetadataFields,
            new[]
            {
                NameColumn,
                new TableColumn("Type", "string", "", "type determines how the Service is exposed."),
                new TableColumn("Cluster-IP", "string", "", "clusterIP is the IP address of the service and is usually assigned randomly."),
                new TableColumn("External-IP", "string", "", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
                new TableColumn("Port(s)", "string", "", "The list of ports that are exposed by this service."),
                AgeColumn,
                new TableColumn("Selector", "string", "", "Route service traffic to pods with label keys and values matching this selector.", 1),
            },
            (json, now) =>
            {
                var s = KubernetesJson.Deserialize<V1Service>(json);
                var ports = s.Spec?.Ports is { Count: > 0 } p
                    ? string.Join(",", p.Select(x => x.Port.ToString(CultureInfo.InvariantCulture) + "/" + (x.Protocol ?? "TCP")))
                    : None;
                var selector = s.Spec?.Selector is { Count: > 0 } sel ? string.Join(",", sel.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Key + "=" + k.Value)) : None;
                return new object?[]
                {
                    s.Metadata.Name, s.Spec?.Type ?? "ClusterIP", s.Spec?.ClusterIP ?? None,
                    s.Spec?.ExternalIPs is { Count: > 0 } e ? string.Join(",", e) : None, ports, Age(s.Metadata, now), selector,
                };
            });

        public static readonly ResourceType Widgets = new(
            "widgets", "widget", "Widget", "WidgetList", "example.com/v1", "apis/example.com/v1", Namespaced: true, Array.Empty<string>(),
            MetadataFields,
            new[] { NameColumn, AgeColumn },
            (json, now) =>
            {
                var w = KubernetesJson.Deserialize<TestWidget>(json);
                return new object?[] { w.Metadata.Name, Age(w.Metadata, now) };
            });

        /// <summary>Every kind served; the core (v1) ones first, as <c>/api/v1</c> lists them.</summary>
        public static readonly ResourceType[] All = { Pods, Nodes, Namespaces, Services, Widgets };

        public static ResourceType ByPlural(string plural) =>
            All.FirstOrDefault(t => t.Plural == plural)
            ?? throw new ArgumentException($"The loopback server serves {string.Join(", ", All.Select(t => t.Plural))}, not \"{plural}\".", nameof(plural));

        /// <summary>
        /// The age as kubectl shows it (apimachinery's duration.HumanDuration): 0s–119s, then minutes with seconds
        /// below 10 min, minutes below 3 h, hours with minutes below 8 h, hours below 2 d, days with hours below 8 d,
        /// days below 2 y, years with days below 8 y, then years. A timestamp in the future is "0s" (or "&lt;invalid&gt;").
        /// </summary>
        public static string HumanDuration(TimeSpan d)
        {
            if (d < TimeSpan.FromSeconds(-1)) return "<invalid>";
            if (d < TimeSpan.Zero) return "0s";
            var seconds = (long)d.TotalSeconds;
            if (seconds < 120) return seconds.ToString(CultureInfo.InvariantCulture) + "s";
            var minutes = (long)d.TotalMinutes;
            if (minutes < 10) return Pair(minutes, "m", seconds % 60, "s");
            if (minutes < 180) return minutes.ToString(CultureInfo.InvariantCulture) + "m";
            var hours = (long)d.TotalHours;
            if (hours < 8) return Pair(hours, "h", minutes % 60, "m");
            if (hours < 48) return hours.ToString(CultureInfo.InvariantCulture) + "h";
            var days = hours / 24;
            if (hours < 24 * 8) return Pair(days, "d", hours % 24, "h");
            if (hours < 24 * 365 * 2) return days.ToString(CultureInfo.InvariantCulture) + "d";
            var years = days / 365;
            if (hours < 24 * 365 * 8) return Pair(years, "y", days % 365, "d");
            return years.ToString(CultureInfo.InvariantCulture) + "y";

            static string Pair(long big, string bigUnit, long small, string smallUnit) =>
                big.ToString(CultureInfo.InvariantCulture) + bigUnit + (small == 0 ? "" : small.ToString(CultureInfo.InvariantCulture) + smallUnit);
        }

        private static IReadOnlyDictionary<string, string> MetadataFields(IKubernetesObject<V1ObjectMeta> o) => new Dictionary<string, string>
        {
            ["metadata.name"] = o.Metadata.Name ?? "",
            ["metadata.namespace"] = o.Metadata.NamespaceProperty ?? "",
        };

        // kube-apiserver's pod field set (pkg/registry/core/pod/strategy.go, PodToSelectableFields).
        private static IReadOnlyDictionary<string, string> PodFields(V1Pod pod) => new Dictionary<string, string>
        {
            ["metadata.name"] = pod.Metadata.Name ?? "",
            ["metadata.namespace"] = pod.Metadata.NamespaceProperty ?? "",
            ["spec.nodeName"] = pod.Spec?.NodeName ?? "",
            ["spec.restartPolicy"] = pod.Spec?.RestartPolicy ?? "",
            ["spec.schedulerName"] = pod.Spec?.SchedulerName ?? "",
            ["spec.serviceAccountName"] = pod.Spec?.ServiceAccountName ?? "",
            ["spec.hostNetwork"] = (pod.Spec?.HostNetwork ?? false) ? "true" : "false",
            ["status.phase"] = pod.Status?.Phase ?? "",
            ["status.podIP"] = pod.Status?.PodIP ?? "",
            ["status.nominatedNodeName"] = pod.Status?.NominatedNodeName ?? "",
        };

        private static object?[] PodCells(V1Pod pod, DateTimeOffset now)
        {
            var statuses = pod.Status?.ContainerStatuses ?? new List<V1ContainerStatus>();
            var total = pod.Spec?.Containers?.Count ?? 0;
            var ready = statuses.Count(c => c.Ready);
            var restarts = statuses.Sum(c => c.RestartCount);
            var reason = pod.Status?.Reason ?? pod.Status?.Phase ?? "";
            var waiting = statuses.Select(c => c.State?.Waiting?.Reason).FirstOrDefault(r => !string.IsNullOrEmpty(r));
            if (waiting is not null) reason = waiting;
            if (pod.Metadata.DeletionTimestamp is not null) reason = "Terminating";
            var gates = pod.Spec?.ReadinessGates is { Count: > 0 } g ? g.Count.ToString(CultureInfo.InvariantCulture) + "/" + g.Count.ToString(CultureInfo.InvariantCulture) : None;
            return new object?[]
            {
                pod.Metadata.Name,
                FormattableString.Invariant($"{ready}/{total}"),
                reason,
                restarts.ToString(CultureInfo.InvariantCulture),
                Age(pod.Metadata, now),
                string.IsNullOrEmpty(pod.Status?.PodIP) ? None : pod.Status!.PodIP,
                string.IsNullOrEmpty(pod.Spec?.NodeName) ? None : pod.Spec!.NodeName,
                string.IsNullOrEmpty(pod.Status?.NominatedNodeName) ? None : pod.Status!.NominatedNodeName,
                gates,
            };
        }

        private static object?[] NodeCells(V1Node node, DateTimeOffset now)
        {
            var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            var status = ready is null ? "Unknown" : ready.Status == "True" ? "Ready" : ready.Status == "False" ? "NotReady" : "Unknown";
            if (node.Spec?.Unschedulable == true) status += ",SchedulingDisabled";
            var roles = (node.Metadata.Labels ?? new Dictionary<string, string>())
                .Select(l => l.Key.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal) ? l.Key["node-role.kubernetes.io/".Length..]
                    : l.Key == "kubernetes.io/role" ? l.Value : null)
                .Where(r => !string.IsNullOrEmpty(r))
                .OrderBy(r => r, StringComparer.Ordinal)
                .ToList();
            string Address(string type) => node.Status?.Addresses?.FirstOrDefault(a => a.Type == type)?.Address ?? None;
            var info = node.Status?.NodeInfo;
            return new object?[]
            {
                node.Metadata.Name,
                status,
                roles.Count == 0 ? None : string.Join(",", roles),
                Age(node.Metadata, now),
                info?.KubeletVersion ?? "",
                Address("InternalIP"),
                Address("ExternalIP"),
                info?.OsImage ?? "<unknown>",
                info?.KernelVersion ?? "<unknown>",
                info?.ContainerRuntimeVersion ?? "<unknown>",
            };
        }

        private static string Age(V1ObjectMeta meta, DateTimeOffset now) =>
            meta.CreationTimestamp is { } created ? HumanDuration(now - new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc))) : "<unknown>";
    }
}
