// Masked k-means core: plain C++ on raw pointers, one instance at a time.
// Kept free of torch headers so that every backend (CPU now, CUDA host code)
// shares one definition of the seeding, assignment and update rules.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#ifdef __CUDACC__
#define MMPD_HOST_DEVICE __host__ __device__
#else
#define MMPD_HOST_DEVICE
#endif

namespace mmpartdistill {

enum class KMeansMetric : int64_t { kL2 = 0, kDot = 1 };

// splitmix64 finaliser: the counter-based generator behind every random draw,
// so that a draw depends only on (seed, instance, draw index) and results do
// not depend on thread scheduling.
MMPD_HOST_DEVICE inline uint64_t splitmix64(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

MMPD_HOST_DEVICE inline double uniform01(uint64_t seed, int64_t instance, int64_t draw) {
  const uint64_t stream =
      splitmix64(seed + 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(instance + 1));
  const uint64_t key = splitmix64(stream + static_cast<uint64_t>(draw));
  return static_cast<double>(key >> 11) * (1.0 / 9007199254740992.0);
}

MMPD_HOST_DEVICE inline int64_t uniform_index(uint64_t seed, int64_t instance, int64_t draw, int64_t n) {
  const int64_t idx = static_cast<int64_t>(uniform01(seed, instance, draw) * static_cast<double>(n));
  return idx < n ? idx : n - 1;
}

// Candidate centres drawn per k-means++ step; the one that lowers the
// potential most is kept (greedy k-means++). scikit-learn draws 2 + ln k;
// at least 8 here: a step costs one read of the rows whatever the number of
// candidates, and 8 left a single start below scikit-learn's inertia far more
// often (docs/benchmarks.md).
MMPD_HOST_DEVICE inline int64_t local_trials(int64_t k) {
  const int64_t rule = 2 + static_cast<int64_t>(log(static_cast<double>(k)));
  return rule > 8 ? rule : 8;
}

// Draw index of candidate t of seeding step c >= 1 (draw 0 picks the first centre).
MMPD_HOST_DEVICE inline int64_t seeding_draw(int64_t c, int64_t t, int64_t trials) {
  return 1 + (c - 1) * trials + t;
}

// Seed of restart r of an n_init run; restart 0 uses the caller's seed, so
// n_init=1 and the seeding op alone start from the same centroids.
MMPD_HOST_DEVICE inline uint64_t restart_seed(uint64_t seed, int64_t r) {
  return r == 0 ? seed : splitmix64(seed ^ (0xD1B54A32D192ED03ULL * static_cast<uint64_t>(r)));
}

inline void fill_nan(float* out, int64_t count) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int64_t i = 0; i < count; ++i) out[i] = nan;
}

// Squared distances of points to a centroid from their dot products with it:
// |x|^2 - 2 x.c + |c|^2, clamped at 0 against rounding. Every backend and the
// reference compute distances this way, so that they agree bit for bit.
MMPD_HOST_DEVICE inline float expanded_sqdist(float xnorm, float dot, float cnorm) {
  const float v = xnorm - 2.f * dot + cnorm;
  return v > 0.f ? v : 0.f;
}

// First index whose running sum `cum` (a sequential double prefix sum of the
// k-means++ weights) exceeds target; the last index when none does.
inline int64_t weighted_pick(const double* cum, int64_t n, double target) {
  int64_t lo = 0, hi = n;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (cum[mid] > target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo < n ? lo : n - 1;
}

// Picks each row's nearest centroid from its dot products `dots [rows, k]`.
// cost[i] receives the assignment cost (squared distance for L2, negated dot
// product for dot), which picks the farthest point when a cluster empties.
// Returns whether a label changed.
inline bool pick_nearest(const float* dots, const float* xnorm, const float* cnorm, int64_t rows,
                         int64_t k, KMeansMetric metric, int64_t* labels, float* cost) {
  bool changed = false;
  for (int64_t i = 0; i < rows; ++i) {
    const float* di = dots + i * k;
    float best = std::numeric_limits<float>::infinity();
    int64_t best_j = 0;
    for (int64_t j = 0; j < k; ++j) {
      const float score = metric == KMeansMetric::kL2 ? expanded_sqdist(xnorm[i], di[j], cnorm[j])
                                                      : -di[j];
      if (score < best) {
        best = score;
        best_j = j;
      }
    }
    changed |= labels[i] != best_j;
    labels[i] = best_j;
    cost[i] = best;
  }
  return changed;
}

// Nearest and second-nearest centroid of one row from its dot products,
// as squared L2 distances (the bounds of the accelerated assignment).
inline void two_nearest(const float* dots, float xnorm, const float* cnorm, int64_t k,
                        int64_t* best_j, float* best, float* second) {
  *best = std::numeric_limits<float>::infinity();
  *second = std::numeric_limits<float>::infinity();
  *best_j = 0;
  for (int64_t j = 0; j < k; ++j) {
    const float v = expanded_sqdist(xnorm, dots[j], cnorm[j]);
    if (v < *best) {
      *second = *best;
      *best = v;
      *best_j = j;
    } else if (v < *second) {
      *second = v;
    }
  }
}

// Moves every centroid to the mean of its points (re-normalised for spherical
// k-means). An empty cluster is re-seeded at the point of highest assignment
// cost, which then joins it. Returns whether a cluster was re-seeded (its
// centroid is then no mean yet).
inline bool finish_update(const float* x, int64_t n, int64_t d, int64_t k, bool normalize,
                          const double* sums, const int64_t* counts, int64_t* labels, float* cost,
                          float* c) {
  bool reseeded = false;
  for (int64_t j = 0; j < k; ++j) {
    float* cj = c + j * d;
    if (counts[j] == 0) {
      int64_t far = 0;
      float far_cost = -std::numeric_limits<float>::infinity();
      for (int64_t i = 0; i < n; ++i) {
        if (cost[i] > far_cost) {
          far_cost = cost[i];
          far = i;
        }
      }
      std::memcpy(cj, x + far * d, sizeof(float) * d);
      labels[far] = j;
      cost[far] = -std::numeric_limits<float>::infinity();
      reseeded = true;
      continue;
    }
    double norm = 0.0;
    for (int64_t t = 0; t < d; ++t) {
      cj[t] = static_cast<float>(sums[j * d + t] / static_cast<double>(counts[j]));
      norm += static_cast<double>(cj[t]) * cj[t];
    }
    if (normalize && norm > 0.0) {
      const float inv = static_cast<float>(1.0 / std::sqrt(norm));
      for (int64_t t = 0; t < d; ++t) cj[t] *= inv;
    }
  }
  return reseeded;
}

}  // namespace mmpartdistill
