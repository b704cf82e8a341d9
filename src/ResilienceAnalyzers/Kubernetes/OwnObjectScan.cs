using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>
    /// A LIST whose items are then searched by name — <c>list.Items.FirstOrDefault(p =&gt; p.Metadata.Name == me)</c> —
    /// to find the caller's own object, where a GET by name or a <c>metadata.name</c> field selector would return
    /// just that one (facts.md: a C# monitoring library in every app pod listed all pods to find its own; fixed with a
    /// GET by name). And pods read by per-node code and filtered by <c>Spec.NodeName</c> on the client, where a
    /// <c>spec.nodeName</c> field selector would let the API server filter (docs/survey.md, Sharplet).
    /// </summary>
    internal static class OwnObjectScan
    {
        private static readonly ImmutableHashSet<string> SearchMethods = ImmutableHashSet.Create(
            "First", "FirstOrDefault", "Single", "SingleOrDefault", "Where", "Any", "Count", "Find", "FindAll", "Exists", "Last", "LastOrDefault");

        /// <summary>
        /// The expression the items' <c>Metadata.Name</c> is compared with, when it can be evaluated before the LIST
        /// (constants, fields, parameters, earlier locals, static calls such as <c>Environment.GetEnvironmentVariable</c>);
        /// otherwise null.
        /// </summary>
        public static IOperation? Find(IOperation list) => Find(list, "Metadata", "Name");

        /// <summary>
        /// Per-node code that reads pods and keeps only its node's on the client: the list's items searched or looped over
        /// with <c>p.Spec.NodeName == node</c> (or <c>!=</c> … <c>continue</c>), or the events of a watch (read by
        /// <c>await foreach</c>, an <c>onEvent</c> callback or <c>.Watch(…)</c>) filtered the same way. Returns the node-name
        /// expression, when it can move before the call.
        /// </summary>
        public static IOperation? FindNodeFilter(IInvocationOperation call, bool isWatch)
        {
            if (!isWatch)
            {
                return Find(call, "Spec", "NodeName");
            }

            // await foreach (var (type, pod) in client…WatchList…Async(…)) { if (pod.Spec.NodeName != node) continue; … }
            IOperation stream = Unwrap.Result(call, awaited: false);

            if (stream.Parent is IForEachLoopOperation loop && loop.Collection == stream)
            {
                return ComparedInLoop(loop, call, "Spec", "NodeName");
            }

            // Callbacks: WatchListX(…, onEvent: (type, pod) => …), or the response's .Watch<T, TList>((type, pod) => …),
            // chained or through a local that holds the call's result.
            foreach (var argument in call.Arguments)
            {
                if (ComparedInCallback(argument.Value, call) is IOperation inCallback)
                {
                    return inCallback;
                }
            }

            var (result, local) = ResultOf(call);
            foreach (var descendant in Root(call).Descendants())
            {
                if (descendant is IInvocationOperation watch
                    && (watch.TargetMethod.Name == "Watch" || watch.TargetMethod.Name == "WatchAsync")
                    && watch != call
                    && IsResult(watch.Instance ?? (watch.Arguments.Length > 0 ? watch.Arguments[0].Value : null), local, result))
                {
                    foreach (var argument in watch.Arguments)
                    {
                        if (ComparedInCallback(argument.Value, call) is IOperation inWatch)
                        {
                            return inWatch;
                        }
                    }
                }

                // The same .Watch<T, TList>(…) when it does not bind (an async lambda for its Action, an old overload): its
                // callbacks are the invalid call's children.
                if (descendant is IInvalidOperation unbound
                    && CalledNames.Method(unbound.Syntax) is "Watch" or "WatchAsync"
                    && unbound.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax unboundSyntax
                    && CalledNames.Receiver(unboundSyntax) is { } receiver
                    && (local != null && receiver is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax name && name.Identifier.ValueText == local.Name
                        || receiver == result.Syntax))
                {
                    foreach (var (_, value) in CallArguments.Explicit(unbound))
                    {
                        if (ComparedInCallback(value, call) is IOperation inWatch)
                        {
                            return inWatch;
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>The call's result as used (through <c>await</c> and conversions), and the local it is stored in, if any.</summary>
        private static (IOperation Result, ILocalSymbol? Local) ResultOf(IOperation call)
        {
            IOperation result = Unwrap.Result(call, awaited: true);

            ILocalSymbol? local = null;
            if (result.Parent is IVariableInitializerOperation initializer && initializer.Parent is IVariableDeclaratorOperation declarator)
            {
                local = declarator.Symbol;
            }
            else if (result.Parent is ISimpleAssignmentOperation assignment && assignment.Target is ILocalReferenceOperation target)
            {
                local = target.Local;
            }

            return (result, local);
        }

        private static IOperation Root(IOperation operation)
        {
            while (operation.Parent != null)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        private static bool IsResult(IOperation? value, ILocalSymbol? local, IOperation result)
        {
            value = Unwrap.ConversionsOrNull(value);
            return value == result
                || (local != null && value is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                || (value is IAwaitOperation awaited && IsResult(awaited.Operation, local, result));
        }

        /// <summary>A lambda argument whose body compares the event's object's field with a value known before the call.</summary>
        private static IOperation? ComparedInCallback(IOperation value, IInvocationOperation call)
        {
            value = Unwrap.Delegate(value);

            return value is IAnonymousFunctionOperation lambda
                ? Compared(lambda.Body, call, "Spec", "NodeName", local => false, parameter => SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, lambda.Symbol), equalsOnly: false)
                : null;
        }

        private static IOperation? Find(IOperation list, string outer, string inner)
        {
            // var pods = await client…ListX(…);  or  (await client…ListX(…)).Items.First(…)
            var (result, local) = ResultOf(list);
            var root = Root(list);
            var untyped = local != null && !HasItems(local.Type) ? DerivedLocals(root, local) : null;
            foreach (var descendant in root.Descendants())
            {
                if (descendant is IInvocationOperation search
                    && SearchMethods.Contains(search.TargetMethod.Name)
                    && search.Syntax.Span.End > list.Syntax.Span.End
                    && (IsItemsOf(Receiver(search), local, result) || untyped != null && IsDerived(Receiver(search), untyped))
                    && ComparedInSearch(search, list, outer, inner) is IOperation compared)
                {
                    return compared;
                }

                // foreach (var pod in pods.Items) { if (pod.Spec.NodeName != node) continue; … }
                if (descendant is IForEachLoopOperation loop
                    && loop.Syntax.SpanStart > list.Syntax.Span.End
                    && IsItemsOf(loop.Collection, local, result)
                    && ComparedInLoop(loop, list, outer, inner) is IOperation inLoop)
                {
                    return inLoop;
                }
            }

            return null;
        }

        /// <summary>A typed list (<c>V1PodList</c>) has its <c>Items</c>; a custom-object LIST's <c>object</c> or <c>JsonElement</c> has not.</summary>
        private static bool HasItems(ITypeSymbol type)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (!t.GetMembers("Items").IsEmpty)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The locals made from an untyped list's result, inside its method: a custom-object LIST read as JSON and
        /// deserialized (<c>(JsonElement)await client.ListNamespacedCustomObjectAsync(…)</c> →
        /// <c>TryGetProperty("items", out var items)</c> → <c>var versions = items.Deserialize&lt;T[]&gt;()</c>: Orleans'
        /// cluster-version lookup). A local is derived when it is initialized or assigned from an expression that reads a
        /// derived local, or is an <c>out</c> argument of a call on one.
        /// </summary>
        private static HashSet<ILocalSymbol> DerivedLocals(IOperation root, ILocalSymbol start)
        {
            var derived = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default) { start };
            for (int pass = 0; pass < 4; pass++)
            {
                int before = derived.Count;
                foreach (var node in root.Descendants())
                {
                    switch (node)
                    {
                        case IVariableDeclaratorOperation { Initializer: { } initializer } declarator when Reads(initializer.Value, derived):
                            derived.Add(declarator.Symbol);
                            break;
                        case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when Reads(assignment.Value, derived):
                            derived.Add(target.Local);
                            break;
                        case IInvocationOperation call when Reads(call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null), derived):
                            foreach (var argument in call.Arguments)
                            {
                                if (argument.Parameter?.RefKind == RefKind.Out && Unwrap.ConversionsOrNull(argument.Value) is IOperation written
                                    && (written as ILocalReferenceOperation ?? (written as IDeclarationExpressionOperation)?.Expression as ILocalReferenceOperation) is ILocalReferenceOperation outLocal)
                                {
                                    derived.Add(outLocal.Local);
                                }
                            }

                            break;
                    }
                }

                if (derived.Count == before)
                {
                    break;
                }
            }

            return derived;
        }

        private static bool Reads(IOperation? value, HashSet<ILocalSymbol> locals)
        {
            if (value == null)
            {
                return false;
            }

            foreach (var node in value.DescendantsAndSelf())
            {
                if (node is ILocalReferenceOperation reference && locals.Contains(reference.Local))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsDerived(IOperation? receiver, HashSet<ILocalSymbol> derived)
            => Unwrap.ConversionsOrNull(receiver) is ILocalReferenceOperation reference && derived.Contains(reference.Local);

        /// <summary>What a search is called on (<c>pods.Items.First(…)</c>, the extension's first argument), through <c>?.</c>.</summary>
        private static IOperation? Receiver(IInvocationOperation search)
        {
            var receiver = Unwrap.ConversionsOrNull(search.Instance ?? (search.Arguments.Length > 0 ? search.Arguments[0].Value : null));
            if (receiver is IConditionalAccessInstanceOperation)
            {
                for (var parent = search.Parent; parent != null; parent = parent.Parent)
                {
                    if (parent is IConditionalAccessOperation access)
                    {
                        return access.Operation;
                    }
                }
            }

            return receiver;
        }

        private static bool IsItemsOf(IOperation? receiver, ILocalSymbol? local, IOperation listResult)
        {
            receiver = Unwrap.ConversionsOrNull(receiver);

            if (!(receiver is IPropertyReferenceOperation items) || items.Property.Name != "Items")
            {
                return false;
            }

            var owner = items.Instance;
            owner = Unwrap.ConversionsOrNull(owner);

            return (local != null && owner is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                || owner == listResult;
        }

        /// <summary>In the search's lambda, <c>x.Metadata.Name == value</c> (either side): the value, if it can move before the LIST.</summary>
        private static IOperation? ComparedInSearch(IInvocationOperation search, IOperation list, string outer, string inner)
        {
            foreach (var argument in search.Arguments)
            {
                var value = argument.Value;
                value = Unwrap.Delegate(value);

                if (value is IAnonymousFunctionOperation lambda
                    && Compared(lambda.Body, list, outer, inner, local => false, parameter => SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, lambda.Symbol), equalsOnly: true) is IOperation compared)
                {
                    return compared;
                }
            }

            return null;
        }

        /// <summary>In a loop over the items or events, <c>item.Spec.NodeName ==</c> or <c>!=</c> a value that can move before the call.</summary>
        private static IOperation? ComparedInLoop(IForEachLoopOperation loop, IOperation call, string outer, string inner)
            => Compared(loop.Body, call, outer, inner, local => loop.Locals.Contains(local, SymbolEqualityComparer.Default), parameter => false, equalsOnly: false);

        private static IOperation? Compared(IOperation body, IOperation call, string outer, string inner, Func<ILocalSymbol, bool> isInner, Func<IParameterSymbol, bool> isInnerParameter, bool equalsOnly)
        {
            foreach (var node in body.Descendants())
            {
                if (node is IBinaryOperation binary
                    && (binary.OperatorKind == BinaryOperatorKind.Equals || (!equalsOnly && binary.OperatorKind == BinaryOperatorKind.NotEquals)))
                {
                    if (IsField(binary.LeftOperand, outer, inner) && CanMoveBefore(binary.RightOperand, call, isInner, isInnerParameter))
                    {
                        return Unwrap.ConversionsOrNull(binary.RightOperand);
                    }

                    if (IsField(binary.RightOperand, outer, inner) && CanMoveBefore(binary.LeftOperand, call, isInner, isInnerParameter))
                    {
                        return Unwrap.ConversionsOrNull(binary.LeftOperand);
                    }
                }

                // p.Metadata.Name.Equals(hostname), string.Equals(p.Metadata.Name, hostname[, comparison]) (survey: Steeltoe).
                if (node is IInvocationOperation equals
                    && equals.TargetMethod.Name == "Equals"
                    && equals.TargetMethod.ContainingType?.SpecialType == SpecialType.System_String
                    && EqualsOperands(equals) is (IOperation left, IOperation right))
                {
                    if (IsField(left, outer, inner) && CanMoveBefore(right, call, isInner, isInnerParameter))
                    {
                        return Unwrap.ConversionsOrNull(right);
                    }

                    if (IsField(right, outer, inner) && CanMoveBefore(left, call, isInner, isInnerParameter))
                    {
                        return Unwrap.ConversionsOrNull(left);
                    }
                }
            }

            return null;
        }

        /// <summary>The two strings a <c>string.Equals</c> call compares (instance or static form), or null.</summary>
        private static (IOperation, IOperation)? EqualsOperands(IInvocationOperation equals)
        {
            if (equals.Instance != null && equals.Arguments.Length >= 1)
            {
                return (equals.Instance, equals.Arguments[0].Value);
            }

            if (equals.Instance == null && equals.Arguments.Length >= 2)
            {
                return (equals.Arguments[0].Value, equals.Arguments[1].Value);
            }

            return null;
        }

        /// <summary><c>x.Metadata.Name</c>, <c>x.Spec.NodeName</c>, … (also through <c>?.</c>).</summary>
        private static bool IsField(IOperation operation, string outer, string inner)
        {
            var value = Unwrap.ConversionsOrNull(operation);
            while (value is IConditionalAccessOperation conditional)
            {
                value = Unwrap.ConversionsOrNull(conditional.WhenNotNull);
            }

            // x.Name(): the client's own shorthand for x.Metadata.Name (k8s.ModelExtensions; survey: Sharplet).
            if (value is IInvocationOperation shorthand
                && outer == "Metadata"
                && shorthand.TargetMethod.Name == inner
                && shorthand.TargetMethod.Parameters.Length == 1
                && shorthand.TargetMethod.IsExtensionMethod
                && Namespaces.IsWithin(shorthand.TargetMethod.ContainingNamespace, KubernetesApi.RootNamespace))
            {
                return true;
            }

            if (!(value is IPropertyReferenceOperation field) || field.Property.Name != inner)
            {
                return false;
            }

            // p.Spec?.NodeName: the instance stands for the conditional access's receiver.
            var owner = Unwrap.ConversionsOrNull(field.Instance);
            if (owner is IConditionalAccessInstanceOperation && field.Parent is IConditionalAccessOperation access)
            {
                owner = Unwrap.ConversionsOrNull(access.Operation);
            }

            return owner is IPropertyReferenceOperation container && container.Property.Name == outer;
        }

        private static bool CanMoveBefore(IOperation value, IOperation call, Func<ILocalSymbol, bool> isInner, Func<IParameterSymbol, bool> isInnerParameter)
        {
            foreach (var node in value.DescendantsAndSelf())
            {
                switch (node)
                {
                    case IParameterReferenceOperation parameter when isInnerParameter(parameter.Parameter):
                        return false;
                    case ILocalReferenceOperation local when isInner(local.Local) || !DeclaredBefore(local.Local, call):
                        return false;
                }
            }

            return value.Type?.SpecialType == SpecialType.System_String;
        }

        private static bool DeclaredBefore(ILocalSymbol local, IOperation list)
        {
            foreach (var reference in local.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != list.Syntax.SyntaxTree || reference.Span.End >= list.Syntax.SpanStart)
                {
                    return false;
                }
            }

            return local.DeclaringSyntaxReferences.Length > 0;
        }
    }
}
