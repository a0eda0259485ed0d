// An untrained network on a slice of BC5CDR for the serve tests: its tags are arbitrary but
// reproducible for a seed, and it has both entity types.
#pragma once

#include "data/conll.h"
#include "model/model_options.h"
#include "model/trained_model.h"

#include <memory>

inline medner::TrainedModel small_model(unsigned seed) {
  using namespace medner;
  Corpus c = read_conll("data/bc5cdr/train.tsv");
  c.sentences.resize(60);
  TrainedModel m;
  m.config = {{"word-dim", "16"}, {"casing-dim", "4"}, {"char-dim", "8"}, {"char-hidden", "8"}, {"hidden", "12"}};
  m.options = parse_options(model_options(), m.config);
  m.vocab = build_vocabularies(c, {}, nullptr, WordOptions{}, TagScheme::IOBES);
  Rng init(seed);
  m.net = std::make_unique<NerNetwork>(network_config(m.options, m.vocab), init);
  return m;
}
