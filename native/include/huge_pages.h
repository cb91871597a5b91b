#pragma once
#include <napi.h>
namespace lmkit {
// Adds allocHugePages (zeroed, 2 MB-page-backed ArrayBuffers for large weights) to the addon's exports.
void register_huge_pages(Napi::Env env, Napi::Object exports);
}
