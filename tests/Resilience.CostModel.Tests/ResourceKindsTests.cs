using System;
using System.Linq;
using Resilience.CostModel;
using Xunit;

namespace Resilience.CostModel.Tests
{
    /// <summary>The kind table: counts from the scalability thresholds at the envelope, and no count where no source gives one.</summary>
    public class ResourceKindsTests
    {
        private static readonly ClusterShape Envelope = new ClusterShape(5000, 30);

        [Fact]
        public void AtTheEnvelopeTheCountsAreTheThresholds()
        {
            // thresholds.md: 150,000 pods and 10,000 services at 5,000 nodes.
            Assert.Equal(150_000, Envelope.ObjectsStored(ResourceKind.Pod));
            Assert.Equal(5_000, Envelope.ObjectsStored(ResourceKind.Node));
            Assert.Equal(10_000, Envelope.ObjectsStored(ResourceKind.Service));
            Assert.Equal(10_000, Envelope.ObjectsStored(ResourceKind.Endpoints));
            Assert.Equal(10_000, Envelope.ObjectsStored(ResourceKind.EndpointSlice));
            // One node lease per node (kube-node-lease).
            Assert.Equal(5_000, Envelope.ObjectsStored(ResourceKind.Lease));
        }

        [Fact]
        public void KindsWithNoPublishedCountSayWhatIsKnownAndArePricedByThePlaceholder()
        {
            var unknown = ResourceKinds.All.Where(r => !r.CountKnown).Select(r => r.Kind).ToArray();
            Assert.Contains(ResourceKind.CustomResource, unknown);
            Assert.Contains(ResourceKind.Secret, unknown);
            Assert.Contains(ResourceKind.Event, unknown);
            Assert.Contains(ResourceKind.Namespace, unknown);
            foreach (var row in ResourceKinds.All.Where(r => !r.CountKnown))
            {
                Assert.Null(row.Typical(Envelope));
                Assert.NotEmpty(row.Note);
                Assert.Equal(Envelope.Nodes, Envelope.ObjectsStored(row.Kind));
            }

            Assert.Equal(Envelope.Nodes, Envelope.ObjectsStored(ResourceKind.Other));
        }

        [Fact]
        public void EveryKindHasOneRowFoundByKindNameAndResource()
        {
            foreach (ResourceKind kind in Enum.GetValues(typeof(ResourceKind)))
            {
                var row = ResourceKinds.Find(kind);
                Assert.True(kind == ResourceKind.Other ? row == null : row != null, kind.ToString());
            }

            foreach (var row in ResourceKinds.All)
            {
                Assert.Same(row, ResourceKinds.Find(row.Name));
                Assert.Same(row, ResourceKinds.Find(row.Plural));
            }

            Assert.False(ResourceKinds.Find(ResourceKind.Namespace)!.Namespaced);
            Assert.Equal(ClusterShape.DefaultPodJsonBytes, ClusterShape.JsonBytes(ResourceKind.Pod));
            Assert.Equal(ClusterShape.DefaultOtherJsonBytes, ClusterShape.JsonBytes(ResourceKind.Secret));
            Assert.Equal(7, Envelope.WithObjects(ResourceKind.Secret, 7).ObjectsStored(ResourceKind.Secret));
        }
    }
}
