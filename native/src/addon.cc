#include <napi.h>

#include "bindings.h"
#include "cpu.h"
#include "huge_pages.h"
#include "malloc_tuning.h"
#include "thread_pool.h"

namespace {

Napi::Value CpuHasAvx2Fma(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), lmkit::cpu_has_avx2_fma());
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  const int n = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  lmkit::set_num_threads(n < 0 ? 0 : n);
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), lmkit::num_threads());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("cpuHasAvx2Fma", Napi::Function::New(env, CpuHasAvx2Fma));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  lmkit::register_kernels(env, exports);
  lmkit::register_huge_pages(env, exports);
  lmkit::tune_malloc();
  return exports;
}

}  // namespace

NODE_API_MODULE(lmkit_native, Init)
