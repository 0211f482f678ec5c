// Declarations shared by the dispatcher and the backends of the masked k-means op.
#pragma once

#include <torch/types.h>

#include <tuple>

namespace mmpartdistill {

at::Tensor kmeanspp_init_cpu(const at::Tensor& points, const at::Tensor& offsets, int64_t k,
                             int64_t seed);

std::tuple<at::Tensor, at::Tensor, at::Tensor> masked_kmeans_cpu(
    const at::Tensor& points, const at::Tensor& offsets, const at::Tensor& init_centroids,
    int64_t iters, int64_t metric, bool normalize_centroids);

// Seeding, Lloyd and n_init restarts of every instance in one pass.
std::tuple<at::Tensor, at::Tensor, at::Tensor> masked_kmeans_fit_cpu(
    const at::Tensor& points, const at::Tensor& offsets, int64_t k, int64_t iters,
    int64_t metric, bool normalize_centroids, int64_t seed, int64_t n_init);

#ifdef WITH_CUDA
at::Tensor kmeanspp_init_cuda(const at::Tensor& points, const at::Tensor& offsets, int64_t k,
                              int64_t seed);

std::tuple<at::Tensor, at::Tensor, at::Tensor> masked_kmeans_cuda(
    const at::Tensor& points, const at::Tensor& offsets, const at::Tensor& init_centroids,
    int64_t iters, int64_t metric, bool normalize_centroids);
#endif

}  // namespace mmpartdistill
