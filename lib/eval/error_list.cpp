// Errors are the chunks left over by evaluate()'s exact matching (matching_spans), so their
// counts are the report's: false positives = predicted - correct, false negatives = gold - correct.
#include "eval/error_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "data/json_text.h"
#include "eval/eval_input.h"
#include "eval/metrics.h"
#include "eval/novelty.h"

namespace medner {

namespace {

// The chunks of `side` (sorted, non-overlapping, so their ends are sorted too) sharing a token
// with sp: binary search for the first one ending after sp begins.
std::vector<Span> overlapping(const std::vector<Span>& side, const Span& sp) {
  auto it = std::partition_point(side.begin(), side.end(),
                                 [&](const Span& s) { return s.end <= sp.begin; });
  std::vector<Span> out;
  for (; it != side.end() && it->begin < sp.end; ++it) out.push_back(*it);
  return out;
}

std::string chunk_text(const std::vector<std::string>& tokens, const Span& sp) {
  std::string out;
  for (int i = sp.begin; i < sp.end; ++i) {
    if (i > sp.begin) out += ' ';
    out += tokens[static_cast<std::size_t>(i)];
  }
  return out;
}

const char* part_name(ErrorPart part) {
  switch (part) {
    case ErrorPart::Seen:
      return "seen";
    case ErrorPart::Unseen:
      return "unseen";
    case ErrorPart::All:
      break;
  }
  return "all";
}

std::string plural(std::size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// Where a chunk is, for a reader: the line of its first token, or the sentence number.
std::string location(const Corpus& gold, const ChunkError& e) {
  const Sentence& s = gold.sentences[e.sentence];
  if (s.line <= 0) return fmt::format("sentence {}", e.sentence + 1);
  return fmt::format("{}:{}", gold.path, s.line + e.chunk.begin);
}

std::string text_error(const Corpus& gold, const ChunkError& e, bool fp) {
  const std::vector<std::string>& tokens = gold.sentences[e.sentence].tokens;
  std::string other;
  for (const Span& o : e.other)
    other += fmt::format("{}{} \"{}\"", other.empty() ? "" : ", ", o.type, chunk_text(tokens, o));
  std::string out = fmt::format("{} {} \"{}\" ({} there: {})\n   ", fp ? "FP" : "FN",
                                location(gold, e), chunk_text(tokens, e.chunk),
                                fp ? "gold" : "predicted", other.empty() ? "nothing" : other);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto k = static_cast<int>(i);
    out += ' ';
    if (k == e.chunk.begin) out += '[';
    out += tokens[i];
    if (k + 1 == e.chunk.end) out += ']';
  }
  return out + '\n';
}

std::string format_text(const std::vector<ErrorGroup>& groups, const Corpus& gold,
                        const TrainMentions* train) {
  std::string out = fmt::format(
      "false positives (FP: predicted, no gold chunk with the same tokens and type) and false "
      "negatives (FN: gold, not predicted so) of {}{}; [ ] marks the chunk\n",
      gold.path, train != nullptr ? ", by mentions seen and unseen in " + train->path() : "");
  for (const ErrorGroup& g : groups) {
    out += fmt::format("\n{}{}: {}, {}\n", g.type,
                       g.part == ErrorPart::All ? "" : std::string(" ") + part_name(g.part),
                       plural(g.false_positives.size(), "false positive"),
                       plural(g.false_negatives.size(), "false negative"));
    for (const ChunkError& e : g.false_positives) out += text_error(gold, e, true);
    for (const ChunkError& e : g.false_negatives) out += text_error(gold, e, false);
  }
  return out;
}

std::string json_error(const Corpus& gold, const ChunkError& e) {
  const Sentence& s = gold.sentences[e.sentence];
  std::string other;
  for (const Span& o : e.other)
    other += fmt::format("{}{{\"type\": {}, \"text\": {}, \"begin\": {}, \"end\": {}}}",
                         other.empty() ? "" : ", ", json_quote(o.type),
                         json_quote(chunk_text(s.tokens, o)), o.begin, o.end);
  std::string tokens;
  for (const std::string& t : s.tokens) tokens += (tokens.empty() ? "" : ", ") + json_quote(t);
  return fmt::format(
      "{{\"text\": {}, \"sentence\": {}, \"line\": {}, \"begin\": {}, \"end\": {}, "
      "\"other\": [{}], \"tokens\": [{}]}}",
      json_quote(chunk_text(s.tokens, e.chunk)), e.sentence + 1,
      s.line > 0 ? s.line + e.chunk.begin : 0, e.chunk.begin, e.chunk.end, other, tokens);
}

std::string json_list(const Corpus& gold, const std::vector<ChunkError>& errors) {
  std::string out = "[";
  for (std::size_t i = 0; i < errors.size(); ++i)
    out += (i > 0 ? ",\n        " : "\n        ") + json_error(gold, errors[i]);
  return out + (errors.empty() ? "]" : "\n      ]");
}

std::string format_json(const std::vector<ErrorGroup>& groups, const Corpus& gold,
                        const TrainMentions* train) {
  std::string out = "{\n  \"gold\": " + json_quote(gold.path) +
                    ",\n  \"train\": " + (train != nullptr ? json_quote(train->path()) : "null") +
                    ",\n  \"groups\": [";
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const ErrorGroup& g = groups[i];
    out += (i > 0 ? ",\n    {" : "\n    {") + fmt::format("\"type\": {}, \"mentions\": \"{}\",\n",
                                                          json_quote(g.type), part_name(g.part));
    out += "      \"false_positives\": " + json_list(gold, g.false_positives) + ",\n";
    out += "      \"false_negatives\": " + json_list(gold, g.false_negatives) + "}";
  }
  return out + (groups.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

}  // namespace

std::vector<ErrorGroup> collect_errors(const Corpus& gold, const Corpus& pred,
                                       const TrainMentions* train) {
  check_aligned(gold, pred);
  std::map<std::pair<std::string, ErrorPart>, ErrorGroup> groups;  // seen sorts before unseen
  for (std::size_t s = 0; s < gold.sentences.size(); ++s) {
    const std::vector<std::string>& tokens = gold.sentences[s].tokens;
    const std::vector<Span> gs = extract_spans(gold.sentences[s].tags);
    const std::vector<Span> ps = extract_spans(pred.sentences[s].tags);
    std::vector<bool> gold_hit(gs.size(), false);
    std::vector<bool> pred_hit(ps.size(), false);
    for (std::size_t k : matching_spans(gs, ps)) {
      gold_hit[k] = true;
      // The matching predicted chunk is the one with the same begin (both lists are disjoint).
      auto at = std::partition_point(ps.begin(), ps.end(),
                                     [&](const Span& p) { return p.begin < gs[k].begin; });
      pred_hit[static_cast<std::size_t>(at - ps.begin())] = true;
    }
    auto add = [&](const Span& sp, const std::vector<Span>& other, bool fp) {
      ErrorPart part = ErrorPart::All;
      if (train != nullptr)
        part = train->contains(sp.type, TrainMentions::key(tokens, sp.begin, sp.end))
                   ? ErrorPart::Seen
                   : ErrorPart::Unseen;
      ErrorGroup& g = groups[{sp.type, part}];
      g.type = sp.type;
      g.part = part;
      (fp ? g.false_positives : g.false_negatives)
          .push_back(ChunkError{s, sp, overlapping(other, sp)});
    };
    for (std::size_t j = 0; j < ps.size(); ++j)
      if (!pred_hit[j]) add(ps[j], gs, true);
    for (std::size_t i = 0; i < gs.size(); ++i)
      if (!gold_hit[i]) add(gs[i], ps, false);
  }
  std::vector<ErrorGroup> out;
  for (auto& kv : groups) out.push_back(std::move(kv.second));
  return out;
}

std::string format_errors(const std::vector<ErrorGroup>& groups, const Corpus& gold,
                          const TrainMentions* train, ReportFormat format) {
  return format == ReportFormat::Json ? format_json(groups, gold, train)
                                      : format_text(groups, gold, train);
}

}  // namespace medner
