// Golden reports: every tests/golden/eval/NAME.in (conlleval format) is scored and printed; the
// text report must equal NAME.text and the Markdown report NAME.md byte for byte. The expected
// files were derived by hand from conlleval's rules (tests/golden/eval/README.md shows how).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "data/conll.h"
#include "eval/eval_input.h"
#include "eval/report.h"

using namespace medner;
namespace fs = std::filesystem;

TEST_CASE("golden: reports equal the hand-derived expected files") {
  fs::path dir = fs::path(__FILE__).parent_path().parent_path() / "golden" / "eval";
  REQUIRE(fs::is_directory(dir));
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".in") inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  CHECK(inputs.size() >= 7);
  for (const fs::path& in : inputs) {
    CAPTURE(in.filename().string());
    EvalReport report = evaluate(read_conlleval(in.string()));
    fs::path text = fs::path(in).replace_extension(".text");
    fs::path md = fs::path(in).replace_extension(".md");
    REQUIRE(fs::exists(text));
    CHECK(format_report(report, ReportFormat::Text) == read_text_file(text.string()));
    if (fs::exists(md)) {
      CHECK(format_report(report, ReportFormat::Markdown) == read_text_file(md.string()));
    }
  }
}
