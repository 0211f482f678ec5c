// Holds every variant of the small-k dot kernel (portable, AVX2, AVX-512,
// those this processor runs) to float64 dot products over awkward shapes:
// d not a multiple of the vector width, odd row counts, short centroid
// groups, gathered rows, with and without the row norms.
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "../../csrc/cpu/small_k_dots.h"

using namespace mmpartdistill;

using Kernel = void (*)(const float*, const int64_t*, int64_t, int64_t, const float*, int64_t,
                        float*, float*);

int main() {
  std::vector<Kernel> kernels{small_k_dots_portable};
#ifdef MMPD_HAVE_AVX2_KERNEL
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    kernels.push_back(small_k_dots_avx2);
  }
  if (__builtin_cpu_supports("avx512f")) kernels.push_back(small_k_dots_avx512);
#endif
  std::mt19937 gen(1);
  std::normal_distribution<float> normal;
  double worst = 0.0;
  const int64_t n = 12;
  for (int64_t d : {1, 3, 8, 15, 16, 17, 31, 64, 100, 257}) {
    for (int64_t m = 1; m <= 19; ++m) {
      for (int64_t count : {1, 2, 3, 7, 10}) {
        std::vector<float> x(n * d), c(m * d), out(count * m), norms(count);
        for (auto& v : x) v = normal(gen);
        for (auto& v : c) v = normal(gen);
        std::vector<int64_t> rows(count);
        for (int64_t r = 0; r < count; ++r) rows[r] = (r * 5 + 3) % n;
        for (Kernel kernel : kernels) {
          const int64_t* gathers[2] = {nullptr, rows.data()};
          for (const int64_t* rp : gathers) {
            kernel(x.data(), rp, count, d, c.data(), m, out.data(), norms.data());
            for (int64_t r = 0; r < count; ++r) {
              const float* xr = x.data() + (rp ? rp[r] : r) * d;
              double nn = 0.0;
              for (int64_t t = 0; t < d; ++t) nn += static_cast<double>(xr[t]) * xr[t];
              worst = std::max(worst, std::fabs(norms[r] - nn) / (1.0 + d));
              for (int64_t j = 0; j < m; ++j) {
                double dot = 0.0;
                for (int64_t t = 0; t < d; ++t) dot += static_cast<double>(xr[t]) * c[j * d + t];
                worst = std::max(worst, std::fabs(out[r * m + j] - dot) / (1.0 + d));
              }
            }
          }
        }
      }
    }
  }
  std::printf("%zu kernels, worst scaled error %.2e\n", kernels.size(), worst);
  return worst < 1e-5 ? 0 : 1;
}
