#pragma once
namespace lmkit {
// Asks the C allocator to keep freed large blocks for reuse (see malloc_tuning.cc); once, at load.
void tune_malloc();
// Asks for transparent huge pages over the heap grown since the first call (see malloc_tuning.cc); cheap when
// it has not grown.
void advise_heap_huge_pages();
}
