using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using ResilienceAnalyzers.Configuration;

namespace ResilienceAnalyzers.Workload.Manifests
{
    /// <summary>
    /// One workload declared in a manifest: its kind, how many copies it runs, and the names it can be matched by
    /// (metadata.name, container names, image names). <see cref="Replicas"/> is null for a DaemonSet (one per node) and
    /// when the count is a template expression.
    /// </summary>
    internal sealed class ManifestWorkload
    {
        public ManifestWorkload(WorkloadKind kind, string? name, int? replicas, ImmutableArray<string> matchNames, string path, int line, string label, ManifestScaler? scaledBy = null)
        {
            Kind = kind;
            Name = name;
            Replicas = replicas;
            MatchNames = matchNames;
            Path = path;
            Line = line;
            Label = label;
            ScaledBy = scaledBy;
        }

        /// <summary>The HorizontalPodAutoscaler or kustomization whose count <see cref="Replicas"/> is, or null: the workload's own.</summary>
        public ManifestScaler? ScaledBy { get; }

        /// <summary>This workload running <paramref name="scaler"/>'s count.</summary>
        public ManifestWorkload ScaledTo(ManifestScaler scaler)
            => new ManifestWorkload(Kind, Name, scaler.Count, MatchNames, Path, Line, Label, scaler);

        public WorkloadKind Kind { get; }

        public string? Name { get; }

        public int? Replicas { get; }

        /// <summary>metadata.name, container names and image names (last path segment, no tag or digest), as written.</summary>
        public ImmutableArray<string> MatchNames { get; }

        public string Path { get; }

        public int Line { get; }

        /// <summary>"DaemonSet node-agent", "Helm chart api (replicaCount 3)": what the workload is, for messages.</summary>
        public string Label { get; }

        /// <summary>"DaemonSet node-agent in deploy/agent.yaml:3"; <paramref name="displayPath"/> is the path relative to the project.</summary>
        public string Describe(string displayPath) => Label + " in " + displayPath + ":" + Line.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A count that replaces a Deployment's or StatefulSet's own <c>replicas</c>: a HorizontalPodAutoscaler's
    /// <c>maxReplicas</c>, or a kustomization's <c>replicas:</c> entry.
    /// </summary>
    internal sealed class ManifestScaler
    {
        public ManifestScaler(WorkloadKind? targetKind, string targetName, int count, bool autoscaler, string path, int line, string label)
        {
            TargetKind = targetKind;
            TargetName = targetName;
            Count = count;
            Autoscaler = autoscaler;
            Path = path;
            Line = line;
            Label = label;
        }

        /// <summary>The kind it scales (an autoscaler's <c>scaleTargetRef.kind</c>); null: any workload of that name (kustomize).</summary>
        public WorkloadKind? TargetKind { get; }

        public string TargetName { get; }

        public int Count { get; }

        /// <summary>A HorizontalPodAutoscaler (it decides the count at run time, so it wins over a kustomization's static one).</summary>
        public bool Autoscaler { get; }

        public string Path { get; }

        public int Line { get; }

        /// <summary>"HorizontalPodAutoscaler api (maxReplicas 10)", "kustomization replicas api (count 5)".</summary>
        public string Label { get; }

        public bool Scales(ManifestWorkload workload)
            => workload.Kind != WorkloadKind.DaemonSet && workload.Name != null
                && (TargetKind == null || TargetKind == workload.Kind)
                && string.Equals(workload.Name, TargetName, StringComparison.Ordinal);
    }

    /// <summary>Reads the workloads out of the documents of one manifest file.</summary>
    internal static class ManifestWorkloads
    {
        /// <summary>
        /// Both <c>DeploymentSpec.replicas</c> and <c>StatefulSetSpec.replicas</c> default to 1 when absent ("Defaults to
        /// 1", Kubernetes API reference, apps/v1: https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/
        /// and …/stateful-set-v1/).
        /// </summary>
        internal const int DefaultReplicas = 1;

        public static void Collect(YamlNode document, string path, List<ManifestWorkload> workloads, List<ManifestScaler> scalers)
        {
            if (!(document is YamlMap root))
            {
                return;
            }

            if (CollectScalers(root, path, scalers))
            {
                return;
            }

            if (IsHelmValues(path))
            {
                CollectHelmValues(root, path, workloads);
                return;
            }

            var kindNode = root.Scalar("kind");
            string? kindText = kindNode?.Literal;
            if (kindText == "List" && root.Get("items") is YamlList items)
            {
                // kubectl get -o yaml / kustomize build piped to one file: a v1 List of objects.
                foreach (var item in items.Items)
                {
                    Collect(item, path, workloads, scalers);
                }

                return;
            }

            WorkloadKind kind;
            switch (kindText)
            {
                case "DaemonSet": kind = WorkloadKind.DaemonSet; break;
                case "Deployment": kind = WorkloadKind.Deployment; break;
                case "StatefulSet": kind = WorkloadKind.StatefulSet; break;
                default: return; // ConfigMaps, Services, Jobs, … say nothing about copies of a long-running program
            }

            var names = ImmutableArray.CreateBuilder<string>();
            var nameNode = root.Map("metadata")?.Scalar("name");
            string? name = nameNode?.Literal;
            if (name == null && nameNode != null && nameNode.IsTemplate && TemplateChart(path) is string chart)
            {
                // name: {{ include "node-agent.fullname" . }} in charts/node-agent/templates/: not evaluated, but the
                // chart's folder is what helm create names it after, and what a mapping can name.
                name = chart;
            }

            AddName(names, name);

            var spec = root.Map("spec");
            if (spec?.Map("template")?.Map("spec")?.Get("containers") is YamlList containers)
            {
                foreach (var container in containers.Items)
                {
                    if (container is YamlMap map)
                    {
                        AddName(names, map.Scalar("name")?.Literal);
                        AddName(names, ImageName(map.Scalar("image")?.Literal));
                    }
                }
            }

            int? replicas = null;
            if (kind != WorkloadKind.DaemonSet)
            {
                var replicasNode = spec?.Get("replicas");
                replicas = replicasNode == null ? DefaultReplicas : ReadCount(replicasNode as YamlScalar);
            }

            workloads.Add(new ManifestWorkload(kind, name, replicas, names.ToImmutable(), path, kindNode!.Line, name == null ? kindText! : kindText + " " + name));
        }

        /// <summary>
        /// A chart's <c>values.yaml</c> with a literal <c>replicaCount</c>: the Deployment that <c>helm create</c>
        /// scaffolds reads <c>replicas: {{ .Values.replicaCount }}</c>. Names: <c>fullnameOverride</c>, <c>nameOverride</c>,
        /// <c>image.repository</c>, and the chart's folder (<c>helm create &lt;name&gt;</c> names it after the chart).
        /// </summary>
        private static void CollectHelmValues(YamlMap root, string path, List<ManifestWorkload> workloads)
        {
            var countNode = root.Scalar("replicaCount");
            int? replicas = ReadCount(countNode);
            if (countNode == null || replicas == null)
            {
                return;
            }

            string? chart = ChartFolder(path);
            string? fullName = root.Scalar("fullnameOverride")?.Literal;
            var names = ImmutableArray.CreateBuilder<string>();
            AddName(names, fullName);
            AddName(names, root.Scalar("nameOverride")?.Literal);
            AddName(names, ImageName(root.Map("image")?.Scalar("repository")?.Literal));
            AddName(names, chart);
            string label = "Helm chart " + (fullName ?? chart ?? "values") + " (replicaCount " + replicas.Value.ToString(CultureInfo.InvariantCulture) + ")";
            workloads.Add(new ManifestWorkload(WorkloadKind.Deployment, fullName ?? chart, replicas, names.ToImmutable(), path, countNode.Line, label));
        }

        /// <summary>
        /// A HorizontalPodAutoscaler (autoscaling/v1 and v2): the workload named by <c>spec.scaleTargetRef</c> runs between
        /// <c>minReplicas</c> and <c>maxReplicas</c> copies ("HorizontalPodAutoscaler Walkthrough" and the autoscaling/v2 API
        /// reference, kubernetes.io); the fan-out that matters for the API server is the most it can reach, <c>maxReplicas</c>
        /// (a required field). A kustomization (<c>kind: Kustomization</c>, or a file named kustomization.yaml/.yml):
        /// each <c>replicas:</c> entry sets the count of the resource of that name ("replicas", kubectl.docs.kubernetes.io
        /// kustomization reference). True when the document was one of them.
        /// </summary>
        private static bool CollectScalers(YamlMap root, string path, List<ManifestScaler> scalers)
        {
            var kindNode = root.Scalar("kind");
            string? kind = kindNode?.Literal;
            if (kind == "HorizontalPodAutoscaler")
            {
                var spec = root.Map("spec");
                var target = spec?.Map("scaleTargetRef");
                string? targetName = target?.Scalar("name")?.Literal;
                var maxNode = spec?.Scalar("maxReplicas");
                if (targetName != null && ReadCount(maxNode) is int max && TargetKind(target!.Scalar("kind")?.Literal) is WorkloadKind targetKind)
                {
                    string name = root.Map("metadata")?.Scalar("name")?.Literal ?? targetName;
                    scalers.Add(new ManifestScaler(targetKind, targetName, max, autoscaler: true, path, maxNode!.Line,
                        "HorizontalPodAutoscaler " + name + " (maxReplicas " + max.ToString(CultureInfo.InvariantCulture) + ")"));
                }

                return true;
            }

            string file = System.IO.Path.GetFileName(path);
            bool kustomizationFile = string.Equals(file, "kustomization.yaml", StringComparison.Ordinal) || string.Equals(file, "kustomization.yml", StringComparison.Ordinal);
            if (kind == "Kustomization" || (kind == null && kustomizationFile))
            {
                if (root.Get("replicas") is YamlList entries)
                {
                    foreach (var entry in entries.Items)
                    {
                        if (entry is YamlMap map && map.Scalar("name")?.Literal is string target && map.Scalar("count") is YamlScalar countNode && ReadCount(countNode) is int count)
                        {
                            scalers.Add(new ManifestScaler(null, target, count, autoscaler: false, path, countNode.Line,
                                "kustomization replicas " + target + " (count " + count.ToString(CultureInfo.InvariantCulture) + ")"));
                        }
                    }
                }

                return true;
            }

            return false;
        }

        private static WorkloadKind? TargetKind(string? kind)
            => kind == "Deployment" ? WorkloadKind.Deployment : kind == "StatefulSet" ? WorkloadKind.StatefulSet : (WorkloadKind?)null;

        /// <summary>
        /// Each Deployment or StatefulSet a scaler names runs the scaler's count: an autoscaler's <c>maxReplicas</c> over a
        /// kustomization's count (the autoscaler sets the count at run time), and of several (overlays for several
        /// environments), the largest — the most copies the repository deploys it with, which is what the API server must
        /// survive.
        /// </summary>
        public static List<ManifestWorkload> ApplyScalers(List<ManifestWorkload> workloads, List<ManifestScaler> scalers)
        {
            if (scalers.Count == 0)
            {
                return workloads;
            }

            return workloads.Select(w =>
            {
                var scaler = scalers.Where(s => s.Scales(w))
                    .OrderByDescending(s => s.Autoscaler).ThenByDescending(s => s.Count).ThenBy(s => s.Path, StringComparer.Ordinal).ThenBy(s => s.Line)
                    .FirstOrDefault();
                return scaler == null ? w : w.ScaledTo(scaler);
            }).ToList();
        }

        /// <summary>
        /// One chart, one workload: a template whose replicas are a template expression is the workload its chart's
        /// values.yaml counts (drop the template, keep the literal replicaCount); a DaemonSet template runs on every
        /// node whatever replicaCount says (drop the values). Templates with literal replicas stay: they are other
        /// workloads of the chart.
        /// </summary>
        public static List<ManifestWorkload> MergeCharts(List<ManifestWorkload> workloads)
        {
            var values = workloads.Where(w => IsHelmValues(w.Path)).ToList();
            if (values.Count == 0)
            {
                return workloads;
            }

            var dropped = new HashSet<ManifestWorkload>();
            foreach (var template in workloads)
            {
                string? chart = TemplateChartDirectory(template.Path);
                var chartValues = chart == null ? null : values.FirstOrDefault(v => string.Equals(System.IO.Path.GetDirectoryName(v.Path), chart, StringComparison.Ordinal));
                if (chartValues == null)
                {
                    continue;
                }

                if (template.Kind == WorkloadKind.DaemonSet)
                {
                    dropped.Add(chartValues);
                }
                else if (template.Replicas == null)
                {
                    dropped.Add(template);
                }
            }

            return workloads.Where(w => !dropped.Contains(w)).ToList();
        }

        internal static bool IsHelmValues(string path)
        {
            string file = System.IO.Path.GetFileName(path);
            return string.Equals(file, "values.yaml", StringComparison.OrdinalIgnoreCase) || string.Equals(file, "values.yml", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>"charts/node-agent/templates/ds.yaml" → "node-agent"; null outside a chart's templates folder.</summary>
        private static string? TemplateChart(string path)
        {
            string? chart = TemplateChartDirectory(path);
            return chart == null ? null : System.IO.Path.GetFileName(chart);
        }

        /// <summary>"charts/node-agent/templates/ds.yaml" → "charts/node-agent".</summary>
        private static string? TemplateChartDirectory(string path)
        {
            string? templates = System.IO.Path.GetDirectoryName(path);
            return templates != null && string.Equals(System.IO.Path.GetFileName(templates), "templates", StringComparison.Ordinal)
                ? System.IO.Path.GetDirectoryName(templates)
                : null;
        }

        private static string? ChartFolder(string path)
        {
            string? folder = System.IO.Path.GetDirectoryName(path);
            return string.IsNullOrEmpty(folder) ? null : System.IO.Path.GetFileName(folder);
        }

        private static int? ReadCount(YamlScalar? node)
            => node?.Literal is string text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : (int?)null;

        private static void AddName(ImmutableArray<string>.Builder names, string? name)
        {
            if (!string.IsNullOrWhiteSpace(name) && !names.Contains(name!))
            {
                names.Add(name!);
            }
        }

        /// <summary>"registry:5000/team/node-agent:1.2@sha256:…" → "node-agent": the last path segment without tag or digest.</summary>
        internal static string? ImageName(string? image)
        {
            if (image == null)
            {
                return null;
            }

            int at = image.IndexOf('@');
            if (at >= 0)
            {
                image = image.Substring(0, at);
            }

            string last = image.Substring(image.LastIndexOf('/') + 1);
            int colon = last.IndexOf(':');
            return colon >= 0 ? last.Substring(0, colon) : last;
        }
    }
}
