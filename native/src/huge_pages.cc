// Zeroed memory in 2 MB pages for large, long-lived arrays (model weights): a matrix-vector product streams
// every weight once per token, and with 4 KB pages that stream misses the TLB every 4 KB.
#include "huge_pages.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace lmkit {
namespace {

#if defined(__linux__)
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kPage = 4096;

void release(Napi::Env env, void* data, size_t* bytes) {
  munmap(data, *bytes);
  Napi::MemoryManagement::AdjustExternalMemory(env, -static_cast<int64_t>(*bytes));
  delete bytes;
}

// A mapping of `bytes` (rounded up to 4 KB) that starts on a 2 MB boundary, with transparent huge pages
// asked for: every whole 2 MB of it can be backed by one huge page, the rest by 4 KB pages.
void* map_huge_aligned(size_t bytes) {
  const size_t reserve = bytes + kHugePage;
  void* p = mmap(nullptr, reserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > start) munmap(p, aligned - start);
  const uintptr_t end = start + reserve;
  if (end > aligned + bytes) munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
  void* out = reinterpret_cast<void*>(aligned);
  madvise(out, bytes, MADV_HUGEPAGE);  // advisory: without transparent huge pages it changes nothing
  return out;
}
#endif

// allocHugePages(bytes) → a zeroed ArrayBuffer of `bytes` in 2 MB pages, or null where that is unavailable.
Napi::Value AllocHugePages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "allocHugePages: expected a byte count").ThrowAsJavaScriptException();
    return env.Null();
  }
  const double requested = info[0].As<Napi::Number>().DoubleValue();
  if (!(requested > 0) || requested > 1e15) return env.Null();
#if defined(__linux__)
  const size_t bytes = (static_cast<size_t>(requested) + kPage - 1) / kPage * kPage;
  void* data = map_huge_aligned(bytes);
  if (data == nullptr) return env.Null();
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(bytes));
  return Napi::ArrayBuffer::New(env, data, static_cast<size_t>(requested), release, new size_t(bytes));
#else
  return env.Null();
#endif
}

}  // namespace

void register_huge_pages(Napi::Env env, Napi::Object exports) {
  exports.Set("allocHugePages", Napi::Function::New(env, AllocHugePages));
}

}  // namespace lmkit
