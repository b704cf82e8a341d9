using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using ResilienceAnalyzers.Configuration;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using ResilienceAnalyzers.Tests.Robustness;
using Xunit;
using VerifyConfig = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Configuration.ConfigurationAnalyzer>;
using VerifyRes1002 = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer>;

namespace ResilienceAnalyzers.Tests.Configuration
{
    /// <summary>Fan-out from the Kubernetes manifests given as AdditionalFiles, with no other configuration.</summary>
    public class ManifestTests
    {
        private const string Source = """
            using System.Threading.Tasks;
            using k8s;

            class C
            {
                Task Run(IKubernetes client) => client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
            }
            """;

        /// <summary>What the SDK and the package's props hand the analyzers: the project folder and the project's name.</summary>
        private static readonly (string, string) Project = Config.MsBuild("build_property.ProjectDir = /0/\nbuild_property.MSBuildProjectName = NodeAgent");

        private const string DaemonSet = """
            # the per-node agent
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: node-agent
              namespace: monitoring
            spec:
              selector:
                matchLabels: {app: node-agent}
              template:
                metadata:
                  labels:
                    app: node-agent
                spec:
                  containers:
                  - name: agent
                    image: "ghcr.io/example/node-agent:1.4.2@sha256:0123abcd"
                    args: ["--interval", "30s"]
                    env:
                    - name: NODE_NAME
                      valueFrom:
                        fieldRef:
                          fieldPath: spec.nodeName
                    command:
                      - /bin/sh
                      - -c
                      - |
                        echo "starting: it's #1"
                          exec agent
            """;

        private const string NodeCost = "each call makes the API server process 30,000 pods (~420 MB as JSON) from etcd to return this node's 30; 30 M pods (~420 GB as JSON) for one round of 1,000 copies, at 1,000 nodes × 30 pods per node";

        private const string NodeFix = "add fieldSelector: \"spec.nodeName=\" + the node name (when the code does not have it, set it in the pod spec from the downward API: env: [{name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}])";

        private static VerifyRes1002 Res1002(params (string Path, string Text)[] manifests) => Res1002(new[] { Project }, manifests);

        private static VerifyRes1002 Res1002((string, string)[] config, params (string Path, string Text)[] manifests)
        {
            var test = new VerifyRes1002(Source, Client.V21, config);
            foreach (var manifest in manifests)
            {
                test.TestState.AdditionalFiles.Add(manifest);
            }

            return test;
        }

        private static VerifyConfig Notes((string, string)[] config, params (string Path, string Text)[] manifests)
        {
            var test = new VerifyConfig("class C { }", Client.None, config);
            foreach (var manifest in manifests)
            {
                test.TestState.AdditionalFiles.Add(manifest);
            }

            return test;
        }

        private static DiagnosticResult EveryNode(string reason) => Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule)
            .WithArguments("runs on every node (1,000 copies; " + reason + ")", "lists", "pod", "in all namespaces", "instead of its own", NodeCost, NodeFix);

        /// <summary>RES1002 for a replicated copy listing every pod to find its own; <paramref name="round"/> is the cost of one round of all copies.</summary>
        private static DiagnosticResult EveryReplica(string fanOut, string round) => Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule).WithArguments(
            fanOut, "lists", "pod", "in all namespaces", "instead of its own",
            "each call makes the API server process 30,000 pods (~420 MB as JSON) from etcd to return its own pod; " + round + ", at 1,000 nodes × 30 pods per node",
            "read the pod by name in its namespace (ReadNamespacedPod: a GET of one key; fieldSelector metadata.name= on a list of every namespace still makes the API server read every object of the kind: without a namespace it cannot look the name up; when the code does not have them, set its name and namespace in the pod spec from the downward API: env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}], and metadata.namespace the same way)");

        [Fact]
        public async Task A_DaemonSet_manifest_makes_the_project_run_on_every_node()
        {
            var test = Res1002(("/0/deploy/agent.yaml", DaemonSet));
            test.ExpectedDiagnostics.Add(EveryNode("DaemonSet node-agent in deploy/agent.yaml:3"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Without_manifests_the_same_code_has_no_fan_out()
        {
            // The twin of the test above: the diagnostic comes from the manifest, not from the code.
            await Res1002().RunAsync();
        }

        [Theory]
        [InlineData("ghcr.io/example/node-agent:1.4.2", "other", "other")]      // image, last path segment without tag
        [InlineData("example/other:1", "node_agent", "other")]                  // container name, '_' and '-' alike
        [InlineData("example/other:1", "other", "Node.Agent")]                  // metadata.name, case and '.' ignored
        public async Task The_workload_is_matched_by_image_container_or_metadata_name(string image, string container, string name)
        {
            string manifest = $"""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata:
                  name: {name}
                spec:
                  template:
                    spec:
                      containers:
                        - name: {container}
                          image: {image}
                """;
            var test = Res1002(("/0/deploy/agent.yaml", manifest));
            test.ExpectedDiagnostics.Add(EveryNode("DaemonSet " + name + " in deploy/agent.yaml:2"));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_assembly_name_matches_too()
        {
            // The test compilation's assembly is "TestProject"; no MSBuildProjectName is given here.
            const string manifest = """
                kind: DaemonSet
                apiVersion: apps/v1
                metadata: {name: flow-maps-are-not-read}
                spec:
                  template:
                    spec:
                      containers:
                      - name: main
                        image: registry.example:5000/test-project
                """;
            var test = Res1002(new[] { Config.MsBuild("build_property.ProjectDir = /0/") }, ("/0/k8s/ds.yml", manifest));
            test.ExpectedDiagnostics.Add(EveryNode("DaemonSet in k8s/ds.yml:1"));
            await test.RunAsync();
        }

        [Theory]
        [InlineData("Deployment", "  replicas: 5\n", "runs in every replica (5 copies; Deployment node-agent in deploy/app.yaml:2)", "150,000 pods (~2.1 GB as JSON) for one round of 5 copies")]
        [InlineData("StatefulSet", "  replicas: 3\n", "runs in every replica (3 copies; StatefulSet node-agent in deploy/app.yaml:2)", "90,000 pods (~1.26 GB as JSON) for one round of 3 copies")]
        // Kubernetes' own default when spec.replicas is absent (apps/v1 API reference): one copy.
        [InlineData("Deployment", "", "runs in every replica (1 copy; Deployment node-agent in deploy/app.yaml:2)", "30,000 pods (~420 MB as JSON) for one round of 1 copy")]
        [InlineData("StatefulSet", "", "runs in every replica (1 copy; StatefulSet node-agent in deploy/app.yaml:2)", "30,000 pods (~420 MB as JSON) for one round of 1 copy")]
        public async Task Deployments_and_StatefulSets_run_in_their_replicas(string kind, string replicas, string fanOut, string round)
        {
            string manifest = "apiVersion: apps/v1\nkind: " + kind + "\nmetadata:\n  name: node-agent\nspec:\n" + replicas + "  template:\n    spec:\n      containers:\n      - name: app\n        image: node-agent\n";
            var test = Res1002(("/0/deploy/app.yaml", manifest));
            test.ExpectedDiagnostics.Add(EveryReplica(fanOut, round));
            await test.RunAsync();
        }

        private const string TwoReplicas = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: node-agent\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: app\n        image: node-agent\n";

        private const string Autoscaler = """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: node-agent-hpa
            spec:
              scaleTargetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: node-agent
              minReplicas: 2
              maxReplicas: 12
              metrics:
              - type: Resource
                resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
            """;

        [Fact]
        public async Task A_HorizontalPodAutoscaler_sets_the_replicas_to_its_maxReplicas()
        {
            var test = Res1002(("/0/deploy/app.yaml", TwoReplicas), ("/0/deploy/hpa.yaml", Autoscaler));
            test.ExpectedDiagnostics.Add(EveryReplica(
                "runs in every replica (12 copies; Deployment node-agent in deploy/app.yaml:2, scaled by HorizontalPodAutoscaler node-agent-hpa (maxReplicas 12) in deploy/hpa.yaml:11)",
                "360,000 pods (~5.04 GB as JSON) for one round of 12 copies"));
            await test.RunAsync();

            // Its twin: an autoscaler of another workload, or of another kind of the same name, leaves the Deployment's own 2.
            foreach (var other in new[] { Autoscaler.Replace("name: node-agent\n", "name: collector\n"), Autoscaler.Replace("kind: Deployment", "kind: StatefulSet") })
            {
                var twin = Res1002(("/0/deploy/app.yaml", TwoReplicas), ("/0/deploy/hpa.yaml", other));
                twin.ExpectedDiagnostics.Add(EveryReplica("runs in every replica (2 copies; Deployment node-agent in deploy/app.yaml:2)", "60,000 pods (~840 MB as JSON) for one round of 2 copies"));
                await twin.RunAsync();
            }
        }

        [Fact]
        public async Task A_kustomization_replicas_entry_sets_the_count_the_largest_overlay_wins_and_an_autoscaler_over_both()
        {
            const string dev = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\nreplicas:\n- name: node-agent\n  count: 1\n";
            const string prod = "resources:\n- ../../base\nreplicas:\n- name: collector\n  count: 9\n- name: node-agent\n  count: 6\n";
            var test = Res1002(("/0/deploy/base/app.yaml", TwoReplicas), ("/0/deploy/overlays/dev/kustomization.yaml", dev), ("/0/deploy/overlays/prod/kustomization.yaml", prod));
            test.ExpectedDiagnostics.Add(EveryReplica(
                "runs in every replica (6 copies; Deployment node-agent in deploy/base/app.yaml:2, scaled by kustomization replicas node-agent (count 6) in deploy/overlays/prod/kustomization.yaml:7)",
                "180,000 pods (~2.52 GB as JSON) for one round of 6 copies"));
            await test.RunAsync();

            var withAutoscaler = Res1002(("/0/deploy/base/app.yaml", TwoReplicas), ("/0/deploy/overlays/prod/kustomization.yaml", prod), ("/0/deploy/base/hpa.yaml", Autoscaler));
            withAutoscaler.ExpectedDiagnostics.Add(EveryReplica(
                "runs in every replica (12 copies; Deployment node-agent in deploy/base/app.yaml:2, scaled by HorizontalPodAutoscaler node-agent-hpa (maxReplicas 12) in deploy/base/hpa.yaml:11)",
                "360,000 pods (~5.04 GB as JSON) for one round of 12 copies"));
            await withAutoscaler.RunAsync();

            // Kustomize's own output (kustomize build > all.yaml) is plain manifests: read as any other (no kustomization in it).
            const string built = "apiVersion: v1\nkind: Service\nmetadata:\n  name: node-agent\n---\n" + TwoReplicas;
            var output = Res1002(("/0/deploy/all.yaml", built.Replace("replicas: 2", "replicas: 4")));
            output.ExpectedDiagnostics.Add(EveryReplica("runs in every replica (4 copies; Deployment node-agent in deploy/all.yaml:7)", "120,000 pods (~1.68 GB as JSON) for one round of 4 copies"));
            await output.RunAsync();
        }

        /// <summary>What <c>helm create node-agent</c> scaffolds, cut down: names and replicas are template expressions.</summary>
        private const string HelmTemplate = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ include "node-agent.fullname" . }}
              labels:
                {{- include "node-agent.labels" . | nindent 4 }}
            spec:
              {{- if not .Values.autoscaling.enabled }}
              replicas: {{ .Values.replicaCount }}
              {{- end }}
              template:
                spec:
                  containers:
                    - name: {{ .Chart.Name }}
                      image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
            """;

        [Fact]
        public async Task Helm_values_with_a_literal_replicaCount_set_the_replicas_and_templates_are_not_evaluated()
        {
            const string values = """
                replicaCount: 4
                image:
                  repository: ghcr.io/example/node-agent
                  tag: ""
                nameOverride: ""
                """;
            var test = Res1002(("/0/charts/node-agent/values.yaml", values), ("/0/charts/node-agent/templates/deployment.yaml", HelmTemplate));
            test.ExpectedDiagnostics.Add(EveryReplica("runs in every replica (4 copies; Helm chart node-agent (replicaCount 4) in charts/node-agent/values.yaml:1)", "120,000 pods (~1.68 GB as JSON) for one round of 4 copies"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_chart_template_DaemonSet_with_a_templated_name_is_named_after_its_chart()
        {
            string template = HelmTemplate.Replace("kind: Deployment", "kind: DaemonSet");
            var test = Res1002(("/0/charts/node-agent/templates/daemonset.yaml", template));
            test.ExpectedDiagnostics.Add(EveryNode("DaemonSet node-agent in charts/node-agent/templates/daemonset.yaml:2"));
            await test.RunAsync();

            // Outside a chart's templates folder a templated name names nothing.
            await Res1002(("/0/deploy/daemonset.yaml", template)).RunAsync();

            // A DaemonSet runs on every node whatever the chart's replicaCount says: one workload, not two.
            var withValues = Res1002(("/0/charts/node-agent/templates/daemonset.yaml", template), ("/0/charts/node-agent/values.yaml", "replicaCount: 1\n"));
            withValues.ExpectedDiagnostics.Add(EveryNode("DaemonSet node-agent in charts/node-agent/templates/daemonset.yaml:2"));
            await withValues.RunAsync();
        }

        [Fact]
        public async Task Several_documents_in_one_file_and_several_files_find_the_one_workload_and_ignore_the_rest()
        {
            const string bundle = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: node-agent
                data:
                  config.yaml: |
                    kind: Deployment
                    replicas: 9
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: node-agent
                --- # the agent itself
                apiVersion: apps/v1
                kind: DaemonSet
                metadata:
                  name: node-agent
                ...
                """;
            const string other = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: api-server
                spec:
                  replicas: 3
                """;
            var test = Res1002(("/0/deploy/bundle.yaml", bundle), ("/0/deploy/api.yaml", other));
            test.ExpectedDiagnostics.Add(EveryNode("DaemonSet node-agent in deploy/bundle.yaml:16"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_manifest_that_is_not_a_workload_is_ignored()
        {
            const string configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: node-agent\ndata:\n  key: value\n";
            await Res1002(("/0/deploy/config.yaml", configMap)).RunAsync();
            await Notes(new[] { Project }, ("/0/deploy/config.yaml", configMap)).RunAsync();
        }

        private const string Collector = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: collector\nspec:\n  replicas: 2\n";

        private const string NodeAgentDeployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: node-agent\nspec:\n  replicas: 2\n";

        [Fact]
        public async Task No_match_sets_no_fan_out_and_a_note_lists_what_was_found_and_how_to_map()
        {
            await Res1002(("/0/deploy/collector.yaml", Collector)).RunAsync();

            var notes = Notes(new[] { Project }, ("/0/deploy/collector.yaml", Collector));
            notes.ExpectedDiagnostics.Add(new DiagnosticResult(ConfigurationAnalyzer.ManifestMatchRule).WithSeverity(DiagnosticSeverity.Info).WithMessage(
                "ResilienceAnalyzers: no workload in the manifests matches this project (TestProject, NodeAgent, compared with image, container and metadata names), so they do not set its fan-out; found: Deployment collector (deploy/collector.yaml:2). "
                + "To use one, set resilience.manifest_workload = <name> in .editorconfig/.globalconfig or <ResilienceManifestWorkload>name</ResilienceManifestWorkload>, or <ResilienceWorkload>"));
            await notes.RunAsync();
        }

        [Fact]
        public async Task Several_matches_set_no_fan_out_and_a_note_lists_them()
        {
            await Res1002(("/0/deploy/agent.yaml", DaemonSet), ("/0/deploy/app.yaml", NodeAgentDeployment)).RunAsync();

            var notes = Notes(new[] { Project }, ("/0/deploy/agent.yaml", DaemonSet), ("/0/deploy/app.yaml", NodeAgentDeployment));
            notes.ExpectedDiagnostics.Add(new DiagnosticResult(ConfigurationAnalyzer.ManifestMatchRule).WithSeverity(DiagnosticSeverity.Info).WithMessage(
                "ResilienceAnalyzers: several workloads in the manifests match this project, so they do not set its fan-out: DaemonSet node-agent (deploy/agent.yaml:3), Deployment node-agent (deploy/app.yaml:2). "
                + "To choose one, set resilience.manifest_workload = <name> in .editorconfig/.globalconfig or <ResilienceManifestWorkload>name</ResilienceManifestWorkload>, or <ResilienceWorkload>"));
            await notes.RunAsync();
        }

        [Theory]
        [InlineData("build_property.ResilienceManifestWorkload = DaemonSet/node-agent")]
        [InlineData("resilience.manifest_workload = daemonset/Node_Agent")]
        public async Task An_explicit_mapping_chooses_among_several_matches(string mapping)
        {
            var config = new[] { Config.MsBuild("build_property.ProjectDir = /0/\nbuild_property.MSBuildProjectName = NodeAgent\n" + mapping) };
            var test = Res1002(config, ("/0/deploy/agent.yaml", DaemonSet), ("/0/deploy/app.yaml", NodeAgentDeployment));
            test.ExpectedDiagnostics.Add(EveryNode("DaemonSet node-agent in deploy/agent.yaml:3"));
            await test.RunAsync();
            await Notes(config, ("/0/deploy/agent.yaml", DaemonSet), ("/0/deploy/app.yaml", NodeAgentDeployment)).RunAsync();
        }

        [Fact]
        public async Task An_explicit_mapping_names_a_workload_the_project_name_does_not_match()
        {
            var test = Res1002(new[] { Project, Config.EditorConfig("resilience.manifest_workload = collector") }, ("/0/deploy/collector.yaml", Collector));
            test.ExpectedDiagnostics.Add(EveryReplica("runs in every replica (2 copies; Deployment collector in deploy/collector.yaml:2)", "60,000 pods (~840 MB as JSON) for one round of 2 copies"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_mapping_that_names_no_workload_is_reported_with_what_was_found()
        {
            var notes = Notes(new[] { Config.MsBuild("build_property.ProjectDir = /0/\nbuild_property.ResilienceManifestWorkload = colector") }, ("/0/deploy/collector.yaml", Collector));
            notes.ExpectedDiagnostics.Add(new DiagnosticResult(ConfigurationAnalyzer.GlobalRule).WithMessage(
                "ResilienceAnalyzers: <ResilienceManifestWorkload> = 'colector' is not valid; expected the metadata.name (or Kind/name) of a DaemonSet, Deployment or StatefulSet in the manifests given as AdditionalFiles; found: Deployment collector (deploy/collector.yaml:2). The default is used instead."));
            await notes.RunAsync();
        }

        [Fact]
        public async Task Explicit_workload_and_replicas_win_over_the_manifests()
        {
            var workload = Res1002(new[] { Project, Config.EditorConfig("resilience.workload = Deployment\nresilience.replicas = 2") }, ("/0/deploy/agent.yaml", DaemonSet));
            workload.ExpectedDiagnostics.Add(EveryReplica("runs in every replica (2 copies; resilience.workload = Deployment)", "60,000 pods (~840 MB as JSON) for one round of 2 copies"));
            await workload.RunAsync();

            var replicas = Res1002(new[] { Project, Config.EditorConfig("resilience.replicas = 7") }, ("/0/deploy/app.yaml", NodeAgentDeployment));
            replicas.ExpectedDiagnostics.Add(EveryReplica("runs in every replica (7 copies; Deployment node-agent in deploy/app.yaml:2, replicas as configured)", "210,000 pods (~2.94 GB as JSON) for one round of 7 copies"));
            await replicas.RunAsync();

            // No note either: nothing was left for the manifests to decide.
            await Notes(new[] { Project, Config.MsBuild("build_property.ResilienceWorkload = None") }, ("/0/deploy/collector.yaml", Collector)).RunAsync();
        }

        [Theory]
        [InlineData("kind: DaemonSet\nmetadata:\n  name: node-agent\n   namespace: x\n", 4, "unexpected indentation: line 3 already gave its value (multi-line plain scalars are not supported)")]
        [InlineData("kind: DaemonSet\nmetadata:\n\tname: node-agent\n", 3, "a tab in the indentation (YAML forbids tabs for indentation)")]
        [InlineData("kind: DaemonSet\nmetadata:\n  name: \"node-agent\n", 3, "unterminated double-quoted string (quoted strings must close on the same line)")]
        [InlineData("kind: DaemonSet\nmetadata:\n    name: node-agent\n  labels: {}\n", 4, "unexpected indentation (2 spaces where the block above uses 0)")]
        [InlineData("kind: DaemonSet\nspec:\n  args: [a,\n    b]\n", 3, "a flow collection ('[a,') must close on the same line")]
        public async Task Unreadable_YAML_is_reported_on_its_file_and_line_and_never_crashes(string yaml, int line, string reason)
        {
            var notes = Notes(new[] { Project }, ("/0/deploy/agent.yaml", yaml));
            notes.ExpectedDiagnostics.Add(new DiagnosticResult(ConfigurationAnalyzer.ManifestRule)
                .WithLocation("/0/deploy/agent.yaml", line, 1)
                .WithMessage("ResilienceAnalyzers: cannot read the manifest deploy/agent.yaml:" + line + ": " + reason + ". Its workloads do not set the fan-out."));
            await notes.RunAsync();

            // Every rule reads the same manifests: none of them throws (an AD0001 would fail this test) or guesses a fan-out.
            await Res1002(("/0/deploy/agent.yaml", yaml)).RunAsync();
        }

        [Fact]
        public async Task A_chart_template_outside_the_subset_is_a_note_not_a_warning()
        {
            // Whole-line {{ }} directives are skipped; content they indent differently is outside the subset.
            const string template = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n{{- if .Values.labels }}\n    labels: x\n{{- end }}\n";
            var notes = Notes(new[] { Project }, ("/0/charts/agent/templates/ds.yaml", template));
            notes.ExpectedDiagnostics.Add(new DiagnosticResult(ConfigurationAnalyzer.ManifestRule)
                .WithSeverity(DiagnosticSeverity.Info)
                .WithLocation("/0/charts/agent/templates/ds.yaml", 6, 1)
                .WithMessage("ResilienceAnalyzers: cannot read the manifest charts/agent/templates/ds.yaml:6: unexpected indentation: line 4 already gave its value (multi-line plain scalars are not supported) (Helm {{ }} expressions are not evaluated; the chart's values.yaml is read instead). Its workloads do not set the fan-out."));
            await notes.RunAsync();
        }

        [Fact]
        public async Task Manifests_are_read_once_per_compilation_for_every_rule()
        {
            var manifest = new CountingText("/0/deploy/agent.yaml", DaemonSet);
            var compilation = CSharpCompilation.Create(
                "NodeAgent",
                new[] { CSharpSyntaxTree.ParseText(Source.Replace("{|#0:", string.Empty).Replace("|}", string.Empty), path: "/0/Test0.cs") },
                References.NetFramework.AddRange(References.KubernetesClient),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var analyzers = Robustness.CorpusWorkspace.Analyzers;
            var options = new AnalyzerOptions(ImmutableArray.Create<AdditionalText>(manifest));
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);

            Assert.True(analyzers.Length > 5, "every rule ran");
            Assert.Contains(diagnostics, d => d.Id == "RES1002" && d.GetMessage().Contains("DaemonSet node-agent in /0/deploy/agent.yaml:3", StringComparison.Ordinal));
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            Assert.Equal(1, manifest.Reads);
        }

        private sealed class CountingText : AdditionalText
        {
            private readonly string text;
            private int reads;

            public CountingText(string path, string text)
            {
                Path = path;
                this.text = text;
            }

            public override string Path { get; }

            public int Reads => reads;

            public override SourceText GetText(CancellationToken cancellationToken = default)
            {
                Interlocked.Increment(ref reads);
                return SourceText.From(text);
            }
        }
    }
}
