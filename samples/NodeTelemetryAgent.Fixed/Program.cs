using k8s;
using NodeTelemetryAgent.Fixed;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(
    KubernetesClientConfiguration.IsInCluster()
        ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildConfigFromConfigFile(),
    // client-go's client-side limit (5 requests/s, burst 10) and the API server's Retry-After on 429 (RES1006).
    new Resilience.Kubernetes.RateLimitingHandler()));
builder.Services.AddHostedService<TelemetryAgent>();
builder.Build().Run();
