using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Workload
{
    /// <summary>
    /// Code that runs in the elected leader only: one copy, whatever the workload's fan-out. A DaemonSet or a
    /// Deployment of many replicas that elects a leader runs its controllers, and whatever they schedule, once.
    /// Three ways the code says so, each with its source:
    /// <list type="bullet">
    /// <item>a type whose framework runs it in the leader by default (<see cref="Frameworks"/>);</item>
    /// <item>a handler of a leader elector's "started leading" callback (<see cref="HandlerNames"/>), a method or a lambda;</item>
    /// <item>a Quartz job scheduled only from such code: the job runs in the process that scheduled it.</item>
    /// </list>
    /// Built once per compilation; each answer is kept per method and per type.
    /// </summary>
    internal sealed class LeaderElection
    {
        private sealed class Framework
        {
            public Framework(string ns, string interfaceName, string baseName, string why)
            {
                Namespace = ns;
                Interface = interfaceName;
                Base = baseName;
                Why = why;
            }

            public string Namespace { get; }

            /// <summary>The interface every controller implements.</summary>
            public string Interface { get; }

            /// <summary>The base class controllers usually derive from, matched by name when the framework is not referenced.</summary>
            public string Base { get; }

            public string Why { get; }
        }

        /// <summary>
        /// Operator frameworks that elect a leader unless told not to. Neon.Operator's <c>ResourceManager</c> makes a
        /// <c>LeaderElectionConfig</c> when none is given and election is not disabled, and starts the controller's
        /// watches on promotion (nforgeio/operator-sdk 0ccaa13, src/Neon.Operator/ResourceManager/ResourceManager.cs:
        /// <c>leaderElectionDisabled = false</c>). KubeOps elects only when <c>EnableLeaderElection</c> is set (false by
        /// default: buehler/dotnet-operator-sdk, src/KubeOps.Abstractions/Builder/OperatorSettings.cs), so it is not here.
        /// </summary>
        private static readonly ImmutableArray<Framework> Frameworks = ImmutableArray.Create(
            new Framework("Neon.Operator.Controllers", "IResourceController", "ResourceControllerBase", "a Neon.Operator controller, run in the elected leader (leader election is on by default)"),
            // Finalizers are run by the same ResourceManager, from the event handler of the watch the leader runs
            // (ResourceManager.cs: finalizerManager.RegisterAllFinalizersAsync / FinalizeAsync).
            new Framework("Neon.Operator.Finalizers", "IResourceFinalizer", "ResourceFinalizerBase", "a Neon.Operator finalizer, run in the elected leader (leader election is on by default)"));

        /// <summary>
        /// The callback a leader elector runs when this copy becomes the leader: KubernetesClient's
        /// <c>k8s.LeaderElection.LeaderElector.OnStartedLeading</c> event (kubernetes-client/csharp,
        /// src/KubernetesClient/LeaderElection/LeaderElector.cs), Neon.Kubernetes' <c>onStartedLeading</c> constructor
        /// parameter (nforgeio/operator-sdk, src/Neon.Kubernetes/LeaderElector.cs). Matched by name: the names are
        /// particular enough, and the IDE may not have the library yet.
        /// </summary>
        private static readonly ImmutableHashSet<string> HandlerNames = ImmutableHashSet.Create(StringComparer.Ordinal, "OnStartedLeading", "onStartedLeading");

        private readonly Compilation compilation;
        private readonly Func<SyntaxTree, SemanticModel> models;
        private readonly ConcurrentDictionary<IMethodSymbol, string?> methods = new ConcurrentDictionary<IMethodSymbol, string?>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<INamedTypeSymbol, string?> types = new ConcurrentDictionary<INamedTypeSymbol, string?>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<SyntaxNode>> handlers =
            new ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<SyntaxNode>>(SymbolEqualityComparer.Default);
        private readonly Lazy<Dictionary<string, List<SyntaxNode>>> typeArguments;

        // Whether a tree's text names a leader callback at all: a scan of its characters, once per tree, so that the types of
        // the many trees that do not are never walked (a profile of KubeOps: the walk of every asking type cost ~3 ms an analysis).
        private readonly ConcurrentDictionary<SyntaxTree, bool> mentions = new ConcurrentDictionary<SyntaxTree, bool>();
        private readonly Func<INamedTypeSymbol, ImmutableArray<SyntaxNode>> handlersOf;

        public LeaderElection(Compilation compilation, Func<SyntaxTree, SemanticModel> models)
        {
            this.compilation = compilation;
            this.models = models;
            typeArguments = new Lazy<Dictionary<string, List<SyntaxNode>>>(IndexTypeArguments);
            handlersOf = Handlers;
        }

        /// <summary>
        /// "StartedLeading" anywhere in the tree's text (both callback names end so). A file's text is usually held as one
        /// string (the compiler's <c>StringText</c> hands it back without a copy), searched with the runtime's ordinal search.
        /// </summary>
        private static bool MentionsCallback(SyntaxTree tree)
            => tree.GetText().ToString().IndexOf("StartedLeading", StringComparison.Ordinal) >= 0;

        /// <summary>Why <paramref name="method"/> runs in the elected leader only, or null.</summary>
        public string? Of(IMethodSymbol method)
            => methods.GetOrAdd(method.OriginalDefinition, m => OfType(m.ContainingType) ?? (IsHandler(m) ? "a handler of the leader elector's OnStartedLeading, run in the elected leader" : null));

        /// <summary>Why the code at <paramref name="site"/> runs in the elected leader only: its method's answer, or a lambda around it that is a leader handler.</summary>
        public string? At(IMethodSymbol? method, SyntaxNode site)
        {
            if (method != null && Of(method) is string why)
            {
                return why;
            }

            for (var node = site.Parent; node != null && !(node is MemberDeclarationSyntax); node = node.Parent)
            {
                if (node is AnonymousFunctionExpressionSyntax lambda && IsHandlerExpression(lambda))
                {
                    return "in a handler of the leader elector's OnStartedLeading, run in the elected leader";
                }
            }

            return null;
        }

        private string? OfType(INamedTypeSymbol? type)
        {
            if (type == null)
            {
                return null;
            }

            return types.GetOrAdd(type.OriginalDefinition, t => Controller(t) ?? (IsQuartzJob(t) ? ScheduledByLeader(t) : null) ?? OfType(t.ContainingType));
        }

        private static string? Controller(INamedTypeSymbol type)
        {
            foreach (var framework in Frameworks)
            {
                foreach (var implemented in type.AllInterfaces)
                {
                    if (implemented.Name == framework.Interface && Namespaces.Is(implemented.ContainingNamespace, framework.Namespace))
                    {
                        return type.Name + " is " + framework.Why;
                    }
                }

                // The framework is not referenced (the IDE before restore, a partial compilation): the names written are all there is.
                for (var t = type; t != null; t = t.BaseType)
                {
                    if (t.BaseType is { TypeKind: TypeKind.Error } unknown && (unknown.Name == framework.Base || unknown.Name == framework.Interface))
                    {
                        return type.Name + " is " + framework.Why;
                    }

                    foreach (var declared in t.Interfaces)
                    {
                        if (declared.TypeKind == TypeKind.Error && declared.Name == framework.Interface)
                        {
                            return type.Name + " is " + framework.Why;
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>A Quartz <c>IJob</c> (matched by name too: the Quartz reference may be missing).</summary>
        private static bool IsQuartzJob(INamedTypeSymbol type)
        {
            foreach (var implemented in type.AllInterfaces)
            {
                if (implemented.Name == "IJob" && (implemented.TypeKind == TypeKind.Error || Namespaces.Is(implemented.ContainingNamespace, "Quartz")))
                {
                    return true;
                }
            }

            return type.BaseType is { TypeKind: TypeKind.Error, Name: "IJob" };
        }

        /// <summary>
        /// A job runs in the process that scheduled it (Quartz's default in-memory job store). Where every place that
        /// names the job type as a type argument (<c>JobBuilder.Create&lt;T&gt;()</c>, <c>ScheduleJobAsync&lt;T&gt;(…)</c>)
        /// or in <c>typeof</c> is leader-only code, so is the job. A clustered job store (one row per job in a database)
        /// runs each firing once anyway.
        /// </summary>
        private string? ScheduledByLeader(INamedTypeSymbol job)
        {
            // Jobs that schedule jobs: a chain of them is followed a few levels, and a cycle ends there.
            if (!typeArguments.Value.TryGetValue(job.Name, out var sites) || schedulingDepth > 3)
            {
                return null;
            }

            schedulingDepth++;
            try
            {
                return ScheduledByLeader(job, sites);
            }
            finally
            {
                schedulingDepth--;
            }
        }

        [ThreadStatic]
        private static int schedulingDepth;

        private string? ScheduledByLeader(INamedTypeSymbol job, List<SyntaxNode> sites)
        {

            string? scheduler = null;
            foreach (var site in sites)
            {
                var declaration = site.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>();
                var model = models(site.SyntaxTree);
                var named = model.GetSymbolInfo(site is TypeOfExpressionSyntax typeOf ? typeOf.Type : site).Symbol as INamedTypeSymbol;
                if (named != null && !SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, job.OriginalDefinition))
                {
                    continue;
                }

                var method = declaration != null ? model.GetDeclaredSymbol(declaration) as IMethodSymbol : null;
                var type = method?.ContainingType ?? (site.FirstAncestorOrSelf<TypeDeclarationSyntax>() is TypeDeclarationSyntax owner ? model.GetDeclaredSymbol(owner) : null);
                if (SymbolEqualityComparer.Default.Equals(type?.OriginalDefinition, job.OriginalDefinition))
                {
                    // The job naming itself (a logger category, a key) does not schedule it.
                    continue;
                }

                string? why = method != null ? At(method, site) : OfType(type);
                if (why == null)
                {
                    return null;
                }

                scheduler ??= (type?.Name ?? "its scheduler") + " schedules it";
            }

            return scheduler == null ? null : job.Name + " runs where it is scheduled: " + scheduler + ", which runs in the elected leader";
        }

        /// <summary>
        /// The type arguments and <c>typeof</c> operands of calls that schedule or register a job, by the simple name they
        /// spell: a method or receiver whose name says "Job" or "Schedule" (<c>JobBuilder.Create&lt;T&gt;()</c>,
        /// <c>q.AddJob&lt;T&gt;(…)</c>, <c>ScheduleJobAsync&lt;T&gt;(…)</c>, <c>JobBuilder.Create(typeof(T))</c>). A logger
        /// category or a DI registration does not schedule. One syntax walk, on first need.
        /// </summary>
        private Dictionary<string, List<SyntaxNode>> IndexTypeArguments()
        {
            var index = new Dictionary<string, List<SyntaxNode>>(StringComparer.Ordinal);
            foreach (var tree in compilation.SyntaxTrees)
            {
                foreach (var node in tree.GetRoot().DescendantNodes())
                {
                    SimpleNameSyntax? name = node switch
                    {
                        TypeOfExpressionSyntax typeOf when typeOf.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } } && Schedules(call.Expression) => Simple(typeOf.Type),
                        TypeSyntax argument when argument.Parent is TypeArgumentListSyntax { Parent: GenericNameSyntax generic } && Schedules(generic.Parent is MemberAccessExpressionSyntax m && m.Name == generic ? m : generic) => Simple(argument),
                        _ => null,
                    };
                    if (name == null)
                    {
                        continue;
                    }

                    string key = name.Identifier.ValueText;
                    if (!index.TryGetValue(key, out var list))
                    {
                        list = new List<SyntaxNode>();
                        index.Add(key, list);
                    }

                    list.Add(node);
                }
            }

            return index;
        }

        private static bool Schedules(ExpressionSyntax called)
        {
            for (var expression = called; expression != null;)
            {
                switch (expression)
                {
                    case MemberAccessExpressionSyntax member:
                        if (SaysJob(member.Name.Identifier.ValueText))
                        {
                            return true;
                        }

                        expression = member.Expression;
                        break;
                    case SimpleNameSyntax simple:
                        return SaysJob(simple.Identifier.ValueText);
                    default:
                        return false;
                }
            }

            return false;
        }

        private static bool SaysJob(string name)
            => name.IndexOf("Job", StringComparison.Ordinal) >= 0 || name.IndexOf("Schedule", StringComparison.Ordinal) >= 0;

        private static SimpleNameSyntax? Simple(TypeSyntax type)
            => type switch
            {
                SimpleNameSyntax simple => simple,
                QualifiedNameSyntax qualified => qualified.Right,
                AliasQualifiedNameSyntax alias => alias.Name,
                _ => null,
            };

        /// <summary>A method handed to a leader elector's callback somewhere in its own type (<c>elector.OnStartedLeading += Lead</c>).</summary>
        private bool IsHandler(IMethodSymbol method)
        {
            if (method.ContainingType == null || method.MethodKind != MethodKind.Ordinary)
            {
                return false;
            }

            foreach (var handler in handlers.GetOrAdd(method.ContainingType.OriginalDefinition, handlersOf))
            {
                if (Names(handler, method.Name))
                {
                    return true;
                }

                // A lambda that calls it (() => Lead(), async () => await LeadAsync(token)).
                if (handler is AnonymousFunctionExpressionSyntax lambda)
                {
                    foreach (var call in lambda.Body.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
                    {
                        if (Names(call.Expression, method.Name))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static bool Names(SyntaxNode expression, string name)
            => expression is SimpleNameSyntax simple && simple.Identifier.ValueText == name
                || expression is MemberAccessExpressionSyntax member && member.Expression is ThisExpressionSyntax && member.Name.Identifier.ValueText == name;

        /// <summary>The expressions a type hands to a leader callback: <c>x.OnStartedLeading += e</c>, <c>onStartedLeading: e</c>.</summary>
        private ImmutableArray<SyntaxNode> Handlers(INamedTypeSymbol type)
        {
            var found = ImmutableArray.CreateBuilder<SyntaxNode>();
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (!mentions.GetOrAdd(reference.SyntaxTree, MentionsCallback))
                {
                    continue;
                }

                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    if (node is IdentifierNameSyntax identifier && HandlerNames.Contains(identifier.Identifier.ValueText) && HandedExpression(identifier) is ExpressionSyntax handed)
                    {
                        found.Add(handed);
                    }
                }
            }

            return found.ToImmutable();
        }

        private static bool IsHandlerExpression(ExpressionSyntax expression)
        {
            var parent = expression.Parent;
            if (parent is AssignmentExpressionSyntax assignment && assignment.IsKind(SyntaxKind.AddAssignmentExpression) && assignment.Right == expression)
            {
                return HandlerNames.Contains(AssignedName(assignment.Left));
            }

            return parent is ArgumentSyntax { NameColon: { } colon } && HandlerNames.Contains(colon.Name.Identifier.ValueText);
        }

        /// <summary>What is handed over where <paramref name="name"/> is the callback's name: the right of <c>+=</c>, or a named argument's value.</summary>
        private static ExpressionSyntax? HandedExpression(IdentifierNameSyntax name)
        {
            SyntaxNode target = name.Parent is MemberAccessExpressionSyntax member && member.Name == name ? member : name;
            if (target.Parent is AssignmentExpressionSyntax assignment && assignment.IsKind(SyntaxKind.AddAssignmentExpression) && assignment.Left == target)
            {
                return assignment.Right;
            }

            return name.Parent is NameColonSyntax { Parent: ArgumentSyntax argument } ? argument.Expression : null;
        }

        private static string AssignedName(ExpressionSyntax left)
            => left switch
            {
                MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                _ => string.Empty,
            };
    }
}
