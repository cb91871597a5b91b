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

// Enough (batch, head) work to be worth waking the pool.
inline bool parallel_worth(long bh, long tq, long tk, long d) { return bh > 1 && bh * tq * tk * d >= (1L << 16); }

// C[m x n] = alpha * op(A) op(B) + beta * C on this thread, all operands contiguous row-major.
void small_gemm(const float* a, bool ta, const float* b, bool tb, float* c, long m, long n, long k, float alpha,
                float beta) {
  GemmArgs g;
  g.a = a; g.lda = ta ? m : k; g.trans_a = ta; g.stride_a = 0;
  g.b = b; g.ldb = tb ? k : n; g.trans_b = tb; g.stride_b = 0;
  g.c = c; g.ldc = n; g.stride_c = 0;
  g.m = m; g.n = n; g.k = k; g.batch = 1;
  g.alpha = alpha; g.beta = beta;
  gemm_f32_serial(g);
}

// One (batch, head): S = scale·Q·Kᵀ, masked, row softmax into P, out = P·V. `scores` holds tq x tk floats.
void attention_head(const AttentionArgs& a, long bh, float* scores) {
  const long b = bh / a.heads, h = bh % a.heads;
  const long D = a.d, tq = a.tq, tk = a.tk;
  const float* q = a.q + bh * tq * D;
  const float* k = a.k + bh * tk * D;
  const float* v = a.v + bh * tk * D;
  float* out = a.out + bh * tq * D;
  const uint8_t* mask = a.mask ? a.mask + b * a.mask_stride_b + h * a.mask_stride_h : nullptr;
  float* p = a.probs ? a.probs + bh * tq * tk : scores;
  small_gemm(q, false, k, true, p, tq, tk, D, a.scale, 0.0f);
  const float ninf = -__builtin_inff();
  for (long i = 0; i < tq; i++) {
    float* row = p + i * tk;
    const long jend = a.causal ? std::max(0L, std::min(tk, i + tk - tq + 1)) : tk;
    for (long j = jend; j < tk; j++) row[j] = ninf;
    if (mask) {
      const uint8_t* mrow = mask + i * tk;
      for (long j = 0; j < jend; j++)
        if (mrow[j] == 0) row[j] = ninf;
    }
    float mx = ninf;
    for (long j = 0; j < jend; j++) mx = row[j] > mx ? row[j] : mx;
    const float shift = mx == ninf ? 0.0f : mx;
    __m256 acc = _mm256_setzero_ps();
    long j = 0;
    for (; j + 8 <= tk; j += 8) {
      const __m256 e = vm::exp(_mm256_sub_ps(_mm256_loadu_ps(row + j), set1(shift)));
      _mm256_storeu_ps(row + j, e);
      acc = _mm256_add_ps(acc, e);
    }
    float sum = vm::hsum(acc);
    for (; j < tk; j++) {
      const float e = row[j] == ninf ? 0.0f : std::exp(row[j] - shift);
      row[j] = e;
      sum += e;
    }
    // A row with nothing to attend to gives NaN, as the js kernel and PyTorch do.
    const __m256 inv = set1(sum > 0.0f ? 1.0f / sum : __builtin_nanf(""));
    for (j = 0; j + 8 <= tk; j += 8) _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_loadu_ps(row + j), inv));
    for (; j < tk; j++) row[j] *= _mm256_cvtss_f32(inv);
  }
  small_gemm(p, false, v, false, out, tq, D, tk, 1.0f, 0.0f);
}

// One (batch, head) of the backward: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P∘(dP - rowsum(P∘dP))·scale,
// dQ = dS·K, dK = dSᵀ·Q. `ds` holds tq x tk floats.
void attention_head_backward(const AttentionBackwardArgs& a, long bh, float* ds) {
  const long D = a.d, tq = a.tq, tk = a.tk;
  const float* q = a.q + bh * tq * D;
  const float* k = a.k + bh * tk * D;
  const float* v = a.v + bh * tk * D;
  const float* p = a.probs + bh * tq * tk;
  const float* go = a.grad_out + bh * tq * D;
  small_gemm(p, true, go, false, a.grad_v + bh * tk * D, tk, D, tq, 1.0f, 0.0f);
  small_gemm(go, false, v, true, ds, tq, tk, D, 1.0f, 0.0f);
  const __m256 scale = set1(a.scale);
  for (long i = 0; i < tq; i++) {
    const float* pr = p + i * tk;
    float* dr = ds + i * tk;
    __m256 acc = _mm256_setzero_ps();
    long j = 0;
    for (; j + 8 <= tk; j += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(pr + j), _mm256_loadu_ps(dr + j), acc);
    float dot = vm::hsum(acc);
    for (; j < tk; j++) dot += pr[j] * dr[j];
    const __m256 vdot = set1(dot);
    for (j = 0; j + 8 <= tk; j += 8) {
      const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(dr + j), vdot);
      _mm256_storeu_ps(dr + j, _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(pr + j), d), scale));
    }
    for (; j < tk; j++) dr[j] = pr[j] * (dr[j] - dot) * a.scale;
  }
  small_gemm(ds, false, k, false, a.grad_q + bh * tq * D, tq, D, tk, 1.0f, 0.0f);
  small_gemm(ds, true, q, false, a.grad_k + bh * tk * D, tk, D, tq, 1.0f, 0.0f);
}

}  // namespace

void attention_f32(const AttentionArgs& a) {
  const long bh = a.batch * a.heads;
  auto heads = [&](long h0, long h1) {
    float* scores = a.probs ? nullptr : tl_row.floats(a.tq * a.tk);  // probs, when given, holds the scores
    for (long h = h0; h < h1; h++) attention_head(a, h, scores);
  };
  if (parallel_worth(bh, a.tq, a.tk, a.d)) parallel_range(bh, 1, heads);
  else heads(0, bh);
}

void attention_backward_f32(const AttentionBackwardArgs& a) {
  const long bh = a.batch * a.heads;
  auto heads = [&](long h0, long h1) {
    float* ds = tl_row.floats(a.tq * a.tk);
    for (long h = h0; h < h1; h++) attention_head_backward(a, h, ds);
  };
  if (parallel_worth(bh, a.tq, a.tk, a.d)) parallel_range(bh, 1, heads);
  else heads(0, bh);
}

}  // namespace lmkit
