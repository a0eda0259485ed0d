// --model values: NAME=PATH, comma-separated or repeated, a bare path named by its stem; an empty
// name or path, or a name given twice, is refused with the option's name.
#include "core/error.h"
#include "serve/model_registry.h"

#include <doctest/doctest.h>

using namespace medner;

TEST_CASE("model registry: --model specs") {
  using Specs = std::vector<std::pair<std::string, std::string>>;
  CHECK(parse_model_specs({"a=x/a.bin"}) == Specs{{"a", "x/a.bin"}});
  CHECK(parse_model_specs({"a=1.bin,b=2.bin", "c=3.bin"}) == Specs{{"a", "1.bin"}, {"b", "2.bin"}, {"c", "3.bin"}});
  CHECK(parse_model_specs({"runs/ncbi.bin"}) == Specs{{"ncbi", "runs/ncbi.bin"}});
  CHECK_THROWS_WITH_AS(parse_model_specs({"a=1.bin,a=2.bin"}), doctest::Contains("'a' is given twice"), InputError);
  CHECK_THROWS_WITH_AS(parse_model_specs({"=1.bin"}), doctest::Contains("expected NAME=PATH"), InputError);
  CHECK_THROWS_WITH_AS(parse_model_specs({"a="}), doctest::Contains("expected NAME=PATH"), InputError);
  CHECK_THROWS_AS(parse_model_specs({}), InputError);
}
