using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Analysis
{
    /// <summary>What a caller passes for a parameter that a wrapper forwards to the client (<c>watch</c>, <c>limit</c>, <c>resourceVersion</c>).</summary>
    internal static class CallerArguments
    {
        /// <summary>
        /// The value <paramref name="site"/> passes for <paramref name="parameter"/> — the parameter's default when it
        /// passes none; null when the site hands the method over as a delegate (the value is then not known).
        /// </summary>
        public static IOperation? ValueAt(CallSite site, IParameterSymbol parameter)
        {
            if (!(site.Operation is IInvocationOperation invocation))
            {
                return null;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter != null && argument.Parameter.Ordinal == parameter.Ordinal)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        /// <summary>
        /// The constant <paramref name="site"/> passes for <paramref name="parameter"/>: the declared default when it passes
        /// none, null for <c>null</c>/<c>default</c> of a nullable; false when the value is not a constant.
        /// </summary>
        public static bool TryConstantAt(CallSite site, IParameterSymbol parameter, out object? constant)
        {
            constant = null;
            if (!(site.Operation is IInvocationOperation invocation))
            {
                return false;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter == null || argument.Parameter.Ordinal != parameter.Ordinal)
                {
                    continue;
                }

                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    constant = argument.Parameter.HasExplicitDefaultValue ? argument.Parameter.ExplicitDefaultValue : null;
                    return argument.Parameter.HasExplicitDefaultValue;
                }

                var value = Unwrap.Conversions(argument.Value);

                if (value is IDefaultValueOperation)
                {
                    return value.Type == null || value.Type.IsReferenceType || value.Type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
                }

                constant = value.ConstantValue.HasValue ? value.ConstantValue.Value : null;
                return value.ConstantValue.HasValue;
            }

            return false;
        }

        /// <summary>The constant boolean <paramref name="value"/> holds, or null when it is not a constant.</summary>
        public static bool? Boolean(IOperation? value)
        {
            value = Unwrap.ConversionsOrNull(value);

            return value != null && value.ConstantValue.HasValue && value.ConstantValue.Value is bool b ? b : (bool?)null;
        }
    }
}
