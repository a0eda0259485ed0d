// Linear layer y = W x + b with Glorot-uniform W and zero b.
#pragma once

#include "core/params.h"
#include "core/rng.h"
#include "core/tape.h"

#include <string>

namespace medner {

class Linear {
 public:
  Linear() = default;
  // Adds name/W (out x in) and name/b (out x 1) to the store.
  Linear(ParamStore& store, const std::string& name, Index in, Index out, Rng& rng);
  // x: in x N -> out x N
  NodeId operator()(Tape& tape, const ParamStore& store, NodeId x) const;
  Index in() const { return in_; }
  Index out() const { return out_; }

 private:
  Param W_, b_;
  Index in_ = 0, out_ = 0;
};

// Fills a parameter with uniform values in [-limit, limit].
void init_uniform(ParamStore& store, Param p, real limit, Rng& rng);

}  // namespace medner
