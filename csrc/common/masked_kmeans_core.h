// Masked k-means core: plain C++ on raw pointers, one instance at a time.
// Kept free of torch headers so that every backend (CPU now, CUDA host code)
// shares one definition of the seeding, assignment and update rules.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace mmpartdistill {

enum class KMeansMetric : int64_t { kL2 = 0, kDot = 1 };

// splitmix64 finaliser: the counter-based generator behind every random draw,
// so that a draw depends only on (seed, instance, draw index) and results do
// not depend on thread scheduling.
inline uint64_t splitmix64(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

inline double uniform01(uint64_t seed, int64_t instance, int64_t draw) {
  const uint64_t stream =
      splitmix64(seed + 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(instance + 1));
  const uint64_t key = splitmix64(stream + static_cast<uint64_t>(draw));
  return static_cast<double>(key >> 11) * (1.0 / 9007199254740992.0);
}

inline int64_t uniform_index(uint64_t seed, int64_t instance, int64_t draw, int64_t n) {
  const int64_t idx = static_cast<int64_t>(uniform01(seed, instance, draw) * static_cast<double>(n));
  return idx < n ? idx : n - 1;
}

inline double squared_distance(const float* a, const float* b, int64_t d) {
  double acc = 0.0;
  for (int64_t j = 0; j < d; ++j) {
    const double diff = static_cast<double>(a[j]) - static_cast<double>(b[j]);
    acc += diff * diff;
  }
  return acc;
}

inline void fill_nan(float* out, int64_t count) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int64_t i = 0; i < count; ++i) out[i] = nan;
}

// k-means++ seeding of one instance into out[k * d]. An instance with n <= k
// points gets one centroid per point; the unused rows are NaN. `d2` is
// scratch of n doubles.
inline void kmeanspp_seed(const float* x, int64_t n, int64_t d, int64_t k, uint64_t seed,
                          int64_t instance, float* out, double* d2) {
  if (n <= k) {
    if (n > 0) std::memcpy(out, x, sizeof(float) * n * d);
    fill_nan(out + n * d, (k - n) * d);
    return;
  }
  const int64_t first = uniform_index(seed, instance, 0, n);
  std::memcpy(out, x + first * d, sizeof(float) * d);
  for (int64_t i = 0; i < n; ++i) d2[i] = squared_distance(x + i * d, out, d);
  for (int64_t c = 1; c < k; ++c) {
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) total += d2[i];
    int64_t pick = n - 1;
    if (total > 0.0) {
      const double target = uniform01(seed, instance, c) * total;
      double cum = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        cum += d2[i];
        if (cum > target) {
          pick = i;
          break;
        }
      }
    } else {
      pick = uniform_index(seed, instance, c, n);
    }
    float* centroid = out + c * d;
    std::memcpy(centroid, x + pick * d, sizeof(float) * d);
    for (int64_t i = 0; i < n; ++i) {
      const double dist = squared_distance(x + i * d, centroid, d);
      if (dist < d2[i]) d2[i] = dist;
    }
  }
}

// Assigns points [begin, end) to their nearest centroid. cost[i] receives the
// assignment cost (squared distance for L2, negated dot product for dot), the
// quantity that picks the farthest point when a cluster empties. `cnorm`
// holds the squared centroid norms (L2 only). Returns whether a label changed.
inline bool assign_points(const float* x, int64_t d, const float* c, int64_t k,
                          const float* cnorm, KMeansMetric metric, int64_t begin, int64_t end,
                          int64_t* labels, float* cost) {
  bool changed = false;
  for (int64_t i = begin; i < end; ++i) {
    const float* xi = x + i * d;
    float best = std::numeric_limits<float>::infinity();
    int64_t best_j = 0;
    for (int64_t j = 0; j < k; ++j) {
      const float* cj = c + j * d;
      float dot = 0.f;
      for (int64_t t = 0; t < d; ++t) dot += xi[t] * cj[t];
      const float score = metric == KMeansMetric::kL2 ? cnorm[j] - 2.f * dot : -dot;
      if (score < best) {
        best = score;
        best_j = j;
      }
    }
    if (metric == KMeansMetric::kL2) {
      float xnorm = 0.f;
      for (int64_t t = 0; t < d; ++t) xnorm += xi[t] * xi[t];
      best += xnorm;
    }
    if (labels[i] != best_j) changed = true;
    labels[i] = best_j;
    cost[i] = best;
  }
  return changed;
}

inline void centroid_norms(const float* c, int64_t k, int64_t d, float* cnorm) {
  for (int64_t j = 0; j < k; ++j) {
    float acc = 0.f;
    for (int64_t t = 0; t < d; ++t) acc += c[j * d + t] * c[j * d + t];
    cnorm[j] = acc;
  }
}

// Moves every centroid to the mean of its points (re-normalised for spherical
// k-means). An empty cluster is re-seeded at the point of highest assignment
// cost, which then joins it. `sums` is scratch of k * d doubles, `counts` of k.
// Returns whether a cluster was re-seeded (its centroid is then no mean yet).
inline bool update_centroids(const float* x, int64_t n, int64_t d, int64_t k, bool normalize,
                             int64_t* labels, float* cost, float* c, double* sums,
                             int64_t* counts) {
  std::memset(sums, 0, sizeof(double) * k * d);
  std::memset(counts, 0, sizeof(int64_t) * k);
  bool reseeded = false;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t j = labels[i];
    counts[j] += 1;
    double* s = sums + j * d;
    const float* xi = x + i * d;
    for (int64_t t = 0; t < d; ++t) s[t] += xi[t];
  }
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
    const double inv = 1.0 / static_cast<double>(counts[j]);
    double norm = 0.0;
    for (int64_t t = 0; t < d; ++t) {
      const double mean = sums[j * d + t] * inv;
      cj[t] = static_cast<float>(mean);
      norm += mean * mean;
    }
    if (normalize && norm > 0.0) {
      const float scale = static_cast<float>(1.0 / std::sqrt(norm));
      for (int64_t t = 0; t < d; ++t) cj[t] *= scale;
    }
  }
  return reseeded;
}

inline double instance_inertia(const float* x, int64_t n, int64_t d, const float* c,
                               const int64_t* labels) {
  double acc = 0.0;
  for (int64_t i = 0; i < n; ++i) acc += squared_distance(x + i * d, c + labels[i] * d, d);
  return acc;
}

}  // namespace mmpartdistill
