#pragma once
namespace lmkit {
// True when the CPU (and OS) can run the AVX2 + FMA kernels.
bool cpu_has_avx2_fma();
}
