using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Kubernetes
{
    /// <summary>
    /// RES1003 in a class the DI container constructs, in a project that references Resilience.Kubernetes.Hosting: instead
    /// of an informer of its own, the class takes the process's shared one from the <c>SharedInformerFactory</c> it gets by
    /// constructor injection, and the project's service registration gets <c>AddKubernetesInformers()</c> (once, beside the
    /// class's own registration, unless the project calls it already):
    /// <code>
    /// private readonly Informer&lt;V1Pod, V1PodList&gt; podInformer;
    /// public Worker(IKubernetes client, SharedInformerFactory informers)
    /// {
    ///     this.client = client;
    ///     podInformer = informers.GetOrCreate(new InformerKey("pods", "team-a", null, "app=web"), () =&gt; ListWatch.FromHttpOperation&lt;V1Pod, V1PodList&gt;(…));
    /// }
    /// …
    /// await podInformer.StartAsync(stoppingToken);   // waits for the first list, whichever hosted service starts first
    /// while (…) { V1PodList pods = podInformer.List(); … }
    /// </code>
    /// The factory starts the informer with the host, shares it with every class that asks for the same scope (one LIST and
    /// one WATCH per process) and disposes it when the host stops, so the class neither disposes it nor keeps one per object.
    /// The key's scope is the call's own namespace and selectors; its resource is the item type's <c>KubePluralName</c>, as
    /// the factory's own <c>Pods()</c>/<c>Nodes()</c> name theirs.
    /// Offered where the class is registered with a generic <c>Add{HostedService,Singleton,Scoped,Transient}&lt;…&gt;</c> in the
    /// same project (the evidence that the container calls its constructor), has one constructor (or none) and no primary
    /// constructor, is made with <c>new</c> nowhere and derived from by no class of the project (their constructors would
    /// not compile), and the LIST reads only what the constructor can read the same: constants, <c>readonly</c> fields,
    /// get-only auto-properties, the client's properties. Otherwise the private informer of the other fixes.
    /// </summary>
    public sealed partial class RES1003UseInformerFixer
    {
        private const string FactoryType = "Resilience.Kubernetes.Hosting.SharedInformerFactory";
        private const string InformerKeyType = "Resilience.Kubernetes.Hosting.InformerKey";
        private const string RegistrationType = "Microsoft.Extensions.DependencyInjection.KubernetesInformersServiceCollectionExtensions";
        private const string RegistrationMethod = "AddKubernetesInformers";

        /// <summary>What the class's constructor gets: the factory parameter (when new) and the informer's assignment (when new).</summary>
        private sealed class Injection
        {
            public Injection(ConstructorDeclarationSyntax? constructor, ParameterSyntax? parameter, StatementSyntax? assignment, string holderName, bool registers)
            {
                Constructor = constructor;
                Parameter = parameter;
                Assignment = assignment;
                HolderName = holderName;
                Registers = registers;
            }

            /// <summary>The class's constructor; null when it has none (one is added).</summary>
            public ConstructorDeclarationSyntax? Constructor { get; }

            /// <summary>The factory's parameter; null when the constructor has one already or an earlier call added it.</summary>
            public ParameterSyntax? Parameter { get; }

            /// <summary><c>podInformer = informers.GetOrCreate(…);</c>; null when the field is shared with an earlier call.</summary>
            public StatementSyntax? Assignment { get; }

            /// <summary>The class's metadata name, for the registration that follows the fix.</summary>
            public string HolderName { get; }

            /// <summary>The project does not call <c>AddKubernetesInformers</c> yet: the fix adds it.</summary>
            public bool Registers { get; }
        }

        /// <summary>
        /// The shared-informer plan for the LIST <paramref name="operation"/>, read at <paramref name="target"/> after starting
        /// before <paramref name="anchor"/>; null when the class is not one the container constructs (see the type's summary).
        /// </summary>
        private static FixPlan? PlanInjected(
            SemanticModel model, IInvocationOperation operation, KubernetesCall call, ListWatchSyntax listWatch, StatementSyntax anchor, ExpressionSyntax target,
            AwaitExpressionSyntax? configureAwaitOf, FixState state, CancellationToken cancellationToken)
        {
            var compilation = model.Compilation;
            var invocation = (InvocationExpressionSyntax)operation.Syntax;
            if (!(compilation.GetTypeByMetadataName(FactoryType) is { } factory)
                || !(compilation.GetTypeByMetadataName(InformerKeyType) is { } keyType)
                || !(compilation.GetTypeByMetadataName(RegistrationType) is { } registration)
                || !(compilation.GetTypeByMetadataName(InformerType) is { } informer)
                || !(model.GetEnclosingSymbol(invocation.SpanStart, cancellationToken) is IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } method)
                || !(method.ContainingType is { TypeKind: TypeKind.Class, IsStatic: false } holderType)
                || holderType.DeclaringSyntaxReferences.Length != 1
                || !(holderType.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is ClassDeclarationSyntax holder)
                || holder.SyntaxTree != invocation.SyntaxTree
                || holder.ChildNodes().OfType<ParameterListSyntax>().Any()
                || !(KubePluralName(listWatch.ItemType) is string plural)
                || (operation.Instance != null && !SameOnEveryCall(operation.Instance))
                || !operation.Arguments.Where(a => a.Parameter?.Name != "cancellationToken" && a.ArgumentKind != ArgumentKind.DefaultValue).All(a => SameOnEveryCall(a.Value))
                || !OneConstructor(holderType, holder, out var constructor, cancellationToken)
                || !ConstructedOnlyByContainer(compilation, holderType, cancellationToken)
                || ServiceRegistrations.Find(compilation, new[] { holderType }, cancellationToken) == null)
            {
                return null;
            }

            var constructorNames = new HashSet<string>(constructor == null ? Enumerable.Empty<string>() : NamesAtTheEnd(constructor));
            var lambdaNames = listWatch.Expression.DescendantNodes().OfType<ParameterSyntax>().Select(p => p.Identifier.ValueText).ToList();
            if (lambdaNames.Any(constructorNames.Contains))
            {
                return null;
            }

            // The constructor's parameters hide the fields the LIST reads (this.client = client): those become this.client.
            var creation = ThisQualified(model, invocation.SpanStart, holderType, listWatch.Expression, constructorNames, lambdaNames);
            var scope = new[] { "namespaceParameter", "fieldSelector", "labelSelector" }
                .Select(name => operation.Arguments.FirstOrDefault(a => a.Parameter?.Name == name && a.ArgumentKind != ArgumentKind.DefaultValue)?.Syntax is ArgumentSyntax argument
                    ? ThisQualified(model, invocation.SpanStart, holderType, argument.Expression.WithoutTrivia(), constructorNames, lambdaNames)
                    : LiteralExpression(SyntaxKind.NullLiteralExpression))
                .ToList();
            if (creation == null || scope.Any(s => s == null))
            {
                return null;
            }

            string holderKey = holder.SpanStart + ":";
            string key = holderKey + FromHttpKey(creation);
            string? factoryName = constructor?.ParameterList.Parameters
                .FirstOrDefault(p => p.Type != null && SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(p.Type, cancellationToken).Type, factory))?.Identifier.ValueText;
            ParameterSyntax? parameter = null;
            if (factoryName == null && !state.Factories.TryGetValue(holderKey, out factoryName))
            {
                var used = new HashSet<string>(FixHelpers.DeclaredNames(holder));
                for (var type = holderType; type != null; type = type.BaseType)
                {
                    used.UnionWith(type.MemberNames);
                }

                // A parameter of this class's constructor: clashes only with the names of this class (and the fields this fix adds).
                used.UnionWith(state.Taken);
                factoryName = FixHelpers.UniqueAmong("informers", used, new HashSet<string>());
                state.Factories[holderKey] = factoryName;
                parameter = Parameter(Identifier(factoryName)).WithType(TypeNames.Of(factory));
            }

            FieldDeclarationSyntax? field = null;
            StatementSyntax? assignment = null;
            if (!state.Fields.TryGetValue(key, out var name) && constructor != null && ExistingInjectedField(constructor, key, holderKey) is string existing)
            {
                state.Fields[key] = name = existing;
            }

            if (name == null)
            {
                string kind = char.ToLowerInvariant(call.Kind[0]) + call.Kind.Substring(1);
                name = FieldName(holder, holderType, kind + "Informer", state.Taken);
                state.Fields[key] = name;
                field = FieldDeclaration(VariableDeclaration(TypeNames.Of(informer, listWatch.Types), SingletonSeparatedList(VariableDeclarator(Identifier(name)))))
                    .WithModifiers(TokenList(Token(SyntaxKind.PrivateKeyword), Token(SyntaxKind.ReadOnlyKeyword)))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                var newKey = ObjectCreationExpression(TypeNames.Of(keyType))
                    .WithArgumentList(ArgumentList(SeparatedList(new[] { Argument(LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(plural))) }.Concat(scope.Select(s => Argument(s!))))));
                assignment = ExpressionStatement(AssignmentExpression(
                    SyntaxKind.SimpleAssignmentExpression,
                    IdentifierName(name),
                    InvocationExpression(
                        MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(factoryName), IdentifierName("GetOrCreate")),
                        ArgumentList(SeparatedList(new[] { Argument(newKey), Argument(ParenthesizedLambdaExpression(ParameterList(), creation)) })))))
                    .WithAdditionalAnnotations(Formatter.Annotation);
            }

            ExpressionSyntax start = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(name), IdentifierName("StartAsync")),
                listWatch.CancellationToken == null ? ArgumentList() : ArgumentList(SingletonSeparatedList(Argument(listWatch.CancellationToken))));
            if (configureAwaitOf != null)
            {
                start = FixHelpers.WithConfigureAwaitOf(configureAwaitOf, invocation, start);
            }

            bool registers = !ServiceRegistrations.Calls(compilation, registration, RegistrationMethod, cancellationToken);
            return new FixPlan(
                anchor,
                target,
                name,
                new StatementSyntax[] { ExpressionStatement(AwaitExpression(start)).WithAdditionalAnnotations(Formatter.Annotation) },
                holder,
                field,
                new Injection(constructor, parameter, assignment, MetadataName(holderType), registers));
        }

        /// <summary>The class's one constructor (null: it has none, one is added); not found when it has several, chains to <c>this(…)</c>, or has no body.</summary>
        private static bool OneConstructor(INamedTypeSymbol holderType, ClassDeclarationSyntax holder, out ConstructorDeclarationSyntax? constructor, CancellationToken cancellationToken)
        {
            constructor = null;
            var explicitConstructors = holderType.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared).ToList();
            if (explicitConstructors.Count == 0)
            {
                return true;
            }

            constructor = explicitConstructors.Count == 1 ? explicitConstructors[0].DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).FirstOrDefault() as ConstructorDeclarationSyntax : null;
            return constructor != null
                && constructor.Parent == holder
                && (constructor.Body != null || constructor.ExpressionBody != null)
                && !(constructor.Initializer is { ThisOrBaseKeyword.RawKind: (int)SyntaxKind.ThisKeyword });
        }

        /// <summary>
        /// The names in scope at the end of <paramref name="constructor"/>'s body, where the fix appends its assignment: the
        /// parameters and what the body's own statements declare (not the locals of nested blocks, or the parameters of the
        /// lambdas an earlier fix appended, whose scopes have ended).
        /// </summary>
        private static IEnumerable<string> NamesAtTheEnd(ConstructorDeclarationSyntax constructor)
        {
            var names = constructor.ParameterList.Parameters.Select(p => p.Identifier.ValueText).ToList();
            IEnumerable<SyntaxNode> statements = constructor.Body?.Statements ?? (IEnumerable<SyntaxNode>)new SyntaxNode[] { constructor.ExpressionBody! };
            foreach (var statement in statements)
            {
                if (statement is LocalFunctionStatementSyntax function)
                {
                    names.Add(function.Identifier.ValueText);
                    continue;
                }

                foreach (var node in statement.DescendantNodesAndSelf(n => n == statement || !(n is AnonymousFunctionExpressionSyntax || n is BlockSyntax || n is StatementSyntax)))
                {
                    if (node is VariableDeclaratorSyntax variable)
                    {
                        names.Add(variable.Identifier.ValueText);
                    }
                    else if (node is SingleVariableDesignationSyntax designation)
                    {
                        names.Add(designation.Identifier.ValueText);
                    }
                }
            }

            return names;
        }

        /// <summary>
        /// No code of the project makes the class with <c>new</c> or derives from it: only the container calls its constructor,
        /// which can then take one more parameter.
        /// </summary>
        private static bool ConstructedOnlyByContainer(Compilation compilation, INamedTypeSymbol holderType, CancellationToken cancellationToken)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                var root = tree.GetRoot(cancellationToken);
                if (!root.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == holderType.Name)
                    && !root.DescendantNodes().OfType<ImplicitObjectCreationExpressionSyntax>().Any())
                {
                    continue;
                }

                var model = compilation.GetSemanticModel(tree);
                foreach (var node in root.DescendantNodes())
                {
                    if ((node is BaseObjectCreationExpressionSyntax creation && SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(creation, cancellationToken).Type, holderType))
                        || (node is BaseTypeSyntax baseType && SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(baseType.Type, cancellationToken).Type, holderType)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// <paramref name="expression"/> (written for <paramref name="position"/>) with each name that a constructor's parameter or
        /// local would hide written <c>this.name</c>, when it is an instance member of the class; null when such a name is anything else.
        /// </summary>
        private static ExpressionSyntax? ThisQualified(SemanticModel model, int position, INamedTypeSymbol holderType, ExpressionSyntax expression, ISet<string> hidden, IReadOnlyCollection<string> lambdaNames)
        {
            var names = expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
                .Where(n => hidden.Contains(n.Identifier.ValueText) && !lambdaNames.Contains(n.Identifier.ValueText)
                    && !(n.Parent is MemberAccessExpressionSyntax member && member.Name == n)
                    && !(n.Parent is NameColonSyntax)
                    && !(n.Parent is MemberBindingExpressionSyntax))
                .ToList();
            foreach (var name in names)
            {
                var symbol = model.LookupSymbols(position, name: name.Identifier.ValueText).FirstOrDefault();
                if (!(symbol is IFieldSymbol || symbol is IPropertySymbol) || symbol.IsStatic || !IsOrInherits(holderType, symbol.ContainingType))
                {
                    return null;
                }
            }

            return names.Count == 0
                ? expression
                : expression.ReplaceNodes(names, (original, _) => MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ThisExpression(), original.WithoutTrivia()).WithTriviaFrom(original));
        }

        private static bool IsOrInherits(INamedTypeSymbol type, INamedTypeSymbol ancestor)
        {
            for (INamedTypeSymbol? current = type; current != null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, ancestor.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The field an earlier fix assigned in <paramref name="constructor"/> for the same list (<c>x = f.GetOrCreate(key, () =&gt; ListWatch.FromHttpOperation…)</c>).</summary>
        private static string? ExistingInjectedField(ConstructorDeclarationSyntax constructor, string key, string holderKey)
        {
            foreach (var assignment in constructor.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (assignment.Left is IdentifierNameSyntax field
                    && assignment.Right is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetOrCreate" }, ArgumentList.Arguments: { Count: 2 } arguments }
                    && arguments[1].Expression is ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 0, ExpressionBody: ExpressionSyntax made }
                    && holderKey + FromHttpKey(made) == key)
                {
                    return field.Identifier.ValueText;
                }
            }

            return null;
        }

        /// <summary><c>V1Pod.KubePluralName</c> ("pods"): the constant KubernetesClient's generated models carry.</summary>
        private static string? KubePluralName(ITypeSymbol itemType)
            => itemType.GetMembers("KubePluralName").OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst)?.ConstantValue as string;

        /// <summary><c>Namespace.Outer+Inner</c>, as <see cref="Compilation.GetTypeByMetadataName"/> finds it again in the fixed project.</summary>
        private static string MetadataName(INamedTypeSymbol type)
        {
            string name = type.MetadataName;
            for (var outer = type.ContainingType; outer != null; outer = outer.ContainingType)
            {
                name = outer.MetadataName + "+" + name;
            }

            return type.ContainingNamespace == null || type.ContainingNamespace.IsGlobalNamespace ? name : type.ContainingNamespace.ToDisplayString() + "." + name;
        }

        /// <summary>The shared-informer fields, the factory parameter and the assignments, added to each class's constructor.</summary>
        private static void AddInjections(DocumentEditor editor, TypeDeclarationSyntax holder, IReadOnlyList<FixPlan> plans)
        {
            var fields = plans.Where(p => p.Field != null).Select(p => (MemberDeclarationSyntax)p.Field!).ToList();
            var parameters = plans.Select(p => p.Injection!.Parameter).Where(p => p != null).Select(p => p!).ToArray();
            var assignments = plans.Select(p => p.Injection!.Assignment).Where(a => a != null).Select(a => a!).ToArray();
            var constructor = plans[0].Injection!.Constructor;
            if (constructor == null)
            {
                fields.Add(ConstructorDeclaration(holder.Identifier.WithoutTrivia())
                    .WithModifiers(TokenList(Token(SyntaxKind.PublicKeyword)))
                    .WithParameterList(ParameterList(SeparatedList(parameters)))
                    .WithBody(Block(assignments))
                    .WithAdditionalAnnotations(Formatter.Annotation));
            }
            else
            {
                editor.ReplaceNode(constructor, (current, _) =>
                {
                    var changed = (ConstructorDeclarationSyntax)current;
                    if (changed.ExpressionBody != null)
                    {
                        changed = changed.WithExpressionBody(null).WithSemicolonToken(default)
                            .WithBody(Block(ExpressionStatement(changed.ExpressionBody.Expression.WithoutTrivia())))
                            .WithAdditionalAnnotations(Formatter.Annotation);
                    }

                    return changed.AddParameterListParameters(parameters).AddBodyStatements(assignments);
                });
            }

            AddFields(editor, holder, fields, dispose: false);
        }

        /// <summary>After the documents: <c>AddKubernetesInformers()</c> beside the first registration of a class that now takes the factory, unless the project calls it.</summary>
        private protected override async Task<Solution> FollowUpAsync(Solution solution, ProjectId project, IReadOnlyList<string> followUps, CancellationToken cancellationToken)
        {
            var compilation = solution.GetProject(project) is { } fixedProject ? await fixedProject.GetCompilationAsync(cancellationToken).ConfigureAwait(false) : null;
            var registration = compilation?.GetTypeByMetadataName(RegistrationType);
            if (compilation == null || registration == null || ServiceRegistrations.Calls(compilation, registration, RegistrationMethod, cancellationToken))
            {
                return solution;
            }

            var holders = followUps.Select(compilation.GetTypeByMetadataName).Where(t => t != null).Select(t => t!).ToList();
            var site = ServiceRegistrations.Find(compilation, holders, cancellationToken);
            var document = site == null ? null : solution.GetDocument(site.Tree);
            if (site == null || document == null)
            {
                return solution;
            }

            var root = await site.Tree.GetRootAsync(cancellationToken).ConfigureAwait(false);
            var registered = document.WithSyntaxRoot(ServiceRegistrations.Add(root, site, collection => TypeNames.ExtensionCall(registration, collection, RegistrationMethod)));
            return (await TypeNames.ImportAndReduceAsync(registered, cancellationToken).ConfigureAwait(false)).Project.Solution;
        }
    }
}
