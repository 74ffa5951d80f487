// common/parallel.cpp: see parallel.h. One pool of waiting threads, made at the first call
// that needs it.
//
// The rows are cut into a few more pieces than there are threads, and every thread, the
// caller included, takes the next piece not yet taken until none is left. A thread that
// the operating system has put aside for a moment (the machine is busy with other work)
// then delays nothing: the others take its share. Which thread computes a row changes
// nothing in the row.
#include "common/parallel.h"

#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t kMaxThreads = 8;
constexpr std::size_t kPiecesPerThread = 4;
// How long an idle thread keeps looking for new work before it goes to sleep. Waking a
// sleeping thread costs the operating system tens of microseconds, as much as a batch's
// product takes. While a net trains, products come between stretches of one-thread work
// (a batch gathered, a sigmoid) of up to about 100 µs: a look of 300 µs keeps the thread
// awake from one product to the next, and it sleeps once training stops. (Measured on
// lesson 07's run, 10 interleaved pairs: 9% faster than with 50 µs.)
constexpr auto kSpin = std::chrono::microseconds(300);

// Tells the core that this thread is waiting in a loop, which saves power and lets a
// second thread on the same core run.
inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// True on a pool thread, and on the calling thread while it runs a piece: a parallel_rows
// inside a piece then runs serially instead of waiting on itself.
thread_local bool in_piece = false;

class Pool {
 public:
  explicit Pool(std::size_t threads) {
    for (std::size_t k = 1; k < threads; ++k) workers_.emplace_back([this] { work(); });
  }

  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  std::size_t threads() const { return workers_.size() + 1; }

  void run(std::size_t n, const std::function<void(std::size_t, std::size_t)>& body) {
    std::lock_guard<std::mutex> one_at_a_time(run_mutex_);
    std::uint64_t generation = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      body_ = &body;
      n_ = n;
      pieces_ = std::min(n, threads() * kPiecesPerThread);
      next_ = 0;
      done_.store(0, std::memory_order_relaxed);
      error_ = nullptr;
      generation = generation_.fetch_add(1, std::memory_order_release) + 1;
    }
    wake_.notify_all();
    take_pieces(generation);
    // Every piece must end before run returns: they all read `body`, which lives here.
    for (unsigned spins = 0; done_.load(std::memory_order_acquire) != pieces_; ++spins) {
      if (spins < 1000) {
        pause();
      } else {
        std::this_thread::yield();
      }
    }
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Runs pieces of the job `generation` until none is left (or another job has begun).
  void take_pieces(std::uint64_t generation) {
    for (;;) {
      std::size_t piece = 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (generation_.load(std::memory_order_relaxed) != generation || next_ == pieces_) return;
        piece = next_++;
      }
      const std::size_t begin = n_ * piece / pieces_, end = n_ * (piece + 1) / pieces_;
      in_piece = true;
      try {
        (*body_)(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      in_piece = false;
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void work() {
    std::uint64_t seen = 0;
    for (;;) {
      // Look a little, then sleep until run() or the destructor moves the generation on.
      const auto until = std::chrono::steady_clock::now() + kSpin;
      for (unsigned spins = 1; generation_.load(std::memory_order_acquire) == seen; ++spins) {
        pause();
        // Reading the clock costs more than a look at the generation: once in 64 looks.
        if (spins % 64 == 0 && std::chrono::steady_clock::now() >= until) break;
      }
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
        seen = generation_.load(std::memory_order_relaxed);
        if (stop_) return;
      }
      take_pieces(seen);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex run_mutex_;  // one run at a time, if two threads of a program both call
  std::mutex mutex_;      // guards the job: body_, n_, pieces_, next_, error_, stop_
  std::condition_variable wake_;
  std::atomic<std::uint64_t> generation_{0};  // moves on once per run (and at the end)
  std::atomic<std::size_t> done_{0};          // pieces of this run finished
  const std::function<void(std::size_t, std::size_t)>* body_ = nullptr;
  std::size_t n_ = 0, pieces_ = 0, next_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

// WORKBOOK_THREADS=N in the environment, if it is a number from 1 to kMaxThreads; else
// the machine's cores, at most kMaxThreads.
std::size_t default_threads() {
  if (const char* env = std::getenv("WORKBOOK_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n >= 1 && n <= static_cast<long>(kMaxThreads)) {
      return static_cast<std::size_t>(n);
    }
  }
  const std::size_t cores = std::thread::hardware_concurrency();
  return std::clamp<std::size_t>(cores, 1, kMaxThreads);
}

std::mutex pool_mutex;
std::size_t wanted_threads = 0;  // 0: not chosen yet, default_threads()
std::unique_ptr<Pool> pool;
pid_t pool_pid = 0;  // the process that made the pool; a fork()ed child has no workers

Pool* the_pool() {
  std::lock_guard<std::mutex> lock(pool_mutex);
  const std::size_t threads = wanted_threads ? wanted_threads : default_threads();
  if (threads < 2) return nullptr;
  if (!pool) {
    pool = std::make_unique<Pool>(threads);
    pool_pid = getpid();
  }
  return pool_pid == getpid() ? pool.get() : nullptr;
}

}  // namespace

void parallel_rows(std::size_t n, const std::function<void(std::size_t, std::size_t)>& body,
                   std::size_t min_rows) {
  if (n == 0) return;
  Pool* p = in_piece || n < 2 * std::max<std::size_t>(min_rows, 1) ? nullptr : the_pool();
  if (p == nullptr) {
    body(0, n);
    return;
  }
  p->run(n, body);
}

std::size_t parallel_threads() {
  std::lock_guard<std::mutex> lock(pool_mutex);
  return wanted_threads ? wanted_threads : default_threads();
}

void set_parallel_threads(std::size_t threads) {
  std::lock_guard<std::mutex> lock(pool_mutex);
  wanted_threads = std::clamp<std::size_t>(threads, 1, kMaxThreads);
  pool.reset();  // the next call makes a pool of the new size
}
