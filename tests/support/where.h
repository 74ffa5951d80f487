// tests/support/where.h: where the code was when a test went wrong. The test runner
// (test_main.cpp) uses it to point at the learner's line: the stack of the last
// exception thrown, and the stack at a crash or at a time limit, turned into file:line.
#pragma once

#include <string>
#include <vector>

namespace where {

// Return addresses, innermost first, as backtrace() gives them.
using Stack = std::vector<void*>;

struct Frame {
  std::string function;  // "affine", without its parameters; "" when unknown
  std::string file;      // relative to the working folder when inside it; "" when unknown
  int line = 0;
};

// From now on every throw in this process records its type and stack (a few µs a throw,
// so only the learner's report turns it on).
void record_throws();

struct Throw {
  std::string type;  // "std::invalid_argument"
  Stack stack;
};
// The last exception thrown in any thread since record_throws(); empty type if none.
Throw last_throw();

// Installs handlers for the signals of a crash or a time limit (SIGSEGV, SIGBUS, SIGFPE,
// SIGILL, SIGABRT; SIGXCPU, and SIGPROF from a CPU timer, both taken as SIGXCPU). In this
// process only (not in a death test's child), each writes one line, mark then
// "T<TAB>signal<TAB>stack", to fd, then dies by that signal. With AddressSanitizer, which
// reports memory errors better, only SIGABRT, SIGXCPU and SIGPROF. mark must outlive the
// process (a string literal).
void report_crashes_to(int fd, const char* mark);

// The signal's name and what it usually means, for a learner: "segmentation fault (a
// read or write through a bad pointer, or far outside an array)".
std::string describe_signal(int signal);

// A stack as text for a pipe ("0x1a2b 0x3c4d"), and back.
std::string to_text(const Stack& stack);
Stack from_text(const std::string& text);

// The frames of each stack, innermost first, inlined calls included: one addr2line run
// for all of them. Frames outside the test binary, and all frames when addr2line is
// missing, come back unknown.
std::vector<std::vector<Frame>> symbolize(const std::vector<Stack>& stacks);

// The first frame whose file is under one of the prefixes ("chapters/"), or nullptr.
const Frame* first_in(const std::vector<Frame>& frames, const std::vector<std::string>& prefixes);

// "chapters/00_welcome/welcome.cpp:21 (affine)"
std::string to_string(const Frame& frame);

}  // namespace where
