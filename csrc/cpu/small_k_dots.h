// Dot products of point rows with a few centroids (k-means's assignment and
// seeding GEMMs, where k is 3-64 columns). BLAS runs such skinny products far
// below the core's peak; this kernel keeps two rows by four (AVX2) or eight
// (AVX-512) centroids of partial sums in registers, so each loaded point
// vector feeds four or eight FMAs and each centroid vector two, and the
// centroids stay in L1. The processor picks the variant at run time.
#pragma once

#include <algorithm>
#include <cstdint>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define MMPD_HAVE_AVX2_KERNEL 1
#endif

namespace mmpartdistill {

// out[r * m + j] = x[row(r)] . c[j] for r < count and j < m, where row(r) is
// rows[r] when rows is given and r otherwise; x rows and c rows hold d floats.
// With norms, also norms[r] = |x[row(r)]|^2 from the same read of the row.
inline void small_k_dots_portable(const float* x, const int64_t* rows, int64_t count, int64_t d,
                                  const float* c, int64_t m, float* out, float* norms) {
  for (int64_t r = 0; r < count; ++r) {
    const float* xr = x + (rows ? rows[r] : r) * d;
    if (norms) {
      float acc = 0.f;
      for (int64_t t = 0; t < d; ++t) acc += xr[t] * xr[t];
      norms[r] = acc;
    }
    for (int64_t j = 0; j < m; ++j) {
      float acc = 0.f;
      for (int64_t t = 0; t < d; ++t) acc += xr[t] * c[j * d + t];
      out[r * m + j] = acc;
    }
  }
}

// Runs block(group, with_norms, x0, x1, cs, s0, s1, n01) over pairs of rows
// (an odd last row paired with itself) and groups of at most kMaxGroup
// centroids; block fills the sums of rows x0, x1 with the `group` centroids
// cs (and their norms). A short group repeats its last centroid; those sums
// are dropped.
template <int kMaxGroup, typename Block>
inline void blocked_dots(const float* x, const int64_t* rows, int64_t count, int64_t d,
                         const float* c, int64_t m, float* out, float* norms, const Block& block) {
  for (int64_t r = 0; r < count; r += 2) {
    const bool pair = r + 1 < count;
    const float* x0 = x + (rows ? rows[r] : r) * d;
    const float* x1 = pair ? x + (rows ? rows[r + 1] : r + 1) * d : x0;
    for (int64_t j0 = 0; j0 < m;) {
      const int64_t width = std::min<int64_t>(m - j0, kMaxGroup);
      const int group = width > 4 ? 8 : 4;
      const float* cs[8];
      for (int64_t j = 0; j < group; ++j) cs[j] = c + (j0 + std::min(j, width - 1)) * d;
      float s0[8], s1[8], n01[2];
      const bool with_norms = norms && j0 == 0;
      block(group, with_norms, x0, x1, cs, s0, s1, n01);
      if (with_norms) {
        norms[r] = n01[0];
        if (pair) norms[r + 1] = n01[1];
      }
      for (int64_t j = 0; j < width; ++j) {
        out[r * m + j0 + j] = s0[j];
        if (pair) out[(r + 1) * m + j0 + j] = s1[j];
      }
      j0 += width;
    }
  }
}

// Adds the products of the last d % lanes features, which the vector loops leave.
template <int W, bool kNorms>
inline void tail_dots(const float* x0, const float* x1, const float* const* cs, int64_t from,
                      int64_t d, float* s0, float* s1, float* n01) {
  for (int64_t t = from; t < d; ++t) {
    for (int j = 0; j < W; ++j) {
      s0[j] += x0[t] * cs[j][t];
      s1[j] += x1[t] * cs[j][t];
    }
    if (kNorms) n01[0] += x0[t] * x0[t], n01[1] += x1[t] * x1[t];
  }
}

#ifdef MMPD_HAVE_AVX2_KERNEL
__attribute__((target("avx2,fma"))) inline float horizontal_sum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// AVX2: two rows by four centroids of 8-float partial sums (8 of the 16 ymm
// registers); with kNorms also the rows' squared norms.
template <bool kNorms>
__attribute__((target("avx2,fma"))) inline void dots_2x4_avx2(const float* x0, const float* x1,
                                                               const float* const* cs, int64_t d,
                                                               float* s0, float* s1, float* n01) {
  const int64_t body = d & ~int64_t{7};
  __m256 a0[4], a1[4];
  __m256 q0 = _mm256_setzero_ps(), q1 = q0;
  for (int j = 0; j < 4; ++j) a0[j] = a1[j] = q0;
  for (int64_t t = 0; t < body; t += 8) {
    const __m256 v0 = _mm256_loadu_ps(x0 + t), v1 = _mm256_loadu_ps(x1 + t);
    if (kNorms) {
      q0 = _mm256_fmadd_ps(v0, v0, q0);
      q1 = _mm256_fmadd_ps(v1, v1, q1);
    }
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      const __m256 w = _mm256_loadu_ps(cs[j] + t);
      a0[j] = _mm256_fmadd_ps(v0, w, a0[j]);
      a1[j] = _mm256_fmadd_ps(v1, w, a1[j]);
    }
  }
  for (int j = 0; j < 4; ++j) s0[j] = horizontal_sum(a0[j]), s1[j] = horizontal_sum(a1[j]);
  if (kNorms) n01[0] = horizontal_sum(q0), n01[1] = horizontal_sum(q1);
  tail_dots<4, kNorms>(x0, x1, cs, body, d, s0, s1, n01);
}

inline void small_k_dots_avx2(const float* x, const int64_t* rows, int64_t count, int64_t d,
                              const float* c, int64_t m, float* out, float* norms) {
  blocked_dots<4>(x, rows, count, d, c, m, out, norms,
                  [d](int, bool with_norms, const float* x0, const float* x1,
                      const float* const* cs, float* s0, float* s1, float* n01) {
                    with_norms ? dots_2x4_avx2<true>(x0, x1, cs, d, s0, s1, n01)
                               : dots_2x4_avx2<false>(x0, x1, cs, d, s0, s1, n01);
                  });
}

// AVX-512: two rows by W (4 or 8) centroids of 16-float partial sums, in the
// 32 zmm registers.
template <int W, bool kNorms>
__attribute__((target("avx512f"))) inline void dots_2xw_avx512(const float* x0, const float* x1,
                                                               const float* const* cs, int64_t d,
                                                               float* s0, float* s1, float* n01) {
  const int64_t body = d & ~int64_t{15};
  __m512 a0[W], a1[W];
  __m512 q0 = _mm512_setzero_ps(), q1 = q0;
  for (int j = 0; j < W; ++j) a0[j] = a1[j] = q0;
  for (int64_t t = 0; t < body; t += 16) {
    const __m512 v0 = _mm512_loadu_ps(x0 + t), v1 = _mm512_loadu_ps(x1 + t);
    if (kNorms) {
      q0 = _mm512_fmadd_ps(v0, v0, q0);
      q1 = _mm512_fmadd_ps(v1, v1, q1);
    }
#pragma GCC unroll 8
    for (int j = 0; j < W; ++j) {
      const __m512 w = _mm512_loadu_ps(cs[j] + t);
      a0[j] = _mm512_fmadd_ps(v0, w, a0[j]);
      a1[j] = _mm512_fmadd_ps(v1, w, a1[j]);
    }
  }
  for (int j = 0; j < W; ++j) s0[j] = _mm512_reduce_add_ps(a0[j]), s1[j] = _mm512_reduce_add_ps(a1[j]);
  if (kNorms) n01[0] = _mm512_reduce_add_ps(q0), n01[1] = _mm512_reduce_add_ps(q1);
  tail_dots<W, kNorms>(x0, x1, cs, body, d, s0, s1, n01);
}

inline void small_k_dots_avx512(const float* x, const int64_t* rows, int64_t count, int64_t d,
                                const float* c, int64_t m, float* out, float* norms) {
  blocked_dots<8>(x, rows, count, d, c, m, out, norms,
                  [d](int group, bool with_norms, const float* x0, const float* x1,
                      const float* const* cs, float* s0, float* s1, float* n01) {
                    if (group == 8) {
                      with_norms ? dots_2xw_avx512<8, true>(x0, x1, cs, d, s0, s1, n01)
                                 : dots_2xw_avx512<8, false>(x0, x1, cs, d, s0, s1, n01);
                    } else {
                      with_norms ? dots_2xw_avx512<4, true>(x0, x1, cs, d, s0, s1, n01)
                                 : dots_2xw_avx512<4, false>(x0, x1, cs, d, s0, s1, n01);
                    }
                  });
}
#endif

inline void small_k_dots(const float* x, const int64_t* rows, int64_t count, int64_t d,
                         const float* c, int64_t m, float* out, float* norms = nullptr) {
#ifdef MMPD_HAVE_AVX2_KERNEL
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx512) return small_k_dots_avx512(x, rows, count, d, c, m, out, norms);
  if (avx2) return small_k_dots_avx2(x, rows, count, d, c, m, out, norms);
#endif
  small_k_dots_portable(x, rows, count, d, c, m, out, norms);
}

}  // namespace mmpartdistill
