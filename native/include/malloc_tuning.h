#pragma once
namespace lmkit {
// Asks the C allocator to keep freed large blocks for reuse (see malloc_tuning.cc); once, at load.
void tune_malloc();
}
