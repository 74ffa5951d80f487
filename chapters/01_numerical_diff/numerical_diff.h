// chapters/01_numerical_diff/numerical_diff.h: the derivative of a function of one
// variable, estimated from two of its values.
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
