// common/svg.h: pictures as standalone SVG files (open them in any browser).
//
//   Plot plot;
//   plot.title = "f(x) = 0.01x² + 0.1x";
//   plot.x_label = "x";
//   plot.y_label = "f(x)";
//   plot.series.push_back({xs, ys, "f(x)"});
//   plot.series.push_back({xs, tangent, "tangent at x = 5", "", false, true}); // dashed
//   write_svg(plot, "out/01_numerical_diff/tangent.svg");
//
// A Plot holds line series (optionally with point markers, or markers only), contour
// lines of a function f(x, y) and arrow fields, on linear or log axes with ticks, axis
// labels, a title and a legend. An ImageGrid shows small greyscale images (MNIST digits)
// with a caption under each. Ranges left empty are chosen from the data and rounded out
// to "nice" tick steps (1, 2 or 5 × 10^k; whole decades on a log axis).
//
// Points a picture cannot show are skipped, never an error: NaN and ±inf anywhere, and
// values ≤ 0 on a log axis. A line breaks where a point is skipped.
//
// The output is deterministic: the same input gives the same bytes.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/matrix.h"

// Every member of these structs has a default ({} or a value), so an initializer may stop
// early, Series{x, y, "label"} or Plot{.title = "loss"}, without a -Wextra warning.

// One line through the points (x[i], y[i]); x and y have the same length.
struct Series {
  std::vector<double> x{}, y{};
  std::string label{};     // legend text; empty: not in the legend
  std::string color = "";  // an SVG colour ("#d62728", "black"); empty: the next palette colour
  bool markers = false;    // a dot at every point
  bool dashed = false;
  bool line = true;  // false with markers = true: a scatter plot of points only
};

// Level curves f(x, y) = level of one function over the whole plot area, found by
// marching squares on a grid of samples × samples cells.
struct Contour {
  std::function<double(double, double)> f{};
  std::vector<double> levels{};
  std::string label{};  // legend text; empty: not in the legend
  std::string color = "#999999";
  int samples = 100;
};

// An arrow field: arrow i starts at (x[i], y[i]) and points along (dx[i], dy[i]).
// All arrows are scaled by one factor so the longest is as long as the smallest gap
// between grid points (one cell). Meant for linear axes.
struct Quiver {
  std::vector<double> x{}, y{}, dx{}, dy{};
  std::string label{};  // legend text; empty: not in the legend
  std::string color = "#444444";
};

// The corner of the plot area the legend goes in. Each program picks the corner its data
// leave free.
enum class LegendCorner { top_right, top_left, bottom_right, bottom_left };

struct Plot {
  std::string title{}, x_label{}, y_label{};
  bool log_x = false, log_y = false;
  std::vector<Series> series{};
  // {low, high} in data units; empty: chosen from the data (series and arrow starts).
  std::optional<std::pair<double, double>> x_range{}, y_range{};
  std::vector<Contour> contours{};  // drawn first, under the series
  std::vector<Quiver> quivers{};
  LegendCorner legend = LegendCorner::top_right;
  int width = 640, height = 480;  // of the whole picture, in pixels
};

// Small greyscale images in a grid, row after row, a caption under each.
struct ImageGrid {
  std::string title{};
  // (N, height·width): image n is row n, its pixels row after row. 0 is the white
  // background, 1 is black ink; values outside [0, 1] are clamped.
  Matrix images{};
  std::size_t width = 28, height = 28;
  std::vector<std::string> captions{};  // one per image, or none at all
  std::vector<bool> marked{};           // true: red frame and caption (a mistake); may be empty
  std::size_t columns = 10;             // images per row of the grid
  int scale = 3;                        // screen pixels per image pixel
};

// Writes the picture to `path`, creating its parent directories. Throws
// std::runtime_error naming the path if the file cannot be written, and
// std::invalid_argument for inconsistent input (x and y of different lengths, a range
// with low ≥ high, a log range that is not > 0, captions that do not match the images).
void write_svg(const Plot& plot, const std::string& path);
void write_svg(const ImageGrid& grid, const std::string& path);

// The SVG text write_svg writes.
std::string render_svg(const Plot& plot);
std::string render_svg(const ImageGrid& grid);

// --- The pieces underneath, public so they can be tested and reused. -------------------

// Evenly spaced ticks whose step is 1, 2 or 5 × 10^k, the smallest such step that needs
// at most max_ticks (≥ 3) ticks to cover [lo, hi]: the first tick is ≤ lo, the last ≥ hi.
// Always at least two ticks.
std::vector<double> nice_ticks(double lo, double hi, int max_ticks = 8);

// Powers of ten inside [lo, hi] (0 < lo < hi): every k-th decade, k the smallest of
// 1, 2, 5, 10, 20, 50 … that gives at most max_ticks ticks.
std::vector<double> log_ticks(double lo, double hi, int max_ticks = 8);

// A piece of a level curve, from (x0, y0) to (x1, y1).
struct Segment {
  double x0, y0, x1, y1;
};

// Marching squares: samples f on a (samples+1) × (samples+1) grid over the box
// [x_lo, x_hi] × [y_lo, y_hi]; in every cell whose corners lie on both sides of `level`
// it joins the points where f crosses the level, found by linear interpolation along
// the cell's edges. Cells with a non-finite corner are skipped.
std::vector<Segment> contour_segments(const std::function<double(double, double)>& f, double level,
                                      double x_lo, double x_hi, double y_lo, double y_hi,
                                      int samples);
