// Option tables: defaults come from the table, values are validated with the option's name in the
// message, nested tables act on their member, config files and merges keep table order.
#include "common/temp_dir.h"
#include "core/error.h"
#include "options/option_table.h"

#include <doctest/doctest.h>

#include <fstream>

using namespace medner;

namespace {

enum class Colour { Red, Blue };

struct Inner {
  int size = -1;
  double rate = -1;
};

struct Outer {
  std::string path;
  bool flag = false;
  Colour colour = Colour::Red;
  Inner inner;
};

const OptionTable<Inner>& inner_options() {
  static const OptionTable<Inner> t = {
      int_option<Inner>("size", &Inner::size, 8, 1, "a size"),
      real_option<Inner>("rate", &Inner::rate, "0.5", 0, 1, true, "a rate"),
  };
  return t;
}

OptionTable<Outer> outer_options() {
  OptionTable<Outer> t = {
      not_stored(text_option<Outer>("path", OptionKind::Path, &Outer::path, "", "a file")),
      bool_option<Outer>("flag", &Outer::flag, true, "a flag"),
      choice_option<Outer>("colour", &Outer::colour,
                           std::vector<std::pair<std::string, Colour>>{{"red", Colour::Red}, {"blue", Colour::Blue}},
                           "blue", "a colour"),
  };
  OptionTable<Outer> inner = nested_options(inner_options(), &Outer::inner);
  t.insert(t.end(), inner.begin(), inner.end());
  return t;
}

}  // namespace

TEST_CASE("options: the struct's defaults are the table's, nested options included") {
  const Outer o = default_options(outer_options());
  CHECK(o.path.empty());
  CHECK(o.flag);
  CHECK(o.colour == Colour::Blue);
  CHECK(o.inner.size == 8);
  CHECK(o.inner.rate == doctest::Approx(0.5));
}

TEST_CASE("options: values are parsed and checked, the message names the option") {
  const OptionTable<Outer> t = outer_options();
  const Outer o = parse_options(t, {{"colour", "red"}, {"size", "3"}, {"flag", "no"}, {"rate", "1"}});
  CHECK(o.colour == Colour::Red);
  CHECK(o.inner.size == 3);
  CHECK_FALSE(o.flag);
  CHECK_THROWS_WITH_AS(parse_options(t, {{"colour", "green"}}), "--colour: expected one of red, blue, got 'green'",
                       InputError);
  CHECK_THROWS_WITH_AS(parse_options(t, {{"size", "0"}}), "--size: expected a positive integer, got '0'", InputError);
  CHECK_THROWS_WITH_AS(parse_options(t, {{"size", "3000000000"}}), "--size: expected an integer below 2^31, got '3000000000'",
                       InputError);
  CHECK_THROWS_WITH_AS(parse_options(t, {{"rate", "0"}}), "--rate: expected a number in (0, 1], got '0'", InputError);
  CHECK_THROWS_WITH_AS(parse_options(t, {{"rate", "nan"}}), "--rate: expected a number in (0, 1], got 'nan'", InputError);
  CHECK_THROWS_WITH_AS(parse_options(t, {{"flag", "maybe"}}), "--flag: expected true or false, got 'maybe'", InputError);
}

TEST_CASE("options: merges in table order, later layers win, unknown keys and stored entries") {
  const std::vector<OptionInfo> infos = option_infos(outer_options());
  const ConfigMap m = merge_options(infos, {{{"size", "2"}, {"path", "a"}}, {{"size", "5"}}});
  REQUIRE(m.size() == 5);
  CHECK(m[0] == std::pair<std::string, std::string>("path", "a"));
  CHECK(m[3] == std::pair<std::string, std::string>("size", "5"));
  CHECK_THROWS_WITH_AS(merge_options(infos, {{{"shape", "round"}}}), "unknown option 'shape'", InputError);
  const ConfigMap stored = stored_entries(infos, m);
  CHECK(stored.size() == 4);  // path is not stored
  CHECK(stored.front().first == "flag");
}

TEST_CASE("options: config files name file and line for every problem") {
  medner_test::TempDir dir;
  const std::vector<OptionInfo> infos = option_infos(outer_options());
  auto read = [&](const std::string& text) {
    std::ofstream(dir.file("c.conf")) << text;
    return read_config_file(dir.file("c.conf"), infos);
  };
  CHECK(read("# comment\nsize = 4  # four\n\ncolour=red\n") == ConfigMap{{"size", "4"}, {"colour", "red"}});
  CHECK_THROWS_WITH_AS(read("size 4\n"), (dir.file("c.conf") + ":1: expected 'key = value', got 'size 4'").c_str(),
                       InputError);
  CHECK_THROWS_WITH_AS(read("\nshape = 1\n"), (dir.file("c.conf") + ":2: unknown key 'shape'").c_str(), InputError);
  CHECK_THROWS_WITH_AS(read("size = 1\nsize = 2\n"), (dir.file("c.conf") + ":2: key 'size' given twice").c_str(),
                       InputError);
}
