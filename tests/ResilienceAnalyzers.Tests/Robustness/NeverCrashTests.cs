using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ResilienceAnalyzers.Tests.Robustness
{
    /// <summary>
    /// Analyzers and fixers run on half-typed code in the IDE: every corpus file with random token deletions and
    /// insertions (seeded, so a failure names its reproduction), plus code with unresolvable receivers. Zero
    /// analyzer exceptions and zero fixer exceptions.
    /// </summary>
    public class NeverCrashTests
    {
        private const int VariantsPerFile = 24;

        private static readonly string[] Insertions = { "(", ")", "{", "}", ";", ",", ".", "await", "=>", "new", "null", "\"", "client", "0", "while", "[", "?", "=" };

        public static IEnumerable<object[]> CorpusFiles()
            => AllFiles().Select(f => new object[] { Path.GetFileName(f) });

        private static IEnumerable<string> AllFiles()
            => CorpusWorkspace.Files("Flagged").Concat(CorpusWorkspace.Files("ValidCode")).Concat(CorpusWorkspace.Files("Incomplete"));

        [Theory]
        [MemberData(nameof(CorpusFiles))]
        public async Task Mutated_code_never_makes_an_analyzer_or_fixer_throw(string fileName)
        {
            string path = AllFiles().Single(f => Path.GetFileName(f) == fileName);
            string original = File.ReadAllText(path);
            var failures = new List<string>();
            for (int seed = 0; seed < VariantsPerFile; seed++)
            {
                string mutated = Mutate(original, new Random(seed * 7919 + fileName.Length));
                var project = CorpusWorkspace.CreateProject(new[] { (fileName, mutated) });
                var document = project.Documents.Single();
                var compilation = (await project.GetCompilationAsync())!;
                var (diagnostics, exceptions) = await CorpusWorkspace.AnalyzeAsync(compilation);
                failures.AddRange(exceptions.Select(e => $"{fileName} seed {seed}: {e}"));

                foreach (var diagnostic in diagnostics.Where(d => d.Location.IsInSource))
                {
                    try
                    {
                        foreach (var (_, action) in await CorpusWorkspace.FixesAsync(document, diagnostic))
                        {
                            await CorpusWorkspace.ApplyAsync(action, project.Solution);
                        }
                    }
                    catch (Exception e)
                    {
                        failures.Add($"{fileName} seed {seed}: fixer for {diagnostic.Id} at {diagnostic.Location.GetLineSpan()} threw {e}");
                    }
                }
            }

            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(5)));
        }

        [Fact]
        public async Task Unresolvable_receivers_and_missing_types_are_analyzed_without_exceptions()
        {
            var project = CorpusWorkspace.CreateProject(CorpusWorkspace.Files("Incomplete").Select(f => (Path.GetFileName(f), File.ReadAllText(f))));
            var compilation = (await project.GetCompilationAsync())!;
            Assert.NotEmpty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            var (diagnostics, exceptions) = await CorpusWorkspace.AnalyzeAsync(compilation);
            Assert.Empty(exceptions);

            // No guessing: nothing is reported on a call whose receiver or selector cannot be resolved.
            string[] lines = (await project.Documents.Single().GetTextAsync()).ToString().Split('\n');
            foreach (var marker in new[] { "unknownClient.", "client.Missing.", "MissingSelector()" })
            {
                int line = Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal));
                Assert.True(line >= 0, marker);
                Assert.DoesNotContain(diagnostics, d => d.Location.GetLineSpan().StartLinePosition.Line == line);
            }
        }

        [Fact]
        public void An_analyzer_exception_names_the_rule_file_line_and_syntax()
        {
            var tree = CSharpSyntaxTree.ParseText("class C\n{\n    void M() => Go(1, 2);\n}\n", path: "/src/Agent.cs");
            var node = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>().Single();
            var e = Assert.Throws<InvalidOperationException>(() =>
                ResilienceAnalyzers.Infrastructure.AnalyzerGuard.Run<object>("RES1002", node, new object(), _ => throw new NullReferenceException("boom")));
            Assert.Equal("RES1002 failed at /src/Agent.cs(3,17) on `Go(1, 2)`: boom", e.Message);
            Assert.IsType<NullReferenceException>(e.InnerException);
        }

        /// <summary>One to three edits: delete a token, or insert one of a few tokens that typing leaves half-finished.</summary>
        private static string Mutate(string text, Random random)
        {
            var tokens = CSharpSyntaxTree.ParseText(text).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
            var edits = new List<(int Start, int Length, string Replacement)>();
            int count = random.Next(1, 4);
            for (int i = 0; i < count; i++)
            {
                var token = tokens[random.Next(tokens.Count)];
                edits.Add(random.Next(2) == 0
                    ? (token.SpanStart, token.Span.Length, string.Empty)
                    : (token.SpanStart, 0, Insertions[random.Next(Insertions.Length)] + " "));
            }

            foreach (var (start, length, replacement) in edits.OrderByDescending(e => e.Start).DistinctBy(e => e.Start))
            {
                text = text.Remove(start, length).Insert(start, replacement);
            }

            return text;
        }
    }
}
