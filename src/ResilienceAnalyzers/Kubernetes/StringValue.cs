using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>
    /// What is known of a string argument: its literal text parts (from literals, constants, concatenations,
    /// interpolations and a local's initializer in the same method), and whether that is all of it.
    /// </summary>
    internal sealed class StringValue
    {
        /// <summary>Stands for a part whose text is not known.</summary>
        internal const char Hole = '\u0001';

        private StringValue(string text, bool isConstant)
        {
            Text = text;
            IsConstant = isConstant;
        }

        /// <summary>The known text; unknown parts are a placeholder character.</summary>
        public string Text { get; }

        public bool IsConstant { get; }

        /// <summary>A value already read (a raw request's query value): unknown parts are <see cref="Hole"/>.</summary>
        internal static StringValue FromText(string text) => new StringValue(text, text.IndexOf(Hole) < 0);

        public static StringValue? Of(IOperation? operation)
        {
            if (operation == null)
            {
                return null;
            }

            var builder = new StringBuilder();
            bool constant = true;
            if (!Append(operation, builder, ref constant, depth: 0))
            {
                return null;
            }

            return new StringValue(builder.ToString(), constant);
        }

        private static bool Append(IOperation operation, StringBuilder builder, ref bool constant, int depth)
        {
            if (depth > 8)
            {
                return false;
            }

            operation = Unwrap.Conversions(operation);

            if (operation.ConstantValue.HasValue)
            {
                builder.Append(operation.ConstantValue.Value as string ?? string.Empty);
                return true;
            }

            switch (operation)
            {
                case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Add:
                    return Append(binary.LeftOperand, builder, ref constant, depth + 1) & Append(binary.RightOperand, builder, ref constant, depth + 1);

                case IInterpolatedStringOperation interpolated:
                    foreach (var part in interpolated.Parts)
                    {
                        if (part is IInterpolatedStringTextOperation textPart)
                        {
                            Append(textPart.Text, builder, ref constant, depth + 1);
                        }
                        else
                        {
                            builder.Append(Hole);
                            constant = false;
                        }
                    }

                    return true;

                case ILocalReferenceOperation local when depth < 4:
                    var initializer = InitializerOf(local);
                    if (initializer != null)
                    {
                        return Append(initializer, builder, ref constant, depth + 1);
                    }

                    break;
            }

            builder.Append(Hole);
            constant = false;
            return true;
        }

        /// <summary>The initializer of a local that is never reassigned... approximated: declared once with a value, in the same tree.</summary>
        internal static IOperation? InitializerOf(ILocalReferenceOperation reference)
        {
            var local = reference.Local;
            if (local.DeclaringSyntaxReferences.Length != 1 || reference.SemanticModel == null)
            {
                return null;
            }

            var syntax = local.DeclaringSyntaxReferences[0].GetSyntax();
            if (syntax.SyntaxTree != reference.Syntax.SyntaxTree
                || !(syntax is VariableDeclaratorSyntax declarator)
                || declarator.Initializer == null
                || IsReassigned(local, reference))
            {
                return null;
            }

            return reference.SemanticModel.GetOperation(declarator.Initializer.Value);
        }

        private static bool IsReassigned(ILocalSymbol local, IOperation reference)
        {
            IOperation root = reference;
            while (root.Parent != null)
            {
                root = root.Parent;
            }

            foreach (var descendant in root.DescendantsAndSelf())
            {
                if (descendant is ISimpleAssignmentOperation assignment
                    && assignment.Target is ILocalReferenceOperation target
                    && SymbolEqualityComparer.Default.Equals(target.Local, local))
                {
                    return true;
                }

                if (descendant is ICompoundAssignmentOperation compound
                    && compound.Target is ILocalReferenceOperation compoundTarget
                    && SymbolEqualityComparer.Default.Equals(compoundTarget.Local, local))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
