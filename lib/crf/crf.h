// Linear-chain CRF over emission scores (docs/crf.md has the math): the negative log-likelihood as
// one tape op with a hand-written backward, and inference on plain matrices (log-partition,
// Viterbi, marginals, span probability, k-best, batched Viterbi). Sums over paths run in scaled
// probability space (crf_scaled.h), Viterbi in log space (max-plus).
// The parameter-owning layer is in crf/crf_layer.h. Not here: emission scoring (an upstream Linear
// layer) and label strings (crf_constraints.h parses them only to build constraints).
//
// Shapes (core/tensor.h): emissions L x T for one sentence, L x (T*B) for a padded time-major
// batch (column t*B + b = token t of sentence b, lengths[b] <= T real tokens, the rest ignored);
// trans L x L with trans(i, j) = score of label i followed by label j; start, end L x 1.
// With constraints, forbidden transitions / starts / ends count as -infinity.
#pragma once

#include "core/tape.h"
#include "core/tensor.h"
#include "crf/crf_constraints.h"
#include "crf/crf_lattice.h"

#include <utility>
#include <vector>

namespace medner {

// Negative log-likelihood of the gold paths summed over the batch: sum_b (log Z_b - score_b(gold_b)).
// emissions: L x (T*B) node, trans: L x L, start, end: L x 1 nodes; lengths: B ints in [0, T];
// gold: T*B label ids, time-major like the emissions (padding entries are not read) -> 1 x 1.
// Backward: d/d emit(j, t) = P(y_t = j) - [gold_t = j]; d/d trans(i, j) = sum_t P(y_t = i,
// y_{t+1} = j) - #gold pairs (i, j); d/d start, d/d end likewise at the first / last token;
// padded columns get zero gradient. A gold path that the constraints forbid throws InternalError.
// lengths and gold are copied, so the caller's arrays need not outlive the call.
NodeId crf_nll(Tape& tape, NodeId emissions, NodeId trans, NodeId start, NodeId end, Index batch,
               const int* lengths, const int* gold, const CrfConstraints* constraints = nullptr);

// --- inference on plain matrices, one sentence: emissions L x T (T >= 1). Each function takes an
// optional workspace; without one it allocates its own scratch for the call.
using CrfMatrix = Eigen::Ref<const Matrix>;

// log Z = log sum over allowed paths y of exp(score(y)); -inf when no path is allowed.
real crf_log_partition(const CrfMatrix& emissions, const CrfMatrix& trans, const CrfMatrix& start,
                       const CrfMatrix& end, const CrfConstraints* constraints = nullptr,
                       CrfWorkspace* ws = nullptr);

// argmax_y score(y) (ties go to the lower label index); *score gets its score. Throws InternalError
// when the constraints allow no path.
std::vector<int> crf_viterbi(const CrfMatrix& emissions, const CrfMatrix& trans, const CrfMatrix& start,
                             const CrfMatrix& end, const CrfConstraints* constraints = nullptr,
                             real* score = nullptr, CrfWorkspace* ws = nullptr);

// -> L x T, entry (j, t) = P(y_t = j); each column sums to 1.
Matrix crf_marginals(const CrfMatrix& emissions, const CrfMatrix& trans, const CrfMatrix& start,
                     const CrfMatrix& end, const CrfConstraints* constraints = nullptr,
                     CrfWorkspace* ws = nullptr);

// P(y[begin .. begin+n) == labels), n = labels.size() >= 1, begin + n <= T.
real crf_span_probability(const CrfMatrix& emissions, const CrfMatrix& trans, const CrfMatrix& start,
                          const CrfMatrix& end, int begin, const std::vector<int>& labels,
                          const CrfConstraints* constraints = nullptr, CrfWorkspace* ws = nullptr);

// The k (>= 1) best allowed paths, best first, each with its log-probability score(y) - log Z.
// Fewer than k when fewer paths are allowed. Ties are broken deterministically (by predecessor).
std::vector<std::pair<std::vector<int>, real>> crf_kbest(const CrfMatrix& emissions, const CrfMatrix& trans,
                                                         const CrfMatrix& start, const CrfMatrix& end, int k,
                                                         const CrfConstraints* constraints = nullptr,
                                                         CrfWorkspace* ws = nullptr);

// Viterbi for each sentence of a padded time-major batch: emissions L x (T*B), lengths: B ints.
// A sentence of length 0 gets an empty path.
std::vector<std::vector<int>> crf_viterbi_batch(const CrfMatrix& emissions, const CrfMatrix& trans,
                                                const CrfMatrix& start, const CrfMatrix& end, Index batch,
                                                const int* lengths,
                                                const CrfConstraints* constraints = nullptr,
                                                CrfWorkspace* ws = nullptr);

}  // namespace medner
