using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>
    /// A LIST whose items are then searched by name — <c>list.Items.FirstOrDefault(p =&gt; p.Metadata.Name == me)</c> —
    /// to find the caller's own object, where a GET by name or a <c>metadata.name</c> field selector would return
    /// just that one (facts.md: a C# monitoring library in every app pod listed all pods to find its own; fixed with a
    /// GET by name).
    /// </summary>
    internal static class OwnObjectScan
    {
        private static readonly ImmutableHashSet<string> SearchMethods = ImmutableHashSet.Create(
            "First", "FirstOrDefault", "Single", "SingleOrDefault", "Where", "Any", "Find", "Exists", "Last", "LastOrDefault");

        /// <summary>
        /// The expression the items' <c>Metadata.Name</c> is compared with, when it can be evaluated before the LIST
        /// (constants, fields, parameters, earlier locals, static calls such as <c>Environment.GetEnvironmentVariable</c>);
        /// otherwise null.
        /// </summary>
        public static IOperation? Find(IInvocationOperation list)
        {
            // var pods = await client…ListX(…);  or  (await client…ListX(…)).Items.First(…)
            IOperation result = list;
            while (result.Parent is IAwaitOperation || result.Parent is IConversionOperation)
            {
                result = result.Parent;
            }

            ILocalSymbol? local = null;
            if (result.Parent is IVariableInitializerOperation initializer && initializer.Parent is IVariableDeclaratorOperation declarator)
            {
                local = declarator.Symbol;
            }
            else if (result.Parent is ISimpleAssignmentOperation assignment && assignment.Target is ILocalReferenceOperation target)
            {
                local = target.Local;
            }

            IOperation root = list;
            while (root.Parent != null)
            {
                root = root.Parent;
            }

            foreach (var descendant in root.Descendants())
            {
                if (descendant is IInvocationOperation search
                    && SearchMethods.Contains(search.TargetMethod.Name)
                    && search.Syntax.Span.End > list.Syntax.Span.End
                    && ReceiverIsItemsOf(search, local, result)
                    && ComparedWithName(search, list) is IOperation compared)
                {
                    return compared;
                }
            }

            return null;
        }

        private static bool ReceiverIsItemsOf(IInvocationOperation search, ILocalSymbol? local, IOperation listResult)
        {
            IOperation? receiver = search.Instance ?? (search.Arguments.Length > 0 ? search.Arguments[0].Value : null);
            while (receiver is IConversionOperation conversion)
            {
                receiver = conversion.Operand;
            }

            if (!(receiver is IPropertyReferenceOperation items) || items.Property.Name != "Items")
            {
                return false;
            }

            var owner = items.Instance;
            while (owner is IConversionOperation conversion)
            {
                owner = conversion.Operand;
            }

            return (local != null && owner is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                || owner == listResult;
        }

        /// <summary>In the search's lambda, <c>x.Metadata.Name == value</c> (either side): the value, if it can move before the LIST.</summary>
        private static IOperation? ComparedWithName(IInvocationOperation search, IInvocationOperation list)
        {
            foreach (var argument in search.Arguments)
            {
                var value = argument.Value;
                while (value is IDelegateCreationOperation || value is IConversionOperation)
                {
                    value = value is IDelegateCreationOperation creation ? creation.Target : ((IConversionOperation)value).Operand;
                }

                if (!(value is IAnonymousFunctionOperation lambda))
                {
                    continue;
                }

                foreach (var node in lambda.Body.Descendants())
                {
                    if (node is IBinaryOperation binary && binary.OperatorKind == BinaryOperatorKind.Equals)
                    {
                        if (IsMetadataName(binary.LeftOperand) && CanMoveBefore(binary.RightOperand, lambda, list))
                        {
                            return Unwrap(binary.RightOperand);
                        }

                        if (IsMetadataName(binary.RightOperand) && CanMoveBefore(binary.LeftOperand, lambda, list))
                        {
                            return Unwrap(binary.LeftOperand);
                        }
                    }
                }
            }

            return null;
        }

        private static bool IsMetadataName(IOperation operation)
            => Unwrap(operation) is IPropertyReferenceOperation name
               && name.Property.Name == "Name"
               && Unwrap(name.Instance) is IPropertyReferenceOperation metadata
               && metadata.Property.Name == "Metadata";

        private static bool CanMoveBefore(IOperation value, IAnonymousFunctionOperation lambda, IInvocationOperation list)
        {
            foreach (var node in value.DescendantsAndSelf())
            {
                switch (node)
                {
                    case IParameterReferenceOperation parameter when SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, lambda.Symbol):
                        return false;
                    case ILocalReferenceOperation local when !DeclaredBefore(local.Local, list):
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

        private static IOperation? Unwrap(IOperation? operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }
    }
}
