using System.Threading.Tasks;
using CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics;
using DiagnosticOptions = Microsoft.CodeAnalysis.Testing.DiagnosticOptions;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Analysis
{
    /// <summary>
    /// Code that runs in the elected leader only is one copy, whatever the workload: a DaemonSet that elects a leader runs
    /// its controllers and their jobs once (unseen survey set: neonKUBE's cluster operator, a DaemonSet whose Quartz jobs
    /// are scheduled by a Neon.Operator controller). Each leader-only shape has a twin that is not.
    /// </summary>
    public class LeaderElectionTests
    {
        private const string ElectorAgent = """
            using System;
            using System.Threading.Tasks;
            using k8s;
            using k8s.LeaderElection;

            class Sweeper
            {
                private readonly IKubernetes client;
                private readonly LeaderElector elector;

                public Sweeper(IKubernetes client, LeaderElector elector)
                {
                    this.client = client;
                    this.elector = elector;
                }

                public void Start()
                {
                    HOOK
                }

                private async void Lead()
                {
                    var pods = await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                }

                private async void Inline()
                {
                    await Task.Yield();
                }
            }
            """;

        [Theory]
        [InlineData("elector.OnStartedLeading += Lead;", false)]
        [InlineData("elector.OnStartedLeading += () => Lead();", false)]
        [InlineData("elector.OnStoppedLeading += Lead;", true)]
        [InlineData("Lead();", true)]
        public async Task RES1002_a_leader_callback_runs_in_one_copy_of_a_DaemonSet(string hook, bool flagged)
        {
            var test = new AnalyzerTest<RES1002ClusterWideAccessAnalyzer>(ElectorAgent.Replace("HOOK", hook), Client.V21, Config.DaemonSet(5000));
            if (flagged)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task RES1002_a_list_written_inside_the_leader_callback_runs_in_one_copy()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.LeaderElection;

                class Sweeper
                {
                    public void Start(IKubernetes client, LeaderElector elector)
                    {
                        elector.OnStartedLeading += async () =>
                        {
                            var pods = await client.CoreV1.ListPodForAllNamespacesAsync();
                        };
                        elector.OnNewLeader += async leader =>
                        {
                            var pods = await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();
                        };
                    }
                }
                """;
            var test = new AnalyzerTest<RES1002ClusterWideAccessAnalyzer>(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            await test.RunAsync();
        }

        /// <summary>
        /// neonKUBE's shape, with Neon.Operator and Quartz not referenced (the survey compiles the project without its
        /// packages; the IDE before restore): the controller's base and the job's interface are error types with only their names.
        /// </summary>
        private const string ScheduledJobs = """
            using System.Threading.Tasks;
            using k8s;
            using k8s.Models;
            using Quartz;

            public class NodeSweepJob : IJob
            {
                private readonly IKubernetes client;

                public NodeSweepJob(IKubernetes client) => this.client = client;

                public async Task Execute(IJobExecutionContext context)
                {
                    var nodes = await client.CoreV1.{|#0:ListNodeAsync|}();
                }
            }

            public class SCHEDULER
            {
                public Task ReconcileAsync(V1ConfigMap config) => ScheduleJobAsync<NodeSweepJob>("0 0 1 * * ?");

                public Task ScheduleJobAsync<TJob>(string cron) => Task.CompletedTask;
            }
            """;

        [Fact]
        public async Task RES1002_a_job_scheduled_by_a_leader_elected_controller_runs_in_one_copy()
        {
            var test = new AnalyzerTest<RES1002ClusterWideAccessAnalyzer>(ScheduledJobs.Replace("SCHEDULER", "JobController : ResourceControllerBase<V1ConfigMap>"), Client.V21, Config.DaemonSet(5000))
            {
                CompilerDiagnostics = CompilerDiagnostics.None,
            };
            await test.RunAsync();
        }

        [Theory]
        [InlineData("ResourceFinalizerBase<V1ConfigMap>", false)]
        [InlineData("ResourceHelperBase<V1ConfigMap>", true)]
        public async Task RES1002_a_Neon_Operator_finalizer_runs_in_one_copy(string baseType, bool flagged)
        {
            string source = """
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;
                using Neon.Operator.Finalizers;

                public class RegistryFinalizer : BASE
                {
                    private readonly IKubernetes client;

                    public RegistryFinalizer(IKubernetes client) => this.client = client;

                    public async Task FinalizeAsync(V1ConfigMap entity)
                    {
                        var nodes = await client.CoreV1.{|#0:ListNodeAsync|}();
                    }
                }
                """.Replace("BASE", baseType);
            var test = new AnalyzerTest<RES1002ClusterWideAccessAnalyzer>(source, Client.V21, Config.DaemonSet(5000))
            {
                CompilerDiagnostics = CompilerDiagnostics.None,
            };
            if (flagged)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task RES1002_a_job_scheduled_by_code_in_every_copy_runs_in_every_copy()
        {
            var test = new AnalyzerTest<RES1002ClusterWideAccessAnalyzer>(ScheduledJobs.Replace("SCHEDULER", "JobScheduler"), Client.V21, Config.DaemonSet(5000))
            {
                CompilerDiagnostics = CompilerDiagnostics.None,
            };
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule, 0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
            await test.RunAsync();
        }

        [Theory]
        [InlineData("JobController : ResourceControllerBase<V1ConfigMap>", false)]
        [InlineData("JobScheduler", true)]
        public async Task RES1003_a_scheduled_job_in_one_copy_is_a_suggestion(string scheduler, bool warning)
        {
            // A Quartz trigger's schedule is set outside the code, usually minutes to days apart: in one copy an informer kept
            // open between runs would cost more than the LIST; from every node of a DaemonSet it is the storm.
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(ScheduledJobs.Replace("SCHEDULER", scheduler), Client.V21, Config.DaemonSet(5000))
            {
                CompilerDiagnostics = CompilerDiagnostics.None,
            };
            test.ExpectedDiagnostics.Add((warning ? Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 0) : Expect.Info(RES1003PollingListAnalyzer.Rule, 0))
                .WithMessage(warning
                    ? "ListNodeAsync lists nodes in the cluster on every pass of Quartz job from 5,000 copies (<ResilienceWorkload> = DaemonSet): 25 M nodes (~1 TB as JSON) processed per pass across 5,000 copies, at a period the code does not state, at 5,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"
                    : "ListNodeAsync lists nodes in the cluster on every pass of Quartz job from one copy (NodeSweepJob runs where it is scheduled: JobController schedules it, which runs in the elected leader): 5,000 nodes (~200 MB as JSON) processed per pass across one copy, at a period the code does not state, at 5,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_job_named_only_as_a_logger_category_is_not_scheduled_there()
        {
            // TerminatedPodGcJob's shape in neonKUBE: another type names the job in CreateLogger<T>(); that does not run it.
            var source = ScheduledJobs.Replace("SCHEDULER", "JobController : ResourceControllerBase<V1ConfigMap>")
                + """

                public class OtherJob
                {
                    private static readonly object Logger = Create<NodeSweepJob>();
                    private static object Create<T>() => new object();
                }
                """;
            var test = new AnalyzerTest<RES1002ClusterWideAccessAnalyzer>(source, Client.V21, Config.DaemonSet(5000))
            {
                CompilerDiagnostics = CompilerDiagnostics.None,
            };
            await test.RunAsync();
        }
    }
}
