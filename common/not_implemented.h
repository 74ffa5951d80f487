// common/not_implemented.h: what an unfinished exercise throws.
//
// Every stub ends in `throw not_implemented("numerical_diff");`. The message names the
// function, the file and line of the stub, and the chapter, so whichever test or
// program reaches it tells the learner where to go:
//
//   numerical_diff is not written yet (chapters/01_numerical_diff/numerical_diff.cpp:27,
//   chapter 01). HINT: fill in the TODO there, then run make check CH=01
#pragma once

#include <source_location>
#include <stdexcept>
#include <string>

class not_implemented : public std::logic_error {
 public:
  explicit not_implemented(const std::string& function,
                           std::source_location where = std::source_location::current())
      : std::logic_error(message(function, where)) {}

 private:
  static std::string message(const std::string& function, const std::source_location& where) {
    const std::string file = where.file_name();
    // "chapters/01_numerical_diff/x.cpp" → chapter "01".
    std::string chapter = "?";
    const auto slash = file.find("chapters/");
    if (slash != std::string::npos && file.size() >= slash + 11) {
      chapter = file.substr(slash + 9, 2);
    }
    return function + " is not written yet (" + file + ":" + std::to_string(where.line()) +
           ", chapter " + chapter + "). HINT: fill in the TODO there, then run make check CH=" +
           chapter;
  }
};
