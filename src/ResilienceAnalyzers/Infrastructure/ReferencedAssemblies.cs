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
                        // The file name compared where it stands in the path: a project has hundreds of references and this
                        // runs at every rule's start, so no string is made for each (a profile of KubeOps, docs/performance.md).
                        if (FileNameMatches(file.FilePath!, assemblyName, prefix))
                        {
                            return true;
                        }

                        continue;
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

        /// <summary>The file name of <paramref name="path"/> without its extension is <paramref name="name"/> (or starts with it), ignoring case.</summary>
        private static bool FileNameMatches(string path, string name, bool prefix)
        {
            int start = path.LastIndexOfAny(Separators) + 1;
            int end = path.LastIndexOf('.');
            if (end < start)
            {
                end = path.Length;
            }

            int length = end - start;
            return (prefix ? length >= name.Length : length == name.Length)
                && string.Compare(path, start, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0;
        }

        private static readonly char[] Separators = { '/', '\\' };

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
