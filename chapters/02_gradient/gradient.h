// chapters/02_gradient/gradient.h: the gradient, every partial derivative at once,
// estimated by central differences.
//
// Exercises (gradient.cpp): both numerical_gradient functions.
// Given (example_functions_given.cpp): function_2, the book's example.
#pragma once

#include <functional>
#include <vector>

#include "common/matrix.h"

// A point in ℝⁿ, and a function of several variables f: ℝⁿ → ℝ.
using Vector = std::vector<double>;
using FunctionND = std::function<double(const Vector&)>;

// ∇f(x) = (∂f/∂x₀, …, ∂f/∂xₙ₋₁), each by the central difference with h = 1e-4:
//   ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h
// x is not changed. Returns a Vector of x's length.
Vector numerical_gradient(const FunctionND& f, const Vector& x);

// The same over every entry of a Matrix of parameters, the form lessons 05–07 use:
//   ∂f/∂W(i,j) ≈ (f(W with W(i,j)+h) − f(W with W(i,j)−h)) / 2h,   h = 1e-4
// W is perturbed in place, one entry at a time, and f is called with W itself, so a
// function that reads W through a reference it holds (a network's loss reading its
// weights) sees each perturbation. Each entry is restored to its exact original value
// before the next, so W leaves bit-for-bit as it came. Returns a matrix of W's shape.
Matrix numerical_gradient(const std::function<double(const Matrix&)>& f, Matrix& W);

// The book's example f(x) = Σᵢ xᵢ², for two variables x₀² + x₁² (a bowl with its
// minimum 0 at the origin). ∇f(x) = 2x.
double function_2(const Vector& x);
