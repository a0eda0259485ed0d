#include "layers/embedding.h"

#include "layers/linear.h"
#include "ops/lookup.h"

#include <cmath>

namespace medner {

Embedding::Embedding(ParamStore& store, const std::string& name, Index dim, Index vocab, Rng& rng,
                     bool sparse)
    : table_(store.add(name, dim, vocab, sparse)), dim_(dim), vocab_(vocab) {
  init_uniform(store, table_, static_cast<real>(std::sqrt(3.0 / static_cast<double>(dim))), rng);
}

NodeId Embedding::operator()(Tape& tape, const ParamStore& store, const int* ids, Index n) const {
  return lookup(tape, store, table_, ids, n);
}

}  // namespace medner
