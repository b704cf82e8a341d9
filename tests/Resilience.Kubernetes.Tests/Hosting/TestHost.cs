using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resilience.Kubernetes.Hosting;
using Resilience.Kubernetes.Testing;

namespace Resilience.Kubernetes.Tests.Hosting
{
    /// <summary>A .NET host wired as a worker service would be, its IKubernetes pointed at the loopback server.</summary>
    internal static class TestHost
    {
        public static IHost Build(
            FakeApiServer server,
            Action<KubernetesInformerOptions> configure,
            Action<KubernetesInformersBuilder>? informers = null,
            Action<IServiceCollection>? services = null,
            ILoggerProvider? logs = null)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddLogging(l =>
            {
                l.SetMinimumLevel(LogLevel.Debug);
                if (logs is not null) l.AddProvider(logs);
            });
            builder.Services.AddMetrics();
            builder.Services.AddSingleton<k8s.IKubernetes>(_ => server.CreateClient());
            var registered = builder.Services.AddKubernetesInformers(o =>
            {
                o.Informer.StreamingInitialList = false; // these tests count LISTs; StreamingListTests covers the streaming list
                configure(o);
            });
            informers?.Invoke(registered);
            builder.Services.AddHealthChecks().AddKubernetesInformers();
            services?.Invoke(builder.Services);
            return builder.Build();
        }

        /// <summary>The tags of the informers' health check registration.</summary>
        public static IEnumerable<string> Tags(IHost host) =>
            host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations
                .Single(r => r.Name == "kubernetes-informers").Tags;
    }
}
