#pragma once
// Per-thread scratch buffers, grown once to the largest size a kernel asks for and then reused.
#include <atomic>
#include <cstdlib>

namespace lmkit {

extern std::atomic<long> g_scratch_bytes;

class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() {
    std::free(buf_);
    g_scratch_bytes.fetch_sub(cap_ * static_cast<long>(sizeof(float)));
  }
  // At least n floats, 64-byte aligned, plus 64 floats of slack past the end.
  float* floats(long n) {
    if (n > cap_) {
      std::free(buf_);
      const long bytes = ((n + 64) * static_cast<long>(sizeof(float)) + 63) / 64 * 64;
      buf_ = static_cast<float*>(std::aligned_alloc(64, static_cast<size_t>(bytes)));
      g_scratch_bytes.fetch_add((n - cap_) * static_cast<long>(sizeof(float)));
      cap_ = n;
    }
    return buf_;
  }

 private:
  float* buf_ = nullptr;
  long cap_ = 0;
};

}  // namespace lmkit
