using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ResilienceAnalyzers.Infrastructure
{
    internal static class Locations
    {
        /// <summary>The squiggle goes on the method name, not on the whole (often multi-line) call.</summary>
        public static Location MethodName(IOperation invocation)
        {
            if (invocation.Syntax is InvocationExpressionSyntax call)
            {
                switch (call.Expression)
                {
                    case MemberAccessExpressionSyntax member:
                        return member.Name.Identifier.GetLocation();
                    case MemberBindingExpressionSyntax binding:
                        return binding.Name.Identifier.GetLocation();
                    case SimpleNameSyntax name:
                        return name.Identifier.GetLocation();
                }
            }

            return invocation.Syntax.GetLocation();
        }

        /// <summary>A call's method name (bound or not), or the whole syntax of any other operation (a method group handed over).</summary>
        public static Location Of(IOperation operation) => MethodName(operation);
    }
}
