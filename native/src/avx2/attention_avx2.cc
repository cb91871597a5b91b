// Fused scaled-dot-product attention (scores, causal/boolean mask, softmax, weighted sum) and its backward,
// one (batch, head) pair per task.
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

thread_local Scratch tl_row;

inline float dot(const float* a, const float* b, long n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  float s = vm::hsum(_mm256_add_ps(s0, s1));
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

// y += s * x over n floats.
inline void axpy(float s, const float* x, float* y, long n) {
  const __m256 vs = set1(s);
  long i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(vs, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  for (; i < n; i++) y[i] += s * x[i];
}

// Enough (batch, head) work to be worth waking the pool.
inline bool parallel_worth(long bh, long tq, long tk, long d) { return bh > 1 && bh * tq * tk * d >= (1L << 16); }

void attention_head(const AttentionArgs& a, long bh, float* row) {
  const long b = bh / a.heads, h = bh % a.heads;
  const long D = a.d, tq = a.tq, tk = a.tk;
  const float* q = a.q + bh * tq * D;
  const float* k = a.k + bh * tk * D;
  const float* v = a.v + bh * tk * D;
  float* out = a.out + bh * tq * D;
  const uint8_t* mask = a.mask ? a.mask + b * a.mask_stride_b + h * a.mask_stride_h : nullptr;
  for (long i = 0; i < tq; i++) {
    const float* qi = q + i * D;
    const long jend = a.causal ? std::min(tk, i + tk - tq + 1) : tk;
    float mx = -__builtin_inff();
    for (long j = 0; j < tk; j++) {
      if (j >= jend || (mask && mask[i * tk + j] == 0)) {
        row[j] = -__builtin_inff();
        continue;
      }
      const float s = dot(qi, k + j * D, D) * a.scale;
      row[j] = s;
      if (s > mx) mx = s;
    }
    float sum = 0.0f;
    const float shift = mx == -__builtin_inff() ? 0.0f : mx;
    long j = 0;
    for (; j + 8 <= tk; j += 8) {
      const __m256 e = vm::exp(_mm256_sub_ps(_mm256_loadu_ps(row + j), set1(shift)));
      _mm256_storeu_ps(row + j, e);
      sum += vm::hsum(e);
    }
    for (; j < tk; j++) {
      const float e = row[j] == -__builtin_inff() ? 0.0f : std::exp(row[j] - shift);
      row[j] = e;
      sum += e;
    }
    const float inv = sum > 0.0f ? 1.0f / sum : __builtin_nanf("");
    float* oi = out + i * D;
    std::memset(oi, 0, static_cast<size_t>(D) * sizeof(float));
    float* probs = a.probs ? a.probs + (bh * tq + i) * tk : nullptr;
    for (j = 0; j < tk; j++) {
      const float p = row[j] * inv;
      if (probs) probs[j] = p;
      if (p == 0.0f) continue;
      axpy(p, v + j * D, oi, D);
    }
  }
}

void attention_head_backward(const AttentionBackwardArgs& a, long bh, float* dp) {
  const long D = a.d, tq = a.tq, tk = a.tk;
  const float* q = a.q + bh * tq * D;
  const float* k = a.k + bh * tk * D;
  const float* v = a.v + bh * tk * D;
  const float* go = a.grad_out + bh * tq * D;
  float* gq = a.grad_q + bh * tq * D;
  float* gk = a.grad_k + bh * tk * D;
  float* gv = a.grad_v + bh * tk * D;
  std::memset(gq, 0, static_cast<size_t>(tq * D) * sizeof(float));
  std::memset(gk, 0, static_cast<size_t>(tk * D) * sizeof(float));
  std::memset(gv, 0, static_cast<size_t>(tk * D) * sizeof(float));
  for (long i = 0; i < tq; i++) {
    const float* p = a.probs + (bh * tq + i) * tk;
    const float* gi = go + i * D;
    float dotp = 0.0f;
    for (long j = 0; j < tk; j++) {
      if (p[j] == 0.0f) {
        dp[j] = 0.0f;
        continue;
      }
      const float s = dot(gi, v + j * D, D);
      axpy(p[j], gi, gv + j * D, D);
      dp[j] = s;
      dotp += p[j] * s;
    }
    const float* qi = q + i * D;
    float* gqi = gq + i * D;
    for (long j = 0; j < tk; j++) {
      const float ds = p[j] * (dp[j] - dotp) * a.scale;
      if (ds == 0.0f) continue;
      axpy(ds, k + j * D, gqi, D);
      axpy(ds, qi, gk + j * D, D);
    }
  }
}

}  // namespace

void attention_f32(const AttentionArgs& a) {
  const long bh = a.batch * a.heads;
  auto heads = [&](long h0, long h1) {
    float* row = tl_row.floats(a.tk);
    for (long h = h0; h < h1; h++) attention_head(a, h, row);
  };
  if (parallel_worth(bh, a.tq, a.tk, a.d)) parallel_range(bh, 1, heads);
  else heads(0, bh);
}

void attention_backward_f32(const AttentionBackwardArgs& a) {
  const long bh = a.batch * a.heads;
  auto heads = [&](long h0, long h1) {
    float* dp = tl_row.floats(a.tk);
    for (long h = h0; h < h1; h++) attention_head_backward(a, h, dp);
  };
  if (parallel_worth(bh, a.tq, a.tk, a.d)) parallel_range(bh, 1, heads);
  else heads(0, bh);
}

}  // namespace lmkit
