#pragma once
// Asking for every cache line of a span ahead of its use (strided rows that the hardware prefetcher picks up
// late). Inline assembly: GCC drops __builtin_prefetch from such loops as dead code.
#include <cstddef>
#include <cstdint>

namespace lmkit {

enum class PrefetchTo { kL1, kL2, kWrite };

// Every cache line of [p, p + bytes): into L1, into L2, or for writing.
template <PrefetchTo To>
inline void prefetch_span(const void* p, size_t bytes) {
  if (bytes == 0) return;
  const auto start = reinterpret_cast<uintptr_t>(p);
  const uintptr_t last = start + bytes - 1;
  for (uintptr_t line = start & ~uintptr_t{63}; line <= last; line += 64) {
    const char* at = reinterpret_cast<const char*>(line);
    if constexpr (To == PrefetchTo::kL1) asm volatile("prefetcht0 %0" : : "m"(*at));
    else if constexpr (To == PrefetchTo::kL2) asm volatile("prefetcht1 %0" : : "m"(*at));
    else asm volatile("prefetchw %0" : : "m"(*at));
  }
}

}  // namespace lmkit
