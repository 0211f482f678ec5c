// Host launchers of the CUDA masked k-means kernels; plain nvcc, no torch.
#include "masked_kmeans_cuda.h"
#include "masked_kmeans_kernel.cuh"

namespace mmpartdistill {
namespace cuda {

namespace {

template <typename T>
cudaError_t seed_typed(const void* points, const int64_t* offsets, int64_t batch, int64_t d,
                       int k, uint64_t seed, float* centroids, double* d2, float* cand,
                       float* cand_dist, cudaStream_t stream) {
  kmeanspp_kernel<T><<<batch, kThreads, 0, stream>>>(static_cast<const T*>(points), offsets, d,
                                                     k, seed, centroids, d2, cand, cand_dist);
  return cudaGetLastError();
}

template <typename T, int KMAX>
cudaError_t lloyd_fixed(const void* points, const int64_t* offsets, int64_t batch, int64_t d,
                        int k, int iters, int metric, bool normalize, float* centroids,
                        int64_t* labels, float* inertia, double* sums, float* cost,
                        cudaStream_t stream) {
  lloyd_kernel<T, KMAX><<<batch, kThreads, 0, stream>>>(static_cast<const T*>(points), offsets,
                                                        d, k, iters, metric, normalize,
                                                        centroids, labels, inertia, sums, cost);
  return cudaGetLastError();
}

template <typename T>
cudaError_t lloyd_typed(const void* points, const int64_t* offsets, int64_t batch, int64_t d,
                        int k, int iters, int metric, bool normalize, float* centroids,
                        int64_t* labels, float* inertia, double* sums, float* cost,
                        cudaStream_t stream) {
  // k picks the register budget of the per-lane dot products
  if (k <= 4) {
    return lloyd_fixed<T, 4>(points, offsets, batch, d, k, iters, metric, normalize, centroids,
                             labels, inertia, sums, cost, stream);
  }
  if (k <= 8) {
    return lloyd_fixed<T, 8>(points, offsets, batch, d, k, iters, metric, normalize, centroids,
                             labels, inertia, sums, cost, stream);
  }
  if (k <= 16) {
    return lloyd_fixed<T, 16>(points, offsets, batch, d, k, iters, metric, normalize, centroids,
                              labels, inertia, sums, cost, stream);
  }
  if (k <= 32) {
    return lloyd_fixed<T, 32>(points, offsets, batch, d, k, iters, metric, normalize, centroids,
                              labels, inertia, sums, cost, stream);
  }
  if (k <= kMaxClusters) {
    return lloyd_fixed<T, kMaxClusters>(points, offsets, batch, d, k, iters, metric, normalize,
                                        centroids, labels, inertia, sums, cost, stream);
  }
  return cudaErrorInvalidValue;
}

}  // namespace

cudaError_t launch_kmeanspp(const void* points, PointType type, const int64_t* offsets,
                            int64_t batch, int64_t d, int k, uint64_t seed, float* centroids,
                            double* d2, float* cand, float* cand_dist, cudaStream_t stream) {
  if (batch == 0) return cudaSuccess;
  if (local_trials(k) > kMaxTrials) return cudaErrorInvalidValue;
  switch (type) {
    case PointType::kHalf:
      return seed_typed<__half>(points, offsets, batch, d, k, seed, centroids, d2, cand, cand_dist, stream);
    case PointType::kBFloat16:
      return seed_typed<__nv_bfloat16>(points, offsets, batch, d, k, seed, centroids, d2, cand,
                                       cand_dist, stream);
    default:
      return seed_typed<float>(points, offsets, batch, d, k, seed, centroids, d2, cand, cand_dist, stream);
  }
}

cudaError_t launch_lloyd(const void* points, PointType type, const int64_t* offsets,
                         int64_t batch, int64_t d, int k, int iters, int metric, bool normalize,
                         float* centroids, int64_t* labels, float* inertia, double* sums,
                         float* cost, cudaStream_t stream) {
  if (batch == 0) return cudaSuccess;
  switch (type) {
    case PointType::kHalf:
      return lloyd_typed<__half>(points, offsets, batch, d, k, iters, metric, normalize,
                                 centroids, labels, inertia, sums, cost, stream);
    case PointType::kBFloat16:
      return lloyd_typed<__nv_bfloat16>(points, offsets, batch, d, k, iters, metric, normalize,
                                        centroids, labels, inertia, sums, cost, stream);
    default:
      return lloyd_typed<float>(points, offsets, batch, d, k, iters, metric, normalize,
                                centroids, labels, inertia, sums, cost, stream);
  }
}

}  // namespace cuda
}  // namespace mmpartdistill
