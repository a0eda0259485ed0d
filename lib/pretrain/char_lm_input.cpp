#include "pretrain/char_lm_input.h"

#include "core/error.h"

#include <algorithm>

namespace medner {

void make_char_lm_input(const std::vector<const std::vector<int>*>& ids, const std::vector<const std::vector<int>*>& first,
                        const std::vector<const std::vector<int>*>& last, Index slots, CharLmInput& in) {
  const auto B = static_cast<Index>(ids.size());
  MEDNER_CHECK(first.size() == ids.size() && last.size() == ids.size(), "char LM input: one position list per sequence");
  Index T = 0;
  for (const std::vector<int>* x : ids) T = std::max(T, static_cast<Index>(x->size()));
  in.T = T;
  in.B = B;
  in.fwd.assign(static_cast<std::size_t>(T * B), kCharLmBoundary);
  in.bwd = in.fwd;
  in.lengths.assign(static_cast<std::size_t>(B), 0);
  in.fwd_col.assign(static_cast<std::size_t>(slots * B), -1);
  in.bwd_col = in.fwd_col;
  for (Index b = 0; b < B; ++b) {
    const std::vector<int>& x = *ids[static_cast<std::size_t>(b)];
    const std::vector<int>& f = *first[static_cast<std::size_t>(b)];
    const std::vector<int>& l = *last[static_cast<std::size_t>(b)];
    const auto L = static_cast<Index>(x.size());
    MEDNER_CHECK(f.size() == l.size() && static_cast<Index>(l.size()) <= slots, "char LM input: {} tokens, {} slots",
                 l.size(), slots);
    in.lengths[static_cast<std::size_t>(b)] = static_cast<int>(L);
    for (Index p = 0; p < L; ++p) in.fwd[static_cast<std::size_t>(p * B + b)] = x[static_cast<std::size_t>(p)];
    for (Index p = 1; p < L; ++p) in.bwd[static_cast<std::size_t>((L - p) * B + b)] = x[static_cast<std::size_t>(p)];
    for (std::size_t i = 0; i < l.size(); ++i) {
      MEDNER_CHECK(f[i] >= 1 && f[i] <= l[i] && l[i] < L, "char LM input: token {} at {}..{} of {}", i, f[i], l[i], L);
      const auto slot = static_cast<std::size_t>(static_cast<Index>(i) * B + b);
      in.fwd_col[slot] = static_cast<int>(l[i] * B + b);
      in.bwd_col[slot] = static_cast<int>((L - f[i]) * B + b);
    }
  }
}

}  // namespace medner
