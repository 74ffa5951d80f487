// common/cli.cpp: see cli.h.
#include "common/cli.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <iostream>
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

void Flags::parse(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage();
      std::exit(0);
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
  return x;
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

int guarded_main(const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
