// Float32 GEMM for AVX2/FMA: BLIS-style loops over packed panels with a 6x16 register-blocked micro-kernel,
// plus memory-bandwidth paths for matrix-vector shapes (m == 1 or n == 1).
#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "kernels.h"
#include "prefetch_span.h"
#include "scratch.h"
#include "thread_pool.h"
#include "vec_math.h"

namespace lmkit {

std::atomic<long> g_scratch_bytes{0};
long scratch_bytes() { return g_scratch_bytes.load(); }

namespace {

constexpr long MR = 6;
constexpr long NR = 16;
constexpr long KC = 384;   // a 16 x KC panel of B stays in L1 (24 KB)
constexpr long MC = 96;    // an MC x KC block of A stays in L2 (144 KB); shorter KC blocks get more rows
constexpr long NC = 1536;  // a KC x NC block of B stays in L3 (2.3 MB)
// Below this many flops a GEMM runs on the calling thread only.
constexpr double kParallelFlops = 1.5e6;

thread_local Scratch tl_pack_a;
thread_local Scratch tl_pack_b;
thread_local Scratch tl_vec;

inline long round_up(long x, long m) { return (x + m - 1) / m * m; }

// Splits `total` into `parts` nearly equal blocks no larger than `max_block`, each a multiple of `unit`.
inline long even_block(long total, long max_block, long unit) {
  const long parts = (total + max_block - 1) / max_block;
  return std::min(max_block, round_up((total + parts - 1) / parts, unit));
}

// 8x8 transpose of r0..r7 in place.
inline void transpose8(__m256& r0, __m256& r1, __m256& r2, __m256& r3, __m256& r4, __m256& r5, __m256& r6,
                       __m256& r7) {
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r0 = _mm256_permute2f128_ps(s0, s4, 0x20);
  r1 = _mm256_permute2f128_ps(s1, s5, 0x20);
  r2 = _mm256_permute2f128_ps(s2, s6, 0x20);
  r3 = _mm256_permute2f128_ps(s3, s7, 0x20);
  r4 = _mm256_permute2f128_ps(s0, s4, 0x31);
  r5 = _mm256_permute2f128_ps(s1, s5, 0x31);
  r6 = _mm256_permute2f128_ps(s2, s6, 0x31);
  r7 = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// Stores r0..r7 to q, q + stride, ..., q + 7·stride (packing a transposed 8 x 8 block into its panel).
inline void store8(float* q, long stride, __m256 r0, __m256 r1, __m256 r2, __m256 r3, __m256 r4, __m256 r5, __m256 r6,
                   __m256 r7) {
  _mm256_storeu_ps(q + 0 * stride, r0);
  _mm256_storeu_ps(q + 1 * stride, r1);
  _mm256_storeu_ps(q + 2 * stride, r2);
  _mm256_storeu_ps(q + 3 * stride, r3);
  _mm256_storeu_ps(q + 4 * stride, r4);
  _mm256_storeu_ps(q + 5 * stride, r5);
  _mm256_storeu_ps(q + 6 * stride, r6);
  _mm256_storeu_ps(q + 7 * stride, r7);
}

// The packing loops below read a few floats from each of many rows (segments of rows ld apart). The hardware
// prefetcher picks such strides up late: from L3 or memory, asking for the row kPackAhead rows down while
// packing this one measured pack_a_transposed 1.3-1.7x faster.
constexpr long kPackAhead = 8;

// pack_a for a transposed A: op(A)(i, p) = a[p*lda + i], so row p of a holds column p of op(A). The rows are
// read once each, in order (contiguous), each handing every panel its MR floats: reading panel by panel
// instead walks down the rows once per panel and loads each cache line of a from L2 about three times.
void pack_a_transposed(const float* a, long lda, long i0, long mc, long p0, long kc, float* dst) {
  const long full = mc / MR * MR;
  for (long p = 0; p < kc; p++) {
    const float* src = a + (p0 + p) * lda + i0;
    float* d = dst + p * MR;
    if (p + kPackAhead < kc) prefetch_span<PrefetchTo::kL1>(src + kPackAhead * lda, mc * sizeof(float));
    for (long ir = 0; ir < full; ir += MR) std::memcpy(d + ir * kc, src + ir, MR * sizeof(float));
    if (full < mc)
      for (long r = 0; r < MR; r++) d[full * kc + r] = full + r < mc ? src[full + r] : 0.0f;
  }
}

// Packs op(A)[i0:i0+mc, p0:p0+kc] into MR-row panels: panel r holds dst[r*kc*MR + p*MR + i].
void pack_a(const float* a, long lda, bool ta, long i0, long mc, long p0, long kc, float* dst) {
  if (ta) {
    pack_a_transposed(a, lda, i0, mc, p0, kc, dst);
    return;
  }
  for (long ir = 0; ir < mc; ir += MR) {
    const long mr = std::min(MR, mc - ir);
    float* d = dst + ir * kc;
    const float* rows[MR];
    for (long r = 0; r < MR; r++) rows[r] = a + (i0 + ir + std::min(r, mr - 1)) * lda + p0;
    long p = 0;
    if (mr == MR) {
      const __m256 zero = _mm256_setzero_ps();
      for (; p + 8 <= kc; p += 8) {
        __m256 r0 = _mm256_loadu_ps(rows[0] + p), r1 = _mm256_loadu_ps(rows[1] + p);
        __m256 r2 = _mm256_loadu_ps(rows[2] + p), r3 = _mm256_loadu_ps(rows[3] + p);
        __m256 r4 = _mm256_loadu_ps(rows[4] + p), r5 = _mm256_loadu_ps(rows[5] + p);
        __m256 r6 = zero, r7 = zero;
        transpose8(r0, r1, r2, r3, r4, r5, r6, r7);
        // Each store writes 8 floats of which the last 2 are overwritten by the next (slack after the end).
        store8(d + p * MR, MR, r0, r1, r2, r3, r4, r5, r6, r7);
      }
    }
    for (; p < kc; p++)
      for (long r = 0; r < MR; r++) d[p * MR + r] = r < mr ? rows[r][p] : 0.0f;
  }
}

// Packs op(B)[p0:p0+kc, j0:j0+nc] into NR-column panels: panel j holds dst[j*kc*NR + p*NR + c]. When col_sum
// is given, col_sum[j] += Σ_p op(B)[p0 + p, j0 + j] for j < nc (from the values as they are packed).
void pack_b(const float* b, long ldb, bool tb, long p0, long kc, long j0, long nc, float* dst, float* col_sum) {
  if (!tb && col_sum) {
    // Panel by panel, so that each panel's column sums stay in registers: added into col_sum row by row, the
    // loads and stores of col_sum measured 5% of a k = 768 weight-gradient product.
    for (long jr = 0; jr < nc; jr += NR) {
      const long nr = std::min(NR, nc - jr);
      float* d = dst + jr * kc;
      const float* src = b + p0 * ldb + j0 + jr;
      if (nr == NR) {
        __m256 sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps();
        for (long p = 0; p < kc; p++) {
          if (p + kPackAhead < kc) prefetch_span<PrefetchTo::kL1>(src + (p + kPackAhead) * ldb, NR * sizeof(float));
          const __m256 lo = _mm256_loadu_ps(src + p * ldb), hi = _mm256_loadu_ps(src + p * ldb + 8);
          _mm256_store_ps(d + p * NR, lo);
          _mm256_store_ps(d + p * NR + 8, hi);
          sum0 = _mm256_add_ps(sum0, lo);
          sum1 = _mm256_add_ps(sum1, hi);
        }
        _mm256_storeu_ps(col_sum + jr, _mm256_add_ps(_mm256_loadu_ps(col_sum + jr), sum0));
        _mm256_storeu_ps(col_sum + jr + 8, _mm256_add_ps(_mm256_loadu_ps(col_sum + jr + 8), sum1));
        continue;
      }
      for (long p = 0; p < kc; p++)
        for (long c = 0; c < NR; c++) {
          const float x = c < nr ? src[p * ldb + c] : 0.0f;
          d[p * NR + c] = x;
          if (c < nr) col_sum[jr + c] += x;
        }
    }
    return;
  }
  if (!tb && !col_sum) {
    // Row by row (contiguous reads), each 16-float chunk to its panel.
    const long full = nc / NR * NR;
    for (long p = 0; p < kc; p++) {
      const float* src = b + (p0 + p) * ldb + j0;
      float* d = dst + p * NR;
      for (long jr = 0; jr < full; jr += NR) {
        const __m256 lo = _mm256_loadu_ps(src + jr), hi = _mm256_loadu_ps(src + jr + 8);
        _mm256_store_ps(d + jr * kc, lo);
        _mm256_store_ps(d + jr * kc + 8, hi);
      }
      if (full < nc)
        for (long c = 0; c < NR; c++) d[full * kc + c] = full + c < nc ? src[full + c] : 0.0f;
    }
    return;
  }
  for (long jr = 0; jr < nc; jr += NR) {
    const long nr = std::min(NR, nc - jr);
    float* d = dst + jr * kc;
    // op(B)(p, j) = b[j*ldb + p]: rows of b are columns of op(B).
    const float* src = b + (j0 + jr) * ldb + p0;
    long p = 0;
    if (nr == NR) {
      __m256 sum[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
      for (; p + 8 <= kc; p += 8) {
        for (long half = 0; half < 2; half++) {
          const float* s = src + half * 8 * ldb + p;
          __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ldb);
          __m256 r2 = _mm256_loadu_ps(s + 2 * ldb), r3 = _mm256_loadu_ps(s + 3 * ldb);
          __m256 r4 = _mm256_loadu_ps(s + 4 * ldb), r5 = _mm256_loadu_ps(s + 5 * ldb);
          __m256 r6 = _mm256_loadu_ps(s + 6 * ldb), r7 = _mm256_loadu_ps(s + 7 * ldb);
          transpose8(r0, r1, r2, r3, r4, r5, r6, r7);
          store8(d + p * NR + half * 8, NR, r0, r1, r2, r3, r4, r5, r6, r7);
          if (col_sum) {
            const __m256 s01 = _mm256_add_ps(r0, r1), s23 = _mm256_add_ps(r2, r3);
            const __m256 s45 = _mm256_add_ps(r4, r5), s67 = _mm256_add_ps(r6, r7);
            sum[half] = _mm256_add_ps(sum[half], _mm256_add_ps(_mm256_add_ps(s01, s23), _mm256_add_ps(s45, s67)));
          }
        }
      }
      if (col_sum) {
        _mm256_storeu_ps(col_sum + jr, _mm256_add_ps(_mm256_loadu_ps(col_sum + jr), sum[0]));
        _mm256_storeu_ps(col_sum + jr + 8, _mm256_add_ps(_mm256_loadu_ps(col_sum + jr + 8), sum[1]));
      }
    }
    for (; p < kc; p++)
      for (long c = 0; c < NR; c++) d[p * NR + c] = c < nr ? src[c * ldb + p] : 0.0f;
    if (col_sum) {
      const long p_from = nr == NR ? kc / 8 * 8 : 0;  // the rows the vector loop above did not sum
      for (long c = 0; c < nr; c++) {
        float t = 0.0f;
        for (long q = p_from; q < kc; q++) t += src[c * ldb + q];
        col_sum[jr + c] += t;
      }
    }
  }
}

// How a micro-kernel stores its tile: C = alpha·AB + beta·C, plus (the first k block of a product with a bias
// or a residual) bias[0:16] to every row and residual rows ldr apart; either may be null.
struct TileStore {
  float alpha, beta;
  const float* bias;
  const float* residual;
  long ldr;
};

// The common stores get kernels of their own: with alpha, beta and the additions as run-time values, the
// compiler keeps them live through the k loop and spills an accumulator (measured 10% slower at k = 128).
// C = AB; C += AB; C = AB + bias + residual (either may be null); the whole TileStore.
enum StoreMode { kOverwrite, kAccumulate, kAddRows, kGeneral, kStoreModes };

StoreMode store_mode(const TileStore& s) {
  if (s.alpha != 1.0f) return kGeneral;
  if (s.bias || s.residual) return s.beta == 0.0f ? kAddRows : kGeneral;
  return s.beta == 0.0f ? kOverwrite : s.beta == 1.0f ? kAccumulate : kGeneral;
}

// Stores row r of a tile (16 floats, x0 and x1) as the mode says.
template <StoreMode Mode>
inline void store_row(float* row, __m256 x0, __m256 x1, const TileStore& s, long r) {
  if constexpr (Mode == kOverwrite) {
    _mm256_storeu_ps(row, x0);
    _mm256_storeu_ps(row + 8, x1);
    return;
  }
  if constexpr (Mode == kAccumulate) {
    _mm256_storeu_ps(row, _mm256_add_ps(_mm256_loadu_ps(row), x0));
    _mm256_storeu_ps(row + 8, _mm256_add_ps(_mm256_loadu_ps(row + 8), x1));
    return;
  }
  const __m256 va = _mm256_set1_ps(s.alpha);
  __m256 y0 = _mm256_mul_ps(va, x0), y1 = _mm256_mul_ps(va, x1);
  if (s.beta != 0.0f) {
    const __m256 vb = _mm256_set1_ps(s.beta);
    y0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), y0);
    y1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), y1);
  }
  if (s.bias) {
    y0 = _mm256_add_ps(y0, _mm256_loadu_ps(s.bias));
    y1 = _mm256_add_ps(y1, _mm256_loadu_ps(s.bias + 8));
  }
  if (s.residual) {
    const float* res = s.residual + r * s.ldr;
    y0 = _mm256_add_ps(y0, _mm256_loadu_ps(res));
    y1 = _mm256_add_ps(y1, _mm256_loadu_ps(res + 8));
  }
  _mm256_storeu_ps(row, y0);
  _mm256_storeu_ps(row + 8, y1);
}

// C[0:6, 0:16] = A·B stored as Mode says, A a packed 6 x kc panel, B a packed kc x 16 panel.
template <StoreMode Mode>
__attribute__((noinline)) void micro_6x16(long kc, const float* __restrict A, const float* __restrict B, float* C,
                                          long ldc, const TileStore& s) {
  for (int r = 0; r < 6; r++) {
    _mm_prefetch(reinterpret_cast<const char*>(C + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(C + r * ldc + 15), _MM_HINT_T0);
    if (Mode == kGeneral && s.residual) {
      _mm_prefetch(reinterpret_cast<const char*>(s.residual + r * s.ldr), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(s.residual + r * s.ldr + 15), _MM_HINT_T0);
    }
  }
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
#define LMKIT_STEP(P)                                              \
  {                                                                \
    const __m256 b0 = _mm256_load_ps(B + (P) * NR);                \
    const __m256 b1 = _mm256_load_ps(B + (P) * NR + 8);            \
    __m256 a = _mm256_broadcast_ss(A + (P) * MR + 0);              \
    c00 = _mm256_fmadd_ps(a, b0, c00);                             \
    c01 = _mm256_fmadd_ps(a, b1, c01);                             \
    a = _mm256_broadcast_ss(A + (P) * MR + 1);                     \
    c10 = _mm256_fmadd_ps(a, b0, c10);                             \
    c11 = _mm256_fmadd_ps(a, b1, c11);                             \
    a = _mm256_broadcast_ss(A + (P) * MR + 2);                     \
    c20 = _mm256_fmadd_ps(a, b0, c20);                             \
    c21 = _mm256_fmadd_ps(a, b1, c21);                             \
    a = _mm256_broadcast_ss(A + (P) * MR + 3);                     \
    c30 = _mm256_fmadd_ps(a, b0, c30);                             \
    c31 = _mm256_fmadd_ps(a, b1, c31);                             \
    a = _mm256_broadcast_ss(A + (P) * MR + 4);                     \
    c40 = _mm256_fmadd_ps(a, b0, c40);                             \
    c41 = _mm256_fmadd_ps(a, b1, c41);                             \
    a = _mm256_broadcast_ss(A + (P) * MR + 5);                     \
    c50 = _mm256_fmadd_ps(a, b0, c50);                             \
    c51 = _mm256_fmadd_ps(a, b1, c51);                             \
  }
  long p = 0;
  for (; p + 4 <= kc; p += 4) {
    _mm_prefetch(reinterpret_cast<const char*>(A + 48), _MM_HINT_T0);
    LMKIT_STEP(0) LMKIT_STEP(1) LMKIT_STEP(2) LMKIT_STEP(3)
    A += 4 * MR;
    B += 4 * NR;
  }
  for (; p < kc; p++) {
    LMKIT_STEP(0)
    A += MR;
    B += NR;
  }
#undef LMKIT_STEP
  store_row<Mode>(C, c00, c01, s, 0);
  store_row<Mode>(C + ldc, c10, c11, s, 1);
  store_row<Mode>(C + 2 * ldc, c20, c21, s, 2);
  store_row<Mode>(C + 3 * ldc, c30, c31, s, 3);
  store_row<Mode>(C + 4 * ldc, c40, c41, s, 4);
  store_row<Mode>(C + 5 * ldc, c50, c51, s, 5);
}

// The first R (< MR) rows of micro_6x16, for the last, partial row panel of a block.
template <int R, StoreMode Mode>
__attribute__((noinline)) void micro_rx16(long kc, const float* __restrict A, const float* __restrict B, float* C,
                                          long ldc, const TileStore& s) {
  __m256 c0[R], c1[R];
#pragma GCC unroll 6
  for (int r = 0; r < R; r++) c0[r] = c1[r] = _mm256_setzero_ps();
  for (long p = 0; p < kc; p++, A += MR, B += NR) {
    const __m256 b0 = _mm256_load_ps(B);
    const __m256 b1 = _mm256_load_ps(B + 8);
#pragma GCC unroll 6
    for (int r = 0; r < R; r++) {
      const __m256 a = _mm256_broadcast_ss(A + r);
      c0[r] = _mm256_fmadd_ps(a, b0, c0[r]);
      c1[r] = _mm256_fmadd_ps(a, b1, c1[r]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < R; r++) store_row<Mode>(C + r * ldc, c0[r], c1[r], s, r);
}

using MicroKernel = void (*)(long, const float*, const float*, float*, long, const TileStore&);
template <StoreMode Mode>
constexpr MicroKernel kMicroOf[MR + 1] = {nullptr, micro_rx16<1, Mode>, micro_rx16<2, Mode>, micro_rx16<3, Mode>,
                                          micro_rx16<4, Mode>, micro_rx16<5, Mode>, micro_6x16<Mode>};

// C = AB + bias + residual for R rows: the C = AB kernel, then the additions over the tile while it is in L1.
// (Added inside the kernel's store, as kGeneral does, the compiler spills two accumulators in the k loop.)
template <int R>
__attribute__((noinline)) void micro_add_rows(long kc, const float* __restrict A, const float* __restrict B, float* C,
                                              long ldc, const TileStore& s) {
  if (s.residual)
    for (int r = 0; r < R; r++) {
      _mm_prefetch(reinterpret_cast<const char*>(s.residual + r * s.ldr), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(s.residual + r * s.ldr + 15), _MM_HINT_T0);
    }
  kMicroOf<kOverwrite>[R](kc, A, B, C, ldc, s);
  const __m256 b0 = s.bias ? _mm256_loadu_ps(s.bias) : _mm256_setzero_ps();
  const __m256 b1 = s.bias ? _mm256_loadu_ps(s.bias + 8) : _mm256_setzero_ps();
  for (int r = 0; r < R; r++) {
    float* row = C + r * ldc;
    __m256 x0 = _mm256_add_ps(_mm256_loadu_ps(row), b0), x1 = _mm256_add_ps(_mm256_loadu_ps(row + 8), b1);
    if (s.residual) {
      x0 = _mm256_add_ps(x0, _mm256_loadu_ps(s.residual + r * s.ldr));
      x1 = _mm256_add_ps(x1, _mm256_loadu_ps(s.residual + r * s.ldr + 8));
    }
    _mm256_storeu_ps(row, x0);
    _mm256_storeu_ps(row + 8, x1);
  }
}

template <>
constexpr MicroKernel kMicroOf<kAddRows>[MR + 1] = {nullptr,           micro_add_rows<1>, micro_add_rows<2>, micro_add_rows<3>,
                                                    micro_add_rows<4>, micro_add_rows<5>, micro_add_rows<6>};
// Kernels by store mode, then by row count 1..6.
const MicroKernel* const kMicro[kStoreModes] = {kMicroOf<kOverwrite>, kMicroOf<kAccumulate>, kMicroOf<kAddRows>,
                                               kMicroOf<kGeneral>};

// C = beta * C over an m x n block (beta 0 writes zeros, ignoring what C held).
void scale_block(float* c, long ldc, long m, long n, float beta) {
  for (long i = 0; i < m; i++) {
    float* row = c + i * ldc;
    if (beta == 0.0f) std::memset(row, 0, static_cast<size_t>(n) * sizeof(float));
    else if (beta != 1.0f) for (long j = 0; j < n; j++) row[j] *= beta;
  }
}

// C = beta * C + bias (per column, when given) + residual (laid out as C, when given) over an m x n block; beta
// 0 ignores what C held.
void init_block(float* c, long ldc, long m, long n, float beta, const float* bias, const float* residual) {
  for (long i = 0; i < m; i++) {
    float* row = c + i * ldc;
    const float* r = residual ? residual + i * ldc : nullptr;
    if (beta == 0.0f && !r) std::memcpy(row, bias, static_cast<size_t>(n) * sizeof(float));
    else if (beta == 0.0f && !bias) std::memcpy(row, r, static_cast<size_t>(n) * sizeof(float));
    else if (beta == 0.0f) for (long j = 0; j < n; j++) row[j] = bias[j] + r[j];
    else for (long j = 0; j < n; j++) row[j] = beta * row[j] + (bias ? bias[j] : 0.0f) + (r ? r[j] : 0.0f);
  }
}

// One batch item's arrays that are laid out as its C: the residual and the epilogue's.
struct ItemArrays {
  const float* residual;
  int epilogue;
  float* pre_out;
  const float* pre;
  const float* post;
};

ItemArrays item_arrays(const GemmArgs& g, long bt) {
  auto at = [&](auto* p) { return p ? p + bt * g.stride_c : nullptr; };
  return {at(g.residual), g.epilogue, at(g.pre_out), at(g.pre), at(g.post)};
}

// C = beta·C + bias + residual over the m x n block of C whose first element is c[at] (C = beta·C without
// either).
void init_or_scale_block(const GemmArgs& g, const ItemArrays& e, float* c, long at, long j0, long m, long n) {
  if (g.bias || e.residual) init_block(c + at, g.ldc, m, n, g.beta, g.bias ? g.bias + j0 : nullptr, e.residual ? e.residual + at : nullptr);
  else scale_block(c + at, g.ldc, m, n, g.beta);
}

// One vector of the epilogue: z the finished value of C; p and y the pre-activation and gelu(p) (derivative
// epilogues only; y is used when Post).
template <int Kind, bool Post>
inline __m256 epilogue_vec(__m256 z, __m256 p, __m256 y) {
  if constexpr (Kind == kEpilogueGeluTanh) return vm::gelu_tanh(z);
  else if constexpr (Kind == kEpilogueGeluErf) return vm::gelu(z);
  else if constexpr (Kind == kEpilogueGeluTanhGrad && Post) return _mm256_mul_ps(z, vm::gelu_tanh_grad_from_y(p, y));
  else if constexpr (Kind == kEpilogueGeluTanhGrad) return _mm256_mul_ps(z, vm::gelu_tanh_grad(p));
  else return _mm256_mul_ps(z, vm::gelu_grad(p));
}

// The epilogue over the m x n block of C whose first element is c[at] (pre_out / pre / post at the same place).
template <int Kind, bool Post = false>
void epilogue_rows(const ItemArrays& e, float* c, long ldc, long at, long m, long n) {
  constexpr bool kGrad = Kind == kEpilogueGeluTanhGrad || Kind == kEpilogueGeluErfGrad;
  for (long i = 0; i < m; i++) {
    const long row = at + i * ldc;
    float* cr = c + row;
    float* po = !kGrad && e.pre_out ? e.pre_out + row : nullptr;
    const float* pr = kGrad ? e.pre + row : nullptr;
    const float* yr = Post ? e.post + row : nullptr;
    long j = 0;
    for (; j + 8 <= n; j += 8) {
      const __m256 z = _mm256_loadu_ps(cr + j);
      if (po) _mm256_storeu_ps(po + j, z);
      const __m256 p = kGrad ? _mm256_loadu_ps(pr + j) : z;
      _mm256_storeu_ps(cr + j, epilogue_vec<Kind, Post>(z, p, Post ? _mm256_loadu_ps(yr + j) : p));
    }
    if (j < n) {
      const __m256i mask = vm::tail_mask(n - j);
      const __m256 z = _mm256_maskload_ps(cr + j, mask);
      if (po) _mm256_maskstore_ps(po + j, mask, z);
      const __m256 p = kGrad ? _mm256_maskload_ps(pr + j, mask) : z;
      _mm256_maskstore_ps(cr + j, mask, epilogue_vec<Kind, Post>(z, p, Post ? _mm256_maskload_ps(yr + j, mask) : p));
    }
  }
}

void epilogue_block(const ItemArrays& e, float* c, long ldc, long at, long m, long n) {
  switch (e.epilogue) {
    case kEpilogueGeluTanh: return epilogue_rows<kEpilogueGeluTanh>(e, c, ldc, at, m, n);
    case kEpilogueGeluErf: return epilogue_rows<kEpilogueGeluErf>(e, c, ldc, at, m, n);
    case kEpilogueGeluTanhGrad:
      if (e.post) return epilogue_rows<kEpilogueGeluTanhGrad, true>(e, c, ldc, at, m, n);
      return epilogue_rows<kEpilogueGeluTanhGrad>(e, c, ldc, at, m, n);
    case kEpilogueGeluErfGrad: return epilogue_rows<kEpilogueGeluErfGrad>(e, c, ldc, at, m, n);
    default: return;
  }
}

// One product (a single batch item), C rows [i_begin, i_end) and columns [j_begin, j_end), on this thread. The
// epilogue runs on each mc x nc block of C right after its last k block (just written, mostly still in cache;
// per micro-tile it measured slower: rows of C a power-of-two stride apart conflict in L1); the thread whose rows
// start at 0 also sums the columns of B (g.col_sum_b, batch 1) as it packs them.
void gemm_block(const GemmArgs& g, const float* a, const float* b, float* c, const ItemArrays& ep, long i_begin,
                long i_end, long j_begin, long j_end) {
  const long m = i_end - i_begin;
  const long n = j_end - j_begin;
  if (m <= 0 || n <= 0) return;
  if (g.k == 0 || g.alpha == 0.0f) {
    init_or_scale_block(g, ep, c, i_begin * g.ldc + j_begin, j_begin, m, n);
    epilogue_block(ep, c, g.ldc, i_begin * g.ldc + j_begin, m, n);
    return;
  }
  float* col_sum = g.col_sum_b && i_begin == 0 ? g.col_sum_b : nullptr;
  if (col_sum) std::fill(col_sum + j_begin, col_sum + j_end, 0.0f);
  const long kc_max = even_block(g.k, KC, 1);
  const long mc_cap = std::max(MC, MC * KC / kc_max / MR * MR);
  const long mc_max = even_block(m, mc_cap, MR);
  const long nc_max = even_block(n, NC, NR);
  float* bp = tl_pack_b.floats(kc_max * round_up(nc_max, NR));
  float* ap = tl_pack_a.floats(round_up(mc_max, MR) * kc_max);
  alignas(32) float tile[MR * NR];
  // A tile with fewer than NR columns is computed into `tile` (alpha·AB), then stored into C below.
  const TileStore partial = {g.alpha, 0.0f, nullptr, nullptr, 0};
  const MicroKernel* partial_kernels = kMicro[store_mode(partial)];
  for (long jc = j_begin; jc < j_end; jc += nc_max) {
    const long nc = std::min(nc_max, j_end - jc);
    for (long pc = 0; pc < g.k; pc += kc_max) {
      const long kc = std::min(kc_max, g.k - pc);
      // Bias and residual are added as the first k block's products are stored (partial tiles: just before).
      const bool init = pc == 0 && (g.bias || ep.residual);
      const bool last_k = pc + kc >= g.k;
      const float beta = pc == 0 ? g.beta : 1.0f;
      // Whole tiles: one kernel table for the k block (the store mode depends only on alpha, beta and
      // whether a bias or residual is added), the tile's bias and residual rows set as the loops go.
      const bool add_bias = init && g.bias, add_residual = init && ep.residual;
      TileStore full_store = {g.alpha, beta, add_bias ? g.bias : nullptr, add_residual ? ep.residual : nullptr, g.ldc};
      const MicroKernel* full_kernels = kMicro[store_mode(full_store)];
      pack_b(b, g.ldb, g.trans_b, pc, kc, jc, nc, bp, col_sum ? col_sum + jc : nullptr);
      for (long ic = i_begin; ic < i_end; ic += mc_max) {
        const long mc = std::min(mc_max, i_end - ic);
        pack_a(a, g.lda, g.trans_a, ic, mc, pc, kc, ap);
        for (long jr = 0; jr < nc; jr += NR) {
          const long nr = std::min(NR, nc - jr);
          const float* bpanel = bp + jr * kc;
          if (nr == NR) {
            full_store.bias = add_bias ? g.bias + jc + jr : nullptr;
            for (long ir = 0; ir < mc; ir += MR) {
              const long at = (ic + ir) * g.ldc + jc + jr;
              if (add_residual) full_store.residual = ep.residual + at;
              full_kernels[std::min(MR, mc - ir)](kc, ap + ir * kc, bpanel, c + at, g.ldc, full_store);
            }
            continue;
          }
          for (long ir = 0; ir < mc; ir += MR) {
            const long mr = std::min(MR, mc - ir);
            const long at = (ic + ir) * g.ldc + jc + jr;
            float* ct = c + at;
            if (init) init_or_scale_block(g, ep, c, at, jc + jr, mr, nr);
            const float tile_beta = init ? 1.0f : beta;
            partial_kernels[mr](kc, ap + ir * kc, bpanel, tile, NR, partial);
            for (long r = 0; r < mr; r++) {
              float* crow = ct + r * g.ldc;
              const float* trow = tile + r * NR;
              if (tile_beta == 0.0f) for (long j = 0; j < nr; j++) crow[j] = trow[j];
              else for (long j = 0; j < nr; j++) crow[j] = trow[j] + tile_beta * crow[j];
            }
          }
        }
        if (last_k && ep.epilogue != kEpilogueNone) epilogue_block(ep, c, g.ldc, ic * g.ldc + jc, mc, nc);
      }
    }
  }
}

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// y[j] = alpha * sum_p x[p] * B[p*ldb + j] + beta * y[j] for j in [j0, j1): streams rows of B, eight at a
// time, into partial sums that stay in L1.
void gemv_axpy(const float* x, const float* B, long ldb, long k, long j0, long j1, float* y, float alpha, float beta) {
  constexpr long kBlock = 4096;  // columns whose partial sums stay in L1 (16 KB)
  for (long jb = j0; jb < j1; jb += kBlock) {
    const long je = std::min(j1, jb + kBlock);
    float* yb = y + jb;
    const long w = je - jb;
    if (beta == 0.0f) std::memset(yb, 0, static_cast<size_t>(w) * sizeof(float));
    else if (beta != 1.0f) for (long j = 0; j < w; j++) yb[j] *= beta;
    // Eight rows at a time, one from each eighth of B: eight long sequential streams, which memory serves
    // fastest (rows next to each other would be eight streams that end every row).
    const long part = k / 8, rs = part * ldb;
    for (long q = 0; q < part; q++) {
      const float* b0 = B + q * ldb + jb;
      __m256 a[8];
      float s[8];
      for (int r = 0; r < 8; r++) {
        s[r] = alpha * x[r * part + q];
        a[r] = _mm256_set1_ps(s[r]);
      }
      long j = 0;
      for (; j + 16 <= w; j += 16) {
        const float* bj = b0 + j;
        __m256 u0 = _mm256_fmadd_ps(a[0], _mm256_loadu_ps(bj), _mm256_loadu_ps(yb + j));
        __m256 v0 = _mm256_fmadd_ps(a[0], _mm256_loadu_ps(bj + 8), _mm256_loadu_ps(yb + j + 8));
        __m256 u1 = _mm256_mul_ps(a[1], _mm256_loadu_ps(bj + rs));
        __m256 v1 = _mm256_mul_ps(a[1], _mm256_loadu_ps(bj + rs + 8));
        for (int r = 2; r < 8; r += 2) {
          const float* br = bj + r * rs;
          u0 = _mm256_fmadd_ps(a[r], _mm256_loadu_ps(br), u0);
          v0 = _mm256_fmadd_ps(a[r], _mm256_loadu_ps(br + 8), v0);
          u1 = _mm256_fmadd_ps(a[r + 1], _mm256_loadu_ps(br + rs), u1);
          v1 = _mm256_fmadd_ps(a[r + 1], _mm256_loadu_ps(br + rs + 8), v1);
        }
        _mm256_storeu_ps(yb + j, _mm256_add_ps(u0, u1));
        _mm256_storeu_ps(yb + j + 8, _mm256_add_ps(v0, v1));
      }
      for (; j < w; j++) {
        float acc = yb[j];
        for (int r = 0; r < 8; r++) acc += s[r] * b0[r * rs + j];
        yb[j] = acc;
      }
    }
    long p = 8 * part;
    for (; p < k; p++) {
      const float* b0 = B + p * ldb + jb;
      const float s0 = alpha * x[p];
      const __m256 a0 = _mm256_set1_ps(s0);
      long j = 0;
      for (; j + 8 <= w; j += 8)
        _mm256_storeu_ps(yb + j, _mm256_fmadd_ps(a0, _mm256_loadu_ps(b0 + j), _mm256_loadu_ps(yb + j)));
      for (; j < w; j++) yb[j] += s0 * b0[j];
    }
  }
}

// y[i*incy] = alpha * dot(A[i*lda : i*lda+k], x) + beta * y[i*incy] for i in [i0, i1).
void gemv_dot(const float* A, long lda, long k, long i0, long i1, const float* x, float* y, long incy, float alpha,
              float beta) {
  auto finish = [&](long i, float dot) {
    float& out = y[i * incy];
    out = beta == 0.0f ? alpha * dot : alpha * dot + beta * out;
  };
  // Eight rows at a time, one from each eighth of the range: eight long sequential streams (see gemv_axpy).
  const long part = (i1 - i0) / 8;
  for (long q = 0; q < part; q++) {
    const float* r[8];
    __m256 acc[8];
    for (int t = 0; t < 8; t++) {
      r[t] = A + (i0 + t * part + q) * lda;
      acc[t] = _mm256_setzero_ps();
    }
    long p = 0;
    for (; p + 8 <= k; p += 8) {
      const __m256 xv = _mm256_loadu_ps(x + p);
      for (int t = 0; t < 8; t++) acc[t] = _mm256_fmadd_ps(_mm256_loadu_ps(r[t] + p), xv, acc[t]);
    }
    for (int t = 0; t < 8; t++) {
      float d = hsum(acc[t]);
      for (long e = p; e < k; e++) d += r[t][e] * x[e];
      finish(i0 + t * part + q, d);
    }
  }
  long i = i0 + 8 * part;
  for (; i < i1; i++) {
    const float* r0 = A + i * lda;
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    long p = 0;
    for (; p + 16 <= k; p += 16) {
      s0 = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + p), _mm256_loadu_ps(x + p), s0);
      s1 = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + p + 8), _mm256_loadu_ps(x + p + 8), s1);
    }
    float d0 = hsum(_mm256_add_ps(s0, s1));
    for (; p < k; p++) d0 += r0[p] * x[p];
    finish(i, d0);
  }
}

// Gathers a strided vector into contiguous scratch (returns x itself when already contiguous).
const float* contiguous_vector(const float* x, long inc, long k, Scratch& scratch) {
  if (inc == 1) return x;
  float* buf = scratch.floats(k);
  for (long p = 0; p < k; p++) buf[p] = x[p * inc];
  return buf;
}

// One matrix-vector product (m == 1 or n == 1), output range [lo, hi) of its long side.
void gemv_item(const GemmArgs& g, const float* a, const float* b, float* c, long lo, long hi) {
  if (g.k == 0 || g.alpha == 0.0f) {
    if (g.m == 1) scale_block(c + lo, 0, 1, hi - lo, g.beta);
    else for (long i = lo; i < hi; i++) c[i * g.ldc] = g.beta == 0.0f ? 0.0f : g.beta * c[i * g.ldc];
    return;
  }
  if (g.m == 1) {
    const float* x = contiguous_vector(a, g.trans_a ? g.lda : 1, g.k, tl_vec);
    if (!g.trans_b) gemv_axpy(x, b, g.ldb, g.k, lo, hi, c, g.alpha, g.beta);
    else gemv_dot(b, g.ldb, g.k, lo, hi, x, c, 1, g.alpha, g.beta);
  } else {
    const float* x = contiguous_vector(b, g.trans_b ? 1 : g.ldb, g.k, tl_vec);
    if (!g.trans_a) {
      gemv_dot(a, g.lda, g.k, lo, hi, x, c, g.ldc, g.alpha, g.beta);
    } else if (g.ldc == 1) {
      gemv_axpy(x, a, g.lda, g.k, lo, hi, c, g.alpha, g.beta);
    } else {
      // A rare strided output column: compute contiguously, then scatter.
      float tmp[256];
      for (long s = lo; s < hi; s += 256) {
        const long e = std::min(hi, s + 256);
        for (long i = s; i < e; i++) tmp[i - s] = c[i * g.ldc];
        gemv_axpy(x, a, g.lda, g.k, s, e, tmp - s, g.alpha, g.beta);
        for (long i = s; i < e; i++) c[i * g.ldc] = tmp[i - s];
      }
    }
  }
}

thread_local Scratch tl_partial_y;

// gemv_axpy over all n outputs with threads splitting the rows of B (each streams a contiguous block into a
// partial sum of its own; the partial sums are added at the end).
void gemv_axpy_rows_parallel(const float* x, const float* B, long ldb, long k, long n, float* y, float alpha,
                             float beta, int threads) {
  const long parts = std::min<long>(threads, k / 64);
  if (parts <= 1) {
    gemv_axpy(x, B, ldb, k, 0, n, y, alpha, beta);
    return;
  }
  float* partial = tl_partial_y.floats(parts * n);
  const long per = (k + parts - 1) / parts;
  auto task = [&](int t) {
    const long p0 = t * per, p1 = std::min(k, p0 + per);
    gemv_axpy(x + p0, B + p0 * ldb, ldb, p1 - p0, 0, n, partial + t * n, 1.0f, 0.0f);
  };
  parallel_for(static_cast<int>(parts), task);
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  long j = 0;
  for (; j + 8 <= n; j += 8) {
    __m256 sum = _mm256_loadu_ps(partial + j);
    for (long t = 1; t < parts; t++) sum = _mm256_add_ps(sum, _mm256_loadu_ps(partial + t * n + j));
    const __m256 r = _mm256_mul_ps(va, sum);
    _mm256_storeu_ps(y + j, beta == 0.0f ? r : _mm256_fmadd_ps(vb, _mm256_loadu_ps(y + j), r));
  }
  for (; j < n; j++) {
    float sum = 0.0f;
    for (long t = 0; t < parts; t++) sum += partial[t * n + j];
    y[j] = beta == 0.0f ? alpha * sum : alpha * sum + beta * y[j];
  }
}

}  // namespace

namespace {
void gemm_run(const GemmArgs& g, int threads);
}  // namespace

void gemm_f32_serial(const GemmArgs& g) { gemm_run(g, 1); }

void gemm_f32(const GemmArgs& g) {
  const double flops = 2.0 * g.m * g.n * static_cast<double>(g.k) * g.batch;
  gemm_run(g, flops < kParallelFlops ? 1 : num_threads());
}

namespace {

// colSumB computed on its own (for the shapes whose product packs no B).
void column_sums_of_b(const GemmArgs& g) {
  float* out = g.col_sum_b;
  if (g.trans_b) {
    for (long j = 0; j < g.n; j++) {
      const float* col = g.b + j * g.ldb;
      float s = 0.0f;
      for (long p = 0; p < g.k; p++) s += col[p];
      out[j] = s;
    }
    return;
  }
  std::fill(out, out + g.n, 0.0f);
  for (long p = 0; p < g.k; p++) {
    const float* row = g.b + p * g.ldb;
    for (long j = 0; j < g.n; j++) out[j] += row[j];
  }
}

void gemm_run(const GemmArgs& g, int threads) {
  const bool vector_shape = g.m == 1 || g.n == 1;
  if (g.col_sum_b && (g.m <= 0 || vector_shape || g.k == 0 || g.alpha == 0.0f)) {
    if (g.n > 0) column_sums_of_b(g);
    GemmArgs rest = g;
    rest.col_sum_b = nullptr;
    gemm_run(rest, threads);
    return;
  }
  if (g.m <= 0 || g.n <= 0 || g.batch <= 0) return;
  if ((g.bias || g.residual || g.epilogue != kEpilogueNone) && vector_shape) {
    // Matrix-vector paths: C = beta·C + bias + residual first, then the product accumulates onto it, then the
    // epilogue.
    const bool init = g.bias || g.residual;
    if (init)
      for (long bt = 0; bt < g.batch; bt++) init_or_scale_block(g, item_arrays(g, bt), g.c + bt * g.stride_c, 0, 0, g.m, g.n);
    GemmArgs product = g;
    product.beta = init ? 1.0f : g.beta;
    product.bias = nullptr;
    product.residual = nullptr;
    product.epilogue = kEpilogueNone;
    gemm_run(product, threads);
    for (long bt = 0; bt < g.batch; bt++) epilogue_block(item_arrays(g, bt), g.c + bt * g.stride_c, g.ldc, 0, g.m, g.n);
    return;
  }
  const long side = g.m == 1 ? g.n : g.m;  // the output length of a matrix-vector product

  auto item = [&](long bt, long lo, long hi, bool split_rows) {
    const float* a = g.a + bt * g.stride_a;
    const float* b = g.b + bt * g.stride_b;
    float* c = g.c + bt * g.stride_c;
    if (vector_shape) gemv_item(g, a, b, c, lo, hi);
    else if (split_rows) gemm_block(g, a, b, c, item_arrays(g, bt), lo, hi, 0, g.n);
    else gemm_block(g, a, b, c, item_arrays(g, bt), 0, g.m, lo, hi);
  };
  const bool split_rows = g.m >= g.n;
  const long full = vector_shape ? side : split_rows ? g.m : g.n;

  if (threads <= 1) {
    for (long bt = 0; bt < g.batch; bt++) item(bt, 0, full, split_rows);
    return;
  }
  if (g.batch >= threads) {
    parallel_range(g.batch, 1, [&](long b0, long b1) {
      for (long bt = b0; bt < b1; bt++) item(bt, 0, full, split_rows);
    });
    return;
  }
  // Matrix-vector products pack nothing, so they take finer chunks, grabbed dynamically: a thread that
  // runs late (a busy core) then costs little.
  // y = x·B with B row-major: threads split the rows of B (contiguous streams) rather than the outputs.
  const bool axpy_m1 = g.m == 1 && !g.trans_b && g.k > 0 && g.alpha != 0.0f;
  const bool axpy_n1 = g.n == 1 && g.trans_a && g.ldc == 1 && g.k > 0 && g.alpha != 0.0f;
  if (axpy_m1 || axpy_n1) {
    for (long bt = 0; bt < g.batch; bt++) {
      const float* a = g.a + bt * g.stride_a;
      const float* b = g.b + bt * g.stride_b;
      float* c = g.c + bt * g.stride_c;
      if (axpy_m1) {
        const float* x = contiguous_vector(a, g.trans_a ? g.lda : 1, g.k, tl_vec);
        gemv_axpy_rows_parallel(x, b, g.ldb, g.k, g.n, c, g.alpha, g.beta, threads);
      } else {
        const float* x = contiguous_vector(b, g.trans_b ? 1 : g.ldb, g.k, tl_vec);
        gemv_axpy_rows_parallel(x, a, g.lda, g.k, g.m, c, g.alpha, g.beta, threads);
      }
    }
    return;
  }
  const long unit = vector_shape ? 64 : split_rows ? MR : NR;
  const long chunks = std::max(1L, std::min<long>(vector_shape ? 4L * threads : threads, full / unit));
  const long per = round_up((full + chunks - 1) / chunks, unit);
  for (long bt = 0; bt < g.batch; bt++) {
    auto task = [&](int t) {
      const long lo = t * per;
      item(bt, lo, std::min(full, lo + per), split_rows);
    };
    parallel_for(static_cast<int>((full + per - 1) / per), task);
  }
}

}  // namespace

}  // namespace lmkit
