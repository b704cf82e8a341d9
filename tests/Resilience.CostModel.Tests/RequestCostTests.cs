using System.Linq;
using Resilience.CostModel;
using Xunit;

namespace Resilience.CostModel.Tests
{
    public class RequestCostTests
    {
        private static readonly ClusterShape Envelope = new ClusterShape(5000, 30);

        [Fact]
        public void NodeScopedListFromEtcdProcessesEveryPodToReturnThirty()
        {
            // KEP-2340's own example (facts.md): 5,000 kubelets, 150,000 pods processed to return 30.
            var cost = ApiServerCost.Estimate(Envelope, new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces) { NodeScoped = true });
            Assert.Equal(ServedFrom.Etcd, cost.ServedFrom);
            Assert.Equal(150_000, cost.ObjectsProcessed);
            Assert.Equal(30, cost.ObjectsReturned);
            Assert.Equal(ApiServerCost.MaxSeatsPerRequest, cost.Seats);
            Assert.False(cost.IndexLookup);
        }

        [Theory]
        [InlineData(ResourceKind.Pod, RequestScope.Namespace)]
        [InlineData(ResourceKind.Node, RequestScope.Cluster)]
        [InlineData(ResourceKind.ConfigMap, RequestScope.Namespace)]
        public void NameSelectedListWithAKeyReadsOneObjectLikeAGet(ResourceKind kind, RequestScope scope)
        {
            // store.go ListPredicate: metadata.name= where the key can be built is a read of that one key, not of the range;
            // APF's list_work_estimator.go (matchesSingle) charges it one object's width.
            var cost = ApiServerCost.Estimate(Envelope, new ListRequest(kind, scope) { NameScoped = true });
            Assert.Equal(ServedFrom.Etcd, cost.ServedFrom);
            Assert.Equal(1, cost.ObjectsProcessed);
            Assert.Equal(1, cost.ObjectsReturned);
            Assert.Equal(1, cost.Seats);
            Assert.Equal(ApiServerCost.ListMemoryAmplification * (long)Envelope.ObjectBytes(kind), cost.ApiServerMemoryBytes);
            var watch = ApiServerCost.EstimateWatch(Envelope, new ListRequest(kind, scope) { NameScoped = true }, resumes: false);
            Assert.Equal(1, watch.ObjectsProcessed);
        }

        [Fact]
        public void NameSelectedListAcrossNamespacesStillReadsEveryObjectOfTheKind()
        {
            // No namespace, no key: "the optimization is skipped" (store.go); APF still reads the name (matchesSingle).
            var cost = ApiServerCost.Estimate(Envelope, new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces) { NameScoped = true });
            Assert.Equal(150_000, cost.ObjectsProcessed);
            Assert.Equal(1, cost.ObjectsReturned);
            Assert.Equal(1, cost.Seats);
        }

        [Fact]
        public void NodeScopedListAtRvZeroUsesThePodIndex()
        {
            var cost = ApiServerCost.Estimate(Envelope, new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces) { NodeScoped = true, ResourceVersionZero = true });
            Assert.Equal(ServedFrom.WatchCache, cost.ServedFrom);
            Assert.Equal(30, cost.ObjectsProcessed);
            Assert.True(cost.IndexLookup);
            Assert.Equal(30L * ClusterShape.DefaultPodJsonBytes, cost.ApiServerMemoryBytes);
        }

        [Fact]
        public void UnboundedClusterWideListHoldsFiveTimesTheResponse()
        {
            var cost = ApiServerCost.Estimate(Envelope, new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces));
            Assert.Equal(150_000L * 14_000, cost.BytesReturned);
            Assert.Equal(5 * cost.BytesReturned, cost.ApiServerMemoryBytes);
            Assert.Equal(1, cost.Pages);
        }

        [Fact]
        public void EstimateFromCountsAgreesWithTheClusterShapeOverload()
        {
            foreach (var request in Requests())
            {
                var shaped = ApiServerCost.Estimate(Envelope, request);
                long stored = ApiServerCost.StoredInScope(Envelope, request);
                var counted = ApiServerCost.EstimateFromCounts(request, stored, shaped.ObjectsReturned, Envelope.ObjectBytes(request.Kind));
                Assert.Equal(shaped.ObjectsProcessed, counted.ObjectsProcessed);
                Assert.Equal(shaped.ObjectsReturned, counted.ObjectsReturned);
                Assert.Equal(shaped.ServedFrom, counted.ServedFrom);
                Assert.Equal(shaped.Seats, counted.Seats);
                Assert.Equal(shaped.ApiServerMemoryBytes, counted.ApiServerMemoryBytes);
            }
        }

        [Fact]
        public void PagesSumToTheWholeList()
        {
            foreach (var request in Requests())
            {
                long stored = ApiServerCost.StoredInScope(Envelope, request);
                var total = ApiServerCost.Estimate(Envelope, request);
                var pages = ApiServerCost.EstimatePages(request, stored, total.ObjectsReturned, 14_000);
                Assert.Equal(total.Pages, pages.Count);
                Assert.Equal(total.ObjectsProcessed, pages.Sum(p => p.ObjectsProcessed));
                Assert.Equal(total.ObjectsReturned, pages.Sum(p => p.ObjectsReturned));
                Assert.All(pages.Skip(1), p => Assert.True(p.HasContinue && p.ServedFrom == ServedFrom.Etcd));
            }
        }

        [Fact]
        public void PaginatedListOfThirtyThousandPodsIsSixtyPagesOfFiveHundred()
        {
            var request = new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces) { Limit = 500 };
            var pages = ApiServerCost.EstimatePages(request, 30_000, 30_000, 14_000);
            Assert.Equal(60, pages.Count);
            Assert.All(pages, p => Assert.Equal(500, p.ObjectsReturned));
            Assert.All(pages, p => Assert.Equal(10, p.Seats)); // 2 × limit = 1,000 objects → 10 seats
            Assert.Equal(5L * 500 * 14_000, pages[0].ApiServerMemoryBytes);
        }

        [Fact]
        public void RvZeroIgnoresLimit()
        {
            var request = new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces) { Limit = 500, ResourceVersionZero = true };
            var cost = ApiServerCost.EstimateFromCounts(request, 1000, 1000, 100);
            Assert.Equal(ServedFrom.WatchCache, cost.ServedFrom);
            Assert.Equal(1, cost.Pages);
            Assert.Equal(1000, cost.ObjectsReturned);
        }

        [Fact]
        public void WatchCosts()
        {
            var request = new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces) { NodeScoped = true };
            var resumed = ApiServerCost.EstimateWatch(Envelope, request, resumes: true);
            Assert.Equal(0, resumed.ObjectsProcessed);
            Assert.Equal(1, resumed.Seats);
            var replay = ApiServerCost.EstimateWatch(Envelope, request, resumes: false);
            Assert.Equal(30, replay.ObjectsReturned);
            Assert.Equal(30, replay.ObjectsProcessed); // node index
            var clusterWide = ApiServerCost.EstimateWatch(Envelope, new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces), resumes: false);
            Assert.Equal(150_000, clusterWide.ObjectsProcessed);
        }

        [Fact]
        public void OverridesChangeCountsAndSizesButDefaultsStay()
        {
            var shape = Envelope.WithObjects(ResourceKind.Service, 10_000).WithObjectBytes(ResourceKind.Pod, 20_000);
            Assert.Equal(10_000, shape.ObjectsStored(ResourceKind.Service));
            Assert.Equal(20_000, shape.ObjectBytes(ResourceKind.Pod));
            Assert.Equal(ClusterShape.DefaultPodJsonBytes, Envelope.ObjectBytes(ResourceKind.Pod));
            Assert.Equal(ClusterShape.DefaultPodJsonBytes, ClusterShape.JsonBytes(ResourceKind.Pod));
        }

        [Fact]
        public void WorkMatchesKep2340Calibration()
        {
            // KEP-2340: 300k × 1 KB objects from etcd, p50 10.5 s; from the watch cache ~0.5 s at 0.63 cores.
            var request = new ListRequest(ResourceKind.Other, RequestScope.AllNamespaces);
            var etcd = Calibration.Work(ApiServerCost.EstimateFromCounts(request, 300_000, 300_000, 1_000), WireEncoding.Protobuf);
            Assert.InRange(etcd.DurationSeconds, 10.5 * 0.9, 10.5 * 1.2);
            var cache = Calibration.Work(ApiServerCost.EstimateFromCounts(new ListRequest(ResourceKind.Other, RequestScope.AllNamespaces) { ResourceVersionZero = true }, 300_000, 300_000, 1_000), WireEncoding.Protobuf);
            Assert.InRange(cache.DurationSeconds, 0.3, 1.5);
            // An indexed node-scoped list is micro-seconds of lookup plus encoding of 30 pods.
            var indexed = Calibration.Work(ApiServerCost.Estimate(Envelope, new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces) { NodeScoped = true, ResourceVersionZero = true }));
            Assert.True(indexed.CpuSeconds < 0.01);
        }

        private static ListRequest[] Requests() => new[]
        {
            new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces),
            new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces) { NodeScoped = true },
            new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces) { NodeScoped = true, ResourceVersionZero = true },
            new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces) { Limit = 500 },
            new ListRequest(ResourceKind.Pod, RequestScope.AllNamespaces) { Limit = 500, NodeScoped = true },
            new ListRequest(ResourceKind.Pod, RequestScope.Namespace) { Limit = 500 },
            new ListRequest(ResourceKind.Node, RequestScope.Cluster) { NameScoped = true },
            new ListRequest(ResourceKind.Service, RequestScope.AllNamespaces) { ResourceVersionZero = true },
        };
    }
}
