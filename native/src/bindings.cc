// JavaScript bindings of the float32 kernels: positional arguments, bounds checked against each typed
// array's length before any kernel runs. Compiled on every platform; kernels exist only on x86-64.
#include "bindings.h"

#include <atomic>
#include <cmath>

#include "napi_args.h"

#if defined(__x86_64__) || defined(_M_X64)
#include "kernels.h"

namespace lmkit {
namespace {

long g_reported_scratch = 0;

// Tells V8 about growth of the native packing buffers (they are bounded and reused).
void report_scratch(napi_env env) {
  const long now = scratch_bytes();
  if (now != g_reported_scratch) {
    int64_t total = 0;
    napi_adjust_external_memory(env, now - g_reported_scratch, &total);
    g_reported_scratch = now;
  }
}

// Highest element index + 1 touched by `batch` strided matrices of rows x cols with leading dimension ld.
long matrix_extent(long offset, long batch, long stride, long rows, long cols, long ld) {
  if (batch <= 0 || rows <= 0 || cols <= 0) return 0;
  return offset + (batch - 1) * stride + (rows - 1) * ld + cols;
}

// gemm(a, aOffset, lda, transA, strideA, b, bOffset, ldb, transB, strideB, c, cOffset, ldc, strideC,
//      m, n, k, batch, alpha, beta, bias | null, biasOffset, colSumB | null, colSumBOffset, epilogue,
//      pre | null, preOffset, post | null, postOffset, residual | null, residualOffset)
//      (pre: written by the GELU epilogues, read by their derivatives; post: gelu(pre), read by the derivatives
//      when given; residual: added to c with the bias; all three laid out as c)
napi_value Gemm(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t la, lb, lc;
  GemmArgs g;
  float* a = args.f32(0, &la);
  const long ao = args.integer(1);
  g.lda = args.integer(2);
  g.trans_a = args.flag(3);
  g.stride_a = args.integer(4);
  float* b = args.f32(5, &lb);
  const long bo = args.integer(6);
  g.ldb = args.integer(7);
  g.trans_b = args.flag(8);
  g.stride_b = args.integer(9);
  float* c = args.f32(10, &lc);
  const long co = args.integer(11);
  g.ldc = args.integer(12);
  g.stride_c = args.integer(13);
  g.m = args.integer(14);
  g.n = args.integer(15);
  g.k = args.integer(16);
  g.batch = args.integer(17);
  g.alpha = static_cast<float>(args.num(18));
  g.beta = static_cast<float>(args.num(19));
  size_t lbias;
  const float* bias = args.f32(20, &lbias, true);
  const long bias_offset = args.integer(21);
  size_t lsum, lpre;
  float* col_sum = args.f32(22, &lsum, true);
  const long col_sum_offset = args.integer(23);
  g.epilogue = static_cast<int>(args.integer(24));
  float* pre = args.f32(25, &lpre, true);
  const long pre_offset = args.integer(26);
  size_t lpost;
  const float* post = args.f32(27, &lpost, true);
  const long post_offset = args.integer(28);
  size_t lres;
  const float* residual = args.f32(29, &lres, true);
  const long residual_offset = args.integer(30);
  if (args.failed()) return nullptr;
  // An optional array laid out as C from `offset`: a non-negative offset and room for every batch item's C.
  auto fits_like_c = [&](const float* x, long offset, size_t len, const char* negative, const char* too_short) {
    if (!x) return true;
    if (offset < 0) return args.fail(negative);
    return args.fits(matrix_extent(offset, g.batch, g.stride_c, g.m, g.n, g.ldc), len, too_short);
  };
  if (!fits_like_c(residual, residual_offset, lres, "gemm: residual offset must be >= 0", "gemm: residual is too short"))
    return nullptr;
  g.residual = residual ? residual + residual_offset : nullptr;
  if (col_sum && (col_sum_offset < 0 || g.batch != 1)) return args.fail("gemm: colSumB needs batch 1 and an offset >= 0"), nullptr;
  if (col_sum && !args.fits(col_sum_offset + g.n, lsum, "gemm: colSumB is too short")) return nullptr;
  if (g.epilogue < kEpilogueNone || g.epilogue > kEpilogueGeluErfGrad) return args.fail("gemm: unknown epilogue"), nullptr;
  const bool reads_pre = g.epilogue == kEpilogueGeluTanhGrad || g.epilogue == kEpilogueGeluErfGrad;
  if (reads_pre && !pre) return args.fail("gemm: a GELU-derivative epilogue needs pre"), nullptr;
  if (!fits_like_c(pre, pre_offset, lpre, "gemm: pre offset must be >= 0", "gemm: pre is too short") ||
      !fits_like_c(post, post_offset, lpost, "gemm: post offset must be >= 0", "gemm: post is too short"))
    return nullptr;
  if (reads_pre && post) g.post = post + post_offset;
  g.col_sum_b = col_sum ? col_sum + col_sum_offset : nullptr;
  if (g.epilogue != kEpilogueNone && pre) {
    if (reads_pre) g.pre = pre + pre_offset;
    else g.pre_out = pre + pre_offset;
  }
  if (bias && bias_offset < 0) return args.fail("gemm: bias offset must be >= 0"), nullptr;
  if (bias && !args.fits(bias_offset + g.n, lbias, "gemm: bias is too short")) return nullptr;
  g.bias = bias ? bias + bias_offset : nullptr;
  if (ao < 0 || bo < 0 || co < 0 || g.stride_a < 0 || g.stride_b < 0 || g.stride_c < 0)
    return args.fail("gemm: offsets and strides must be >= 0"), nullptr;
  const long ar = g.trans_a ? g.k : g.m, ac = g.trans_a ? g.m : g.k;
  const long br = g.trans_b ? g.n : g.k, bc = g.trans_b ? g.k : g.n;
  if (!args.fits(matrix_extent(ao, g.batch, g.stride_a, ar, ac, g.lda), la, "gemm: a is too short") ||
      !args.fits(matrix_extent(bo, g.batch, g.stride_b, br, bc, g.ldb), lb, "gemm: b is too short") ||
      !args.fits(matrix_extent(co, g.batch, g.stride_c, g.m, g.n, g.ldc), lc, "gemm: c is too short"))
    return nullptr;
  g.a = a + ao;
  g.b = b + bo;
  g.c = c + co;
  gemm_f32(g);
  report_scratch(env);
  return nullptr;
}


// Extent check of a strided view: every element index offset + sum_d i_d * strides[d] must lie in [0, len).
bool view_fits(Args& args, long offset, const long* shape, const long* strides, int ndim, size_t len, const char* what) {
  long lo = offset, hi = offset;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] <= 0) return true;  // empty: nothing is read
    const long span = (shape[d] - 1) * strides[d];
    if (span < 0) lo += span;
    else hi += span;
  }
  if (lo < 0 || static_cast<size_t>(hi) >= len) return args.fail(what);
  return true;
}

constexpr int kMaxDims = 16;

// meta (Int32Array) = [ndim, shape..., strides of view 0..., strides of view 1...]
bool read_meta(Args& args, size_t index, int views, int* ndim, long* shape, long (*strides)[kMaxDims], long* total) {
  size_t len;
  const int32_t* meta = args.i32(index, &len);
  if (!meta || len < 1) return args.fail("expected a shape/strides Int32Array");
  *ndim = meta[0];
  if (*ndim < 0 || *ndim > kMaxDims || len < static_cast<size_t>(1 + (*ndim) * (1 + views)))
    return args.fail("bad shape/strides metadata");
  *total = 1;
  for (int d = 0; d < *ndim; d++) {
    shape[d] = meta[1 + d];
    if (shape[d] < 0) return args.fail("negative dimension");
    *total *= shape[d];
    for (int v = 0; v < views; v++) strides[v][d] = meta[1 + (v + 1) * (*ndim) + d];
  }
  return true;
}

// binary(op, a, aOffset, b, bOffset, out, meta)
napi_value Binary(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t la, lb, lo;
  const int op = static_cast<int>(args.integer(0));
  float* a = args.f32(1, &la);
  const long ao = args.integer(2);
  float* b = args.f32(3, &lb);
  const long bo = args.integer(4);
  float* out = args.f32(5, &lo);
  int ndim;
  long shape[kMaxDims], strides[2][kMaxDims], total;
  if (args.failed() || !read_meta(args, 6, 2, &ndim, shape, strides, &total)) return nullptr;
  if (op < 0 || op >= kBinaryCount) return args.fail("binary: unknown op"), nullptr;
  if (!args.fits(total, lo, "binary: out is too short") ||
      !view_fits(args, ao, shape, strides[0], ndim, la, "binary: a is too short for its view") ||
      !view_fits(args, bo, shape, strides[1], ndim, lb, "binary: b is too short for its view"))
    return nullptr;
  if (total > 0) binary_f32(op, a + ao, strides[0], b + bo, strides[1], out, shape, ndim);
  return nullptr;
}

// copy(src, srcOffset, out, meta)
napi_value Copy(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t ls, lo;
  float* src = args.f32(0, &ls);
  const long so = args.integer(1);
  float* out = args.f32(2, &lo);
  int ndim;
  long shape[kMaxDims], strides[1][kMaxDims], total;
  if (args.failed() || !read_meta(args, 3, 1, &ndim, shape, strides, &total)) return nullptr;
  if (!args.fits(total, lo, "copy: out is too short") ||
      !view_fits(args, so, shape, strides[0], ndim, ls, "copy: src is too short for its view"))
    return nullptr;
  if (total > 0) copy_f32(src + so, strides[0], out, shape, ndim);
  return nullptr;
}

// unary(op, x, out, n)
napi_value Unary(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lx, lo;
  const int op = static_cast<int>(args.integer(0));
  float* x = args.f32(1, &lx);
  float* out = args.f32(2, &lo);
  const long n = args.integer(3);
  if (args.failed()) return nullptr;
  if (op < 0 || op >= kUnaryCount) return args.fail("unary: unknown op"), nullptr;
  if (!args.fits(n, lx, "unary: x is too short") || !args.fits(n, lo, "unary: out is too short")) return nullptr;
  unary_f32(op, x, out, n);
  return nullptr;
}

// unaryBackward(op, x, y, gy, gx, n) -> false when the op has no native derivative
napi_value UnaryBackward(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lx, ly, lg, lo;
  const int op = static_cast<int>(args.integer(0));
  float* x = args.f32(1, &lx);
  float* y = args.f32(2, &ly);
  float* gy = args.f32(3, &lg);
  float* gx = args.f32(4, &lo);
  const long n = args.integer(5);
  if (args.failed()) return nullptr;
  if (!args.fits(n, lx, "unaryBackward: x is too short") || !args.fits(n, ly, "unaryBackward: y is too short") ||
      !args.fits(n, lg, "unaryBackward: gy is too short") || !args.fits(n, lo, "unaryBackward: gx is too short"))
    return nullptr;
  napi_value result;
  napi_get_boolean(env, unary_backward_f32(op, x, y, gy, gx, n), &result);
  return result;
}

// clamp(x, out, n, lo, hi) / affine(x, out, n, scale, shift)
template <void (*Kernel)(const float*, float*, long, float, float)>
napi_value MapTwo(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lx, lo;
  float* x = args.f32(0, &lx);
  float* out = args.f32(1, &lo);
  const long n = args.integer(2);
  const float p = static_cast<float>(args.num(3)), q = static_cast<float>(args.num(4));
  if (args.failed() || !args.fits(n, lx, "x is too short") || !args.fits(n, lo, "out is too short")) return nullptr;
  Kernel(x, out, n, p, q);
  return nullptr;
}

// Dropout with probability p in (0, 1) (else none) and two 32-bit seeds given as numbers.
DropoutSpec dropout_spec(double p, double seed0, double seed1) {
  DropoutSpec d;
  if (!(p > 0.0 && p < 1.0)) return d;
  const auto u32 = [](double v) { return static_cast<uint32_t>(static_cast<uint64_t>(v) & 0xffffffffu); };
  d.on = true;
  d.threshold = static_cast<uint32_t>(std::floor(p * 4294967296.0));
  d.keep = static_cast<float>(1.0 / (1.0 - p));
  d.seed0 = u32(seed0);
  d.seed1 = u32(seed1);
  return d;
}

// dropout(x, out, n, p, seed0, seed1), 0 < p < 1: out = x · the dropout factors
napi_value Dropout(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lx, lo;
  const float* x = args.f32(0, &lx);
  float* out = args.f32(1, &lo);
  const long n = args.integer(2);
  const double p = args.num(3);
  const double s0 = args.num(4), s1 = args.num(5);
  if (args.failed() || !args.fits(n, lx, "dropout: x is too short") || !args.fits(n, lo, "dropout: out is too short")) return nullptr;
  const DropoutSpec d = dropout_spec(p, s0, s1);
  if (!d.on) return args.fail("dropout: p must be in (0, 1)"), nullptr;
  dropout_f32(x, out, n, d);
  return nullptr;
}

// scaleInPlace(x, n, s)
napi_value ScaleInPlace(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lx;
  float* x = args.f32(0, &lx);
  const long n = args.integer(1);
  const float s = static_cast<float>(args.num(2));
  if (args.failed() || !args.fits(n, lx, "scaleInPlace: x is too short")) return nullptr;
  scale_f32(x, n, s);
  return nullptr;
}

// sumSquares(x, n) -> number
napi_value SumSquares(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lx;
  float* x = args.f32(0, &lx);
  const long n = args.integer(1);
  if (args.failed() || !args.fits(n, lx, "sumSquares: x is too short")) return nullptr;
  napi_value result;
  napi_create_double(env, sum_squares_f32(x, n), &result);
  return result;
}

// Float32Arrays passed as the arguments from `first` on.
struct ArrayRun {
  std::vector<float*> data;
  std::vector<long> lens;
  bool read(Args& args, size_t first, size_t n) {
    data.resize(n);
    lens.resize(n);
    return args.f32_run(first, n, data.data(), lens.data());
  }
  long size() const { return static_cast<long>(data.size()); }
};

// sumSquaresList(minVector, total, ...xs) -> total + each array's sum of squares, added in order
napi_value SumSquaresList(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const long min_vector = args.integer(0);
  const double total = args.num(1);
  ArrayRun xs;
  if (args.failed() || !xs.read(args, 2, args.count() - 2)) return nullptr;
  napi_value result;
  napi_create_double(env, sum_squares_list_f32(xs.data.data(), xs.lens.data(), xs.size(), min_vector, total), &result);
  return result;
}

// scaleInPlaceList(s, minVector, ...xs)
napi_value ScaleInPlaceList(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const double s = args.num(0);
  const long min_vector = args.integer(1);
  ArrayRun xs;
  if (args.failed() || !xs.read(args, 2, args.count() - 2)) return nullptr;
  scale_list_f32(xs.data.data(), xs.lens.data(), xs.size(), s, min_vector);
  return nullptr;
}

// reduce(op, x, out, outer, dim, inner, indices | null), op 0 sum, 1 max, 2 min
napi_value Reduce(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lx, lo, li;
  const int op = static_cast<int>(args.integer(0));
  float* x = args.f32(1, &lx);
  float* out = args.f32(2, &lo);
  const long outer = args.integer(3), dim = args.integer(4), inner = args.integer(5);
  int32_t* indices = args.array<int32_t>(6, napi_int32_array, &li, true);
  if (args.failed()) return nullptr;
  if (op < 0 || op > 2 || outer < 0 || dim < 0 || inner < 0) return args.fail("reduce: bad arguments"), nullptr;
  if (!args.fits(outer * dim * inner, lx, "reduce: x is too short") ||
      !args.fits(outer * inner, lo, "reduce: out is too short") ||
      (indices && !args.fits(outer * inner, li, "reduce: indices is too short")))
    return nullptr;
  reduce_f32(op, x, out, outer, dim, inner, indices);
  return nullptr;
}

// softmax(x, out, rows, dim, log)
napi_value Softmax(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lx, lo;
  float* x = args.f32(0, &lx);
  float* out = args.f32(1, &lo);
  const long rows = args.integer(2), dim = args.integer(3);
  const bool log = args.flag(4);
  if (args.failed() || rows < 0 || dim < 0 || !args.fits(rows * dim, lx, "softmax: x is too short") ||
      !args.fits(rows * dim, lo, "softmax: out is too short"))
    return nullptr;
  if (dim > 0) softmax_f32(x, out, rows, dim, 1, log);
  return nullptr;
}

// softmaxBackward(y, gy, gx, rows, dim, log)
napi_value SoftmaxBackward(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t ly, lg, lo;
  float* y = args.f32(0, &ly);
  float* gy = args.f32(1, &lg);
  float* gx = args.f32(2, &lo);
  const long rows = args.integer(3), dim = args.integer(4);
  const bool log = args.flag(5);
  const long n = rows * dim;
  if (args.failed() || rows < 0 || dim < 0 || !args.fits(n, ly, "softmaxBackward: y is too short") ||
      !args.fits(n, lg, "softmaxBackward: gy is too short") || !args.fits(n, lo, "softmaxBackward: gx is too short"))
    return nullptr;
  if (dim > 0) softmax_backward_f32(y, gy, gx, rows, dim, 1, log);
  return nullptr;
}

// layerNorm(x, w | null, b | null, y, mean, rstd, rows, cols, eps)
napi_value LayerNorm(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lx, lw, lb, ly, lm, lr;
  float* x = args.f32(0, &lx);
  float* w = args.f32(1, &lw, true);
  float* b = args.f32(2, &lb, true);
  float* y = args.f32(3, &ly);
  float* mean = args.f32(4, &lm);
  float* rstd = args.f32(5, &lr);
  const long rows = args.integer(6), cols = args.integer(7);
  const float eps = static_cast<float>(args.num(8));
  if (args.failed() || rows < 0 || cols <= 0) return args.fail("layerNorm: bad arguments"), nullptr;
  if (!args.fits(rows * cols, lx, "layerNorm: x is too short") || !args.fits(rows * cols, ly, "layerNorm: y is too short") ||
      (w && !args.fits(cols, lw, "layerNorm: weight is too short")) ||
      (b && !args.fits(cols, lb, "layerNorm: bias is too short")) ||
      !args.fits(rows, lm, "layerNorm: mean is too short") || !args.fits(rows, lr, "layerNorm: rstd is too short"))
    return nullptr;
  layer_norm_f32(x, w, b, y, mean, rstd, rows, cols, eps);
  return nullptr;
}

// layerNormBackward(x, w | null, mean, rstd, gy, gx, gw | null, gb | null, rows, cols, accumulate)
napi_value LayerNormBackward(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lx, lw, lm, lr, lg, lo, lgw, lgb;
  float* x = args.f32(0, &lx);
  float* w = args.f32(1, &lw, true);
  float* mean = args.f32(2, &lm);
  float* rstd = args.f32(3, &lr);
  float* gy = args.f32(4, &lg);
  float* gx = args.f32(5, &lo);
  float* gw = args.f32(6, &lgw, true);
  float* gb = args.f32(7, &lgb, true);
  const long rows = args.integer(8), cols = args.integer(9);
  const bool accumulate = args.flag(10);
  if (args.failed() || rows < 0 || cols <= 0) return args.fail("layerNormBackward: bad arguments"), nullptr;
  const long n = rows * cols;
  if (!args.fits(n, lx, "layerNormBackward: x is too short") || !args.fits(n, lg, "layerNormBackward: gy is too short") ||
      !args.fits(n, lo, "layerNormBackward: gx is too short") ||
      (w && !args.fits(cols, lw, "layerNormBackward: weight is too short")) ||
      (gw && !args.fits(cols, lgw, "layerNormBackward: gw is too short")) ||
      (gb && !args.fits(cols, lgb, "layerNormBackward: gb is too short")) ||
      !args.fits(rows, lm, "layerNormBackward: mean is too short") ||
      !args.fits(rows, lr, "layerNormBackward: rstd is too short"))
    return nullptr;
  layer_norm_backward_f32(x, w, mean, rstd, gy, gx, gw, gb, rows, cols, accumulate);
  return nullptr;
}

// Every id must index one of `rows` rows, except ids equal to `skipped` (when has_skipped), which are never read.
bool ids_fit(Args& args, const int32_t* ids, long n, long rows, bool has_skipped, int32_t skipped, const char* what) {
  for (long i = 0; i < n; i++)
    if ((ids[i] < 0 || ids[i] >= rows) && !(has_skipped && ids[i] == skipped)) return args.fail(what);
  return true;
}

// embedding(ids, weight, out, n, dim)
napi_value Embedding(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t li, lw, lo;
  int32_t* ids = args.i32(0, &li);
  float* weight = args.f32(1, &lw);
  float* out = args.f32(2, &lo);
  const long n = args.integer(3), dim = args.integer(4);
  if (args.failed() || n < 0 || dim <= 0) return args.fail("embedding: bad arguments"), nullptr;
  if (!args.fits(n, li, "embedding: ids is too short") || !args.fits(n * dim, lo, "embedding: out is too short") ||
      !ids_fit(args, ids, n, static_cast<long>(lw) / dim, false, 0, "embedding: id out of range"))
    return nullptr;
  embedding_f32(ids, weight, out, n, dim);
  return nullptr;
}

// embeddingBackward(ids, gy, gw, n, dim, paddingIdx)
napi_value EmbeddingBackward(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t li, lg, lw;
  int32_t* ids = args.i32(0, &li);
  float* gy = args.f32(1, &lg);
  float* gw = args.f32(2, &lw);
  const long n = args.integer(3), dim = args.integer(4);
  const int32_t padding = static_cast<int32_t>(args.integer(5));
  if (args.failed() || n < 0 || dim <= 0) return args.fail("embeddingBackward: bad arguments"), nullptr;
  if (!args.fits(n, li, "embeddingBackward: ids is too short") ||
      !args.fits(n * dim, lg, "embeddingBackward: gy is too short") ||
      !ids_fit(args, ids, n, static_cast<long>(lw) / dim, true, padding, "embeddingBackward: id out of range"))
    return nullptr;
  embedding_backward_f32(ids, gy, gw, n, dim, padding);
  return nullptr;
}

// crossEntropy(logits, targets, rows, classes, ignoreIndex, labelSmoothing, losses, grad | null)
napi_value CrossEntropy(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t ll, lt, lloss, lg;
  float* logits = args.f32(0, &ll);
  int32_t* targets = args.i32(1, &lt);
  const long rows = args.integer(2), classes = args.integer(3);
  const int32_t ignore = static_cast<int32_t>(args.integer(4));
  const float smoothing = static_cast<float>(args.num(5));
  float* losses = args.f32(6, &lloss);
  float* grad = args.f32(7, &lg, true);
  if (args.failed() || rows < 0 || classes <= 0) return args.fail("crossEntropy: bad arguments"), nullptr;
  if (!args.fits(rows * classes, ll, "crossEntropy: logits is too short") ||
      !args.fits(rows, lt, "crossEntropy: targets is too short") ||
      !args.fits(rows, lloss, "crossEntropy: losses is too short") ||
      (grad && !args.fits(rows * classes, lg, "crossEntropy: grad is too short")) ||
      !ids_fit(args, targets, rows, classes, true, ignore, "crossEntropy: target out of range"))
    return nullptr;
  cross_entropy_f32(logits, targets, rows, classes, ignore, smoothing, losses, grad);
  return nullptr;
}

// adam(p, g, m, v, lr, beta1, beta2, eps, weightDecay, step, decoupled); n = p.length
napi_value Adam(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lp, lg, lm, lv;
  float* p = args.f32(0, &lp);
  float* g = args.f32(1, &lg);
  float* m = args.f32(2, &lm);
  float* v = args.f32(3, &lv);
  const double lr = args.num(4), b1 = args.num(5), b2 = args.num(6), eps = args.num(7), wd = args.num(8);
  const double step = args.num(9);
  const bool decoupled = args.flag(10);
  const long n = static_cast<long>(lp);
  if (args.failed() || !args.fits(n, lg, "adam: grad is too short") || !args.fits(n, lm, "adam: m is too short") ||
      !args.fits(n, lv, "adam: v is too short"))
    return nullptr;
  adam_f32(p, g, m, v, n, lr, b1, b2, eps, wd, step, decoupled);
  return nullptr;
}

// adamList(lr, beta1, beta2, eps, weightDecay, step, decoupled, ...ps, ...gs, ...ms, ...vs): n tensors given as
// 4n arrays, tensor i of ps[i].length elements
napi_value AdamList(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const double lr = args.num(0), b1 = args.num(1), b2 = args.num(2), eps = args.num(3), wd = args.num(4);
  const double step = args.num(5);
  const bool decoupled = args.flag(6);
  if (args.failed()) return nullptr;
  const size_t arrays = args.count() - 7;
  if (arrays % 4 != 0) return args.fail("adamList: expected as many grads, ms and vs as params"), nullptr;
  const size_t n = arrays / 4;
  ArrayRun run[4];
  for (size_t k = 0; k < 4; k++) {
    if (!run[k].read(args, 7 + k * n, n)) return nullptr;
  }
  for (size_t t = 0; t < n; t++) {
    const long need = run[0].lens[t];
    if (run[1].lens[t] < need || run[2].lens[t] < need || run[3].lens[t] < need)
      return args.fail("adamList: a grad, m or v is shorter than its param"), nullptr;
  }
  adam_list_f32(run[0].data.data(), const_cast<const float* const*>(run[1].data.data()), run[2].data.data(),
                run[3].data.data(), run[0].lens.data(), static_cast<long>(n), lr, b1, b2, eps, wd, step, decoupled);
  return nullptr;
}

// Reads `count` head layouts (offset, batch, head, row each) from the Float64Array at argument `index`.
bool head_layouts(Args& args, size_t index, int count, HeadLayout* out) {
  size_t len;
  const double* v = args.array<double>(index, napi_float64_array, &len);
  if (!v || len != static_cast<size_t>(4 * count)) return args.fail("attention: expected 4 layout numbers per operand");
  for (int i = 0; i < count; i++) {
    out[i] = {static_cast<long>(v[4 * i]), static_cast<long>(v[4 * i + 1]), static_cast<long>(v[4 * i + 2]),
              static_cast<long>(v[4 * i + 3])};
    if (out[i].offset < 0 || out[i].batch < 0 || out[i].head < 0 || out[i].row < 0)
      return args.fail("attention: negative layout offset or stride");
  }
  return true;
}

// Fails unless every element of a [batch, heads, t, d] operand laid out as `l` lies in an array of `len`.
bool heads_fit(Args& args, const HeadLayout& l, long batch, long heads, long t, long d, size_t len, const char* what) {
  if (batch == 0 || heads == 0 || t == 0 || d == 0) return true;
  return args.fits(l.offset + (batch - 1) * l.batch + (heads - 1) * l.head + (t - 1) * l.row + d, len, what);
}

// attention(q, k, v, out, batch, heads, tq, tk, d, scale, causal, mask | null, maskStrideB, maskStrideH, probs | null,
//           layouts: Float64Array of q, k, v, out layouts)
napi_value Attention(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lq, lk, lv, lo, lm, lp;
  AttentionArgs a;
  a.q = args.f32(0, &lq);
  a.k = args.f32(1, &lk);
  a.v = args.f32(2, &lv);
  a.out = args.f32(3, &lo);
  a.batch = args.integer(4);
  a.heads = args.integer(5);
  a.tq = args.integer(6);
  a.tk = args.integer(7);
  a.d = args.integer(8);
  a.scale = static_cast<float>(args.num(9));
  a.causal = args.flag(10);
  a.mask = args.u8(11, &lm, true);
  a.mask_stride_b = args.integer(12);
  a.mask_stride_h = args.integer(13);
  a.probs = args.f32(14, &lp, true);
  HeadLayout l[4];
  if (args.failed() || !head_layouts(args, 15, 4, l)) return nullptr;
  a.lq = l[0], a.lk = l[1], a.lv = l[2], a.lo = l[3];
  a.dropout = dropout_spec(args.num(16), args.num(17), args.num(18));
  if (args.failed()) return nullptr;
  if (a.batch < 0 || a.heads < 0 || a.tq < 0 || a.tk < 0 || a.d < 0 || a.mask_stride_b < 0 || a.mask_stride_h < 0)
    return args.fail("attention: bad arguments"), nullptr;
  const long bh = a.batch * a.heads;
  if (bh == 0 || a.tq == 0) return nullptr;
  const long mask_need = (a.batch - 1) * a.mask_stride_b + (a.heads - 1) * a.mask_stride_h + a.tq * a.tk;
  if (!heads_fit(args, a.lq, a.batch, a.heads, a.tq, a.d, lq, "attention: q is too short") ||
      !heads_fit(args, a.lk, a.batch, a.heads, a.tk, a.d, lk, "attention: k is too short") ||
      !heads_fit(args, a.lv, a.batch, a.heads, a.tk, a.d, lv, "attention: v is too short") ||
      !heads_fit(args, a.lo, a.batch, a.heads, a.tq, a.d, lo, "attention: out is too short") ||
      (a.mask && !args.fits(mask_need, lm, "attention: mask is too short")) ||
      (a.probs && !args.fits(bh * a.tq * a.tk, lp, "attention: probs is too short")))
    return nullptr;
  attention_f32(a);
  report_scratch(env);
  return nullptr;
}

// attentionBackward(q, k, v, probs, gradOut, gradQ, gradK, gradV, batch, heads, tq, tk, d, scale, causal,
//                   layouts: Float64Array of q, k, v, gradOut, gradQ, gradK, gradV layouts)
napi_value AttentionBackward(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t lq, lk, lv, lp, lgo, lgq, lgk, lgv;
  AttentionBackwardArgs a;
  a.q = args.f32(0, &lq);
  a.k = args.f32(1, &lk);
  a.v = args.f32(2, &lv);
  a.probs = args.f32(3, &lp);
  a.grad_out = args.f32(4, &lgo);
  a.grad_q = args.f32(5, &lgq);
  a.grad_k = args.f32(6, &lgk);
  a.grad_v = args.f32(7, &lgv);
  a.batch = args.integer(8);
  a.heads = args.integer(9);
  a.tq = args.integer(10);
  a.tk = args.integer(11);
  a.d = args.integer(12);
  a.scale = static_cast<float>(args.num(13));
  a.causal = args.flag(14);
  HeadLayout l[7];
  if (args.failed() || !head_layouts(args, 15, 7, l)) return nullptr;
  a.lq = l[0], a.lk = l[1], a.lv = l[2], a.lgo = l[3], a.lgq = l[4], a.lgk = l[5], a.lgv = l[6];
  a.dropout = dropout_spec(args.num(16), args.num(17), args.num(18));
  if (args.failed()) return nullptr;
  if (a.batch < 0 || a.heads < 0 || a.tq < 0 || a.tk < 0 || a.d < 0)
    return args.fail("attentionBackward: bad arguments"), nullptr;
  const long B = a.batch, H = a.heads, tq = a.tq, tk = a.tk, d = a.d;
  if (!heads_fit(args, a.lq, B, H, tq, d, lq, "attentionBackward: q is too short") ||
      !heads_fit(args, a.lk, B, H, tk, d, lk, "attentionBackward: k is too short") ||
      !heads_fit(args, a.lv, B, H, tk, d, lv, "attentionBackward: v is too short") ||
      !args.fits(B * H * tq * tk, lp, "attentionBackward: probs is too short") ||
      !heads_fit(args, a.lgo, B, H, tq, d, lgo, "attentionBackward: gradOut is too short") ||
      !heads_fit(args, a.lgq, B, H, tq, d, lgq, "attentionBackward: gradQ is too short") ||
      !heads_fit(args, a.lgk, B, H, tk, d, lgk, "attentionBackward: gradK is too short") ||
      !heads_fit(args, a.lgv, B, H, tk, d, lgv, "attentionBackward: gradV is too short"))
    return nullptr;
  attention_backward_f32(a);
  report_scratch(env);
  return nullptr;
}

// Unwraps `count` Float32Arrays starting at argument `first`, each needing at least need[i] elements.
bool float_arrays(Args& args, size_t first, int count, float** out, const long* need, const char* what) {
  for (int i = 0; i < count; i++) {
    size_t len;
    out[i] = args.f32(first + i, &len);
    if (args.failed()) return false;
    if (static_cast<size_t>(need[i]) > len) return args.fail(what);
  }
  return true;
}

// lstmCellForward(gates, cPrev, c, h, batch, hidden)
napi_value LstmCellForward(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const long batch = args.integer(4), hidden = args.integer(5);
  if (args.failed() || batch < 0 || hidden < 0) return args.fail("lstmCellForward: bad arguments"), nullptr;
  const long s = batch * hidden;
  const long need[4] = {4 * s, s, s, s};
  float* p[4];
  if (!float_arrays(args, 0, 4, p, need, "lstmCellForward: an array is too short")) return nullptr;
  lstm_cell_forward_f32(p[0], p[1], p[2], p[3], batch, hidden);
  return nullptr;
}

// lstmCellBackward(gates, cPrev, c, gh, gc, gGates, gcPrev, batch, hidden)
napi_value LstmCellBackward(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const long batch = args.integer(7), hidden = args.integer(8);
  if (args.failed() || batch < 0 || hidden < 0) return args.fail("lstmCellBackward: bad arguments"), nullptr;
  const long s = batch * hidden;
  const long need[7] = {4 * s, s, s, s, s, 4 * s, s};
  float* p[7];
  if (!float_arrays(args, 0, 7, p, need, "lstmCellBackward: an array is too short")) return nullptr;
  lstm_cell_backward_f32(p[0], p[1], p[2], p[3], p[4], p[5], p[6], batch, hidden);
  return nullptr;
}

// gruCellForward(gi, gh, hPrev, h, batch, hidden)
napi_value GruCellForward(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const long batch = args.integer(4), hidden = args.integer(5);
  if (args.failed() || batch < 0 || hidden < 0) return args.fail("gruCellForward: bad arguments"), nullptr;
  const long s = batch * hidden;
  const long need[4] = {3 * s, 3 * s, s, s};
  float* p[4];
  if (!float_arrays(args, 0, 4, p, need, "gruCellForward: an array is too short")) return nullptr;
  gru_cell_forward_f32(p[0], p[1], p[2], p[3], batch, hidden);
  return nullptr;
}

// gruCellBackward(gates, gh, hPrev, gOut, gGi, gGh, gHPrev, batch, hidden)
napi_value GruCellBackward(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const long batch = args.integer(7), hidden = args.integer(8);
  if (args.failed() || batch < 0 || hidden < 0) return args.fail("gruCellBackward: bad arguments"), nullptr;
  const long s = batch * hidden;
  const long need[7] = {3 * s, 3 * s, s, s, 3 * s, 3 * s, s};
  float* p[7];
  if (!float_arrays(args, 0, 7, p, need, "gruCellBackward: an array is too short")) return nullptr;
  gru_cell_backward_f32(p[0], p[1], p[2], p[3], p[4], p[5], p[6], batch, hidden);
  return nullptr;
}

void add(Napi::Env env, Napi::Object exports, const char* name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn);
  exports.Set(name, Napi::Value(env, fn));
}

}  // namespace

void register_kernels(Napi::Env env, Napi::Object exports) {
  add(env, exports, "gemm", Gemm);
  add(env, exports, "binary", Binary);
  add(env, exports, "copy", Copy);
  add(env, exports, "unary", Unary);
  add(env, exports, "unaryBackward", UnaryBackward);
  add(env, exports, "clamp", MapTwo<clamp_f32>);
  add(env, exports, "affine", MapTwo<affine_f32>);
  add(env, exports, "dropout", Dropout);
  add(env, exports, "scaleInPlace", ScaleInPlace);
  add(env, exports, "sumSquares", SumSquares);
  add(env, exports, "scaleInPlaceList", ScaleInPlaceList);
  add(env, exports, "sumSquaresList", SumSquaresList);
  add(env, exports, "reduce", Reduce);
  add(env, exports, "softmax", Softmax);
  add(env, exports, "softmaxBackward", SoftmaxBackward);
  add(env, exports, "layerNorm", LayerNorm);
  add(env, exports, "layerNormBackward", LayerNormBackward);
  add(env, exports, "embedding", Embedding);
  add(env, exports, "embeddingBackward", EmbeddingBackward);
  add(env, exports, "crossEntropy", CrossEntropy);
  add(env, exports, "adam", Adam);
  add(env, exports, "adamList", AdamList);
  add(env, exports, "attention", Attention);
  add(env, exports, "attentionBackward", AttentionBackward);
  add(env, exports, "lstmCellForward", LstmCellForward);
  add(env, exports, "lstmCellBackward", LstmCellBackward);
  add(env, exports, "gruCellForward", GruCellForward);
  add(env, exports, "gruCellBackward", GruCellBackward);
}

}  // namespace lmkit

#else

namespace lmkit {
void register_kernels(Napi::Env, Napi::Object) {}
}  // namespace lmkit

#endif
