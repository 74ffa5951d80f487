// tests/common_cli_test.cpp: flags, and bad flags ending in usage and exit status 2.
#include "common/cli.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

Flags MakeFlags() {
  Flags flags("prog", "A test program.");
  flags.option("lr", "0.1", "learning rate");
  flags.option("iters", "100", "iterations");
  flags.toggle("ascent", "flip the sign");
  return flags;
}

// Parses a list of arguments as if from the command line.
void Parse(Flags& flags, std::vector<std::string> args) {
  args.insert(args.begin(), "prog");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  flags.parse(static_cast<int>(argv.size()), argv.data());
}

// Defaults hold until a flag is given; both --name value and --name=value work.
TEST(FlagsTest, DefaultsAndBothSpellings) {
  Flags flags = MakeFlags();
  Parse(flags, {"--lr=0.5", "--ascent"});
  EXPECT_EQ(flags.number("lr"), 0.5);
  EXPECT_EQ(flags.integer("iters"), 100);
  EXPECT_TRUE(flags.on("ascent"));
  Flags other = MakeFlags();
  Parse(other, {"--iters", "7"});
  EXPECT_EQ(other.integer("iters"), 7);
  EXPECT_FALSE(other.on("ascent"));
}

// An unknown flag prints the problem and the usage, and exits with status 2.
TEST(FlagsTest, UnknownFlagExitsWithUsage) {
  Flags flags = MakeFlags();
  EXPECT_EXIT(Parse(flags, {"--lrr", "1"}), testing::ExitedWithCode(2),
              "unknown flag --lrr(.|\n)*usage: prog");
}

// A flag at the end without its value exits 2.
TEST(FlagsTest, MissingValueExits) {
  Flags flags = MakeFlags();
  EXPECT_EXIT(Parse(flags, {"--lr"}), testing::ExitedWithCode(2), "--lr needs a value");
}

// Text where a number belongs exits 2, and so does a count below its minimum.
TEST(FlagsTest, NonNumericAndTooSmallValuesExit) {
  Flags flags = MakeFlags();
  Parse(flags, {"--lr", "fast", "--iters", "0"});
  EXPECT_EXIT((void)flags.number("lr"), testing::ExitedWithCode(2), "needs a number, got 'fast'");
  EXPECT_EXIT((void)flags.integer("iters"), testing::ExitedWithCode(2), "at least 1, got 0");
}

// A count beyond the maximum (by default 1e9, far below int overflow) exits 2.
TEST(FlagsTest, CountAboveMaximumExits) {
  Flags flags = MakeFlags();
  Parse(flags, {"--iters", "3000000000"});
  EXPECT_EXIT((void)flags.integer("iters"), testing::ExitedWithCode(2),
              "at most 1000000000, got 3000000000");
}

// guarded_main turns an exception into "error: ..." and status 1.
TEST(GuardedMainTest, ExceptionBecomesErrorAndStatusOne) {
  EXPECT_EXIT(std::exit(guarded_main([]() -> int { throw std::invalid_argument("bad shape"); })),
              testing::ExitedWithCode(1), "error: bad shape");
}

}  // namespace
