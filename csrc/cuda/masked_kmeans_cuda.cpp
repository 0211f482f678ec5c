// Torch side of the CUDA backend: allocates outputs and workspace on the
// points' device and stream, then calls the plain-CUDA launchers.
#include <ATen/ATen.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/cuda/CUDAGuard.h>

#include "../masked_kmeans.h"
#include "masked_kmeans_cuda.h"

namespace mmpartdistill {

namespace {

cuda::PointType point_type(const at::Tensor& points) {
  switch (points.scalar_type()) {
    case at::kHalf:
      return cuda::PointType::kHalf;
    case at::kBFloat16:
      return cuda::PointType::kBFloat16;
    default:
      return cuda::PointType::kFloat;
  }
}

void check(cudaError_t err, const char* what) {
  TORCH_CHECK(err == cudaSuccess, what, " failed: ", cudaGetErrorString(err));
}

}  // namespace

at::Tensor kmeanspp_init_cuda(const at::Tensor& points, const at::Tensor& offsets, int64_t k,
                              int64_t seed) {
  const c10::cuda::CUDAGuard guard(points.device());
  const int64_t batch = offsets.size(0) - 1;
  at::Tensor centroids = at::empty({batch, k, points.size(1)}, points.options().dtype(at::kFloat));
  TORCH_CHECK(k <= cuda::kMaxSeedClusters, "k must be <= ", cuda::kMaxSeedClusters,
              " for seeding on CUDA, got ", k);
  at::Tensor d2 = at::empty({points.size(0)}, points.options().dtype(at::kDouble));
  at::Tensor cand = at::empty({batch, cuda::kMaxTrials, points.size(1)}, points.options().dtype(at::kFloat));
  at::Tensor cand_dist = at::empty({points.size(0), cuda::kMaxTrials}, points.options().dtype(at::kFloat));
  check(cuda::launch_kmeanspp(points.data_ptr(), point_type(points), offsets.data_ptr<int64_t>(),
                              batch, points.size(1), static_cast<int>(k),
                              static_cast<uint64_t>(seed), centroids.data_ptr<float>(),
                              d2.data_ptr<double>(), cand.data_ptr<float>(),
                              cand_dist.data_ptr<float>(),
                              c10::cuda::getCurrentCUDAStream().stream()),
        "masked k-means seeding kernel");
  return centroids;
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> masked_kmeans_cuda(
    const at::Tensor& points, const at::Tensor& offsets, const at::Tensor& init_centroids,
    int64_t iters, int64_t metric, bool normalize_centroids) {
  const c10::cuda::CUDAGuard guard(points.device());
  const int64_t batch = offsets.size(0) - 1;
  const int64_t k = init_centroids.size(1);
  TORCH_CHECK(k <= cuda::kMaxClusters, "k must be <= ", cuda::kMaxClusters, " on CUDA, got ", k);
  at::Tensor centroids = init_centroids.clone();
  at::Tensor labels = at::empty({points.size(0)}, offsets.options());
  at::Tensor inertia = at::empty({batch}, points.options().dtype(at::kFloat));
  at::Tensor sums = at::empty({batch, k, points.size(1)}, points.options().dtype(at::kDouble));
  at::Tensor cost = at::empty({points.size(0)}, points.options().dtype(at::kFloat));
  check(cuda::launch_lloyd(points.data_ptr(), point_type(points), offsets.data_ptr<int64_t>(),
                           batch, points.size(1), static_cast<int>(k), static_cast<int>(iters),
                           static_cast<int>(metric), normalize_centroids,
                           centroids.data_ptr<float>(), labels.data_ptr<int64_t>(),
                           inertia.data_ptr<float>(), sums.data_ptr<double>(),
                           cost.data_ptr<float>(), c10::cuda::getCurrentCUDAStream().stream()),
        "masked k-means Lloyd kernel");
  return {labels, centroids, inertia};
}

}  // namespace mmpartdistill
