// Dropout from a counter-based generator (dropout_hash.h): every block is computed on its own, eight lanes
// at a time, and the result equals the js backend's bit for bit. The factors are recomputed rather than
// stored, so the backward pass is the same kernel applied to the gradient.
#include "dropout_hash.h"
#include "kernels.h"
#include "thread_pool.h"

namespace lmkit {

void dropout_f32(const float* x, float* out, long n, const DropoutSpec& d) {
  constexpr long kParallel = 1L << 16;
  auto chunk = [&](long i0, long i1) {
    long i = i0;
    for (; i + 8 <= i1; i += 8)
      _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), dropout::factors(d, static_cast<uint32_t>(i))));
    for (; i < i1; i++) out[i] = x[i] * dropout::factor(d, static_cast<uint32_t>(i));
  };
  if (n < kParallel) chunk(0, n);
  else parallel_range(n, kParallel / 2, chunk);
}

}  // namespace lmkit
