using System;
using System.Collections.Generic;

namespace Resilience.CostModel
{
    /// <summary>What the number of objects of a kind grows with.</summary>
    public enum KindGrowth
    {
        /// <summary>One or more per node.</summary>
        Nodes,

        /// <summary>With the pods: the configured pods per node × nodes.</summary>
        Pods,

        /// <summary>With the services (one or more per service).</summary>
        Services,

        /// <summary>With the namespaces (tenants, teams, applications), not with the nodes.</summary>
        Namespaces,

        /// <summary>With the workloads people deploy; no published count.</summary>
        Workloads,

        /// <summary>With whatever the kind's users create (custom resources); no published count.</summary>
        Unknown,
    }

    /// <summary>One row of <see cref="ResourceKinds.All"/>: what the cost model knows about a kind.</summary>
    public sealed class KindFacts
    {
        internal KindFacts(ResourceKind kind, string name, string plural, bool namespaced, KindGrowth growsWith, double? perUnit, bool atLeast = false, int? jsonBytes = null, string note = "")
        {
            Kind = kind;
            Name = name;
            Plural = plural;
            Namespaced = namespaced;
            GrowsWith = growsWith;
            PerUnit = perUnit;
            AtLeast = atLeast;
            JsonBytes = jsonBytes;
            Note = note;
        }

        public ResourceKind Kind { get; }

        /// <summary>The kind as the API names it ("ConfigMap"); for <see cref="ResourceKind.CustomResource"/>, "CustomObject".</summary>
        public string Name { get; }

        /// <summary>The resource ("configmaps"), as custom-object calls and URLs spell it.</summary>
        public string Plural { get; }

        /// <summary>False for cluster-scoped kinds (nodes, namespaces, persistent volumes).</summary>
        public bool Namespaced { get; }

        public KindGrowth GrowsWith { get; }

        /// <summary>
        /// Objects per unit of <see cref="GrowsWith"/> (per node, per pod, per service, per namespace), or null where no
        /// source gives a count: then the count is unknown and is said to be.
        /// </summary>
        public double? PerUnit { get; }

        /// <summary><see cref="PerUnit"/> is a floor (a node's lease, one slice per service), not a typical figure.</summary>
        public bool AtLeast { get; }

        /// <summary>Bytes of one object as JSON where a source gives them; null: <see cref="ClusterShape.DefaultOtherJsonBytes"/>.</summary>
        public int? JsonBytes { get; }

        /// <summary>What is known when the count is not, for messages ("count unknown: " + this): "the scalability thresholds leave it TBD".</summary>
        public string Note { get; }

        /// <summary>The count is known (<see cref="Typical"/> returns a number).</summary>
        public bool CountKnown => PerUnit.HasValue;

        /// <summary>
        /// Objects of the kind a cluster of this shape stores, all namespaces together, or null when no source gives a count.
        /// <paramref name="namespaces"/>: the namespaces assumed (<see cref="ListRequest.DefaultNamespaces"/>, a parameter).
        /// </summary>
        public long? Typical(ClusterShape cluster, int namespaces = ListRequest.DefaultNamespaces)
        {
            if (cluster is null) throw new ArgumentNullException(nameof(cluster));
            if (!PerUnit.HasValue) return null;
            double units;
            switch (GrowsWith)
            {
                case KindGrowth.Nodes: units = cluster.Nodes; break;
                case KindGrowth.Pods: units = cluster.Pods; break;
                case KindGrowth.Services: units = Math.Ceiling(cluster.Nodes * ClusterShape.DefaultServicesPerNode); break;
                case KindGrowth.Namespaces: units = Math.Max(1, namespaces); break;
                default: return null;
            }

            return (long)Math.Ceiling(units * PerUnit.Value);
        }
    }

    /// <summary>
    /// The kinds whose count grows with the cluster, one row each with its source. The analyzers (RES1002 names the kind
    /// and its herd cost; every rule prices a request through <see cref="ClusterShape.ObjectsStored"/>) and the cost model
    /// read this one table. Sources: the scalability thresholds (kubernetes/community
    /// sig-scalability/configs-and-limits/thresholds.md: 5,000 nodes, 10,000 namespaces, 150,000 pods, 110 pods per node,
    /// 10,000 services, 250 endpoints per service, 2,000 deployments per namespace; secrets, config maps, daemon sets,
    /// jobs, stateful sets, persistent volumes and claims "TBD"), the Kubernetes documentation (kubernetes.io/docs) and
    /// facts.md (object sizes). No row carries a count no source gives.
    /// </summary>
    public static class ResourceKinds
    {
        private static readonly KindFacts[] Rows =
        {
            // Thresholds: 150,000 pods at 5,000 nodes, at most min(110, 10 × cores) per node; the configured pods per node.
            // ~14 KB as JSON in today's scale tests (facts.md, "Sizes and churn" [P]).
            new KindFacts(ResourceKind.Pod, "Pod", "pods", namespaced: true, KindGrowth.Pods, perUnit: 1, jsonBytes: ClusterShape.DefaultPodJsonBytes),

            // One per node. 27–55 KB as JSON (facts.md [S]).
            new KindFacts(ResourceKind.Node, "Node", "nodes", namespaced: false, KindGrowth.Nodes, perUnit: 1, jsonBytes: ClusterShape.DefaultNodeJsonBytes),

            // Thresholds: 10,000 services at 5,000 nodes → 2 per node (ClusterShape.DefaultServicesPerNode).
            new KindFacts(ResourceKind.Service, "Service", "services", namespaced: true, KindGrowth.Nodes, perUnit: ClusterShape.DefaultServicesPerNode),

            // Kubernetes docs (Service): the control plane keeps one Endpoints object per service with a selector, truncated
            // at 1,000 addresses; the thresholds allow 250 endpoints per service (a ~1 MB Endpoints write: facts.md).
            new KindFacts(ResourceKind.Endpoints, "Endpoints", "endpoints", namespaced: true, KindGrowth.Services, perUnit: 1),

            // Kubernetes docs (EndpointSlices): at least one slice per service (per address family), 100 endpoints per
            // slice by default (kube-controller-manager --max-endpoints-per-slice).
            new KindFacts(ResourceKind.EndpointSlice, "EndpointSlice", "endpointslices", namespaced: true, KindGrowth.Services, perUnit: 1, atLeast: true),

            // Kubernetes docs (Nodes, "Heartbeats"; Leases): one Lease per node in kube-node-lease, renewed every 10 s, plus
            // the leader-election leases of the controllers.
            new KindFacts(ResourceKind.Lease, "Lease", "leases", namespaced: true, KindGrowth.Nodes, perUnit: 1, atLeast: true),

            // Thresholds: up to 10,000 per cluster; no typical count is published. (ListRequest.DefaultNamespaces, 50, only
            // splits a kind across namespaces; as a count it would make an unpaged list of every namespace look small, and
            // real clusters hold hundreds or thousands: the survey's Neon operator says so in a comment.)
            new KindFacts(ResourceKind.Namespace, "Namespace", "namespaces", namespaced: false, KindGrowth.Namespaces, perUnit: null, note: "the scalability thresholds allow 10,000; no typical count is published"),

            // Kubernetes docs (kube-apiserver --event-ttl, default 1 h): events are written for what happens to pods and
            // nodes and kept an hour; no published count.
            new KindFacts(ResourceKind.Event, "Event", "events", namespaced: true, KindGrowth.Pods, perUnit: null, note: "events of the last hour are kept: --event-ttl 1 h"),

            // Thresholds: TBD. Kubernetes docs (service accounts): every namespace holds at least the kube-root-ca.crt
            // config map; everything else is what workloads create.
            new KindFacts(ResourceKind.ConfigMap, "ConfigMap", "configmaps", namespaced: true, KindGrowth.Workloads, perUnit: null, note: "at least one per namespace (kube-root-ca.crt), the rest is what workloads create"),

            // Thresholds: TBD (Helm keeps every release revision as a secret).
            new KindFacts(ResourceKind.Secret, "Secret", "secrets", namespaced: true, KindGrowth.Workloads, perUnit: null, note: "the scalability thresholds leave it TBD"),

            // Thresholds: TBD for both.
            new KindFacts(ResourceKind.PersistentVolume, "PersistentVolume", "persistentvolumes", namespaced: false, KindGrowth.Workloads, perUnit: null, note: "the scalability thresholds leave it TBD"),
            new KindFacts(ResourceKind.PersistentVolumeClaim, "PersistentVolumeClaim", "persistentvolumeclaims", namespaced: true, KindGrowth.Workloads, perUnit: null, note: "the scalability thresholds leave it TBD"),

            // Kubernetes docs (Deployments): a Deployment keeps up to revisionHistoryLimit (10) old ReplicaSets.
            new KindFacts(ResourceKind.ReplicaSet, "ReplicaSet", "replicasets", namespaced: true, KindGrowth.Workloads, perUnit: null, note: "up to 11 per deployment (revisionHistoryLimit 10)"),

            // Thresholds: 2,000 per namespace; the cluster's count is TBD.
            new KindFacts(ResourceKind.Deployment, "Deployment", "deployments", namespaced: true, KindGrowth.Workloads, perUnit: null, note: "the scalability thresholds allow 2,000 per namespace"),

            // Thresholds: TBD. One object per daemon set, whatever the node count (its pods are one per node).
            new KindFacts(ResourceKind.DaemonSet, "DaemonSet", "daemonsets", namespaced: true, KindGrowth.Workloads, perUnit: null, note: "the scalability thresholds leave it TBD"),
            new KindFacts(ResourceKind.StatefulSet, "StatefulSet", "statefulsets", namespaced: true, KindGrowth.Workloads, perUnit: null, note: "the scalability thresholds leave it TBD"),
            new KindFacts(ResourceKind.Job, "Job", "jobs", namespaced: true, KindGrowth.Workloads, perUnit: null, note: "the scalability thresholds leave it TBD"),

            // Whatever an operator's users create: no count, namespaced or not by its definition.
            new KindFacts(ResourceKind.CustomResource, "CustomObject", "customobjects", namespaced: true, KindGrowth.Unknown, perUnit: null, note: "custom resources number whatever their users create"),
        };

        private static readonly Dictionary<string, KindFacts> ByName = Index();

        /// <summary>Every row, in the order above.</summary>
        public static IReadOnlyList<KindFacts> All => Rows;

        /// <summary>The row of a kind, or null (<see cref="ResourceKind.Other"/>).</summary>
        public static KindFacts? Find(ResourceKind kind)
        {
            foreach (var row in Rows)
            {
                if (row.Kind == kind) return row;
            }

            return null;
        }

        /// <summary>The row whose kind ("ConfigMap") or resource ("configmaps") this is, or null.</summary>
        public static KindFacts? Find(string name)
            => name != null && ByName.TryGetValue(name, out var row) ? row : null;

        private static Dictionary<string, KindFacts> Index()
        {
            var index = new Dictionary<string, KindFacts>(StringComparer.Ordinal);
            foreach (var row in Rows)
            {
                index[row.Name] = row;
                index[row.Plural] = row;
            }

            return index;
        }
    }
}
