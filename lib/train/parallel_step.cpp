#include "train/parallel_step.h"

#include "core/rng.h"
#include "dist/grad_sync.h"
#include "optim/grad_clip.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <numeric>

namespace medner {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Splits batch k of the plan over all shards of the job: shard r * threads + i is thread i of rank
// r. Longest sentence first, each goes to the shard with the fewest tokens so far (ties: the lowest
// shard), so the shards' token counts differ by at most one sentence's: the slowest shard sets the
// step time of every thread and rank. (Contiguous halves of a batch sorted by length gave 2
// threads 2% more work on one side; striding 0.2%; this less than 0.1%.) Each shard keeps its
// sentences in plan order; with one shard it is the whole batch in plan order. A function of the
// plan and the shard count only, so every rank computes the same split.
void shard_batch(const BatchPlan& plan, int k, const std::vector<EncodedSentence>& sentences, int shards,
                 std::vector<int>& by_length, std::vector<long>& load, std::vector<std::vector<int>>& out) {
  auto length = [&](int position) {
    return std::max(1, sentences[static_cast<std::size_t>(plan.order[static_cast<std::size_t>(position)])].size());
  };
  by_length.resize(static_cast<std::size_t>(plan.starts[static_cast<std::size_t>(k) + 1] - plan.starts[static_cast<std::size_t>(k)]));
  std::iota(by_length.begin(), by_length.end(), plan.starts[static_cast<std::size_t>(k)]);  // positions in the plan
  std::stable_sort(by_length.begin(), by_length.end(), [&](int a, int b) { return length(a) > length(b); });
  out.resize(static_cast<std::size_t>(shards));
  for (auto& o : out) o.clear();
  load.assign(static_cast<std::size_t>(shards), 0);
  for (int position : by_length) {
    const auto least = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    out[least].push_back(position);
    load[least] += length(position);
  }
  for (auto& o : out) {
    std::sort(o.begin(), o.end());
    for (int& position : o) position = plan.order[static_cast<std::size_t>(position)];
  }
}

}  // namespace

// Per-thread training state: its own tape and gradients (STYLE.md section 8).
struct ParallelStep::Worker {
  Tape tape;
  GradBuffer grads;
  Batch batch;
  std::vector<int> seen;
  std::vector<const EncodedSentence*> sentences;
  double loss = 0;
  long tokens = 0;
};

bool StepResult::finite() const { return std::isfinite(loss) && std::isfinite(static_cast<double>(norm)); }

ParallelStep::ParallelStep(NerNetwork& net, const Dataset& train, int vocab_words, const StepSettings& settings,
                           Communicator& comm, int threads)
    : net_(net), train_(train), settings_(settings), comm_(comm), threads_(threads),
      norm_parts_(static_cast<std::size_t>(threads)) {
  for (int i = 0; i < threads; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    Worker& w = *workers_.back();
    w.grads.reset(net.params());
    w.tape.set_grads(&w.grads);
    w.tape.set_check_finite(settings.check_finite);
    w.seen.assign(static_cast<std::size_t>(train.forms.size()), -1);
  }
  singleton_.assign(static_cast<std::size_t>(vocab_words), 0);
  for (std::size_t w = 2; w < singleton_.size(); ++w) singleton_[w] = train.word_counts[w] == 1;
}

ParallelStep::~ParallelStep() = default;

// Forward and backward of thread i's shard into its own gradient buffer. One random stream per
// (step, shard); shards are numbered over all ranks' threads.
void ParallelStep::forward_backward(std::size_t i, int64_t step) {
  Worker& w = *workers_[i];
  w.grads.zero();
  w.loss = 0;
  w.tokens = 0;
  const auto shard = static_cast<uint64_t>(comm_.rank()) * static_cast<uint64_t>(threads_) + i;
  const std::vector<int>& mine = shards_[shard];
  if (mine.empty()) return;
  w.sentences.clear();
  for (int s : mine) w.sentences.push_back(&train_.sentences[static_cast<std::size_t>(s)]);
  make_batch(w.sentences, train_.forms, w.seen, w.batch);
  Rng rng(stream_seed(settings_.seed, static_cast<uint64_t>(step), shard));
  if (settings_.singleton_unk > 0)
    for (int& id : w.batch.words)
      if (singleton_[static_cast<std::size_t>(id)] && rng.uniform() < settings_.singleton_unk) id = kUnkId;
  w.tape.clear();
  NodeId node = net_.loss(w.tape, w.batch, rng, true);
  w.loss = static_cast<double>(w.tape.scalar(node));
  w.tokens = w.batch.tokens();
  if (std::isfinite(w.loss)) w.tape.backward(node);
}

// Master: the threads' losses and token counts, the union of their touched columns in thread 0's
// buffer, and the slices of the thread sum.
void ParallelStep::gather(StepResult& r) {
  GradBuffer& grads = workers_[0]->grads;
  for (std::size_t t = 0; t < workers_.size(); ++t) {
    r.loss += workers_[t]->loss;
    r.tokens += workers_[t]->tokens;
    if (t > 0) grads.touch_all(workers_[t]->grads);  // the union of columns, before slicing
  }
  if (threads_ > 1) slices_ = grads.split(threads_);
}

// Master: the sum over ranks (MPI_THREAD_FUNNELED) and the slices for the rest of the step.
void ParallelStep::sum_over_ranks(StepResult& r) {
  GradBuffer& grads = workers_[0]->grads;
  if (comm_.size() > 1) {
    const auto t_sync = std::chrono::steady_clock::now();
    const GradSyncStats synced = allreduce_gradients(comm_, net_.params(), grads, sync_scratch_);
    double totals[2] = {r.loss, static_cast<double>(r.tokens)};
    comm_.allreduce_sum(totals, 2);
    r.loss = totals[0];
    r.tokens = static_cast<long>(totals[1]);
    sync_dense_reals_ = static_cast<double>(synced.dense);
    sync_sparse_reals_ += static_cast<double>(synced.sparse);
    sync_seconds_ += seconds_since(t_sync);
  }
  // The sum over ranks changed the column lists: slices for the rest of the step. With one rank
  // the slices of the thread sum still hold (only a single thread has none yet).
  if (comm_.size() > 1 || threads_ == 1) slices_ = grads.split(threads_);
}

// Slice i: clipping, the optimizer and the moving average, which follows the optimizer slice by
// slice (optim/param_average.h).
void ParallelStep::update(std::size_t i, real norm, Optimizer& opt, ParamAverage* average, real lr) {
  ParamStore& store = net_.params();
  GradBuffer& grads = workers_[0]->grads;
  const auto clip = static_cast<real>(settings_.clip);
  if (clip > 0 && norm > clip) scale_grads(store, grads, slices_[i], clip / norm);
  if (average) average->before_step(store.data(), grads, slices_[i], opt.steps());
  opt.step(store, grads, lr, slices_[i]);
  if (average) average->after_step(store.data(), grads, slices_[i], opt.steps());
}

// The whole step is one parallel region (STYLE.md section 8). Each thread runs forward and
// backward on its shard into its own buffer; then every thread takes one slice of the flat
// gradient (GradBuffer::split: a range of the dense values and of the touched embedding columns,
// disjoint, on cache-line boundaries) through the rest of the step: adding the other threads'
// buffers to thread 0's in thread order, L2, its partial sum of squares, clipping and the
// optimizer. The slices' sums are added in slice order by every thread, so the norm, and with it
// the run, depends on the seed and the thread count only, never on timing; with one thread the
// single slice visits the values in the serial order. The master thread alone does the
// bookkeeping between the phases and, under MPI, the sum over ranks; the barriers separate the
// phases.
StepResult ParallelStep::run(const BatchPlan& plan, int k, int64_t step, Optimizer& opt, ParamAverage* average,
                             real lr) {
  ParamStore& store = net_.params();
  GradBuffer& grads = workers_[0]->grads;  // the step's gradient: thread 0's buffer plus the others
  shard_batch(plan, k, train_.sentences, comm_.size() * threads_, shard_scratch_, shard_load_, shards_);
  std::exception_ptr error;
  std::atomic<bool> failed{false};  // error is set; read between the phases
  StepResult r;
#pragma omp parallel num_threads(threads_)
  {
    const auto i = static_cast<std::size_t>(omp_get_thread_num());
    auto guarded = [&](auto&& phase) {
      try {
        phase();
      } catch (...) {
#pragma omp critical(medner_train_error)
        if (!error) error = std::current_exception();
        failed = true;
      }
    };
    guarded([&] { forward_backward(i, step); });
#pragma omp barrier
#pragma omp master
    if (!failed) guarded([&] { gather(r); });
#pragma omp barrier
    if (!failed && threads_ > 1)
      guarded([&] {
        for (std::size_t t = 1; t < workers_.size(); ++t) grads.add(workers_[t]->grads, slices_[i]);
      });
#pragma omp barrier
#pragma omp master
    if (!failed) guarded([&] { sum_over_ranks(r); });
#pragma omp barrier
    // From here on every rank holds the same gradient, so it takes the same decisions.
    if (!failed)
      guarded([&] {
        if (settings_.l2 > 0) add_l2(store, grads, static_cast<real>(settings_.l2), slices_[i]);
        norm_parts_[i] = grad_norm_squared(store, grads, slices_[i]);
      });
#pragma omp barrier
#pragma omp master
    if (!failed)
      guarded([&] {
        r.norm = norm_of_slices(norm_parts_);
        if (r.finite()) opt.begin_step();
      });
#pragma omp barrier
    if (!failed && r.finite()) guarded([&] { update(i, r.norm, opt, average, lr); });
  }
  if (error) std::rethrow_exception(error);
  return r;
}

}  // namespace medner
