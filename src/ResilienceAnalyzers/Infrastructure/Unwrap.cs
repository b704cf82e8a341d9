using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ResilienceAnalyzers.Infrastructure
{
    /// <summary>
    /// The one way the rules see through what the compiler wraps around a value: implicit and explicit conversions,
    /// delegate creations around a lambda or method group, and (going up) <c>.ConfigureAwait(…)</c>, <c>await</c> and
    /// <c>.Result</c>.
    /// </summary>
    internal static class Unwrap
    {
        /// <summary><paramref name="operation"/> without the conversions around it (downward).</summary>
        public static IOperation Conversions(IOperation operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        /// <summary>As <see cref="Conversions(IOperation)"/>, for a value that may be absent.</summary>
        public static IOperation? ConversionsOrNull(IOperation? operation) => operation == null ? null : Conversions(operation);

        /// <summary>The lambda or method reference under conversions and a delegate creation (downward).</summary>
        public static IOperation Delegate(IOperation operation)
        {
            while (operation is IDelegateCreationOperation || operation is IConversionOperation)
            {
                operation = operation is IDelegateCreationOperation creation ? creation.Target : ((IConversionOperation)operation).Operand;
            }

            return operation;
        }

        /// <summary>Where a handed-over lambda or method group goes: its parent above the delegate creation and conversions.</summary>
        public static IOperation? HandedTo(IOperation handedOver)
        {
            var parent = handedOver.Parent;
            while (parent is IDelegateCreationOperation || parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            return parent;
        }

        /// <summary>
        /// The value a call produces as its consumer sees it: up through conversions, and with
        /// <paramref name="awaited"/> through <c>await</c> and <c>.Result</c> too.
        /// </summary>
        public static IOperation Result(IOperation call, bool awaited)
        {
            while (call.Parent is IConversionOperation
                || (awaited && (call.Parent is IAwaitOperation
                    || call.Parent is IPropertyReferenceOperation { Property.Name: "Result" }
                    || (call.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configureAwait && configureAwait.Instance == call))))
            {
                call = call.Parent;
            }

            return call;
        }
    }
}
