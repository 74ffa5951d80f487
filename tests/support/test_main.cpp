// tests/support/test_main.cpp: the main() of every test binary.
//
// With no WORKBOOK_REPORT in the environment it is GoogleTest's usual main, the
// maintainers' view. tools/ set WORKBOOK_REPORT to one of:
//   learner  one line per test, then the first failure in full (make check)
//   bite     the proof that tests bite: run against the stubs, every exercise test must
//            fail; suites named *ProvidedTest test ready-made code and are exempt
// Every mode ends with one machine-readable line that tools/ read:
//   workbook-result: passed=P failed=F exercise_passed=E exercise_total=T
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

bool is_provided(const testing::TestInfo& info) {
  const std::string suite = info.test_suite_name();
  const std::string tag = "ProvidedTest";
  return suite.size() >= tag.size() && suite.compare(suite.size() - tag.size(), tag.size(), tag) == 0;
}

std::string full_name(const testing::TestInfo& info) {
  return std::string(info.test_suite_name()) + "." + info.name();
}

// Collects results and prints them in the learner's or the bite check's format.
class WorkbookReporter : public testing::EmptyTestEventListener {
 public:
  explicit WorkbookReporter(std::string mode) : mode_(std::move(mode)) {}

  void OnTestPartResult(const testing::TestPartResult& part) override {
    if (!part.failed() || !first_failure_.empty() || current_failed_) return;
    // Assertions carry a file and line; an exception escaping the test does not.
    if (part.file_name() != nullptr) {
      pending_failure_ = "  at " + std::string(part.file_name()) + ":" +
                         std::to_string(part.line_number()) + "\n";
    }
    pending_failure_ += indent(part.message());
    current_failed_ = true;
  }

  void OnTestStart(const testing::TestInfo&) override {
    current_failed_ = false;
    pending_failure_.clear();
  }

  void OnTestEnd(const testing::TestInfo& info) override {
    const bool passed = info.result()->Passed();
    const bool skipped = info.result()->Skipped();
    if (skipped) {
      ++skipped_;
      if (mode_ == "learner") std::cout << "  skip  " << full_name(info) << skip_reason(info) << "\n";
      return;
    }
    passed ? ++passed_ : ++failed_;
    if (!is_provided(info)) {
      ++exercise_total_;
      if (passed) {
        ++exercise_passed_;
        if (mode_ == "bite") passing_exercise_tests_.push_back(full_name(info));
      }
    }
    if (mode_ == "learner") {
      std::cout << (passed ? "  ok    " : "  FAIL  ") << full_name(info) << "\n";
      if (!passed && first_failure_.empty()) {
        first_failure_ = full_name(info) + "\n" + pending_failure_;
      }
    }
  }

  void OnTestProgramEnd(const testing::UnitTest&) override {
    if (mode_ == "learner" && !first_failure_.empty()) {
      std::cout << "\nfirst failure: " << first_failure_ << "\n";
    }
    if (mode_ == "bite") {
      for (const auto& name : passing_exercise_tests_) {
        std::cout << "  passes on the stubs (it must fail there): " << name << "\n";
      }
    }
    std::cout << "workbook-result: passed=" << passed_ << " failed=" << failed_
              << " skipped=" << skipped_ << " exercise_passed=" << exercise_passed_
              << " exercise_total=" << exercise_total_ << std::endl;
  }

  bool bite_holds() const { return exercise_total_ > 0 && exercise_passed_ == 0; }

 private:
  static std::string indent(const std::string& text) {
    std::string out = "  ";
    for (char c : text) {
      out += c;
      if (c == '\n') out += "  ";
    }
    return out;
  }

  static std::string skip_reason(const testing::TestInfo& info) {
    const testing::TestResult* result = info.result();
    for (int i = 0; i < result->total_part_count(); ++i) {
      const auto& part = result->GetTestPartResult(i);
      if (part.skipped() && part.message() && *part.message()) {
        return std::string(" (") + part.message() + ")";
      }
    }
    return "";
  }

  std::string mode_;
  int passed_ = 0, failed_ = 0, skipped_ = 0, exercise_passed_ = 0, exercise_total_ = 0;
  bool current_failed_ = false;
  std::string pending_failure_, first_failure_;
  std::vector<std::string> passing_exercise_tests_;
};

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  const char* env = std::getenv("WORKBOOK_REPORT");
  const std::string mode = env ? env : "";
  auto& listeners = testing::UnitTest::GetInstance()->listeners();
  if (mode == "learner" || mode == "bite") {
    delete listeners.Release(listeners.default_result_printer());
  }
  auto* reporter = new WorkbookReporter(mode.empty() ? "maintainer" : mode);
  listeners.Append(reporter);  // GoogleTest owns and deletes it
  const int status = RUN_ALL_TESTS();
  if (mode == "bite") return reporter->bite_holds() ? 0 : 1;
  return status;
}
