// chapters/01_numerical_diff/numerical_diff.h: the derivative of a function of one
// variable, estimated from two of its values.
//
// Exercises (numerical_diff.cpp): numerical_diff, forward_diff, tangent_line.
// Given (example_functions_given.cpp): function_1, the book's example.
#pragma once

#include <functional>

// A function of one real variable, f: ℝ → ℝ.
using Function1D = std::function<double(double)>;

// The step every chapter uses: small enough that the estimate is close, large enough that
// f(x + h) and f(x − h) still differ in many digits (see the lesson's error table).
constexpr double kDiffStep = 1e-4;

// The central difference, the workbook's derivative:
//   f'(x) ≈ (f(x + h) − f(x − h)) / 2h
// Its error shrinks like h² (halve h, the error falls about 4×) until rounding takes over.
double numerical_diff(const Function1D& f, double x, double h = kDiffStep);

// The forward difference, for comparison:
//   f'(x) ≈ (f(x + h) − f(x)) / h
// Its error shrinks only like h (halve h, the error halves).
double forward_diff(const Function1D& f, double x, double h = kDiffStep);

// The tangent to f at x = a, as a function of x: the line through (a, f(a)) whose slope
// is the central difference numerical_diff(f, a):
//   t(x) = f(a) + f'(a)·(x − a)
// The slope and f(a) are computed once, when tangent_line is called, not on every call
// of t. (The book's tangent_line returns the same line written as d·x + (f(a) − d·a).)
Function1D tangent_line(const Function1D& f, double a);

// The book's example, f(x) = 0.01x² + 0.1x, evaluated in the book's order
// 0.01·(x·x) + 0.1·x so that our digits match its printed ones. f'(x) = 0.02x + 0.1.
double function_1(double x);
