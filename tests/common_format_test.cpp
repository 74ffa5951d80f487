// tests/common_format_test.cpp: numbers printed the way the book's Python prints them.
#include "common/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

// repr gives the shortest text that reads back exactly, like Python's repr.
TEST(ReprTest, ShortestRoundTrip) {
  EXPECT_EQ(repr(0.1), "0.1");
  EXPECT_EQ(repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(repr(6.00000000000378), "6.00000000000378");
  EXPECT_EQ(repr(-7.999999999999119), "-7.999999999999119");
}

// Python writes plain notation for 1e-4 <= |x| < 1e16 and scientific outside it, and
// keeps a ".0" on whole numbers.
TEST(ReprTest, PlainOrScientificAsPythonChooses) {
  EXPECT_EQ(repr(6.0), "6.0");
  EXPECT_EQ(repr(-0.0), "-0.0");
  EXPECT_EQ(repr(1e-4), "0.0001");
  EXPECT_EQ(repr(1e-05), "1e-05");
  EXPECT_EQ(repr(1e6), "1000000.0");
  EXPECT_EQ(repr(123.5), "123.5");
  EXPECT_EQ(repr(1e16), "1e+16");
  EXPECT_EQ(repr(-2.58983747e+13), "-25898374700000.0");
  EXPECT_EQ(repr(6.111e-10), "6.111e-10");
  EXPECT_EQ(repr(1.5e300), "1.5e+300");
}

// Not-a-number and infinities read as Python prints them.
TEST(ReprTest, NonFiniteValues) {
  EXPECT_EQ(repr(std::nan("")), "nan");
  EXPECT_EQ(repr(-std::numeric_limits<double>::infinity()), "-inf");
}

// sci and fixed are printf's %.Ne and %.Nf, numpy's array styles.
TEST(SciFixedTest, MatchPrintf) {
  EXPECT_EQ(sci(-6.111107929e-10, 8), "-6.11110793e-10");
  EXPECT_EQ(sci(-2.58983747e+13, 8), "-2.58983747e+13");
  EXPECT_EQ(fixed(-2.999999936, 8), "-2.99999994");
}

// tuple joins entries the way the workbook prints points.
TEST(TupleTest, JoinsWithCommas) {
  EXPECT_EQ(tuple({1.5, -2}), "(1.5, -2.0)");
  EXPECT_EQ(tuple({}), "()");
}

}  // namespace
