using System;
using Microsoft.CodeAnalysis;

namespace ResilienceAnalyzers.Infrastructure
{
    /// <summary>
    /// The one way a rule asks "does this symbol belong to that namespace/type": compared name by name from the inside
    /// out, without building display strings (they allocate, and these tests run on many calls).
    /// </summary>
    internal static class Namespaces
    {
        /// <summary><paramref name="ns"/> is exactly <paramref name="dotted"/> (<c>"System.Threading.Tasks"</c>).</summary>
        public static bool Is(INamespaceSymbol? ns, string dotted)
        {
            int end = dotted.Length;
            while (ns != null && !ns.IsGlobalNamespace)
            {
                int start = dotted.LastIndexOf('.', end - 1) + 1;
                if (end - start != ns.Name.Length || string.CompareOrdinal(dotted, start, ns.Name, 0, ns.Name.Length) != 0)
                {
                    return false;
                }

                ns = ns.ContainingNamespace;
                end = start - 1;
                if (end < 0)
                {
                    return ns == null || ns.IsGlobalNamespace;
                }
            }

            return false;
        }

        /// <summary><paramref name="ns"/> is <paramref name="dotted"/> or a namespace inside it.</summary>
        public static bool IsWithin(INamespaceSymbol? ns, string dotted)
        {
            for (; ns != null && !ns.IsGlobalNamespace; ns = ns.ContainingNamespace)
            {
                if (Is(ns, dotted))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><paramref name="type"/> is the type <paramref name="name"/> in namespace <paramref name="ns"/> (not nested).</summary>
        public static bool IsType(ITypeSymbol? type, string ns, string name)
            => type != null && type.Name == name && type.ContainingType == null && Is(type.ContainingNamespace, ns);

        /// <summary><paramref name="type"/> is that type or derives from it.</summary>
        public static bool IsOrDerivesFrom(ITypeSymbol? type, string ns, string name)
        {
            for (; type != null; type = type.BaseType)
            {
                if (IsType(type, ns, name))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
