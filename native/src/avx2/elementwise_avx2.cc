// Elementwise float32 kernels: strided/broadcast binary ops and copies, unary activations and their
// derivatives, and the small vector helpers (clamp, affine, scale, sum of squares).
#include <immintrin.h>

#include <cmath>
#include <cstring>

#include "kernels.h"
#include "thread_pool.h"
#include "vec_math.h"

namespace lmkit {
namespace {

using vm::set1;

// Elementwise work below this many elements stays on the calling thread.
constexpr long kParallelElements = 1L << 16;

inline __m256 nan_from(__m256 r, __m256 x) { return _mm256_blendv_ps(r, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q)); }

// ---- binary ----

struct AddOp {
  static __m256 v(__m256 a, __m256 b) { return _mm256_add_ps(a, b); }
  static float s(float a, float b) { return a + b; }
};
struct SubOp {
  static __m256 v(__m256 a, __m256 b) { return _mm256_sub_ps(a, b); }
  static float s(float a, float b) { return a - b; }
};
struct MulOp {
  static __m256 v(__m256 a, __m256 b) { return _mm256_mul_ps(a, b); }
  static float s(float a, float b) { return a * b; }
};
struct DivOp {
  static __m256 v(__m256 a, __m256 b) { return _mm256_div_ps(a, b); }
  static float s(float a, float b) { return a / b; }
};
// max/min propagate NaN from either side, as the js kernels do.
struct MaxOp {
  static __m256 v(__m256 a, __m256 b) { return nan_from(_mm256_max_ps(a, b), a); }
  static float s(float a, float b) { return a > b || a != a ? a : b; }
};
struct MinOp {
  static __m256 v(__m256 a, __m256 b) { return nan_from(_mm256_min_ps(a, b), a); }
  static float s(float a, float b) { return a < b || a != a ? a : b; }
};
struct PowOp {
  static __m256 v(__m256 a, __m256 b) {
    alignas(32) float x[8], y[8];
    _mm256_store_ps(x, a);
    _mm256_store_ps(y, b);
    for (int i = 0; i < 8; i++) x[i] = s(x[i], y[i]);
    return _mm256_load_ps(x);
  }
  static float s(float a, float b) { return static_cast<float>(std::pow(static_cast<double>(a), static_cast<double>(b))); }
};

// One run of len outputs: a and b advance by sa and sb (each 0 or 1 on the fast paths).
template <class Op>
void binary_row(const float* a, long sa, const float* b, long sb, float* out, long len) {
  long i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 8 <= len; i += 8) _mm256_storeu_ps(out + i, Op::v(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
    for (; i < len; i++) out[i] = Op::s(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const __m256 vb = set1(*b);
    for (; i + 8 <= len; i += 8) _mm256_storeu_ps(out + i, Op::v(_mm256_loadu_ps(a + i), vb));
    for (; i < len; i++) out[i] = Op::s(a[i], *b);
  } else if (sa == 0 && sb == 1) {
    const __m256 va = set1(*a);
    for (; i + 8 <= len; i += 8) _mm256_storeu_ps(out + i, Op::v(va, _mm256_loadu_ps(b + i)));
    for (; i < len; i++) out[i] = Op::s(*a, b[i]);
  } else {
    for (; i < len; i++) out[i] = Op::s(a[i * sa], b[i * sb]);
  }
}

// Merges dimensions that are contiguous in every view (and drops size-1 dimensions); returns the new ndim.
int coalesce(long* shape, long* s0, long* s1, int ndim) {
  int nd = 0;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] == 1) continue;
    if (nd > 0 && s0[nd - 1] == s0[d] * shape[d] && (!s1 || s1[nd - 1] == s1[d] * shape[d])) {
      shape[nd - 1] *= shape[d];
      s0[nd - 1] = s0[d];
      if (s1) s1[nd - 1] = s1[d];
      continue;
    }
    shape[nd] = shape[d];
    s0[nd] = s0[d];
    if (s1) s1[nd] = s1[d];
    nd++;
  }
  if (nd == 0) {
    shape[0] = 1;
    s0[0] = 1;
    if (s1) s1[0] = 1;
    nd = 1;
  }
  return nd;
}

constexpr int kMaxDims = 16;

// Calls row(offset0, offset1, out_offset, begin_row_count) over rows [r0, r1) of a strided iteration.
template <class Row>
void for_rows(const long* shape, const long* s0, const long* s1, int nd, long r0, long r1, Row row) {
  const long len = shape[nd - 1];
  long idx[kMaxDims] = {0};
  long o0 = 0, o1 = 0;
  long r = r0;
  for (int d = nd - 2; d >= 0; d--) {
    idx[d] = r % shape[d];
    r /= shape[d];
    o0 += idx[d] * s0[d];
    if (s1) o1 += idx[d] * s1[d];
  }
  for (long rr = r0; rr < r1; rr++) {
    row(o0, o1, rr * len);
    for (int d = nd - 2; d >= 0; d--) {
      o0 += s0[d];
      if (s1) o1 += s1[d];
      if (++idx[d] < shape[d]) break;
      o0 -= s0[d] * shape[d];
      if (s1) o1 -= s1[d] * shape[d];
      idx[d] = 0;
    }
  }
}

template <class Op>
void binary_impl(const float* a, const long* a_strides, const float* b, const long* b_strides, float* out,
                 const long* shape_in, int ndim) {
  long shape[kMaxDims], sa[kMaxDims], sb[kMaxDims];
  for (int d = 0; d < ndim; d++) {
    shape[d] = shape_in[d];
    sa[d] = a_strides[d];
    sb[d] = b_strides[d];
  }
  long total = 1;
  for (int d = 0; d < ndim; d++) total *= shape[d];
  if (total == 0) return;
  const int nd = coalesce(shape, sa, sb, ndim);
  const long len = shape[nd - 1];
  const long rows = total / len;
  const long la = sa[nd - 1], lb = sb[nd - 1];
  if (rows == 1) {
    auto chunk = [&](long i0, long i1) { binary_row<Op>(a + i0 * la, la, b + i0 * lb, lb, out + i0, i1 - i0); };
    if (total < kParallelElements) chunk(0, total);
    else parallel_range(total, kParallelElements / 2, chunk);
    return;
  }
  auto rows_fn = [&](long r0, long r1) {
    for_rows(shape, sa, sb, nd, r0, r1,
             [&](long oa, long ob, long oo) { binary_row<Op>(a + oa, la, b + ob, lb, out + oo, len); });
  };
  if (total < kParallelElements) rows_fn(0, rows);
  else parallel_range(rows, (kParallelElements / 2 + len - 1) / len, rows_fn);
}

// ---- unary ----

template <class F, class S>
void map_unary(const float* x, float* out, long n, F f, S s) {
  auto chunk = [&](long i0, long i1) {
    long i = i0;
    for (; i + 8 <= i1; i += 8) _mm256_storeu_ps(out + i, f(_mm256_loadu_ps(x + i)));
    if (i < i1) {
      const __m256i m = vm::tail_mask(i1 - i);
      _mm256_maskstore_ps(out + i, m, f(_mm256_maskload_ps(x + i, m)));
    }
    (void)s;
  };
  if (n < kParallelElements / 4) chunk(0, n);
  else parallel_range(n, kParallelElements / 8, chunk);
}

template <class S>
void map_scalar(const float* x, float* out, long n, S s) {
  auto chunk = [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) out[i] = static_cast<float>(s(static_cast<double>(x[i])));
  };
  if (n < kParallelElements / 8) chunk(0, n);
  else parallel_range(n, kParallelElements / 16, chunk);
}

const auto no_scalar = 0;

}  // namespace

void binary_f32(int op, const float* a, const long* a_strides, const float* b, const long* b_strides, float* out,
                const long* shape, int ndim) {
  switch (op) {
    case kAdd: return binary_impl<AddOp>(a, a_strides, b, b_strides, out, shape, ndim);
    case kSub: return binary_impl<SubOp>(a, a_strides, b, b_strides, out, shape, ndim);
    case kMul: return binary_impl<MulOp>(a, a_strides, b, b_strides, out, shape, ndim);
    case kDiv: return binary_impl<DivOp>(a, a_strides, b, b_strides, out, shape, ndim);
    case kMax: return binary_impl<MaxOp>(a, a_strides, b, b_strides, out, shape, ndim);
    case kMin: return binary_impl<MinOp>(a, a_strides, b, b_strides, out, shape, ndim);
    case kPow: return binary_impl<PowOp>(a, a_strides, b, b_strides, out, shape, ndim);
    default: return;
  }
}

void copy_f32(const float* src, const long* strides, float* out, const long* shape_in, int ndim) {
  long shape[kMaxDims], st[kMaxDims];
  long total = 1;
  for (int d = 0; d < ndim; d++) {
    shape[d] = shape_in[d];
    st[d] = strides[d];
    total *= shape[d];
  }
  if (total == 0) return;
  const int nd = coalesce(shape, st, nullptr, ndim);
  const long len = shape[nd - 1];
  const long rows = total / len;
  const long ls = st[nd - 1];
  auto row = [&](long os, long, long oo) {
    const float* s = src + os;
    float* o = out + oo;
    if (ls == 1) std::memcpy(o, s, static_cast<size_t>(len) * sizeof(float));
    else if (ls == 0) for (long i = 0; i < len; i++) o[i] = *s;
    else for (long i = 0; i < len; i++) o[i] = s[i * ls];
  };
  auto rows_fn = [&](long r0, long r1) { for_rows(shape, st, nullptr, nd, r0, r1, row); };
  if (rows == 1 && ls == 1) {
    auto chunk = [&](long i0, long i1) {
      std::memcpy(out + i0, src + i0, static_cast<size_t>(i1 - i0) * sizeof(float));
    };
    if (total < 4 * kParallelElements) chunk(0, total);
    else parallel_range(total, 2 * kParallelElements, chunk);
    return;
  }
  if (total < kParallelElements) rows_fn(0, rows);
  else parallel_range(rows, (kParallelElements / 2 + len - 1) / len, rows_fn);
}

void unary_f32(int op, const float* x, float* out, long n) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256 one = set1(1.0f);
  const __m256 signbit = set1(-0.0f);
  switch (op) {
    case kNeg: return map_unary(x, out, n, [&](__m256 v) { return _mm256_xor_ps(v, signbit); }, no_scalar);
    case kExp: return map_unary(x, out, n, [](__m256 v) { return vm::exp(v); }, no_scalar);
    case kLog: return map_unary(x, out, n, [](__m256 v) { return vm::log(v); }, no_scalar);
    case kSqrt: return map_unary(x, out, n, [](__m256 v) { return _mm256_sqrt_ps(v); }, no_scalar);
    case kRsqrt:
      return map_unary(x, out, n, [&](__m256 v) { return _mm256_div_ps(one, _mm256_sqrt_ps(v)); }, no_scalar);
    case kAbs: return map_unary(x, out, n, [&](__m256 v) { return _mm256_andnot_ps(signbit, v); }, no_scalar);
    case kTanh: return map_unary(x, out, n, [](__m256 v) { return vm::tanh(v); }, no_scalar);
    case kSigmoid: return map_unary(x, out, n, [](__m256 v) { return vm::sigmoid(v); }, no_scalar);
    case kRelu: return map_unary(x, out, n, [&](__m256 v) { return _mm256_max_ps(zero, v); }, no_scalar);
    case kGelu: return map_unary(x, out, n, [](__m256 v) { return vm::gelu(v); }, no_scalar);
    case kGeluTanh: return map_unary(x, out, n, [](__m256 v) { return vm::gelu_tanh(v); }, no_scalar);
    case kSilu: return map_unary(x, out, n, [](__m256 v) { return _mm256_mul_ps(v, vm::sigmoid(v)); }, no_scalar);
    case kSquare: return map_unary(x, out, n, [](__m256 v) { return _mm256_mul_ps(v, v); }, no_scalar);
    case kReciprocal: return map_unary(x, out, n, [&](__m256 v) { return _mm256_div_ps(one, v); }, no_scalar);
    case kSign:
      return map_unary(x, out, n, [&](__m256 v) {
        const __m256 pos = _mm256_and_ps(_mm256_cmp_ps(v, zero, _CMP_GT_OQ), one);
        const __m256 neg = _mm256_and_ps(_mm256_cmp_ps(v, zero, _CMP_LT_OQ), one);
        return nan_from(_mm256_sub_ps(pos, neg), v);
      }, no_scalar);
    case kErf: return map_unary(x, out, n, [](__m256 v) { return vm::erf(v); }, no_scalar);
    case kFloor: return map_unary(x, out, n, [](__m256 v) { return _mm256_floor_ps(v); }, no_scalar);
    case kCeil: return map_unary(x, out, n, [](__m256 v) { return _mm256_ceil_ps(v); }, no_scalar);
    case kRound:
      return map_unary(x, out, n, [](__m256 v) {
        return _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      }, no_scalar);
    case kSin: return map_scalar(x, out, n, [](double v) { return std::sin(v); });
    case kCos: return map_scalar(x, out, n, [](double v) { return std::cos(v); });
    case kLog1p: return map_scalar(x, out, n, [](double v) { return std::log1p(v); });
    case kExpm1: return map_scalar(x, out, n, [](double v) { return std::expm1(v); });
    default: return;
  }
}

bool unary_backward_f32(int op, const float* x, const float* y, const float* gy, float* gx, long n) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256 one = set1(1.0f);
  const __m256 half = set1(0.5f);
  // f(x, y, gy) -> gx, eight lanes at a time.
  auto run = [&](auto f) {
    auto chunk = [&](long i0, long i1) {
      long i = i0;
      for (; i + 8 <= i1; i += 8)
        _mm256_storeu_ps(gx + i, f(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), _mm256_loadu_ps(gy + i)));
      if (i < i1) {
        const __m256i m = vm::tail_mask(i1 - i);
        _mm256_maskstore_ps(gx + i, m, f(_mm256_maskload_ps(x + i, m), _mm256_maskload_ps(y + i, m),
                                         _mm256_maskload_ps(gy + i, m)));
      }
    };
    if (n < kParallelElements / 4) chunk(0, n);
    else parallel_range(n, kParallelElements / 8, chunk);
    return true;
  };
  switch (op) {
    case kNeg: return run([&](__m256, __m256, __m256 g) { return _mm256_sub_ps(zero, g); });
    case kExp: return run([](__m256, __m256 v, __m256 g) { return _mm256_mul_ps(g, v); });
    case kLog: return run([&](__m256 v, __m256, __m256 g) { return _mm256_mul_ps(g, _mm256_div_ps(one, v)); });
    case kSqrt: return run([&](__m256, __m256 v, __m256 g) { return _mm256_mul_ps(g, _mm256_div_ps(half, v)); });
    case kTanh:
      return run([&](__m256, __m256 v, __m256 g) { return _mm256_mul_ps(g, _mm256_fnmadd_ps(v, v, one)); });
    case kSigmoid:
      return run([&](__m256, __m256 v, __m256 g) {
        return _mm256_mul_ps(g, _mm256_mul_ps(v, _mm256_sub_ps(one, v)));
      });
    case kRelu:
      return run([&](__m256 v, __m256, __m256 g) {
        return _mm256_mul_ps(g, _mm256_and_ps(_mm256_cmp_ps(v, zero, _CMP_GT_OQ), one));
      });
    case kGelu: return run([](__m256 v, __m256, __m256 g) { return _mm256_mul_ps(g, vm::gelu_grad(v)); });
    case kGeluTanh:
      return run([](__m256 v, __m256 y, __m256 g) { return _mm256_mul_ps(g, vm::gelu_tanh_grad_from_y(v, y)); });
    case kSilu:
      return run([&](__m256 v, __m256, __m256 g) {
        const __m256 s = vm::sigmoid(v);
        return _mm256_mul_ps(g, _mm256_mul_ps(s, _mm256_fmadd_ps(v, _mm256_sub_ps(one, s), one)));
      });
    case kSquare: return run([](__m256 v, __m256, __m256 g) { return _mm256_mul_ps(g, _mm256_add_ps(v, v)); });
    case kReciprocal:
      return run([&](__m256, __m256 v, __m256 g) { return _mm256_mul_ps(g, _mm256_sub_ps(zero, _mm256_mul_ps(v, v))); });
    default: return false;
  }
}

void clamp_f32(const float* x, float* out, long n, float lo, float hi) {
  const __m256 vlo = set1(lo), vhi = set1(hi);
  // js: v < lo ? lo : v > hi ? hi : v (NaN passes through).
  map_unary(x, out, n, [&](__m256 v) {
    __m256 r = _mm256_blendv_ps(v, vlo, _mm256_cmp_ps(v, vlo, _CMP_LT_OQ));
    return _mm256_blendv_ps(r, vhi, _mm256_cmp_ps(v, vhi, _CMP_GT_OQ));
  }, no_scalar);
}

void affine_f32(const float* x, float* out, long n, float scale, float shift) {
  const __m256 s = set1(scale), t = set1(shift);
  map_unary(x, out, n, [&](__m256 v) { return _mm256_add_ps(_mm256_mul_ps(v, s), t); }, no_scalar);
}

void scale_f32(float* x, long n, float s) {
  const __m256 vs = set1(s);
  map_unary(x, x, n, [&](__m256 v) { return _mm256_mul_ps(v, vs); }, no_scalar);
}

// How far ahead (in floats, 2 KB) sum_squares_f32 prefetches.
constexpr long kSumSquaresPrefetch = 512;

double sum_squares_f32(const float* x, long n) {
  // Float products accumulated into doubles, four lanes at a time.
  auto part = [&](long i0, long i1) {
    __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
    auto add8 = [&](long j) {
      const __m256 v = _mm256_loadu_ps(x + j);
      const __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
      const __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
      s0 = _mm256_fmadd_pd(lo, lo, s0);
      s1 = _mm256_fmadd_pd(hi, hi, s1);
    };
    long i = i0;
    // The fma chains leave the memory system idle: a prefetch per cache line keeps lines coming.
    for (; i + 16 <= i1; i += 16) {
      _mm_prefetch(reinterpret_cast<const char*>(x + i + kSumSquaresPrefetch), _MM_HINT_T0);
      add8(i);
      add8(i + 8);
    }
    for (; i + 8 <= i1; i += 8) add8(i);
    alignas(32) double t[4];
    _mm256_store_pd(t, _mm256_add_pd(s0, s1));
    double s = t[0] + t[1] + t[2] + t[3];
    for (; i < i1; i++) s += static_cast<double>(x[i]) * x[i];
    return s;
  };
  if (n < kParallelElements * 4) return part(0, n);
  double sums[64] = {0};
  const int nt = num_threads() < 64 ? num_threads() : 64;
  const long per = (n + nt - 1) / nt;
  auto task = [&](int t) {
    const long b = t * per, e = b + per < n ? b + per : n;
    if (b < e) sums[t] = part(b, e);
  };
  parallel_for(nt, task);
  double s = 0;
  for (int t = 0; t < nt; t++) s += sums[t];
  return s;
}

double sum_squares_list_f32(const float* const* xs, const long* ns, long count, long min_vector, double total) {
  for (long t = 0; t < count; t++) {
    const float* x = xs[t];
    const long n = ns[t];
    double s = 0;
    if (n >= min_vector) {
      s = sum_squares_f32(x, n);
    } else {
      // A float times a float is exact in double, so a contracted fma rounds as the js add does.
      for (long i = 0; i < n; i++) s += static_cast<double>(x[i]) * x[i];
    }
    total += s;
  }
  return total;
}

void scale_list_f32(float* const* xs, const long* ns, long count, double s, long min_vector) {
  for (long t = 0; t < count; t++) {
    float* x = xs[t];
    const long n = ns[t];
    if (n >= min_vector) {
      scale_f32(x, n, static_cast<float>(s));
    } else {
      for (long i = 0; i < n; i++) x[i] = static_cast<float>(static_cast<double>(x[i]) * s);
    }
  }
}

}  // namespace lmkit
