// Fused scaled-dot-product attention (scores, causal/boolean mask, softmax, weighted sum) and its backward,
// one (batch, head) pair per task. The heads are small (T x D tiles), so the products run as register tiles of
// up to six rows times 16 columns straight from the operands' strided rows (only keys or values get a
// transposed copy), and a causal mask limits each row block to the keys (or queries) that its rows can see.
// The forward's softmax runs on a row block's tile as the tile is computed: the score tiles keep each row's
// maximum, and the exponentials run over the block's rows together so that their dependency chains overlap.
// While one head computes, the next head's rows are prefetched (NextHead). A single query row (a decoding
// step) takes its own path.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "dropout_hash.h"
#include "kernels.h"
#include "prefetch_span.h"
#include "scratch.h"
#include "thread_pool.h"
#include "vec_math.h"

namespace lmkit {
namespace {

using vm::set1;

thread_local Scratch tl_scores;  // tq x tk scores (without probs) or dS
thread_local Scratch tl_trans;   // D x tk transposed keys or values
thread_local Scratch tl_dropped; // backward with dropout: a head's dropped probabilities, tq x tk

// Enough (batch, head) work to be worth waking the pool.
inline bool parallel_worth(long bh, long tq, long tk, long d) { return bh > 1 && bh * tq * tk * d >= (1L << 16); }

// c[r][v] = sum over p < k of A[r*ars + p*acs] * B[p*ldb + 8v + lane], for r < R: one register tile of R x 8V
// accumulators; Masked: only the first w (< 8) columns of B are read (V = 1), the other lanes are 0.
template <int R, int V, bool Masked = false>
inline void tile_sums(long k, const float* A, long ars, long acs, const float* B, long ldb, __m256 (&c)[R][V],
                      long w = 8) {
  const __m256i m = vm::tail_mask(w);
#pragma GCC unroll 8
  for (int r = 0; r < R; r++)
#pragma GCC unroll 2
    for (int v = 0; v < V; v++) c[r][v] = _mm256_setzero_ps();
  for (long p = 0; p < k; p++) {
    __m256 b[V];
#pragma GCC unroll 2
    for (int v = 0; v < V; v++) b[v] = Masked ? _mm256_maskload_ps(B + p * ldb, m) : _mm256_loadu_ps(B + p * ldb + 8 * v);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      const __m256 x = _mm256_broadcast_ss(A + r * ars + p * acs);
#pragma GCC unroll 2
      for (int v = 0; v < V; v++) c[r][v] = _mm256_fmadd_ps(x, b[v], c[r][v]);
    }
  }
}

// C[r*ldc + c] = alpha * sum over p < k of A[r*ars + p*acs] * B[p*ldb + c], for r < R and c < 8V: one
// register tile (R x 8V accumulators).
template <int R, int V>
inline void tile(long k, const float* A, long ars, long acs, const float* B, long ldb, float* C, long ldc,
                 __m256 alpha) {
  __m256 c[R][V];
  tile_sums<R, V>(k, A, ars, acs, B, ldb, c);
#pragma GCC unroll 8
  for (int r = 0; r < R; r++)
#pragma GCC unroll 2
    for (int v = 0; v < V; v++) _mm256_storeu_ps(C + r * ldc + 8 * v, _mm256_mul_ps(alpha, c[r][v]));
}

// As tile<R, 1> for only the first w (< 8) columns.
template <int R>
inline void tile_tail(long w, long k, const float* A, long ars, long acs, const float* B, long ldb, float* C,
                      long ldc, __m256 alpha) {
  __m256 c[R][1];
  tile_sums<R, 1, true>(k, A, ars, acs, B, ldb, c, w);
  const __m256i m = vm::tail_mask(w);
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) _mm256_maskstore_ps(C + r * ldc, m, _mm256_mul_ps(alpha, c[r][0]));
}

// C[r*ldc + c] = alpha * sum over p < k of A[r*ars + p*acs] * B[p*ldb + c], for r < R and c < n.
template <int R>
void row_block(long n, long k, const float* A, long ars, long acs, const float* B, long ldb, float* C, long ldc,
               float alpha) {
  const __m256 a = set1(alpha);
  long j = 0;
  for (; j + 16 <= n; j += 16) tile<R, 2>(k, A, ars, acs, B + j, ldb, C + j, ldc, a);
  if (j + 8 <= n) tile<R, 1>(k, A, ars, acs, B + j, ldb, C + j, ldc, a), j += 8;
  if (j < n) tile_tail<R>(n - j, k, A, ars, acs, B + j, ldb, C + j, ldc, a);
}

using RowBlock = void (*)(long, long, const float*, long, long, const float*, long, float*, long, float);
constexpr long kRows = 6;
const RowBlock kRowBlock[kRows + 1] = {nullptr,       row_block<1>, row_block<2>, row_block<3>,
                                       row_block<4>, row_block<5>, row_block<6>};

// dst[c*rows + r] = src[r*ld + c] for one 8 x 8 block.
inline void transpose8x8(const float* src, long ld, float* dst, long rows) {
  __m256 r[8], t[8];
#pragma GCC unroll 8
  for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + i * ld);
#pragma GCC unroll 4
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
#pragma GCC unroll 2
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    _mm256_storeu_ps(dst + i * rows, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
    _mm256_storeu_ps(dst + (i + 4) * rows, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
  }
}

// dst[c*rows + r] = src[r*ld + c]: a rows x cols tile transposed, 8 x 8 blocks at a time.
void transpose_tile(const float* src, long ld, long rows, long cols, float* dst) {
  const long rows8 = rows / 8 * 8, cols8 = cols / 8 * 8;
  for (long r = 0; r < rows8; r += 8)
    for (long c = 0; c < cols8; c += 8) transpose8x8(src + r * ld + c, ld, dst + c * rows + r, rows);
  for (long r = 0; r < rows; r++)
    for (long c = r < rows8 ? cols8 : 0; c < cols; c++) dst[c * rows + r] = src[r * ld + c];
}

// Row stride of a scratch of rows of n floats: whole vectors, and not a multiple of 512 bytes so that the rows
// of a block do not alias in the caches.
inline long scratch_stride(long n) {
  const long s = (n + 7) / 8 * 8;
  return s % 128 == 0 ? s + 8 : s;
}

// Columns to compute for a row block that needs the first n of tk: whole vectors where the row has room
// (the extra columns are overwritten afterwards), since masked partial vectors are slower.
inline long whole_vectors(long n, long tk) { return std::min(tk, (n + 7) / 8 * 8); }

// Query i sees keys [0, key_end(i)) (then the mask, if any, removes some).
inline long key_end(bool causal, long i, long tq, long tk) {
  return causal ? std::clamp(i + tk - tq + 1, 0L, tk) : tk;
}
// Key j is seen by queries [first_query(j), tq).
inline long first_query(bool causal, long j, long tq, long tk) {
  return causal ? std::clamp(j - (tk - tq), 0L, tq) : 0;
}

// The first w (<= 8) of row[0..8), 0 in the other lanes.
inline __m256 load_first(const float* row, long w) {
  return w == 8 ? _mm256_loadu_ps(row) : _mm256_maskload_ps(row, vm::tail_mask(w));
}

// row[0..8) = x, only the first w (<= 8) lanes.
inline void store_first(float* row, long w, __m256 x) {
  if (w == 8) _mm256_storeu_ps(row, x);
  else _mm256_maskstore_ps(row, vm::tail_mask(w), x);
}

// row[0, n) *= the dropout factors of elements first .. first + n - 1 (whole vectors: row has room up to a
// multiple of 8).
inline void drop_row(float* row, long n, const DropoutSpec& d, uint32_t first) {
  for (long j = 0; j < n; j += 8) {
    const long w = std::min(8L, n - j);
    store_first(row + j, w, _mm256_mul_ps(load_first(row + j, w), dropout::factors(d, first + static_cast<uint32_t>(j))));
  }
}

// One row of the backward with dropout, each factor drawn once: dr[0, jend) *= factors (dP → dP∘M) and
// pd[0, n) = pr[0, n) · factors (P∘M), the factors of elements first .. first + n - 1 (jend <= n).
inline void drop_grad_and_probs(float* dr, long jend, const float* pr, float* pd, long n, const DropoutSpec& d,
                                uint32_t first) {
  for (long j = 0; j < n; j += 8) {
    const __m256 f = dropout::factors(d, first + static_cast<uint32_t>(j));
    store_first(pd + j, std::min(8L, n - j), _mm256_mul_ps(load_first(pr + j, std::min(8L, n - j)), f));
    if (j < jend) {
      const long w = std::min(8L, jend - j);
      store_first(dr + j, w, _mm256_mul_ps(load_first(dr + j, w), f));
    }
  }
}

// Row i of a block of softmax rows: its scores are row[0, cols), it sees keys [0, jend) where its mask row
// (if any) allows.
struct SoftmaxRow {
  float* row;
  long jend;
  const uint8_t* mask;
};

// row[j, j + 8) with the keys from jend on at -inf (nothing is read from cols on).
inline __m256 seen_scores(const SoftmaxRow& r, long cols, long j) {
  const __m256 x = load_first(r.row + j, std::min(8L, cols - j));
  return _mm256_blendv_ps(set1(-__builtin_inff()), x, _mm256_castsi256_ps(vm::tail_mask(r.jend - j)));
}

// The largest score a row sees (0 when it sees none), the shift that keeps its exponentials finite.
inline float softmax_shift(const SoftmaxRow& r, long cols) {
  __m256 vmax = set1(-__builtin_inff());
  for (long j = 0; j < cols; j += 8) vmax = _mm256_max_ps(seen_scores(r, cols, j), vmax);
  const float mx = vm::hmax(vmax);
  return mx == -__builtin_inff() ? 0.0f : mx;
}

// row[0, cols) = exp(score - shift) for the keys seen, 0 for the others; returns their sum.
inline float exponentials(const SoftmaxRow& r, long cols, float shift) {
  __m256 acc = _mm256_setzero_ps();
  for (long j = 0; j < cols; j += 8) {
    const long w = std::min(8L, cols - j);
    const __m256 e = vm::exp_nonpositive(_mm256_sub_ps(load_first(r.row + j, w), set1(shift)));
    const __m256 seen = _mm256_and_ps(e, _mm256_castsi256_ps(vm::tail_mask(r.jend - j)));
    store_first(r.row + j, w, seen);
    acc = _mm256_add_ps(acc, seen);
  }
  return vm::hsum(acc);
}

// x[0, n) = 0, without a call for the short spans of a row.
inline void zero_fill(float* x, long n) {
  long j = 0;
  for (; j + 8 <= n; j += 8) _mm256_storeu_ps(x + j, _mm256_setzero_ps());
  for (; j < n; j++) x[j] = 0.0f;
}

// Scores → probabilities for a block of rows sharing cols (each row's jend <= cols): the softmax over the keys
// each row sees, 0 in the rest of row[0, tk). A row with nothing to attend to becomes NaN (as the js kernel and
// PyTorch) and is flagged in empty. Each step runs over all the rows before the next, so that the rows'
// dependency chains (max, exp, sum, divide) overlap.
void softmax_rows(const SoftmaxRow* rows, long n, long cols, long tk, bool* empty) {
  for (long i = 0; i < n; i++)
    if (rows[i].mask)
      for (long j = 0; j < rows[i].jend; j++)
        if (rows[i].mask[j] == 0) rows[i].row[j] = -__builtin_inff();
  float shift[kRows], sum[kRows];
  for (long i = 0; i < n; i++) shift[i] = softmax_shift(rows[i], cols);
  for (long i = 0; i < n; i++) sum[i] = exponentials(rows[i], cols, shift[i]);
  for (long i = 0; i < n; i++) {
    float* row = rows[i].row;
    empty[i] = !(sum[i] > 0.0f);
    if (empty[i]) {
      std::fill(row, row + tk, __builtin_nanf(""));
      continue;
    }
    const __m256 inv = set1(1.0f / sum[i]);
    for (long j = 0; j < cols; j += 8) {
      const long w = std::min(8L, cols - j);
      store_first(row + j, w, _mm256_mul_ps(load_first(row + j, w), inv));
    }
    zero_fill(row + cols, tk - cols);
  }
}

// One block of R query rows of a head, the first being row i0: the scores and their softmax in a scratch of R
// rows (the probabilities are then written once, when kept), and out = P·V.
struct ForwardBlock {
  const float* q;  // row i0 of q, rows qs apart
  long qs;
  const float* kt;  // D x tk transposed keys
  const float* v;
  long vs;
  float* p;  // the block's scores (then probabilities), rows ps apart
  long ps;
  float* saved;  // row i0 of the probabilities to keep, or null
  float* out;  // row i0 of out, rows os apart
  long os;
  const uint8_t* mask;  // row i0 of the mask, or null
  long i0, tq, tk, d;
  bool causal;
  float scale;
  long bh;  // the (batch, head) pair: its probabilities start at element bh·tq·tk (for dropout)
  const DropoutSpec* dropout;
};

// Scores of columns [j, j + 8V) (the first w of them when Masked) for rows r < R: scale·q·k, -inf from each
// row's jend on (so the columns the block computes past a row's keys take no part in its softmax), and each
// row's running maximum in mx.
template <int R, int V, bool Masked = false>
inline void score_tile(const ForwardBlock& f, long j, const long (&jend)[R], __m256 (&mx)[R], long w = 8) {
  __m256 c[R][V];
  tile_sums<R, V, Masked>(f.d, f.q, f.qs, 1, f.kt + j, f.tk, c, w);
  const __m256 alpha = set1(f.scale), ninf = set1(-__builtin_inff());
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
#pragma GCC unroll 8
  for (int r = 0; r < R; r++)
#pragma GCC unroll 2
    for (int v = 0; v < V; v++) {
      __m256 x = _mm256_mul_ps(alpha, c[r][v]);
      if (j + 8 * (v + 1) > jend[r]) {
        const __m256i seen = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(jend[r] - j - 8 * v)), lanes);
        x = _mm256_blendv_ps(ninf, x, _mm256_castsi256_ps(seen));
      }
      mx[r] = _mm256_max_ps(x, mx[r]);
      float* at = f.p + r * f.ps + j + 8 * v;
      if (Masked) _mm256_maskstore_ps(at, vm::tail_mask(w), x);
      else _mm256_storeu_ps(at, x);
    }
}

// Row r's scores over [0, cols) (a partial last vector of w lanes), -inf past its keys.
inline __m256 scores_at(const ForwardBlock& f, int r, long j, long cols) {
  const long w = cols - j;
  if (w >= 8) return _mm256_loadu_ps(f.p + r * f.ps + j);
  const __m256 x = _mm256_maskload_ps(f.p + r * f.ps + j, vm::tail_mask(w));
  return _mm256_blendv_ps(set1(-__builtin_inff()), x, _mm256_castsi256_ps(vm::tail_mask(w)));
}

// Scores → probabilities for the block's rows over [0, cols), each step over all the rows at once so that the
// rows' exponentials overlap: -inf scores (masked, or past a row's keys) become 0, a row with nothing to attend
// to becomes NaN (as the js kernel and PyTorch) and is flagged in empty.
template <int R>
void block_softmax(const ForwardBlock& f, long cols, const long (&jend)[R], __m256 (&mx)[R], bool (&empty)[R]) {
  const long full = cols / 8 * 8;
  __m256 shift[R], acc[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    const float m = vm::hmax(mx[r]);
    shift[r] = set1(m == -__builtin_inff() ? 0.0f : m);
    acc[r] = _mm256_setzero_ps();
  }
  for (long j = 0; j < full; j += 8)
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      if (j >= jend[r]) {  // all past the row's keys
        _mm256_storeu_ps(f.p + r * f.ps + j, _mm256_setzero_ps());
        continue;
      }
      const __m256 e = vm::exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(f.p + r * f.ps + j), shift[r]));
      _mm256_storeu_ps(f.p + r * f.ps + j, e);
      acc[r] = _mm256_add_ps(acc[r], e);
    }
  if (full < cols) {
    const __m256i m = vm::tail_mask(cols - full);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      const __m256 e = vm::exp_nonpositive(_mm256_sub_ps(scores_at(f, r, full, cols), shift[r]));
      _mm256_maskstore_ps(f.p + r * f.ps + full, m, e);
      acc[r] = _mm256_add_ps(acc[r], e);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    float* row = f.p + r * f.ps;
    float* kept = f.saved ? f.saved + r * f.tk : nullptr;
    const float sum = vm::hsum(acc[r]);
    empty[r] = !(sum > 0.0f);
    if (empty[r]) {
      if (kept) std::fill(kept, kept + f.tk, __builtin_nanf(""));
      continue;
    }
    const __m256 inv = set1(1.0f / sum);
    long j = 0;
    for (; j < full; j += 8) {
      const __m256 x = _mm256_mul_ps(_mm256_loadu_ps(row + j), inv);
      _mm256_storeu_ps(row + j, x);
      if (kept) _mm256_storeu_ps(kept + j, x);
    }
    if (j < cols) {
      const __m256 x = _mm256_mul_ps(load_first(row + j, cols - j), inv);
      store_first(row + j, cols - j, x);
      if (kept) store_first(kept + j, cols - j, x);
    }
    if (kept) zero_fill(kept + cols, f.tk - cols);
  }
}

// The block: S = scale·Q·Kᵀ over the columns that its rows need, the mask, the softmax into P, out = P·V.
template <int R>
void forward_block(const ForwardBlock& f) {
  long jend[R];
  for (int r = 0; r < R; r++) jend[r] = key_end(f.causal, f.i0 + r, f.tq, f.tk);
  const long n = jend[R - 1];  // the block's last row sees the most keys
  const long cols = whole_vectors(n, f.tk);
  __m256 mx[R];
  for (int r = 0; r < R; r++) mx[r] = set1(-__builtin_inff());
  long j = 0;
  for (; j + 16 <= cols; j += 16) score_tile<R, 2>(f, j, jend, mx);
  if (j + 8 <= cols) score_tile<R, 1>(f, j, jend, mx), j += 8;
  if (j < cols) score_tile<R, 1, true>(f, j, jend, mx, cols - j);
  if (f.mask) {
    for (int r = 0; r < R; r++) {
      float* row = f.p + r * f.ps;
      const uint8_t* m = f.mask + r * f.tk;
      for (long c = 0; c < jend[r]; c++)
        if (m[c] == 0) row[c] = -__builtin_inff();
      mx[r] = set1(-__builtin_inff());
      for (long c = 0; c < cols; c += 8) mx[r] = _mm256_max_ps(scores_at(f, r, c, cols), mx[r]);
    }
  }
  bool empty[R];
  block_softmax<R>(f, cols, jend, mx, empty);
  if (f.dropout->on)
    for (int r = 0; r < R; r++)
      drop_row(f.p + r * f.ps, n, *f.dropout, static_cast<uint32_t>((f.bh * f.tq + f.i0 + r) * f.tk));
  kRowBlock[R](f.d, n, f.p, f.ps, 1, f.v, f.vs, f.out, f.os, 1.0f);
  for (int r = 0; r < R; r++)
    if (empty[r]) std::fill(f.out + r * f.os, f.out + r * f.os + f.d, __builtin_nanf(""));
}

using ForwardBlockFn = void (*)(const ForwardBlock&);
const ForwardBlockFn kForwardBlock[kRows + 1] = {nullptr,           forward_block<1>, forward_block<2>, forward_block<3>,
                                                 forward_block<4>, forward_block<5>, forward_block<6>};

// Rows of one head's operand (count rows of width floats, ld apart), read or (write) overwritten.
struct HeadRows {
  const float* base;
  long ld, count, width;
  bool write;
};

// Operands of the head computed next, fetched into L2 a few rows at a time while the current head computes
// (its row blocks ask for the same rows of the next head): the heads read strided rows that the hardware
// prefetcher picks up late, and from memory (a training step goes through many megabytes between a layer's
// forward and backward) each miss would stall.
class NextHead {
 public:
  void add(const HeadRows& x) { rows_[count_++] = x; }
  // Rows [r0, r1) of every operand that has them.
  void prefetch(long r0, long r1) const {
    for (int i = 0; i < count_; i++)
      for (long r = r0; r < std::min(r1, rows_[i].count); r++) prefetch_row(rows_[i], r);
  }

 private:
  static void prefetch_row(const HeadRows& x, long r) {
    const float* row = x.base + r * x.ld;
    const size_t bytes = static_cast<size_t>(x.width) * sizeof(float);
    if (x.write) prefetch_span<PrefetchTo::kWrite>(row, bytes);
    else prefetch_span<PrefetchTo::kL2>(row, bytes);
  }
  HeadRows rows_[8];
  int count_ = 0;
};

// The forward's strided operands of (batch, head) pair i, or nothing when i is past the end (its probabilities,
// written in order, are left to the hardware prefetcher: asking for them measured slower).
NextHead next_forward_head(const AttentionArgs& a, long i, long end) {
  NextHead next;
  if (i >= end) return next;
  const long b = i / a.heads, h = i % a.heads, D = a.d;
  next.add({a.q + a.lq.at(b, h), a.lq.row, a.tq, D, false});
  next.add({a.k + a.lk.at(b, h), a.lk.row, a.tk, D, false});
  next.add({a.v + a.lv.at(b, h), a.lv.row, a.tk, D, false});
  next.add({a.out + a.lo.at(b, h), a.lo.row, a.tq, D, true});
  return next;
}

// One (batch, head): S = scale·Q·Kᵀ, masked, row softmax into P, out = P·V.
void attention_head(const AttentionArgs& a, long b, long h, float* scores, float* kt, const NextHead& next) {
  const long D = a.d, tq = a.tq, tk = a.tk, bh = b * a.heads + h;
  const long qs = a.lq.row, os = a.lo.row;
  const float* q = a.q + a.lq.at(b, h);
  const float* v = a.v + a.lv.at(b, h);
  float* out = a.out + a.lo.at(b, h);
  const uint8_t* mask = a.mask ? a.mask + b * a.mask_stride_b + h * a.mask_stride_h : nullptr;
  float* p = a.probs ? a.probs + bh * tq * tk : nullptr;
  transpose_tile(a.k + a.lk.at(b, h), a.lk.row, tk, D, kt);
  ForwardBlock f = {q, qs, kt, v, a.lv.row, scores, scratch_stride(tk), nullptr, out, os, mask, 0, tq, tk, D, a.causal, a.scale,
                    bh, &a.dropout};
  for (long i0 = 0; i0 < tq; i0 += kRows) {
    const long r = std::min(kRows, tq - i0);
    next.prefetch(i0, i0 + r);
    f.i0 = i0;
    f.q = q + i0 * qs;
    f.saved = p ? p + i0 * tk : nullptr;
    f.out = out + i0 * os;
    f.mask = mask ? mask + i0 * tk : nullptr;
    kForwardBlock[r](f);
  }
}

// The 8 lane sums of q·k over d floats (full of them in whole vectors, the rest under the tail mask).
inline __m256 dot_lanes(const float* q, const float* k, long full, long d, __m256i tail) {
  __m256 acc = _mm256_setzero_ps();
  for (long i = 0; i < full; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(k + i), acc);
  if (full < d) acc = _mm256_fmadd_ps(_mm256_maskload_ps(q + full, tail), _mm256_maskload_ps(k + full, tail), acc);
  return acc;
}

// p[j] = scale · q·k_j for the keys j < n (rows ks apart), four keys to a horizontal reduction.
void query_scores(const float* q, const float* k, long ks, long n, long d, float scale, float* p) {
  const long full = d / 8 * 8;
  const __m256i tail = vm::tail_mask(d - full);
  long j = 0;
  for (; j + 4 <= n; j += 4) {
    const float* kj = k + j * ks;
    const __m256 s01 = _mm256_hadd_ps(dot_lanes(q, kj, full, d, tail), dot_lanes(q, kj + ks, full, d, tail));
    const __m256 s23 = _mm256_hadd_ps(dot_lanes(q, kj + 2 * ks, full, d, tail), dot_lanes(q, kj + 3 * ks, full, d, tail));
    const __m256 s = _mm256_hadd_ps(s01, s23);  // key i's sums in lanes i and i + 4
    const __m128 sums = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    _mm_storeu_ps(p + j, _mm_mul_ps(sums, _mm_set1_ps(scale)));
  }
  for (; j < n; j++) p[j] = scale * vm::hsum(dot_lanes(q, k + j * ks, full, d, tail));
}

// out[0, w) = sum over j < n of p[j] · v_j[0, w) (rows vs apart), w in (8(NV - 1), 8 NV], accumulated in
// registers; Masked: w is not a multiple of 8.
template <int NV, bool Masked>
void weighted_rows(const float* p, long n, const float* v, long vs, float* out, long w) {
  const __m256i last = vm::tail_mask(w - 8 * (NV - 1));
  auto load = [&](const float* x, int u) {
    return Masked && u == NV - 1 ? _mm256_maskload_ps(x + 8 * u, last) : _mm256_loadu_ps(x + 8 * u);
  };
  __m256 acc[NV];
#pragma GCC unroll 4
  for (int u = 0; u < NV; u++) acc[u] = _mm256_setzero_ps();
  for (long j = 0; j < n; j++) {
    const __m256 pj = _mm256_broadcast_ss(p + j);
#pragma GCC unroll 4
    for (int u = 0; u < NV; u++) acc[u] = _mm256_fmadd_ps(pj, load(v + j * vs, u), acc[u]);
  }
#pragma GCC unroll 4
  for (int u = 0; u < NV; u++) {
    if (Masked && u == NV - 1) _mm256_maskstore_ps(out + 8 * u, last, acc[u]);
    else _mm256_storeu_ps(out + 8 * u, acc[u]);
  }
}

using WeightedRows = void (*)(const float*, long, const float*, long, float*, long);
const WeightedRows kWeightedRows[2][5] = {
    {nullptr, weighted_rows<1, false>, weighted_rows<2, false>, weighted_rows<3, false>, weighted_rows<4, false>},
    {nullptr, weighted_rows<1, true>, weighted_rows<2, true>, weighted_rows<3, true>, weighted_rows<4, true>}};

// out[0, d) = sum over j < n of p[j] · v_j, 32 columns at a time.
void weighted_sum(const float* p, long n, const float* v, long vs, long d, float* out) {
  for (long c = 0; c < d; c += 32) {
    const long w = std::min(32L, d - c);
    kWeightedRows[w % 8 != 0][(w + 7) / 8](p, n, v + c, vs, out + c, w);
  }
}

// A single query row (a decoding step over a KV cache): the scores are dot products with the key rows,
// read in place instead of through a transposed copy of all the keys.
__attribute__((noinline)) void attention_row(const AttentionArgs& a, long b, long h, float* scores) {
  const long D = a.d, tk = a.tk;
  float* out = a.out + a.lo.at(b, h);
  const uint8_t* mask = a.mask ? a.mask + b * a.mask_stride_b + h * a.mask_stride_h : nullptr;
  float* p = a.probs ? a.probs + (b * a.heads + h) * tk : scores;
  const long n = key_end(a.causal, 0, 1, tk);
  query_scores(a.q + a.lq.at(b, h), a.k + a.lk.at(b, h), a.lk.row, n, D, a.scale, p);
  const SoftmaxRow row = {p, n, mask};
  bool empty;
  softmax_rows(&row, 1, n, tk, &empty);
  if (empty) {
    std::fill(out, out + D, __builtin_nanf(""));
    return;
  }
  const float* weights = p;
  if (a.dropout.on) {  // the kept probabilities stay undropped
    if (p != scores) std::copy(p, p + n, scores);
    drop_row(scores, n, a.dropout, static_cast<uint32_t>((b * a.heads + h) * tk));
    weights = scores;
  }
  weighted_sum(weights, n, a.v + a.lv.at(b, h), a.lv.row, D, out);
}

// The operands that the backward of (batch, head) pair i reads first (its query blocks: dP, dS, dQ) and
// those it reads last (its key blocks: dV, dK); nothing when i is past the end.
struct NextBackwardHead {
  NextHead first, last;
};
NextBackwardHead next_backward_head(const AttentionBackwardArgs& a, long i, long end) {
  NextBackwardHead next;
  if (i >= end) return next;
  const long b = i / a.heads, h = i % a.heads, D = a.d;
  next.first.add({a.v + a.lv.at(b, h), a.lv.row, a.tk, D, false});
  next.first.add({a.probs + i * a.tq * a.tk, a.tk, a.tq, a.tk, false});
  next.first.add({a.grad_out + a.lgo.at(b, h), a.lgo.row, a.tq, D, false});
  next.first.add({a.k + a.lk.at(b, h), a.lk.row, a.tk, D, false});
  next.first.add({a.grad_q + a.lgq.at(b, h), a.lgq.row, a.tq, D, true});
  next.last.add({a.q + a.lq.at(b, h), a.lq.row, a.tq, D, false});
  next.last.add({a.grad_v + a.lgv.at(b, h), a.lgv.row, a.tk, D, true});
  next.last.add({a.grad_k + a.lgk.at(b, h), a.lgk.row, a.tk, D, true});
  return next;
}

// dP row → dS row over keys [0, jend): dS = P∘(dP - rowsum(P∘dP))·scale, then 0 up to fill (the columns that
// the dQ and dK products read from this row).
void softmax_grad_row(const float* pr, float* dr, long jend, long fill, __m256 scale) {
  __m256 acc = _mm256_setzero_ps();
  for (long j = 0; j < jend; j += 8) {
    const long w = std::min(8L, jend - j);
    acc = _mm256_fmadd_ps(load_first(pr + j, w), load_first(dr + j, w), acc);
  }
  const __m256 dot = set1(vm::hsum(acc));
  for (long j = 0; j < jend; j += 8) {
    const long w = std::min(8L, jend - j);
    const __m256 d = _mm256_sub_ps(load_first(dr + j, w), dot);
    store_first(dr + j, w, _mm256_mul_ps(_mm256_mul_ps(load_first(pr + j, w), d), scale));
  }
  zero_fill(dr + jend, fill - jend);
}

// One (batch, head) of the backward: dP = dO·Vᵀ, dS = P∘(dP - rowsum(P∘dP))·scale, dQ = dS·K, dV = Pᵀ·dO,
// dK = dSᵀ·Q.
void attention_head_backward(const AttentionBackwardArgs& a, long b, long h, float* ds, float* vt, float* dropped,
                             const NextBackwardHead& next) {
  const long D = a.d, tq = a.tq, tk = a.tk, bh = b * a.heads + h;
  const long gos = a.lgo.row, qs = a.lq.row;
  const float* p = a.probs + bh * tq * tk;
  const float* go = a.grad_out + a.lgo.at(b, h);
  const float* q = a.q + a.lq.at(b, h);
  const bool causal = a.causal;
  transpose_tile(a.v + a.lv.at(b, h), a.lv.row, tk, D, vt);
  const long dss = scratch_stride(tk);
  const __m256 scale = set1(a.scale);
  for (long i0 = 0; i0 < tq; i0 += kRows) {
    const long r = std::min(kRows, tq - i0);
    next.first.prefetch(i0, i0 + r);
    const long n = key_end(causal, i0 + r - 1, tq, tk);
    kRowBlock[r](whole_vectors(n, tk), D, go + i0 * gos, gos, 1, vt, tk, ds + i0 * dss, dss, 1.0f);
    for (long i = i0; i < i0 + r; i++) {
      const long jend = key_end(causal, i, tq, tk);
      // With dropout, out = (P∘M)·V: the gradient reaching P is dP∘M, and dV takes P∘M (kept in `dropped`).
      if (a.dropout.on)
        drop_grad_and_probs(ds + i * dss, jend, p + i * tk, dropped + i * tk, tk, a.dropout,
                            static_cast<uint32_t>((bh * tq + i) * tk));
      // The dK pass reads this row up to the key block that starts at its last key.
      softmax_grad_row(p + i * tk, ds + i * dss, jend, std::min(tk, jend + kRows - 1), scale);
    }
    kRowBlock[r](D, n, ds + i0 * dss, dss, 1, a.k + a.lk.at(b, h), a.lk.row, a.grad_q + a.lgq.at(b, h) + i0 * a.lgq.row,
                 a.lgq.row, 1.0f);
  }
  float* gk = a.grad_k + a.lgk.at(b, h);
  float* gv = a.grad_v + a.lgv.at(b, h);
  for (long j0 = 0; j0 < tk; j0 += kRows) {
    const long r = std::min(kRows, tk - j0);
    next.last.prefetch(j0, j0 + r);
    const long i0 = first_query(causal, j0, tq, tk);  // the block's first key is seen by the most queries
    const long m = tq - i0;
    const float* pv = a.dropout.on ? dropped : p;
    kRowBlock[r](D, m, pv + i0 * tk + j0, 1, tk, go + i0 * gos, gos, gv + j0 * a.lgv.row, a.lgv.row, 1.0f);
    kRowBlock[r](D, m, ds + i0 * dss + j0, 1, dss, q + i0 * qs, qs, gk + j0 * a.lgk.row, a.lgk.row, 1.0f);
  }
}

}  // namespace

void attention_f32(const AttentionArgs& a) {
  const long bh = a.batch * a.heads;
  auto heads = [&](long h0, long h1) {
    // A block's scores, or a query row's (when tq is 1 and no probabilities are kept).
    float* scores = tl_scores.floats(a.tq == 1 ? a.tk : kRows * scratch_stride(a.tk));
    float* kt = tl_trans.floats(a.d * a.tk);
    for (long i = h0; i < h1; i++) {
      if (a.tq == 1) attention_row(a, i / a.heads, i % a.heads, scores);
      else attention_head(a, i / a.heads, i % a.heads, scores, kt, next_forward_head(a, i + 1, h1));
    }
  };
  if (parallel_worth(bh, a.tq, a.tk, a.d)) parallel_range(bh, 1, heads);
  else heads(0, bh);
}

void attention_backward_f32(const AttentionBackwardArgs& a) {
  const long bh = a.batch * a.heads;
  auto heads = [&](long h0, long h1) {
    float* ds = tl_scores.floats(a.tq * scratch_stride(a.tk));
    float* vt = tl_trans.floats(a.d * a.tk);
    float* dropped = a.dropout.on ? tl_dropped.floats(a.tq * a.tk) : nullptr;
    for (long i = h0; i < h1; i++)
      attention_head_backward(a, i / a.heads, i % a.heads, ds, vt, dropped, next_backward_head(a, i + 1, h1));
  };
  if (parallel_worth(bh, a.tq, a.tk, a.d)) parallel_range(bh, 1, heads);
  else heads(0, bh);
}

}  // namespace lmkit
