using k8s;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Resilience.Kubernetes.Hosting;

namespace NodeAgentWorker;

/// <summary>The agent's host, built the same way by <c>Program</c> and by the test that runs it against a loopback API server.</summary>
public static class NodeAgent
{
    /// <summary>Readiness: Unhealthy until every informer has synced, Degraded while one backs off.</summary>
    public const string ReadyPath = "/healthz/ready";

    /// <summary>Liveness: the process answers (no check runs, so an API-server outage does not restart the pod).</summary>
    public const string LivePath = "/healthz/live";

    /// <summary>
    /// Builds the host. Configuration (appsettings, environment, command line): <c>Kubernetes:Host</c> (an API server
    /// URL, e.g. kubectl proxy; default in-cluster, else kubeconfig), <c>KubernetesInformers:NodeName</c> (default: the
    /// <c>NODE_NAME</c> environment variable), <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (export metrics over OTLP when set).
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        if (builder.Configuration["Kubernetes:Host"] is { Length: > 0 } host)
        {
            builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(new KubernetesClientConfiguration { Host = host }));
        }

        // One LIST/WATCH per scope for the whole process, started and stopped with the host.
        builder.Services.AddKubernetesInformers(o => builder.Configuration.GetSection("KubernetesInformers").Bind(o))
            .AddNodePods()   // pods with spec.nodeName=<node>
            .AddOwnNode();   // the node object itself (metadata.name=<node>)
        builder.Services.AddHealthChecks().AddKubernetesInformers();
        builder.Services.AddHostedService<NodePodsWorker>();

        var metrics = builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(InformerMetrics.MeterName));
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            metrics.UseOtlpExporter();
        }

        var app = builder.Build();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        return app;
    }
}
