using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis.Diagnostics;
using Resilience.CostModel;

namespace ResilienceAnalyzers.Configuration
{
    /// <summary>One invalid configuration value, with what was wrong and what is accepted.</summary>
    internal sealed class OptionError
    {
        public OptionError(string key, string value, string expected)
        {
            Key = key;
            Value = value;
            Expected = expected;
        }

        public string Key { get; }

        public string Value { get; }

        public string Expected { get; }
    }

    /// <summary>
    /// The workload and cluster settings that apply to one file: <c>.editorconfig</c> keys
    /// (<c>resilience.*</c>) override MSBuild properties (<c>build_property.Resilience*</c>), which override the
    /// defaults. Invalid values are collected as errors (reported by RES0001) and ignored.
    /// </summary>
    internal sealed class ResilienceSettings
    {
        public const string WorkloadKey = "resilience.workload";
        public const string ReplicasKey = "resilience.replicas";
        public const string ClusterNodesKey = "resilience.cluster_nodes";
        public const string PodsPerNodeKey = "resilience.pods_per_node";
        public const string ManifestWorkloadKey = "resilience.manifest_workload";
        public const string NodeNameVariableKey = "resilience.node_name_variable";
        public const string PodNameVariableKey = "resilience.pod_name_variable";

        public const string WorkloadProperty = "build_property.ResilienceWorkload";
        public const string ReplicasProperty = "build_property.ResilienceReplicas";
        public const string ClusterNodesProperty = "build_property.ResilienceClusterNodes";
        public const string PodsPerNodeProperty = "build_property.ResiliencePodsPerNode";
        public const string ManifestWorkloadProperty = "build_property.ResilienceManifestWorkload";
        public const string NodeNameVariableProperty = "build_property.ResilienceNodeNameVariable";
        public const string PodNameVariableProperty = "build_property.ResiliencePodNameVariable";

        /// <summary>The downward-API variables the RES1002 fix reads when no node (pod) name is in scope.</summary>
        public const string DefaultNodeNameVariable = "NODE_NAME";
        public const string DefaultPodNameVariable = "POD_NAME";

        /// <summary>The scalability envelope is 5,000 nodes (facts.md); 100,000 leaves room for fleets of clusters that push past it.</summary>
        public const int MaxClusterNodes = 100_000;

        /// <summary>The kubelet's default is 110 pods per node (facts.md); 1,000 allows every tuned setup we know of.</summary>
        public const int MaxPodsPerNode = 1_000;

        public const int MaxReplicas = 1_000_000;

        private static readonly string WorkloadNames = "DaemonSet, Deployment, StatefulSet, Job or None";

        public static readonly ResilienceSettings Default = new ResilienceSettings(
            WorkloadKind.Unknown, null, null, ClusterShape.DefaultNodes, ClusterShape.DefaultPodsPerNode, false, false, null, ImmutableArray<OptionError>.Empty);

        private static readonly string VariableNames = "an environment variable name: letters, digits and _, not starting with a digit";

        private ResilienceSettings(
            WorkloadKind workload,
            string? workloadSource,
            int? replicas,
            int clusterNodes,
            int podsPerNode,
            bool clusterNodesConfigured,
            bool podsPerNodeConfigured,
            string? manifestWorkload,
            ImmutableArray<OptionError> errors)
        {
            Workload = workload;
            WorkloadSource = workloadSource;
            Replicas = replicas;
            ClusterNodes = clusterNodes;
            PodsPerNode = podsPerNode;
            ClusterNodesConfigured = clusterNodesConfigured;
            PodsPerNodeConfigured = podsPerNodeConfigured;
            ManifestWorkload = manifestWorkload;
            Errors = errors;
        }

        public WorkloadKind Workload { get; }

        /// <summary>The key that set <see cref="Workload"/>, for messages ("resilience.workload = DaemonSet").</summary>
        public string? WorkloadSource { get; }

        public int? Replicas { get; }

        public int ClusterNodes { get; }

        public int PodsPerNode { get; }

        public bool ClusterNodesConfigured { get; }

        public bool PodsPerNodeConfigured { get; }

        /// <summary>The manifest workload named for this code (<c>resilience.manifest_workload</c>), when the name alone does not decide.</summary>
        public string? ManifestWorkload { get; }

        /// <summary>The key that set <see cref="ManifestWorkload"/>, for messages.</summary>
        public string? ManifestWorkloadSource { get; private set; }

        public ImmutableArray<OptionError> Errors { get; }

        /// <summary>The environment variable the pod spec sets from <c>spec.nodeName</c> (<c>resilience.node_name_variable</c>).</summary>
        public string NodeNameVariable { get; private set; } = DefaultNodeNameVariable;

        /// <summary>The environment variable the pod spec sets from <c>metadata.name</c> (<c>resilience.pod_name_variable</c>).</summary>
        public string PodNameVariable { get; private set; } = DefaultPodNameVariable;

        public ClusterShape Cluster => new ClusterShape(ClusterNodes, PodsPerNode);

        /// <summary>Reads the settings for one file; <paramref name="fileOptions"/> may be null (global only).</summary>
        public static ResilienceSettings Read(AnalyzerConfigOptions globalOptions, AnalyzerConfigOptions? fileOptions)
        {
            var errors = ImmutableArray.CreateBuilder<OptionError>();

            var workload = WorkloadKind.Unknown;
            string? workloadSource = null;
            if (TryGet(fileOptions, globalOptions, WorkloadKey, WorkloadProperty, out string key, out string raw))
            {
                if (TryParseWorkload(raw, out var parsed))
                {
                    workload = parsed;
                    workloadSource = DisplayKey(key) + " = " + raw.Trim();
                }
                else
                {
                    errors.Add(new OptionError(DisplayKey(key), raw, WorkloadNames));
                }
            }

            int? replicas = ReadInt(fileOptions, globalOptions, ReplicasKey, ReplicasProperty, 1, MaxReplicas, errors, out _);
            int clusterNodes = ReadInt(fileOptions, globalOptions, ClusterNodesKey, ClusterNodesProperty, 1, MaxClusterNodes, errors, out bool nodesSet)
                ?? ClusterShape.DefaultNodes;
            int podsPerNode = ReadInt(fileOptions, globalOptions, PodsPerNodeKey, PodsPerNodeProperty, 1, MaxPodsPerNode, errors, out bool podsSet)
                ?? ClusterShape.DefaultPodsPerNode;

            string? manifestWorkload = null;
            string? manifestWorkloadSource = null;
            if (TryGet(fileOptions, globalOptions, ManifestWorkloadKey, ManifestWorkloadProperty, out string mappingKey, out string mapping))
            {
                manifestWorkload = mapping.Trim();
                manifestWorkloadSource = DisplayKey(mappingKey);
            }

            string? nodeNameVariable = ReadVariableName(fileOptions, globalOptions, NodeNameVariableKey, NodeNameVariableProperty, errors);
            string? podNameVariable = ReadVariableName(fileOptions, globalOptions, PodNameVariableKey, PodNameVariableProperty, errors);

            if (workload == WorkloadKind.Unknown && replicas == null && !nodesSet && !podsSet && manifestWorkload == null && errors.Count == 0
                && nodeNameVariable == null && podNameVariable == null)
            {
                return Default;
            }

            return new ResilienceSettings(workload, workloadSource, replicas, clusterNodes, podsPerNode, nodesSet, podsSet, manifestWorkload, errors.ToImmutable())
            {
                ManifestWorkloadSource = manifestWorkloadSource,
                NodeNameVariable = nodeNameVariable ?? DefaultNodeNameVariable,
                PodNameVariable = podNameVariable ?? DefaultPodNameVariable,
            };
        }

        public static bool TryParseWorkload(string raw, out WorkloadKind kind)
        {
            switch (raw.Trim().ToLowerInvariant())
            {
                case "daemonset": kind = WorkloadKind.DaemonSet; return true;
                case "deployment": kind = WorkloadKind.Deployment; return true;
                case "statefulset": kind = WorkloadKind.StatefulSet; return true;
                case "job": kind = WorkloadKind.Job; return true;
                case "none": kind = WorkloadKind.None; return true;
                default: kind = WorkloadKind.Unknown; return false;
            }
        }

        /// <summary>"build_property.ResilienceReplicas" reads better as the MSBuild property users set.</summary>
        private static string DisplayKey(string key)
            => key.StartsWith("build_property.", StringComparison.Ordinal) ? "<" + key.Substring("build_property.".Length) + ">" : key;

        private static int? ReadInt(
            AnalyzerConfigOptions? fileOptions,
            AnalyzerConfigOptions globalOptions,
            string editorConfigKey,
            string propertyKey,
            int min,
            int max,
            ImmutableArray<OptionError>.Builder errors,
            out bool set)
        {
            set = false;
            if (!TryGet(fileOptions, globalOptions, editorConfigKey, propertyKey, out string key, out string raw))
            {
                return null;
            }

            string text = raw.Trim().Replace("_", string.Empty);
            if (int.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
            {
                set = true;
                return value;
            }

            errors.Add(new OptionError(
                DisplayKey(key),
                raw,
                "a whole number from " + min.ToString("N0", CultureInfo.InvariantCulture) + " to " + max.ToString("N0", CultureInfo.InvariantCulture)));
            return null;
        }

        /// <summary>An environment variable name as a pod spec's <c>env[].name</c> can set it and a C# string literal holds it.</summary>
        private static string? ReadVariableName(
            AnalyzerConfigOptions? fileOptions,
            AnalyzerConfigOptions globalOptions,
            string editorConfigKey,
            string propertyKey,
            ImmutableArray<OptionError>.Builder errors)
        {
            if (!TryGet(fileOptions, globalOptions, editorConfigKey, propertyKey, out string key, out string raw))
            {
                return null;
            }

            string name = raw.Trim();
            bool valid = name.Length > 0 && name.Length <= 256 && !char.IsDigit(name[0]);
            foreach (char c in name)
            {
                valid &= (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
            }

            if (valid)
            {
                return name;
            }

            errors.Add(new OptionError(DisplayKey(key), raw, VariableNames));
            return null;
        }

        private static bool TryGet(
            AnalyzerConfigOptions? fileOptions,
            AnalyzerConfigOptions globalOptions,
            string editorConfigKey,
            string propertyKey,
            out string key,
            out string value)
        {
            // A file's .editorconfig section wins over the project's MSBuild property, so one project can hold
            // an agent folder and a controller folder (design §5).
            foreach (var (options, k) in new (AnalyzerConfigOptions? Options, string Key)[]
            {
                (fileOptions, editorConfigKey),
                (globalOptions, editorConfigKey),
                (globalOptions, propertyKey),
            })
            {
                if (options != null && options.TryGetValue(k, out string? v) && !string.IsNullOrWhiteSpace(v))
                {
                    key = k;
                    value = v!;
                    return true;
                }
            }

            key = string.Empty;
            value = string.Empty;
            return false;
        }
    }

    /// <summary>Settings per syntax tree, read once per compilation.</summary>
    internal sealed class SettingsCache
    {
        private readonly AnalyzerConfigOptionsProvider provider;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Microsoft.CodeAnalysis.SyntaxTree, ResilienceSettings> perTree
            = new System.Collections.Concurrent.ConcurrentDictionary<Microsoft.CodeAnalysis.SyntaxTree, ResilienceSettings>();

        public SettingsCache(AnalyzerConfigOptionsProvider provider)
        {
            this.provider = provider;
            Global = ResilienceSettings.Read(provider.GlobalOptions, null);
        }

        public ResilienceSettings Global { get; }

        public ResilienceSettings For(Microsoft.CodeAnalysis.SyntaxTree tree)
            => perTree.GetOrAdd(tree, t => ResilienceSettings.Read(provider.GlobalOptions, provider.GetOptions(t)));
    }
}
