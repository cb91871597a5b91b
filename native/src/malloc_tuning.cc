// Tensor storage (V8 ArrayBuffers) comes from the C allocator. With glibc's defaults a freed block of more
// than a few MB goes back to the kernel (munmap, or a heap trim), and the next tensor of that size
// page-faults on every 4 KB it touches: about 2 µs a page here. A seq2seq training step (batch 32, 256
// source tokens) allocates and frees over a GB of such activations, so faulting cost it a quarter of its
// time. Fixing the mmap threshold at 1 GB keeps every block below it in the heap for the next allocation,
// and the trim threshold of 32 MB bounds the free memory kept at the top of the heap.
// A user's own MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ / MALLOC_TOP_PAD_ (or LMKIT_MALLOC_TUNING=0) takes
// precedence.
//
// That heap also gets transparent huge pages (where the kernel gives them on request, "madvise" mode): a training
// step goes through tens of MB of activations between kernels, and with 4 KB pages each kernel starts with TLB
// misses, each a page walk through the guest's and the host's tables on a VM (a baby-GPT step: about 2% of its
// time). The allocator grows the heap 32 MB at a time (M_TOP_PAD), and each fresh large tensor asks, before it is
// written, for huge pages over the heap grown since the last ask: one advice over the whole new range keeps the
// heap a few mappings, where advising each tensor's own blocks split it into hundreds.
#include "malloc_tuning.h"

#include <cstdint>
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace lmkit {

void tune_malloc() {
#if defined(__GLIBC__)
  const char* off = std::getenv("LMKIT_MALLOC_TUNING");
  if (off != nullptr && off[0] == '0') return;
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 1 << 30);
  if (std::getenv("MALLOC_TRIM_THRESHOLD_") == nullptr) mallopt(M_TRIM_THRESHOLD, 32 << 20);
  if (std::getenv("MALLOC_TOP_PAD_") == nullptr) mallopt(M_TOP_PAD, 32 << 20);
#endif
}

void advise_heap_huge_pages() {
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  // The heap below the end at the first call is left as it is: it holds the runtime's own small allocations.
  static uintptr_t advised_end = reinterpret_cast<uintptr_t>(sbrk(0));
  const uintptr_t brk_end = reinterpret_cast<uintptr_t>(sbrk(0));
  if (brk_end <= advised_end) return;
  // From the 2 MB block that holds the old end: a huge page needs its whole aligned block in one advised mapping.
  const uintptr_t start = advised_end & ~(kHugePage - 1);
  madvise(reinterpret_cast<void*>(start), brk_end - start, MADV_HUGEPAGE);
  advised_end = brk_end;
#endif
}

}  // namespace lmkit
