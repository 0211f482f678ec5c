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

#ifdef WITH_CUDA
at::Tensor kmeanspp_init_cuda(const at::Tensor& points, const at::Tensor& offsets, int64_t k,
                              int64_t seed);

std::tuple<at::Tensor, at::Tensor, at::Tensor> masked_kmeans_cuda(
    const at::Tensor& points, const at::Tensor& offsets, const at::Tensor& init_centroids,
    int64_t iters, int64_t metric, bool normalize_centroids);
#endif

}  // namespace mmpartdistill
