#pragma once
// A persistent pool of kernel threads. The calling thread takes part in every job; small jobs (one task,
// one thread, or a call from inside a running job) run inline without waking anyone.
namespace lmkit {

using TaskFn = void (*)(void* ctx, int task);

// Runs fn(ctx, t) for every t in [0, ntasks), spread over the pool; returns when all are done.
void parallel_run(int ntasks, TaskFn fn, void* ctx);

// Number of threads kernels may use (workers + the caller). 0 selects the hardware concurrency.
void set_num_threads(int n);
int num_threads();

template <class F>
inline void parallel_for(int ntasks, F& f) {
  if (ntasks <= 0) return;
  if (ntasks == 1) {
    f(0);
    return;
  }
  parallel_run(ntasks, [](void* c, int t) { (*static_cast<F*>(c))(t); }, &f);
}

// Splits [0, n) into at most num_threads() chunks of at least `grain` items and calls f(begin, end) on each.
template <class F>
inline void parallel_range(long n, long grain, F&& f) {
  if (n <= 0) return;
  long tasks = grain > 0 ? n / grain : n;
  const int nt = num_threads();
  if (tasks > nt) tasks = nt;
  if (tasks <= 1) {
    f(0L, n);
    return;
  }
  const long per = (n + tasks - 1) / tasks;
  auto body = [&](int t) {
    const long b = t * per;
    const long e = b + per < n ? b + per : n;
    if (b < e) f(b, e);
  };
  parallel_for(static_cast<int>(tasks), body);
}

}  // namespace lmkit
