// Dropout masks from a counter-based generator (dropout_hash.h): every block of the mask is computed on its
// own, eight lanes at a time, and the mask equals the js backend's bit for bit.
#include "dropout_hash.h"
#include "kernels.h"
#include "thread_pool.h"

namespace lmkit {

void dropout_mask_f32(float* mask, long n, const DropoutSpec& d) {
  constexpr long kParallelMask = 1L << 16;
  auto chunk = [&](long i0, long i1) {
    long i = i0;
    for (; i + 8 <= i1; i += 8) _mm256_storeu_ps(mask + i, dropout::factors(d, static_cast<uint32_t>(i)));
    for (; i < i1; i++) mask[i] = dropout::factor(d, static_cast<uint32_t>(i));
  };
  if (n < kParallelMask) chunk(0, n);
  else parallel_range(n, kParallelMask / 2, chunk);
}

}  // namespace lmkit
