// tests/common_format_test.cpp: numbers printed the way the book's Python prints them.
#include "common/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

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

// The measurements after iterations 1, per_epoch + 1, 2·per_epoch + 1, … are labelled
// with their epoch (the book's i % per_epoch == 0 for i counting from 0), each number
// with 4 decimals.
TEST(EpochLineTest, LabelsTheBooksMomentsWithTheirEpoch) {
  EXPECT_EQ(epoch_line(1, 600, 10000, 2.28841, 0.09721, 0.09861),
            "epoch 0  iter 1  loss 2.2884  train_acc 0.0972  test_acc 0.0986");
  EXPECT_EQ(epoch_line(601, 600, 10000, 1.69743, 0.80166, 0.80614),
            "epoch 1  iter 601  loss 1.6974  train_acc 0.8017  test_acc 0.8061");
  EXPECT_EQ(epoch_line(9601, 600, 10000, 0.5, 1.0, 0.0),
            "epoch 16  iter 9601  loss 0.5000  train_acc 1.0000  test_acc 0.0000");
}

// The measurement after the run's last iteration is "final", on the schedule or off it;
// so is every one when there is no schedule (per_epoch 0).
TEST(EpochLineTest, TheLastIterationIsFinal) {
  EXPECT_EQ(epoch_line(10000, 600, 10000, 0.17351, 0.949, 0.948),
            "final  iter 10000  loss 0.1735  train_acc 0.9490  test_acc 0.9480");
  EXPECT_EQ(epoch_line(601, 600, 601, 1.0, 0.5, 0.25),
            "final  iter 601  loss 1.0000  train_acc 0.5000  test_acc 0.2500");
  EXPECT_EQ(epoch_line(1, 600, 1, 2.0, 0.1, 0.1),
            "final  iter 1  loss 2.0000  train_acc 0.1000  test_acc 0.1000");
  EXPECT_EQ(epoch_line(7, 0, 20, 2.0, 0.1, 0.1),
            "final  iter 7  loss 2.0000  train_acc 0.1000  test_acc 0.1000");
}

// A NaN loss prints as printf prints it, not as a number.
TEST(EpochLineTest, NonFiniteLossPrintsAsNan) {
  EXPECT_EQ(epoch_line(1, 10, 20, std::nan(""), 0.1, 0.1),
            "epoch 0  iter 1  loss nan  train_acc 0.1000  test_acc 0.1000");
}

// A header is one "key: value" line per pair, in the order given, and nothing else.
TEST(HeaderTest, OneKeyValueLineEachInOrder) {
  EXPECT_EQ(header({{"program", "08_backpropagation"}, {"data", "data/mnist"}}),
            "program: 08_backpropagation\ndata: data/mnist\n");
  EXPECT_EQ(header({{"log delta", "1e-07"}, {"network", "784-50-10: sigmoid"}}),
            "log delta: 1e-07\nnetwork: 784-50-10: sigmoid\n");
  EXPECT_EQ(header({}), "");
}

// A pair that would not make one greppable "key: value" line is refused.
TEST(HeaderTest, KeysWithColonsAndLineBreaksThrow) {
  EXPECT_THROW(header({{"", "x"}}), std::invalid_argument);
  EXPECT_THROW(header({{"a: b", "x"}}), std::invalid_argument);
  EXPECT_THROW(header({{"seed", "42\n43"}}), std::invalid_argument);
  EXPECT_THROW(header({{"seed\n", "42"}}), std::invalid_argument);
}

}  // namespace
