// tests/common_format_test.cpp: numbers printed the way the book's Python prints them.
#include "common/format.h"

#include <gtest/gtest.h>

namespace {

// repr gives the shortest text that reads back exactly, like Python's repr.
TEST(ReprTest, ShortestRoundTrip) {
  EXPECT_EQ(repr(0.1), "0.1");
  EXPECT_EQ(repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(repr(6.0), "6");
  EXPECT_EQ(repr(1e-05), "1e-05");
}

// sci and fixed are printf's %.Ne and %.Nf, numpy's array styles.
TEST(SciFixedTest, MatchPrintf) {
  EXPECT_EQ(sci(-6.111107929e-10, 8), "-6.11110793e-10");
  EXPECT_EQ(sci(-2.58983747e+13, 8), "-2.58983747e+13");
  EXPECT_EQ(fixed(-2.999999936, 8), "-2.99999994");
}

// tuple joins entries the way the workbook prints points.
TEST(TupleTest, JoinsWithCommas) {
  EXPECT_EQ(tuple({1.5, -2}), "(1.5, -2)");
  EXPECT_EQ(tuple({}), "()");
}

}  // namespace
