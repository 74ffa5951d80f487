// common/svg.cpp: the SVG writer behind common/svg.h.
//
// A picture is built as text in a std::string, then written to its file in one go.
//
// Coordinates. SVG measures in pixels from the top-left corner of the picture, x to the
// right and y DOWNWARD. A data point (x, y) reaches the screen in two steps:
//   1. axis units: u = x on a linear axis, u = log10(x) on a log axis (likewise v for y);
//   2. pixels: the axis range [u_lo, u_hi] is stretched linearly over the plot area,
//        px = left   + (u − u_lo) / (u_hi − u_lo) · plot_width
//        py = bottom − (v − v_lo) / (v_hi − v_lo) · plot_height
//      where `bottom` is the pixel row of the x axis; the minus sign makes larger y higher.
// Both steps live in Axis below: `unit` is step 1, `px_of_unit` step 2.
//
// Numbers are written with std::to_chars, which ignores the locale, so a picture comes
// out byte for byte the same on every machine.
#include "common/svg.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <system_error>

namespace {

// The default colours, one per series in order (matplotlib's "tab10").
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
constexpr const char* kRed = "#d62728";
constexpr double kCharWidth = 7.0;  // a generous width of one character at font-size 12, px

// ---- Text -----------------------------------------------------------------------------

// `v` with `decimals` digits after the point; "-0.0" comes out as "0.0".
std::string fixed(double v, int decimals) {
  char buf[400];
  const auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  std::string s = ec == std::errc() ? std::string(buf, end) : "0";
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

// A pixel coordinate: one decimal is plenty on screen; "12.0" is shortened to "12".
std::string px(double v) {
  std::string s = fixed(v, 1);
  if (s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

// Text for inside an SVG element or attribute: XML's special characters escaped.
std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    const char* entity = c == '&'   ? "&amp;"
                         : c == '<' ? "&lt;"
                         : c == '>' ? "&gt;"
                         : c == '"' ? "&quot;"
                                    : nullptr;
    out += entity ? std::string(entity) : std::string(1, c);
  }
  return out;
}

// How many characters wide `text` is: its UTF-8 bytes less the continuation bytes.
std::size_t width_in_chars(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

using Attributes = std::vector<std::pair<std::string, std::string>>;

// <name a="1" b="2"/>, or <name a="1" b="2">content</name> when there is content.
std::string element(const std::string& name, const Attributes& attributes,
                    const std::string& content = "") {
  std::string out = "<" + name;
  for (const auto& [key, value] : attributes) out += " " + key + "=\"" + value + "\"";
  return out + (content.empty() ? "/>" : ">" + content + "</" + name + ">");
}

// a + b: the attributes of both, a's first.
Attributes operator+(Attributes a, const Attributes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The attributes of a line through the path `d`: 1.5 px wide, solid or dashed.
Attributes line_style(const std::string& d, const std::string& color, bool dashed) {
  Attributes style = {{"d", d}, {"fill", "none"}, {"stroke", color}, {"stroke-width", "1.5"}};
  if (dashed) style.push_back({"stroke-dasharray", "6 4"});
  return style;
}

// The attributes of a rectangle with top-left corner (x, y).
Attributes box(double x, double y, double width, double height) {
  return {{"x", px(x)}, {"y", px(y)}, {"width", px(width)}, {"height", px(height)}};
}

// A line of text at (x, y), its baseline's start (or middle, or end, by text-anchor).
std::string text(double x, double y, const std::string& content, Attributes more = {}) {
  more.insert(more.begin(), {{"x", px(x)}, {"y", px(y)}});
  return element("text", more, escape(content)) + "\n";
}

// Throws std::invalid_argument("write_svg: " + problem) unless ok.
void require(bool ok, const std::string& problem) {
  if (!ok) throw std::invalid_argument("write_svg: " + problem);
}

// A linear tick label with as many decimals as the step needs: step 0.2 → "0.4",
// step 0.05 → "0.15", step 2000 → "4000". Huge or tiny numbers get an exponent: "5e-06".
std::string linear_label(double v, double step) {
  if (std::abs(v) < step * 1e-6) v = 0;  // 3 · 0.1 − 0.3 is not quite 0
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  if (decimals <= 4 && std::abs(v) < 1e6) return fixed(v, decimals);
  char buf[40];
  const auto end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 4).ptr;
  return std::string(buf, end);
}

// A power of ten as "1e-8".
std::string log_label(double v) {
  return "1e" + std::to_string(static_cast<int>(std::lround(std::log10(v))));
}

// ---- Axes -----------------------------------------------------------------------------

// One axis: the range it shows and where that range lands on the screen.
struct Axis {
  bool log = false;
  double lo = 0, hi = 1;        // the range, in data units
  std::vector<double> ticks;    // in data units
  double step = 1;              // between linear ticks; it decides their decimals
  double px_lo = 0, px_hi = 1;  // screen positions of lo and hi (for y, px_lo > px_hi)

  // Step 1, data → axis units.
  double unit(double v) const { return log ? std::log10(v) : v; }
  double from_unit(double u) const { return log ? std::pow(10.0, u) : u; }
  // Whether a value can be drawn at all.
  bool shows(double v) const { return std::isfinite(v) && (!log || v > 0); }
  // Step 2, axis units → pixels. Points far outside are pinned at ±1e6 px so their
  // numbers stay short; the clip region hides them anyway.
  double px_of_unit(double u) const {
    const double t = (u - unit(lo)) / (unit(hi) - unit(lo));
    return std::clamp(px_lo + t * (px_hi - px_lo), -1e6, 1e6);
  }
  double to_px(double v) const { return px_of_unit(unit(v)); }
  std::string label(double tick) const { return log ? log_label(tick) : linear_label(tick, step); }
};

// The axis for `values`: exactly `range` if given, else the values' extent rounded out to
// nice ticks (linear) or whole decades (log).
Axis make_axis(const std::vector<double>& values,
               const std::optional<std::pair<double, double>>& range, bool log, int max_ticks,
               const std::string& name) {
  Axis a;
  a.log = log;
  if (range) {
    const auto [lo, hi] = *range;
    require(lo < hi && std::isfinite(lo) && std::isfinite(hi), name + "_range needs low < high");
    require(!log || lo > 0, name +
                                "_range starts at or below 0 on a log axis. HINT: a log axis "
                                "shows only positive values");
    a.lo = lo;
    a.hi = hi;
    if (log) {
      a.ticks = log_ticks(lo, hi, max_ticks);
    } else {
      // Of the covering ticks, keep those inside the range.
      const std::vector<double> covering = nice_ticks(lo, hi, max_ticks);
      a.step = covering[1] - covering[0];
      const double slack = (hi - lo) * 1e-9;
      for (double t : covering) {
        if (t >= lo - slack && t <= hi + slack) a.ticks.push_back(t);
      }
    }
    return a;
  }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : values) {
    if (!a.shows(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (lo > hi) {  // nothing to show
    lo = log ? 1 : 0;
    hi = log ? 10 : 1;
  }
  if (log) {
    double e_lo = std::floor(std::log10(lo) + 1e-9), e_hi = std::ceil(std::log10(hi) - 1e-9);
    if (e_lo == e_hi) {  // all values one power of ten: a decade on each side
      e_lo -= 1;
      e_hi += 1;
    }
    a.lo = std::pow(10.0, e_lo);
    a.hi = std::pow(10.0, e_hi);
    a.ticks = log_ticks(a.lo, a.hi, max_ticks);
  } else {
    if (lo == hi) {  // a constant: open the range a little around it
      const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
      lo -= pad;
      hi += pad;
    }
    a.ticks = nice_ticks(lo, hi, max_ticks);
    a.step = a.ticks[1] - a.ticks[0];
    a.lo = a.ticks.front();
    a.hi = a.ticks.back();
  }
  return a;
}

// Whether the x tick labels fit side by side without touching.
bool x_labels_fit(const Axis& x) {
  for (std::size_t i = 1; i < x.ticks.size(); ++i) {
    const double gap = std::abs(x.to_px(x.ticks[i]) - x.to_px(x.ticks[i - 1]));
    const std::size_t chars =
        std::max(width_in_chars(x.label(x.ticks[i])), width_in_chars(x.label(x.ticks[i - 1])));
    if (gap < chars * kCharWidth + 12) return false;
  }
  return true;
}

// ---- What goes inside the plot area ----------------------------------------------------

// A point on the screen, in pixels.
struct Point {
  double x, y;
};

// Appends the series' line to `lines` and its markers to `dots`.
void draw_series(std::string& lines, std::string& dots, const Series& s, const std::string& color,
                 const Axis& x, const Axis& y) {
  std::string d, circles, last;
  bool pen_down = false;  // false at the start and after a skipped point: the line breaks
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    if (!x.shows(s.x[i]) || !y.shows(s.y[i])) {
      pen_down = false;
      continue;
    }
    const Point p{x.to_px(s.x[i]), y.to_px(s.y[i])};
    const std::string cx = px(p.x), cy = px(p.y), point = cx + " " + cy;
    if (pen_down && point == last) continue;  // the same pixel again: nothing new to draw
    d += (pen_down ? "L" : "M") + point;
    if (s.markers) circles += element("circle", {{"cx", cx}, {"cy", cy}, {"r", "3"}});
    pen_down = true;
    last = point;
  }
  if (s.line && !d.empty()) lines += element("path", line_style(d, color, s.dashed)) + "\n";
  if (!circles.empty()) dots += element("g", {{"fill", color}}, circles) + "\n";
}

void draw_contour(std::string& out, const Contour& c, const Axis& x, const Axis& y) {
  if (!c.f) return;
  // Sample in axis units, so that on a log axis the samples are evenly spaced on screen.
  const auto g = [&](double u, double v) { return c.f(x.from_unit(u), y.from_unit(v)); };
  std::string d;
  for (double level : c.levels) {
    for (const Segment& s : contour_segments(g, level, x.unit(x.lo), x.unit(x.hi), y.unit(y.lo),
                                             y.unit(y.hi), c.samples)) {
      const Point a{x.px_of_unit(s.x0), y.px_of_unit(s.y0)};
      const Point b{x.px_of_unit(s.x1), y.px_of_unit(s.y1)};
      d += "M" + px(a.x) + " " + px(a.y) + "L" + px(b.x) + " " + px(b.y);
    }
  }
  if (!d.empty()) out += element("path", {{"d", d}, {"fill", "none"}, {"stroke", c.color}}) + "\n";
}

// The smallest gap (over half a pixel) between sorted screen positions; 0 if none.
double smallest_gap(std::vector<double> positions) {
  std::sort(positions.begin(), positions.end());
  double gap = 0;
  for (std::size_t i = 1; i < positions.size(); ++i) {
    const double g = positions[i] - positions[i - 1];
    if (g > 0.5 && (gap == 0 || g < gap)) gap = g;
  }
  return gap;
}

void draw_quiver(std::string& out, const Quiver& q, const Axis& x, const Axis& y) {
  // Pixels per data unit along each axis; ky < 0 because screen y grows downward.
  const double kx = (x.px_hi - x.px_lo) / (x.hi - x.lo), ky = (y.px_hi - y.px_lo) / (y.hi - y.lo);
  std::vector<double> sx, sy;
  double longest = 0;
  for (std::size_t i = 0; i < q.x.size(); ++i) {
    if (!x.shows(q.x[i]) || !y.shows(q.y[i]) || !std::isfinite(q.dx[i] * q.dy[i])) continue;
    sx.push_back(x.to_px(q.x[i]));
    sy.push_back(y.to_px(q.y[i]));
    longest = std::max(longest, std::hypot(q.dx[i] * kx, q.dy[i] * ky));
  }
  // One cell: the smallest gap between arrow starts, across or up.
  const double gx = smallest_gap(sx), gy = smallest_gap(sy);
  const double cell = gx > 0 && gy > 0 ? std::min(gx, gy) : std::max({gx, gy, 20.0});
  if (longest == 0) return;
  const double scale = 0.9 * cell / longest;  // the longest arrow: 90% of a cell
  std::string shafts, heads;
  for (std::size_t i = 0; i < q.x.size(); ++i) {
    if (!x.shows(q.x[i]) || !y.shows(q.y[i]) || !std::isfinite(q.dx[i] * q.dy[i])) continue;
    const double x0 = x.to_px(q.x[i]), y0 = y.to_px(q.y[i]);
    const double vx = q.dx[i] * kx * scale, vy = q.dy[i] * ky * scale;
    const double len = std::hypot(vx, vy);
    if (len < 0.5) continue;  // shorter than half a pixel: nothing to see
    // The head is a triangle: tip at the arrow's end, base `head` back along the arrow,
    // half as wide as long. (ux, uy) is the arrow's direction, (-uy, ux) its normal.
    const double ux = vx / len, uy = vy / len, head = std::min(7.0, 0.4 * len);
    const double bx = x0 + vx - ux * head, by = y0 + vy - uy * head;
    shafts += "M" + px(x0) + " " + px(y0) + "L" + px(bx) + " " + px(by);
    heads += "M" + px(x0 + vx) + " " + px(y0 + vy) + "L" + px(bx - uy * head / 2) + " " +
             px(by + ux * head / 2) + "L" + px(bx + uy * head / 2) + " " + px(by - ux * head / 2) +
             "Z";
  }
  if (shafts.empty()) return;
  out += element("path", {{"d", shafts}, {"stroke", q.color}, {"stroke-width", "1.2"}}) + "\n";
  out += element("path", {{"d", heads}, {"fill", q.color}}) + "\n";
}

// ---- The legend -------------------------------------------------------------------------

struct LegendEntry {
  std::string label, color;
  bool line = true, dashed = false, markers = false;
};

// The plot area, in pixels.
struct Box {
  double left, right, top, bottom;
};

void draw_legend(std::string& out, const std::vector<LegendEntry>& entries, LegendCorner corner,
                 const Box& area) {
  if (entries.empty()) return;
  std::size_t widest = 0;
  for (const LegendEntry& e : entries) widest = std::max(widest, width_in_chars(e.label));
  const double row = 18, w = 56 + widest * kCharWidth, h = 8 + row * entries.size();
  // The legend box's top-left corner, 10 px in from the sides of its corner.
  const bool right = corner == LegendCorner::top_right || corner == LegendCorner::bottom_right;
  const bool top = corner == LegendCorner::top_right || corner == LegendCorner::top_left;
  const double x = right ? area.right - 10 - w : area.left + 10;
  const double y = top ? area.top + 10 : area.bottom - 10 - h;
  out += element("rect", box(x, y, w, h) + Attributes{{"fill", "white"},
                                                      {"fill-opacity", "0.9"},
                                                      {"stroke", "#bbbbbb"}}) +
         "\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const LegendEntry& e = entries[i];
    const double cy = y + 4 + row * (i + 0.5);  // the middle of row i
    // A sample of the line (28 px long) and of the marker, then the label.
    if (e.line)
      out += element("path", line_style("M" + px(x + 8) + " " + px(cy) + "h28", e.color, e.dashed));
    if (e.markers) {
      out += element("circle", {{"cx", px(x + 22)}, {"cy", px(cy)}, {"r", "3"}, {"fill", e.color}});
    }
    out += text(x + 44, cy + 4, e.label);
  }
}

// ---- Files ------------------------------------------------------------------------------

void write_text_file(const std::string& content, const std::string& path) {
  const std::filesystem::path file(path);
  std::error_code error;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), error);
  if (error) {
    throw std::runtime_error("write_svg: cannot create the folder for " + path + ": " +
                             error.message() + ". HINT: is a file in the way of a folder?");
  }
  std::ofstream out(file, std::ios::binary);
  out << content;
  out.close();
  if (!out) throw std::runtime_error("write_svg: cannot write " + path);
}

std::string svg_open(double width, double height) {
  const std::string w = px(width), h = px(height);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
         "\" viewBox=\"0 0 " + w + " " + h + "\" font-family=\"sans-serif\" font-size=\"12\">\n" +
         element("rect", {{"width", w}, {"height", h}, {"fill", "white"}}) + "\n";
}

}  // namespace

// ---- Ticks ------------------------------------------------------------------------------

std::vector<double> nice_ticks(double lo, double hi, int max_ticks) {
  max_ticks = std::max(max_ticks, 3);  // a range around 0 needs 3: −step, 0, step
  if (!(lo < hi)) hi = lo + 1;
  // Start from a power of ten below (hi − lo) / max_ticks, which is too small a step to
  // cover the range with max_ticks ticks, and try 1, 2, 5, 10, 20, 50 … times it.
  const double base = std::pow(10.0, std::floor(std::log10((hi - lo) / max_ticks)));
  for (double decade = base;; decade *= 10) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double step = m * decade;
      // The ticks are whole multiples k · step, k from `first` (≤ lo) to `last` (≥ hi).
      // (At least two ticks, even when rounding puts lo and hi on one multiple.)
      const double first = std::floor(lo / step + 1e-9);
      const double last = std::max(first + 1, std::ceil(hi / step - 1e-9));
      if (last - first + 1 > max_ticks) continue;
      std::vector<double> ticks;
      for (int i = 0; i <= static_cast<int>(last - first); ++i) ticks.push_back((first + i) * step);
      return ticks;
    }
  }
}

std::vector<double> log_ticks(double lo, double hi, int max_ticks) {
  max_ticks = std::max(max_ticks, 2);
  // The exponents of the powers of ten inside [lo, hi].
  const int e_lo = static_cast<int>(std::ceil(std::log10(lo) - 1e-9));
  const int e_hi = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
  std::vector<double> ticks;
  for (int every : {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}) {
    // Exponents that are multiples of `every`, so 1e0 is a tick whenever it is in range.
    const int first = static_cast<int>(std::ceil(static_cast<double>(e_lo) / every)) * every;
    ticks.clear();
    for (int e = first; e <= e_hi; e += every) ticks.push_back(std::pow(10.0, e));
    if (static_cast<int>(ticks.size()) <= max_ticks) break;
  }
  return ticks;
}

// ---- Contours ---------------------------------------------------------------------------

std::vector<Segment> contour_segments(const std::function<double(double, double)>& f, double level,
                                      double x_lo, double x_hi, double y_lo, double y_hi,
                                      int samples) {
  if (samples < 1) throw std::invalid_argument("contour_segments: samples must be ≥ 1");
  const int n = samples;
  const auto xi = [&](int i) { return x_lo + (x_hi - x_lo) * i / n; };
  const auto yj = [&](int j) { return y_lo + (y_hi - y_lo) * j / n; };
  // value(i, j) = f(x_i, y_j) − level: the curve runs where the sign changes.
  std::vector<double> value((n + 1) * (n + 1));
  for (int j = 0; j <= n; ++j) {
    for (int i = 0; i <= n; ++i) value[j * (n + 1) + i] = f(xi(i), yj(j)) - level;
  }
  std::vector<Segment> segments;
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) {
      // The cell's corners counter-clockwise from bottom-left; edge e joins corner e to e+1.
      const double cx[4] = {xi(i), xi(i + 1), xi(i + 1), xi(i)};
      const double cy[4] = {yj(j), yj(j), yj(j + 1), yj(j + 1)};
      const int at[4] = {j * (n + 1) + i, j * (n + 1) + i + 1, (j + 1) * (n + 1) + i + 1,
                         (j + 1) * (n + 1) + i};
      double v[4], ex[4], ey[4];
      bool crossed[4], finite = true;
      for (int c = 0; c < 4; ++c) v[c] = value[at[c]], finite = finite && std::isfinite(v[c]);
      if (!finite) continue;
      int count = 0;
      for (int e = 0; e < 4; ++e) {
        const int a = e, b = (e + 1) % 4;
        crossed[e] = (v[a] >= 0) != (v[b] >= 0);
        if (!crossed[e]) continue;
        // The straight line from (0, v_a) to (1, v_b) is 0 at t = v_a / (v_a − v_b).
        const double t = v[a] / (v[a] - v[b]);
        ex[e] = cx[a] + t * (cx[b] - cx[a]);
        ey[e] = cy[a] + t * (cy[b] - cy[a]);
        ++count;
      }
      const auto join = [&](int e1, int e2) {
        segments.push_back({ex[e1], ey[e1], ex[e2], ey[e2]});
      };
      if (count == 2) {
        int e1 = 0;
        while (!crossed[e1]) ++e1;
        int e2 = e1 + 1;
        while (!crossed[e2]) ++e2;
        join(e1, e2);
      } else if (count == 4) {
        // A saddle: corners 0 and 2 on one side, 1 and 3 on the other. The cell's centre
        // (the mean) decides which pair connects through the middle; the other two corners
        // are cut off, each by a segment across the two edges that meet there
        // (corner c sits between edges c−1 and c).
        const bool centre_above = v[0] + v[1] + v[2] + v[3] >= 0;
        if ((v[0] >= 0) == centre_above) {
          join(0, 1), join(2, 3);  // corners 1 and 3 cut off
        } else {
          join(3, 0), join(1, 2);  // corners 0 and 2 cut off
        }
      }
    }
  }
  return segments;
}

// ---- Plot -------------------------------------------------------------------------------

std::string render_svg(const Plot& plot) {
  for (const Series& s : plot.series) {
    require(s.x.size() == s.y.size(), "series \"" + s.label + "\" has " +
                                          std::to_string(s.x.size()) + " x values but " +
                                          std::to_string(s.y.size()) + " y values");
  }
  for (const Quiver& q : plot.quivers) {
    const std::size_t n = q.x.size();
    require(q.y.size() == n && q.dx.size() == n && q.dy.size() == n,
            "a quiver's x, y, dx, dy differ in length");
  }
  require(plot.width >= 200 && plot.height >= 150, "a plot needs width ≥ 200 and height ≥ 150");
  // The values that decide automatic ranges: every series point and arrow start.
  std::vector<double> xs, ys;
  for (const Series& s : plot.series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  for (const Quiver& q : plot.quivers) {
    xs.insert(xs.end(), q.x.begin(), q.x.end());
    ys.insert(ys.end(), q.y.begin(), q.y.end());
  }

  // The plot area is [left, right] × [top, bottom] in pixels. Around it: the title above,
  // tick labels and the x label below, tick labels and the y label on the left.
  const double width = plot.width, height = plot.height;
  const double top = plot.title.empty() ? 16 : 40;
  const double bottom = height - (plot.x_label.empty() ? 30 : 50);
  Axis y = make_axis(ys, plot.y_range, plot.log_y, static_cast<int>((bottom - top) / 40), "y");
  y.px_lo = bottom;  // SVG's y grows downward: the low end of the y axis is at the bottom
  y.px_hi = top;
  std::size_t widest = 0;
  for (double t : y.ticks) widest = std::max(widest, width_in_chars(y.label(t)));
  const double left = (plot.y_label.empty() ? 10 : 30) + widest * kCharWidth + 10;
  const double right = width - 28;  // room for half the last x label (≤ 7 characters)
  // As many x ticks as fit: start with one per 50 px and drop until the labels fit.
  Axis x;
  for (int max_ticks = static_cast<int>((right - left) / 50);; --max_ticks) {
    x = make_axis(xs, plot.x_range, plot.log_x, max_ticks, "x");
    x.px_lo = left;
    x.px_hi = right;
    if (max_ticks <= 3 || x_labels_fit(x)) break;
  }

  std::string out = svg_open(width, height);

  // Grid lines and tick marks (5 px outward), then the tick labels.
  std::string grid, marks, labels;
  for (double t : x.ticks) {
    const std::string p = px(x.to_px(t));
    grid += "M" + p + " " + px(top) + "V" + px(bottom);
    marks += "M" + p + " " + px(bottom) + "v5";
    labels += text(x.to_px(t), bottom + 18, x.label(t), {{"text-anchor", "middle"}});
  }
  for (double t : y.ticks) {
    const std::string p = px(y.to_px(t));
    grid += "M" + px(left) + " " + p + "H" + px(right);
    marks += "M" + px(left) + " " + p + "h-5";
    labels += text(left - 8, y.to_px(t) + 4, y.label(t), {{"text-anchor", "end"}});
  }
  out += element("path", {{"d", grid}, {"stroke", "#e6e6e6"}}) + "\n";
  out += element("path", {{"d", marks}, {"stroke", "black"}}) + "\n" + labels;

  // Everything drawn from data is clipped to the plot area; markers to 4 px more, so
  // that a dot on the frame shows whole.
  const Attributes area = box(left, top, right - left, bottom - top);
  const Attributes area_and_more = box(left - 4, top - 4, right - left + 8, bottom - top + 8);
  const std::string clip_area = element("clipPath", {{"id", "area"}}, element("rect", area));
  const std::string clip_dots =
      element("clipPath", {{"id", "dots"}}, element("rect", area_and_more));
  out += element("defs", {}, clip_area + clip_dots) + "\n";
  std::string lines, dots;
  std::vector<LegendEntry> legend;
  for (const Contour& c : plot.contours) {
    draw_contour(lines, c, x, y);
    if (!c.label.empty()) legend.push_back({c.label, c.color});
  }
  for (const Quiver& q : plot.quivers) {
    draw_quiver(lines, q, x, y);
    if (!q.label.empty()) legend.push_back({q.label, q.color});
  }
  for (std::size_t i = 0; i < plot.series.size(); ++i) {
    const Series& s = plot.series[i];
    const std::string color = s.color.empty() ? kPalette[i % std::size(kPalette)] : s.color;
    draw_series(lines, dots, s, color, x, y);
    if (!s.label.empty()) legend.push_back({s.label, color, s.line, s.dashed, s.markers});
  }
  if (!lines.empty()) out += element("g", {{"clip-path", "url(#area)"}}, "\n" + lines) + "\n";
  if (!dots.empty()) out += element("g", {{"clip-path", "url(#dots)"}}, "\n" + dots) + "\n";
  out += element("rect", area + Attributes{{"fill", "none"}, {"stroke", "black"}}) + "\n";

  // Axis labels, title, legend.
  const double middle_x = (left + right) / 2, middle_y = (top + bottom) / 2;
  if (!plot.x_label.empty()) {
    out += text(middle_x, height - 12, plot.x_label, {{"text-anchor", "middle"}});
  }
  if (!plot.y_label.empty()) {
    // Written horizontally at (0, 0), then turned a quarter left and moved into place.
    out += text(0, 0, plot.y_label,
                {{"text-anchor", "middle"},
                 {"transform", "translate(18 " + px(middle_y) + ") rotate(-90)"}});
  }
  if (!plot.title.empty()) {
    out += text(middle_x, 26, plot.title, {{"text-anchor", "middle"}, {"font-size", "16"}});
  }
  draw_legend(out, legend, plot.legend, {left, right, top, bottom});
  return out + "</svg>\n";
}

// ---- Image grid -------------------------------------------------------------------------

std::string render_svg(const ImageGrid& grid) {
  const std::size_t n = grid.images.rows(), w = grid.width, h = grid.height;
  require(grid.images.cols() == w * h, "images are " + grid.images.shape() + ", expected (N," +
                                           std::to_string(w * h) + ") for " + std::to_string(h) +
                                           "x" + std::to_string(w) + " pixels");
  require(grid.captions.empty() || grid.captions.size() == n,
          std::to_string(grid.captions.size()) + " captions for " + std::to_string(n) + " images");
  require(grid.marked.empty() || grid.marked.size() == n,
          std::to_string(grid.marked.size()) + " marks for " + std::to_string(n) + " images");
  require(grid.columns >= 1 && grid.scale >= 1, "an image grid needs columns ≥ 1 and scale ≥ 1");
  // Cells side by side, each wide enough for its image and the longest caption.
  std::size_t widest = 0;
  for (const std::string& c : grid.captions) widest = std::max(widest, width_in_chars(c));
  const double image_w = static_cast<double>(w * grid.scale),
               image_h = static_cast<double>(h * grid.scale);
  const double cell_w = std::max(image_w, widest * 6.5) + 16;
  const double cell_h = image_h + (grid.captions.empty() ? 12 : 30);
  const std::size_t columns = std::clamp<std::size_t>(n, 1, grid.columns);
  const std::size_t rows = (n + columns - 1) / columns;
  const double top = grid.title.empty() ? 10 : 40;
  const double width = std::max(columns * cell_w + 20, grid.title.size() * 9.0 + 20);

  std::string out = svg_open(width, top + rows * cell_h + 4);
  if (!grid.title.empty()) {
    out += text(width / 2, 26, grid.title, {{"text-anchor", "middle"}, {"font-size", "16"}});
  }
  const double* pixels = grid.images.data();
  for (std::size_t k = 0; k < n; ++k) {
    const bool marked = !grid.marked.empty() && grid.marked[k];
    const double x = 10 + (k % columns) * cell_w + (cell_w - image_w) / 2;
    const double y = top + static_cast<double>(k / columns) * cell_h;
    const Attributes frame = {{"fill", "white"},
                              {"stroke", marked ? kRed : "#cccccc"},
                              {"stroke-width", marked ? "2" : "1"}};
    out += element("rect", box(x - 1, y - 1, image_w + 2, image_h + 2) + frame) + "\n";
    // Inside the group one unit is one image pixel: row r is the strip y = r … r+1.
    // 16 shades of grey are plenty for a picture: ink 0 (white) … 15 (black). Each row is
    // cut into runs of equal ink, and all runs of one ink become one path of rectangles
    // "M c r h n v1 h-n z"; white, the background, is left out.
    std::string runs[16];
    for (std::size_t r = 0; r < h; ++r) {
      const double* row = pixels + k * w * h + r * w;
      const auto ink = [&](std::size_t c) {
        return std::isnan(row[c])
                   ? 0
                   : static_cast<int>(std::lround(std::clamp(row[c], 0.0, 1.0) * 15));
      };
      for (std::size_t c = 0, end = 0; c < w; c = end) {
        const int level = ink(c);
        for (end = c + 1; end < w && ink(end) == level;) ++end;
        const std::string n = std::to_string(end - c);
        if (level > 0)
          runs[level] +=
              "M" + std::to_string(c) + " " + std::to_string(r) + "h" + n + "v1h-" + n + "z";
      }
    }
    std::string paths;
    for (int level = 1; level < 16; ++level) {
      if (runs[level].empty()) continue;
      const char hex[] = "0123456789abcdef";
      const int grey = 255 - 17 * level;  // "#hhhhhh", the same byte for red, green and blue
      const std::string byte = {hex[grey / 16], hex[grey % 16]};
      paths += element("path", {{"d", runs[level]}, {"fill", "#" + byte + byte + byte}});
    }
    const std::string place =
        "translate(" + px(x) + " " + px(y) + ") scale(" + std::to_string(grid.scale) + ")";
    if (!paths.empty()) {
      out += element("g", {{"transform", place}, {"shape-rendering", "crispEdges"}}, paths) + "\n";
    }
    if (!grid.captions.empty()) {
      out += text(
          x + image_w / 2, y + image_h + 17, grid.captions[k],
          {{"class", "caption"}, {"text-anchor", "middle"}, {"fill", marked ? kRed : "black"}});
    }
  }
  return out + "</svg>\n";
}

// ---- Files ------------------------------------------------------------------------------

void write_svg(const Plot& plot, const std::string& path) {
  write_text_file(render_svg(plot), path);
}

void write_svg(const ImageGrid& grid, const std::string& path) {
  write_text_file(render_svg(grid), path);
}
