// CPU masked k-means. Instances run in parallel (at::parallel_for), each
// seeded (greedy k-means++), clustered and restarted in one task. Dot
// products come from a register-blocked small-k kernel (small_k_dots.h) in
// row blocks. For L2 and cosine, Lloyd iterations skip the rows whose
// assignment provably cannot change (Hamerly's bounds: an upper bound on the
// distance to the own centroid, a lower bound on the second nearest, both
// moved by the centroid shifts), and cluster sums are updated only for rows
// that change cluster. The result is that of plain Lloyd; the work per
// iteration shrinks as clusters settle.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <vector>

#include "../common/masked_kmeans_core.h"
#include "small_k_dots.h"
#include "../masked_kmeans.h"

namespace mmpartdistill {

namespace {

// Rows per block of the assignment: about 64 KB of them, so that a block
// read for its dot products is still in L2 when its rows join the sums.
int64_t row_block(int64_t d) { return std::max<int64_t>(8, 16384 / std::max<int64_t>(d, 1)); }
// Bounds are only trusted with this relative margin against rounding in the
// expanded distances, so skipped rows are those plain Lloyd would not move.
constexpr float kBoundMargin = 1e-3f;

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

// First row whose squared norm xn is non-finite or overflows float32 where
// the op computes (|x|^2 - 2 x.c + |c|^2 must stay finite), or -1.
int64_t first_bad_row(const float* xn, int64_t n) {
  constexpr float kLargest = std::numeric_limits<float>::max() / 4;
  for (int64_t i = 0; i < n; ++i) {
    if (!(xn[i] <= kLargest)) return i;
  }
  return -1;
}

// Squared norms of rows x [n, d] into xn; returns first_bad_row.
int64_t row_norms(const float* x, int64_t n, int64_t d, float* xn) {
  for (int64_t i = 0; i < n; ++i) xn[i] = row_dot(x + i * d, x + i * d, d);
  return first_bad_row(xn, n);
}

// Raises ValueError naming the first bad row of the batch (first_bad[b]:
// the first bad row of instance b, or -1), as the Python checks word it.
void check_rows(const at::Tensor& points, const int64_t* off, const std::vector<int64_t>& first_bad) {
  for (size_t b = 0; b < first_bad.size(); ++b) {
    if (first_bad[b] < 0) continue;
    const int64_t row = off[b] + first_bad[b];
    const float* x = points.data_ptr<float>() + row * points.size(1);
    const bool finite = std::all_of(x, x + points.size(1), [](float v) { return std::isfinite(v); });
    TORCH_CHECK_VALUE(finite, "points hold a non-finite value (first at row ", row, ")");
    char limit[16];
    std::snprintf(limit, sizeof(limit), "%.1e", std::numeric_limits<float>::max() / 4);
    TORCH_CHECK_VALUE(false, "points row ", row, " overflows float32: its squared norm exceeds ",
                      limit, "; scale the features down");
  }
}

// Lloyd's k-means of one instance on raw rows; run() may be called again
// from other centroids (restarts), reusing the row norms and buffers.
class InstanceKMeans {
 public:
  // x: n rows of d floats; xnorm: their squared norms (kept by the caller).
  InstanceKMeans(const float* x, const float* xnorm, int64_t n, int64_t d, int64_t k,
                 KMeansMetric metric, bool normalize)
      : x_(x), xnorm_(xnorm), n_(n), d_(d), k_(k), block_(row_block(d)), metric_(metric),
        normalize_(normalize), bounded_(metric == KMeansMetric::kL2), labels_(n), cost_(n),
        upper_(n), lower_(n), c_(k * d), before_(k * d), sums_(k * d), counts_(k), cnorm_(k),
        moved_(k), half_gap_(k), dots_(block_ * k) {}

  const float* centroids() const { return c_.data(); }
  const int64_t* labels() const { return labels_.data(); }

  // Squared L2 distance of every row to its assigned centroid, summed. From
  // the cluster sums and counts, sum |x|^2 - 2 sum_j c_j.S_j + sum_j n_j |c_j|^2,
  // without reading the rows, unless cancellation could cost digits (inertia
  // under 5% of sum |x|^2): then row by row.
  double inertia() const {
    double norms = 0.0, cross = 0.0;
    for (int64_t i = 0; i < n_; ++i) norms += xnorm_[i];
    for (int64_t j = 0; j < k_; ++j) {
      const float* cj = c_.data() + j * d_;
      double dot = 0.0, cc = 0.0;
      for (int64_t t = 0; t < d_; ++t) {
        dot += static_cast<double>(cj[t]) * sums_[j * d_ + t];
        cc += static_cast<double>(cj[t]) * cj[t];
      }
      cross += static_cast<double>(counts_[j]) * cc - 2.0 * dot;
    }
    const double total = norms + cross;
    if (total >= 0.05 * norms) return total;
    double acc = 0.0;
    for (int64_t i = 0; i < n_; ++i) acc += row_sqdist(x_ + i * d_, c_.data() + labels_[i] * d_, d_);
    return acc;
  }

  void run(const float* init, int64_t iters) {
    std::copy(init, init + k_ * d_, c_.begin());
    std::fill(labels_.begin(), labels_.end(), -1);
    bool reseeded = false, converged = false, need_full = true;
    for (int64_t it = 0; it < iters && !converged; ++it) {
      const bool changed = need_full ? full_assign() : bounded_assign();
      need_full = false;
      converged = !changed && it > 0 && !reseeded;
      if (converged) break;
      if (std::find(counts_.begin(), counts_.end(), 0) != counts_.end()) exact_costs();
      before_ = c_;
      reseeded = finish_update(x_, n_, d_, k_, normalize_, sums_.data(), counts_.data(),
                               labels_.data(), cost_.data(), c_.data());
      if (reseeded || !bounded_) {
        need_full = true;
      } else {
        shift_bounds();
      }
    }
    if (!converged) need_full ? full_assign() : bounded_assign();
  }

 private:
  void refresh_norms() {
    for (int64_t j = 0; j < k_; ++j) cnorm_[j] = row_dot(c_.data() + j * d_, c_.data() + j * d_, d_);
  }

  // Nearest centroid of row i from its dot products; for L2 also its bounds.
  bool settle_row(int64_t i, const float* dots) {
    const int64_t old = labels_[i];
    if (bounded_) {
      float best, second;
      two_nearest(dots, xnorm_[i], cnorm_.data(), k_, &labels_[i], &best, &second);
      cost_[i] = best;
      upper_[i] = std::sqrt(best);
      lower_[i] = std::sqrt(second);
    } else {
      pick_nearest(dots, &xnorm_[i], cnorm_.data(), 1, k_, metric_, &labels_[i], &cost_[i]);
    }
    return labels_[i] != old;
  }

  // Assigns every row and rebuilds the cluster sums.
  bool full_assign() {
    refresh_norms();
    std::fill(sums_.begin(), sums_.end(), 0.0);
    std::fill(counts_.begin(), counts_.end(), 0);
    bool changed = false;
    for (int64_t r0 = 0; r0 < n_; r0 += block_) {
      const int64_t rows = std::min(block_, n_ - r0);
      small_k_dots(x_ + r0 * d_, nullptr, rows, d_, c_.data(), k_, dots_.data());
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t i = r0 + r;
        changed |= settle_row(i, dots_.data() + r * k_);
        add_to_sum(sums_.data() + labels_[i] * d_, x_ + i * d_, d_, 1.0);
        counts_[labels_[i]] += 1;
      }
    }
    return changed;
  }

  // Centroid shifts move the bounds: the own-centroid distance grows by at
  // most the own centroid's shift, any other distance shrinks by at most the
  // largest other shift.
  void shift_bounds() {
    for (int64_t j = 0; j < k_; ++j) {
      moved_[j] = static_cast<float>(std::sqrt(row_sqdist(c_.data() + j * d_, before_.data() + j * d_, d_)));
      half_gap_[j] = std::numeric_limits<float>::infinity();
    }
    for (int64_t j = 0; j < k_; ++j) {
      for (int64_t l = j + 1; l < k_; ++l) {
        const float half = 0.5f * static_cast<float>(
            std::sqrt(row_sqdist(c_.data() + j * d_, c_.data() + l * d_, d_)));
        half_gap_[j] = std::min(half_gap_[j], half);
        half_gap_[l] = std::min(half_gap_[l], half);
      }
    }
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
  // Open rows are settled a block at a time, while still in cache.
  bool bounded_assign() {
    refresh_norms();
    open_.clear();
    bool changed = false;
    for (int64_t i = 0; i < n_; ++i) {
      const int64_t a = labels_[i];
      const float margin = kBoundMargin * (std::sqrt(xnorm_[i]) + std::sqrt(cnorm_[a]));
      const float limit = std::max(half_gap_[a], lower_[i]) - margin;
      if (upper_[i] <= limit) continue;
      upper_[i] = std::sqrt(
          expanded_sqdist(xnorm_[i], row_dot(x_ + i * d_, c_.data() + a * d_, d_), cnorm_[a]));
      if (upper_[i] <= limit) continue;
      open_.push_back(i);
      if (static_cast<int64_t>(open_.size()) == block_) changed |= settle_open();
    }
    return settle_open() || changed;
  }

  bool settle_open() {
    const int64_t rows = static_cast<int64_t>(open_.size());
    small_k_dots(x_, open_.data(), rows, d_, c_.data(), k_, dots_.data());
    bool changed = false;
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t i = open_[r];
      const int64_t old = labels_[i];
      if (settle_row(i, dots_.data() + r * k_)) {
        changed = true;
        add_to_sum(sums_.data() + old * d_, x_ + i * d_, d_, -1.0);
        add_to_sum(sums_.data() + labels_[i] * d_, x_ + i * d_, d_, 1.0);
        counts_[old] -= 1;
        counts_[labels_[i]] += 1;
      }
    }
    open_.clear();
    return changed;
  }

  // Exact assignment costs of all rows, needed only to re-seed an empty cluster.
  void exact_costs() {
    if (!bounded_) return;  // the dot metric always has exact costs
    refresh_norms();
    for (int64_t i = 0; i < n_; ++i) {
      const int64_t a = labels_[i];
      cost_[i] = expanded_sqdist(xnorm_[i], row_dot(x_ + i * d_, c_.data() + a * d_, d_), cnorm_[a]);
    }
  }

  const float* x_;
  const float* xnorm_;
  const int64_t n_, d_, k_, block_;
  const KMeansMetric metric_;
  const bool normalize_, bounded_;
  std::vector<int64_t> labels_;
  std::vector<float> cost_, upper_, lower_, c_, before_;
  std::vector<double> sums_;
  std::vector<int64_t> counts_;
  std::vector<float> cnorm_, moved_, half_gap_, dots_;
  std::vector<int64_t> open_;
};

// Greedy k-means++ of one instance (n > k rows x) into out [k, d]: each step
// draws local_trials(k) candidates with probability proportional to the
// squared distance to the nearest chosen centre and keeps the one that leaves
// the smallest potential (sum of those distances). A row is only read when a
// candidate may come nearer to it than its nearest chosen centre a: by the
// triangle inequality none can when |candidate - a| >= 2 |x - a| for every
// candidate. Unless norms_known, the first step also fills xn with the rows'
// squared norms (one read of the rows for both); it then returns the first
// bad row (see first_bad_row) without seeding, or -1.
int64_t seed_instance(const float* x, int64_t n, int64_t d, int64_t k, uint64_t seed, int64_t b,
                      float* xn, bool norms_known, float* out) {
  const int64_t trials = local_trials(k);
  std::vector<double> d2(n, std::numeric_limits<double>::infinity()), cum(n), pot(trials);
  std::vector<float> candidates(trials * d), dists(n * trials), dots(n * trials), reach(k);
  std::vector<int64_t> picks{uniform_index(seed, b, 0, n)}, open, nearest(n, 0), chosen;
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
    for (int64_t t = 0; t < m; ++t) {
      std::copy(x + picks[t] * d, x + (picks[t] + 1) * d, candidates.begin() + t * d);
    }
    // reach[a]: half the distance from chosen centre a to its nearest candidate
    for (int64_t a = 0; a < c; ++a) {
      double closest = std::numeric_limits<double>::infinity();
      for (int64_t t = 0; t < m; ++t) {
        closest = std::min(closest, row_sqdist(out + a * d, candidates.data() + t * d, d));
      }
      reach[a] = static_cast<float>(0.5 * std::sqrt(closest));
    }
    open.clear();
    for (int64_t i = 0; i < n; ++i) {
      if (c > 0) {
        const int64_t a = nearest[i];
        const float margin = kBoundMargin * (std::sqrt(xn[i]) + std::sqrt(xn[chosen[a]]));
        if (std::sqrt(static_cast<float>(d2[i])) + margin <= reach[a]) continue;
      }
      open.push_back(i);
    }
    const int64_t count = static_cast<int64_t>(open.size());
    const bool with_norms = c == 0 && !norms_known;
    small_k_dots(x, open.data(), count, d, candidates.data(), m, dots.data(),
                 with_norms ? xn : nullptr);
    if (with_norms) {
      const int64_t bad = first_bad_row(xn, n);
      if (bad >= 0) return bad;
    }
    for (int64_t r = 0; r < count; ++r) {
      for (int64_t t = 0; t < m; ++t) {
        dists[open[r] * m + t] = expanded_sqdist(xn[open[r]], dots[r * m + t], xn[picks[t]]);
      }
    }
    // skipped rows keep their distance: a candidate is at least as far
    int64_t best = 0;
    if (m > 1) {
      std::fill(pot.begin(), pot.end(), 0.0);
      for (int64_t r = 0, i = 0; i < n; ++i) {
        const bool read = r < count && open[r] == i;
        for (int64_t t = 0; t < m; ++t) {
          pot[t] += read ? std::min(d2[i], static_cast<double>(dists[i * m + t])) : d2[i];
        }
        r += read;
      }
      best = std::min_element(pot.begin(), pot.begin() + m) - pot.begin();
    }
    std::copy(candidates.begin() + best * d, candidates.begin() + (best + 1) * d, out + c * d);
    chosen.push_back(picks[best]);
    for (const int64_t i : open) {
      const double dist = dists[i * m + best];
      if (dist < d2[i]) {
        d2[i] = dist;
        nearest[i] = c;
      }
    }
  }
  return -1;
}

// Centroids of an instance with n <= k rows: its rows, then NaN rows.
void copy_small_instance(const float* x, int64_t n, int64_t k, int64_t d, float* out) {
  std::copy(x, x + n * d, out);
  fill_nan(out + n * d, (k - n) * d);
}

}  // namespace

at::Tensor kmeanspp_init_cpu(const at::Tensor& points, const at::Tensor& offsets, int64_t k,
                             int64_t seed) {
  const int64_t batch = offsets.size(0) - 1, d = points.size(1);
  at::Tensor centroids = at::empty({batch, k, d}, points.options());
  const int64_t* off = offsets.data_ptr<int64_t>();
  const float* xp = points.data_ptr<float>();
  float* out = centroids.data_ptr<float>();
  std::vector<int64_t> bad(batch, -1);
  for_each_instance(off, batch, [&](int64_t b) {
    const int64_t n = off[b + 1] - off[b];
    const float* x = xp + off[b] * d;
    std::vector<float> xn(n);
    if (n <= k) {
      bad[b] = row_norms(x, n, d, xn.data());
      return copy_small_instance(x, n, k, d, out + b * k * d);
    }
    bad[b] = seed_instance(x, n, d, k, static_cast<uint64_t>(seed), b, xn.data(), false,
                           out + b * k * d);
  });
  check_rows(points, off, bad);
  return centroids;
}

namespace {

// Lloyd on every instance from the starts that start(b, x, n, restart, xn,
// out) writes into out [k, d] (it also fills the squared norms xn on restart
// 0 and returns the instance's first bad row, or -1), n_init times, keeping
// each instance's restart of lowest inertia. Instances with n <= k get one
// cluster per point; their centroids become their rows (then NaN rows) when
// small_from_points, else stay as given.
template <typename Start>
std::tuple<at::Tensor, at::Tensor, at::Tensor> cluster_instances(
    const at::Tensor& points, const at::Tensor& offsets, at::Tensor centroids, int64_t iters,
    int64_t metric, bool normalize_centroids, int64_t n_init, bool small_from_points,
    const Start& start) {
  const int64_t batch = offsets.size(0) - 1, k = centroids.size(1), d = points.size(1);
  at::Tensor labels = at::empty({points.size(0)}, offsets.options());
  at::Tensor inertia = at::zeros({batch}, points.options());
  const int64_t* off = offsets.data_ptr<int64_t>();
  const float* xp = points.data_ptr<float>();
  // Cosine runs on unit rows and unit centroids, where the nearest centroid
  // in L2 is the one of highest dot product: it takes the bounded L2 path.
  const auto kind = normalize_centroids ? KMeansMetric::kL2 : static_cast<KMeansMetric>(metric);
  std::vector<int64_t> bad(batch, -1);
  for_each_instance(off, batch, [&](int64_t b) {
    const int64_t n = off[b + 1] - off[b];
    const float* x = xp + off[b] * d;
    int64_t* lab = labels.data_ptr<int64_t>() + off[b];
    float* c = centroids.data_ptr<float>() + b * k * d;
    std::vector<float> xn(n), first(k * d);
    if (n <= k) {
      bad[b] = row_norms(x, n, d, xn.data());
      if (small_from_points) copy_small_instance(x, n, k, d, c);
      return std::iota(lab, lab + n, int64_t{0});
    }
    InstanceKMeans solver(x, xn.data(), n, d, k, kind, normalize_centroids);
    double best = std::numeric_limits<double>::infinity();
    for (int64_t r = 0; r < n_init; ++r) {
      bad[b] = start(b, x, n, r, xn.data(), first.data());
      if (bad[b] >= 0) return;
      solver.run(first.data(), iters);
      // inertia: squared L2 distance to the assigned centroid, whatever the metric
      const double cost = solver.inertia();
      if (cost < best) {
        best = cost;
        std::copy(solver.labels(), solver.labels() + n, lab);
        std::copy(solver.centroids(), solver.centroids() + k * d, c);
      }
    }
    inertia.data_ptr<float>()[b] = static_cast<float>(best);
  });
  check_rows(points, off, bad);
  return {labels, centroids, inertia};
}

}  // namespace

std::tuple<at::Tensor, at::Tensor, at::Tensor> masked_kmeans_cpu(
    const at::Tensor& points, const at::Tensor& offsets, const at::Tensor& init_centroids,
    int64_t iters, int64_t metric, bool normalize_centroids) {
  const int64_t k = init_centroids.size(1), d = points.size(1);
  const float* init = init_centroids.data_ptr<float>();
  return cluster_instances(
      points, offsets, init_centroids.clone(), iters, metric, normalize_centroids, 1, false,
      [&](int64_t b, const float* x, int64_t n, int64_t, float* xn, float* out) {
        std::copy(init + b * k * d, init + (b + 1) * k * d, out);
        return row_norms(x, n, d, xn);
      });
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> masked_kmeans_fit_cpu(
    const at::Tensor& points, const at::Tensor& offsets, int64_t k, int64_t iters,
    int64_t metric, bool normalize_centroids, int64_t seed, int64_t n_init) {
  const int64_t d = points.size(1);
  // Each instance is seeded and clustered n_init times in one task, while
  // its rows are still in cache.
  return cluster_instances(
      points, offsets, at::empty({offsets.size(0) - 1, k, d}, points.options()), iters, metric,
      normalize_centroids, n_init, true,
      [&](int64_t b, const float* x, int64_t n, int64_t r, float* xn, float* out) {
        return seed_instance(x, n, d, k, restart_seed(static_cast<uint64_t>(seed), r), b, xn,
                             r > 0, out);
      });
}

}  // namespace mmpartdistill
