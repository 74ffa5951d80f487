// common/format.h: numbers as text, the way the book's Python prints them, so a learner
// can compare our output with the book digit by digit.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

// The shortest text that reads back as exactly x, laid out as Python's repr(x) and
// print(x) show a float: 0.1999999999990898, 6.0, 0.0001, 1e-05, 1e+16, -2.58983747e+13.
std::string repr(double x);

// printf's %.{digits}e: sci(-6.111107929e-10, 8) == "-6.11110793e-10" (numpy's style
// for arrays of very small or very large numbers).
std::string sci(double x, int digits = 8);

// printf's %.{decimals}f: fixed(-2.999999936, 8) == "-2.99999994".
std::string fixed(double x, int decimals = 8);

// A point as "(a, b, ...)", each entry through `one` (repr, or a lambda around sci/fixed).
std::string tuple(const std::vector<double>& values, std::string (*one)(double) = repr);

// One line of a training run's measurements, as lessons 07–09 print them:
//   "epoch 1  iter 601  loss 1.6974  train_acc 0.8017  test_acc 0.8061"
// The measurements fall after iterations 1, per_epoch + 1, 2·per_epoch + 1, … (the book's
// i % per_epoch == 0, its i counting from 0), labelled "epoch 0", "epoch 1", …; the one
// after the run's last iteration, last, is labelled "final".
std::string epoch_line(std::size_t iteration, std::size_t per_epoch, std::size_t last,
                       double mean_loss, double train_accuracy, double test_accuracy);

// A program's header, one "key: value" line for each pair, in the order given:
//   header({{"program", "08_backpropagation"}, {"data", "data/mnist"}})
//     == "program: 08_backpropagation\ndata: data/mnist\n"
// Each line stands alone for grep: a key may hold neither ':' nor a line break, a value no
// line break; either throws std::invalid_argument naming header and the key.
using HeaderLines = std::vector<std::pair<std::string, std::string>>;
std::string header(const HeaderLines& lines);
