using System;
using System.Collections.Generic;
using k8s;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Resilience.Kubernetes;
using Resilience.Kubernetes.Hosting;

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers shared Kubernetes informers in the host.</summary>
    public static class KubernetesInformersServiceCollectionExtensions
    {
        /// <summary>
        /// Adds the <see cref="SharedInformerFactory"/> (one informer per scope per process), a hosted service that
        /// starts the informers with the host and stops them on shutdown, and <see cref="KubernetesInformerOptions"/>
        /// validated at start. Uses the <see cref="IKubernetes"/> already registered, or one from
        /// <see cref="KubernetesClientConfiguration.BuildDefaultConfig"/> (in-cluster, else kubeconfig).
        /// </summary>
        public static KubernetesInformersBuilder AddKubernetesInformers(this IServiceCollection services, Action<KubernetesInformerOptions>? configure = null)
        {
            if (services is null) throw new ArgumentNullException(nameof(services));
            var options = services.AddOptions<KubernetesInformerOptions>();
            if (configure is not null) options.Configure(configure);
            options.ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<KubernetesInformerOptions>, NodeNameFromEnvironment>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KubernetesInformerOptions>, KubernetesInformerOptionsValidator>());
            services.TryAddSingleton<IKubernetes>(_ => new k8s.Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()));
            services.TryAddSingleton<SharedInformerFactory>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, SharedInformerHostedService>());
            return new KubernetesInformersBuilder(services);
        }

        /// <summary>
        /// Adds <see cref="KubernetesInformersHealthCheck"/>: Unhealthy until every informer has synced, Degraded while
        /// one backs off. Tagged <c>ready</c> by default, for <c>MapHealthChecks("/healthz/ready", new() { Predicate = c =&gt; c.Tags.Contains("ready") })</c>.
        /// </summary>
        public static IHealthChecksBuilder AddKubernetesInformers(
            this IHealthChecksBuilder builder, string name = "kubernetes-informers", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
        {
            if (builder is null) throw new ArgumentNullException(nameof(builder));
            return builder.AddCheck<KubernetesInformersHealthCheck>(name, failureStatus, tags ?? new[] { "ready" });
        }
    }
}
