// Dispatcher of the masked k-means op: registers the schema with torch,
// checks inputs once, and routes to the backend of the points' device.
#include <torch/extension.h>
#include <torch/library.h>

#include "common/masked_kmeans_core.h"
#include "masked_kmeans.h"

namespace mmpartdistill {

namespace {

void check_packed(const at::Tensor& points, const at::Tensor& offsets) {
  TORCH_CHECK(points.dim() == 2, "points must be [N, D], got ", points.sizes());
  const auto type = points.scalar_type();
  TORCH_CHECK(type == at::kFloat || (points.is_cuda() && (type == at::kHalf || type == at::kBFloat16)),
              "points must be float32 (float16/bfloat16 also on CUDA), got ", type, " on ",
              points.device());
  TORCH_CHECK(points.is_contiguous(), "points must be contiguous");
  TORCH_CHECK(offsets.dim() == 1 && offsets.size(0) >= 1, "offsets must be [B+1], got ",
              offsets.sizes());
  TORCH_CHECK(offsets.scalar_type() == at::kLong, "offsets must be int64, got ",
              offsets.scalar_type());
  TORCH_CHECK(offsets.is_contiguous(), "offsets must be contiguous");
  TORCH_CHECK(offsets.device() == points.device(), "offsets are on ", offsets.device(),
              " but points are on ", points.device());
}

at::Tensor kmeanspp_init(const at::Tensor& points, const at::Tensor& offsets, int64_t k,
                         int64_t seed) {
  check_packed(points, offsets);
  TORCH_CHECK(k >= 1, "k must be >= 1, got ", k);
#ifdef WITH_CUDA
  if (points.is_cuda()) return kmeanspp_init_cuda(points, offsets, k, seed);
#endif
  return kmeanspp_init_cpu(points, offsets, k, seed);
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> masked_kmeans(
    const at::Tensor& points, const at::Tensor& offsets, const at::Tensor& init_centroids,
    int64_t iters, int64_t metric, bool normalize_centroids) {
  check_packed(points, offsets);
  TORCH_CHECK(init_centroids.dim() == 3 && init_centroids.size(0) == offsets.size(0) - 1 &&
                  init_centroids.size(2) == points.size(1),
              "init_centroids must be [B, k, D] = [", offsets.size(0) - 1, ", k, ",
              points.size(1), "], got ", init_centroids.sizes());
  TORCH_CHECK(init_centroids.scalar_type() == at::kFloat && init_centroids.is_contiguous(),
              "init_centroids must be contiguous float32");
  TORCH_CHECK(init_centroids.device() == points.device(), "init_centroids are on ",
              init_centroids.device(), " but points are on ", points.device());
  TORCH_CHECK(metric == 0 || metric == 1, "metric must be 0 (l2) or 1 (dot), got ", metric);
  TORCH_CHECK(iters >= 0, "iters must be >= 0, got ", iters);
#ifdef WITH_CUDA
  if (points.is_cuda()) {
    return masked_kmeans_cuda(points, offsets, init_centroids, iters, metric, normalize_centroids);
  }
#endif
  return masked_kmeans_cpu(points, offsets, init_centroids, iters, metric, normalize_centroids);
}

#ifdef WITH_CUDA
// Seeding then Lloyd, n_init times from independent seeds, as separate
// launches; every instance keeps the restart of lowest inertia (the first
// on ties), as the CPU backend does within each instance's task.
std::tuple<at::Tensor, at::Tensor, at::Tensor> fit_by_restarts(
    const at::Tensor& points, const at::Tensor& offsets, int64_t k, int64_t iters, int64_t metric,
    bool normalize_centroids, int64_t seed, int64_t n_init) {
  const at::Tensor sizes =
      offsets.narrow(0, 1, offsets.size(0) - 1) - offsets.narrow(0, 0, offsets.size(0) - 1);
  std::tuple<at::Tensor, at::Tensor, at::Tensor> best;
  for (int64_t r = 0; r < n_init; ++r) {
    const at::Tensor init = kmeanspp_init_cuda(
        points, offsets, k, static_cast<int64_t>(restart_seed(static_cast<uint64_t>(seed), r)));
    auto run = masked_kmeans_cuda(points, offsets, init, iters, metric, normalize_centroids);
    if (r == 0) {
      best = std::move(run);
      continue;
    }
    const at::Tensor better = std::get<2>(run) < std::get<2>(best);
    std::get<0>(best) = at::where(better.repeat_interleave(sizes, 0, points.size(0)),
                                  std::get<0>(run), std::get<0>(best));
    std::get<1>(best) = at::where(better.view({-1, 1, 1}), std::get<1>(run), std::get<1>(best));
    std::get<2>(best) = at::where(better, std::get<2>(run), std::get<2>(best));
  }
  return best;
}
#endif

std::tuple<at::Tensor, at::Tensor, at::Tensor> masked_kmeans_fit(
    const at::Tensor& points, const at::Tensor& offsets, int64_t k, int64_t iters, int64_t metric,
    bool normalize_centroids, int64_t seed, int64_t n_init) {
  check_packed(points, offsets);
  TORCH_CHECK(k >= 1, "k must be >= 1, got ", k);
  TORCH_CHECK(iters >= 0, "iters must be >= 0, got ", iters);
  TORCH_CHECK(metric == 0 || metric == 1, "metric must be 0 (l2) or 1 (dot), got ", metric);
  TORCH_CHECK(n_init >= 1, "n_init must be >= 1, got ", n_init);
#ifdef WITH_CUDA
  if (points.is_cuda()) {
    return fit_by_restarts(points, offsets, k, iters, metric, normalize_centroids, seed, n_init);
  }
#endif
  return masked_kmeans_fit_cpu(points, offsets, k, iters, metric, normalize_centroids, seed,
                               n_init);
}

}  // namespace

TORCH_LIBRARY(mmpartdistill, m) {
  m.def("kmeanspp_init(Tensor points, Tensor offsets, int k, int seed) -> Tensor");
  m.def(
      "masked_kmeans(Tensor points, Tensor offsets, Tensor init_centroids, int iters, "
      "int metric, bool normalize_centroids) -> (Tensor, Tensor, Tensor)");
  m.def(
      "masked_kmeans_fit(Tensor points, Tensor offsets, int k, int iters, int metric, "
      "bool normalize_centroids, int seed, int n_init) -> (Tensor, Tensor, Tensor)");
}

TORCH_LIBRARY_IMPL(mmpartdistill, CPU, m) {
  m.impl("kmeanspp_init", &kmeanspp_init);
  m.impl("masked_kmeans", &masked_kmeans);
  m.impl("masked_kmeans_fit", &masked_kmeans_fit);
}

#ifdef WITH_CUDA
TORCH_LIBRARY_IMPL(mmpartdistill, CUDA, m) {
  m.impl("kmeanspp_init", &kmeanspp_init);
  m.impl("masked_kmeans", &masked_kmeans);
  m.impl("masked_kmeans_fit", &masked_kmeans_fit);
}
#endif

}  // namespace mmpartdistill

// The module itself exports nothing: importing it loads the library, whose
// static initialisers register the ops under torch.ops.mmpartdistill.
PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {}
