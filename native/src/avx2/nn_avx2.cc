// Row-wise float32 kernels: reductions, softmax, layer norm, embeddings, cross-entropy, Adam.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels.h"
#include "scratch.h"
#include "thread_pool.h"
#include "vec_math.h"

namespace lmkit {
namespace {

using vm::set1;

thread_local Scratch tl_partial;

// Row-wise work below this many elements stays on the calling thread.
constexpr long kParallelElements = 1L << 15;

// Rows per task so that a task covers at least kParallelElements / 2 elements.
inline long row_grain(long cols) { return (kParallelElements / 2 + cols - 1) / (cols > 0 ? cols : 1); }

template <class F>
void for_rows(long rows, long cols, F f) {
  if (rows * cols < kParallelElements) f(0L, rows);
  else parallel_range(rows, row_grain(cols), f);
}

inline __m256d widen_lo(__m256 v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
inline __m256d widen_hi(__m256 v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
inline double hsum_pd(__m256d v) {
  alignas(32) double t[4];
  _mm256_store_pd(t, v);
  return (t[0] + t[1]) + (t[2] + t[3]);
}

// Sum of a contiguous row, accumulated in double.
double row_sum(const float* x, long n) {
  __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    s0 = _mm256_add_pd(s0, widen_lo(v));
    s1 = _mm256_add_pd(s1, widen_hi(v));
  }
  double s = hsum_pd(_mm256_add_pd(s0, s1));
  for (; i < n; i++) s += x[i];
  return s;
}

// Max of a row, NaN when any element is NaN (x must have n >= 1).
float row_max(const float* x, long n) {
  __m256 m = set1(-__builtin_inff());
  __m256 nan = _mm256_setzero_ps();
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    m = _mm256_max_ps(m, v);
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
  }
  float r = vm::hmax(m);
  bool any_nan = _mm256_movemask_ps(nan) != 0;
  for (; i < n; i++) {
    if (x[i] != x[i]) any_nan = true;
    if (x[i] > r) r = x[i];
  }
  return any_nan ? __builtin_nanf("") : r;
}

// sum_j exp(x[j] - mx), writing the exponentials to e (may be null).
float row_exp_sum(const float* x, long n, float mx, float* e) {
  const __m256 vm_ = set1(mx);
  __m256 s = _mm256_setzero_ps();
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = vm::exp(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm_));
    if (e) _mm256_storeu_ps(e + i, v);
    s = _mm256_add_ps(s, v);
  }
  if (i < n) {
    const __m256i m = vm::tail_mask(n - i);
    const __m256 v = _mm256_and_ps(vm::exp(_mm256_sub_ps(_mm256_maskload_ps(x + i, m), vm_)), _mm256_castsi256_ps(m));
    if (e) _mm256_maskstore_ps(e + i, m, v);
    s = _mm256_add_ps(s, v);
  }
  return vm::hsum(s);
}

void reduce_rows(int op, const float* x, float* out, long rows, long dim, int32_t* indices) {
  for_rows(rows, dim, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* row = x + r * dim;
      if (op == 0) {
        out[r] = static_cast<float>(row_sum(row, dim));
        continue;
      }
      // max / min: the first index of the extreme, or of the first NaN.
      long arg = 0;
      float best = row[0];
      if (op == 1) {
        best = row_max(row, dim);
      } else {
        float m = row[0];
        bool nan = false;
        for (long d = 0; d < dim; d++) {
          if (row[d] != row[d]) nan = true;
          if (row[d] < m) m = row[d];
        }
        best = nan ? __builtin_nanf("") : m;
      }
      if (best != best) {
        while (row[arg] == row[arg]) arg++;
      } else {
        while (row[arg] != best) arg++;
      }
      out[r] = best;
      if (indices) indices[r] = static_cast<int32_t>(arg);
    }
  });
}

void reduce_strided(int op, const float* x, float* out, long outer, long dim, long inner, int32_t* indices) {
  for_rows(outer, dim * inner, [&](long o0, long o1) {
    for (long o = o0; o < o1; o++) {
      const float* base = x + o * dim * inner;
      float* dst = out + o * inner;
      int32_t* idx = indices ? indices + o * inner : nullptr;
      long i = 0;
      if (op == 0) {
        for (; i + 8 <= inner; i += 8) {
          __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
          for (long d = 0; d < dim; d++) {
            const __m256 v = _mm256_loadu_ps(base + d * inner + i);
            s0 = _mm256_add_pd(s0, widen_lo(v));
            s1 = _mm256_add_pd(s1, widen_hi(v));
          }
          _mm256_storeu_ps(dst + i, _mm256_set_m128(_mm256_cvtpd_ps(s1), _mm256_cvtpd_ps(s0)));
        }
        for (; i < inner; i++) {
          double s = 0;
          for (long d = 0; d < dim; d++) s += base[d * inner + i];
          dst[i] = static_cast<float>(s);
        }
        continue;
      }
      const int cmp = op == 1 ? _CMP_GT_OQ : _CMP_LT_OQ;
      for (; i + 8 <= inner; i += 8) {
        __m256 best = _mm256_loadu_ps(base + i);
        __m256i arg = _mm256_setzero_si256();
        for (long d = 1; d < dim; d++) {
          const __m256 v = _mm256_loadu_ps(base + d * inner + i);
          const __m256 best_nan = _mm256_cmp_ps(best, best, _CMP_UNORD_Q);
          const __m256 v_nan = _mm256_cmp_ps(v, v, _CMP_UNORD_Q);
          const __m256 better = cmp == _CMP_GT_OQ ? _mm256_cmp_ps(v, best, _CMP_GT_OQ) : _mm256_cmp_ps(v, best, _CMP_LT_OQ);
          const __m256 take = _mm256_andnot_ps(best_nan, _mm256_or_ps(better, v_nan));
          best = _mm256_blendv_ps(best, v, take);
          arg = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(arg),
                                                     _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(d))), take));
        }
        _mm256_storeu_ps(dst + i, best);
        if (idx) _mm256_storeu_si256(reinterpret_cast<__m256i*>(idx + i), arg);
      }
      for (; i < inner; i++) {
        float best = base[i];
        int32_t arg = 0;
        for (long d = 1; d < dim; d++) {
          const float v = base[d * inner + i];
          if (best != best) break;
          if (v != v || (op == 1 ? v > best : v < best)) {
            best = v;
            arg = static_cast<int32_t>(d);
          }
        }
        dst[i] = best;
        if (idx) idx[i] = arg;
      }
    }
  });
}

}  // namespace

void reduce_f32(int op, const float* x, float* out, long outer, long dim, long inner, int32_t* indices) {
  if (outer * inner == 0) return;
  if (dim == 0) {
    for (long i = 0; i < outer * inner; i++) out[i] = 0.0f;
    return;
  }
  if (inner == 1) reduce_rows(op, x, out, outer, dim, indices);
  else reduce_strided(op, x, out, outer, dim, inner, indices);
}

void softmax_f32(const float* x, float* out, long rows, long dim, long inner, bool log) {
  (void)inner;  // the binding sends only inner == 1 here
  for_rows(rows, dim, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* xr = x + r * dim;
      float* yr = out + r * dim;
      float mx = row_max(xr, dim);
      if (mx == -__builtin_inff()) mx = 0.0f;  // a fully masked row: NaN like PyTorch
      if (log) {
        const float s = row_exp_sum(xr, dim, mx, nullptr);
        const __m256 lse = set1(static_cast<float>(mx + std::log(static_cast<double>(s))));
        long i = 0;
        for (; i + 8 <= dim; i += 8) _mm256_storeu_ps(yr + i, _mm256_sub_ps(_mm256_loadu_ps(xr + i), lse));
        for (; i < dim; i++) yr[i] = xr[i] - _mm256_cvtss_f32(lse);
      } else {
        const float s = row_exp_sum(xr, dim, mx, yr);
        const float inv = 1.0f / s;
        const __m256 vinv = set1(inv);
        long i = 0;
        for (; i + 8 <= dim; i += 8) _mm256_storeu_ps(yr + i, _mm256_mul_ps(_mm256_loadu_ps(yr + i), vinv));
        for (; i < dim; i++) yr[i] *= inv;
      }
    }
  });
}

void softmax_backward_f32(const float* y, const float* gy, float* gx, long rows, long dim, long inner, bool log) {
  (void)inner;
  for_rows(rows, dim, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* yr = y + r * dim;
      const float* gr = gy + r * dim;
      float* xr = gx + r * dim;
      __m256 acc = _mm256_setzero_ps();
      long i = 0;
      if (log) {
        for (; i + 8 <= dim; i += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(gr + i));
        float s = vm::hsum(acc);
        for (; i < dim; i++) s += gr[i];
        const __m256 vs = set1(s);
        for (i = 0; i + 8 <= dim; i += 8)
          _mm256_storeu_ps(xr + i, _mm256_fnmadd_ps(vm::exp(_mm256_loadu_ps(yr + i)), vs, _mm256_loadu_ps(gr + i)));
        for (; i < dim; i++) xr[i] = gr[i] - std::exp(yr[i]) * s;
      } else {
        for (; i + 8 <= dim; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(gr + i), _mm256_loadu_ps(yr + i), acc);
        float s = vm::hsum(acc);
        for (; i < dim; i++) s += gr[i] * yr[i];
        const __m256 vs = set1(s);
        for (i = 0; i + 8 <= dim; i += 8)
          _mm256_storeu_ps(xr + i, _mm256_mul_ps(_mm256_loadu_ps(yr + i), _mm256_sub_ps(_mm256_loadu_ps(gr + i), vs)));
        for (; i < dim; i++) xr[i] = yr[i] * (gr[i] - s);
      }
    }
  });
}

// Sum of a contiguous row in float, four vector chains (pairwise-like error, no widening).
float row_sum_f32(const float* x, long n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
  long j = 0;
  for (; j + 32 <= n; j += 32) {
    s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + j));
    s1 = _mm256_add_ps(s1, _mm256_loadu_ps(x + j + 8));
    s2 = _mm256_add_ps(s2, _mm256_loadu_ps(x + j + 16));
    s3 = _mm256_add_ps(s3, _mm256_loadu_ps(x + j + 24));
  }
  for (; j + 8 <= n; j += 8) s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + j));
  if (j < n) s1 = _mm256_add_ps(s1, _mm256_maskload_ps(x + j, vm::tail_mask(n - j)));
  return vm::hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

// Σ(x - m) and Σ(x - m)² of a contiguous row, four vector chains each.
void centered_sums(const float* x, long n, float m, float* sum, float* sum_sq) {
  const __m256 vm_ = set1(m);
  __m256 d0 = _mm256_setzero_ps(), d1 = _mm256_setzero_ps(), q0 = _mm256_setzero_ps(), q1 = _mm256_setzero_ps();
  long j = 0;
  for (; j + 16 <= n; j += 16) {
    const __m256 a = _mm256_sub_ps(_mm256_loadu_ps(x + j), vm_);
    const __m256 b = _mm256_sub_ps(_mm256_loadu_ps(x + j + 8), vm_);
    d0 = _mm256_add_ps(d0, a);
    d1 = _mm256_add_ps(d1, b);
    q0 = _mm256_fmadd_ps(a, a, q0);
    q1 = _mm256_fmadd_ps(b, b, q1);
  }
  for (; j < n; j += 8) {
    const __m256i mask = vm::tail_mask(n - j);
    const __m256 a = _mm256_and_ps(_mm256_sub_ps(_mm256_maskload_ps(x + j, mask), vm_), _mm256_castsi256_ps(mask));
    d0 = _mm256_add_ps(d0, a);
    q0 = _mm256_fmadd_ps(a, a, q0);
  }
  *sum = vm::hsum(_mm256_add_ps(d0, d1));
  *sum_sq = vm::hsum(_mm256_add_ps(q0, q1));
}

// In float, as PyTorch's CPU kernel: the mean, then the variance by the corrected two-pass formula
// (Σd² - (Σd)²/n)/n with d = x - mean, whose Σd also corrects the mean for the rounding of the first pass.
void layer_norm_f32(const float* x, const float* w, const float* b, float* y, float* mean, float* rstd, long rows,
                    long cols, float eps) {
  const float inv_n = 1.0f / static_cast<float>(cols);
  for_rows(rows, cols, [&](long r0, long r1) {
    // Statistics of a few rows first, then their normalization: the rows' reductions are independent, so
    // their latency chains overlap instead of stalling each row's normalization.
    constexpr long kGroup = 8;
    for (long g0 = r0; g0 < r1; g0 += kGroup) {
      const long g1 = std::min(r1, g0 + kGroup);
      for (long r = g0; r < g1; r++) {
        const float* xr = x + r * cols;
        const float m0 = row_sum_f32(xr, cols) * inv_n;
        float sd, sq;
        centered_sums(xr, cols, m0, &sd, &sq);
        float var = (sq - sd * sd * inv_n) * inv_n;
        if (var < 0.0f) var = 0.0f;  // rounding; NaN stays NaN
        mean[r] = m0 + sd * inv_n;
        rstd[r] = 1.0f / std::sqrt(var + eps);
      }
      for (long r = g0; r < g1; r++) {
        const float* xr = x + r * cols;
        float* yr = y + r * cols;
        const float fm = mean[r], frs = rstd[r];
        const __m256 vmean = set1(fm), vrs = set1(frs);
        long j = 0;
        for (; j + 8 <= cols; j += 8) {
          __m256 v = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(xr + j), vmean), vrs);
          if (w) v = _mm256_mul_ps(v, _mm256_loadu_ps(w + j));
          if (b) v = _mm256_add_ps(v, _mm256_loadu_ps(b + j));
          _mm256_storeu_ps(yr + j, v);
        }
        for (; j < cols; j++) {
          float v = (xr[j] - fm) * frs;
          if (w) v *= w[j];
          if (b) v += b[j];
          yr[j] = v;
        }
      }
    }
  });
}

void layer_norm_backward_f32(const float* x, const float* w, const float* mean, const float* rstd, const float* gy,
                             float* gx, float* gw, float* gb, long rows, long cols, bool accumulate) {
  const int tasks = rows * cols < kParallelElements ? 1 : std::min<long>(num_threads(), rows);
  // Each task sums its rows' gw/gb contributions privately; the sums are added once at the end.
  float* partial = nullptr;
  if ((gw || gb) && tasks > 1) {
    partial = tl_partial.floats(static_cast<long>(tasks) * 2 * cols);
    std::memset(partial, 0, static_cast<size_t>(tasks) * 2 * cols * sizeof(float));
  }
  const long per = (rows + tasks - 1) / tasks;
  auto task = [&](int t) {
    const long r0 = t * per, r1 = std::min(rows, r0 + per);
    float* pw = gw ? (tasks > 1 ? partial + static_cast<size_t>(t) * 2 * cols : gw) : nullptr;
    float* pb = gb ? (tasks > 1 ? partial + static_cast<size_t>(t) * 2 * cols + cols : gb) : nullptr;
    for (long r = r0; r < r1; r++) {
      const float* xr = x + r * cols;
      const float* gr = gy + r * cols;
      float* out = gx + r * cols;
      const __m256 vm_ = set1(mean[r]), vrs = set1(rstd[r]);
      __m256 sg = _mm256_setzero_ps(), sgx = _mm256_setzero_ps();
      long j = 0;
      for (; j + 8 <= cols; j += 8) {
        const __m256 xh = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(xr + j), vm_), vrs);
        const __m256 g0 = _mm256_loadu_ps(gr + j);
        const __m256 g = w ? _mm256_mul_ps(g0, _mm256_loadu_ps(w + j)) : g0;
        sg = _mm256_add_ps(sg, g);
        sgx = _mm256_fmadd_ps(g, xh, sgx);
        if (pw) _mm256_storeu_ps(pw + j, _mm256_fmadd_ps(g0, xh, _mm256_loadu_ps(pw + j)));
        if (pb) _mm256_storeu_ps(pb + j, _mm256_add_ps(g0, _mm256_loadu_ps(pb + j)));
      }
      float sumg = vm::hsum(sg), sumgx = vm::hsum(sgx);
      for (; j < cols; j++) {
        const float xh = (xr[j] - mean[r]) * rstd[r];
        const float g = gr[j] * (w ? w[j] : 1.0f);
        sumg += g;
        sumgx += g * xh;
        if (pw) pw[j] += gr[j] * xh;
        if (pb) pb[j] += gr[j];
      }
      sumg /= static_cast<float>(cols);
      sumgx /= static_cast<float>(cols);
      const __m256 vsg = set1(sumg), vsgx = set1(sumgx);
      for (j = 0; j + 8 <= cols; j += 8) {
        const __m256 xh = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(xr + j), vm_), vrs);
        const __m256 g0 = _mm256_loadu_ps(gr + j);
        const __m256 g = w ? _mm256_mul_ps(g0, _mm256_loadu_ps(w + j)) : g0;
        const __m256 d = _mm256_mul_ps(vrs, _mm256_fnmadd_ps(xh, vsgx, _mm256_sub_ps(g, vsg)));
        _mm256_storeu_ps(out + j, accumulate ? _mm256_add_ps(_mm256_loadu_ps(out + j), d) : d);
      }
      for (; j < cols; j++) {
        const float xh = (xr[j] - mean[r]) * rstd[r];
        const float g = gr[j] * (w ? w[j] : 1.0f);
        const float d = rstd[r] * (g - sumg - xh * sumgx);
        out[j] = accumulate ? out[j] + d : d;
      }
    }
  };
  parallel_for(tasks, task);
  if (tasks > 1) {
    for (int t = 0; t < tasks; t++) {
      const float* pw = partial + static_cast<size_t>(t) * 2 * cols;
      for (long j = 0; j < cols; j++) {
        if (gw) gw[j] += pw[j];
        if (gb) gb[j] += pw[cols + j];
      }
    }
  }
}

void embedding_f32(const int32_t* ids, const float* weight, float* out, long n, long dim) {
  for_rows(n, dim, [&](long r0, long r1) {
    for (long i = r0; i < r1; i++)
      std::memcpy(out + i * dim, weight + static_cast<long>(ids[i]) * dim, static_cast<size_t>(dim) * sizeof(float));
  });
}

void embedding_backward_f32(const int32_t* ids, const float* gy, float* gw, long n, long dim, int32_t padding_idx) {
  // Columns are independent, so threads split the embedding dimension (no two write the same element).
  auto cols = [&](long c0, long c1) {
    for (long i = 0; i < n; i++) {
      if (ids[i] == padding_idx) continue;
      float* dst = gw + static_cast<long>(ids[i]) * dim;
      const float* src = gy + i * dim;
      long j = c0;
      for (; j + 8 <= c1; j += 8)
        _mm256_storeu_ps(dst + j, _mm256_add_ps(_mm256_loadu_ps(dst + j), _mm256_loadu_ps(src + j)));
      for (; j < c1; j++) dst[j] += src[j];
    }
  };
  if (n * dim < 4 * kParallelElements || dim < 64) cols(0, dim);
  else parallel_range(dim / 8, 8, [&](long b0, long b1) { cols(b0 * 8, b1 == dim / 8 ? dim : b1 * 8); });
}

void cross_entropy_f32(const float* logits, const int32_t* targets, long rows, long classes, int32_t ignore_index,
                       float label_smoothing, float* losses, float* grad) {
  const double eps = label_smoothing;
  for_rows(rows, classes, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* x = logits + r * classes;
      float* g = grad ? grad + r * classes : nullptr;
      const int32_t t = targets[r];
      if (t == ignore_index) {
        losses[r] = 0.0f;
        if (g) std::memset(g, 0, static_cast<size_t>(classes) * sizeof(float));
        continue;
      }
      const float mx = row_max(x, classes);
      const float sum = row_exp_sum(x, classes, mx, g);
      const double lse = mx + std::log(static_cast<double>(sum));
      double loss = (1.0 - eps) * (lse - x[t]);
      if (eps > 0) loss += eps * (lse - row_sum(x, classes) / static_cast<double>(classes));
      losses[r] = static_cast<float>(loss);
      if (g) {
        const __m256 inv = set1(1.0f / sum), shift = set1(static_cast<float>(eps / classes));
        long c = 0;
        for (; c + 8 <= classes; c += 8)
          _mm256_storeu_ps(g + c, _mm256_fmsub_ps(_mm256_loadu_ps(g + c), inv, shift));
        for (; c < classes; c++) g[c] = g[c] * (1.0f / sum) - static_cast<float>(eps / classes);
        g[t] -= static_cast<float>(1.0 - eps);
      }
    }
  });
}

namespace {

// How far ahead (in floats, 1 KB) the Adam loop prefetches its four streams.
constexpr long kPrefetchAhead = 256;

// Adam's per-element constants, float32 as the kernel uses them.
struct AdamConstants {
  __m256 step_size, inv_bc2_sqrt, b1, b2, one_b1, one_b2, eps, wd, decay;
  bool decoupled, l2;

  AdamConstants(double lr, double beta1, double beta2, double eps_, double weight_decay, double step, bool decoupled_) {
    const double bc1 = 1.0 - std::pow(beta1, step);
    const double bc2 = 1.0 - std::pow(beta2, step);
    step_size = set1(static_cast<float>(lr / bc1));
    inv_bc2_sqrt = set1(static_cast<float>(1.0 / std::sqrt(bc2)));
    b1 = set1(static_cast<float>(beta1));
    b2 = set1(static_cast<float>(beta2));
    one_b1 = set1(static_cast<float>(1.0 - beta1));
    one_b2 = set1(static_cast<float>(1.0 - beta2));
    eps = set1(static_cast<float>(eps_));
    wd = set1(static_cast<float>(weight_decay));
    decay = set1(static_cast<float>(1.0 - lr * weight_decay));
    decoupled = decoupled_;
    l2 = !decoupled_ && weight_decay != 0.0;
  }

  // Which products are fused into an add is spelled out (the compiler would otherwise contract depending on
  // how the loop got unswitched): the decayed parameter is rounded on its own, √v·c + ε is one fma.
  void lanes(__m256 pv, __m256 gv, __m256 mv, __m256 vv, __m256& po, __m256& mo, __m256& vo) const {
    if (decoupled) {
      pv = _mm256_mul_ps(pv, decay);
      asm("" : "+x"(pv));  // keeps the multiply out of the subtraction below
    } else if (l2) {
      gv = _mm256_fmadd_ps(wd, pv, gv);
    }
    mo = _mm256_fmadd_ps(b1, mv, _mm256_mul_ps(one_b1, gv));
    vo = _mm256_fmadd_ps(b2, vv, _mm256_mul_ps(one_b2, _mm256_mul_ps(gv, gv)));
    const __m256 denom = _mm256_fmadd_ps(_mm256_sqrt_ps(vo), inv_bc2_sqrt, eps);
    po = _mm256_sub_ps(pv, _mm256_div_ps(_mm256_mul_ps(step_size, mo), denom));
  }

  void chunk(float* p, const float* g, float* m, float* v, long i0, long i1) const {
    const AdamConstants c = *this;  // a local copy stays in registers: stores through p, m, v cannot alias it
    long i = i0;
    for (; i + 16 <= i1; i += 16) {
      // One cache line of each stream per iteration, the lines kPrefetchAhead floats on requested early.
      _mm_prefetch(reinterpret_cast<const char*>(p + i + kPrefetchAhead), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(g + i + kPrefetchAhead), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(m + i + kPrefetchAhead), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(v + i + kPrefetchAhead), _MM_HINT_T0);
      for (long j = i; j < i + 16; j += 8) {
        __m256 po, mo, vo;
        c.lanes(_mm256_loadu_ps(p + j), _mm256_loadu_ps(g + j), _mm256_loadu_ps(m + j), _mm256_loadu_ps(v + j), po, mo, vo);
        _mm256_storeu_ps(p + j, po);
        _mm256_storeu_ps(m + j, mo);
        _mm256_storeu_ps(v + j, vo);
      }
    }
    for (; i + 8 <= i1; i += 8) {
      __m256 po, mo, vo;
      c.lanes(_mm256_loadu_ps(p + i), _mm256_loadu_ps(g + i), _mm256_loadu_ps(m + i), _mm256_loadu_ps(v + i), po, mo, vo);
      _mm256_storeu_ps(p + i, po);
      _mm256_storeu_ps(m + i, mo);
      _mm256_storeu_ps(v + i, vo);
    }
    if (i < i1) {
      const __m256i k = vm::tail_mask(i1 - i);
      __m256 po, mo, vo;
      c.lanes(_mm256_maskload_ps(p + i, k), _mm256_maskload_ps(g + i, k), _mm256_maskload_ps(m + i, k),
              _mm256_maskload_ps(v + i, k), po, mo, vo);
      _mm256_maskstore_ps(p + i, k, po);
      _mm256_maskstore_ps(m + i, k, mo);
      _mm256_maskstore_ps(v + i, k, vo);
    }
  }

  void tensor(float* p, const float* g, float* m, float* v, long n) const {
    if (n < kParallelElements) chunk(p, g, m, v, 0, n);
    else parallel_range(n, kParallelElements / 2, [&](long i0, long i1) { chunk(p, g, m, v, i0, i1); });
  }
};

}  // namespace

void adam_f32(float* p, const float* g, float* m, float* v, long n, double lr, double beta1, double beta2, double eps,
              double weight_decay, double step, bool decoupled) {
  AdamConstants(lr, beta1, beta2, eps, weight_decay, step, decoupled).tensor(p, g, m, v, n);
}

void adam_list_f32(float* const* p, const float* const* g, float* const* m, float* const* v, const long* ns,
                   long count, double lr, double beta1, double beta2, double eps, double weight_decay, double step,
                   bool decoupled) {
  const AdamConstants c(lr, beta1, beta2, eps, weight_decay, step, decoupled);
  for (long t = 0; t < count; t++) c.tensor(p[t], g[t], m[t], v[t], ns[t]);
}

}  // namespace lmkit
