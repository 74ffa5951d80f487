// tests/common_parallel_test.cpp: parallel_rows, the loop the matrix product shares between
// the cores (common/parallel.h).
#include "common/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <vector>

namespace {

// Sets the thread count for one test and puts the old one back after it.
class ThreadCount {
 public:
  explicit ThreadCount(std::size_t threads) : before_(parallel_threads()) {
    set_parallel_threads(threads);
  }
  ~ThreadCount() { set_parallel_threads(before_); }

 private:
  std::size_t before_;
};

// Every row is handed out exactly once, whatever the number of threads and rows.
TEST(ParallelRowsTest, CoversEveryRowOnce) {
  for (std::size_t threads : {1, 2, 3, 8}) {
    const ThreadCount count(threads);
    for (std::size_t n : {1, 2, 5, 1000}) {
      std::vector<std::atomic<int>> seen(n);
      parallel_rows(n, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) ++seen[i];
      });
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_EQ(seen[i].load(), 1) << "row " << i << " of " << n << ", " << threads << " threads";
      }
    }
  }
}

// Fewer rows than 2 · min_rows stay in one range, on the calling thread.
TEST(ParallelRowsTest, SmallWorkStaysInOneRange) {
  const ThreadCount count(2);
  int ranges = 0;
  parallel_rows(10, [&](std::size_t begin, std::size_t end) {
    ++ranges;
    EXPECT_EQ(begin, 0u);
    EXPECT_EQ(end, 10u);
  }, 10);
  EXPECT_EQ(ranges, 1);
}

// An exception in any range reaches the caller, after every range has ended.
TEST(ParallelRowsTest, ExceptionInARangeReachesTheCaller) {
  const ThreadCount count(2);
  EXPECT_THROW(parallel_rows(100,
                             [](std::size_t begin, std::size_t) {
                               if (begin > 0) throw std::runtime_error("second range");
                             }),
               std::runtime_error);
  // The pool still works afterwards.
  std::atomic<std::size_t> rows{0};
  parallel_rows(100, [&](std::size_t begin, std::size_t end) { rows += end - begin; });
  EXPECT_EQ(rows.load(), 100u);
}

// A parallel_rows inside a range runs on that range's thread instead of waiting for itself.
TEST(ParallelRowsTest, NestedCallsRunSerially) {
  const ThreadCount count(2);
  std::atomic<std::size_t> inner{0};
  parallel_rows(4, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      parallel_rows(10, [&](std::size_t b, std::size_t e) { inner += e - b; });
    }
  });
  EXPECT_EQ(inner.load(), 40u);
}

}  // namespace
