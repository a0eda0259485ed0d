#include "options/option_values.h"

#include "core/error.h"
#include "options/option_table.h"
#include "data/conll.h"

#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

namespace medner {

namespace {

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

const OptionInfo* find_info(const std::vector<OptionInfo>& options, const std::string& name) {
  for (const OptionInfo& o : options)
    if (o.name == name) return &o;
  return nullptr;
}

}  // namespace

void bad_option_value(const std::string& name, const std::string& expected, const std::string& value) {
  // The value may come from a model file: message_excerpt keeps the message on one line.
  throw InputError(fmt::format("--{}: expected {}, got '{}'", name, expected, message_excerpt(value)));
}

void rethrow_for_option(const std::string& name, const std::exception& e) {
  const std::string what = e.what();
  if (what.rfind("--" + name, 0) == 0) throw InputError(what);
  throw InputError(fmt::format("--{}: {}", name, what));
}

long parse_int(const std::string& name, const std::string& v, long min, long max) {
  long x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec == std::errc::result_out_of_range) bad_option_value(name, "an integer below 2^31", v);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) bad_option_value(name, "an integer", v);
  if (x < min) bad_option_value(name, min > 0 ? "a positive integer" : "a non-negative integer", v);
  // 3000000000 must not wrap to negative in an int.
  if (x > INT_MAX) bad_option_value(name, "an integer below 2^31", v);
  if (x > max) bad_option_value(name, fmt::format("an integer in [{}, {}]", min, max), v);
  return x;
}

double parse_real(const std::string& name, const std::string& v, double min, double max, bool min_open) {
  double x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) bad_option_value(name, "a number", v);
  // "nan" parses, and every comparison with NaN is false: test for it explicitly.
  if (std::isnan(x) || (min_open ? x <= min : x < min) || x > max)
    bad_option_value(name, fmt::format("a number in {}{}, {}]", min_open ? "(" : "[", min, max), v);
  return x;
}

bool parse_bool(const std::string& name, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  bad_option_value(name, "true or false", v);
}

std::size_t parse_choice(const std::string& name, const std::string& v, const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (v == names[i]) return i;
  bad_option_value(name, "one of " + join_names(names, ", "), v);
}

std::string join_names(const std::vector<std::string>& names, const char* separator) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : separator) + n;
  return out;
}

const std::string& config_value(const ConfigMap& map, const std::string& key, const std::string& fallback) {
  for (const auto& kv : map)
    if (kv.first == key) return kv.second;
  return fallback;
}

ConfigMap read_config_file(const std::string& path, const std::vector<OptionInfo>& options) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot open config file: {}", path, std::strerror(errno)));
  ConfigMap out;
  std::set<std::string> seen;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    line = trim(line);
    if (line.empty()) continue;
    std::size_t eq = line.find('=');
    if (eq == std::string::npos)
      throw InputError(
          fmt::format("{}:{}: expected 'key = value', got '{}'", path, line_no, message_excerpt(line)));
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (find_info(options, key) == nullptr)
      throw InputError(fmt::format("{}:{}: unknown key '{}'", path, line_no, message_excerpt(key)));
    if (!seen.insert(key).second) throw InputError(fmt::format("{}:{}: key '{}' given twice", path, line_no, key));
    out.emplace_back(key, value);
  }
  return out;
}

ConfigMap merge_options(const std::vector<OptionInfo>& options, const std::vector<ConfigMap>& layers) {
  for (const ConfigMap& layer : layers)
    for (const auto& kv : layer)
      if (find_info(options, kv.first) == nullptr)
        throw InputError(fmt::format("unknown option '{}'", message_excerpt(kv.first)));
  ConfigMap out;
  for (const OptionInfo& o : options) {
    std::string value = o.default_value;
    for (const ConfigMap& layer : layers)
      for (const auto& kv : layer)
        if (kv.first == o.name) value = kv.second;
    out.emplace_back(o.name, value);
  }
  return out;
}

ConfigMap stored_entries(const std::vector<OptionInfo>& options, const ConfigMap& map) {
  ConfigMap out;
  for (const auto& kv : map) {
    const OptionInfo* o = find_info(options, kv.first);
    if (o != nullptr && o->stored) out.push_back(kv);
  }
  return out;
}

std::string format_config(const ConfigMap& map) {
  std::string out;
  for (const auto& kv : map) out += fmt::format("{} = {}\n", kv.first, kv.second);
  return out;
}

}  // namespace medner
