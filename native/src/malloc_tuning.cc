// Tensor storage (V8 ArrayBuffers) comes from the C allocator. With glibc's defaults a freed block of more
// than a few MB goes back to the kernel (munmap, or a heap trim), and the next tensor of that size
// page-faults on every 4 KB it touches: about 2 µs a page here. A seq2seq training step (batch 32, 256
// source tokens) allocates and frees over a GB of such activations, so faulting cost it a quarter of its
// time. Fixing the mmap threshold at 1 GB keeps every block below it in the heap for the next allocation,
// and the trim threshold of 32 MB bounds the free memory kept at the top of the heap.
// A user's own MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ (or LMKIT_MALLOC_TUNING=0) takes precedence.
#include "malloc_tuning.h"

#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace lmkit {

void tune_malloc() {
#if defined(__GLIBC__)
  const char* off = std::getenv("LMKIT_MALLOC_TUNING");
  if (off != nullptr && off[0] == '0') return;
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 1 << 30);
  if (std::getenv("MALLOC_TRIM_THRESHOLD_") == nullptr) mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
}

}  // namespace lmkit
