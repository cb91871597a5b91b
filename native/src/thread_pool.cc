#include "thread_pool.h"

#if defined(__linux__)
#include <sched.h>
#endif

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace lmkit {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins this many times (about 50-100 µs) after a job before a worker sleeps, so back-to-back kernels of a
// training step find the workers awake.
constexpr int kSpinIterations = 4000;

thread_local bool tl_in_job = false;

class Pool {
 public:
  ~Pool() { resize(0); }

  int threads() const { return threads_; }

  void set_threads(int n) {
    if (n <= 0) n = hardware();
    std::lock_guard<std::mutex> submit(submit_);
    resize(n - 1);
    threads_ = n;
  }

  // Publishes a job, takes part in it, and returns once every task has run. Workers acknowledge each job
  // (pending_); a job's fields are rewritten only after all of them did, so a worker that wakes late finds
  // the old fields intact and no task left. While a worker is still that late, jobs run on the caller alone.
  void run(int ntasks, TaskFn fn, void* ctx) {
    std::unique_lock<std::mutex> submit(submit_, std::try_to_lock);
    if (tl_in_job || !submit.owns_lock() || workers_.empty() || pending_.load(std::memory_order_acquire) != 0) {
      run_inline(ntasks, fn, ctx);
      return;
    }
    fn_ = fn;
    ctx_ = ctx;
    ntasks_ = ntasks;
    next_.store(0, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
    gen_.fetch_add(1, std::memory_order_release);
    {
      std::lock_guard<std::mutex> lk(sleep_mutex_);
      if (sleepers_ > 0) sleep_cv_.notify_all();
    }
    tl_in_job = true;
    work();
    tl_in_job = false;
    for (int spins = 0; done_.load(std::memory_order_acquire) != ntasks; spins++) {
      if (spins < 20000) cpu_relax();
      else std::this_thread::yield();
    }
  }

 private:
  // The CPUs this process may run on (as Node's os.availableParallelism()), else the online count.
  static int hardware() {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
      const int n = CPU_COUNT(&set);
      if (n > 0) return n;
    }
#endif
    const unsigned h = std::thread::hardware_concurrency();
    return h == 0 ? 1 : static_cast<int>(h);
  }

  static void run_inline(int ntasks, TaskFn fn, void* ctx) {
    for (int t = 0; t < ntasks; t++) fn(ctx, t);
  }

  void work() {
    for (;;) {
      const int t = next_.fetch_add(1, std::memory_order_relaxed);
      if (t >= ntasks_) break;
      fn_(ctx_, t);
      done_.fetch_add(1, std::memory_order_release);
    }
  }

  // `seen` is the generation when the worker was created: a job published before the thread first runs
  // must still count as new to it.
  void worker_loop(unsigned long seen) {
    tl_in_job = true;
    for (;;) {
      unsigned long g = seen;
      for (int i = 0; i < kSpinIterations; i++) {
        g = gen_.load(std::memory_order_acquire);
        if (g != seen || stop_.load(std::memory_order_relaxed)) break;
        cpu_relax();
      }
      if (g == seen && !stop_.load(std::memory_order_relaxed)) {
        std::unique_lock<std::mutex> lk(sleep_mutex_);
        sleepers_++;
        sleep_cv_.wait(lk, [&] {
          return gen_.load(std::memory_order_acquire) != seen || stop_.load(std::memory_order_relaxed);
        });
        sleepers_--;
        g = gen_.load(std::memory_order_acquire);
      }
      if (stop_.load(std::memory_order_relaxed)) return;
      seen = g;
      work();
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  // Caller holds submit_ (or is the destructor).
  void resize(int workers) {
    if (workers < 0) workers = 0;
    if (static_cast<int>(workers_.size()) == workers) return;
    {
      std::lock_guard<std::mutex> lk(sleep_mutex_);
      stop_.store(true);
      sleep_cv_.notify_all();
    }
    for (auto& w : workers_) w.join();
    workers_.clear();
    stop_.store(false);
    pending_.store(0);
    const unsigned long gen = gen_.load();
    for (int i = 0; i < workers; i++) workers_.emplace_back([this, gen] { worker_loop(gen); });
  }

  std::mutex submit_;
  std::vector<std::thread> workers_;
  int threads_ = 1;

  std::atomic<unsigned long> gen_{0};
  std::atomic<int> next_{0};
  std::atomic<int> done_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stop_{false};
  TaskFn fn_ = nullptr;
  void* ctx_ = nullptr;
  int ntasks_ = 0;

  std::mutex sleep_mutex_;
  std::condition_variable sleep_cv_;
  int sleepers_ = 0;
};

Pool& pool() {
  static Pool* p = [] {
    auto* created = new Pool();  // never destroyed: workers must not be joined during static teardown
    created->set_threads(0);
    return created;
  }();
  return *p;
}

}  // namespace

void parallel_run(int ntasks, TaskFn fn, void* ctx) {
  if (ntasks <= 0) return;
  if (ntasks == 1 || tl_in_job) {
    for (int t = 0; t < ntasks; t++) fn(ctx, t);
    return;
  }
  pool().run(ntasks, fn, ctx);
}

void set_num_threads(int n) { pool().set_threads(n); }

int num_threads() { return pool().threads(); }

}  // namespace lmkit
