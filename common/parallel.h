// common/parallel.h: share a loop over rows between the machine's cores.
//
//   parallel_rows(n, [&](std::size_t begin, std::size_t end) {
//     for (std::size_t i = begin; i < end; ++i) { ... row i ... }
//   });
//
// The rows 0 … n−1 are cut into contiguous ranges, a few per thread, and the calling
// thread and the pool's threads (made once, at the first call, and kept waiting for the
// next) each take the next range left until none is. parallel_rows returns when every
// range is done, and an exception thrown in any range is thrown again here.
//
// No result depends on the number of threads as long as each row's work depends only on
// that row (its inputs are read, not written, by the others): a row is then computed by
// one thread, with the same operations in the same order, whichever thread it is.
// That is how Matrix's product uses it (common/matrix.cpp).
#pragma once

#include <cstddef>
#include <functional>

// Runs body(begin, end) over ranges that together cover 0 … n−1 once. With fewer than
// 2 · min_rows rows, or one thread, it is simply body(0, n) on the calling thread.
void parallel_rows(std::size_t n, const std::function<void(std::size_t, std::size_t)>& body,
                   std::size_t min_rows = 1);

// The number of threads parallel_rows shares work between: the cores the machine reports,
// at most 8; or WORKBOOK_THREADS from the environment (1 … 8; 1 runs everything on the
// calling thread); or what set_parallel_threads chose.
std::size_t parallel_threads();

// Use `threads` threads (≥ 1) from now on; 1 runs everything on the calling thread. For
// tests that show a result does not depend on the count.
void set_parallel_threads(std::size_t threads);
