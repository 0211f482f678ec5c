// CPU masked k-means: parallel over instances and, inside a large instance,
// over its points (at::parallel_for runs inline when already parallel).
#include <ATen/Parallel.h>
#include <torch/types.h>

#include <atomic>
#include <vector>

#include "../common/masked_kmeans_core.h"
#include "../masked_kmeans.h"

namespace mmpartdistill {

namespace {
constexpr int64_t kPointGrain = 2048;
}

at::Tensor kmeanspp_init_cpu(const at::Tensor& points, const at::Tensor& offsets, int64_t k,
                             int64_t seed) {
  const int64_t batch = offsets.size(0) - 1;
  const int64_t d = points.size(1);
  at::Tensor centroids = at::empty({batch, k, d}, points.options());
  const float* x = points.data_ptr<float>();
  const int64_t* off = offsets.data_ptr<int64_t>();
  float* out = centroids.data_ptr<float>();
  at::parallel_for(0, batch, 1, [&](int64_t b0, int64_t b1) {
    std::vector<double> d2;
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t n = off[b + 1] - off[b];
      d2.resize(n);
      kmeanspp_seed(x + off[b] * d, n, d, k, static_cast<uint64_t>(seed), b, out + b * k * d,
                    d2.data());
    }
  });
  return centroids;
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> masked_kmeans_cpu(
    const at::Tensor& points, const at::Tensor& offsets, const at::Tensor& init_centroids,
    int64_t iters, int64_t metric, bool normalize_centroids) {
  const int64_t batch = offsets.size(0) - 1;
  const int64_t d = points.size(1);
  const int64_t k = init_centroids.size(1);
  at::Tensor centroids = init_centroids.clone();
  at::Tensor labels = at::zeros({points.size(0)}, offsets.options());
  at::Tensor inertia = at::zeros({batch}, points.options().dtype(at::kDouble));
  const float* x_all = points.data_ptr<float>();
  const int64_t* off = offsets.data_ptr<int64_t>();
  float* c_all = centroids.data_ptr<float>();
  int64_t* labels_all = labels.data_ptr<int64_t>();
  double* inertia_all = inertia.data_ptr<double>();
  const auto kind = static_cast<KMeansMetric>(metric);

  at::parallel_for(0, batch, 1, [&](int64_t b0, int64_t b1) {
    std::vector<double> sums(k * d);
    std::vector<int64_t> counts(k);
    std::vector<float> cnorm(k);
    std::vector<float> cost;
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t n = off[b + 1] - off[b];
      const float* x = x_all + off[b] * d;
      float* c = c_all + b * k * d;
      int64_t* lab = labels_all + off[b];
      if (n <= k) {
        for (int64_t i = 0; i < n; ++i) lab[i] = i;
        continue;
      }
      cost.assign(n, 0.f);
      for (int64_t i = 0; i < n; ++i) lab[i] = -1;
      auto assign = [&]() {
        centroid_norms(c, k, d, cnorm.data());
        std::atomic<bool> changed{false};
        at::parallel_for(0, n, kPointGrain, [&](int64_t p0, int64_t p1) {
          if (assign_points(x, d, c, k, cnorm.data(), kind, p0, p1, lab, cost.data())) {
            changed.store(true, std::memory_order_relaxed);
          }
        });
        return changed.load();
      };
      // Converged once an assignment changes nothing, unless the last update
      // re-seeded a cluster: its centroid and its donor's are no means yet.
      bool reseeded = false;
      for (int64_t it = 0; it < iters; ++it) {
        if (!assign() && it > 0 && !reseeded) break;
        reseeded = update_centroids(x, n, d, k, normalize_centroids, lab, cost.data(), c,
                                    sums.data(), counts.data());
      }
      assign();
      inertia_all[b] = instance_inertia(x, n, d, c, lab);
    }
  });
  return {labels, centroids, inertia.to(points.scalar_type())};
}

}  // namespace mmpartdistill
