// CPU masked k-means. Instances run in parallel (at::parallel_for). Dot
// products come from BLAS (at::mm) in row blocks. For L2 and cosine, Lloyd
// iterations skip the rows whose assignment provably cannot change
// (Hamerly's bounds: an upper bound on the distance to the own centroid, a
// lower bound on the second nearest, both moved by the centroid shifts), and
// cluster sums are updated only for rows that change cluster. The result is
// that of plain Lloyd; the work per iteration shrinks as clusters settle.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <numeric>
#include <vector>

#include "../common/masked_kmeans_core.h"
#include "../masked_kmeans.h"

namespace mmpartdistill {

namespace {

constexpr int64_t kRowBlock = 256;
// Bounds are only trusted with this relative margin against rounding in the
// expanded distances, so skipped rows are those plain Lloyd would not move.
constexpr float kBoundMargin = 1e-3f;

at::Tensor row_norms(const at::Tensor& x) { return (x * x).sum(1); }

// Row kernels compiled twice on x86-64 with GCC (AVX2 and baseline); the
// loader picks what the processor runs.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MMPD_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define MMPD_MULTIVERSION
#endif

MMPD_MULTIVERSION float row_dot(const float* a, const float* b, int64_t d) {
  float acc = 0.f;
#pragma omp simd reduction(+ : acc)
  for (int64_t t = 0; t < d; ++t) acc += a[t] * b[t];
  return acc;
}

MMPD_MULTIVERSION void add_to_sum(double* sum, const float* x, int64_t d, double sign) {
#pragma omp simd
  for (int64_t t = 0; t < d; ++t) sum[t] += sign * static_cast<double>(x[t]);
}

MMPD_MULTIVERSION double row_sqdist(const float* a, const float* b, int64_t d) {
  double acc = 0.0;
#pragma omp simd reduction(+ : acc)
  for (int64_t t = 0; t < d; ++t) {
    const double diff = static_cast<double>(a[t]) - b[t];
    acc += diff * diff;
  }
  return acc;
}

// Runs solve(b) for every instance, largest first, handing instances to
// threads as they free up: instance sizes vary widely, static chunks would not.
template <typename F>
void for_each_instance(const int64_t* off, int64_t batch, const F& solve) {
  std::vector<int64_t> order(batch);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return off[a + 1] - off[a] > off[b + 1] - off[b];
  });
  std::atomic<int64_t> next{0};
  at::parallel_for(0, std::min<int64_t>(batch, at::get_num_threads()), 1, [&](int64_t, int64_t) {
    for (int64_t i = next++; i < batch; i = next++) solve(order[i]);
  });
}

class InstanceKMeans {
 public:
  InstanceKMeans(const at::Tensor& x, at::Tensor c, int64_t* labels, KMeansMetric metric,
                 bool normalize)
      : x_(x), c_(std::move(c)), xnorm_(at::empty({x.size(0)}, x.options())), n_(x.size(0)),
        d_(x.size(1)),
        k_(c_.size(0)), metric_(metric), normalize_(normalize), bounded_(metric == KMeansMetric::kL2),
        labels_(labels), cost_(n_), upper_(n_), lower_(n_), sums_(k_ * d_), counts_(k_),
        cnorm_(k_), moved_(k_), half_gap_(k_) {
    const float* xp = x_.data_ptr<float>();
    float* xn = xnorm_.data_ptr<float>();
    for (int64_t i = 0; i < n_; ++i) xn[i] = row_dot(xp + i * d_, xp + i * d_, d_);
  }

  // Squared L2 distance of every row to its assigned centroid, summed.
  double inertia() const {
    const float* xp = x_.data_ptr<float>();
    const float* cp = c_.data_ptr<float>();
    double acc = 0.0;
    for (int64_t i = 0; i < n_; ++i) acc += row_sqdist(xp + i * d_, cp + labels_[i] * d_, d_);
    return acc;
  }

  void run(int64_t iters) {
    bool reseeded = false, converged = false, need_full = true;
    for (int64_t it = 0; it < iters && !converged; ++it) {
      const bool changed = need_full ? full_assign() : bounded_assign();
      need_full = false;
      converged = !changed && it > 0 && !reseeded;
      if (converged) break;
      if (std::find(counts_.begin(), counts_.end(), 0) != counts_.end()) exact_costs();
      const at::Tensor before = c_.clone();
      reseeded = finish_update(x_.data_ptr<float>(), n_, d_, k_, normalize_, sums_.data(),
                               counts_.data(), labels_, cost_.data(), c_.data_ptr<float>());
      if (reseeded || !bounded_) {
        need_full = true;
      } else {
        shift_bounds(before);
      }
    }
    if (!converged) need_full ? full_assign() : bounded_assign();
  }

 private:
  void refresh_norms() {
    const at::Tensor cn = row_norms(c_);
    std::copy(cn.data_ptr<float>(), cn.data_ptr<float>() + k_, cnorm_.begin());
  }

  // Assigns every row from BLAS dot products and rebuilds the cluster sums.
  bool full_assign() {
    refresh_norms();
    const at::Tensor ct = c_.t();
    const float* xp = x_.data_ptr<float>();
    const float* xn = xnorm_.data_ptr<float>();
    std::fill(sums_.begin(), sums_.end(), 0.0);
    std::fill(counts_.begin(), counts_.end(), 0);
    bool changed = false;
    for (int64_t r0 = 0; r0 < n_; r0 += kRowBlock) {
      const int64_t rows = std::min(kRowBlock, n_ - r0);
      const at::Tensor dots = at::mm(x_.narrow(0, r0, rows), ct).contiguous();
      const float* dp = dots.data_ptr<float>();
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t i = r0 + r;
        const int64_t old = labels_[i];
        if (bounded_) {
          float best, second;
          two_nearest(dp + r * k_, xn[i], cnorm_.data(), k_, labels_ + i, &best, &second);
          cost_[i] = best;
          upper_[i] = std::sqrt(best);
          lower_[i] = std::sqrt(second);
        } else {
          pick_nearest(dp + r * k_, xn + i, cnorm_.data(), 1, k_, metric_, labels_ + i,
                       cost_.data() + i);
        }
        changed |= labels_[i] != old;
        add_to_sum(sums_.data() + labels_[i] * d_, xp + i * d_, d_, 1.0);
        counts_[labels_[i]] += 1;
      }
    }
    return changed;
  }

  // Centroid shifts move the bounds: the own-centroid distance grows by at
  // most the own centroid's shift, any other distance shrinks by at most the
  // largest other shift.
  void shift_bounds(const at::Tensor& before) {
    const at::Tensor shift = (c_ - before).pow(2).sum(1).sqrt();
    std::copy(shift.data_ptr<float>(), shift.data_ptr<float>() + k_, moved_.begin());
    const at::Tensor gaps = at::cdist(c_, c_).fill_diagonal_(std::numeric_limits<float>::infinity());
    const at::Tensor half = std::get<0>(gaps.min(1)) * 0.5f;
    std::copy(half.data_ptr<float>(), half.data_ptr<float>() + k_, half_gap_.begin());
    int64_t top = 0;
    for (int64_t j = 1; j < k_; ++j) top = moved_[j] > moved_[top] ? j : top;
    float runner_up = 0.f;
    for (int64_t j = 0; j < k_; ++j) runner_up = j != top ? std::max(runner_up, moved_[j]) : runner_up;
    for (int64_t i = 0; i < n_; ++i) {
      upper_[i] += moved_[labels_[i]];
      lower_[i] -= labels_[i] == top ? runner_up : moved_[top];
    }
  }

  // Re-assigns only rows whose bounds allow a change; sums follow the movers.
  bool bounded_assign() {
    refresh_norms();
    const float* xp = x_.data_ptr<float>();
    const float* xn = xnorm_.data_ptr<float>();
    const float* cp = c_.data_ptr<float>();
    std::vector<int64_t> open;
    for (int64_t i = 0; i < n_; ++i) {
      const int64_t a = labels_[i];
      const float margin = kBoundMargin * (std::sqrt(xn[i]) + std::sqrt(cnorm_[a]));
      const float limit = std::max(half_gap_[a], lower_[i]) - margin;
      if (upper_[i] <= limit) continue;
      upper_[i] = std::sqrt(expanded_sqdist(xn[i], row_dot(xp + i * d_, cp + a * d_, d_),
                                            cnorm_[a]));
      if (upper_[i] <= limit) continue;
      open.push_back(i);
    }
    if (open.empty()) return false;
    const at::Tensor ct = c_.t();
    const at::Tensor index = at::from_blob(open.data(), {static_cast<int64_t>(open.size())},
                                           at::kLong);
    bool changed = false;
    for (int64_t r0 = 0; r0 < index.size(0); r0 += kRowBlock) {
      const int64_t rows = std::min(kRowBlock, index.size(0) - r0);
      const at::Tensor dots = at::mm(x_.index_select(0, index.narrow(0, r0, rows)), ct);
      const float* dp = dots.data_ptr<float>();
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t i = open[r0 + r];
        const int64_t old = labels_[i];
        float best, second;
        two_nearest(dp + r * k_, xn[i], cnorm_.data(), k_, labels_ + i, &best, &second);
        cost_[i] = best;
        upper_[i] = std::sqrt(best);
        lower_[i] = std::sqrt(second);
        if (labels_[i] != old) {
          changed = true;
          add_to_sum(sums_.data() + old * d_, xp + i * d_, d_, -1.0);
          add_to_sum(sums_.data() + labels_[i] * d_, xp + i * d_, d_, 1.0);
          counts_[old] -= 1;
          counts_[labels_[i]] += 1;
        }
      }
    }
    return changed;
  }

  // Exact assignment costs of all rows, needed only to re-seed an empty cluster.
  void exact_costs() {
    if (!bounded_) return;  // the dot metric always has exact costs
    refresh_norms();
    const float* xp = x_.data_ptr<float>();
    const float* cp = c_.data_ptr<float>();
    const float* xn = xnorm_.data_ptr<float>();
    for (int64_t i = 0; i < n_; ++i) {
      const int64_t a = labels_[i];
      cost_[i] = expanded_sqdist(xn[i], row_dot(xp + i * d_, cp + a * d_, d_), cnorm_[a]);
    }
  }

  const at::Tensor x_;
  at::Tensor c_;
  const at::Tensor xnorm_;
  const int64_t n_, d_, k_;
  const KMeansMetric metric_;
  const bool normalize_, bounded_;
  int64_t* labels_;
  std::vector<float> cost_, upper_, lower_;
  std::vector<double> sums_;
  std::vector<int64_t> counts_;
  std::vector<float> cnorm_, moved_, half_gap_;
};

// Greedy k-means++ of one instance into out [k, d]: each step draws
// local_trials(k) candidates with probability proportional to the squared
// distance to the nearest chosen centre and keeps the one that leaves the
// smallest potential (sum of those distances).
void seed_instance(const at::Tensor& x, int64_t k, uint64_t seed, int64_t b, float* out) {
  const int64_t n = x.size(0), d = x.size(1);
  if (n <= k) {
    if (n > 0) std::memcpy(out, x.data_ptr<float>(), sizeof(float) * n * d);
    fill_nan(out + n * d, (k - n) * d);
    return;
  }
  const float* xp = x.data_ptr<float>();
  const at::Tensor xnorm = row_norms(x);
  const float* xn = xnorm.data_ptr<float>();
  const int64_t trials = local_trials(k);
  std::vector<double> d2(n, std::numeric_limits<double>::infinity()), cum(n), pot(trials);
  std::vector<int64_t> picks{uniform_index(seed, b, 0, n)};
  for (int64_t c = 0; c < k; ++c) {
    if (c > 0) {
      std::partial_sum(d2.begin(), d2.end(), cum.begin());
      const double total = cum[n - 1];
      picks.clear();
      if (total > 0.0) {
        for (int64_t t = 0; t < trials; ++t) {
          picks.push_back(
              weighted_pick(cum.data(), n, uniform01(seed, b, seeding_draw(c, t, trials)) * total));
        }
      } else {
        picks.push_back(uniform_index(seed, b, seeding_draw(c, 0, trials), n));
      }
    }
    const int64_t m = static_cast<int64_t>(picks.size());
    const at::Tensor candidates = x.index_select(
        0, at::from_blob(picks.data(), {m}, at::kLong));
    const at::Tensor dots = at::mm(x, candidates.t()).contiguous();
    const at::Tensor cnorm = row_norms(candidates);
    const float* dp = dots.data_ptr<float>();
    const float* cn = cnorm.data_ptr<float>();
    int64_t best = 0;
    if (m > 1) {
      std::fill(pot.begin(), pot.end(), 0.0);
      for (int64_t i = 0; i < n; ++i) {
        for (int64_t t = 0; t < m; ++t) {
          pot[t] += std::min(d2[i], static_cast<double>(expanded_sqdist(xn[i], dp[i * m + t], cn[t])));
        }
      }
      best = std::min_element(pot.begin(), pot.begin() + m) - pot.begin();
    }
    std::memcpy(out + c * d, xp + picks[best] * d, sizeof(float) * d);
    for (int64_t i = 0; i < n; ++i) {
      d2[i] = std::min(d2[i], static_cast<double>(expanded_sqdist(xn[i], dp[i * m + best], cn[best])));
    }
  }
}

}  // namespace

at::Tensor kmeanspp_init_cpu(const at::Tensor& points, const at::Tensor& offsets, int64_t k,
                             int64_t seed) {
  const int64_t batch = offsets.size(0) - 1;
  at::Tensor centroids = at::empty({batch, k, points.size(1)}, points.options());
  const int64_t* off = offsets.data_ptr<int64_t>();
  for_each_instance(off, batch, [&](int64_t b) {
    seed_instance(points.narrow(0, off[b], off[b + 1] - off[b]), k,
                  static_cast<uint64_t>(seed), b, centroids.data_ptr<float>() + b * k * points.size(1));
  });
  return centroids;
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> masked_kmeans_cpu(
    const at::Tensor& points, const at::Tensor& offsets, const at::Tensor& init_centroids,
    int64_t iters, int64_t metric, bool normalize_centroids) {
  const int64_t batch = offsets.size(0) - 1;
  const int64_t k = init_centroids.size(1);
  at::Tensor centroids = init_centroids.clone();
  at::Tensor labels = at::full({points.size(0)}, -1, offsets.options());
  at::Tensor inertia = at::zeros({batch}, points.options());
  const int64_t* off = offsets.data_ptr<int64_t>();
  float* inertia_all = inertia.data_ptr<float>();
  // Cosine runs on unit rows and unit centroids, where the nearest centroid
  // in L2 is the one of highest dot product: it takes the bounded L2 path.
  const auto kind = normalize_centroids ? KMeansMetric::kL2 : static_cast<KMeansMetric>(metric);
  for_each_instance(off, batch, [&](int64_t b) {
    const int64_t n = off[b + 1] - off[b];
    int64_t* lab = labels.data_ptr<int64_t>() + off[b];
    if (n <= k) {
      std::iota(lab, lab + n, int64_t{0});
      return;
    }
    InstanceKMeans solver(points.narrow(0, off[b], n), centroids[b], lab, kind,
                          normalize_centroids);
    solver.run(iters);
    // inertia: squared L2 distance to the assigned centroid, whatever the metric
    inertia_all[b] = static_cast<float>(solver.inertia());
  });
  return {labels, centroids, inertia};
}

}  // namespace mmpartdistill
