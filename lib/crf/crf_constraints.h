// Hard constraints of a linear-chain CRF: which label transitions, first labels and last labels a
// tag scheme allows. The CRF turns a forbidden entry into a score of -infinity, so no path through
// it counts in the partition function or can win Viterbi. Labels are parsed here ("B-Chemical":
// prefix "B", type "Chemical"); this module deliberately does not depend on lib/data.
#pragma once

#include "core/tensor.h"

#include <string>
#include <vector>

namespace medner {

// allowed_trans(i, j): label i may be followed by label j (L x L, same orientation as trans);
// allowed_start(i): a sentence may begin with i; allowed_end(i): a sentence may end with i.
struct CrfConstraints {
  using Mask = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;
  using MaskVector = Eigen::Array<bool, Eigen::Dynamic, 1>;

  Mask allowed_trans;
  MaskVector allowed_start;
  MaskVector allowed_end;
  std::vector<std::string> labels;  // names for messages; may be empty for hand-built constraints

  Index size() const { return allowed_trans.rows(); }
  // Everything allowed, L labels.
  static CrfConstraints none(Index labels);
  // "label 3 ('I-Gene')" or "label 3" when no names are known.
  std::string describe(int label) const;
};

// scheme: "iob2" | "iobes" | "none" (case-insensitive). Throws InputError for an unknown scheme or
// a label that the scheme does not know (e.g. "E-Gene" under iob2).
//   iob2:  O -> I-X forbidden; B-X/I-X -> I-Y forbidden for Y != X; start -> I-X forbidden.
//   iobes: B-X and I-X must be followed by I-X or E-X; E-X, S-X and O by O, B-*, S-*;
//          a sentence starts with O, B-* or S-* and ends with O, E-* or S-*.
CrfConstraints crf_constraints(const std::vector<std::string>& labels, const std::string& scheme);

}  // namespace medner
