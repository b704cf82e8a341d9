using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

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

        /// <summary>The constant boolean <paramref name="value"/> holds, or null when it is not a constant.</summary>
        public static bool? Boolean(IOperation? value)
        {
            while (value is IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            return value != null && value.ConstantValue.HasValue && value.ConstantValue.Value is bool b ? b : (bool?)null;
        }
    }
}
