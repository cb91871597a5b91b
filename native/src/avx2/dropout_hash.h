// The dropout draw of src/backend/js/dropout.ts (dropoutDraw): element i's uniform uint32 is
// fmix32(fmix32(i · 0x9e3779b9 + seed0) ^ seed1), with murmur3's finalizer fmix32; it is dropped when the draw
// is below threshold (p · 2^32) and scaled by keep (1 / (1 - p)) otherwise.
#pragma once
#include <immintrin.h>

#include <cstdint>

#include "kernels.h"

namespace lmkit {
namespace dropout {

inline uint32_t fmix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x85ebca6bu;
  x ^= x >> 13;
  x *= 0xc2b2ae35u;
  return x ^ (x >> 16);
}

inline __m256i fmix32(__m256i x) {
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
  x = _mm256_mullo_epi32(x, _mm256_set1_epi32(static_cast<int>(0x85ebca6bu)));
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 13));
  x = _mm256_mullo_epi32(x, _mm256_set1_epi32(static_cast<int>(0xc2b2ae35u)));
  return _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
}

inline float factor(const DropoutSpec& d, uint32_t index) {
  return fmix32(fmix32(index * 0x9e3779b9u + d.seed0) ^ d.seed1) < d.threshold ? 0.0f : d.keep;
}

// The factors (0 or keep) of elements first .. first + 7.
inline __m256 factors(const DropoutSpec& d, uint32_t first) {
  const __m256i idx = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(first)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  const __m256i golden = _mm256_set1_epi32(static_cast<int>(0x9e3779b9u));
  const __m256i h = _mm256_add_epi32(_mm256_mullo_epi32(idx, golden), _mm256_set1_epi32(static_cast<int>(d.seed0)));
  const __m256i u = fmix32(_mm256_xor_si256(fmix32(h), _mm256_set1_epi32(static_cast<int>(d.seed1))));
  // Unsigned u < threshold, as a signed compare with both sides' top bits flipped.
  const __m256i flip = _mm256_set1_epi32(static_cast<int>(0x80000000u));
  const __m256i limit = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(d.threshold)), flip);
  const __m256 dropped = _mm256_castsi256_ps(_mm256_cmpgt_epi32(limit, _mm256_xor_si256(u, flip)));
  return _mm256_andnot_ps(dropped, _mm256_set1_ps(d.keep));
}

}  // namespace dropout
}  // namespace lmkit
