// tests/support/report.cpp: see report.h.
#include "tests/support/report.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>

namespace runner {

Settings settings_from_environment() {
  Settings s;
  if (const char* v = std::getenv("WORKBOOK_REPORT"); v != nullptr && *v != '\0') s.mode = v;
  if (const char* v = std::getenv("WORKBOOK_CHAPTER")) s.chapter = v;
  if (const char* v = std::getenv("WORKBOOK_PREVIOUS")) s.previous = v;
  if (const char* v = std::getenv("WORKBOOK_TEST_SECONDS")) {
    const double x = std::atof(v);
    if (x > 0) s.cpu_seconds = x;
  }
  return s;
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kPassed:
      return "passed";
    case Kind::kSkipped:
      return "skipped";
    case Kind::kWrongAnswer:
      return "answer";
    case Kind::kStub:
      return "stub";
    case Kind::kException:
      return "exception";
    case Kind::kCrash:
      return "crash";
    case Kind::kTimeLimit:
      return "time";
    case Kind::kExit:
      return "exit";
    case Kind::kNotRun:
      return "not-run";
  }
  return "?";
}

Kind kind_from(const std::string& name) {
  for (Kind k : {Kind::kPassed, Kind::kSkipped, Kind::kWrongAnswer, Kind::kStub, Kind::kException,
                 Kind::kCrash, Kind::kTimeLimit, Kind::kExit, Kind::kNotRun}) {
    if (name == kind_name(k)) return k;
  }
  return Kind::kWrongAnswer;
}

std::string indent(const std::string& text, const std::string& by) {
  std::string out = by;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '\n' && i + 1 < text.size()) out += by;
  }
  return out;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

namespace {

std::string clip(const std::string& text, std::size_t width) {
  return text.size() <= width ? text : text.substr(0, width - 3) + "...";
}

// The value after the last `marker` on a line ("x evaluates to 10" → "10").
std::string after(const std::string& line, const std::string& marker) {
  const auto at = line.rfind(marker);
  return at == std::string::npos ? "" : line.substr(at + marker.size());
}

}  // namespace

std::string short_number(const std::string& text) {
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(x)) return text;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", x);
  return buf;
}

std::string condense(const std::string& message) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start <= message.size();) {
    const auto end = message.find('\n', start);
    lines.push_back(
        message.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  // "The difference between A and B is D, which exceeds T, where\nA evaluates to X,\n
  //  B evaluates to Y, and\nT evaluates to Z."
  if (lines.size() >= 4 && lines[0].rfind("The difference between ", 0) == 0) {
    const auto a = lines[1].rfind(" evaluates to ");
    const auto b = lines[2].rfind(" evaluates to ");
    if (a != std::string::npos && b != std::string::npos) {
      std::string x = lines[1].substr(a + 14), y = lines[2].substr(b + 14),
                  t = after(lines[3], " evaluates to ");
      if (!x.empty() && x.back() == ',') x.pop_back();
      if (y.size() >= 5 && y.compare(y.size() - 5, 5, ", and") == 0) y.resize(y.size() - 5);
      if (!t.empty() && t.back() == '.') t.pop_back();
      const std::string expected_expr = lines[2].substr(0, b);
      std::string s = lines[1].substr(0, a) + " = " + short_number(x) + ", expected ";
      s += short_number(expected_expr) == short_number(y) ? short_number(y)
                                                          : expected_expr + " = " + short_number(y);
      return s + " (within " + short_number(t) + ")";
    }
  }
  // "Expected equality of these values:\n  A\n    Which is: X\n  B\n    Which is: Y"
  if (!lines.empty() && lines[0] == "Expected equality of these values:") {
    std::vector<std::pair<std::string, std::string>> sides;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const std::string& l = lines[i];
      if (l.rfind("    Which is: ", 0) == 0 && !sides.empty()) {
        sides.back().second = l.substr(14);
      } else if (l.rfind("  ", 0) == 0 && l.rfind("    ", 0) != 0) {
        sides.emplace_back(l.substr(2), l.substr(2));
      } else {
        break;
      }
    }
    if (sides.size() == 2) {
      std::string s = sides[0].first;
      if (sides[0].second != sides[0].first) s += " = " + short_number(sides[0].second);
      s += ", expected " + sides[1].first;
      if (sides[1].second != sides[1].first) s += " = " + short_number(sides[1].second);
      return s;
    }
  }
  // "Value of: ok\n  Actual: false\nExpected: true"
  if (lines.size() >= 3 && lines[0].rfind("Value of: ", 0) == 0) {
    return lines[0].substr(10) + " is " + after(lines[1], "Actual: ") + ", expected " +
           after(lines[2], "Expected: ");
  }
  // "Expected: f() throws an exception of type T.\n  Actual: it throws nothing."
  if (lines.size() >= 2 && lines[1].rfind("  Actual: ", 0) == 0)
    return lines[0] + " Actual: " + lines[1].substr(10);
  // ADD_FAILURE() << "why" and FAIL() << "why": "Failed\nwhy".
  for (const auto& l : lines) {
    if (!l.empty() && !(l == "Failed" && lines.size() > 1)) return l;
  }
  return "failed";
}

bool parse_stub(const std::string& text, Outcome& o) {
  const std::string marker = " is not written yet (";
  const auto at = text.find(marker);
  if (at == std::string::npos) return false;
  auto name_start = text.find_last_of(" \"", at == 0 ? 0 : at - 1);
  name_start = name_start == std::string::npos ? 0 : name_start + 1;
  const auto open = at + marker.size();
  const auto comma = text.find(", chapter ", open);
  const auto close = text.find(')', open);
  if (comma == std::string::npos || close == std::string::npos || comma > close) return false;
  o.stub_function = text.substr(name_start, at - name_start);
  o.stub_where = text.substr(open, comma - open);
  o.stub_chapter = text.substr(comma + 10, close - comma - 10);
  return true;
}

void Report::add(Outcome o) {
  if (o.kind == Kind::kSkipped)
    ++skipped_;
  else if (o.failed())
    ++failed_;
  else
    ++passed_;
  if (!o.provided && o.kind != Kind::kSkipped) {
    ++exercise_total_;
    if (!o.failed()) ++exercise_passed_;
  }
  if (o.kind == Kind::kNotRun) ++not_run_;
  if (s_.mode == "learner") print_learner_line(o);
  if (s_.mode == "maintainer" && (o.kind == Kind::kCrash || o.kind == Kind::kTimeLimit ||
                                  o.kind == Kind::kExit || o.kind == Kind::kNotRun)) {
    std::cout << "[  FAILED  ] " << o.name << " (" << o.summary << ")\n";
    if (!o.stack.empty()) {
      const auto frames = where::symbolize({o.stack});
      if (const auto* f =
              where::first_in(frames[0], {"chapters/", "solutions/", "common/", "tests/"})) {
        std::cout << "             at " << where::to_string(*f) << "\n";
      }
    }
    std::cout << std::flush;
  }
  outcomes_.push_back(std::move(o));
}

// A failure that belongs to no test, such as a crash between two tests.
void Report::problem(const std::string& text) {
  ++failed_;
  problems_.push_back(text);
  std::cout << (s_.mode == "maintainer" ? "[  FAILED  ] " : "  FAIL  ") << text << "\n"
            << std::flush;
}

int Report::finish() {
  int status = failed_ > 0 ? 1 : 0;
  if (s_.mode == "learner") status = finish_learner();
  if (s_.mode == "progress") status = finish_progress();
  if (s_.mode == "bite") status = finish_bite();
  if (s_.mode == "maintainer") {
    if (failed_ > 0) {
      std::cout << "\nfailing tests (" << failed_ << "):";
      for (const auto& o : outcomes_) {
        if (o.failed()) std::cout << " " << o.name;
      }
      std::cout << "\n";
    }
    for (const auto& o : outcomes_) {
      if (o.kind == Kind::kSkipped) std::cout << "skipped: " << o.name << ": " << o.summary << "\n";
    }
  }
  if (s_.mode == "learner" || s_.mode == "progress") return status;
  std::cout << "workbook-result: passed=" << passed_ << " failed=" << failed_
            << " skipped=" << skipped_ << " exercise_passed=" << exercise_passed_
            << " exercise_total=" << exercise_total_ << std::endl;
  return status;
}

void Report::print_learner_line(const Outcome& o) {
  if (o.kind == Kind::kPassed) {
    std::cout << "  ok    " << o.name << "\n";
  } else if (o.kind == Kind::kSkipped) {
    std::cout << "  skip  " << o.name << (o.summary.empty() ? "" : " (" + o.summary + ")") << "\n";
  } else if (o.kind == Kind::kNotRun) {
    std::cout << "  --    " << o.name << " (not run)\n";
  } else {
    std::cout << "  FAIL  " << o.name << "\n";
    std::cout << "          " << clip(o.summary, 110) << "\n";
    if (o.kind == Kind::kCrash || o.kind == Kind::kTimeLimit) {
      const auto frames = where::symbolize({o.stack})[0];
      if (const auto* f = where::first_in(frames, {"chapters/"})) {
        std::cout << "          in your code at " << where::to_string(*f) << "\n";
      }
    }
  }
  if (!o.output.empty()) print_output(o.output);
  std::cout << std::flush;
}

// What a test printed, under its line: at most 12 lines.
void Report::print_output(const std::string& output) {
  std::size_t start = 0, count = 0, lines = 0;
  for (char c : output) lines += c == '\n';
  if (!output.empty() && output.back() != '\n') ++lines;
  std::cout << "          it printed:\n";
  while (start < output.size() && count < 12) {
    const auto end = output.find('\n', start);
    std::cout << "          | " << output.substr(start, end - start) << "\n";
    ++count;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (lines > count) std::cout << "          | ... (" << lines - count << " more lines)\n";
}

// The learner's line in a stack: the first frame under chapters/, and the frame the
// trouble started in when that is elsewhere (common/matrix.cpp's product, say).
std::string Report::where_lines(const Outcome& o, const std::string& verb) const {
  if (o.stack.empty()) return "";
  const auto frames = where::symbolize({o.stack})[0];
  const auto* mine = where::first_in(frames, {"chapters/"});
  const auto* deepest = where::first_in(frames, {"chapters/", "solutions/", "common/", "tests/"});
  std::string out;
  if (deepest != nullptr && deepest != mine) {
    out += "  " + verb + " in " + where::to_string(*deepest) + "\n";
  }
  if (mine != nullptr) {
    out += std::string("  ") + (deepest != mine ? "called from" : verb + " in") + " your code at " +
           where::to_string(*mine) + "\n";
  }
  return out;
}

// The TODO above a stub's throw, with the comment lines that continue it.
std::string Report::todo_at(const std::string& file_colon_line, std::string* todo_where) {
  const auto colon = file_colon_line.rfind(':');
  if (colon == std::string::npos) return "";
  const std::string file = file_colon_line.substr(0, colon);
  const int stop = std::atoi(file_colon_line.c_str() + colon + 1);
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  int todo = -1;
  for (int i = 0; i < stop && i < static_cast<int>(lines.size()); ++i) {
    if (lines[static_cast<std::size_t>(i)].find("TODO") != std::string::npos) todo = i;
  }
  if (todo < 0) return "";
  *todo_where = file + ":" + std::to_string(todo + 1);
  std::string text = lines[static_cast<std::size_t>(todo)] + "\n";
  for (std::size_t i = static_cast<std::size_t>(todo) + 1; i < lines.size(); ++i) {
    const auto first = lines[i].find_first_not_of(" \t");
    if (first == std::string::npos || lines[i].compare(first, 2, "//") != 0) break;
    text += lines[i] + "\n";
  }
  return text;
}

int Report::finish_learner() {
  const Outcome* first = nullptr;
  for (const auto& o : outcomes_) {
    if (o.failed()) {
      first = &o;
      break;
    }
  }
  const int ran = passed_ + failed_;
  const std::string skipped = skipped_ > 0 ? ", " + std::to_string(skipped_) + " skipped" : "";
  if (first == nullptr && problems_.empty()) {
    if (skipped_ == 0) {
      std::cout << "\nAll " << ran << " tests pass.\n";
      return 0;
    }
    std::cout << "\nAll " << ran << " tests that ran pass, but " << skipped_
              << (skipped_ == 1 ? " test was" : " tests were")
              << " skipped (the reason is on its line above).\n";
    if (!s_.chapter.empty()) {
      std::cout << "Chapter " << std::atoi(s_.number().c_str())
                << " is not complete until they run too. Re-run: " << s_.recheck() << "\n";
    }
    return 3;
  }
  if (first != nullptr) {
    std::cout << "\nfirst failure: " << first->name << "\n";
    if (!first->detail.empty()) std::cout << indent(first->detail, "  ") << "\n";
    if (first->kind == Kind::kException) std::cout << where_lines(*first, "thrown");
    if (first->kind == Kind::kCrash || first->kind == Kind::kTimeLimit) {
      std::cout << where_lines(*first, first->kind == Kind::kCrash ? "crashed" : "stopped");
    }
  }
  const std::string not_run = not_run_ > 0 ? ", " + std::to_string(not_run_) + " not run" : "";
  std::cout << "\n" << passed_ << " of " << ran << " tests pass" << skipped << not_run << ".\n";
  if (first == nullptr) return 1;
  const std::string chapter = s_.number();
  // A stub of an earlier chapter: that chapter comes first.
  if (first->kind == Kind::kStub && !chapter.empty() && first->stub_chapter != chapter) {
    std::cout << "These tests call chapter " << first->stub_chapter
              << "'s code, which is not written yet (" << first->stub_where << ").\n"
              << "Finish chapter " << first->stub_chapter
              << " first (make check CH=" << first->stub_chapter
              << "), or start here with earlier chapters\n"
              << "taken from the solutions: make check CH=" << chapter << " PREVIOUS=solutions\n";
    return 1;
  }
  if (first->kind == Kind::kStub) {
    std::string todo_where;
    const std::string todo = todo_at(first->stub_where, &todo_where);
    if (!todo.empty()) {
      std::cout << "Work on " << todo_where << "\n" << todo;
    } else {
      std::cout << "Work on " << first->stub_where << " (" << first->stub_function << ")\n";
    }
  } else {
    switch (first->kind) {
      case Kind::kWrongAnswer:
        std::cout
            << "Your code runs but gives a different answer: the first failure shows the check\n"
               "(its line in tests/) and both values.\n";
        break;
      case Kind::kException:
        std::cout
            << "Your code threw an exception the test did not expect: what and where are above.\n";
        break;
      case Kind::kCrash:
        std::cout << "The test crashed; the line above in your code is where. The tests after it "
                     "still ran.\n";
        break;
      case Kind::kTimeLimit:
        std::cout << "The test was stopped after " << short_number(std::to_string(s_.cpu_seconds))
                  << " s: is there a loop that never ends? The line above is where it was.\n";
        if (not_run_ > 0) {
          std::cout << "After a second test was stopped, the " << not_run_
                    << " tests left were not run, rather than keep you waiting.\n";
        }
        break;
      case Kind::kExit:
        std::cout << "The test ended the whole program: does your code call exit() or abort()?\n";
        break;
      default:
        break;
    }
    // The stubs the tests ran into: still to write.
    std::set<std::string> seen;
    std::string list;
    for (const auto& o : outcomes_) {
      if (o.kind == Kind::kStub && seen.insert(o.stub_where).second) {
        list += "  " + o.stub_function + " (" + o.stub_where + ")\n";
      }
    }
    if (!list.empty()) std::cout << "Still to write:\n" << list;
  }
  if (!s_.chapter.empty()) {
    std::cout << "Hints: chapters/" << s_.chapter
              << "/README.md, section \"Hints\". Re-run: " << s_.recheck() << "\n";
  }
  return 1;
}

int Report::finish_progress() {
  const int ran = passed_ + failed_;
  std::string state = failed_ > 0 ? "to do" : "done";
  for (const auto& o : outcomes_) {
    if (o.kind == Kind::kCrash) state = "to do (a test crashed)";
    if (o.kind == Kind::kTimeLimit) state = "to do (a test was stopped: a loop that never ends?)";
  }
  if (failed_ == 0 && skipped_ > 0) state = "not done: " + std::to_string(skipped_) + " skipped";
  std::printf("%-7s %s\n", (std::to_string(passed_) + "/" + std::to_string(ran)).c_str(),
              state.c_str());
  if (failed_ > 0) return 1;
  return skipped_ > 0 ? 3 : 0;
}

int Report::finish_bite() {
  bool bites = exercise_total_ > 0 && exercise_passed_ == 0;
  for (const auto& o : outcomes_) {
    if (!o.provided && o.kind == Kind::kPassed) {
      std::cout << "  passes on the stubs (it must fail there): " << o.name << "\n";
    }
    if (!o.provided && o.kind == Kind::kNotRun) {
      std::cout << "  not run on the stubs (it must fail there): " << o.name << "\n";
      bites = false;
    }
  }
  return bites ? 0 : 1;
}

}  // namespace runner
