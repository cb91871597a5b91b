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
  }

  napi_env env() const { return env_; }
  bool failed() const { return failed_; }

  double num(size_t i) {
    double v = 0;
    if (i >= count_ || napi_get_value_double(env_, values_[i], &v) != napi_ok) fail("expected a number argument");
    return v;
  }
  long integer(size_t i) { return static_cast<long>(num(i)); }
  bool flag(size_t i) {
    bool v = false;
    if (i >= count_ || napi_get_value_bool(env_, values_[i], &v) != napi_ok) fail("expected a boolean argument");
    return v;
  }

  // The typed array at i (of `want` type) or nullptr when it is null; `len` gets its element count.
  template <class T>
  T* array(size_t i, napi_typedarray_type want, size_t* len, bool nullable = false) {
    *len = 0;
    if (i >= count_) return fail_null<T>("missing typed-array argument");
    napi_valuetype vt;
    napi_typeof(env_, values_[i], &vt);
    if (vt == napi_null || vt == napi_undefined) {
      if (nullable) return nullptr;
      return fail_null<T>("expected a typed array, got null");
    }
    napi_typedarray_type type;
    void* data = nullptr;
    if (napi_get_typedarray_info(env_, values_[i], &type, len, &data, nullptr, nullptr) != napi_ok || type != want)
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

  // The Float32Arrays of the JavaScript array at i: their data in `data`, their element counts in `lens`.
  bool f32_list(size_t i, std::vector<float*>* data, std::vector<long>* lens) {
    bool is_array = false;
    if (i >= count_ || napi_is_array(env_, values_[i], &is_array) != napi_ok || !is_array)
      return fail("expected an array of Float32Arrays");
    uint32_t n = 0;
    napi_get_array_length(env_, values_[i], &n);
    data->resize(n);
    lens->resize(n);
    for (uint32_t k = 0; k < n; k++) {
      napi_value e;
      napi_typedarray_type type;
      size_t len = 0;
      void* p = nullptr;
      if (napi_get_element(env_, values_[i], k, &e) != napi_ok ||
          napi_get_typedarray_info(env_, e, &type, &len, &p, nullptr, nullptr) != napi_ok || type != napi_float32_array)
        return fail("expected an array of Float32Arrays");
      (*data)[k] = static_cast<float*>(p);
      (*lens)[k] = static_cast<long>(len);
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
  size_t count_;
  bool failed_ = false;
};

}  // namespace lmkit
