// chapters/01_numerical_diff/example_functions_given.cpp: the book's example function,
// given ready-made. Contract in numerical_diff.h.
#include "chapters/01_numerical_diff/numerical_diff.h"

// The book's Python writes 0.01*x**2 + 0.1*x, and x**2 is x*x computed first; 0.01*x*x
// would group as (0.01*x)*x and round differently.
double function_1(double x) { return 0.01 * (x * x) + 0.1 * x; }
