// CUDA kernels of the masked k-means op. Plain CUDA: no torch headers, so
// this file and masked_kmeans_kernel.cu compile with nvcc alone.
//
// One thread block owns one instance for the whole run (seeding or every
// Lloyd iteration), so ragged instances need no padding and each stops on
// its own. Inside a block, one warp handles one point at a time: lanes stride
// over the feature dimension (coalesced loads), reduce the k dot products by
// shuffles, and lane 0 picks the centroid. Accumulation is in float; sums
// are double.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cfloat>
#include <cstdint>

#include "../common/masked_kmeans_core.h"
#include "masked_kmeans_cuda.h"

namespace mmpartdistill {
namespace cuda {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

__device__ __forceinline__ float warp_sum(float v) {
  for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
  return v;
}

__device__ __forceinline__ double warp_sum(double v) {
  for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
  return v;
}

// Block-wide sum; every thread gets the result. `scratch` holds kWarps doubles.
__device__ double block_sum(double v, double* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_sum(v);
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  double total = 0.0;
  for (int w = 0; w < kWarps; ++w) total += scratch[w];
  return total;
}

// Block-wide argmax of cost over [0, n) (lowest index on ties); every thread
// gets the index. `vals` / `idxs` hold kThreads entries each.
__device__ int64_t block_argmax(const float* cost, int64_t n, float* vals, int64_t* idxs) {
  float best = -FLT_MAX;
  int64_t best_i = n;
  for (int64_t i = threadIdx.x; i < n; i += kThreads) {
    if (cost[i] > best) {
      best = cost[i];
      best_i = i;
    }
  }
  vals[threadIdx.x] = best;
  idxs[threadIdx.x] = best_i;
  __syncthreads();
  for (int stride = kThreads / 2; stride > 0; stride >>= 1) {
    if (threadIdx.x < stride) {
      const float v = vals[threadIdx.x + stride];
      const int64_t i = idxs[threadIdx.x + stride];
      if (v > vals[threadIdx.x] || (v == vals[threadIdx.x] && i < idxs[threadIdx.x])) {
        vals[threadIdx.x] = v;
        idxs[threadIdx.x] = i;
      }
    }
    __syncthreads();
  }
  const int64_t result = idxs[0] < n ? idxs[0] : 0;
  __syncthreads();
  return result;
}

// Dot products of point x (length d) with the k centroids c, plus |x|^2,
// reduced over the warp; lanes stride over d.
template <typename T, int KMAX>
__device__ void warp_dots(const T* x, const float* c, int64_t d, int k, float* dots,
                          float* xnorm) {
  float acc[KMAX];
#pragma unroll
  for (int j = 0; j < KMAX; ++j) acc[j] = 0.f;
  float xx = 0.f;
  for (int64_t t = threadIdx.x & 31; t < d; t += 32) {
    const float v = to_float(x[t]);
    xx += v * v;
#pragma unroll
    for (int j = 0; j < KMAX; ++j) {
      if (j < k) acc[j] += v * c[j * d + t];
    }
  }
#pragma unroll
  for (int j = 0; j < KMAX; ++j) dots[j] = warp_sum(acc[j]);
  *xnorm = warp_sum(xx);
}

// Greedy k-means++ seeding, one block per instance (the CPU backend's rule:
// local_trials(k) candidates per step, the one of lowest potential kept).
// Workspace: d2 [N] doubles, cand [B, kMaxTrials, d] and cand_dist
// [N, kMaxTrials] floats. Thread 0 draws the candidates in one sequential
// scan of the running sum, so picks match the CPU's for equal weights.
template <typename T>
__global__ void kmeanspp_kernel(const T* points, const int64_t* offsets, int64_t d, int k,
                                uint64_t seed, float* centroids, double* d2, float* cand,
                                float* cand_dist) {
  __shared__ double scratch[kWarps];
  __shared__ int64_t picks[kMaxTrials];
  __shared__ float cnorm[kMaxTrials];
  __shared__ int num_picks;
  const int64_t b = blockIdx.x;
  const int64_t start = offsets[b], n = offsets[b + 1] - start;
  const T* x = points + start * d;
  float* c = centroids + b * k * d;
  double* dist = d2 + start;
  float* cw = cand + b * kMaxTrials * d;
  float* cd = cand_dist + start * kMaxTrials;
  if (n <= k) {
    for (int64_t e = threadIdx.x; e < static_cast<int64_t>(k) * d; e += kThreads) {
      c[e] = e < n * d ? to_float(x[e]) : __int_as_float(0x7fc00000);
    }
    return;
  }
  for (int64_t i = threadIdx.x; i < n; i += kThreads) dist[i] = DBL_MAX;
  const int trials = static_cast<int>(local_trials(k));
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int j = 0; j < k; ++j) {
    __syncthreads();
    if (threadIdx.x == 0) {
      double total = 0.0;
      for (int64_t i = 0; j > 0 && i < n; ++i) total += dist[i];
      if (j > 0 && total > 0.0) {
        double target[kMaxTrials];
        int order[kMaxTrials];
        for (int t = 0; t < trials; ++t) {
          target[t] = uniform01(seed, b, seeding_draw(j, t, trials)) * total;
          int s = t;
          for (; s > 0 && target[order[s - 1]] > target[t]; --s) order[s] = order[s - 1];
          order[s] = t;
        }
        double cum = 0.0;
        int64_t i = 0;
        for (int s = 0; s < trials; ++s) {
          for (; i < n && !(cum + dist[i] > target[order[s]]); ++i) cum += dist[i];
          picks[order[s]] = i < n ? i : n - 1;
        }
        num_picks = trials;
      } else {
        picks[0] = uniform_index(seed, b, j == 0 ? 0 : seeding_draw(j, 0, trials), n);
        num_picks = 1;
      }
    }
    __syncthreads();
    const int m = num_picks;
    for (int64_t e = threadIdx.x; e < m * d; e += kThreads) {
      cw[e] = to_float(x[picks[e / d] * d + e % d]);
    }
    __syncthreads();
    if (warp < m) {
      float part = 0.f;
      for (int64_t t = lane; t < d; t += 32) part += cw[warp * d + t] * cw[warp * d + t];
      part = warp_sum(part);
      if (lane == 0) cnorm[warp] = part;
    }
    __syncthreads();
    double pot[kMaxTrials];
#pragma unroll
    for (int t = 0; t < kMaxTrials; ++t) pot[t] = 0.0;
    for (int64_t i = warp; i < n; i += kWarps) {
      float dots[kMaxTrials], xn;
      warp_dots<T, kMaxTrials>(x + i * d, cw, d, m, dots, &xn);
      if (lane == 0) {
#pragma unroll
        for (int t = 0; t < kMaxTrials; ++t) {
          if (t < m) {
            const float v = expanded_sqdist(xn, dots[t], cnorm[t]);
            cd[i * kMaxTrials + t] = v;
            pot[t] += fmin(dist[i], static_cast<double>(v));
          }
        }
      }
    }
    int best = 0;
    double best_pot = DBL_MAX;
    for (int t = 0; t < m && m > 1; ++t) {
      const double total = block_sum(pot[t], scratch);
      if (total < best_pot) {
        best_pot = total;
        best = t;
      }
    }
    __syncthreads();
    for (int64_t t = threadIdx.x; t < d; t += kThreads) c[j * d + t] = cw[best * d + t];
    for (int64_t i = threadIdx.x; i < n; i += kThreads) {
      const double v = cd[i * kMaxTrials + best];
      if (v < dist[i]) dist[i] = v;
    }
  }
}

// Lloyd iterations, one block per instance. Workspace: sums [B, k, d]
// doubles, cost [N] floats. metric 0: L2, 1: dot; normalize: spherical.
template <typename T, int KMAX>
__global__ void lloyd_kernel(const T* points, const int64_t* offsets, int64_t d, int k,
                             int iters, int metric, bool normalize, float* centroids,
                             int64_t* labels, float* inertia, double* sums, float* cost) {
  __shared__ double scratch[kWarps];
  __shared__ float cnorm[KMAX];
  __shared__ unsigned long long counts[KMAX];
  __shared__ int changed;
  __shared__ float arg_vals[kThreads];
  __shared__ int64_t arg_idxs[kThreads];
  const int64_t b = blockIdx.x;
  const int64_t start = offsets[b], n = offsets[b + 1] - start;
  const T* x = points + start * d;
  float* c = centroids + b * k * d;
  int64_t* lab = labels + start;
  float* cst = cost + start;
  double* sum = sums + b * k * d;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (n <= k) {
    for (int64_t i = threadIdx.x; i < n; i += kThreads) lab[i] = i;
    if (threadIdx.x == 0) inertia[b] = 0.f;
    return;
  }
  for (int64_t i = threadIdx.x; i < n; i += kThreads) lab[i] = -1;

  // cnorm <- |c_j|^2, one warp per centroid
  auto refresh_norms = [&]() {
    __syncthreads();
    for (int j = warp; j < k; j += kWarps) {
      float part = 0.f;
      for (int64_t t = lane; t < d; t += 32) part += c[j * d + t] * c[j * d + t];
      part = warp_sum(part);
      if (lane == 0) cnorm[j] = part;
    }
    __syncthreads();
  };
  // assign every point; with `accumulate`, add it to its cluster's sum
  auto pass = [&](bool accumulate) {
    refresh_norms();
    for (int64_t e = threadIdx.x; e < static_cast<int64_t>(k) * d; e += kThreads) sum[e] = 0.0;
    if (threadIdx.x < KMAX) counts[threadIdx.x] = 0;
    if (threadIdx.x == 0) changed = 0;
    __syncthreads();
    for (int64_t i = warp; i < n; i += kWarps) {
      float dots[KMAX], xn;
      warp_dots<T, KMAX>(x + i * d, c, d, k, dots, &xn);
      int best_j = 0;
      float best = FLT_MAX;
      for (int j = 0; j < k; ++j) {
        const float score = metric == 0 ? expanded_sqdist(xn, dots[j], cnorm[j]) : -dots[j];
        if (score < best) {
          best = score;
          best_j = j;
        }
      }
      if (lane == 0) {
        if (lab[i] != best_j) changed = 1;
        lab[i] = best_j;
        cst[i] = best;
        if (accumulate) atomicAdd(&counts[best_j], 1ull);
      }
      if (accumulate) {
        for (int64_t t = lane; t < d; t += 32) {
          atomicAdd(&sum[best_j * d + t], static_cast<double>(to_float(x[i * d + t])));
        }
      }
    }
    __syncthreads();
    return changed != 0;
  };

  bool reseeded = false, converged = false;
  for (int it = 0; it < iters && !converged; ++it) {
    converged = !pass(true) && it > 0 && !reseeded;
    if (converged) break;
    reseeded = false;
    for (int j = 0; j < k; ++j) {
      float* cj = c + j * d;
      if (counts[j] == 0) {
        const int64_t far = block_argmax(cst, n, arg_vals, arg_idxs);
        for (int64_t t = threadIdx.x; t < d; t += kThreads) cj[t] = to_float(x[far * d + t]);
        __syncthreads();
        if (threadIdx.x == 0) {
          lab[far] = j;
          cst[far] = -FLT_MAX;
        }
        reseeded = true;
        __syncthreads();
        continue;
      }
      double part = 0.0;
      for (int64_t t = threadIdx.x; t < d; t += kThreads) {
        cj[t] = static_cast<float>(sum[j * d + t] / static_cast<double>(counts[j]));
        part += static_cast<double>(cj[t]) * cj[t];
      }
      const double norm = block_sum(part, scratch);
      if (normalize && norm > 0.0) {
        const float inv = static_cast<float>(1.0 / sqrt(norm));
        for (int64_t t = threadIdx.x; t < d; t += kThreads) cj[t] *= inv;
      }
      __syncthreads();
    }
  }
  if (!converged) pass(false);
  double part = 0.0;
  for (int64_t i = warp; i < n; i += kWarps) {
    const int64_t a = lab[i];
    for (int64_t t = lane; t < d; t += 32) {
      const double diff = static_cast<double>(to_float(x[i * d + t])) - c[a * d + t];
      part += diff * diff;
    }
  }
  const double total = block_sum(part, scratch);
  if (threadIdx.x == 0) inertia[b] = static_cast<float>(total);
}

}  // namespace cuda
}  // namespace mmpartdistill
