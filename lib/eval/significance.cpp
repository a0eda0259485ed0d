// Paired bootstrap and approximate randomization over sentences. Each sample sums per-sentence
// chunk counts and scores them with ChunkCounts::f1(), so every F1 here is computed exactly as the
// evaluation report computes it. Cost: samples x sentences additions (10,000 x 5,000 sentences is
// a fraction of a second), one random draw per sentence per sample.
#include "eval/significance.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/rng.h"
#include "eval/eval_input.h"

namespace medner {

namespace {

// Tolerance for "at least as extreme": F1 differences are at most 200, so rounding noise in
// them is far below 1e-9 and a tie (e.g. identical systems, d* = d = 0) always counts.
constexpr double kTieTolerance = 1e-9;

void add(ChunkCounts& sum, const ChunkCounts& c) {
  sum.gold += c.gold;
  sum.predicted += c.predicted;
  sum.correct += c.correct;
}

// Nearest-rank percentile of sorted values, q in [0, 1].
double percentile(const std::vector<double>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  auto k = static_cast<long>(std::ceil(q * n)) - 1;
  k = std::clamp(k, 0L, static_cast<long>(sorted.size()) - 1);
  return sorted[static_cast<std::size_t>(k)];
}

std::string fixed(double v, const char* spec) {
  char buf[64];
  std::snprintf(buf, sizeof buf, spec, v);
  return buf;
}

std::string json_system(const std::string& name, const ChunkCounts& c) {
  return fmt::format(
      "{{\"file\": {}, \"precision\": {}, \"recall\": {}, \"f1\": {}, \"gold\": {}, "
      "\"predicted\": {}, \"correct\": {}}}",
      json_quote(name), c.precision(), c.recall(), c.f1(), c.gold, c.predicted, c.correct);
}

std::string method_text(const SignificanceResult& r) {
  return r.method == SignificanceMethod::Bootstrap
             ? fmt::format("paired bootstrap over {} sentences, {} samples, seed {}", r.sentences,
                           r.samples, r.seed)
             : fmt::format("approximate randomization over {} sentences, {} rounds, seed {}",
                           r.sentences, r.samples, r.seed);
}

std::string format_text(const SignificanceResult& r, const std::string& name_a,
                        const std::string& name_b) {
  auto line = [](const char* label, const std::string& name, const ChunkCounts& c) {
    return fmt::format("{}: precision {}%; recall {}%; F1 {} (gold {}, found {}, correct {})  {}\n",
                       label, fixed(c.precision(), "%6.2f"), fixed(c.recall(), "%6.2f"),
                       fixed(c.f1(), "%6.2f"), c.gold, c.predicted, c.correct, name);
  };
  std::string out = line("A", name_a, r.a) + line("B", name_b, r.b);
  out += "F1(B) - F1(A): " + fixed(r.difference, "%+.2f");
  if (r.has_interval)
    out += " (95% interval " + fixed(r.interval_low, "%+.2f") + " to " +
           fixed(r.interval_high, "%+.2f") + ")";
  out += "\n" + method_text(r) + "\n";
  out += fmt::format("p = {} (two-sided; {} of {} {} at least as extreme)\n",
                     fixed(r.p_value, "%.4f"), r.extreme, r.samples,
                     r.method == SignificanceMethod::Bootstrap ? "samples" : "rounds");
  return out;
}

std::string format_markdown(const SignificanceResult& r, const std::string& name_a,
                            const std::string& name_b) {
  auto row = [](const char* label, const std::string& name, const ChunkCounts& c) {
    return fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", label, markdown_cell(name),
                       fixed(c.precision(), "%.2f"), fixed(c.recall(), "%.2f"),
                       fixed(c.f1(), "%.2f"), c.gold, c.predicted, c.correct);
  };
  std::string out =
      "| system | file | precision | recall | F1 | gold | predicted | correct |\n"
      "|:-------|:-----|----------:|-------:|---:|-----:|----------:|--------:|\n";
  out += row("A", name_a, r.a) + row("B", name_b, r.b);
  out += "\nF1(B) - F1(A): " + fixed(r.difference, "%+.2f");
  if (r.has_interval)
    out += " (95% interval " + fixed(r.interval_low, "%+.2f") + " to " +
           fixed(r.interval_high, "%+.2f") + ")";
  out += "; p = " + fixed(r.p_value, "%.4f") + " (" + method_text(r) + ")\n";
  return out;
}

std::string format_json(const SignificanceResult& r, const std::string& name_a,
                        const std::string& name_b) {
  std::string interval =
      r.has_interval ? fmt::format("[{}, {}]", r.interval_low, r.interval_high) : "null";
  return fmt::format(
      "{{\n  \"method\": \"{}\",\n  \"samples\": {},\n  \"seed\": {},\n  \"sentences\": {},\n"
      "  \"a\": {},\n  \"b\": {},\n  \"difference\": {},\n  \"p_value\": {},\n"
      "  \"extreme\": {},\n  \"interval\": {}\n}}\n",
      to_string(r.method), r.samples, r.seed, r.sentences, json_system(name_a, r.a),
      json_system(name_b, r.b), r.difference, r.p_value, r.extreme, interval);
}

}  // namespace

SignificanceMethod parse_significance_method(const std::string& name) {
  if (name == "bootstrap") return SignificanceMethod::Bootstrap;
  if (name == "randomization" || name == "ar") return SignificanceMethod::Randomization;
  throw InputError(fmt::format(
      "unknown significance method '{}'; expected bootstrap or randomization", name.substr(0, 40)));
}

const char* to_string(SignificanceMethod method) {
  return method == SignificanceMethod::Bootstrap ? "bootstrap" : "randomization";
}

std::vector<ChunkCounts> sentence_counts(const Corpus& gold, const Corpus& pred) {
  check_aligned(gold, pred);
  std::vector<ChunkCounts> out;
  out.reserve(gold.sentences.size());
  for (std::size_t s = 0; s < gold.sentences.size(); ++s)
    out.push_back(evaluate({gold.sentences[s].tags}, {pred.sentences[s].tags}).overall);
  return out;
}

SignificanceResult compare_systems(const std::vector<ChunkCounts>& a,
                                   const std::vector<ChunkCounts>& b,
                                   const SignificanceOptions& options) {
  if (a.size() != b.size())
    throw InputError(
        fmt::format("compare: system A has {} sentences but system B has {}", a.size(), b.size()));
  if (a.empty()) throw InputError("compare: no sentences to compare");
  if (options.samples < 1)
    throw InputError(
        fmt::format("--samples: expected a positive integer, got {}", options.samples));
  for (std::size_t s = 0; s < a.size(); ++s)
    if (a[s].gold != b[s].gold)
      throw InputError(
          fmt::format("compare: sentence {} has {} gold chunks for system A but {} for "
                      "system B; both must be scored on the same gold data",
                      s + 1, a[s].gold, b[s].gold));
  SignificanceResult r;
  r.method = options.method;
  r.samples = options.samples;
  r.seed = options.seed;
  r.sentences = static_cast<long>(a.size());
  for (std::size_t s = 0; s < a.size(); ++s) {
    add(r.a, a[s]);
    add(r.b, b[s]);
  }
  const double d = r.b.f1() - r.a.f1();
  r.difference = d;

  Rng rng(options.seed);
  const uint64_t n = a.size();
  std::vector<double> diffs;
  if (options.method == SignificanceMethod::Bootstrap) {
    diffs.reserve(static_cast<std::size_t>(options.samples));
    for (long k = 0; k < options.samples; ++k) {
      ChunkCounts sa, sb;
      for (uint64_t i = 0; i < n; ++i) {
        const std::size_t s = rng.below(n);
        add(sa, a[s]);
        add(sb, b[s]);
      }
      const double ds = sb.f1() - sa.f1();
      diffs.push_back(ds);
      if (std::abs(ds - d) >= std::abs(d) - kTieTolerance) ++r.extreme;
    }
    std::sort(diffs.begin(), diffs.end());
    r.has_interval = true;
    r.interval_low = percentile(diffs, 0.025);
    r.interval_high = percentile(diffs, 0.975);
  } else {
    for (long k = 0; k < options.samples; ++k) {
      ChunkCounts sa, sb;
      uint64_t bits = 0;
      for (uint64_t i = 0; i < n; ++i) {
        if (i % 64 == 0) bits = rng.next();
        const bool swap = (bits >> (i % 64)) & 1U;
        add(sa, swap ? b[i] : a[i]);
        add(sb, swap ? a[i] : b[i]);
      }
      if (std::abs(sb.f1() - sa.f1()) >= std::abs(d) - kTieTolerance) ++r.extreme;
    }
  }
  r.p_value = static_cast<double>(r.extreme + 1) / static_cast<double>(r.samples + 1);
  return r;
}

std::string format_significance(const SignificanceResult& result, const std::string& name_a,
                                const std::string& name_b, ReportFormat format) {
  switch (format) {
    case ReportFormat::Text:
      return format_text(result, name_a, name_b);
    case ReportFormat::Markdown:
      return format_markdown(result, name_a, name_b);
    case ReportFormat::Json:
      return format_json(result, name_a, name_b);
  }
  MEDNER_CHECK(false, "unknown ReportFormat {}", static_cast<int>(format));
  return "";
}

}  // namespace medner
