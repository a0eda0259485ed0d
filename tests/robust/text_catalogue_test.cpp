// Catalogue of raw text for medner-tag (tag_stream): empty input, empty lines, a huge line,
// control characters, NUL, invalid UTF-8 (refused by default, repaired with repair_utf8, which
// the rest of the catalogue uses), CR, CoNLL input errors. Always one output
// unit per input unit, in order, offsets that slice the (repaired) text, never an exception for
// text input. Also the two regressions found here: an overlong token reached the character
// encoder whole (a 4 MB token took 4 GB), and --nbest was quadratic in a line's length.
#include "robust_util.h"

#include "data/tag_output.h"
#include "data/utf8.h"
#include "model/tagging.h"

#include <chrono>
#include <sstream>

using namespace medner;
using namespace medner_robust;

namespace {

const TrainedModel& model() {
  static const TrainedModel m =
      from_model_file(untrained_model(corpus_slice("data/ncbi-disease/train.tsv", 40)), "m.bin");
  return m;
}

struct Tagged {
  long units = 0;
  std::vector<std::string> lines;
};

Tagged tag_text(const std::string& input, OutputFormat format = OutputFormat::Jsonl, int nbest = 0,
                int chunk = 3) {
  std::istringstream in(input);
  std::ostringstream out;
  TagOptions o;
  o.format = format;
  o.threads = 1;
  o.nbest = nbest;
  o.chunk_lines = chunk;
  o.repair_utf8 = true;
  Tagged t;
  t.units = tag_stream(model(), in, "<stdin>", out, o);
  std::istringstream lines(out.str());
  std::string line;
  while (std::getline(lines, line)) t.lines.push_back(line);
  return t;
}

// The "text" field of a JSON line as written by json_quote (for the lines we feed it).
std::string json_text(const std::string& line) {
  const std::string key = "{\"text\": ";
  REQUIRE(starts_with(line, key));
  const std::size_t end = line.find(", \"entities\": ");
  REQUIRE(end != std::string::npos);
  return line.substr(key.size(), end - key.size());
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("robust text: empty input gives no output; empty lines give empty units") {
  Tagged t = tag_text("");
  CHECK(t.units == 0);
  CHECK(t.lines.empty());
  t = tag_text("\n\n\n");
  CHECK(t.units == 3);
  REQUIRE(t.lines.size() == 3);
  for (const std::string& l : t.lines) CHECK(l == "{\"text\": \"\", \"entities\": []}");
  // A last line without '\n' is a line; whitespace-only lines keep their text.
  t = tag_text("a\n \t ");
  CHECK(t.units == 2);
  CHECK(json_text(t.lines.at(1)) == "\" \\u0009 \"");
}

TEST_CASE("robust text: one JSON line per input line, in input order, across chunks") {
  std::string input;
  for (int i = 0; i < 50; ++i) input += "Sentence " + std::to_string(i) + " has colon cancer.\n";
  Tagged t = tag_text(input);
  CHECK(t.units == 50);
  REQUIRE(t.lines.size() == 50);
  for (int i = 0; i < 50; ++i)
    CHECK(json_text(t.lines[static_cast<std::size_t>(i)]) ==
          "\"Sentence " + std::to_string(i) + " has colon cancer.\"");
}

TEST_CASE("robust text: control characters, NUL and CR are kept, escaped, and never split lines") {
  const std::string line = std::string("a\x01 b\x1F\x7F c\0d\x1B[31m e\rf \xC2\x85 g", 24);
  Tagged t = tag_text(line + "\nnext\r\n");
  CHECK(t.units == 2);
  REQUIRE(t.lines.size() == 2);
  CHECK(json_text(t.lines[0]) ==
        "\"a\\u0001 b\\u001f\\u007f c\\u0000d\\u001b[31m e\\u000df \xC2\x85 g\"");
  CHECK(json_text(t.lines[1]) == "\"next\"");  // the CR of CRLF is a line end
  for (const std::string& l : t.lines)
    for (char c : l) CHECK(static_cast<unsigned char>(c) >= 0x20);
}

TEST_CASE("robust text: by default, text that is not UTF-8 is refused with its line and byte offset") {
  auto refusal = [](const std::string& input) {
    std::istringstream in(input);
    std::ostringstream out;
    TagOptions o;
    o.threads = 1;
    try {
      tag_stream(model(), in, "doc.txt", out, o);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(tagged)");
  };
  CHECK(refusal("fine\r\nbad \xFF byte\n") ==
        "doc.txt:2: invalid UTF-8 byte 0xFF at byte 10 of the input (column 5); expected UTF-8 text (is this a "
        "binary or compressed file?); --repair-utf8 tags it anyway, with U+FFFD for each invalid byte");
  CHECK(starts_with(refusal(std::string("\x1f\x8b\x08\0gzip", 8)), "doc.txt:1: invalid UTF-8 byte 0x8B at byte 1 "));
  CHECK(starts_with(refusal(std::string("a\nnul\0\n", 7)), "doc.txt:2: NUL byte at byte 5 of the input (column 4)"));
  CHECK(refusal("caf\xC3\xA9 \xE2\x80\x94 ok\n") == "(tagged)");
}

TEST_CASE("robust text: invalid UTF-8 is repaired (U+FFFD per bad byte), offsets stay valid") {
  const std::string line = "bad \xFF\xFE tumour \xE2\x82 cancer \xC0\xAF end";
  Tagged t = tag_text(line + "\n", OutputFormat::Jsonl);
  REQUIRE(t.lines.size() == 1);
  const std::string repaired = utf8_repair(line);
  CHECK(utf8_valid(t.lines[0]));
  CHECK(json_text(t.lines[0]) == "\"" + repaired + "\"");
  // CoNLL output of the same: one token per line, all valid UTF-8.
  Tagged c = tag_text(line + "\n", OutputFormat::Conll);
  CHECK(c.units == 1);
  for (const std::string& l : c.lines) CHECK(utf8_valid(l));
}

TEST_CASE("robust text: random bytes never throw, and every line gives one JSON line") {
  Rng rng(99);
  for (int round = 0; round < 12; ++round) {
    std::string input;
    const int n = static_cast<int>(rng.uniform() * static_cast<double>(input_size(2000)));
    int newlines = 0;
    for (int i = 0; i < n; ++i) {
      const char c = static_cast<char>(rng.next() & 0xFF);
      input += c;
      newlines += c == '\n';
    }
    Tagged t;
    CHECK_NOTHROW(t = tag_text(input, OutputFormat::Jsonl, 0, 1000));
    const long expected = newlines + (input.empty() || input.back() == '\n' ? 0 : 1);
    CHECK(t.units == expected);
    CHECK(static_cast<long>(t.lines.size()) == expected);
    for (const std::string& l : t.lines) CHECK(utf8_valid(l));
  }
}

TEST_CASE("robust text: a huge line (4 MB, 800,000 tokens) is one output line, quickly") {
  std::string line;
  while (line.size() < input_size(4000000)) line += "The tumour cells of colon cancer grow. ";
  auto t0 = std::chrono::steady_clock::now();
  Tagged t = tag_text(line + "\nafter\n");
  CHECK(seconds_since(t0) < time_limit(20.0));
  CHECK(t.units == 2);
  REQUIRE(t.lines.size() == 2);
  CHECK(t.lines[0].size() > line.size());
  CHECK(json_text(t.lines[1]) == "\"after\"");
}

TEST_CASE("robust text: one 10 MB token is cut for the network, not in the output (regression)") {
  // Before the cut, the character encoder got all 10 million characters (about 1 KB each).
  const std::string token(10 * 1000 * 1000, 'x');
  auto t0 = std::chrono::steady_clock::now();
  Tagged t = tag_text(token + "\n", OutputFormat::Conll);
  CHECK(seconds_since(t0) < time_limit(10.0));
  REQUIRE(t.lines.size() == 2);                 // token<TAB>tag, blank line
  CHECK(t.lines[0].size() > token.size() + 2);  // token<TAB>tag
  CHECK(t.lines[0].compare(0, token.size() + 1, token + "\t") == 0);
}

TEST_CASE("robust text: model_token keeps short tokens and cuts long ones to both ends") {
  CHECK(model_token("tumour") == "tumour");
  const std::string exact(kMaxModelTokenChars, 'a');
  CHECK(model_token(exact) == exact);
  // 100 code points of 2 bytes each is 200 bytes but not too long.
  std::string greek;
  for (std::size_t i = 0; i < kMaxModelTokenChars; ++i) greek += "\xCE\xB1";
  CHECK(model_token(greek) == greek);
  const std::string long_token =
      std::string(60, 'a') + std::string(500, 'm') + std::string(60, 'z');
  const std::string cut = model_token(long_token);
  CHECK(cut.size() == kMaxModelTokenChars);
  CHECK(cut == std::string(50, 'a') + std::string(50, 'z'));
  CHECK(utf8_length(model_token(greek + greek)) == kMaxModelTokenChars);
}

TEST_CASE("robust text: merge_kbest equals brute force, and is linear in the number of parts") {
  Rng rng(4);
  for (int round = 0; round < 30; ++round) {
    const int parts_n = 1 + static_cast<int>(rng.uniform() * 4);
    const int k = 1 + static_cast<int>(rng.uniform() * 5);
    std::vector<std::vector<std::pair<std::vector<std::string>, double>>> parts(
        static_cast<std::size_t>(parts_n));
    for (int p = 0; p < parts_n; ++p) {
      const int options = 1 + static_cast<int>(rng.uniform() * 3);
      for (int o = 0; o < options; ++o)
        parts[static_cast<std::size_t>(p)].push_back(
            {{"T" + std::to_string(p) + "." + std::to_string(o)}, rng.uniform()});
    }
    // Brute force: every combination, in lexicographic order, stably sorted by probability.
    std::vector<std::pair<std::vector<std::string>, double>> all = {{{}, 1.0}};
    for (const auto& part : parts) {
      std::vector<std::pair<std::vector<std::string>, double>> next;
      for (const auto& a : all)
        for (const auto& c : part) {
          auto tags = a.first;
          tags.insert(tags.end(), c.first.begin(), c.first.end());
          next.emplace_back(tags, a.second * c.second);
        }
      all = next;
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& x, const auto& y) { return x.second > y.second; });
    if (static_cast<int>(all.size()) > k) all.resize(static_cast<std::size_t>(k));
    CHECK(merge_kbest(parts, k) == all);
  }
  // 2,000 parts of 1,000 tags (a 10 MB line cut into pieces), k = 3: was ~30 s for 400 parts.
  std::vector<std::vector<std::pair<std::vector<std::string>, double>>> parts(2000);
  for (auto& part : parts)
    for (int o = 0; o < 3; ++o)
      part.push_back({std::vector<std::string>(1000, "O"), 0.5 - 0.1 * o});
  auto t0 = std::chrono::steady_clock::now();
  auto best = merge_kbest(parts, 3);
  CHECK(seconds_since(t0) < time_limit(5.0));
  REQUIRE(best.size() == 3);
  CHECK(best[0].first.size() == 2000000);
}

TEST_CASE("robust text: CoNLL input errors are one line with path:line") {
  std::istringstream in("a\tO\nb\xFF\tO\n");
  std::ostringstream out;
  TagOptions o;
  o.input = TagInput::Conll;
  o.threads = 1;
  CHECK(error_of([&] { tag_stream(model(), in, "in.conll", out, o); }) ==
        "input: in.conll:2: invalid UTF-8 at byte column 2 (byte 0xFF); expected UTF-8 text");
  CHECK(out.str().empty());
}
