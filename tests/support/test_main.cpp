// tests/support/test_main.cpp: the main() of every test binary, and the test runner the
// learner's loop reads.
//
// The tests run in a child process, and this process watches it. So when a test crashes
// (a null write, a failed check that aborts) or never ends (a loop), this process is still
// there to say which test it was and where the code was, and to run the tests after it.
// A test may use WORKBOOK_TEST_SECONDS seconds of CPU (default 5), and three times that
// on the clock; then it is stopped and reported, naming the line it was running. After
// one stop the others get 2 s; after a second, the tests left are reported as not run
// (one loop that never ends, called by many tests, would hold the learner for minutes).
//
// The child writes what each test prints and its records (a test's start, its outcome,
// a crash) into one pipe, in the order they happen; a record is a line that begins with
// kMark. So the output between a test's start and its end is that test's, whatever the
// timing.
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
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "tests/support/report.h"
#include "tests/support/where.h"

namespace {

using namespace runner;
using Clock = std::chrono::steady_clock;

// ---- records from the child: one a line after kMark, fields split by tabs -------------

// Bytes no test prints: the start of a record in the stream of the child's output.
constexpr char kMark[] = "\x1eworkbook-runner\x1e";

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
  std::string line = kMark;
  for (std::size_t i = 0; i < fields.size(); ++i) line += (i ? "\t" : "") + escape(fields[i]);
  line += '\n';
  for (std::size_t done = 0; done < line.size();) {
    const ssize_t n = write(fd, line.data() + done, line.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// A test ("Suite.Name") of a suite named *ProvidedTest tests ready-made code.
bool is_provided(const std::string& name) {
  const std::string suite = name.substr(0, name.find('.'));
  const std::string tag = "ProvidedTest";
  return suite.size() >= tag.size() &&
         suite.compare(suite.size() - tag.size(), tag.size(), tag) == 0;
}

std::string full_name(const testing::TestInfo& info) {
  return std::string(info.test_suite_name()) + "." + info.name();
}

// ---- in the child: the tests, reported to the parent ---------------------------------

// "0.8": seconds with one decimal.
std::string one_decimal(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", seconds);
  return buf;
}

// The CPU time this process has used so far, in seconds.
double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Sends the tests about to run, each test's start and its outcome to the parent over fd.
// A test's CPU time limit is set at its start and lifted at its end.
class Recorder : public testing::EmptyTestEventListener {
 public:
  Recorder(int fd, double cpu_seconds) : fd_(fd), cpu_seconds_(cpu_seconds) {}

  // "L", then the name of each test the filter selected, in the order they will run.
  void OnTestProgramStart(const testing::UnitTest& unit) override {
    std::vector<std::string> list = {"L"};
    for (int i = 0; i < unit.total_test_suite_count(); ++i) {
      const testing::TestSuite& suite = *unit.GetTestSuite(i);
      for (int j = 0; j < suite.total_test_count(); ++j) {
        if (suite.GetTestInfo(j)->should_run()) list.push_back(full_name(*suite.GetTestInfo(j)));
      }
    }
    send(fd_, list);
  }

  void OnTestStart(const testing::TestInfo& info) override {
    parts_.clear();
    stub_ = Outcome{};
    have_stub_ = have_exception_ = false;
    exception_text_.clear();
    send(fd_, {"S", full_name(info), std::to_string(process_cpu_seconds())});
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
    o.provided = is_provided(o.name);
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

  // Lets the process use `seconds` more seconds of CPU from now (0: no limit); beyond
  // that the kernel sends SIGPROF, which the crash handler reports as the time limit.
  // (A timer rather than RLIMIT_CPU, which counts in whole seconds.)
  static void limit_cpu(double seconds) {
    itimerval t{};
    t.it_value.tv_sec = static_cast<time_t>(seconds);
    t.it_value.tv_usec = static_cast<suseconds_t>((seconds - std::floor(seconds)) * 1e6);
    setitimer(ITIMER_PROF, &t, nullptr);
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

// Runs the tests the filter selects, reporting to event_fd, where their output goes too
// when the report captures it; never returns.
[[noreturn]] void run_child(const Settings& s, int event_fd, const std::string& filter) {
  if (s.captures()) {
    dup2(event_fd, STDOUT_FILENO);
    dup2(event_fd, STDERR_FILENO);
  }
  // A test that reads input gets none at once, instead of waiting for a keyboard.
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) {
    dup2(null_fd, STDIN_FILENO);
    close(null_fd);
  }
  // Unbuffered, so a test's output is out before its outcome, and not lost in a crash.
  // (std::cout writes through stdout; std::cerr and stderr are unbuffered already.)
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  where::report_crashes_to(event_fd, kMark);
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

// Splits the child's stream in buf: what the tests printed goes to output, each complete
// record to on_record, in the order they came. What may be the start of a record stays
// in buf until the rest arrives.
template <class OnRecord>
void split(std::string& buf, std::string& output, OnRecord on_record) {
  const std::string mark = kMark;
  while (!buf.empty()) {
    const auto at = buf.find(mark);
    if (at == std::string::npos) {
      std::size_t keep = std::min(buf.size(), mark.size() - 1);
      while (keep > 0 && buf.compare(buf.size() - keep, keep, mark, 0, keep) != 0) --keep;
      output.append(buf, 0, buf.size() - keep);
      buf.erase(0, buf.size() - keep);
      return;
    }
    output.append(buf, 0, at);
    buf.erase(0, at);
    const auto nl = buf.find('\n');
    if (nl == std::string::npos) return;
    on_record(fields_of(buf.substr(mark.size(), nl - mark.size())));
    buf.erase(0, nl + 1);
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
  std::vector<std::string> planned;  // every test the filter selects, as the first child ran
  std::vector<std::string> started;  // every test begun, in any child
  // After one test was stopped at its limit, the others get at most 2 s each; after a
  // second, the tests left are reported as not run: one loop that never ends, called by
  // many tests, then holds the learner a few seconds beyond the first stop, not minutes.
  Settings s = settings;
  constexpr double kLimitAfterAStop = 2;
  // A test stopped on the clock that computed for at least this share of its time was
  // computing, not waiting (a wait computes next to nothing).
  constexpr double kComputingShare = 0.1;
  constexpr int kStopsAtMost = 2;
  int stops = 0;
  while (true) {
    const double wall_seconds = 3 * s.cpu_seconds;
    int stream[2];
    if (pipe(stream) != 0) {
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
      close(stream[0]);
      run_child(s, stream[1], without(filter, started));
    }
    close(stream[1]);
    set_nonblocking(stream[0]);

    std::string buf, output_buf, current, crash_stack;
    bool finished = false, stream_open = true, timed_out = false;
    Clock::time_point test_start{}, kill_at{};
    double test_cpu_start = 0;  // the child's CPU seconds when the current test began
    int status = 0;
    rusage usage{};
    auto on_record = [&](const std::vector<std::string>& f) {
      if (f[0] == "L") {
        if (planned.empty()) planned.assign(f.begin() + 1, f.end());
      } else if (f[0] == "S" && f.size() >= 2) {
        current = f[1];
        started.push_back(current);
        test_start = Clock::now();
        test_cpu_start = f.size() >= 3 ? std::strtod(f[2].c_str(), nullptr) : 0.0;
        output_buf.clear();
      } else if (f[0] == "E" && f.size() >= 10) {
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
        crash_stack = f[2];
      } else if (f[0] == "D") {
        finished = true;
      }
    };
    while (true) {
      pollfd fds[1] = {{stream[0], POLLIN, 0}};
      poll(fds, stream_open ? 1 : 0, 100);
      if (stream_open) {
        stream_open = read_some(stream[0], buf);
        split(buf, output_buf, on_record);
      }
      const pid_t done = wait4(child, &status, WNOHANG, &usage);
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
    // The child is gone: what is left in the pipe is complete.
    read_some(stream[0], buf);
    split(buf, output_buf, on_record);
    if (buf.find(kMark) == std::string::npos) output_buf += buf;
    close(stream[0]);

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
      // On the clock's limit, what the test did meanwhile tells a loop that computes on
      // a busy machine (which gives it only part of a core) from a wait that never ends.
      const double test_cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                              1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) -
                              test_cpu_start;
      const bool computing = test_cpu >= kComputingShare * wall_seconds;
      o.summary =
          !timed_out
              ? "stopped: still running after " + short_number(std::to_string(s.cpu_seconds)) +
                    " s of computing (a loop that never ends?)"
          : computing
              ? "stopped: still running after " + short_number(std::to_string(wall_seconds)) +
                    " s on the clock, " + one_decimal(test_cpu) +
                    " s of it computing (a loop that never ends, on a busy machine?)"
              : "stopped: still running after " + short_number(std::to_string(wall_seconds)) +
                    " s on the clock (waiting for something that never comes?)";
      s.cpu_seconds = std::min(s.cpu_seconds, kLimitAfterAStop);
      ++stops;
    } else if (WIFSIGNALED(status)) {
      o.kind = Kind::kCrash;
      o.summary = "crashed: " + where::describe_signal(WTERMSIG(status));
    } else {
      o.kind = Kind::kExit;
      o.summary = "the program ended inside this test (exit status " +
                  std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
    }
    o.detail = o.summary;
    report.add(std::move(o));
    if (stops >= kStopsAtMost && !planned.empty()) {
      for (const std::string& name : planned) {
        if (std::find(started.begin(), started.end(), name) != started.end()) continue;
        Outcome n;
        n.name = name;
        n.provided = is_provided(name);
        n.kind = Kind::kNotRun;
        n.summary = "not run: " + std::to_string(stops) + " tests before it were stopped";
        n.detail = n.summary;
        report.add(std::move(n));
      }
      break;
    }
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
