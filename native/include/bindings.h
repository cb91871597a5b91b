#pragma once
#include <napi.h>
namespace lmkit {
// Adds the kernel functions to the addon's exports (none on CPUs other than x86-64).
void register_kernels(Napi::Env env, Napi::Object exports);
}
