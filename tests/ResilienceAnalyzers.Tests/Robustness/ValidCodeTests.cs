using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ResilienceAnalyzers.Tests.Robustness
{
    /// <summary>Correct, idiomatic code — informers, paginated loops, node-scoped watches, cached DNS, ordinary service code — stays silent.</summary>
    public class ValidCodeTests
    {
        [Fact]
        public async Task ValidCode_compiles_and_no_rule_fires_even_as_a_DaemonSet_on_5000_nodes()
        {
            var project = CorpusWorkspace.CreateProject(CorpusWorkspace.Files("ValidCode").Select(f => (Path.GetFileName(f), File.ReadAllText(f))));
            var compilation = (await project.GetCompilationAsync())!;
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

            var (diagnostics, exceptions) = await CorpusWorkspace.AnalyzeAsync(compilation);
            Assert.Empty(exceptions);
            Assert.Empty(diagnostics.Select(d => d.ToString()));
        }

        [Fact]
        public async Task The_flagged_corpus_compiles_and_every_rule_it_is_written_for_fires()
        {
            // The counterpart that keeps the silence above meaningful: the same harness does see violations.
            var project = CorpusWorkspace.CreateProject(CorpusWorkspace.Files("Flagged").Select(f => (Path.GetFileName(f), File.ReadAllText(f))));
            var compilation = (await project.GetCompilationAsync())!;
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

            var (diagnostics, exceptions) = await CorpusWorkspace.AnalyzeAsync(compilation);
            Assert.Empty(exceptions);
            var ids = diagnostics.Select(d => d.Id).ToHashSet();
            foreach (var id in new[] { "RES1001", "RES1002", "RES1003", "RES1004", "RES1005", "RES1006", "RES2001", "RES2003", "RES2004" })
            {
                Assert.Contains(id, ids);
            }
        }
    }
}
