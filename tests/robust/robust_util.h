// Helpers of the robustness catalogue (tests/robust): the one-line message a bad input produces,
// files written byte for byte, a slice of a bundled corpus, and a small untrained model saved as
// a real model file (random weights: loading and tagging behave exactly as with a trained one).
#pragma once

#include "common/temp_dir.h"
#include "core/error.h"
#include "core/rng.h"
#include "data/conll.h"
#include "io/model_file.h"
#include "train/config.h"
#include "model/dataset.h"
#include "model/ner_network.h"
#include "model/trained_model.h"

#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace medner_robust {

// What a bad input gives: "input: <message>", "io: <message>", "internal: ..." (a bug: never
// expected), "numeric: ...", "other: ..." or "(no error)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const medner::InputError& e) {
    return std::string("input: ") + e.what();
  } catch (const medner::IoError& e) {
    return std::string("io: ") + e.what();
  } catch (const medner::NumericError& e) {
    return std::string("numeric: ") + e.what();
  } catch (const medner::InternalError& e) {
    return std::string("internal: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("other: ") + e.what();
  }
  return "(no error)";
}

// Debug and sanitizer builds (CI runs the suite under AddressSanitizer + UBSan, RelWithDebInfo) are
// 10 to 50 times slower: there the "quickly" limits are 20 times longer and the largest inputs
// 10 times smaller (the Release build runs them at full size).
#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
constexpr bool kSlowBuild = true;
#else
constexpr bool kSlowBuild = false;
#endif

inline double time_limit(double release_seconds) {
  return kSlowBuild ? release_seconds * 20 : release_seconds;
}

inline std::size_t input_size(std::size_t release_size) {
  return kSlowBuild ? release_size / 10 : release_size;
}

inline bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

inline bool one_line(const std::string& s) { return s.find('\n') == std::string::npos; }

// Checks that `message` is one line starting with `prefix` and containing `phrase`.
inline void check_message(const std::string& message, const std::string& prefix,
                          const std::string& phrase = "") {
  INFO("message: ", message);
  CHECK(starts_with(message, prefix));
  CHECK(one_line(message));
  if (!phrase.empty()) CHECK(message.find(phrase) != std::string::npos);
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// The first n sentences of a bundled corpus.
inline medner::Corpus corpus_slice(const std::string& path, std::size_t n) {
  medner::Corpus c = medner::read_conll(path);
  if (c.sentences.size() > n) c.sentences.resize(n);
  return c;
}

inline std::string write_corpus(const medner_test::TempDir& dir, const std::string& name,
                                const medner::Corpus& c) {
  const std::string path = dir.file(name);
  std::ofstream out(path, std::ios::binary);
  medner::write_conll(out, c);
  REQUIRE(out.good());
  return path;
}

// The tiny configuration of the robustness tests, with `extra` overriding it.
inline medner::ConfigMap tiny_config(const medner::ConfigMap& extra = {}) {
  medner::ConfigMap base = {{"word-dim", "16"},   {"casing-dim", "4"},    {"char-dim", "8"},
                            {"char-hidden", "8"}, {"hidden", "16"},       {"batch-size", "8"},
                            {"threads", "1"},     {"optimizer", "adam"},  {"lr", "0.02"},
                            {"dropout", "0"},     {"singleton-unk", "0"}, {"seed", "5"}};
  return medner::merge_config({base, extra});
}

// A model file with random weights over the vocabularies of `corpus`.
inline medner::ModelFile untrained_model(const medner::Corpus& corpus,
                                         const medner::ConfigMap& extra = {}) {
  using namespace medner;
  const ConfigMap m = tiny_config(extra);
  TrainConfig cfg = TrainConfig::from_map(m);
  Vocabularies vocab = build_vocabularies(corpus, {}, nullptr, WordOptions{}, cfg.net.tag_scheme);
  Rng init(11);
  NerNetwork net(network_config(cfg.net, vocab), init);
  return to_model_file(stored_config(m), vocab, net, "model");
}

}  // namespace medner_robust
