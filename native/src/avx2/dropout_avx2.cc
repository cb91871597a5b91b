// Dropout masks from a counter-based generator: element i's uniform uint32 is a hash of (i, seed0, seed1)
// (src/backend/js/dropout.ts gives the definition), so every block of the mask is computed on its own, eight
// lanes at a time, and the mask equals the js backend's bit for bit.
#include <immintrin.h>

#include <cstdint>

#include "kernels.h"
#include "thread_pool.h"

namespace lmkit {
namespace {

constexpr long kParallelMask = 1L << 16;

inline uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x85ebca6bu;
  x ^= x >> 13;
  x *= 0xc2b2ae35u;
  x ^= x >> 16;
  return x;
}

inline __m256i mix32(__m256i x) {
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
  x = _mm256_mullo_epi32(x, _mm256_set1_epi32(static_cast<int>(0x85ebca6bu)));
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 13));
  x = _mm256_mullo_epi32(x, _mm256_set1_epi32(static_cast<int>(0xc2b2ae35u)));
  return _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
}

}  // namespace

void dropout_mask_f32(float* mask, long n, uint32_t threshold, float scale, uint32_t seed0, uint32_t seed1) {
  auto chunk = [&](long i0, long i1) {
    const __m256i golden = _mm256_set1_epi32(static_cast<int>(0x9e3779b9u));
    const __m256i s0 = _mm256_set1_epi32(static_cast<int>(seed0)), s1 = _mm256_set1_epi32(static_cast<int>(seed1));
    // Unsigned draw < threshold, as a signed compare with both sides' top bits flipped.
    const __m256i flip = _mm256_set1_epi32(static_cast<int>(0x80000000u));
    const __m256i limit = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(threshold)), flip);
    const __m256 keep = _mm256_set1_ps(scale);
    const __m256i step = _mm256_set1_epi32(8);
    __m256i idx = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(i0))),
                                   _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    long i = i0;
    for (; i + 8 <= i1; i += 8, idx = _mm256_add_epi32(idx, step)) {
      const __m256i u = mix32(_mm256_xor_si256(mix32(_mm256_add_epi32(_mm256_mullo_epi32(idx, golden), s0)), s1));
      const __m256 dropped = _mm256_castsi256_ps(_mm256_cmpgt_epi32(limit, _mm256_xor_si256(u, flip)));
      _mm256_storeu_ps(mask + i, _mm256_andnot_ps(dropped, keep));
    }
    for (; i < i1; i++) {
      const uint32_t u = mix32(mix32(static_cast<uint32_t>(i) * 0x9e3779b9u + seed0) ^ seed1);
      mask[i] = u < threshold ? 0.0f : scale;
    }
  };
  if (n < kParallelMask) chunk(0, n);
  else parallel_range(n, kParallelMask / 2, chunk);
}

}  // namespace lmkit
