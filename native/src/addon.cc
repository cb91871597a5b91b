#include <napi.h>
#include "cpu.h"

static Napi::Value CpuHasAvx2Fma(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), lmkit::cpu_has_avx2_fma());
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("cpuHasAvx2Fma", Napi::Function::New(env, CpuHasAvx2Fma));
  return exports;
}

NODE_API_MODULE(lmkit_native, Init)
