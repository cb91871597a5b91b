#pragma once
// Float32 kernels of the native backend. They live in the AVX2/FMA static library (native/src/avx2) and
// may be called only after cpu_has_avx2_fma() returned true. Pointers already include each view's offset.
#include <cstddef>
#include <cstdint>

namespace lmkit {

struct GemmArgs {
  const float* a; long lda; bool trans_a; long stride_a;
  const float* b; long ldb; bool trans_b; long stride_b;
  float* c; long ldc; long stride_c;
  long m, n, k, batch;
  float alpha, beta;
  const float* bias = nullptr;  // when set: n values added to every row of C (after alpha·AB + beta·C)
  const float* residual = nullptr;  // when set: laid out as C (ldc, stride_c), added to C with the bias
  float* col_sum_b = nullptr;   // when set (batch 1): the n column sums of op(B), overwritten
  int epilogue = 0;             // a GemmEpilogue, applied to C last
  float* pre_out = nullptr;     // GELU epilogues: the pre-activation also written here (laid out as C)
  const float* pre = nullptr;   // GELU-derivative epilogues: the pre-activation read (laid out as C)
  const float* post = nullptr;  // GELU-derivative epilogues, optional: gelu(pre) read (laid out as C)
};
// z = alpha·AB + beta·C + bias; C = gelu(z) or C = z·gelu'(pre) (the elementwise kernels' formulas).
enum GemmEpilogue { kEpilogueNone = 0, kEpilogueGeluTanh, kEpilogueGeluErf, kEpilogueGeluTanhGrad, kEpilogueGeluErfGrad };
void gemm_f32(const GemmArgs& g);
// The same product on the calling thread only (for kernels that already run inside a pool task).
void gemm_f32_serial(const GemmArgs& g);

// Bytes of scratch (packing buffers) currently held by all threads, for V8's external-memory accounting.
long scratch_bytes();

enum BinaryCode { kAdd = 0, kSub, kMul, kDiv, kMax, kMin, kPow, kBinaryCount };
// out (contiguous over shape) = a op b, a and b strided (stride 0 = broadcast).
void binary_f32(int op, const float* a, const long* a_strides, const float* b, const long* b_strides, float* out,
                const long* shape, int ndim);
void copy_f32(const float* src, const long* strides, float* out, const long* shape, int ndim);

enum UnaryCode {
  kNeg = 0, kExp, kLog, kSqrt, kRsqrt, kAbs, kTanh, kSigmoid, kRelu, kGelu, kGeluTanh, kSilu, kSin, kCos,
  kSquare, kReciprocal, kSign, kErf, kLog1p, kExpm1, kFloor, kCeil, kRound, kUnaryCount
};
void unary_f32(int op, const float* x, float* out, long n);
// Returns false when the op's derivative has no native version (the caller then uses js).
bool unary_backward_f32(int op, const float* x, const float* y, const float* gy, float* gx, long n);

void clamp_f32(const float* x, float* out, long n, float lo, float hi);
void affine_f32(const float* x, float* out, long n, float scale, float shift);
// Dropout with probability p = threshold / 2^32 from two 32-bit seeds (src/backend/js/dropout.ts): element i
// is dropped when its draw is below threshold, else scaled by keep = 1 / (1 - p). `on` false: no dropout.
struct DropoutSpec {
  bool on = false;
  uint32_t threshold = 0;
  float keep = 1.0f;
  uint32_t seed0 = 0, seed1 = 0;
};
// out[i] = x[i] · element i's dropout factor (0 or keep); x may be out.
void dropout_f32(const float* x, float* out, long n, const DropoutSpec& d);
void scale_f32(float* x, long n, float s);
double sum_squares_f32(const float* x, long n);
// Multi-tensor ("foreach") forms over `count` arrays of ns[i] elements. Arrays shorter than `min_vector` take
// the js reference's path (one double at a time: x*s rounded to float; Σ x² in order), the others the
// kernels above, so each array ends up exactly as one single-array call would leave it. The sums of the
// arrays are added to `total` in array order, as a caller adding sum_squares results one by one would.
double sum_squares_list_f32(const float* const* xs, const long* ns, long count, long min_vector, double total);
void scale_list_f32(float* const* xs, const long* ns, long count, double s, long min_vector);

// op: 0 sum, 1 max, 2 min, 3 prod
void reduce_f32(int op, const float* x, float* out, long outer, long dim, long inner, int32_t* indices);
void softmax_f32(const float* x, float* out, long outer, long dim, long inner, bool log);
void softmax_backward_f32(const float* y, const float* gy, float* gx, long outer, long dim, long inner, bool log);
void layer_norm_f32(const float* x, const float* w, const float* b, float* y, float* mean, float* rstd, long rows,
                    long cols, float eps);
// gx = (accumulate ? gx : 0) + dL/dx; gw and gb are accumulated into.
void layer_norm_backward_f32(const float* x, const float* w, const float* mean, const float* rstd, const float* gy,
                             float* gx, float* gw, float* gb, long rows, long cols, bool accumulate);
void embedding_f32(const int32_t* ids, const float* weight, float* out, long n, long dim);
void embedding_backward_f32(const int32_t* ids, const float* gy, float* gw, long n, long dim, int32_t padding_idx);
void cross_entropy_f32(const float* logits, const int32_t* targets, long rows, long classes, int32_t ignore_index,
                       float label_smoothing, float* losses, float* grad);
void adam_f32(float* p, const float* g, float* m, float* v, long n, double lr, double beta1, double beta2,
              double eps, double weight_decay, double step, bool decoupled);
// adam_f32 on each of `count` tensors of ns[i] elements sharing hyper-parameters and the step count.
void adam_list_f32(float* const* p, const float* const* g, float* const* m, float* const* v, const long* ns,
                   long count, double lr, double beta1, double beta2, double eps, double weight_decay, double step,
                   bool decoupled);

// Element (b, h, t, d) of a [B, H, T, D] attention operand: offset + b*batch + h*head + t*row + d.
struct HeadLayout {
  long offset, batch, head, row;
  long at(long b, long h) const { return offset + b * batch + h * head; }
};
struct AttentionArgs {
  const float* q; const float* k; const float* v; float* out;
  long batch, heads, tq, tk, d;
  float scale; bool causal;
  const uint8_t* mask; long mask_stride_b, mask_stride_h;
  float* probs;  // contiguous [B, H, Tq, Tk]
  HeadLayout lq, lk, lv, lo;
  DropoutSpec dropout;  // out = dropout(P)·V, element ((b·H + h)·Tq + i)·Tk + j of P; probs stay undropped
};
void attention_f32(const AttentionArgs& a);
struct AttentionBackwardArgs {
  const float* q; const float* k; const float* v; const float* probs; const float* grad_out;
  float* grad_q; float* grad_k; float* grad_v;
  long batch, heads, tq, tk, d;
  float scale;
  bool causal;  // probs are zero past the causal diagonal (lets the kernel skip those blocks)
  HeadLayout lq, lk, lv, lgo, lgq, lgk, lgv;  // gradients are overwritten
  DropoutSpec dropout;  // the forward's
};
void attention_backward_f32(const AttentionBackwardArgs& a);

// Fused recurrent-cell steps (see Backend.lstmCellForward etc. in src/backend/types.ts).
void lstm_cell_forward_f32(float* gates, const float* c_prev, float* c, float* h, long batch, long hidden);
void lstm_cell_backward_f32(const float* gates, const float* c_prev, const float* c, const float* gh, const float* gc,
                            float* g_gates, float* gc_prev, long batch, long hidden);
void gru_cell_forward_f32(float* gi, const float* gh, const float* h_prev, float* h, long batch, long hidden);
void gru_cell_backward_f32(const float* gates, const float* gh, const float* h_prev, const float* g_out, float* g_gi,
                           float* g_gh, float* g_h_prev, long batch, long hidden);

}  // namespace lmkit
