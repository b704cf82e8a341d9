using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResilienceAnalyzers.Configuration;
using ResilienceAnalyzers.Workload.Manifests;

namespace ResilienceAnalyzers.Workload
{
    /// <summary>
    /// The one place that knows who runs a piece of code (design §5): configuration first (a file's
    /// .editorconfig, then MSBuild), then a <c>[RunsOnEveryNode]</c> / <c>[RunsInEveryReplica]</c> attribute
    /// matched by name on the method, its types or the assembly, then the project's Kubernetes manifests (a DaemonSet,
    /// a Deployment's replicas), then inference from the downward API variables that the containing type reads.
    /// Built once per compilation.
    /// </summary>
    internal sealed class FanOutResolver
    {
        /// <summary>
        /// Environment variables that carry <c>spec.nodeName</c> through the downward API in the manifests of
        /// the agents named in facts.md (Fluent Bit, Vector, OpenTelemetry's <c>node_from_env_var</c>, Datadog, …).
        /// </summary>
        internal static readonly ImmutableHashSet<string> NodeNameVariables = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "NODE_NAME", "K8S_NODE_NAME", "KUBE_NODE_NAME", "MY_NODE_NAME", "KUBERNETES_NODE_NAME", "SPEC_NODE_NAME", "HOST_NODE_NAME", "VECTOR_SELF_NODE_NAME", "DD_KUBERNETES_KUBELET_NODENAME");

        /// <summary>The pod's own identity through the downward API (<c>metadata.name</c>, <c>metadata.namespace</c>).</summary>
        internal static readonly ImmutableHashSet<string> PodIdentityVariables = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "POD_NAME", "POD_NAMESPACE", "MY_POD_NAME", "MY_POD_NAMESPACE", "K8S_POD_NAME", "K8S_POD_NAMESPACE", "KUBERNETES_POD_NAME");

        private const string EveryNodeAttribute = "RunsOnEveryNodeAttribute";
        private const string EveryReplicaAttribute = "RunsInEveryReplicaAttribute";

        private readonly SettingsCache settings;
        private readonly ConcurrentDictionary<INamedTypeSymbol, FanOutKind> inferredByType =
            new ConcurrentDictionary<INamedTypeSymbol, FanOutKind>(SymbolEqualityComparer.Default);
        // Lazy: binding the assembly's attributes costs milliseconds and most compilations never ask.
        private readonly Lazy<FanOutKind> assemblyAttribute;
        private readonly Lazy<ProjectManifests> manifests;

        public FanOutResolver(Compilation compilation, SettingsCache settings, Lazy<ProjectManifests> manifests, Func<SyntaxTree, SemanticModel> models)
        {
            this.settings = settings;
            this.manifests = manifests;
            assemblyAttribute = new Lazy<FanOutKind>(() => FromAttributes(compilation.Assembly));
            Leaders = new LeaderElection(compilation, models);
        }

        /// <summary>Code that runs in the elected leader only, whatever the workload.</summary>
        public LeaderElection Leaders { get; }

        public SettingsCache Settings => settings;

        /// <summary>The manifests among the AdditionalFiles, read on first use, once per compilation.</summary>
        public ProjectManifests Manifests => manifests.Value;

        /// <summary>
        /// Who runs the code at <paramref name="site"/> in <paramref name="containingSymbol"/>: one copy where it runs in the
        /// elected leader only (a controller of a framework that elects one, a leader callback, a job scheduled from
        /// those), else the workload's fan-out.
        /// </summary>
        public FanOut Resolve(ISymbol? containingSymbol, SyntaxNode site)
        {
            if (Leaders.At(containingSymbol as IMethodSymbol ?? containingSymbol?.ContainingSymbol as IMethodSymbol, site) is string leader)
            {
                return new FanOut(FanOutKind.Single, 1, leader, settings.For(site.SyntaxTree), elected: true);
            }

            return Resolve(containingSymbol, site.SyntaxTree);
        }

        private FanOut Resolve(ISymbol? containingSymbol, SyntaxTree tree)
        {
            var s = settings.For(tree);
            switch (s.Workload)
            {
                case WorkloadKind.DaemonSet:
                    return new FanOut(FanOutKind.EveryNode, s.ClusterNodes, s.WorkloadSource ?? "configured", s);
                case WorkloadKind.Deployment:
                case WorkloadKind.StatefulSet:
                case WorkloadKind.Job:
                    return new FanOut(FanOutKind.EveryReplica, s.Replicas ?? 1, s.WorkloadSource ?? "configured", s);
                case WorkloadKind.None:
                    return new FanOut(FanOutKind.Single, 1, s.WorkloadSource ?? "configured", s);
            }

            for (var symbol = containingSymbol; symbol != null && !(symbol is INamespaceSymbol); symbol = symbol.ContainingSymbol)
            {
                var fromAttribute = FromAttributes(symbol);
                if (fromAttribute != FanOutKind.Unknown)
                {
                    return Make(fromAttribute, s, fromAttribute == FanOutKind.EveryNode ? "[RunsOnEveryNode]" : "[RunsInEveryReplica]");
                }
            }

            if (assemblyAttribute.Value != FanOutKind.Unknown)
            {
                return Make(assemblyAttribute.Value, s, assemblyAttribute.Value == FanOutKind.EveryNode ? "[assembly: RunsOnEveryNode]" : "[assembly: RunsInEveryReplica]");
            }

            if (Manifests.Workloads.Length > 0 && Manifests.Match(s.ManifestWorkload).Workload is ManifestWorkload manifest)
            {
                return FromManifest(manifest, s);
            }

            for (var type = containingSymbol as INamedTypeSymbol ?? containingSymbol?.ContainingType; type != null; type = type.ContainingType)
            {
                var inferred = inferredByType.GetOrAdd(type, t => InferFromEnvironment(t, settings));
                if (inferred != FanOutKind.Unknown)
                {
                    return Make(inferred, s, inferred == FanOutKind.EveryNode
                        ? type.Name + " reads the node name from the downward API"
                        : type.Name + " reads its pod's name from the downward API");
                }
            }

            return new FanOut(FanOutKind.Unknown, 1, "not configured", s);
        }

        /// <summary>
        /// A DaemonSet runs on every node; a Deployment or StatefulSet in its replicas, unless <c>resilience.replicas</c>
        /// says otherwise (explicit configuration wins over manifests).
        /// </summary>
        private FanOut FromManifest(ManifestWorkload manifest, ResilienceSettings s)
        {
            string reason = Manifests.Describe(manifest);
            if (manifest.Kind == WorkloadKind.DaemonSet)
            {
                return new FanOut(FanOutKind.EveryNode, s.ClusterNodes, reason, s);
            }

            if (s.Replicas != null)
            {
                return new FanOut(FanOutKind.EveryReplica, s.Replicas.Value, reason + ", replicas as configured", s);
            }

            return manifest.Replicas is int replicas
                ? new FanOut(FanOutKind.EveryReplica, replicas, reason, s)
                : new FanOut(FanOutKind.EveryReplica, 1, reason + ", replicas not a literal (counted as 1)", s);
        }

        private static FanOut Make(FanOutKind kind, ResilienceSettings s, string reason)
            => kind == FanOutKind.EveryNode
                ? new FanOut(kind, s.ClusterNodes, reason, s)
                : new FanOut(kind, s.Replicas ?? 1, reason, s);

        private static FanOutKind FromAttributes(ISymbol symbol)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                string? name = attribute.AttributeClass?.Name;
                if (name == EveryNodeAttribute || name == "RunsOnEveryNode")
                {
                    return FanOutKind.EveryNode;
                }

                if (name == EveryReplicaAttribute || name == "RunsInEveryReplica")
                {
                    return FanOutKind.EveryReplica;
                }
            }

            return FanOutKind.Unknown;
        }

        /// <summary>
        /// Syntax only (no semantic model for other trees in an analyzer): a string literal naming a downward-API
        /// variable passed to <c>GetEnvironmentVariable(…)</c> or an indexer (<c>configuration["NODE_NAME"]</c>).
        /// </summary>
        private static FanOutKind InferFromEnvironment(INamedTypeSymbol type, SettingsCache settings)
        {
            var result = FanOutKind.Unknown;
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                // The variables the project names for its manifests (resilience.node_name_variable / pod_name_variable) too.
                var site = settings.For(reference.SyntaxTree);
                foreach (var literal in reference.GetSyntax().DescendantNodes().OfType<LiteralExpressionSyntax>())
                {
                    if (!literal.IsKind(SyntaxKind.StringLiteralExpression) || !IsEnvironmentRead(literal))
                    {
                        continue;
                    }

                    string value = literal.Token.ValueText;
                    if (NodeNameVariables.Contains(value) || value == site.NodeNameVariable)
                    {
                        return FanOutKind.EveryNode;
                    }

                    if (PodIdentityVariables.Contains(value) || value == site.PodNameVariable)
                    {
                        result = FanOutKind.EveryReplica;
                    }
                }
            }

            return result;
        }

        private static bool IsEnvironmentRead(LiteralExpressionSyntax literal)
        {
            if (!(literal.Parent is ArgumentSyntax argument))
            {
                return false;
            }

            if (argument.Parent is BracketedArgumentListSyntax)
            {
                return true;
            }

            if (argument.Parent is ArgumentListSyntax list && list.Parent is InvocationExpressionSyntax invocation)
            {
                string? name = invocation.Expression switch
                {
                    MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                    IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                    _ => null,
                };
                return name == "GetEnvironmentVariable" || name == "GetValue" || name == "GetSection";
            }

            return false;
        }
    }
}
