using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ResilienceAnalyzers.Benchmarks;

/// <summary>The analyzers each scenario runs: ours (found by reflection), an empty one, and the peer packages.</summary>
public static class AnalyzerSets
{
    /// <summary>Every non-abstract <see cref="DiagnosticAnalyzer"/> with <c>[DiagnosticAnalyzer]</c> in the ResilienceAnalyzers assembly.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Ours()
        => typeof(Kubernetes.RES1001UnboundedListAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() != null)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Where(t => Environment.GetEnvironmentVariable("BENCH_OURS") is not { Length: > 0 } only || only.Split(',').Any(id => t.Name.Contains(id, StringComparison.Ordinal)))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

    /// <summary>Meziantou.Analyzer's build for the host's Roslyn (analyzers/dotnet/roslyn5.9/cs).</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Meziantou()
        => Load(Paths.Package("Meziantou.Analyzer", Paths.MeziantouAnalyzerVersion, "analyzers/dotnet/roslyn5.9/cs/Meziantou.Analyzer.dll"));

    /// <summary>Microsoft.CodeAnalysis.NetAnalyzers: the language-neutral and the C# assemblies.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> NetAnalyzers()
        => Load(
            Paths.Package("Microsoft.CodeAnalysis.NetAnalyzers", Paths.NetAnalyzersVersion, "analyzers/dotnet/cs/Microsoft.CodeAnalysis.NetAnalyzers.dll"),
            Paths.Package("Microsoft.CodeAnalysis.NetAnalyzers", Paths.NetAnalyzersVersion, "analyzers/dotnet/cs/Microsoft.CodeAnalysis.CSharp.NetAnalyzers.dll"));

    /// <summary>Loads analyzer files the way the compiler does (<see cref="AnalyzerFileReference"/>); a load failure throws.</summary>
    private static ImmutableArray<DiagnosticAnalyzer> Load(params string[] paths)
    {
        var loader = new Loader();
        foreach (string path in paths)
        {
            loader.AddDependencyLocation(path);
        }

        var analyzers = ImmutableArray.CreateBuilder<DiagnosticAnalyzer>();
        foreach (string path in paths)
        {
            var reference = new AnalyzerFileReference(path, loader);
            var failures = new List<string>();
            reference.AnalyzerLoadFailed += (_, e) => failures.Add(e.TypeName + ": " + e.Message);
            analyzers.AddRange(reference.GetAnalyzers(LanguageNames.CSharp));
            if (failures.Count > 0)
            {
                throw new InvalidOperationException("Could not load analyzers from " + path + ":\n" + string.Join("\n", failures));
            }
        }

        return analyzers.ToImmutable();
    }

    /// <summary>
    /// Loads into the default context: the analyzer assemblies bind to the host's Microsoft.CodeAnalysis (5.9),
    /// and their own dependencies come from their folder.
    /// </summary>
    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}

/// <summary>Registers an operation action on every invocation that does nothing: the analyzer driver's own cost.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EmptyAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Rule = new(
        "BENCH0001", "Never reported", "Never reported", "Benchmark", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(_ => { }, OperationKind.Invocation);
    }
}

/// <summary>The registration shape of our rules with no work in it: per type (symbol start/end) operation actions and a compilation end.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EmptyShapeAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Rule = new(
        "BENCH0002", "Never reported", "Never reported", "Benchmark", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public EmptyShapeAnalyzer(string shape) => Shape = shape;

    public string Shape { get; }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (Shape.Contains("semantic", StringComparison.Ordinal))
            {
                start.RegisterSemanticModelAction(m =>
                {
                    int n = 0;
                    foreach (var node in m.SemanticModel.SyntaxTree.GetRoot(m.CancellationToken).DescendantNodes())
                    {
                        if (node is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax)
                        {
                            n++;
                        }
                    }

                    GC.KeepAlive(n);
                });
            }
            else if (Shape.Contains("symbol", StringComparison.Ordinal))
            {
                start.RegisterSymbolStartAction(s =>
                {
                    s.RegisterOperationAction(_ => { }, OperationKind.Invocation, OperationKind.Invalid);
                    s.RegisterSymbolEndAction(_ => { });
                }, SymbolKind.NamedType);
            }
            else
            {
                start.RegisterOperationAction(_ => { }, OperationKind.Invocation, OperationKind.Invalid);
            }

            if (Shape.Contains("end", StringComparison.Ordinal))
            {
                start.RegisterCompilationEndAction(_ => { });
            }
        });
    }
}
