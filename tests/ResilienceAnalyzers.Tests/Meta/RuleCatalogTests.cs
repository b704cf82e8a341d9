using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using ResilienceAnalyzers.CodeFixes.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Meta
{
    /// <summary>Rules about the rules: IDs, help links, doc pages, release tracking, fixers.</summary>
    public class RuleCatalogTests
    {
        public static IReadOnlyList<DiagnosticAnalyzer> Analyzers { get; } = typeof(RuleIdentifiers).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() != null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToList();

        public static IReadOnlyList<CodeFixProvider> Fixers { get; } = typeof(RES1002ScopeToNodeFixer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToList();

        private static IEnumerable<DiagnosticDescriptor> Descriptors => Analyzers.SelectMany(a => a.SupportedDiagnostics);

        public static IEnumerable<object[]> RuleIds => Descriptors.Select(d => d.Id).Distinct().Select(id => new object[] { id });

        [Fact]
        public void Every_ID_is_a_constant_of_RuleIdentifiers_and_belongs_to_one_analyzer()
        {
            var constants = typeof(RuleIdentifiers).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name != nameof(RuleIdentifiers.RepositoryUrl))
                .Select(f => (string)f.GetRawConstantValue()!)
                .ToList();
            Assert.Equal(constants.Count, constants.Distinct().Count());
            foreach (var group in Analyzers.SelectMany(a => a.SupportedDiagnostics.Select(d => (Analyzer: a.GetType(), d.Id))).GroupBy(x => x.Id))
            {
                Assert.Contains(group.Key, constants);
                Assert.Single(group.Select(x => x.Analyzer).Distinct());
                Assert.Matches("^RES[0-2][0-9]{3}$", group.Key);
            }

            Assert.Equal(constants.OrderBy(x => x), RuleIds.Select(r => (string)r[0]).OrderBy(x => x));
        }

        [Fact]
        public void Descriptors_sharing_an_ID_agree_on_title_category_and_severity()
        {
            foreach (var group in Descriptors.GroupBy(d => d.Id))
            {
                Assert.Single(group.Select(d => (d.Title.ToString(), d.Category, d.DefaultSeverity)).Distinct());
            }
        }

        [Theory]
        [MemberData(nameof(RuleIds))]
        public void Help_link_points_to_the_rule_page(string id)
        {
            foreach (var descriptor in Descriptors.Where(d => d.Id == id))
            {
                Assert.Equal(RuleIdentifiers.RepositoryUrl + "/blob/main/docs/rules/" + id + ".md", descriptor.HelpLinkUri);
                // Every rule ships enabled: RES2003 was off until its severity came from the path (issue 11; see its page).
                Assert.True(descriptor.IsEnabledByDefault);
                Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()));
                Assert.Contains(descriptor.Category, new[] { "Configuration", "Kubernetes", "Dns" });
            }
        }

        [Theory]
        [MemberData(nameof(RuleIds))]
        public void Rule_page_exists_titled_like_the_descriptor_with_every_section(string id)
        {
            string path = Path.Combine(References.RepositoryRoot, "docs", "rules", id + ".md");
            Assert.True(File.Exists(path), "missing " + path);
            string[] lines = File.ReadAllLines(path);
            var descriptor = Descriptors.First(d => d.Id == id);
            Assert.Equal("# " + id + ": " + descriptor.Title, lines[0]);
            foreach (var section in new[] { "## Cause", "## Cost", "## Fix", "## When to suppress", "## Examples", "## Configuration" })
            {
                Assert.Contains(section, lines);
            }

            string severityRow = lines.Single(l => l.StartsWith("| Default severity |", StringComparison.Ordinal));
            Assert.Contains(descriptor.DefaultSeverity.ToString(), severityRow);
            Assert.Equal(!descriptor.IsEnabledByDefault, severityRow.Contains("disabled by default"));
            string fixRow = lines.Single(l => l.StartsWith("| Code fix |", StringComparison.Ordinal));
            bool documentedFix = fixRow.StartsWith("| Code fix | Yes", StringComparison.Ordinal);
            Assert.Equal(documentedFix, Fixers.Any(f => f.FixableDiagnosticIds.Contains(id)));
        }

        [Theory]
        [MemberData(nameof(RuleIds))]
        public void Readme_links_every_rule(string id)
        {
            string readme = File.ReadAllText(Path.Combine(References.RepositoryRoot, "README.md"));
            Assert.Contains("[" + id + "](docs/rules/" + id + ".md)", readme);
        }

        [Fact]
        public void Release_tracking_lists_exactly_the_rules()
        {
            string unshipped = File.ReadAllText(Path.Combine(References.RepositoryRoot, "src", "ResilienceAnalyzers", "AnalyzerReleases.Unshipped.md"));
            string shipped = File.ReadAllText(Path.Combine(References.RepositoryRoot, "src", "ResilienceAnalyzers", "AnalyzerReleases.Shipped.md"));
            var tracked = Regex.Matches(unshipped + shipped, @"^(RES\d{4})\s*\|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
            Assert.Equal(RuleIds.Select(r => (string)r[0]).ToHashSet(), tracked);
        }

        [Fact]
        public void Every_fixer_fixes_a_real_rule_and_supports_Fix_All()
        {
            Assert.NotEmpty(Fixers);
            var ids = RuleIds.Select(r => (string)r[0]).ToHashSet();
            foreach (var fixer in Fixers)
            {
                Assert.NotEmpty(fixer.FixableDiagnosticIds);
                Assert.All(fixer.FixableDiagnosticIds, id => Assert.Contains(id, ids));
                var fixAll = fixer.GetFixAllProvider();
                Assert.NotNull(fixAll);
                Assert.Contains(FixAllScope.Document, fixAll.GetSupportedFixAllScopes());
                Assert.Contains(FixAllScope.Solution, fixAll.GetSupportedFixAllScopes());
                Assert.NotNull(fixer.GetType().GetCustomAttribute<ExportCodeFixProviderAttribute>());
            }
        }

        [Fact]
        public void Tests_run_the_analyzers_inside_Roslyn_4_8()
        {
            // The package targets the .NET 8 SDK's compiler; the unit tests host the same version.
            Assert.Equal(new Version(4, 8, 0, 0), typeof(Compilation).Assembly.GetName().Version);
        }
    }
}
