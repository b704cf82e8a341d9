using System.Runtime.CompilerServices;
using System.Threading;

namespace Resilience.Kubernetes.Tests
{
    internal static class TestSetup
    {
        /// <summary>
        /// KubernetesClient 21.0.8 deserializes LIST bodies synchronously from the network stream
        /// (<c>KubernetesJson.Deserialize&lt;T&gt;(stream)</c> in <c>Kubernetes.CreateResultAsync</c>), which blocks a
        /// thread-pool thread per in-flight LIST. With the client and the loopback server in one process on 2 cores,
        /// that starves the pool and stalls requests by the pool's ~0.5 s thread-injection delay; more minimum
        /// threads keep the tests fast and their timing stable.
        /// </summary>
        [ModuleInitializer]
        internal static void RaiseThreadPoolMinimum()
        {
            ThreadPool.GetMinThreads(out var worker, out var io);
            ThreadPool.SetMinThreads(worker < 64 ? 64 : worker, io < 64 ? 64 : io);
        }
    }
}
