// tests/common_cli_test.cpp: flags, and bad flags ending in usage and exit status 2.
#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/cli.h"

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

// Sizes within the budget pass; beyond it, the message gives the flags' values and says
// which to lower, and the exit status is 2, like any bad flag.
TEST(FlagsTest, RequireMemoryNamesTheFlagsToLower) {
  Flags flags = MakeFlags();
  Parse(flags, {"--iters", "100000", "--lr", "0.5"});
  flags.require_memory(1e6, {"iters"});  // 1 MB: fine
  EXPECT_EXIT(flags.require_memory(2 * Flags::memory_budget(), {"iters", "lr"}),
              testing::ExitedWithCode(2),
              "--iters 100000, --lr 0.5\\) need about .* GiB of memory, more than the .* "
              "HINT: lower --iters or --lr");
}

// A flag left at its default is not named when the command line set another: the one
// it set is the one to lower. With none set, all are named.
TEST(FlagsTest, RequireMemoryNamesTheFlagsGiven) {
  Flags flags = MakeFlags();
  Parse(flags, {"--iters", "100000"});
  EXPECT_EXIT(flags.require_memory(2 * Flags::memory_budget(), {"iters", "lr"}),
              testing::ExitedWithCode(2), "\\(--iters 100000\\) need .* HINT: lower --iters\n");
  Flags defaults = MakeFlags();
  Parse(defaults, {});
  EXPECT_EXIT(defaults.require_memory(2 * Flags::memory_budget(), {"iters", "lr"}),
              testing::ExitedWithCode(2), "HINT: lower --iters or --lr\n");
}

// Only the flags whose share is at least a tenth of the estimate are named, largest
// first: lowering the others could not bring it down. The largest is named in any case.
TEST(FlagsTest, DrivingNamesTheFlagsThatMakeTheEstimate) {
  EXPECT_EQ(Flags::driving(100.0, {{"iters", 1.0}, {"hidden", 90.0}, {"batch", 9.0}}),
            std::vector<std::string>{"hidden"});
  EXPECT_EQ(Flags::driving(100.0, {{"batch", 40.0}, {"iters", 10.0}, {"hidden", 60.0}}),
            (std::vector<std::string>{"hidden", "batch", "iters"}));
  EXPECT_EQ(Flags::driving(100.0, {{"iters", 2.0}, {"hidden", 3.0}}),
            std::vector<std::string>{"hidden"});
  EXPECT_TRUE(Flags::driving(100.0, {}).empty());
}

// --help whose usage cannot be written (stdout a full disk) says so and exits 1, as a
// program's own output does.
TEST(FlagsTest, HelpThatCannotBeWrittenFails) {
  EXPECT_EXIT(
      {
        if (std::freopen("/dev/full", "w", stdout) == nullptr) std::exit(99);
        Flags flags = MakeFlags();
        Parse(flags, {"--help"});
      },
      testing::ExitedWithCode(1),
      "error: could not write the output \\(No space left on device\\)");
}

// The budget is at most 4 GiB, and something real.
TEST(FlagsTest, MemoryBudgetIsAtMostFourGiB) {
  EXPECT_LE(Flags::memory_budget(), 4.0 * 1024 * 1024 * 1024);
  EXPECT_GT(Flags::memory_budget(), 256.0 * 1024 * 1024);
}

// The sizes to lower are the whole-number flags the command line gave, else all read.
TEST(FlagsTest, SizesGivenPreferTheCommandLine) {
  Flags flags("prog", "A test program.");
  flags.option("steps", "100", "steps");
  flags.option("width", "5", "width");
  Parse(flags, {"--steps", "7"});
  (void)flags.integer("steps");
  (void)flags.integer("width");
  EXPECT_EQ(flags.sizes_given(), std::vector<std::string>{"steps"});
  Flags plain("prog", "A test program.");
  plain.option("steps", "100", "steps");
  Parse(plain, {});
  (void)plain.integer("steps");
  EXPECT_EQ(plain.sizes_given(), std::vector<std::string>{"steps"});
}

// Bytes for a message: binary units, one decimal for GiB.
TEST(FormatBytesTest, MiBAndGiB) {
  EXPECT_EQ(format_bytes(512.0 * 1024 * 1024), "512 MiB");
  EXPECT_EQ(format_bytes(8.8 * 1024 * 1024 * 1024), "8.8 GiB");
}

// Out of memory names the size flags given, instead of "std::bad_alloc".
TEST(GuardedMainTest, OutOfMemorySaysWhichFlagToLower) {
  Flags flags = MakeFlags();
  Parse(flags, {"--iters", "900000000"});
  (void)flags.integer("iters");
  EXPECT_EXIT(std::exit(guarded_main(flags, []() -> int { throw std::bad_alloc(); })),
              testing::ExitedWithCode(1), "error: out of memory.*HINT: lower --iters 900000000");
}

// A full disk is an error with a non-zero exit, not a silent success.
TEST(GuardedMainTest, OutputThatCannotBeWrittenFails) {
  EXPECT_EXIT(
      {
        if (std::freopen("/dev/full", "w", stdout) == nullptr) std::exit(99);
        std::exit(guarded_main([] {
          std::cout << "a line\n";
          return 0;
        }));
      },
      testing::ExitedWithCode(1),
      "error: could not write the output \\(No space left on device\\)");
}

// A program's own status comes through when all went well.
TEST(GuardedMainTest, StatusOfTheBodyOtherwise) {
  EXPECT_EXIT(std::exit(guarded_main([] { return 3; })), testing::ExitedWithCode(3), "");
}

}  // namespace
