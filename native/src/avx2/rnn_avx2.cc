// Fused pointwise steps of LSTM and GRU cells (gate order as PyTorch: LSTM i, f, g, o; GRU r, z, n).
#include <immintrin.h>

#include "kernels.h"
#include "thread_pool.h"
#include "vec_math.h"

namespace lmkit {
namespace {

using vm::set1;

constexpr long kParallelElements = 1L << 15;

// Runs f(b0, b1) over batch rows, in parallel when the step is large.
template <class F>
void over_batch(long batch, long hidden, F f) {
  if (batch * hidden < kParallelElements) f(0L, batch);
  else parallel_range(batch, (kParallelElements / 2 + hidden - 1) / hidden, f);
}

// Lanes of a step: all eight, or the first few of the last partial step (masked loads and stores, which
// are slow on AMD, only there).
struct Full {};
struct Tail {
  __m256i m;
};
inline __m256 load(const float* p, Full) { return _mm256_loadu_ps(p); }
inline __m256 load(const float* p, Tail t) { return _mm256_maskload_ps(p, t.m); }
inline void store(float* p, Full, __m256 v) { _mm256_storeu_ps(p, v); }
inline void store(float* p, Tail t, __m256 v) { _mm256_maskstore_ps(p, t.m, v); }

// f(j, lanes) over [0, n) in 8-lane steps.
template <class F>
inline void lanes(long n, F f) {
  long j = 0;
  for (; j + 8 <= n; j += 8) f(j, Full{});
  if (j < n) f(j, Tail{vm::tail_mask(n - j)});
}

}  // namespace

void lstm_cell_forward_f32(float* gates, const float* c_prev, float* c, float* h, long batch, long hidden) {
  const long H = hidden;
  over_batch(batch, H, [&](long b0, long b1) {
    for (long b = b0; b < b1; b++) {
      float* g0 = gates + b * 4 * H;
      const float* cp = c_prev + b * H;
      float* cb = c + b * H;
      float* hb = h + b * H;
      lanes(H, [&](long j, auto m) {
        const __m256 i = vm::sigmoid(load(g0 + j, m));
        const __m256 f = vm::sigmoid(load(g0 + H + j, m));
        const __m256 g = vm::tanh(load(g0 + 2 * H + j, m));
        const __m256 o = vm::sigmoid(load(g0 + 3 * H + j, m));
        store(g0 + j, m, i);
        store(g0 + H + j, m, f);
        store(g0 + 2 * H + j, m, g);
        store(g0 + 3 * H + j, m, o);
        const __m256 cv = _mm256_fmadd_ps(f, load(cp + j, m), _mm256_mul_ps(i, g));
        store(cb + j, m, cv);
        store(hb + j, m, _mm256_mul_ps(o, vm::tanh(cv)));
      });
    }
  });
}

void lstm_cell_backward_f32(const float* gates, const float* c_prev, const float* c, const float* gh, const float* gc,
                            float* g_gates, float* gc_prev, long batch, long hidden) {
  const long H = hidden;
  const __m256 one = set1(1.0f);
  over_batch(batch, H, [&](long b0, long b1) {
    for (long b = b0; b < b1; b++) {
      const float* g0 = gates + b * 4 * H;
      float* d0 = g_gates + b * 4 * H;
      const long s0 = b * H;
      lanes(H, [&](long j, auto m) {
        const __m256 i = load(g0 + j, m), f = load(g0 + H + j, m);
        const __m256 g = load(g0 + 2 * H + j, m), o = load(g0 + 3 * H + j, m);
        const __m256 tc = vm::tanh(load(c + s0 + j, m));
        const __m256 dh = load(gh + s0 + j, m);
        const __m256 dc = _mm256_fmadd_ps(_mm256_mul_ps(dh, o), _mm256_fnmadd_ps(tc, tc, one), load(gc + s0 + j, m));
        store(d0 + j, m, _mm256_mul_ps(_mm256_mul_ps(dc, g), _mm256_mul_ps(i, _mm256_sub_ps(one, i))));
        store(d0 + H + j, m,
              _mm256_mul_ps(_mm256_mul_ps(dc, load(c_prev + s0 + j, m)), _mm256_mul_ps(f, _mm256_sub_ps(one, f))));
        store(d0 + 2 * H + j, m, _mm256_mul_ps(_mm256_mul_ps(dc, i), _mm256_fnmadd_ps(g, g, one)));
        store(d0 + 3 * H + j, m, _mm256_mul_ps(_mm256_mul_ps(dh, tc), _mm256_mul_ps(o, _mm256_sub_ps(one, o))));
        store(gc_prev + s0 + j, m, _mm256_mul_ps(dc, f));
      });
    }
  });
}

void gru_cell_forward_f32(float* gi, const float* gh, const float* h_prev, float* h, long batch, long hidden) {
  const long H = hidden;
  const __m256 one = set1(1.0f);
  over_batch(batch, H, [&](long b0, long b1) {
    for (long b = b0; b < b1; b++) {
      float* i0 = gi + b * 3 * H;
      const float* h0 = gh + b * 3 * H;
      const long s0 = b * H;
      lanes(H, [&](long j, auto m) {
        const __m256 r = vm::sigmoid(_mm256_add_ps(load(i0 + j, m), load(h0 + j, m)));
        const __m256 z = vm::sigmoid(_mm256_add_ps(load(i0 + H + j, m), load(h0 + H + j, m)));
        const __m256 n = vm::tanh(_mm256_fmadd_ps(r, load(h0 + 2 * H + j, m), load(i0 + 2 * H + j, m)));
        store(i0 + j, m, r);
        store(i0 + H + j, m, z);
        store(i0 + 2 * H + j, m, n);
        store(h + s0 + j, m, _mm256_fmadd_ps(_mm256_sub_ps(one, z), n, _mm256_mul_ps(z, load(h_prev + s0 + j, m))));
      });
    }
  });
}

void gru_cell_backward_f32(const float* gates, const float* gh, const float* h_prev, const float* g_out, float* g_gi,
                           float* g_gh, float* g_h_prev, long batch, long hidden) {
  const long H = hidden;
  const __m256 one = set1(1.0f);
  over_batch(batch, H, [&](long b0, long b1) {
    for (long b = b0; b < b1; b++) {
      const float* a0 = gates + b * 3 * H;
      const float* h0 = gh + b * 3 * H;
      float* di = g_gi + b * 3 * H;
      float* dh0 = g_gh + b * 3 * H;
      const long s0 = b * H;
      lanes(H, [&](long j, auto m) {
        const __m256 r = load(a0 + j, m), z = load(a0 + H + j, m), n = load(a0 + 2 * H + j, m);
        const __m256 dh = load(g_out + s0 + j, m);
        const __m256 dn = _mm256_mul_ps(_mm256_mul_ps(dh, _mm256_sub_ps(one, z)), _mm256_fnmadd_ps(n, n, one));
        const __m256 dz = _mm256_mul_ps(_mm256_mul_ps(dh, _mm256_sub_ps(load(h_prev + s0 + j, m), n)),
                                        _mm256_mul_ps(z, _mm256_sub_ps(one, z)));
        const __m256 dr = _mm256_mul_ps(_mm256_mul_ps(dn, load(h0 + 2 * H + j, m)), _mm256_mul_ps(r, _mm256_sub_ps(one, r)));
        store(di + j, m, dr);
        store(di + H + j, m, dz);
        store(di + 2 * H + j, m, dn);
        store(dh0 + j, m, dr);
        store(dh0 + H + j, m, dz);
        store(dh0 + 2 * H + j, m, _mm256_mul_ps(dn, r));
        store(g_h_prev + s0 + j, m, _mm256_mul_ps(dh, z));
      });
    }
  });
}

}  // namespace lmkit
