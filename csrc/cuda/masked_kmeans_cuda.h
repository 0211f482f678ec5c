// Host launchers of the CUDA masked k-means kernels, on raw pointers (no torch).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace mmpartdistill {
namespace cuda {

enum class PointType { kFloat, kHalf, kBFloat16 };

// Largest k the kernels are instantiated for.
constexpr int kMaxClusters = 64;
// Most k-means++ candidates per step, and the largest k whose
// local_trials(k) stays within them.
constexpr int kMaxTrials = 8;
constexpr int kMaxSeedClusters = 1096;

cudaError_t launch_kmeanspp(const void* points, PointType type, const int64_t* offsets,
                            int64_t batch, int64_t d, int k, uint64_t seed, float* centroids,
                            double* d2, float* cand, float* cand_dist, cudaStream_t stream);

cudaError_t launch_lloyd(const void* points, PointType type, const int64_t* offsets,
                         int64_t batch, int64_t d, int k, int iters, int metric, bool normalize,
                         float* centroids, int64_t* labels, float* inertia, double* sums,
                         float* cost, cudaStream_t stream);

}  // namespace cuda
}  // namespace mmpartdistill
