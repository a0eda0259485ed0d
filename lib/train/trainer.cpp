#include "train/trainer.h"

#include "core/error.h"
#include "core/fault_point.h"
#include "data/conll.h"
#include "data/tag_scheme.h"
#include "dist/agreement.h"
#include "dist/grad_sync.h"
#include "eval/metrics.h"
#include "io/atomic_file.h"
#include "optim/grad_clip.h"
#include "optim/optimizer.h"
#include "optim/param_average.h"
#include "train/batch_plan.h"
#include "train/context.h"
#include "train/predictor.h"
#include "train/progress_bar.h"
#include "train/tagging.h"
#include "train/trained_model.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <memory>
#include <numeric>
#include <ostream>

namespace medner {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// --train A,B: each file read and checked in its own tag scheme (errors keep their file and line),
// the schemes equal (the network learns one conversion of them), then concatenated in order.
Corpus read_training_files(const std::string& list) {
  std::string first;
  TagScheme scheme = TagScheme::IOB2;
  return read_conll_files(list, [&](const Corpus& part) {
    const TagScheme s = detect_tag_scheme(part);
    validate_tags(part, s);
    if (first.empty()) {
      first = part.path;
      scheme = s;
    } else if (s != scheme) {
      throw InputError(fmt::format("{}: expected the tag scheme of {} ({}), found {}; convert the training files "
                                   "to one scheme",
                                   part.path, first, to_string(scheme), to_string(s)));
    }
  });
}

// Where training stands; saved in checkpoints so that a resumed run continues exactly.
struct Progress {
  int epoch = 0;       // 0-based epoch in progress
  int position = 0;    // next batch of the epoch's plan
  int64_t step = 0;    // optimizer steps so far
  int best_epoch = 0;  // 1-based, 0 = none yet
  int bad_epochs = 0;
  double best_f1 = -1;
  double elapsed = 0;          // seconds of training before this process
  double elapsed_to_best = 0;
  double epoch_loss = 0;       // running sums of the epoch in progress
  double epoch_tokens = 0;
  double epoch_seconds = 0;
  double total_tokens = 0, total_train_seconds = 0;
  std::vector<std::string> log_records;  // JSON lines so far
};

// Per-thread training state: its own tape and gradients (STYLE.md section 8).
struct Worker {
  Tape tape;
  GradBuffer grads;
  Batch batch;
  std::vector<int> seen;
  std::vector<const EncodedSentence*> sentences;
  double loss = 0;
  long tokens = 0;
};

uint64_t mix(uint64_t seed, uint64_t step, uint64_t shard) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ULL ^ (step + 0x632BE59BD9B4E019ULL) * 0xBF58476D1CE4E5B9ULL ^ shard;
  z = (z ^ (z >> 31)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 29);
}

std::string checkpoint_path(const TrainConfig& c) {
  return c.checkpoint.empty() ? c.model + ".ckpt" : c.checkpoint;
}

void save_checkpoint(const std::string& path, const ConfigMap& stored, const Vocabularies& vocab,
                     const NerNetwork& net, Optimizer& opt, ParamAverage* average, const Progress& p) {
  ModelFile mf = to_model_file(stored, vocab, net, "checkpoint");
  put_blob_u64s(mf, "progress", {static_cast<uint64_t>(p.epoch), static_cast<uint64_t>(p.position),
                                 static_cast<uint64_t>(p.step), static_cast<uint64_t>(p.best_epoch),
                                 static_cast<uint64_t>(p.bad_epochs), static_cast<uint64_t>(opt.steps())});
  std::vector<real> reals = {static_cast<real>(p.best_f1)};
  put_blob_reals(mf, "best_f1", reals);
  // Doubles that must survive exactly: stored as their bit patterns.
  std::vector<uint64_t> bits;
  for (double d : {p.best_f1, p.elapsed, p.elapsed_to_best, p.epoch_loss, p.epoch_tokens,
                   p.epoch_seconds, p.total_tokens, p.total_train_seconds}) {
    uint64_t u;
    std::memcpy(&u, &d, sizeof u);
    bits.push_back(u);
  }
  put_blob_u64s(mf, "progress_doubles", bits);
  put_blob_strings(mf, "log_records", p.log_records);
  for (auto& [name, buffer] : opt.state_buffers()) put_blob_reals(mf, "optim/" + name, *buffer);
  if (average) put_blob_reals(mf, "average", average->state());
  save_model_file(path, mf);
}

void load_checkpoint_state(const ModelFile& mf, const std::string& path, Optimizer& opt, ParamAverage* average,
                           Progress& p) {
  std::vector<uint64_t> v = get_blob_u64s(mf, "progress", path);
  std::vector<uint64_t> d = get_blob_u64s(mf, "progress_doubles", path);
  if (v.size() != 6 || d.size() != 8) throw InputError(path + ": checkpoint progress record is malformed");
  p.epoch = static_cast<int>(v[0]);
  p.position = static_cast<int>(v[1]);
  p.step = static_cast<int64_t>(v[2]);
  p.best_epoch = static_cast<int>(v[3]);
  p.bad_epochs = static_cast<int>(v[4]);
  opt.set_steps(static_cast<int64_t>(v[5]));
  double* fields[] = {&p.best_f1, &p.elapsed, &p.elapsed_to_best, &p.epoch_loss, &p.epoch_tokens,
                      &p.epoch_seconds, &p.total_tokens, &p.total_train_seconds};
  for (std::size_t i = 0; i < 8; ++i) std::memcpy(fields[i], &d[i], sizeof(double));
  p.log_records = get_blob_strings(mf, "log_records", path);
  for (auto& [name, buffer] : opt.state_buffers())
    get_blob_reals(mf, "optim/" + name, path, buffer->data(), buffer->size());
  if (average) {
    get_blob_reals(mf, "average", path, average->state().data(), average->state().size());
    average->resumed_at(opt.steps());  // saved caught up
  }
}

std::vector<std::vector<std::string>> gold_iob2(const Corpus& c) {
  TagScheme from = detect_tag_scheme(c);
  std::vector<std::vector<std::string>> out;
  out.reserve(c.sentences.size());
  for (const Sentence& s : c.sentences) out.push_back(convert_tags(s.tags, from, TagScheme::IOB2));
  return out;
}

// Steps between the replicas' checksum comparisons (also at every epoch end): hashing costs one
// pass over parameters and moments, a few ms, so every 100 steps it stays far below 1%.
constexpr int64_t kAgreementEvery = 100;

// Hash of everything that must be identical on every rank: parameters, optimizer state and the
// counters that decide the run's course (timings excluded: they are rank 0's own).
uint64_t replica_checksum(const ParamStore& store, Optimizer& opt, const Progress& p) {
  uint64_t h = checksum64(store.data(), store.size() * sizeof(real));
  for (auto& [name, buffer] : opt.state_buffers()) h = checksum64(buffer->data(), buffer->size() * sizeof(real), h);
  const int64_t counters[] = {p.epoch, p.position, p.step, p.best_epoch, p.bad_epochs, opt.steps()};
  h = checksum64(counters, sizeof counters, h);
  return checksum64(&p.best_f1, sizeof p.best_f1, h);
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

TrainSummary train_model(const TrainConfig& config, const ConfigMap& effective, std::ostream& log,
                         std::ostream& out) {
  LocalComm comm;
  return train_model(config, effective, comm, log, out);
}

TrainSummary train_model(const TrainConfig& config, const ConfigMap& effective, Communicator& comm,
                         std::ostream& root_log, std::ostream& out) {
  if (config.train.empty()) throw InputError("--train: a training file is required");
  if (config.dev.empty()) throw InputError("--dev: a development file is required (early stopping)");
  if (config.model.empty()) throw InputError("--model: an output model path is required");
  const bool root = comm.rank() == 0;
  std::ostream null_log(nullptr);  // discards: only rank 0 logs
  std::ostream& log = root ? root_log : null_log;
  // Ranks on one machine share its cores, so "all cores" means this rank's share of them.
  const int threads =
      config.threads > 0 ? config.threads : std::max(1, omp_get_max_threads() / comm.local_size());

  Corpus train = read_training_files(config.train);
  Corpus dev = read_conll(config.dev);
  Corpus test;
  if (!config.test.empty()) test = read_conll(config.test);

  // Everything stored in the model: options that shape the network and the data.
  ConfigMap stored;
  for (const auto& kv : effective)
    if (find_option(kv.first) != nullptr && find_option(kv.first)->stored) stored.push_back(kv);

  const std::string ckpt = checkpoint_path(config);
  Progress progress;
  Vocabularies vocab;
  std::unique_ptr<NerNetwork> net;
  std::unique_ptr<ModelFile> resume_file;
  if (config.resume) {
    // Rank 0 decides whether there is a checkpoint; then every rank reads it (the ranks share a
    // filesystem, as they do for the data). It holds nothing rank-specific: any rank count resumes.
    char found = root && std::ifstream(ckpt).good();
    broadcast_value(comm, found, 0);
    if (found) {
      resume_file = std::make_unique<ModelFile>(load_model_file(ckpt));
      model_require_kind(*resume_file, "checkpoint", ckpt);
      TrainedModel m = from_model_file(*resume_file, ckpt);
      // Resuming may extend the run (more epochs, more patience); everything else must match.
      // Options the checkpoint does not name (it predates them) compare as their defaults.
      auto same = [](const ConfigMap& stored_config) {
        ConfigMap a = merge_config({stored_config});
        a.erase(std::remove_if(a.begin(), a.end(), [](const auto& kv) {
                  return kv.first == "max-epochs" || kv.first == "patience";
                }), a.end());
        return a;
      };
      if (same(m.config) != same(stored))
        throw InputError(fmt::format("{}: the checkpoint was written with a different configuration; "
                                     "resume with the same options", ckpt));
      vocab = std::move(m.vocab);
      net = std::move(m.net);
      log << fmt::format("resuming from {}\n", ckpt);
    } else {
      log << fmt::format("no checkpoint at {}; starting a new run\n", ckpt);
    }
  }
  if (!net) {
    std::unique_ptr<PretrainedEmbeddings> pretrained;
    if (!config.embeddings.empty())
      pretrained = std::make_unique<PretrainedEmbeddings>(read_embeddings(config.embeddings));
    WordOptions wo;
    wo.lowercase = config.lowercase;
    wo.normalize_digits = config.normalize_digits;
    std::vector<const Corpus*> extra = {&dev};
    if (!config.test.empty()) extra.push_back(&test);
    vocab = build_vocabularies(train, extra, pretrained.get(), wo, parse_tag_scheme(config.tag_scheme));
    Rng init(config.seed);
    net = std::make_unique<NerNetwork>(network_config(config, vocab), init);
    if (pretrained) {
      int found = load_pretrained_vectors(*pretrained, vocab, *net, config.embeddings);
      log << fmt::format("embeddings: {} of {} words have pretrained vectors ({}, {} dims)\n", found,
                         vocab.words.size() - 2, pretrained->format, pretrained->dim);
    }
  }
  if (config.freeze_embeddings) net->word_embedding().set_frozen(net->params(), true);

  Dataset train_data = encode_in_context(train, vocab, true, config.context);
  Dataset dev_data = encode_in_context(dev, vocab, false, config.context);
  const auto dev_gold = gold_iob2(dev);
  log << fmt::format("data: train {} sentences / {} tokens, dev {} sentences; {} words, {} chars, {} tags; "
                     "{} parameters; {} threads{}\n",
                     train_data.sentences.size(), train_data.tokens, dev_data.sentences.size(),
                     vocab.words.size(), vocab.chars.size(), vocab.tags.size(), net->params().size(), threads,
                     comm.size() > 1 ? fmt::format(" per rank, {} ranks", comm.size()) : "");

  ParamStore& store = net->params();
  std::unique_ptr<Optimizer> opt = make_optimizer(config.optimizer, store, static_cast<real>(config.momentum));
  // Whether `ckpt` holds a state of this run, for the message of a numerical stop (a file left
  // there by an unrelated earlier run is not "the last good checkpoint").
  bool have_checkpoint = resume_file != nullptr;
  // With --average, dev scores and the model file get the moving average of the parameters; the
  // optimizer goes on from its own iterate, which the checkpoint holds (with the average's state).
  std::unique_ptr<ParamAverage> average;
  if (config.average > 0) average = std::make_unique<ParamAverage>(store, config.average);
  if (resume_file) load_checkpoint_state(*resume_file, ckpt, *opt, average.get(), progress);
  resume_file.reset();
  auto stop_message = [&] {
    return have_checkpoint ? fmt::format("training stopped, the last good checkpoint is {}", ckpt)
                           : std::string("training stopped before any checkpoint was written");
  };
  auto require_same_replica = [&](const std::string& when, const std::string& hint) {
    if (comm.size() > 1) require_agreement(comm, replica_checksum(store, *opt, progress), when, hint);
  };
  require_same_replica("the initial model", "; every rank must read the same data, embeddings and checkpoint");

  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) {
    workers.push_back(std::make_unique<Worker>());
    Worker& w = *workers.back();
    w.grads.reset(store);
    w.tape.set_grads(&w.grads);
    w.tape.set_check_finite(config.check_finite);
    w.seen.assign(static_cast<std::size_t>(train_data.forms.size()), -1);
  }
  std::vector<uint8_t> singleton(static_cast<std::size_t>(vocab.words.size()), 0);
  for (std::size_t w = 2; w < singleton.size(); ++w) singleton[w] = train_data.word_counts[w] == 1;

  Predictor predictor(*net, vocab, threads);
  ProgressBar bar(log);
  TrainSummary summary;
  summary.ranks = comm.size();
  summary.threads = threads;
  double sync_sparse_reals = 0;
  std::vector<real> sync_scratch;
  std::vector<GradSlice> slices;                                     // this step's share per thread
  std::vector<double> norm_parts(static_cast<std::size_t>(threads));  // their sums of squares
  std::vector<std::vector<int>> shards;  // this step's sentences per shard (shard_batch)
  std::vector<int> shard_scratch;
  std::vector<long> shard_load;
  const auto session_start = Clock::now();
  const double elapsed_before = progress.elapsed;
  auto elapsed = [&] { return elapsed_before + seconds_since(session_start); };
  const std::string diverged = "; the replicas have diverged (please report this as a bug)";

  const bool keep_last = config.select == "last";
  while (progress.epoch < config.max_epochs && (keep_last || progress.bad_epochs < config.patience)) {
    const int epoch = progress.epoch;
    BatchPlan plan = plan_epoch(train_data.sentences, config.batch_size, config.seed, epoch);
    const real lr = static_cast<real>(config.lr / (1.0 + config.lr_decay * epoch));
    while (progress.position < plan.batches()) {
      const auto t_step = Clock::now();
      const int k = progress.position;
      shard_batch(plan, k, train_data.sentences, comm.size() * threads, shard_scratch, shard_load, shards);
      std::exception_ptr error;
      std::atomic<bool> failed{false};  // error is set; read between the phases
      GradBuffer& grads = workers[0]->grads;  // the step's gradient: thread 0's buffer plus the others
      double loss = 0;
      long tokens = 0;
      real norm = 0;
      // The whole step is one parallel region (STYLE.md section 8). Each thread runs forward and
      // backward on its shard into its own buffer; then every thread takes one slice of the flat
      // gradient (GradBuffer::split: a range of the dense values and of the touched embedding
      // columns, disjoint, on cache-line boundaries) through the rest of the step: adding the other
      // threads' buffers to thread 0's in thread order, L2, its partial sum of squares, clipping and
      // the optimizer. The slices' sums are added in slice order by every thread, so the norm, and
      // with it the run, depends on the seed and the thread count only, never on timing; with one
      // thread the single slice visits the values in the serial order (the same bits as before).
      // The master thread alone does the bookkeeping between the phases and, under MPI, the sum over
      // ranks (MPI_THREAD_FUNNELED); the barriers separate the phases.
#pragma omp parallel num_threads(threads)
      {
        const auto i = static_cast<std::size_t>(omp_get_thread_num());
        Worker& w = *workers[i];
        auto guarded = [&](auto&& phase) {
          try {
            phase();
          } catch (...) {
#pragma omp critical(medner_train_error)
            if (!error) error = std::current_exception();
            failed = true;
          }
        };
        guarded([&] {
          w.grads.zero();
          w.loss = 0;
          w.tokens = 0;
          // One stream per (step, shard); shards are numbered over all ranks' threads.
          const auto shard = static_cast<uint64_t>(comm.rank()) * static_cast<uint64_t>(threads) + i;
          const std::vector<int>& mine = shards[shard];
          if (!mine.empty()) {
            w.sentences.clear();
            for (int s : mine) w.sentences.push_back(&train_data.sentences[static_cast<std::size_t>(s)]);
            make_batch(w.sentences, train_data.forms, w.seen, w.batch);
            Rng rng(mix(config.seed, static_cast<uint64_t>(progress.step), shard));
            if (config.singleton_unk > 0)
              for (int& id : w.batch.words)
                if (singleton[static_cast<std::size_t>(id)] && rng.uniform() < config.singleton_unk) id = kUnkId;
            w.tape.clear();
            NodeId node = net->loss(w.tape, w.batch, rng, true);
            w.loss = static_cast<double>(w.tape.scalar(node));
            w.tokens = w.batch.tokens();
            if (std::isfinite(w.loss)) w.tape.backward(node);
          }
        });
#pragma omp barrier
#pragma omp master
        guarded([&] {
          if (failed) return;
          for (std::size_t t = 0; t < workers.size(); ++t) {
            loss += workers[t]->loss;
            tokens += workers[t]->tokens;
            if (t > 0) grads.touch_all(workers[t]->grads);  // the union of columns, before slicing
          }
          if (threads > 1) slices = grads.split(threads);
        });
#pragma omp barrier
        if (!failed && threads > 1)
          guarded([&] {
            for (std::size_t t = 1; t < workers.size(); ++t) grads.add(workers[t]->grads, slices[i]);
          });
#pragma omp barrier
#pragma omp master
        guarded([&] {
          if (failed) return;
          if (comm.size() > 1) {
            const auto t_sync = Clock::now();
            const GradSyncStats synced = allreduce_gradients(comm, store, grads, sync_scratch);
            double totals[2] = {loss, static_cast<double>(tokens)};
            comm.allreduce_sum(totals, 2);
            loss = totals[0];
            tokens = static_cast<long>(totals[1]);
            summary.sync_dense_reals = static_cast<double>(synced.dense);
            sync_sparse_reals += static_cast<double>(synced.sparse);
            summary.sync_seconds += seconds_since(t_sync);
          }
          // The sum over ranks changed the column lists: slices for the rest of the step. With one
          // rank the slices of the thread sum still hold (only a single thread has none yet).
          if (comm.size() > 1 || threads == 1) slices = grads.split(threads);
        });
#pragma omp barrier
        // From here on every rank holds the same gradient, so it takes the same decisions.
        if (!failed)
          guarded([&] {
            if (config.l2 > 0) add_l2(store, grads, static_cast<real>(config.l2), slices[i]);
            norm_parts[i] = grad_norm_squared(store, grads, slices[i]);
          });
#pragma omp barrier
#pragma omp master
        guarded([&] {
          if (failed) return;
          norm = norm_of_slices(norm_parts);
          if (std::isfinite(loss) && std::isfinite(static_cast<double>(norm))) opt->begin_step();
        });
#pragma omp barrier
        if (!failed && std::isfinite(loss) && std::isfinite(static_cast<double>(norm)))
          guarded([&] {
            const auto clip = static_cast<real>(config.clip);
            if (clip > 0 && norm > clip) scale_grads(store, grads, slices[i], clip / norm);
            // The moving average follows the optimizer slice by slice (optim/param_average.h).
            if (average) average->before_step(store.data(), grads, slices[i], opt->steps());
            opt->step(store, grads, lr, slices[i]);
            if (average) average->after_step(store.data(), grads, slices[i], opt->steps());
          });
      }
      if (error) {
        // A non-finite tape value (--check-finite) is located by its step and batch like a
        // non-finite loss or gradient.
        try {
          std::rethrow_exception(error);
        } catch (const NumericError& e) {
          throw NumericError(fmt::format("step {} (epoch {}, batch {} of {}): {}; {}", progress.step + 1, epoch + 1,
                                         k + 1, plan.batches(), e.what(), stop_message()));
        }
      }
      if (!std::isfinite(loss) || !std::isfinite(static_cast<double>(norm))) {
        std::string what = fmt::format("step {} (epoch {}, batch {} of {}): non-finite {}", progress.step + 1,
                                       epoch + 1, k + 1, plan.batches(), std::isfinite(loss) ? "gradient" : "loss");
        if (config.nan_policy == "stop")
          throw NumericError(what + "; " + stop_message());
        log << "warning: " << what << "; batch skipped\n";
      }
      ++progress.step;
      ++progress.position;
      fault_point("step");
      const double dt = seconds_since(t_step);
      ++summary.steps;
      summary.step_seconds += dt;
      progress.epoch_loss += loss;
      progress.epoch_tokens += static_cast<double>(tokens);
      progress.epoch_seconds += dt;
      bar.update(epoch + 1, progress.position, plan.batches(), progress.epoch_tokens / std::max(progress.epoch_seconds, 1e-9));
      if (progress.step % kAgreementEvery == 0) require_same_replica(fmt::format("the model after step {}", progress.step), diverged);
      if (config.checkpoint_every > 0 && progress.step % config.checkpoint_every == 0 &&
          progress.position < plan.batches()) {
        // Every rank, so that their averages stay alike; a checkpoint holds a caught-up average.
        if (average) average->catch_up(store.data(), opt->steps());
        if (root) {
          progress.elapsed = elapsed();
          save_checkpoint(ckpt, stored, vocab, *net, *opt, average.get(), progress);
          have_checkpoint = true;
        }
      }
    }
    bar.clear();
    // End of epoch: dev evaluation, early stopping, best model, checkpoint. Rank 0 alone
    // evaluates and broadcasts the F1; from it every rank takes the same early-stopping decision
    // (their progress records are identical, which the checksum below verifies).
    const double tok_s = progress.epoch_tokens / std::max(progress.epoch_seconds, 1e-9);
    // With --average the dev score and the saved model are the average's; the optimizer's iterate
    // is put back before the checkpoint.
    std::vector<real> iterate;
    if (average && opt->steps() > 0) {
      average->catch_up(store.data(), opt->steps());
      iterate.assign(store.data(), store.data() + store.size());
      average->averaged(opt->steps(), store.data());
    }
    EvalReport dev_report;
    if (root) dev_report = evaluate(dev_gold, predictor.tags(dev_data));
    double f1 = dev_report.overall.f1();
    broadcast_value(comm, f1, 0);
    // With --select last the kept model is every epoch's, and "best" in the log means "kept".
    const bool improved = keep_last || f1 > progress.best_f1;
    if (improved) {
      progress.best_f1 = f1;
      progress.best_epoch = epoch + 1;
      progress.bad_epochs = 0;
      if (root) save_model_file(config.model, to_model_file(stored, vocab, *net, "model"));
      progress.elapsed_to_best = elapsed();
    } else {
      ++progress.bad_epochs;
    }
    if (!iterate.empty()) std::copy(iterate.begin(), iterate.end(), store.data());
    progress.total_tokens += progress.epoch_tokens;
    progress.total_train_seconds += progress.epoch_seconds;
    log << fmt::format("epoch {:3d}  loss {:10.2f}  train {:7.0f} tok/s  dev P {:6.2f} R {:6.2f} F1 {:6.2f}  "
                       "best {:6.2f} (epoch {})  {:7.1f}s{}\n",
                       epoch + 1, progress.epoch_loss, tok_s, dev_report.overall.precision(),
                       dev_report.overall.recall(), f1, progress.best_f1, progress.best_epoch, elapsed(),
                       comm.size() > 1 ? fmt::format("  sync {:4.1f}%", 100 * summary.sync_seconds /
                                                                          std::max(summary.step_seconds, 1e-9))
                                       : "");
    progress.log_records.push_back(fmt::format(
        "{{\"epoch\": {}, \"train_loss\": {}, \"train_tokens_per_s\": {}, \"lr\": {}, \"dev_precision\": {}, "
        "\"dev_recall\": {}, \"dev_f1\": {}, \"best_f1\": {}, \"best_epoch\": {}, \"elapsed_s\": {}}}",
        epoch + 1, progress.epoch_loss, tok_s, lr, dev_report.overall.precision(), dev_report.overall.recall(), f1,
        progress.best_f1, progress.best_epoch, elapsed()));
    if (root && !config.log.empty()) {
      std::string text;
      for (const auto& r : progress.log_records) text += r + "\n";
      write_file_atomic(config.log, text);
    }
    ++progress.epoch;
    progress.position = 0;
    progress.epoch_loss = progress.epoch_tokens = progress.epoch_seconds = 0;
    progress.elapsed = elapsed();
    require_same_replica(fmt::format("the model at the end of epoch {}", epoch + 1), diverged);
    if (root) save_checkpoint(ckpt, stored, vocab, *net, *opt, average.get(), progress);
    have_checkpoint = true;
  }

  summary.epochs = progress.epoch;
  summary.best_epoch = progress.best_epoch;
  summary.best_dev_f1 = progress.best_f1;
  summary.seconds_to_best = progress.elapsed_to_best;
  summary.seconds = elapsed();
  summary.tokens_per_second = progress.total_tokens / std::max(progress.total_train_seconds, 1e-9);
  summary.sync_sparse_reals_per_step = sync_sparse_reals / std::max<double>(1, static_cast<double>(summary.steps));
  log << fmt::format("best dev F1 {:.2f} at epoch {} ({:.1f}s to best, {:.1f}s total)\n", summary.best_dev_f1,
                     summary.best_epoch, summary.seconds_to_best, summary.seconds);
  if (root && !config.test.empty()) {
    EvalReport r = evaluate(gold_iob2(test), tag_corpus(load_trained_model(config.model), test, threads));
    summary.test_f1 = r.overall.f1();
    log << fmt::format("test P {:.2f} R {:.2f} F1 {:.2f}\n", r.overall.precision(), r.overall.recall(), summary.test_f1);
  }
  (void)out;
  return summary;
}

}  // namespace medner
