// Incomplete: code as it is while being typed or when references are missing — unresolvable receivers, missing
// types, wrong arities. Analyzers see invalid operations here and must neither throw nor guess.
using System.Threading.Tasks;
using k8s;

namespace Flagged
{
    public sealed class HalfTyped
    {
        public async Task RunAsync(IKubernetes client)
        {
            await unknownClient.CoreV1.ListPodForAllNamespacesAsync();
            await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: MissingSelector());
            await client.CoreV1.ListPodForAllNamespacesAsync(limit: "five");
            await client.CoreV1.ListNamespacedPodAsync();
            await client.Missing.ListNodeAsync();
            System.Net.Dns.GetHostAddresses(undefinedHost);
            while (true)
            {
                client.CoreV1.ListNode(
            }
        }
    }
}
