#pragma once
// Cheap positional-argument unwrapping for the kernel bindings (raw N-API: one napi_get_cb_info per call,
// typed arrays through napi_get_typedarray_info, whose data pointer already includes the view's byte offset).
#include <node_api.h>

#include <cstdint>
#include <vector>

namespace lmkit {

class Args {
 public:
  static constexpr size_t kMax = 32;

  Args(napi_env env, napi_callback_info info) : env_(env) {
    count_ = kMax;
    napi_get_cb_info(env, info, &count_, values_, nullptr, nullptr);
    if (count_ > kMax) {  // a variadic call (lists of arrays passed as arguments)
      more_.resize(count_);
      napi_get_cb_info(env, info, &count_, more_.data(), nullptr, nullptr);
      argv_ = more_.data();
    }
  }

  Args(const Args&) = delete;  // argv_ may point into this object
  Args& operator=(const Args&) = delete;

  size_t count() const { return count_; }

  napi_env env() const { return env_; }
  bool failed() const { return failed_; }

  double num(size_t i) {
    double v = 0;
    if (i >= count_ || napi_get_value_double(env_, argv_[i], &v) != napi_ok) fail("expected a number argument");
    return v;
  }
  long integer(size_t i) { return static_cast<long>(num(i)); }
  bool flag(size_t i) {
    bool v = false;
    if (i >= count_ || napi_get_value_bool(env_, argv_[i], &v) != napi_ok) fail("expected a boolean argument");
    return v;
  }

  // The typed array at i (of `want` type) or nullptr when it is null; `len` gets its element count.
  template <class T>
  T* array(size_t i, napi_typedarray_type want, size_t* len, bool nullable = false) {
    *len = 0;
    if (i >= count_) return fail_null<T>("missing typed-array argument");
    napi_valuetype vt;
    napi_typeof(env_, argv_[i], &vt);
    if (vt == napi_null || vt == napi_undefined) {
      if (nullable) return nullptr;
      return fail_null<T>("expected a typed array, got null");
    }
    napi_typedarray_type type;
    void* data = nullptr;
    if (napi_get_typedarray_info(env_, argv_[i], &type, len, &data, nullptr, nullptr) != napi_ok || type != want)
      return fail_null<T>("expected a typed array of another element type");
    return static_cast<T*>(data);
  }
  float* f32(size_t i, size_t* len, bool nullable = false) {
    return array<float>(i, napi_float32_array, len, nullable);
  }
  int32_t* i32(size_t i, size_t* len) { return array<int32_t>(i, napi_int32_array, len); }
  uint8_t* u8(size_t i, size_t* len, bool nullable = false) {
    return array<uint8_t>(i, napi_uint8_array, len, nullable);
  }

  // The `n` Float32Arrays from argument `first` on: their data in data[k], their element counts in lens[k].
  // (Arrays passed as arguments cost about half of reading them out of a JavaScript array.)
  bool f32_run(size_t first, size_t n, float** data, long* lens) {
    if (first + n > count_) return fail("missing typed-array argument");
    for (size_t k = 0; k < n; k++) {
      napi_typedarray_type type;
      size_t len = 0;
      void* p = nullptr;
      if (napi_get_typedarray_info(env_, argv_[first + k], &type, &len, &p, nullptr, nullptr) != napi_ok ||
          type != napi_float32_array)
        return fail("expected a Float32Array");
      data[k] = static_cast<float*>(p);
      lens[k] = static_cast<long>(len);
    }
    return true;
  }

  // Throws a RangeError (once) and returns false.
  bool fail(const char* message) {
    if (!failed_) napi_throw_range_error(env_, "LMKIT_NATIVE", message);
    failed_ = true;
    return false;
  }
  // Fails unless [0, need) fits in an array of `len` elements.
  bool fits(long need, size_t len, const char* what) {
    if (need < 0 || static_cast<size_t>(need) > len) return fail(what);
    return true;
  }

 private:
  template <class T>
  T* fail_null(const char* message) {
    fail(message);
    return nullptr;
  }

  napi_env env_;
  napi_value values_[kMax];
  std::vector<napi_value> more_;
  napi_value* argv_ = values_;
  size_t count_;
  bool failed_ = false;
};

}  // namespace lmkit
