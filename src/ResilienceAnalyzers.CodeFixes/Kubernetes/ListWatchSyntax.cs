using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Kubernetes
{
    /// <summary>
    /// Turns a recognized LIST (or <c>WatchList…</c>) call into the <c>ListWatch</c> the runtime's pager and informer take:
    /// <c>ListWatch.FromHttpOperation&lt;V1Pod, V1PodList&gt;((o, c) =&gt; client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(
    /// …the call's own arguments…, continueParameter: o.Continue, limit: o.Limit, resourceVersion: o.ResourceVersion, …,
    /// watch: o.Watch, cancellationToken: c))</c>. Only for the group and pre-10.x shapes, whose
    /// <c>…WithHttpMessagesAsync</c> twin takes the same named parameters plus <c>watch</c>.
    /// </summary>
    internal sealed class ListWatchSyntax
    {
        /// <summary>The parameters the runtime drives; the call's own values for them are dropped.</summary>
        private static readonly Dictionary<string, string> Driven = new Dictionary<string, string>
        {
            ["allowWatchBookmarks"] = "AllowWatchBookmarks",
            ["continueParameter"] = "Continue",
            ["limit"] = "Limit",
            ["resourceVersion"] = "ResourceVersion",
            ["resourceVersionMatch"] = "ResourceVersionMatch",
            ["timeoutSeconds"] = "TimeoutSeconds",
            ["watch"] = "Watch",
        };

        private static readonly Dictionary<string, string> SelectorDefaults = new Dictionary<string, string>
        {
            ["fieldSelector"] = "FieldSelector",
            ["labelSelector"] = "LabelSelector",
        };

        internal const string RuntimeType = "Resilience.Kubernetes.ListWatch";

        private ListWatchSyntax(ExpressionSyntax expression, TypeArgumentListSyntax types, ITypeSymbol itemType, ExpressionSyntax? cancellationToken, ExpressionSyntax? onError, IReadOnlyList<ILocalSymbol> capturedLocals)
        {
            ItemType = itemType;
            Types = types;
            OnError = onError;
            Expression = expression;
            CancellationToken = cancellationToken;
            CapturedLocals = capturedLocals;
        }

        /// <summary><c>ListWatch.FromHttpOperation&lt;TItem, TList&gt;(…)</c>.</summary>
        public ExpressionSyntax Expression { get; }

        /// <summary><c>&lt;V1Pod, V1PodList&gt;</c>: the item and list types, as the informer's type arguments too.</summary>
        public TypeArgumentListSyntax Types { get; }

        /// <summary>The item type (<c>V1Pod</c>).</summary>
        public ITypeSymbol ItemType { get; }

        /// <summary>The call's own cancellation token, if it passed one.</summary>
        public ExpressionSyntax? CancellationToken { get; }

        /// <summary>A watch call's own <c>onError</c> callback, if it passed one.</summary>
        public ExpressionSyntax? OnError { get; }

        /// <summary>Locals the lambda captures (a fix that moves it must keep them in scope).</summary>
        public IReadOnlyList<ILocalSymbol> CapturedLocals { get; }

        /// <summary>Null for shapes without a <c>…WithHttpMessagesAsync</c> twin, and when an argument awaits (the lambda is not async).</summary>
        public static ListWatchSyntax? TryCreate(SemanticModel model, IInvocationOperation invocation, KubernetesCall call)
        {
            if ((call.Shape != ClientShape.GroupExtension && call.Shape != ClientShape.Legacy)
                || !(invocation.Syntax is InvocationExpressionSyntax syntax)
                || !(syntax.Expression is MemberAccessExpressionSyntax member)
                || !(model.Compilation.GetTypeByMetadataName(RuntimeType) is { } listWatchType))
            {
                return null;
            }

            var method = invocation.TargetMethod;

            // client.CoreV1.ListX(…), or the extension called as a static method: CoreV1OperationsExtensions.ListX(client.CoreV1, …).
            // (IOperation gives both forms the static method, with the operations as argument 0; only the syntax differs.)
            bool extension = method.IsExtensionMethod && method.ReducedFrom == null;
            ExpressionSyntax? receiver = extension && invocation.Arguments.Length > 0 && invocation.Arguments[0].Syntax is ArgumentSyntax explicitThis
                ? explicitThis.Expression
                : member.Expression;
            if (receiver == null || syntax.ArgumentList.DescendantNodes().OfType<AwaitExpressionSyntax>().Any() || receiver.DescendantNodesAndSelf().OfType<AwaitExpressionSyntax>().Any())
            {
                return null;
            }

            string baseName = method.Name.EndsWith("Async", System.StringComparison.Ordinal) ? method.Name.Substring(0, method.Name.Length - 5) : method.Name;
            if (call.Verb == KubernetesVerb.Watch)
            {
                // WatchListNamespacedPodAsync → ListNamespacedPodWithHttpMessagesAsync
                if (!baseName.StartsWith("Watch", System.StringComparison.Ordinal))
                {
                    return null;
                }

                baseName = baseName.Substring("Watch".Length);
            }

            ITypeSymbol? receiverType = method.IsExtensionMethod
                ? (method.ReducedFrom ?? method).Parameters.FirstOrDefault()?.Type
                : method.ContainingType;
            var http = receiverType?.GetMembers(baseName + "WithHttpMessagesAsync").OfType<IMethodSymbol>().FirstOrDefault()
                ?? receiverType?.AllInterfaces.SelectMany(i => i.GetMembers(baseName + "WithHttpMessagesAsync")).OfType<IMethodSymbol>().FirstOrDefault();
            if (http == null)
            {
                return null;
            }

            // A concrete k8s.Kubernetes implements the operations interfaces explicitly: client.ListNamespacedPodAsync(…)
            // binds to the group's extension, but client.ListNamespacedPodWithHttpMessagesAsync(…) does not exist on the
            // class (CS1061; survey: Orleans' and Akka.Management's clients). Call it through the interface then.
            ExpressionSyntax target = receiver.WithoutTrivia();
            if (model.GetTypeInfo(receiver).Type is ITypeSymbol staticType
                && model.LookupSymbols(receiver.SpanStart, staticType, http.Name, includeReducedExtensionMethods: false).IsEmpty)
            {
                target = ParenthesizedExpression(CastExpression(ParseTypeName(http.ContainingType.ToMinimalDisplayString(model, receiver.SpanStart)), target));
            }

            // Task<HttpOperationResponse<V1PodList>> → V1PodList; its Items → V1Pod.
            ITypeSymbol? listType = http.ReturnType;
            while (listType is INamedTypeSymbol wrapper && (wrapper.Name == "Task" || wrapper.Name == "HttpOperationResponse") && wrapper.TypeArguments.Length == 1)
            {
                listType = wrapper.TypeArguments[0];
            }

            var itemsProperty = listType?.GetMembers("Items").OfType<IPropertySymbol>().FirstOrDefault();
            var itemType = (itemsProperty?.Type as INamedTypeSymbol)?.TypeArguments.FirstOrDefault();
            if (listType == null || itemType == null || listType.SpecialType == SpecialType.System_Object)
            {
                return null;
            }

            int position = syntax.SpanStart;
            var httpParameters = new HashSet<string>(http.Parameters.Select(p => p.Name));
            // The lambda's parameters only need to differ from what is in scope at the call (sibling lambdas may reuse them).
            var lambdaNames = new HashSet<string>();
            string o = FixHelpers.UniqueName(model, position, "o", lambdaNames);
            string c = FixHelpers.UniqueName(model, position, "c", lambdaNames);

            var arguments = new List<ArgumentSyntax>();
            var passed = new HashSet<string>();
            ExpressionSyntax? token = null;
            ExpressionSyntax? onError = null;
            var captured = new List<ILocalSymbol>();
            foreach (var argument in invocation.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter == null || !(argument.Syntax is ArgumentSyntax argumentSyntax))
                {
                    continue;
                }

                string name = argument.Parameter.Name;
                if (argument.Parameter.Ordinal == 0 && extension)
                {
                    continue;
                }

                if (name == "cancellationToken")
                {
                    token = argumentSyntax.Expression;
                    continue;
                }

                if (name == "onError")
                {
                    onError = argumentSyntax.Expression.WithoutTrivia();
                    captured.AddRange(argument.Value.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Select(l => l.Local));
                    continue;
                }

                // sendInitialEvents is for watches only; a LIST that sends it is rejected.
                if (Driven.ContainsKey(name) || name == "sendInitialEvents" || !httpParameters.Contains(name))
                {
                    continue;
                }

                passed.Add(name);
                arguments.Add(Argument(NameColon(IdentifierName(name)), default, argumentSyntax.Expression.WithoutTrivia()));
                captured.AddRange(argument.Value.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Select(l => l.Local));
            }

            foreach (var pair in SelectorDefaults.Concat(Driven))
            {
                if (!passed.Contains(pair.Key) && httpParameters.Contains(pair.Key))
                {
                    arguments.Add(Argument(NameColon(IdentifierName(pair.Key)), default, MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(o), IdentifierName(pair.Value))));
                }
            }

            arguments.Add(Argument(NameColon(IdentifierName("cancellationToken")), default, IdentifierName(c)));

            var operation = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, IdentifierName(http.Name)),
                ArgumentList(SeparatedList(arguments)));
            var lambda = ParenthesizedLambdaExpression(
                ParameterList(SeparatedList(new[] { Parameter(Identifier(o)), Parameter(Identifier(c)) })),
                operation);

            var itemSyntax = ParseTypeName(itemType.ToMinimalDisplayString(model, position));
            var listSyntax = ParseTypeName(listType.ToMinimalDisplayString(model, position));
            var types = TypeArgumentList(SeparatedList(new[] { itemSyntax, listSyntax }));
            var fromHttp = InvocationExpression(
                TypeNames.StaticMember(listWatchType, GenericName(Identifier("FromHttpOperation"), types)),
                ArgumentList(SingletonSeparatedList(Argument(lambda))));

            captured.AddRange(invocation.Arguments.Where(a => a.Parameter?.Name == "cancellationToken").SelectMany(a => a.Value.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Select(l => l.Local)));
            foreach (var reference in model.GetOperation(receiver)?.DescendantsAndSelf().OfType<ILocalReferenceOperation>() ?? Enumerable.Empty<ILocalReferenceOperation>())
            {
                captured.Add(reference.Local);
            }

            return new ListWatchSyntax(fromHttp, types, itemType, token?.WithoutTrivia(), onError, captured);
        }
    }
}
