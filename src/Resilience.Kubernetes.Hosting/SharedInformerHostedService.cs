using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Resilience.Kubernetes.Hosting
{
    /// <summary>
    /// Creates the informers registered with <see cref="KubernetesInformersBuilder"/>, starts every shared informer
    /// with the host, and stops them (closing their watches) when the host stops.
    /// </summary>
    internal sealed class SharedInformerHostedService : IHostedService
    {
        private readonly SharedInformerFactory factory;
        private readonly IEnumerable<InformerRegistration> registrations;
        private readonly KubernetesInformerOptions options;

        public SharedInformerHostedService(SharedInformerFactory factory, IEnumerable<InformerRegistration> registrations, IOptions<KubernetesInformerOptions> options)
        {
            this.factory = factory;
            this.registrations = registrations;
            this.options = options.Value;
        }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var registration in registrations) registration.Create(factory);
            factory.Start();
            if (options.WaitForSyncOnStart) await factory.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        }

        public Task StopAsync(CancellationToken cancellationToken) => factory.DisposeAsync().AsTask().WaitAsync(cancellationToken);
    }

    /// <summary>An informer declared at registration, created when the host starts so readiness waits for it.</summary>
    internal sealed class InformerRegistration
    {
        public InformerRegistration(Action<SharedInformerFactory> create) => Create = create;

        public Action<SharedInformerFactory> Create { get; }
    }
}
