// Fused scaled-dot-product attention (scores, causal/boolean mask, softmax, weighted sum) and its backward,
// one (batch, head) pair per task. The heads are small (T x D tiles), so the products run as blocks of up to
// four rows times 16 columns straight from the operands' strided rows, without packing, and a causal mask
// limits each block to the keys (or queries) that its rows can see.
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

thread_local Scratch tl_scores;  // tq x tk scores (without probs) or dS
thread_local Scratch tl_trans;   // D x tk transposed keys or values

// Enough (batch, head) work to be worth waking the pool.
inline bool parallel_worth(long bh, long tq, long tk, long d) { return bh > 1 && bh * tq * tk * d >= (1L << 16); }

// Columns [j, j + 16) of row_block; Masked: only the first w (< 16) of them exist.
template <int R, bool Masked>
inline void row_chunk(long j, long w, long p0, long p1, const float* A, long ars, long acs, const float* B, long ldb,
                      float* C, long ldc, __m256 alpha) {
  const __m256i m0 = vm::tail_mask(std::min(w, 8L)), m1 = vm::tail_mask(std::max(0L, w - 8));
  auto load = [&](const float* x, __m256i m) { return Masked ? _mm256_maskload_ps(x, m) : _mm256_loadu_ps(x); };
  auto store = [&](float* x, __m256i m, __m256 y) {
    if (Masked) _mm256_maskstore_ps(x, m, y);
    else _mm256_storeu_ps(x, y);
  };
  __m256 c0[R], c1[R];
#pragma GCC unroll 4
  for (int r = 0; r < R; r++) c0[r] = c1[r] = _mm256_setzero_ps();
  const float* b = B + j;
  for (long p = p0; p < p1; p++) {
    const __m256 b0 = load(b + p * ldb, m0), b1 = load(b + p * ldb + 8, m1);
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
      const __m256 x = _mm256_broadcast_ss(A + r * ars + p * acs);
      c0[r] = _mm256_fmadd_ps(x, b0, c0[r]);
      c1[r] = _mm256_fmadd_ps(x, b1, c1[r]);
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; r++) {
    store(C + r * ldc + j, m0, _mm256_mul_ps(alpha, c0[r]));
    store(C + r * ldc + j + 8, m1, _mm256_mul_ps(alpha, c1[r]));
  }
}

// C[r*ldc + c] = alpha * sum over p in [p0, p1) of A[r*ars + p*acs] * B[p*ldb + c], for r < R and c < n.
template <int R>
void row_block(long n, long p0, long p1, const float* A, long ars, long acs, const float* B, long ldb, float* C,
               long ldc, float alpha) {
  long j = 0;
  for (; j + 16 <= n; j += 16) row_chunk<R, false>(j, 16, p0, p1, A, ars, acs, B, ldb, C, ldc, set1(alpha));
  if (j < n) row_chunk<R, true>(j, n - j, p0, p1, A, ars, acs, B, ldb, C, ldc, set1(alpha));
}

using RowBlock = void (*)(long, long, long, const float*, long, long, const float*, long, float*, long, float);
constexpr long kRows = 4;
const RowBlock kRowBlock[kRows + 1] = {nullptr, row_block<1>, row_block<2>, row_block<3>, row_block<4>};

// dst[c*rows + r] = src[r*ld + c]: a rows x cols tile transposed.
void transpose_tile(const float* src, long ld, long rows, long cols, float* dst) {
  for (long r = 0; r < rows; r++)
    for (long c = 0; c < cols; c++) dst[c * rows + r] = src[r * ld + c];
}

// Columns to compute for a row block that needs the first n of tk: whole 16-column chunks where the row
// has room (the extra ones are overwritten afterwards), since masked partial chunks are slow.
inline long whole_chunks(long n, long tk) { return std::min(tk, (n + 15) / 16 * 16); }

// Query i sees keys [0, key_end(i)) (then the mask, if any, removes some).
inline long key_end(bool causal, long i, long tq, long tk) {
  return causal ? std::clamp(i + tk - tq + 1, 0L, tk) : tk;
}
// Key j is seen by queries [first_query(j), tq).
inline long first_query(bool causal, long j, long tq, long tk) {
  return causal ? std::clamp(j - (tk - tq), 0L, tq) : 0;
}

// Scores row → probabilities over keys [0, jend) where the mask row (if any) allows, 0 elsewhere. A row
// with nothing to attend to becomes NaN (as the js kernel and PyTorch); returns false then.
bool softmax_row(float* row, long tk, long jend, const uint8_t* mrow) {
  const float ninf = -__builtin_inff();
  if (mrow)
    for (long j = 0; j < jend; j++)
      if (mrow[j] == 0) row[j] = ninf;
  float mx = ninf;
  for (long j = 0; j < jend; j++) mx = row[j] > mx ? row[j] : mx;
  const float shift = mx == ninf ? 0.0f : mx;
  __m256 acc = _mm256_setzero_ps();
  long j = 0;
  for (; j + 8 <= jend; j += 8) {
    const __m256 e = vm::exp(_mm256_sub_ps(_mm256_loadu_ps(row + j), set1(shift)));
    _mm256_storeu_ps(row + j, e);
    acc = _mm256_add_ps(acc, e);
  }
  float sum = vm::hsum(acc);
  for (; j < jend; j++) {
    const float e = row[j] == ninf ? 0.0f : std::exp(row[j] - shift);
    row[j] = e;
    sum += e;
  }
  if (!(sum > 0.0f)) {
    std::fill(row, row + tk, __builtin_nanf(""));
    return false;
  }
  const __m256 inv = set1(1.0f / sum);
  for (j = 0; j + 8 <= jend; j += 8) _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_loadu_ps(row + j), inv));
  for (; j < jend; j++) row[j] *= _mm256_cvtss_f32(inv);
  std::fill(row + jend, row + tk, 0.0f);
  return true;
}

// One (batch, head): S = scale·Q·Kᵀ, masked, row softmax into P, out = P·V.
void attention_head(const AttentionArgs& a, long b, long h, float* scores, float* kt) {
  const long D = a.d, tq = a.tq, tk = a.tk, bh = b * a.heads + h;
  const long qs = a.lq.row, os = a.lo.row;
  const float* q = a.q + a.lq.at(b, h);
  const float* v = a.v + a.lv.at(b, h);
  float* out = a.out + a.lo.at(b, h);
  const uint8_t* mask = a.mask ? a.mask + b * a.mask_stride_b + h * a.mask_stride_h : nullptr;
  float* p = a.probs ? a.probs + bh * tq * tk : scores;
  transpose_tile(a.k + a.lk.at(b, h), a.lk.row, tk, D, kt);
  for (long i0 = 0; i0 < tq; i0 += kRows) {
    const long r = std::min(kRows, tq - i0);
    const long n = key_end(a.causal, i0 + r - 1, tq, tk);  // the block's last row sees the most keys
    kRowBlock[r](whole_chunks(n, tk), 0, D, q + i0 * qs, qs, 1, kt, tk, p + i0 * tk, tk, a.scale);
    bool empty[kRows];
    for (long i = 0; i < r; i++)
      empty[i] = !softmax_row(p + (i0 + i) * tk, tk, key_end(a.causal, i0 + i, tq, tk), mask ? mask + (i0 + i) * tk : nullptr);
    kRowBlock[r](D, 0, n, p + i0 * tk, tk, 1, v, a.lv.row, out + i0 * os, os, 1.0f);
    for (long i = 0; i < r; i++)
      if (empty[i]) std::fill(out + (i0 + i) * os, out + (i0 + i) * os + D, __builtin_nanf(""));
  }
}

// A single query row (a decoding step over a KV cache): the scores are dot products with the key rows,
// read in place instead of through a transposed copy of all the keys.
void attention_row(const AttentionArgs& a, long b, long h, float* scores) {
  const long D = a.d, tk = a.tk;
  const float* q = a.q + a.lq.at(b, h);
  const float* k = a.k + a.lk.at(b, h);
  const float* v = a.v + a.lv.at(b, h);
  float* out = a.out + a.lo.at(b, h);
  const uint8_t* mask = a.mask ? a.mask + b * a.mask_stride_b + h * a.mask_stride_h : nullptr;
  float* p = a.probs ? a.probs + (b * a.heads + h) * tk : scores;
  const long n = key_end(a.causal, 0, 1, tk);
  const long full = D / 8 * 8;
  const __m256i tail = vm::tail_mask(D - full);
  for (long j = 0; j < n; j++) {
    const float* kr = k + j * a.lk.row;
    __m256 acc = _mm256_setzero_ps();
    for (long d = 0; d < full; d += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), _mm256_loadu_ps(kr + d), acc);
    if (full < D) acc = _mm256_fmadd_ps(_mm256_maskload_ps(q + full, tail), _mm256_maskload_ps(kr + full, tail), acc);
    p[j] = a.scale * vm::hsum(acc);
  }
  if (!softmax_row(p, tk, n, mask)) {
    std::fill(out, out + D, __builtin_nanf(""));
    return;
  }
  std::fill(out, out + D, 0.0f);
  for (long j = 0; j < n; j++) {
    const float* vr = v + j * a.lv.row;
    const __m256 pj = set1(p[j]);
    for (long d = 0; d < full; d += 8)
      _mm256_storeu_ps(out + d, _mm256_fmadd_ps(pj, _mm256_loadu_ps(vr + d), _mm256_loadu_ps(out + d)));
    if (full < D) {
      const __m256 o = _mm256_fmadd_ps(pj, _mm256_maskload_ps(vr + full, tail), _mm256_maskload_ps(out + full, tail));
      _mm256_maskstore_ps(out + full, tail, o);
    }
  }
}

// One (batch, head) of the backward: dP = dO·Vᵀ, dS = P∘(dP - rowsum(P∘dP))·scale, dQ = dS·K, dV = Pᵀ·dO,
// dK = dSᵀ·Q.
void attention_head_backward(const AttentionBackwardArgs& a, long b, long h, float* ds, float* vt) {
  const long D = a.d, tq = a.tq, tk = a.tk, bh = b * a.heads + h;
  const long gos = a.lgo.row;
  const float* p = a.probs + bh * tq * tk;
  const float* go = a.grad_out + a.lgo.at(b, h);
  float* gq = a.grad_q + a.lgq.at(b, h);
  const bool causal = a.causal;
  transpose_tile(a.v + a.lv.at(b, h), a.lv.row, tk, D, vt);
  const __m256 scale = set1(a.scale);
  for (long i0 = 0; i0 < tq; i0 += kRows) {
    const long r = std::min(kRows, tq - i0);
    const long n = key_end(causal, i0 + r - 1, tq, tk);
    kRowBlock[r](whole_chunks(n, tk), 0, D, go + i0 * gos, gos, 1, vt, tk, ds + i0 * tk, tk, 1.0f);
    for (long i = i0; i < i0 + r; i++) {
      const float* pr = p + i * tk;
      float* dr = ds + i * tk;
      const long jend = key_end(causal, i, tq, tk);
      __m256 acc = _mm256_setzero_ps();
      long j = 0;
      for (; j + 8 <= jend; j += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(pr + j), _mm256_loadu_ps(dr + j), acc);
      float dot = vm::hsum(acc);
      for (; j < jend; j++) dot += pr[j] * dr[j];
      const __m256 vdot = set1(dot);
      for (j = 0; j + 8 <= jend; j += 8) {
        const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(dr + j), vdot);
        _mm256_storeu_ps(dr + j, _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(pr + j), d), scale));
      }
      for (; j < jend; j++) dr[j] = pr[j] * (dr[j] - dot) * a.scale;
      std::fill(dr + jend, dr + tk, 0.0f);
    }
    kRowBlock[r](D, 0, n, ds + i0 * tk, tk, 1, a.k + a.lk.at(b, h), a.lk.row, gq + i0 * a.lgq.row, a.lgq.row, 1.0f);
  }
  const float* q = a.q + a.lq.at(b, h);
  float* gk = a.grad_k + a.lgk.at(b, h);
  float* gv = a.grad_v + a.lgv.at(b, h);
  for (long j0 = 0; j0 < tk; j0 += kRows) {
    const long r = std::min(kRows, tk - j0);
    const long i_begin = first_query(causal, j0, tq, tk);  // the block's first key is seen by the most queries
    kRowBlock[r](D, i_begin, tq, p + j0, 1, tk, go, gos, gv + j0 * a.lgv.row, a.lgv.row, 1.0f);
    kRowBlock[r](D, i_begin, tq, ds + j0, 1, tk, q, a.lq.row, gk + j0 * a.lgk.row, a.lgk.row, 1.0f);
  }
}

}  // namespace

void attention_f32(const AttentionArgs& a) {
  const long bh = a.batch * a.heads;
  auto heads = [&](long h0, long h1) {
    float* scores = a.probs ? nullptr : tl_scores.floats(a.tq * a.tk);  // probs, when given, holds the scores
    float* kt = tl_trans.floats(a.d * a.tk);
    for (long i = h0; i < h1; i++) {
      if (a.tq == 1) attention_row(a, i / a.heads, i % a.heads, scores);
      else attention_head(a, i / a.heads, i % a.heads, scores, kt);
    }
  };
  if (parallel_worth(bh, a.tq, a.tk, a.d)) parallel_range(bh, 1, heads);
  else heads(0, bh);
}

void attention_backward_f32(const AttentionBackwardArgs& a) {
  const long bh = a.batch * a.heads;
  auto heads = [&](long h0, long h1) {
    float* ds = tl_scores.floats(a.tq * a.tk);
    float* vt = tl_trans.floats(a.d * a.tk);
    for (long i = h0; i < h1; i++) attention_head_backward(a, i / a.heads, i % a.heads, ds, vt);
  };
  if (parallel_worth(bh, a.tq, a.tk, a.d)) parallel_range(bh, 1, heads);
  else heads(0, bh);
}

}  // namespace lmkit
