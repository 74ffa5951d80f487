// tests/support/report.h: what the test runner (test_main.cpp) knows about a test's
// outcome, and the reports it prints from them: GoogleTest's own for maintainers, the
// learner's (make check), one line a chapter (make progress), the bite check's.
#pragma once

#include <string>
#include <vector>

#include "tests/support/where.h"

namespace runner {

struct Settings {
  std::string mode = "maintainer";  // maintainer, learner, progress, bite
  std::string chapter;              // "03_gradient_descent", or "" when not told
  std::string previous;             // "solutions" when earlier chapters come from solutions/
  double cpu_seconds = 5;  // per test: 10 times the slowest test of the learner build (0.5 s)
  bool captures() const { return mode != "maintainer"; }
  std::string number() const { return chapter.substr(0, 2); }
  std::string recheck() const {
    return "make check CH=" + number() + (previous.empty() ? "" : " PREVIOUS=" + previous);
  }
};

// From WORKBOOK_REPORT, WORKBOOK_CHAPTER, WORKBOOK_PREVIOUS, WORKBOOK_TEST_SECONDS.
Settings settings_from_environment();

// ---- what one test did ---------------------------------------------------------------

// kNotRun: left out after repeated time limits (the runner's choice, not the test's).
enum class Kind {
  kPassed,
  kSkipped,
  kWrongAnswer,
  kStub,
  kException,
  kCrash,
  kTimeLimit,
  kExit,
  kNotRun
};
// "stub" and back, for the records the child sends.
const char* kind_name(Kind k);
Kind kind_from(const std::string& name);

struct Outcome {
  std::string name;
  Kind kind = Kind::kPassed;
  bool provided = false;      // a *ProvidedTest: tests given code, exempt from the bite check
  std::string summary;        // one line, under the test's name in the list
  std::string detail;         // the failure in full
  std::string stub_where;     // "chapters/00_welcome/welcome.cpp:14" for a stub
  std::string stub_chapter;   // "00"
  std::string stub_function;  // "mean"
  where::Stack stack;         // where the exception was thrown, or where the crash hit
  std::string output;         // what the test printed (captured reports only)
  bool failed() const { return kind != Kind::kPassed && kind != Kind::kSkipped; }
};

// ---- text ----------------------------------------------------------------------------

// One line for an assertion's message: EXPECT_NEAR and EXPECT_EQ say "what = value,
// expected value"; anything else, its first line.
std::string condense(const std::string& message);
// In "X is not written yet (FILE:LINE, chapter NN). HINT...", the stub's name, place and
// chapter, into o. False when the text names no stub.
bool parse_stub(const std::string& text, Outcome& o);
// "2.0030004501823608" → "2.003"; text that is not a number stays as it is.
std::string short_number(const std::string& text);
std::string first_line(const std::string& text);
// Each line of text prefixed by `by`.
std::string indent(const std::string& text, const std::string& by);

// ---- the report ----------------------------------------------------------------------

class Report {
 public:
  explicit Report(const Settings& s) : s_(s) {}

  // One test's outcome; in the learner's report, its line is printed at once.
  void add(Outcome o);
  // A failure that belongs to no test, such as a crash between two tests.
  void problem(const std::string& text);
  // The summary (the first failure in full, where to work next) and the result line;
  // returns the exit status.
  int finish();

 private:
  void print_learner_line(const Outcome& o);

  // What a test printed, under its line: at most 12 lines.
  static void print_output(const std::string& output);

  // The learner's line in a stack: the first frame under chapters/, and the frame the
  // trouble started in when that is elsewhere (common/matrix.cpp's product, say).
  std::string where_lines(const Outcome& o, const std::string& verb) const;

  // The TODO above a stub's throw, with the comment lines that continue it.
  static std::string todo_at(const std::string& file_colon_line, std::string* todo_where);

  int finish_learner();
  int finish_progress();
  int finish_bite();

  const Settings& s_;
  std::vector<Outcome> outcomes_;
  std::vector<std::string> problems_;
  int passed_ = 0, failed_ = 0, skipped_ = 0, not_run_ = 0, exercise_passed_ = 0,
      exercise_total_ = 0;  // failed_ counts the not run too
};

}  // namespace runner
