// common/cli.h: command-line flags and the top-level error handler of every program.
//
//   Flags flags("07_learning_mnist", "Trains the two-layer net on MNIST.");
//   flags.option("lr", "0.1", "learning rate");
//   flags.toggle("ascent", "flip the update's sign (watch the loss climb)");
//   flags.parse(argc, argv);              // bad input: usage on stderr, exit 2
//   double lr = flags.number("lr");       // a non-numeric value: usage, exit 2
//
// Values are written `--lr 0.1` or `--lr=0.1`. `--help` prints the usage and exits 0.
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
  // max keeps counts far from overflowing an int or exhausting memory by a typo.
  long integer(const std::string& name, long min = 1, long max = 1'000'000'000) const;
  bool on(const std::string& name) const;

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
};

// Runs a program's body; an exception becomes "error: <what>" on stderr and exit 1, so
// a shape mismatch or a bad data file ends with a message, never an abort.
int guarded_main(const std::function<int()>& body);
