// common/cli.h: command-line flags and the top-level error handler of every program.
//
//   Flags flags("07_learning_mnist", "Trains the two-layer net on MNIST.");
//   flags.option("lr", "0.1", "learning rate");
//   flags.toggle("ascent", "flip the update's sign (watch the loss climb)");
//   flags.parse(argc, argv);              // bad input: usage on stderr, exit 2
//   double lr = flags.number("lr");       // a non-numeric value: usage, exit 2
//
// Values are written `--lr 0.1` or `--lr=0.1`. `--help` prints the usage and exits 0 (1,
// with an error, if the usage could not be written).
//
// Sizes that cost memory are checked against what a program may use, before any is taken:
//   flags.require_memory(8.0 * hidden * (784 + batch), {"hidden", "batch"});
//   // --hidden 100000 --batch 100: "error: ... need about 6.4 GiB ... HINT: lower --hidden ..."
//   return guarded_main(flags, [&] { ... });  // errors, out of memory, a full disk: below
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

class Flags {
 public:
  Flags(std::string program, std::string summary);

  // A flag that takes a value, with its default (as text) and a one-line help.
  void option(const std::string& name, const std::string& default_value, const std::string& help);
  // A flag without a value: false unless given.
  void toggle(const std::string& name, const std::string& help);

  // Reads argv. On an unknown flag, a missing value or a stray argument it prints the
  // problem and the usage to stderr and exits with status 2.
  void parse(int argc, char** argv);

  std::string text(const std::string& name) const;
  // The value as a number; exits 2 with usage if it is not one, or is not finite.
  double number(const std::string& name) const;
  // The value as a whole number in [min, max]; exits 2 with usage otherwise. The default
  // max keeps counts far from overflowing an int; require_memory bounds what they cost.
  long integer(const std::string& name, long min = 1, long max = 1'000'000'000) const;
  bool on(const std::string& name) const;

  // What a program may use: 4 GiB, or half the machine's memory if that is less.
  static double memory_budget();
  // Exits 2 with usage when `bytes`, the memory the sizes given will take (every buffer
  // they imply, the evaluation's included), is over memory_budget(). The message gives the
  // figure and names the flags to lower, with their values: those of flags_to_lower that
  // the command line gave (all of them if it gave none).
  void require_memory(double bytes, const std::vector<std::string>& flags_to_lower) const;
  // The flags that drive an estimate: those whose share (the bytes of it owed to the
  // flag's value) is at least a tenth of `bytes`, largest share first; the largest always.
  // Lowering a flag whose share is small would not bring the estimate down, so it is not
  // named:
  //   require_memory(bytes, Flags::driving(bytes, {{"hidden", 5e9}, {"iters", 40}}))
  //   // names --hidden only
  struct Share {
    std::string flag;
    double bytes = 0.0;
  };
  static std::vector<std::string> driving(double bytes, std::vector<Share> shares);
  // The whole-number flags read so far that were given on the command line ("--steps
  // 100000000"), else all those read: the sizes to lower when memory runs out.
  std::vector<std::string> sizes_given() const;

  std::string usage() const;
  // Prints "error: <problem>" and the usage to stderr, then exits with status 2.
  [[noreturn]] void fail(const std::string& problem) const;

 private:
  struct Spec {
    std::string default_value, help;
    bool toggle = false;
  };
  const Spec& spec(const std::string& name) const;

  std::string program_, summary_;
  std::vector<std::string> order_;
  std::map<std::string, Spec> specs_;
  std::map<std::string, std::string> values_;
  mutable std::vector<std::string> integers_read_;
};

// "8.2 GiB", "512 MiB": a size in bytes for a message.
std::string format_bytes(double bytes);

// Runs a program's body and makes sure that it ends with a message, never an abort or a
// silent loss, and a non-zero exit when it went wrong:
//  - an exception becomes "error: <what>" on stderr and exit 1 (a shape mismatch, a bad
//    data file);
//  - running out of memory becomes "error: out of memory ... HINT: lower --steps" (the
//    size flags given, when flags are passed); the process may take at most the budget
//    (Flags::memory_budget, plus 1 GiB for the program itself) as address space, so an
//    oversized run fails at once instead of swapping the machine (not under the
//    sanitizers, which reserve far more, nor with WORKBOOK_NO_MEMORY_LIMIT set);
//  - output that could not be written (a full disk, `>/dev/full`) becomes "error: could
//    not write the output ..." and exit 1, at the first failed write.
int guarded_main(const std::function<int()>& body);
int guarded_main(const Flags& flags, const std::function<int()>& body);
