using k8s;
using NodeTelemetryAgent.Fixed;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(
    KubernetesClientConfiguration.IsInCluster()
        ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildConfigFromConfigFile()));
builder.Services.AddHostedService<TelemetryAgent>();
builder.Build().Run();
