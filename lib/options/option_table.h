// Options declared once: each Option gives its name (the long command-line option and the
// config-file key), kind, default, help text and a parser that validates a value and sets the
// field of a configuration struct. The tables of the network (model/model_options.h), the
// trainer (train/config.h), medner-tag and medner-eval are built from the helpers below, and
// everything else comes from them: the command line (apps/common), config files, the defaults of
// the structs, the configuration stored in a model file. Not here: cross-option rules (train
// and dev both given, ...), which the struct's owner checks after parsing.
#pragma once

#include "options/option_values.h"

#include <functional>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace medner {

// The text of an option, without the struct it sets: what help, cxxopts and config files need.
struct OptionInfo {
  std::string name;
  OptionKind kind = OptionKind::String;
  std::string default_value;  // as text; "" = none
  std::string help;
  bool stored = true;         // part of a model's configuration (paths and run settings are not)
};

template <class Config>
struct Option : OptionInfo {
  std::function<void(Config&, const std::string&)> parse;  // InputError "--name: expected ..."
};

template <class Config>
using OptionTable = std::vector<Option<Config>>;

template <class Config>
std::vector<OptionInfo> option_infos(const OptionTable<Config>& table) {
  return std::vector<OptionInfo>(table.begin(), table.end());
}

// Each helper takes `field`: a pointer to a data member of Config or a callable Config& -> T&
// (for a nested member), applied with std::invoke.
template <class Config, class Field>
Option<Config> make_option(const char* name, OptionKind kind, std::string default_value, const char* help,
                           Field field, std::function<void(decltype(std::invoke(field, std::declval<Config&>())),
                                                           const std::string&)> set) {
  Option<Config> o;
  o.name = name;
  o.kind = kind;
  o.default_value = std::move(default_value);
  o.help = help;
  o.parse = [field, set](Config& c, const std::string& v) { set(std::invoke(field, c), v); };
  return o;
}

// An integer in [min, max] (max at most 2^31 - 1).
template <class Config, class Field>
Option<Config> int_option(const char* name, Field field, long default_value, long min, const char* help,
                          long max = kMaxIntOption) {
  return make_option<Config>(name, OptionKind::Int, std::to_string(default_value), help, field,
                             [n = std::string(name), min, max](auto& x, const std::string& v) {
                               x = static_cast<std::remove_reference_t<decltype(x)>>(parse_int(n, v, min, max));
                             });
}

// A number in [min, max], or (min, max] when min_open.
template <class Config, class Field>
Option<Config> real_option(const char* name, Field field, const char* default_value, double min, double max,
                           bool min_open, const char* help) {
  return make_option<Config>(name, OptionKind::Real, default_value, help, field,
                             [n = std::string(name), min, max, min_open](auto& x, const std::string& v) {
                               x = static_cast<std::remove_reference_t<decltype(x)>>(
                                   parse_real(n, v, min, max, min_open));
                             });
}

template <class Config, class Field>
Option<Config> bool_option(const char* name, Field field, bool default_value, const char* help) {
  return make_option<Config>(name, OptionKind::Bool, default_value ? "true" : "false", help, field,
                             [n = std::string(name)](bool& x, const std::string& v) { x = parse_bool(n, v); });
}

// Free text (kind String) or a file path (kind Path); "" is allowed.
template <class Config, class Field>
Option<Config> text_option(const char* name, OptionKind kind, Field field, const char* default_value,
                           const char* help) {
  return make_option<Config>(name, kind, default_value, help, field,
                             [](std::string& x, const std::string& v) { x = v; });
}

// One of a fixed list of names, each naming a value of the field's type.
template <class Config, class Field, class T>
Option<Config> choice_option(const char* name, Field field, std::vector<std::pair<std::string, T>> choices,
                             const char* default_value, const char* help) {
  std::vector<std::string> names;
  for (const auto& c : choices) names.push_back(c.first);
  std::string full = std::string(help) + " (" + join_names(names, ", ") + ")";
  Option<Config> o = make_option<Config>(
      name, OptionKind::String, default_value, "", field,
      [n = std::string(name), choices, names](auto& x, const std::string& v) {
        x = choices[parse_choice(n, v, names)].second;
      });
  o.help = full;
  return o;
}

// A value read by `parse` (a function of the text returning the field's value, throwing
// InputError), for options whose names have aliases ("md" for "markdown"). The message gets the
// option's name in front.
template <class Config, class Field, class Parse>
Option<Config> parsed_option(const char* name, Field field, const char* default_value, const char* help,
                             Parse parse) {
  return make_option<Config>(name, OptionKind::String, default_value, help, field,
                             [n = std::string(name), parse](auto& x, const std::string& v) {
                               try {
                                 x = parse(v);
                               } catch (const std::exception& e) {
                                 rethrow_for_option(n, e);
                               }
                             });
}

template <class Config>
Option<Config> not_stored(Option<Config> o) {
  o.stored = false;
  return o;
}

// The options of `inner`'s table acting on member `member` of Outer (the trainer's table holds
// the network's options this way, so they are declared once, in model/model_options.cpp).
template <class Outer, class Inner>
OptionTable<Outer> nested_options(const OptionTable<Inner>& inner, Inner Outer::*member) {
  OptionTable<Outer> out;
  for (const Option<Inner>& i : inner) {
    Option<Outer> o;
    static_cast<OptionInfo&>(o) = i;
    o.parse = [p = i.parse, member](Outer& c, const std::string& v) { p(c.*member, v); };
    out.push_back(std::move(o));
  }
  return out;
}

template <class Config>
const Option<Config>* find_option(const OptionTable<Config>& table, const std::string& name) {
  for (const Option<Config>& o : table)
    if (o.name == name) return &o;
  return nullptr;
}

// Sets every option of the table from `values` (a merged map: each key of the table once, as
// merge_options returns it). Options missing from `values` get their defaults.
template <class Config>
Config parse_options(const OptionTable<Config>& table, const ConfigMap& values) {
  Config c{};
  for (const Option<Config>& o : table) o.parse(c, config_value(values, o.name, o.default_value));
  return c;
}

// Every option of the table at its default.
template <class Config>
Config default_options(const OptionTable<Config>& table) {
  return parse_options(table, {});
}

}  // namespace medner
