// Embedding table D x V (column v = vector of id v), updated sparsely. Random initialisation
// uniform in +-sqrt(3 / D) (Lample et al. 2016); pretrained vectors are copied in by the caller
// through vectors(); frozen tables get no gradient.
#pragma once

#include "core/params.h"
#include "core/rng.h"
#include "core/tape.h"

#include <string>

namespace medner {

class Embedding {
 public:
  Embedding() = default;
  // sparse: a large word table (gradients touch only looked-up columns); small tables
  // (characters, casing) are dense.
  Embedding(ParamStore& store, const std::string& name, Index dim, Index vocab, Rng& rng,
            bool sparse = true);
  // ids: n ids -> D x n
  NodeId operator()(Tape& tape, const ParamStore& store, const int* ids, Index n) const;
  MatrixMap vectors(ParamStore& store) const { return store.value(table_); }
  void set_frozen(ParamStore& store, bool frozen) const { store.set_trainable(table_, !frozen); }
  Param table() const { return table_; }
  Index dim() const { return dim_; }
  Index vocab() const { return vocab_; }

 private:
  Param table_;
  Index dim_ = 0, vocab_ = 0;
};

}  // namespace medner
