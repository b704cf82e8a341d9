using System;
using System.IO;
using Microsoft.CodeAnalysis;

namespace ResilienceAnalyzers.Infrastructure
{
    /// <summary>The rules' bail-out at compilation start: is an API's assembly referenced at all?</summary>
    internal static class ReferencedAssemblies
    {
        /// <summary>
        /// Whether the compilation references an assembly named <paramref name="assemblyName"/> (or starting with it),
        /// judged by the reference's file name, the referenced compilation's assembly name, or for an in-memory image
        /// its module name — never by binding the references.
        /// </summary>
        public static bool Contains(Compilation compilation, string assemblyName, bool prefix)
        {
            // ExternalReferences, not References: References adds the #r directives of scripts, and to read them the
            // compiler creates the compilation's source assembly and binds every reference — work the compile does anyway,
            // but charged to the analyzer that asks first (12 ms a compilation on Steeltoe, more than any rule's own work;
            // docs/performance.md, "Binding"). A script's #r is not a project's package reference.
            foreach (var reference in compilation.ExternalReferences)
            {
                string? name;
                switch (reference)
                {
                    case CompilationReference project:
                        name = project.Compilation.AssemblyName;
                        break;
                    case PortableExecutableReference file when !string.IsNullOrEmpty(file.FilePath):
                        name = Path.GetFileNameWithoutExtension(file.FilePath);
                        break;
                    case PortableExecutableReference image:
                        name = ModuleName(image);
                        break;
                    default:
                        name = null;
                        break;
                }

                if (name != null && (prefix ? name.StartsWith(assemblyName, StringComparison.OrdinalIgnoreCase) : string.Equals(name, assemblyName, StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>An in-memory image's module name; null when its metadata cannot be read (a compilation-start action must not throw).</summary>
        private static string? ModuleName(PortableExecutableReference image)
        {
            try
            {
                return image.GetMetadata() is AssemblyMetadata metadata && metadata.GetModules() is { Length: > 0 } modules
                    ? Path.GetFileNameWithoutExtension(modules[0].Name)
                    : null;
            }
            catch (Exception e) when (e is BadImageFormatException || e is IOException || e is InvalidOperationException)
            {
                return null;
            }
        }
    }
}
