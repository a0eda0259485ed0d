#include "train/model_card_data.h"

#include "core/version.h"
#include "data/tag_scheme.h"
#include "io/checksum.h"

#include <fmt/format.h>

#include <map>

namespace medner {

namespace {

nlohmann::json file_entry(const char* role, const std::string& path) {
  const std::string bytes = read_text_file(path);
  return {{"role", role}, {"path", path}, {"bytes", bytes.size()}, {"crc32", fmt::format("{:08x}", crc32(bytes))}};
}

nlohmann::json corpus_counts(const Corpus& c) {
  long tokens = 0;
  std::map<std::string, long> mentions;
  for (const Sentence& s : c.sentences) {
    tokens += static_cast<long>(s.tokens.size());
    for (const Span& span : extract_spans(s.tags)) ++mentions[span.type];
  }
  return {{"sentences", c.sentences.size()}, {"tokens", tokens}, {"mentions", mentions}};
}

nlohmann::json counts_card(const ChunkCounts& c) {
  return {{"precision", c.precision()}, {"recall", c.recall()}, {"f1", c.f1()},
          {"gold", c.gold},             {"predicted", c.predicted}, {"correct", c.correct}};
}

}  // namespace

nlohmann::json data_card(const std::string& train_list, const Corpus& train, const std::string& dev_path,
                         const Corpus& dev, const std::string& test_path, const Corpus& test,
                         const std::string& embeddings, const std::string& lexicon_list,
                         const std::string& charlm) {
  nlohmann::json files = nlohmann::json::array();
  for (const std::string& f : split_file_list(train_list)) files.push_back(file_entry("train", f));
  files.push_back(file_entry("dev", dev_path));
  nlohmann::json corpora{{"train", corpus_counts(train)}, {"dev", corpus_counts(dev)}};
  if (!test_path.empty()) {
    files.push_back(file_entry("test", test_path));
    corpora["test"] = corpus_counts(test);
  }
  if (!embeddings.empty())
    for (const std::string& f : split_file_list(embeddings)) files.push_back(file_entry("embeddings", f));
  if (!lexicon_list.empty())
    for (const std::string& f : split_file_list(lexicon_list)) files.push_back(file_entry("lexicon", f));
  if (!charlm.empty()) files.push_back(file_entry("charlm", charlm));
  return {{"medner_version", kVersion}, {"data", files}, {"corpora", corpora}};
}

nlohmann::json scores_card(const EvalReport& report) {
  nlohmann::json out = counts_card(report.overall);
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [type, counts] : report.types) types[type] = counts_card(counts);
  out["types"] = types;
  return out;
}

}  // namespace medner
