// Tensor storage (V8 ArrayBuffers) comes from the C allocator. With glibc's defaults a freed block of a
// few MB goes back to the kernel (munmap, or a heap trim), and the next tensor of that size page-faults
// on every 4 KB it touches: about 2 µs a page here, several hundred pages per training step. Fixing the
// mmap threshold at 4 MB and the trim threshold at 32 MB keeps blocks up to 4 MB in the heap for the next
// allocation (larger ones still go straight back to the kernel, and at most 32 MB of free heap is kept).
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
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 4 << 20);
  if (std::getenv("MALLOC_TRIM_THRESHOLD_") == nullptr) mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
}

}  // namespace lmkit
