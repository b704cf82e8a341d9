using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Analysis
{
    /// <summary>
    /// A call whose result is kept in a field the first time: it runs once per instance (per process for a static field or
    /// a singleton), however often its method is called. The shapes, all guarded by the field itself:
    /// <list type="bullet">
    /// <item><c>if (_env is null) { … _env = await ListAsync(); }</c> (double-checked under a lock or not);</item>
    /// <item><c>if (_env != null) return _env; … _env = …;</c> (the early-return form);</item>
    /// <item><c>_env ??= await ListAsync();</c>.</item>
    /// </list>
    /// The value factory of a <c>Lazy&lt;T&gt;</c> made in a field initializer or a constructor needs nothing here: a
    /// constructor runs once per instance already (<see cref="Workload.Periodicity"/>); one made in a loop runs per pass.
    /// A field the type sets back to <c>null</c> or <c>default</c> anywhere (a cache that expires) is not such a guard: it
    /// runs again after every reset. Survey: SparkTodo's <c>KubernetesService</c> (fourth unseen Kubernetes set), whose lists
    /// were priced "on every HTTP request" of the endpoint that reads the cached result.
    /// </summary>
    internal static class OnceGuards
    {
        /// <summary>Whether a once-guard lies between <paramref name="operation"/> and its method's body (lambdas included).</summary>
        public static bool Encloses(IOperation operation, ResilienceCompilation? model)
        {
            for (IOperation? current = operation, parent = operation.Parent; parent != null; current = parent, parent = parent.Parent)
            {
                if (parent is IMethodBodyOperation || parent is IConstructorBodyOperation || parent is ILocalFunctionOperation)
                {
                    return false;
                }

                if (At(parent, current, model))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>One step of a walk out from a call: <paramref name="current"/>, seen from its parent, runs once.</summary>
        public static bool At(IOperation parent, IOperation current, ResilienceCompilation? model)
        {
            switch (parent)
            {
                case IConditionalOperation guard when current == guard.WhenTrue:
                    return NullTestedField(guard.Condition, isNull: true) is IFieldSymbol field && Assigns(guard.WhenTrue, field) && !Reset(field, model);
                case ICoalesceAssignmentOperation coalesce when current == coalesce.Value:
                    return coalesce.Target is IFieldReferenceOperation target && !Reset(target.Field, model);
                case IBlockOperation block:
                    return EarlyReturnGuard(block, current, model);
                default:
                    return false;
            }
        }

        /// <summary><c>if (_env != null) return _env;</c> before <paramref name="current"/> in <paramref name="block"/>, which assigns <c>_env</c> after it.</summary>
        private static bool EarlyReturnGuard(IBlockOperation block, IOperation current, ResilienceCompilation? model)
        {
            var statements = block.Operations;
            int at = -1;
            for (int i = 0; i < statements.Length; i++)
            {
                if (statements[i] == current)
                {
                    at = i;
                    break;
                }
            }

            for (int i = 0; i < at; i++)
            {
                if (statements[i] is IConditionalOperation { WhenFalse: null } check
                    && Returns(check.WhenTrue)
                    && NullTestedField(check.Condition, isNull: false) is IFieldSymbol field
                    && !Reset(field, model))
                {
                    for (int j = at; j < statements.Length; j++)
                    {
                        if (Assigns(statements[j], field))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static bool Returns(IOperation statement)
            => statement is IReturnOperation
                || statement is IBlockOperation { Operations: { Length: 1 } only } && only[0] is IReturnOperation;

        /// <summary>
        /// The field that <paramref name="condition"/> tests against null: for <paramref name="isNull"/>, <c>f is null</c> /
        /// <c>f == null</c>; otherwise <c>f is not null</c> / <c>f != null</c> / <c>f is { }</c>.
        /// </summary>
        private static IFieldSymbol? NullTestedField(IOperation condition, bool isNull)
        {
            condition = Unwrap.Conversions(condition);
            if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            {
                return NullTestedField(not.Operand, !isNull);
            }

            if (condition is IIsPatternOperation { Value: var tested, Pattern: var pattern }
                && Unwrap.Conversions(tested) is IFieldReferenceOperation patterned)
            {
                bool? testsNull = pattern switch
                {
                    IConstantPatternOperation constant when IsNull(constant.Value) => true,
                    INegatedPatternOperation { Pattern: IConstantPatternOperation negated } when IsNull(negated.Value) => false,
                    IRecursivePatternOperation { DeclaredSymbol: null, DeconstructionSubpatterns: { Length: 0 }, PropertySubpatterns: { Length: 0 } } => false,
                    _ => null,
                };
                return testsNull == isNull ? patterned.Field : null;
            }

            if (condition is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary)
            {
                bool equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                var field = Unwrap.Conversions(binary.LeftOperand) is IFieldReferenceOperation left && IsNull(binary.RightOperand) ? left
                    : Unwrap.Conversions(binary.RightOperand) is IFieldReferenceOperation right && IsNull(binary.LeftOperand) ? right
                    : null;
                return field != null && equals == isNull ? field.Field : null;
            }

            return null;
        }

        private static bool IsNull(IOperation value)
        {
            value = Unwrap.Conversions(value);
            return value.ConstantValue.HasValue && value.ConstantValue.Value == null || value is IDefaultValueOperation;
        }

        /// <summary>Whether <paramref name="within"/> assigns <paramref name="field"/> (<c>=</c> or <c>??=</c>).</summary>
        private static bool Assigns(IOperation within, IFieldSymbol field)
        {
            foreach (var operation in within.DescendantsAndSelf())
            {
                if (operation is IAssignmentOperation { Target: IFieldReferenceOperation target } && SymbolEqualityComparer.Default.Equals(target.Field, field))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether the field's type sets it back to <c>null</c> or <c>default</c> anywhere: a cache that expires runs its factory again.</summary>
        /// <summary>
        /// <see cref="ResetIn"/>, read once per field and compilation: it walks the type's syntax, and it is asked at every
        /// null test of a field around a recognized call, from the per-call path (<see cref="Workload.Periodicity"/>).
        /// </summary>
        private static bool Reset(IFieldSymbol field, ResilienceCompilation? model)
            => model?.FieldIsReset(field.OriginalDefinition, ResetIn) ?? ResetIn(field);

        private static bool ResetIn(IFieldSymbol field)
        {
            foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    if (node is AssignmentExpressionSyntax { Left: var left, Right: var right } assignment
                        && assignment.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.SimpleAssignmentExpression)
                        && (right.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.NullLiteralExpression) || right.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.DefaultLiteralExpression) || right is DefaultExpressionSyntax)
                        && CalledNames.AssignedMember(left) == field.Name)
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
