// Option values as text: the ordered `key = value` map of a configuration, the parsers that
// turn one value into a number, a flag or a choice (errors name the option: "--lr: expected a
// number in (0, 1000], got '-1'"), config files, and the merge of defaults, files and the
// command line. The typed tables that use them are in options/option_table.h.
#pragma once

#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace medner {

using ConfigMap = std::vector<std::pair<std::string, std::string>>;  // ordered key = value

enum class OptionKind { String, Path, Int, Real, Bool };

struct OptionInfo;

// The most threads an option accepts: beyond it OpenMP runtimes fail in their own ways (100000
// threads crashed inside libgomp after 30 s), and no machine medner runs on has more cores.
constexpr long kMaxThreads = 1024;

// Parsers; `name` is the option's name without dashes. NaN is rejected like any number out of
// range; integers must fit in int (sizes and counts end up in int and Eigen's Index).
constexpr long kMaxIntOption = 2147483647;
long parse_int(const std::string& name, const std::string& value, long min, long max = kMaxIntOption);
double parse_real(const std::string& name, const std::string& value, double min, double max, bool min_open);
bool parse_bool(const std::string& name, const std::string& value);  // true/1/yes, false/0/no
std::size_t parse_choice(const std::string& name, const std::string& value, const std::vector<std::string>& names);
// Throws InputError "--name: <what e says>" (the text of e as it is when it names the option).
[[noreturn]] void rethrow_for_option(const std::string& name, const std::exception& e);
[[noreturn]] void bad_option_value(const std::string& name, const std::string& expected, const std::string& value);

std::string join_names(const std::vector<std::string>& names, const char* separator);

// The value of `key` in `map`, or `fallback` when it has none.
const std::string& config_value(const ConfigMap& map, const std::string& key, const std::string& fallback);

// Reads `key = value` lines ('#' starts a comment, blank lines ignored). Unknown keys (not in
// `options`), missing '=' and repeated keys are InputErrors with path:line.
ConfigMap read_config_file(const std::string& path, const std::vector<OptionInfo>& options);

// Every option of `options` in table order, with its default overridden by the layers in order
// (later layers win: defaults < config file < command line). A key that is not an option is an
// InputError.
ConfigMap merge_options(const std::vector<OptionInfo>& options, const std::vector<ConfigMap>& layers);

// The entries of `map` whose option is stored in a model file.
ConfigMap stored_entries(const std::vector<OptionInfo>& options, const ConfigMap& map);

std::string format_config(const ConfigMap& map);  // "key = value" lines

}  // namespace medner
