// common/format.cpp: see format.h.
#include "common/format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <stdexcept>

std::string repr(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  // std::to_chars in scientific form gives the shortest digits that read back as exactly
  // x, the same digits Python's repr picks: "-6.11110793e-10" → sign, digits, exponent.
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific).ptr;
  const std::string sci_text(buf, end);
  const std::size_t e = sci_text.find('e');
  const bool negative = sci_text[0] == '-';
  std::string digits;
  for (std::size_t k = negative ? 1 : 0; k < e; ++k)
    if (sci_text[k] != '.') digits += sci_text[k];
  const int exponent = std::stoi(sci_text.substr(e + 1));
  std::string out = negative ? "-" : "";
  // Python's rule: plain notation when 1e-4 <= |x| < 1e16, scientific otherwise.
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    } else {
      const std::size_t point = static_cast<std::size_t>(exponent) + 1;
      if (digits.size() <= point) {
        out += digits + std::string(point - digits.size(), '0') + ".0";
      } else {
        out += digits.substr(0, point) + "." + digits.substr(point);
      }
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char exp_text[16];
  std::snprintf(exp_text, sizeof exp_text, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out + exp_text;
}

std::string sci(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", digits, x);
  return buf;
}

std::string fixed(double x, int decimals) {
  char buf[400];  // %.Nf of 1e308 has 309 digits before the point
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

std::string tuple(const std::vector<double>& values, std::string (*one)(double)) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + one(values[i]);
  return out + ")";
}

std::string epoch_line(std::size_t iteration, std::size_t per_epoch, std::size_t last,
                       double mean_loss, double train_accuracy, double test_accuracy) {
  const bool on_schedule = per_epoch > 0 && (iteration - 1) % per_epoch == 0;
  const std::string label = on_schedule && iteration != last
                                ? "epoch " + std::to_string((iteration - 1) / per_epoch)
                                : "final";
  return label + "  iter " + std::to_string(iteration) + "  loss " + fixed(mean_loss, 4) +
         "  train_acc " + fixed(train_accuracy, 4) + "  test_acc " + fixed(test_accuracy, 4);
}

std::string header(const HeaderLines& lines) {
  std::string out;
  for (const auto& [key, value] : lines) {
    if (key.empty() || key.find_first_of(":\n") != std::string::npos ||
        value.find('\n') != std::string::npos) {
      throw std::invalid_argument("header: the line of key '" + key +
                                  "' would not be one 'key: value' line (an empty key, a ':' "
                                  "in the key, or a line break)");
    }
    out += key + ": " + value + "\n";
  }
  return out;
}
