// common/cli.cpp: see cli.h.
#include "common/cli.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <stdexcept>

Flags::Flags(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

void Flags::option(const std::string& name, const std::string& default_value,
                   const std::string& help) {
  order_.push_back(name);
  specs_[name] = Spec{default_value, help, false};
}

void Flags::toggle(const std::string& name, const std::string& help) {
  order_.push_back(name);
  specs_[name] = Spec{"", help, true};
}

namespace {

int write_error(int saved_errno) {
  std::cerr
      << "error: could not write the output (" << std::strerror(saved_errno ? saved_errno : EIO)
      << "). HINT: check that the disk is not full and that the output goes somewhere writable\n";
  return 1;
}

// Flushes stdout; false if any write to it failed (a full disk, a closed descriptor).
bool output_written() {
  std::cout.flush();
  return std::fflush(stdout) == 0 && !std::cout.fail() && !std::ferror(stdout);
}

}  // namespace

void Flags::parse(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      errno = 0;
      std::cout << usage();
      std::exit(output_written() ? 0 : write_error(errno));
    }
    if (arg.rfind("--", 0) != 0) fail("unexpected argument '" + arg + "'");
    std::string name = arg.substr(2), value;
    const bool inline_value = name.find('=') != std::string::npos;
    if (inline_value) {
      value = name.substr(name.find('=') + 1);
      name = name.substr(0, name.find('='));
    }
    const auto it = specs_.find(name);
    if (it == specs_.end()) fail("unknown flag --" + name);
    if (it->second.toggle) {
      if (inline_value) fail("--" + name + " takes no value");
      values_[name] = "1";
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argc) fail("--" + name + " needs a value");
      value = argv[++i];
    }
    values_[name] = value;
  }
}

const Flags::Spec& Flags::spec(const std::string& name) const {
  const auto it = specs_.find(name);
  // A program asking for a flag it never declared is our bug, not the user's.
  if (it == specs_.end()) throw std::logic_error("Flags: no flag --" + name + " was declared");
  return it->second;
}

std::string Flags::text(const std::string& name) const {
  const Spec& s = spec(name);
  const auto it = values_.find(name);
  return it == values_.end() ? s.default_value : it->second;
}

double Flags::number(const std::string& name) const {
  const std::string v = text(name);
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(x)) {
    fail("--" + name + " needs a number, got '" + v + "'");
  }
  return x;
}

long Flags::integer(const std::string& name, long min, long max) const {
  const std::string v = text(name);
  char* end = nullptr;
  errno = 0;
  const long x = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno == ERANGE) {
    fail("--" + name + " needs a whole number, got '" + v + "'");
  }
  if (x < min) fail("--" + name + " must be at least " + std::to_string(min) + ", got " + v);
  if (x > max) fail("--" + name + " must be at most " + std::to_string(max) + ", got " + v);
  if (std::find(integers_read_.begin(), integers_read_.end(), name) == integers_read_.end()) {
    integers_read_.push_back(name);
  }
  return x;
}

double Flags::memory_budget() {
  constexpr double kBudget = 4.0 * 1024 * 1024 * 1024;
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  const double half = pages > 0 && page > 0
                          ? 0.5 * static_cast<double>(pages) * static_cast<double>(page)
                          : kBudget;
  return std::min(kBudget, half);
}

std::vector<std::string> Flags::driving(double bytes, std::vector<Share> shares) {
  std::stable_sort(shares.begin(), shares.end(),
                   [](const Share& a, const Share& b) { return a.bytes > b.bytes; });
  std::vector<std::string> names;
  for (const Share& s : shares) {
    if (names.empty() || s.bytes >= 0.1 * bytes) names.push_back(s.flag);
  }
  return names;
}

std::vector<std::string> Flags::sizes_given() const {
  std::vector<std::string> given;
  for (const auto& name : integers_read_) {
    if (values_.count(name) != 0) given.push_back(name);
  }
  return given.empty() ? integers_read_ : given;
}

namespace {

// "--a, --b or --c"; with values, "--a 1, --b 2 or --c 3".
std::string flag_list(const Flags& flags, const std::vector<std::string>& names, bool values,
                      const std::string& last = " or ") {
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == names.size() ? last : ", ") + ("--" + names[i]);
    if (values) list += " " + flags.text(names[i]);
  }
  return list;
}

}  // namespace

void Flags::require_memory(double bytes, const std::vector<std::string>& flags_to_lower) const {
  if (bytes <= memory_budget()) return;
  // The sizes the command line set are the ones to lower, not those left at their defaults.
  std::vector<std::string> named;
  for (const auto& name : flags_to_lower) {
    if (values_.count(name) != 0) named.push_back(name);
  }
  if (named.empty()) named = flags_to_lower;
  fail("these sizes (" + flag_list(*this, named, true, ", ") + ") need about " +
       format_bytes(bytes) + " of memory, more than the " + format_bytes(memory_budget()) +
       " a program here may use. HINT: lower " + flag_list(*this, named, false));
}

bool Flags::on(const std::string& name) const {
  spec(name);
  return values_.count(name) != 0;
}

std::string Flags::usage() const {
  std::string u = "usage: " + program_ + " [flags]\n" + summary_ + "\n\nflags:\n";
  for (const auto& name : order_) {
    const Spec& s = specs_.at(name);
    std::string left = "  --" + name + (s.toggle ? "" : " VALUE");
    left.resize(std::max<std::size_t>(left.size() + 2, 26), ' ');
    u += left + s.help + (s.toggle ? "" : " (default " + s.default_value + ")") + "\n";
  }
  return u + "  --help                  print this and exit\n";
}

void Flags::fail(const std::string& problem) const {
  std::cerr << "error: " << problem << "\n\n" << usage();
  std::exit(2);
}

std::string format_bytes(double bytes) {
  constexpr double kMiB = 1024.0 * 1024, kGiB = 1024 * kMiB;
  char buf[32];
  if (bytes >= kGiB) {
    std::snprintf(buf, sizeof(buf), "%.1f GiB", bytes / kGiB);
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f MiB", std::ceil(bytes / kMiB));
  }
  return buf;
}

namespace {

// The address space the process may take: the budget and 1 GiB for code, stacks and the
// allocator's own reserve. Not under a sanitizer: their shadow memory needs terabytes.
void limit_address_space() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
  return;
#endif
#endif
  if (std::getenv("WORKBOOK_NO_MEMORY_LIMIT") != nullptr) return;
  rlimit lim{};
  if (getrlimit(RLIMIT_AS, &lim) != 0) return;
  const auto want = static_cast<rlim_t>(Flags::memory_budget() + 1024.0 * 1024 * 1024);
  if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur > want) {
    lim.rlim_cur = want;
    setrlimit(RLIMIT_AS, &lim);
  }
}

int run_guarded(const Flags* flags, const std::function<int()>& body) {
  limit_address_space();
  int status = 1;
  try {
    // The first failed write throws (below), so a full disk stops the program at once.
    std::cout.exceptions(std::ios::badbit);
    status = body();
  } catch (const std::ios_base::failure&) {
    const int saved = errno;
    std::cout.exceptions(std::ios::goodbit);
    return write_error(saved);
  } catch (const std::bad_alloc&) {
    std::cout.exceptions(std::ios::goodbit);
    std::cout.flush();
    const std::string lower = flags ? flag_list(*flags, flags->sizes_given(), true) : "";
    std::cerr << "error: out of memory: this run needs more than the "
              << format_bytes(Flags::memory_budget()) << " a program here may use. HINT: "
              << (lower.empty() ? "use smaller sizes" : "lower " + lower) << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cout.exceptions(std::ios::goodbit);
    std::cout.flush();
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  std::cout.exceptions(std::ios::goodbit);
  errno = 0;
  if (!output_written()) return write_error(errno);
  return status;
}

}  // namespace

int guarded_main(const std::function<int()>& body) { return run_guarded(nullptr, body); }

int guarded_main(const Flags& flags, const std::function<int()>& body) {
  return run_guarded(&flags, body);
}
