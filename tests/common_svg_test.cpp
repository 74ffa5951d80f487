// tests/common_svg_test.cpp: the SVG plots of common/svg.h.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/svg.h"
#include "tests/support/expect.h"

namespace {

namespace fs = std::filesystem;

// A fresh, empty folder for one test's files.
fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "common_svg_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::size_t count(const std::string& text, const std::string& piece) {
  std::size_t n = 0;
  for (std::size_t at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) {
    ++n;
  }
  return n;
}

// True if every <tag> is closed by a matching </tag> in nesting order; <tag .../> closes
// itself. Enough XML for our output, which escapes < and > in text.
bool tags_balanced(const std::string& svg) {
  std::vector<std::string> open;
  for (std::size_t at = svg.find('<'); at != std::string::npos; at = svg.find('<', at + 1)) {
    const std::size_t end = svg.find('>', at);
    if (end == std::string::npos) return false;
    const std::string tag = svg.substr(at + 1, end - at - 1);
    const bool closing = tag.starts_with("/");
    const std::string name = tag.substr(closing, tag.find_first_of(" /", 1) - closing);
    if (tag.ends_with("/")) continue;
    if (!closing) {
      open.push_back(name);
    } else if (open.empty() || open.back() != name) {
      return false;
    } else {
      open.pop_back();
    }
  }
  return open.empty();
}

// A small plot with every kind of content.
Plot sample_plot() {
  Plot plot;
  plot.title = "loss";
  plot.x_label = "iteration";
  plot.y_label = "cross-entropy";
  plot.series.push_back({{0, 1, 2, 3}, {2.3, 1.1, 0.6, 0.4}, "train", "", true});
  plot.series.push_back({{0, 1, 2, 3}, {2.3, 1.3, 0.9, 0.8}, "test", "", false, true});
  plot.contours.push_back({[](double x, double y) { return x * x + y * y; }, {1, 4}});
  plot.quivers.push_back({{1, 2}, {1, 1}, {0.5, -0.5}, {0.1, 0.2}});
  return plot;
}

// Series of points with markers and no label (so no legend dot): one <circle per point drawn.
Plot markers_only(std::vector<double> x, std::vector<double> y) {
  Plot plot;
  plot.series.push_back({std::move(x), std::move(y), "", "", true});
  return plot;
}

std::string trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

}  // namespace

// The file opens with the <svg element and closes it at the end.
TEST(WriteSvgTest, FileIsOneSvgElement) {
  const fs::path path = fresh_dir("element") / "plot.svg";
  write_svg(sample_plot(), path.string());
  const std::string svg = read_file(path);
  EXPECT_TRUE(svg.starts_with("<svg "));
  EXPECT_TRUE(trimmed(svg).ends_with("</svg>"));
}

// Every opened tag is closed, in nesting order.
TEST(WriteSvgTest, TagsAreBalanced) { EXPECT_TRUE(tags_balanced(render_svg(sample_plot()))); }

// The title and axis labels appear, with < and & escaped.
TEST(WriteSvgTest, TitleAndAxisLabelsAreEscaped) {
  Plot plot = sample_plot();
  plot.title = "a < b & c";
  plot.x_label = "x<0";
  plot.y_label = "f & g";
  const std::string svg = render_svg(plot);
  EXPECT_NE(svg.find(">a &lt; b &amp; c<"), std::string::npos);
  EXPECT_NE(svg.find(">x&lt;0<"), std::string::npos);
  EXPECT_NE(svg.find(">f &amp; g<"), std::string::npos);
  EXPECT_EQ(svg.find("a < b"), std::string::npos);
}

// Each labelled series has its label in the legend; an unlabelled one has none.
TEST(WriteSvgTest, LegendListsLabelledSeries) {
  Plot plot;
  plot.series.push_back({{0, 1}, {0, 1}, "train <acc>"});
  plot.series.push_back({{0, 1}, {1, 0}, ""});
  const std::string svg = render_svg(plot);
  EXPECT_NE(svg.find(">train &lt;acc&gt;<"), std::string::npos);
  EXPECT_EQ(count(svg, "h28\""), 1u);  // one legend line sample
}

// A log axis spanning 1e-12 … 1e0 labels its ends as powers of ten.
TEST(WriteSvgTest, LogAxisLabelsArePowersOfTen) {
  Plot plot;
  plot.log_y = true;
  plot.series.push_back({{0, 1, 2}, {1e-12, 1e-6, 1}, "error"});
  const std::string svg = render_svg(plot);
  EXPECT_NE(svg.find(">1e-12</text>"), std::string::npos);
  EXPECT_NE(svg.find(">1e0</text>"), std::string::npos);
}

// Values ≤ 0, NaN and inf on a log axis are left out; the rest are drawn.
TEST(WriteSvgTest, LogAxisSkipsNonPositiveValues) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Plot plot = markers_only({1, 2, 3, 4, 5, 6}, {1, 0, -1, 10, nan, 100});
  plot.log_y = true;
  std::string svg;
  ASSERT_NO_THROW(svg = render_svg(plot));
  EXPECT_EQ(count(svg, "<circle"), 3u);  // y = 1, 10, 100
  EXPECT_EQ(count(svg, "nan"), 0u);
}

// NaN and ±inf on a linear axis are left out; the rest are drawn.
TEST(WriteSvgTest, LinearAxisSkipsNonFiniteValues) {
  const double inf = std::numeric_limits<double>::infinity();
  const Plot plot = markers_only({0, 1, 2, 3}, {1, std::nan(""), -inf, 2});
  const std::string svg = render_svg(plot);
  EXPECT_EQ(count(svg, "<circle"), 2u);
  EXPECT_EQ(count(svg, "inf"), 0u);
}

// Writing the same plot twice gives the same bytes.
TEST(WriteSvgTest, SameInputSameBytes) {
  const fs::path dir = fresh_dir("bytes");
  write_svg(sample_plot(), (dir / "a.svg").string());
  write_svg(sample_plot(), (dir / "b.svg").string());
  EXPECT_EQ(read_file(dir / "a.svg"), read_file(dir / "b.svg"));
}

// Missing parent folders are created.
TEST(WriteSvgTest, CreatesParentFolders) {
  const fs::path path = fresh_dir("parents") / "out" / "02_gradient" / "plot.svg";
  write_svg(sample_plot(), path.string());
  EXPECT_TRUE(fs::exists(path));
}

// A path that runs through a file cannot be written; the error names the path.
TEST(WriteSvgTest, PathUnderAFileThrowsNamingIt) {
  const fs::path file = fresh_dir("under_file") / "file.txt";
  std::ofstream(file) << "not a folder";
  const std::string path = (file / "sub" / "plot.svg").string();
  const std::string message =
      error_message<std::runtime_error>([&] { write_svg(sample_plot(), path); });
  EXPECT_TRUE(mentions(message, path)) << message;
}

// x and y of different lengths are an error, not a silent truncation.
TEST(WriteSvgTest, MismatchedLengthsThrow) {
  Plot plot;
  plot.series.push_back({{0, 1, 2}, {0, 1}, "short"});
  EXPECT_THROW(render_svg(plot), std::invalid_argument);
}

// A log range that starts at 0 is an error.
TEST(WriteSvgTest, LogRangeFromZeroThrows) {
  Plot plot = markers_only({1, 2}, {1, 2});
  plot.log_x = true;
  plot.x_range = {{0, 10}};
  EXPECT_THROW(render_svg(plot), std::invalid_argument);
}

// 0 … 10000 with at most 8 ticks: steps of 1000 need 11, steps of 2000 need 6.
TEST(NiceTicksTest, LossAxisStepsByTwoThousand) {
  const std::vector<double> expected = {0, 2000, 4000, 6000, 8000, 10000};
  EXPECT_EQ(nice_ticks(0, 10000, 8), expected);
}

// The first tick is at or below lo, the last at or above hi.
TEST(NiceTicksTest, CoversTheRange) {
  const std::vector<double> ticks = nice_ticks(0.13, 0.87, 8);
  ASSERT_GE(ticks.size(), 2u);
  EXPECT_LE(ticks.front(), 0.13);
  EXPECT_GE(ticks.back(), 0.87);
}

// The step is 1, 2 or 5 times a power of ten, and every tick a whole multiple of it.
TEST(NiceTicksTest, StepIsOneTwoOrFiveTimesAPowerOfTen) {
  constexpr double kTol = 1e-9;  // relative; ticks are k · step in floating point
  for (const auto& [lo, hi] : {std::pair{0.13, 0.87}, {-3.7, 12.1}, {1e-5, 3e-5}, {2.0, 7e6}}) {
    const std::vector<double> ticks = nice_ticks(lo, hi, 8);
    ASSERT_GE(ticks.size(), 2u);
    const double step = ticks[1] - ticks[0];
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + kTol));
    EXPECT_TRUE(std::abs(mantissa - 1) < kTol || std::abs(mantissa - 2) < kTol ||
                std::abs(mantissa - 5) < kTol)
        << "step " << step;
    for (double t : ticks) EXPECT_NEAR(t / step, std::round(t / step), kTol) << t;
  }
}

// Never more ticks than asked for.
TEST(NiceTicksTest, AtMostMaxTicks) {
  for (int max_ticks = 3; max_ticks <= 12; ++max_ticks) {
    EXPECT_LE(nice_ticks(-0.31, 97.2, max_ticks).size(), static_cast<std::size_t>(max_ticks));
  }
}

// Every tick of a log axis is an exact power of ten.
TEST(LogTicksTest, AllArePowersOfTen) {
  constexpr double kTol = 1e-12;  // log10 of a stored power of ten is within an ulp or so
  for (double t : log_ticks(3e-17, 2e5, 8)) {
    EXPECT_NEAR(std::log10(t), std::round(std::log10(t)), kTol) << t;
  }
}

// 1e-16 … 1e0 with at most 9 ticks: every decade needs 17, every other decade 9.
TEST(LogTicksTest, SixteenDecadesEveryOtherDecade) {
  const std::vector<double> ticks = log_ticks(1e-16, 1, 9);
  ASSERT_EQ(ticks.size(), 9u);
  constexpr double kTol = 1e-12;  // relative
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    const double expected = std::pow(10.0, -16.0 + 2.0 * i);
    EXPECT_NEAR(ticks[i] / expected, 1, kTol) << i;
  }
}

// 1e-20 … 1e30 with at most 8 ticks: every 5th decade needs 11, every 10th 6.
TEST(LogTicksTest, FiftyDecadesEveryTenth) {
  const std::vector<double> ticks = log_ticks(1e-20, 1e30, 8);
  ASSERT_EQ(ticks.size(), 6u);
  EXPECT_NEAR(ticks.front() / 1e-20, 1, 1e-12);
  EXPECT_NEAR(ticks.back() / 1e30, 1, 1e-12);
}

// The level curve x² + y² = r² runs at distance r from the origin.
TEST(ContourSegmentsTest, CircleLevelLiesNearRadius) {
  // On a cell edge of length h the straight line misses the parabola by ≤ h²/4 in f,
  // which is ≤ h²/(8r) in radius: 2e-4 for h = 0.04, r = 1.
  constexpr double kRadiusTol = 1e-3;
  const double r = 1;
  const auto f = [](double x, double y) { return x * x + y * y; };
  const std::vector<Segment> segments = contour_segments(f, r * r, -2, 2, -2, 2, 100);
  ASSERT_GT(segments.size(), 100u);
  for (const Segment& s : segments) {
    EXPECT_NEAR(std::hypot(s.x0, s.y0), r, kRadiusTol);
    EXPECT_NEAR(std::hypot(s.x1, s.y1), r, kRadiusTol);
  }
}

// A level the function never reaches has no curve.
TEST(ContourSegmentsTest, UnreachedLevelHasNoSegments) {
  const auto f = [](double x, double y) { return x * x + y * y; };
  EXPECT_TRUE(contour_segments(f, -1, -2, 2, -2, 2, 20).empty());
}

// Three 2x2 images with captions: three captions, well-formed.
TEST(ImageGridTest, OneCaptionPerImage) {
  ImageGrid grid;
  grid.width = grid.height = 2;
  grid.images = Matrix{{0, 1, 1, 0}, {1, 0, 0, 1}, {0.5, 0.5, 0.5, 0.5}};
  grid.captions = {"7", "pred 3 (true 5)", "1"};
  const fs::path path = fresh_dir("grid") / "digits.svg";
  write_svg(grid, path.string());
  const std::string svg = read_file(path);
  EXPECT_EQ(count(svg, "class=\"caption\""), 3u);
  EXPECT_TRUE(tags_balanced(svg));
}

// A marked image gets a red frame and a red caption; the others none.
TEST(ImageGridTest, MarkedImageIsRed) {
  ImageGrid grid;
  grid.width = grid.height = 1;
  grid.images = Matrix{{1}, {0}};
  grid.captions = {"3", "pred 3 (true 5)"};
  grid.marked = {false, true};
  const std::string svg = render_svg(grid);
  EXPECT_EQ(count(svg, "#d62728"), 2u);  // the frame's stroke and the caption's fill
}

// Captions must match the images one to one.
TEST(ImageGridTest, CaptionCountMismatchThrows) {
  ImageGrid grid;
  grid.width = grid.height = 1;
  grid.images = Matrix{{1}, {0}};
  grid.captions = {"only one"};
  EXPECT_THROW(render_svg(grid), std::invalid_argument);
}
