using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ResilienceAnalyzers.Tests.Infrastructure
{
    public enum Client
    {
        /// <summary>KubernetesClient 21.0.8.</summary>
        V21,

        /// <summary>KubernetesClient 19.0.2.</summary>
        V19,

        /// <summary>No KubernetesClient at all (rules must register nothing).</summary>
        None,
    }

    /// <summary>Where workload settings come from in a test: none, a folder .editorconfig, or MSBuild properties.</summary>
    public static class Config
    {
        public static (string, string) EditorConfig(string lines) => ("/0/.editorconfig", "root = true\n\n[*.cs]\n" + lines + "\n");

        /// <summary>What <c>CompilerVisibleProperty</c> turns MSBuild properties into.</summary>
        public static (string, string) MsBuild(string lines) => ("/.globalconfig", "is_global = true\n" + lines + "\n");

        public static (string, string) DaemonSet(int nodes = 1000) => MsBuild("build_property.ResilienceWorkload = DaemonSet\nbuild_property.ResilienceClusterNodes = " + nodes);
    }

    internal static class TestSetup
    {
        public static void Apply(SolutionState state, Client client, (string, string)[] config)
        {
            state.AdditionalReferences.AddRange(References.NetFramework);
            if (client == Client.V21)
            {
                state.AdditionalReferences.AddRange(References.KubernetesClient);
            }
            else if (client == Client.V19)
            {
                state.AdditionalReferences.AddRange(References.KubernetesClient19);
            }

            foreach (var file in config)
            {
                state.AnalyzerConfigFiles.Add(file);
            }
        }
    }

    public sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public AnalyzerTest(string source, Client client = Client.V21, params (string, string)[] config)
        {
            TestCode = source;
            ReferenceAssemblies = References.None;
            TestState.Sources.Clear();
            TestState.Sources.Add(("/0/Test0.cs", source));
            TestSetup.Apply(TestState, client, config);
        }
    }

    public sealed class FixTest<TAnalyzer, TFixer> : CSharpCodeFixTest<TAnalyzer, TFixer, DefaultVerifier>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFixer : CodeFixProvider, new()
    {
        public FixTest(string source, string fixedSource, Client client = Client.V21, params (string, string)[] config)
        {
            ReferenceAssemblies = References.None;
            // Calls judged with their callers are reported at compilation end (non-local); hosts fix them all the same
            // (Visual Studio, dotnet format), so the fix tests must accept them.
            CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
            TestState.Sources.Add(("/0/Test0.cs", source));
            FixedState.Sources.Add(("/0/Test0.cs", fixedSource));
            TestSetup.Apply(TestState, client, config);
            FixedState.AdditionalReferences.AddRange(TestState.AdditionalReferences);
            foreach (var file in config)
            {
                FixedState.AnalyzerConfigFiles.Add(file);
            }
        }
    }

    public static class Expect
    {
        /// <summary>ID, severity and place; the message is checked only where a test adds <c>WithArguments</c>/<c>WithMessage</c>.</summary>
        public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor, int markup = 0) => new DiagnosticResult(descriptor.Id, descriptor.DefaultSeverity).WithLocation(markup);

        public static DiagnosticResult Info(DiagnosticDescriptor descriptor, int markup = 0) => new DiagnosticResult(descriptor.Id, DiagnosticSeverity.Info).WithLocation(markup);

        /// <summary>The full message, checked.</summary>
        public static DiagnosticResult Message(DiagnosticDescriptor descriptor, string message, int markup = 0) => Diagnostic(descriptor, markup).WithMessage(message);
    }
}
