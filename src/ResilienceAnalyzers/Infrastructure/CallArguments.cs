using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ResilienceAnalyzers.Infrastructure
{
    /// <summary>
    /// The values a call passes explicitly, with the parameter name each is for — for a bound invocation and for a call
    /// that does not bind (an <see cref="IInvalidOperation"/>, whose children are the receiver and the argument values).
    /// </summary>
    internal static class CallArguments
    {
        /// <summary>
        /// Bound: every argument not left at its default, by its parameter's name. Unbound: every argument written, by the
        /// name written before its colon, or null when it is positional.
        /// </summary>
        public static IEnumerable<(string? Name, IOperation Value)> Explicit(IOperation call)
        {
            if (call is IInvocationOperation invocation)
            {
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                    {
                        yield return (argument.Parameter?.Name, argument.Value);
                    }
                }

                yield break;
            }

            if (!(call.Syntax is InvocationExpressionSyntax syntax))
            {
                yield break;
            }

            foreach (var argument in syntax.ArgumentList.Arguments)
            {
                if (ValueOf(call, argument.Expression) is IOperation value)
                {
                    yield return (argument.NameColon?.Name.Identifier.ValueText, value);
                }
            }
        }

        /// <summary>The operation of an unbound call's argument expression: one of its children.</summary>
        private static IOperation? ValueOf(IOperation call, ExpressionSyntax expression)
        {
            foreach (var child in call.ChildOperations)
            {
                if (child.Syntax == expression)
                {
                    return child;
                }
            }

            return null;
        }
    }
}
