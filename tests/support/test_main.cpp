// tests/support/test_main.cpp: the main() of every test binary, and the test runner the
// learner's loop reads.
//
// The tests run in a child process, and this process watches it. So when a test crashes
// (a null write, a failed check that aborts) or never ends (a loop), this process is still
// there to say which test it was and where the code was, and to run the tests after it.
// A test may use WORKBOOK_TEST_SECONDS seconds of CPU (default 5), and three times that
// on the clock; then it is stopped and reported, naming the line it was running.
//
// WORKBOOK_REPORT chooses the report:
//   (unset)   GoogleTest's own output, plus a "[  FAILED  ]" line for a test that crashed
//             or was stopped (make test, make sanitize, make mutants)
//   learner   one line per test, the first failure in full, and where to work next
//             (make check; WORKBOOK_CHAPTER=03_gradient_descent names the chapter)
//   progress  one line: tests passing, and whether the chapter is done (make progress)
//   bite      the proof that tests bite, run on the stubs: every exercise test must fail;
//             suites named *ProvidedTest test ready-made code and are exempt
// The maintainers' and the bite check's reports end with the line tools/ read:
//   workbook-result: passed=P failed=F skipped=S exercise_passed=E exercise_total=T
// Exit status: 0 when every test that ran passed (bite: when every exercise test failed),
// 1 otherwise; learner and progress: 3 when all passed but some were skipped.
// The reports themselves are in report.cpp; where.cpp finds the learner's line.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "tests/support/report.h"
#include "tests/support/where.h"

namespace {

using namespace runner;
using Clock = std::chrono::steady_clock;

// ---- records from the child: one a line, fields split by tabs ------------------------

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields(1);
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\t') {
      fields.emplace_back();
    } else if (c == '\\' && i + 1 < line.size()) {
      const char n = line[++i];
      fields.back() += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

void send(int fd, const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) line += (i ? "\t" : "") + escape(fields[i]);
  line += '\n';
  for (std::size_t done = 0; done < line.size();) {
    const ssize_t n = write(fd, line.data() + done, line.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

bool is_provided(const testing::TestInfo& info) {
  const std::string suite = info.test_suite_name();
  const std::string tag = "ProvidedTest";
  return suite.size() >= tag.size() &&
         suite.compare(suite.size() - tag.size(), tag.size(), tag) == 0;
}

std::string full_name(const testing::TestInfo& info) {
  return std::string(info.test_suite_name()) + "." + info.name();
}

// ---- in the child: the tests, reported to the parent ---------------------------------

// Sends each test's start and its outcome to the parent over fd. Its CPU time limit is
// set at its start and lifted at its end.
class Recorder : public testing::EmptyTestEventListener {
 public:
  Recorder(int fd, double cpu_seconds) : fd_(fd), cpu_seconds_(cpu_seconds) {}

  void OnTestStart(const testing::TestInfo& info) override {
    parts_.clear();
    stub_ = Outcome{};
    have_stub_ = have_exception_ = false;
    exception_text_.clear();
    send(fd_, {"S", full_name(info)});
    limit_cpu(cpu_seconds_);
  }

  void OnTestPartResult(const testing::TestPartResult& part) override {
    if (part.skipped()) return;
    if (!part.failed()) return;
    const std::string message = part.message() ? part.message() : "";
    if (!have_stub_ && parse_stub(message, stub_)) have_stub_ = true;
    // An exception that escaped the test carries no file; an assertion does.
    const bool escaped =
        part.file_name() == nullptr && (message.rfind("C++ exception with description", 0) == 0 ||
                                        message.rfind("Unknown C++ exception", 0) == 0);
    if (escaped && !have_exception_) {
      have_exception_ = true;
      exception_text_ = message;
      thrown_ = where::last_throw();
    }
    std::string text;
    if (part.file_name() != nullptr) {
      text =
          "at " + std::string(part.file_name()) + ":" + std::to_string(part.line_number()) + "\n";
    }
    parts_.push_back(text + message);
  }

  void OnTestEnd(const testing::TestInfo& info) override {
    limit_cpu(0);
    Outcome o;
    o.name = full_name(info);
    o.provided = is_provided(info);
    if (info.result()->Skipped()) {
      o.kind = Kind::kSkipped;
      o.summary = skip_reason(info);
    } else if (info.result()->Passed()) {
      o.kind = Kind::kPassed;
    } else if (have_stub_) {
      o.kind = Kind::kStub;
      o.stub_where = stub_.stub_where;
      o.stub_chapter = stub_.stub_chapter;
      o.stub_function = stub_.stub_function;
      o.summary = o.stub_function + " is not written yet (" + o.stub_where + ")";
      o.detail = parts_.empty() ? "" : parts_.front();
      // Its own message rather than GoogleTest's wrapping of it.
      const std::string what = description(exception_text_);
      if (have_exception_ && what.find(" is not written yet (") != std::string::npos)
        o.detail = what;
    } else if (have_exception_) {
      o.kind = Kind::kException;
      const std::string what = description(exception_text_);
      const std::string type = thrown_.type.empty() ? "an exception" : thrown_.type;
      o.summary = "threw " + type + (what.empty() ? "" : ": " + first_line(what));
      o.detail = "an exception escaped the test: " + type + (what.empty() ? "" : "\n" + what);
      o.stack = thrown_.stack;
    } else {
      o.kind = Kind::kWrongAnswer;
      const std::string& first = parts_.empty() ? std::string() : parts_.front();
      o.summary = condense(first.rfind("at ", 0) == 0 ? first.substr(first.find('\n') + 1) : first);
      const std::size_t shown = std::min<std::size_t>(parts_.size(), 3);
      for (std::size_t i = 0; i < shown; ++i) o.detail += (i ? "\n" : "") + parts_[i];
      if (parts_.size() > shown) {
        o.detail +=
            "\n(and " + std::to_string(parts_.size() - shown) + " more failed checks in this test)";
      }
    }
    send(fd_, {"E", o.name, kind_name(o.kind), o.provided ? "1" : "0", o.summary, o.detail,
               o.stub_where, o.stub_chapter, o.stub_function, where::to_text(o.stack)});
  }

  void OnTestProgramEnd(const testing::UnitTest&) override { send(fd_, {"D"}); }

 private:
  // 'C++ exception with description "WHAT" thrown in the test body.' → WHAT, or "".
  static std::string description(const std::string& message) {
    const auto open = message.find('"'), close = message.rfind("\" thrown in");
    if (open == std::string::npos || close == std::string::npos || close <= open) return "";
    return message.substr(open + 1, close - open - 1);
  }

  // Lets the process use `seconds` more CPU seconds from now (0: no limit); beyond that
  // the kernel sends SIGXCPU, which the crash handler reports as the time limit.
  static void limit_cpu(double seconds) {
    rlimit lim{};
    getrlimit(RLIMIT_CPU, &lim);
    if (seconds <= 0) {
      lim.rlim_cur = lim.rlim_max;
    } else {
      rusage use{};
      getrusage(RUSAGE_SELF, &use);
      const double used = static_cast<double>(use.ru_utime.tv_sec + use.ru_stime.tv_sec) +
                          (use.ru_utime.tv_usec + use.ru_stime.tv_usec) / 1e6;
      lim.rlim_cur = static_cast<rlim_t>(std::ceil(used + seconds));
      if (lim.rlim_max != RLIM_INFINITY && lim.rlim_cur > lim.rlim_max) lim.rlim_cur = lim.rlim_max;
    }
    setrlimit(RLIMIT_CPU, &lim);
  }

  static std::string skip_reason(const testing::TestInfo& info) {
    const testing::TestResult* result = info.result();
    for (int i = 0; i < result->total_part_count(); ++i) {
      const auto& part = result->GetTestPartResult(i);
      if (part.skipped() && part.message() && *part.message()) {
        std::string m = part.message();
        if (m.rfind("Skipped\n", 0) == 0) m = m.substr(8);
        return first_line(m);
      }
    }
    return "";
  }

  int fd_;
  double cpu_seconds_;
  std::vector<std::string> parts_;
  Outcome stub_;
  bool have_stub_ = false, have_exception_ = false;
  std::string exception_text_;
  where::Throw thrown_;
};

// Runs the tests the filter selects, reporting to event_fd; never returns.
[[noreturn]] void run_child(const Settings& s, int event_fd, int output_fd,
                            const std::string& filter) {
  if (output_fd >= 0) {
    dup2(output_fd, STDOUT_FILENO);
    dup2(output_fd, STDERR_FILENO);
    close(output_fd);
  }
  // A test that reads input gets none at once, instead of waiting for a keyboard.
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) {
    dup2(null_fd, STDIN_FILENO);
    close(null_fd);
  }
  // Unbuffered, so a test's output is out before its outcome, and not lost in a crash.
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  where::report_crashes_to(event_fd);
  if (s.captures()) where::record_throws();
  auto& listeners = testing::UnitTest::GetInstance()->listeners();
  if (s.captures()) delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new Recorder(event_fd, s.cpu_seconds));  // GoogleTest deletes it
  GTEST_FLAG_SET(filter, filter);
  const int status = RUN_ALL_TESTS();
  std::fflush(nullptr);
  std::exit(status);
}

// ---- in the parent: running children until every test has run ------------------------

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Reads what is there without waiting; false at the end of the stream.
bool read_some(int fd, std::string& into) {
  char buf[65536];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
      into.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EINTR);
  }
}

// "A-B:C" plus the names in `done` among the negative patterns.
std::string without(const std::string& filter, const std::vector<std::string>& done) {
  if (done.empty()) return filter;
  std::string f = filter.empty() ? "*" : filter;
  f += f.find('-') == std::string::npos ? "-" : ":";
  for (std::size_t i = 0; i < done.size(); ++i) f += (i ? ":" : "") + done[i];
  return f;
}

int supervise(const Settings& settings) {
  Report report(settings);
  const std::string filter = GTEST_FLAG_GET(filter);
  std::vector<std::string> started;  // every test begun, in any child
  // After one test was stopped at its limit, the others get at most 3 s each, so that one
  // loop that never ends, called by many tests, does not hold the learner for minutes.
  Settings s = settings;
  constexpr double kLimitAfterAStop = 3;
  while (true) {
    const double wall_seconds = 3 * s.cpu_seconds;
    int events[2], output[2] = {-1, -1};
    if (pipe(events) != 0 || (s.captures() && pipe(output) != 0)) {
      std::perror("test runner: pipe");
      return 1;
    }
    std::cout << std::flush;
    const pid_t child = fork();
    if (child < 0) {
      std::perror("test runner: fork");
      return 1;
    }
    if (child == 0) {
      close(events[0]);
      if (output[0] >= 0) close(output[0]);
      run_child(s, events[1], output[1], without(filter, started));
    }
    close(events[1]);
    if (output[1] >= 0) close(output[1]);
    set_nonblocking(events[0]);
    if (output[0] >= 0) set_nonblocking(output[0]);

    std::string event_buf, output_buf, current, crash_stack;
    int crash_signal = 0;
    bool finished = false, events_open = true, timed_out = false;
    Clock::time_point test_start{}, kill_at{};
    int status = 0;
    // Handles the complete records in event_buf.
    auto handle_events = [&]() {
      std::size_t nl;
      while ((nl = event_buf.find('\n')) != std::string::npos) {
        const auto f = fields_of(event_buf.substr(0, nl));
        event_buf.erase(0, nl + 1);
        if (f[0] == "S" && f.size() >= 2) {
          current = f[1];
          started.push_back(current);
          test_start = Clock::now();
          output_buf.clear();
        } else if (f[0] == "E" && f.size() >= 10) {
          if (output[0] >= 0) read_some(output[0], output_buf);
          Outcome o;
          o.name = f[1];
          o.kind = kind_from(f[2]);
          o.provided = f[3] == "1";
          o.summary = f[4];
          o.detail = f[5];
          o.stub_where = f[6];
          o.stub_chapter = f[7];
          o.stub_function = f[8];
          o.stack = where::from_text(f[9]);
          o.output = output_buf;
          output_buf.clear();
          report.add(std::move(o));
          current.clear();
        } else if (f[0] == "T" && f.size() >= 3) {
          crash_signal = std::atoi(f[1].c_str());
          crash_stack = f[2];
        } else if (f[0] == "D") {
          finished = true;
        }
      }
    };
    while (true) {
      pollfd fds[2] = {{events[0], POLLIN, 0}, {output[0], POLLIN, 0}};
      poll(fds, output[0] >= 0 ? 2 : 1, 100);
      if (events_open) {
        events_open = read_some(events[0], event_buf);
        handle_events();
      }
      if (output[0] >= 0) read_some(output[0], output_buf);
      const pid_t done = waitpid(child, &status, WNOHANG);
      if (done == child) break;
      const auto now = Clock::now();
      if (!current.empty() && !timed_out &&
          now - test_start > std::chrono::duration<double>(wall_seconds)) {
        // Past its time on the clock (waiting, not computing): stopped the same way as by
        // the CPU limit, so its stack is reported.
        timed_out = true;
        kill(child, SIGXCPU);
        kill_at = now + std::chrono::seconds(2);
      }
      if (timed_out && now > kill_at) kill(child, SIGKILL);
    }
    // The child is gone: what is left in the pipes is complete.
    read_some(events[0], event_buf);
    handle_events();
    if (output[0] >= 0) {
      read_some(output[0], output_buf);
      close(output[0]);
    }
    close(events[0]);

    std::string how;
    if (WIFSIGNALED(status)) {
      how = WTERMSIG(status) == SIGXCPU ? "was stopped at its time limit"
                                        : "crashed: " + where::describe_signal(WTERMSIG(status));
    } else if (WIFEXITED(status)) {
      how = "ended with exit status " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status) &&
        (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGHUP)) {
      // Ctrl-C (or a kill) reached the tests: stop here too, the same way.
      signal(WTERMSIG(status), SIG_DFL);
      raise(WTERMSIG(status));
    }
    if (finished) {
      if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) > 1)) {
        report.problem("after its last test, the test program " + how + " (see the output above)");
      }
      break;
    }
    if (current.empty()) {
      report.problem("the test program " + how + " outside any test (in a suite's set-up?)");
      if (!output_buf.empty()) std::cout << indent(output_buf, "          | ") << "\n";
      break;
    }
    Outcome o;
    o.name = current;
    o.output = output_buf;
    o.stack = where::from_text(crash_stack);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
      o.kind = Kind::kTimeLimit;
      o.summary =
          timed_out
              ? "stopped: still running after " + short_number(std::to_string(wall_seconds)) +
                    " s on the clock (waiting for something that never comes?)"
              : "stopped: still running after " + short_number(std::to_string(s.cpu_seconds)) +
                    " s of computing (a loop that never ends?)";
      s.cpu_seconds = std::min(s.cpu_seconds, kLimitAfterAStop);
    } else if (WIFSIGNALED(status)) {
      o.kind = Kind::kCrash;
      o.summary = "crashed: " + where::describe_signal(WTERMSIG(status));
    } else {
      o.kind = Kind::kExit;
      o.summary = "the program ended inside this test (exit status " +
                  std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
    }
    (void)crash_signal;
    o.detail = o.summary;
    report.add(std::move(o));
    // The tests after it run in a fresh child.
  }
  return report.finish();
}

// Runs without a watching parent: what GoogleTest does itself (listing the tests, a
// death test's own child, repeated or shuffled runs).
bool plain_run_wanted() {
  return !GTEST_FLAG_GET(internal_run_death_test).empty() || GTEST_FLAG_GET(list_tests) ||
         GTEST_FLAG_GET(repeat) != 1 || GTEST_FLAG_GET(shuffle);
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  const Settings s = settings_from_environment();
  if (plain_run_wanted() || std::getenv("WORKBOOK_NO_SUPERVISOR") != nullptr) {
    return RUN_ALL_TESTS();
  }
  return supervise(s);
}
