using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ResilienceAnalyzers.Infrastructure
{
    /// <summary>
    /// What a call site names, read from syntax alone. The rules take a callback on every invocation of a compilation
    /// (tens of thousands in a service); asking for the target symbol makes the compiler build a public symbol for each
    /// distinct method, its type and namespaces. The name as written rules out almost every call for nothing first.
    /// A method invocation always names its method, so a mismatch is certain; when the syntax names nothing
    /// (a delegate or function-pointer call, a <c>new()</c> without a type) the rule falls back to the symbol.
    /// </summary>
    internal static class CalledNames
    {
        /// <summary><c>client.CoreV1.ListNodeAsync(…)</c>, <c>x?.Watch&lt;T&gt;(…)</c>, <c>ListNode(…)</c> → the method name; otherwise null.</summary>
        public static string? Method(SyntaxNode syntax)
        {
            if (!(syntax is InvocationExpressionSyntax invocation))
            {
                return null;
            }

            switch (invocation.Expression)
            {
                case MemberAccessExpressionSyntax member:
                    return member.Name.Identifier.ValueText;
                case MemberBindingExpressionSyntax binding:
                    return binding.Name.Identifier.ValueText;
                case SimpleNameSyntax name:
                    return name.Identifier.ValueText;
                default:
                    return null;
            }
        }

        /// <summary>The receiver expression of <c>x.M(…)</c> or <c>x?.M(…)</c>; null for a call without one.</summary>
        public static ExpressionSyntax? Receiver(InvocationExpressionSyntax invocation)
        {
            switch (invocation.Expression)
            {
                case MemberAccessExpressionSyntax member:
                    return member.Expression;
                case MemberBindingExpressionSyntax _ when invocation.Parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == invocation:
                    return conditional.Expression;
                default:
                    return null;
            }
        }

        /// <summary><c>new System.Net.Sockets.TcpClient(…)</c> → <c>TcpClient</c>; a target-typed <c>new(…)</c> → null.</summary>
        public static string? CreatedType(SyntaxNode syntax)
        {
            var type = (syntax as ObjectCreationExpressionSyntax)?.Type;
            while (true)
            {
                switch (type)
                {
                    case QualifiedNameSyntax qualified:
                        type = qualified.Right;
                        continue;
                    case AliasQualifiedNameSyntax alias:
                        type = alias.Name;
                        continue;
                    case SimpleNameSyntax name:
                        return name.Identifier.ValueText;
                    default:
                        return null;
                }
            }
        }

        /// <summary>
        /// The member an assignment's left side names: <c>x</c>, <c>this.x</c>, <c>options.X</c> → its name; null for anything
        /// else (an indexer, a tuple). Syntax only: the binding, where it matters, is checked by the caller.
        /// </summary>
        public static string? AssignedMember(ExpressionSyntax left)
            => left switch
            {
                IdentifierNameSyntax name => name.Identifier.ValueText,
                MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                _ => null,
            };

        /// <summary>True when the call names a method starting with one of the prefixes, or names none (then the symbol decides).</summary>
        public static bool MayStartWith(SyntaxNode syntax, string first, string second)
        {
            string? name = Method(syntax);
            return name == null
                || name.StartsWith(first, System.StringComparison.Ordinal)
                || name.StartsWith(second, System.StringComparison.Ordinal);
        }
    }
}
