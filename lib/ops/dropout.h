// Inverted dropout: at training time each element is zeroed with probability p and the rest are
// scaled by 1 / (1 - p), so inference is the identity and needs no rescaling.
#pragma once

#include "core/rng.h"
#include "core/tape.h"

namespace medner {

// x: R x C -> R x C. With train == false or p == 0 returns x itself (no node).
NodeId dropout(Tape& tape, NodeId x, real p, Rng& rng, bool train);

}  // namespace medner
