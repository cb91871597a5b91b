#pragma once
// Vectorized float32 math for AVX2/FMA (Cephes-style polynomials, about 1-2 ulp). NaN propagates: every
// clamp puts the input as the second operand of min/max, which returns it when it is NaN.
#include <immintrin.h>

namespace lmkit {
namespace vm {

inline __m256 set1(float x) { return _mm256_set1_ps(x); }

// n = round(x / ln 2), the power of two in e^x = 2^n · e^r.
inline __m256 exp_exponent(__m256 x) {
  return _mm256_round_ps(_mm256_mul_ps(x, set1(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

// e^r for r = x - n ln 2 (|r| <= ln 2 / 2), by the Cephes polynomial 1 + r + r²·q(r), q evaluated in
// Estrin's scheme (pairs of terms side by side: a shorter dependency chain than Horner's).
inline __m256 exp_reduced(__m256 x, __m256 n) {
  __m256 r = _mm256_fnmadd_ps(n, set1(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, set1(-2.12194440e-4f), r);
  const __m256 r2 = _mm256_mul_ps(r, r);
  const __m256 q01 = _mm256_fmadd_ps(set1(1.6666665459E-1f), r, set1(5.0000001201E-1f));
  const __m256 q23 = _mm256_fmadd_ps(set1(8.3334519073E-3f), r, set1(4.1665795894E-2f));
  const __m256 q45 = _mm256_fmadd_ps(set1(1.9875691500E-4f), r, set1(1.3981999507E-3f));
  const __m256 q = _mm256_fmadd_ps(_mm256_mul_ps(r2, r2), q45, _mm256_fmadd_ps(r2, q23, q01));
  return _mm256_fmadd_ps(q, r2, _mm256_add_ps(r, set1(1.0f)));
}

// e^x, also correct for results in the subnormal range and for ±inf.
inline __m256 exp(__m256 x) {
  const __m256 hi = set1(88.7228394f), lo = set1(-104.0f);
  __m256 xc = _mm256_min_ps(hi, _mm256_max_ps(lo, x));
  const __m256 n = exp_exponent(xc);
  const __m256 p = exp_reduced(xc, n);
  // Scale by 2^n in two halves so that n down to -150 stays representable.
  const __m256i ni = _mm256_cvtps_epi32(n);
  const __m256i n1 = _mm256_srai_epi32(ni, 1);
  const __m256i n2 = _mm256_sub_epi32(ni, n1);
  const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, _mm256_set1_epi32(127)), 23));
  const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, _mm256_set1_epi32(127)), 23));
  __m256 y = _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
  // Beyond the clamp: +inf above, 0 below (x itself when NaN).
  y = _mm256_blendv_ps(y, set1(__builtin_inff()), _mm256_cmp_ps(x, hi, _CMP_GT_OQ));
  y = _mm256_blendv_ps(y, _mm256_setzero_ps(), _mm256_cmp_ps(x, lo, _CMP_LT_OQ));
  return y;
}

// e^x where only saturation matters at the extremes (sigmoid, tanh): x is clamped to [-87.3, 89], so
// below -87.3 the result stays 1.2e-38 and from about 88.4 up it is +inf (2^128). Cheaper than exp.
inline __m256 exp_clamped(__m256 x) {
  const __m256 xc = _mm256_min_ps(set1(89.0f), _mm256_max_ps(set1(-87.3f), x));
  const __m256 n = exp_exponent(xc);
  const __m256 p = exp_reduced(xc, n);
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

// e^x for x <= 0 (a softmax's shifted scores), 0 below -87.3 (where e^x leaves the normal floats); NaN
// propagates. n = round(x / ln 2) comes from adding a magic number whose low mantissa bits then hold n + 127,
// ready to shift into an exponent: cheaper than exp.
inline __m256 exp_nonpositive(__m256 x) {
  const __m256 lo = set1(-87.3f), magic = set1(12582912.0f + 127.0f);  // 1.5 * 2^23 + the exponent bias
  const __m256 xc = _mm256_max_ps(lo, x);
  const __m256 t = _mm256_fmadd_ps(xc, set1(1.44269504088896341f), magic);
  const __m256 n = _mm256_sub_ps(t, magic);
  const __m256 p = exp_reduced(xc, n);
  const __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(t), 23));
  return _mm256_andnot_ps(_mm256_cmp_ps(x, lo, _CMP_LT_OQ), _mm256_mul_ps(p, scale));
}

// Natural log; log(0) = -inf, log(x < 0) = NaN, log(inf) = inf.
inline __m256 log(__m256 x) {
  const __m256 one = set1(1.0f);
  // Scale subnormals into the normal range first.
  const __m256 tiny = _mm256_cmp_ps(x, set1(1.17549435e-38f), _CMP_LT_OQ);
  __m256 xs = _mm256_blendv_ps(x, _mm256_mul_ps(x, set1(8388608.0f)), tiny);
  __m256 eadj = _mm256_and_ps(tiny, set1(23.0f));
  __m256i xi = _mm256_castps_si256(xs);
  __m256i ei = _mm256_sub_epi32(_mm256_srli_epi32(xi, 23), _mm256_set1_epi32(126));
  __m256 m = _mm256_castsi256_ps(
      _mm256_or_si256(_mm256_and_si256(xi, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f000000)));
  __m256 e = _mm256_sub_ps(_mm256_cvtepi32_ps(ei), eadj);
  // m in [0.5, 1): use m*2 - 1 when m < sqrt(1/2) so the argument is near 0.
  const __m256 small = _mm256_cmp_ps(m, set1(0.707106781186547524f), _CMP_LT_OQ);
  e = _mm256_sub_ps(e, _mm256_and_ps(small, one));
  m = _mm256_add_ps(m, _mm256_and_ps(small, m));
  m = _mm256_sub_ps(m, one);
  const __m256 z = _mm256_mul_ps(m, m);
  __m256 p = set1(7.0376836292E-2f);
  p = _mm256_fmadd_ps(p, m, set1(-1.1514610310E-1f));
  p = _mm256_fmadd_ps(p, m, set1(1.1676998740E-1f));
  p = _mm256_fmadd_ps(p, m, set1(-1.2420140846E-1f));
  p = _mm256_fmadd_ps(p, m, set1(1.4249322787E-1f));
  p = _mm256_fmadd_ps(p, m, set1(-1.6668057665E-1f));
  p = _mm256_fmadd_ps(p, m, set1(2.0000714765E-1f));
  p = _mm256_fmadd_ps(p, m, set1(-2.4999993993E-1f));
  p = _mm256_fmadd_ps(p, m, set1(3.3333331174E-1f));
  __m256 y = _mm256_mul_ps(_mm256_mul_ps(p, m), z);
  y = _mm256_fmadd_ps(e, set1(-2.12194440e-4f), y);
  y = _mm256_fnmadd_ps(z, set1(0.5f), y);
  __m256 r = _mm256_add_ps(m, y);
  r = _mm256_fmadd_ps(e, set1(0.693359375f), r);
  // Special inputs.
  r = _mm256_blendv_ps(r, set1(-__builtin_inff()), _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_EQ_OQ));
  r = _mm256_blendv_ps(r, set1(__builtin_nanf("")), _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ));
  r = _mm256_blendv_ps(r, x, _mm256_cmp_ps(x, set1(__builtin_inff()), _CMP_EQ_OQ));
  r = _mm256_blendv_ps(r, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
  return r;
}

// 1 / (1 + e^-x)
// 1 / (1 + e^-x).
inline __m256 sigmoid(__m256 x) {
  const __m256 one = set1(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, exp_clamped(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

// tanh: a polynomial near 0 (relative accuracy), 1 - 2/(e^2|x| + 1) elsewhere.
inline __m256 tanh(__m256 x) {
  const __m256 sign = _mm256_and_ps(x, set1(-0.0f));
  const __m256 ax = _mm256_andnot_ps(set1(-0.0f), x);
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 p = set1(-5.70498872745E-3f);
  p = _mm256_fmadd_ps(p, z, set1(2.06390887954E-2f));
  p = _mm256_fmadd_ps(p, z, set1(-5.37397155531E-2f));
  p = _mm256_fmadd_ps(p, z, set1(1.33314422036E-1f));
  p = _mm256_fmadd_ps(p, z, set1(-3.33332819422E-1f));
  const __m256 near0 = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
  const __m256 e = exp_clamped(_mm256_add_ps(ax, ax));
  const __m256 far = _mm256_sub_ps(set1(1.0f), _mm256_div_ps(set1(2.0f), _mm256_add_ps(e, set1(1.0f))));
  const __m256 farSigned = _mm256_or_ps(far, sign);
  __m256 r = _mm256_blendv_ps(farSigned, near0, _mm256_cmp_ps(ax, set1(0.625f), _CMP_LT_OQ));
  return _mm256_blendv_ps(r, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

// erfc(|x|) by the Numerical Recipes Chebyshev fit that the js backend uses (|error| < 1.2e-7), its
// polynomial in Estrin's scheme; 0 from |x| ≈ 9.3 on (where erfc leaves the normal floats).
inline __m256 erfc_abs(__m256 ax) {
  const __m256 t = _mm256_div_ps(set1(1.0f), _mm256_fmadd_ps(set1(0.5f), ax, set1(1.0f)));
  const __m256 t2 = _mm256_mul_ps(t, t), t4 = _mm256_mul_ps(t2, t2), t8 = _mm256_mul_ps(t4, t4);
  const __m256 c01 = _mm256_fmadd_ps(set1(1.00002368f), t, set1(-1.26551223f));
  const __m256 c23 = _mm256_fmadd_ps(set1(0.09678418f), t, set1(0.37409196f));
  const __m256 c45 = _mm256_fmadd_ps(set1(0.27886807f), t, set1(-0.18628806f));
  const __m256 c67 = _mm256_fmadd_ps(set1(1.48851587f), t, set1(-1.13520398f));
  const __m256 c89 = _mm256_fmadd_ps(set1(0.17087277f), t, set1(-0.82215223f));
  const __m256 p = _mm256_fmadd_ps(c89, t8, _mm256_fmadd_ps(_mm256_fmadd_ps(c67, t2, c45), t4, _mm256_fmadd_ps(c23, t2, c01)));
  return _mm256_mul_ps(t, exp_nonpositive(_mm256_fnmadd_ps(ax, ax, p)));
}

// erf: Cephes' odd polynomial for |x| < 1 (relative accuracy near 0), 1 - erfc(|x|) beyond.
inline __m256 erf(__m256 x) {
  const __m256 sign = _mm256_and_ps(x, set1(-0.0f));
  const __m256 ax = _mm256_andnot_ps(set1(-0.0f), x);
  const __m256 far = _mm256_or_ps(_mm256_sub_ps(set1(1.0f), erfc_abs(ax)), sign);
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 p = set1(7.853861353153693E-5f);
  p = _mm256_fmadd_ps(p, z, set1(-8.010193625184903E-4f));
  p = _mm256_fmadd_ps(p, z, set1(5.188327685732524E-3f));
  p = _mm256_fmadd_ps(p, z, set1(-2.685381193529856E-2f));
  p = _mm256_fmadd_ps(p, z, set1(1.128358514861418E-1f));
  p = _mm256_fmadd_ps(p, z, set1(-3.761262582423300E-1f));
  p = _mm256_fmadd_ps(p, z, set1(1.128379165726710E+0f));
  const __m256 near0 = _mm256_mul_ps(x, p);
  return _mm256_blendv_ps(far, near0, _mm256_cmp_ps(ax, set1(1.0f), _CMP_LT_OQ));
}

// 0.5 x (1 + erf(x / sqrt 2)), with 1 + erf written as erfc of -x so negative x keeps its precision.
inline __m256 gelu(__m256 x) {
  const __m256 u = _mm256_mul_ps(x, set1(0.70710678118654752f));
  const __m256 c = erfc_abs(_mm256_andnot_ps(set1(-0.0f), u));  // erfc(|u|)
  const __m256 neg = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ);
  const __m256 onePlusErf = _mm256_blendv_ps(_mm256_sub_ps(set1(2.0f), c), c, neg);
  return _mm256_mul_ps(_mm256_mul_ps(set1(0.5f), x), onePlusErf);
}

// 0.5 x (1 + tanh(k (x + 0.044715 x^3))) = x / (1 + e^t) with t = -2k (x + 0.044715 x^3). t is clamped to
// [-87.3, 89] (x / (1 + e^t) has long reached x or -0 there; from about 88.4 up e^t is +inf, as it should be),
// and n = round(t / ln 2) comes from adding a magic number whose low mantissa bits then hold n + 127, ready to
// shift into an exponent.
inline __m256 gelu_tanh(__m256 x) {
  const __m256 x2 = _mm256_mul_ps(x, x);
  const __m256 t = _mm256_mul_ps(x, _mm256_fmadd_ps(set1(-2 * 0.7978845608028654f * 0.044715f), x2, set1(-2 * 0.7978845608028654f)));
  const __m256 tc = _mm256_min_ps(set1(89.0f), _mm256_max_ps(set1(-87.3f), t));
  const __m256 magic = set1(12582912.0f + 127.0f);  // 1.5 * 2^23 + the exponent bias
  const __m256 shifted = _mm256_fmadd_ps(tc, set1(1.44269504088896341f), magic);
  const __m256 e = _mm256_mul_ps(exp_reduced(tc, _mm256_sub_ps(shifted, magic)),
                                 _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(shifted), 23)));
  return _mm256_div_ps(x, _mm256_add_ps(set1(1.0f), e));
}

// d gelu / dx = Φ(x) + x·φ(x)
inline __m256 gelu_grad(__m256 x) {
  const __m256 cdf = _mm256_mul_ps(set1(0.5f), _mm256_add_ps(set1(1.0f), erf(_mm256_mul_ps(x, set1(0.70710678118654752f)))));
  const __m256 pdf = _mm256_mul_ps(set1(0.3989422804014327f), exp_nonpositive(_mm256_mul_ps(set1(-0.5f), _mm256_mul_ps(x, x))));
  return _mm256_fmadd_ps(x, pdf, cdf);
}

// d gelu_tanh / dx from x and s = sigmoid(2·inner) = (1 + tanh(inner)) / 2, inner = k (x + 0.044715 x³):
// with 1 - tanh² = 4·s·(1 - s) it is s + 2x·s·(1 - s)·k·(1 + 3·0.044715 x²).
inline __m256 gelu_tanh_grad_from_s(__m256 x, __m256 s) {
  // 2k·(1 + 3·0.044715 x²), times x, times s - s², plus s
  const __m256 q = _mm256_fmadd_ps(set1(6 * 0.7978845608028654f * 0.044715f), _mm256_mul_ps(x, x), set1(2 * 0.7978845608028654f));
  return _mm256_fmadd_ps(_mm256_mul_ps(x, q), _mm256_fnmadd_ps(s, s, s), s);
}

// d gelu_tanh / dx from x and y = gelu_tanh(x) = x·s: s = y / x (1/2 at x = 0, where s → 1/2).
inline __m256 gelu_tanh_grad_from_y(__m256 x, __m256 y) {
  const __m256 away = _mm256_cmp_ps(_mm256_andnot_ps(set1(-0.0f), x), set1(1e-20f), _CMP_GT_OQ);
  return gelu_tanh_grad_from_s(x, _mm256_blendv_ps(set1(0.5f), _mm256_div_ps(y, x), away));
}

// From x alone, through the forward value, so it equals the elementwise backward given gelu_tanh(x).
inline __m256 gelu_tanh_grad(__m256 x) { return gelu_tanh_grad_from_y(x, gelu_tanh(x)); }

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Mask of the first n (0..8) lanes, for tails.
inline __m256i tail_mask(long n) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), idx);
}

}  // namespace vm
}  // namespace lmkit
