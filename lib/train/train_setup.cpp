// The setup phase of a training run: the data read and checked, the vocabularies and the network
// built (or taken from the checkpoint on --resume), the optimizer, the parameter average and the
// parallel step made ready.
#include "core/error.h"
#include "data/conll.h"
#include "data/corpus_format.h"
#include "data/hf_json.h"
#include "data/lexicon.h"
#include "data/tag_scheme.h"
#include "dist/agreement.h"
#include "io/atomic_file.h"
#include "io/file_identity.h"
#include "model/context.h"
#include "model/spare_vectors.h"
#include "model/trained_model.h"
#include "model/unknown_word_vectors.h"
#include "train/model_card_data.h"
#include "train/training_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <omp.h>

#include <algorithm>
#include <fstream>

namespace medner {

namespace {

// --train A,B: each file read and checked in its own tag scheme (errors keep their file and line),
// the schemes equal (the network learns one conversion of them), then concatenated in order.
Corpus read_training_files(const std::string& list, const CorpusReadOptions& options) {
  std::string first;
  TagScheme scheme = TagScheme::IOB2;
  return read_corpus_files(list, options, [&](const Corpus& part) {
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

// Resuming may extend the run (more epochs, more patience); every other stored option must be as
// the checkpoint has it. Options the checkpoint does not name (it predates them) compare as their
// defaults. Names the first option that differs.
void require_same_options(const ConfigMap& checkpoint, const ConfigMap& now, const std::string& path) {
  ConfigMap a;
  try {
    a = merge_config({checkpoint});
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {} in the checkpoint", path, e.what()));
  }
  const ConfigMap b = merge_config({now});
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string& key = a[i].first;
    if (key == "max-epochs" || key == "patience" || a[i].second == b[i].second) continue;
    throw InputError(fmt::format("{}: the checkpoint was written with --{} {}, this run has --{} {}; resume with "
                                 "the same options",
                                 path, key, message_excerpt(a[i].second), key, message_excerpt(b[i].second)));
  }
}

}  // namespace

std::vector<std::vector<std::string>> gold_iob2(const Corpus& c) {
  TagScheme from = detect_tag_scheme(c);
  std::vector<std::vector<std::string>> out;
  out.reserve(c.sentences.size());
  for (const Sentence& s : c.sentences) out.push_back(convert_tags(s.tags, from, TagScheme::IOB2));
  return out;
}

TrainingRun::TrainingRun(const TrainConfig& config, const ConfigMap& effective, Communicator& comm,
                         std::ostream& log)
    : config_(config), comm_(comm), root_(comm.rank() == 0), log_(root_ ? log : null_log_) {
  if (config.train.empty()) throw InputError("--train: a training file is required");
  if (config.dev.empty()) throw InputError("--dev: a development file is required (early stopping)");
  if (config.model.empty()) throw InputError("--model: an output model path is required");
  // Ranks on one machine share its cores, so "all cores" means this rank's share of them.
  threads_ = config.threads > 0 ? config.threads : std::max(1, omp_get_max_threads() / comm.local_size());
  checkpoint_ = config.checkpoint.empty() ? config.model + ".ckpt" : config.checkpoint;
  for (HeadCorpus& files : head_corpora(config.head_name, config.train, config.dev, config.test, config.aux,
                                        config.targets))
    heads_.emplace_back().files = std::move(files);
  claim_paths();
  read_data();
  stored_ = stored_config(effective);
  build_or_resume();
  prepare_training();
}

// No output may be an input or another output (a --log over the training file would destroy it),
// and no other process may be training into the same model or checkpoint.
void TrainingRun::claim_paths() {
  std::vector<NamedPath> inputs;
  for (const std::string& f : split_file_list(config_.train)) inputs.push_back({"--train", f});
  if (!config_.lexicons.empty())
    for (const std::string& f : split_file_list(config_.lexicons)) inputs.push_back({"--lexicon", f});
  inputs.insert(inputs.end(), {{"--dev", config_.dev}, {"--test", config_.test},
                               {"--config", config_.config_file}});
  for (std::size_t h = 1; h < heads_.size(); ++h)
    for (const std::string* f : {&heads_[h].files.train, &heads_[h].files.dev, &heads_[h].files.test})
      inputs.push_back({"--aux", *f});
  if (!config_.embeddings.empty())
    for (const std::string& f : split_file_list(config_.embeddings)) inputs.push_back({"--embeddings", f});
  if (!config_.charlm.empty()) inputs.push_back({"--charlm", config_.charlm});
  const std::string checkpoint_option = config_.checkpoint.empty() ? "the checkpoint" : "--checkpoint";
  require_distinct_files(inputs, {{"--model", config_.model}, {checkpoint_option, checkpoint_}, {"--log", config_.log}});
  if (!root_) return;
  model_lock_ = std::make_unique<PathLock>(config_.model, "--model");
  checkpoint_lock_ = std::make_unique<PathLock>(checkpoint_, "--checkpoint");
}

void TrainingRun::read_data() {
  CorpusReadOptions options;
  options.labels = read_label_list(config_.labels);
  options.log = &log_;  // PubTator mentions not aligned to tokens are reported there
  std::vector<std::string> aux_files;
  for (std::size_t h = 0; h < heads_.size(); ++h) {
    Head& head = heads_[h];
    head.train = read_training_files(head.files.train, options);
    head.dev = read_corpus(head.files.dev, options);
    if (!head.files.test.empty()) head.test = read_corpus(head.files.test, options);
    if (h > 0) aux_files.insert(aux_files.end(), {head.files.train, head.files.dev});
  }
  identity_ = run_identity(config_.train, config_.dev, threads_, aux_files);
  if (!root_) return;
  const Head& first = heads_[0];
  card_ = data_card(config_.train, first.train, config_.dev, first.dev, config_.test, first.test, config_.embeddings,
                    config_.lexicons, config_.charlm);
  // The other corpora: each head's files and counts under its name.
  for (std::size_t h = 1; h < heads_.size(); ++h) {
    const Head& head = heads_[h];
    nlohmann::json c = data_card(head.files.train, head.train, head.files.dev, head.dev, head.files.test, head.test);
    card_["heads"][head.files.name] = {{"data", c["data"]}, {"corpora", c["corpora"]}};
  }
}

void TrainingRun::build_or_resume() {
  if (config_.resume) {
    // Rank 0 decides whether there is a checkpoint; then every rank reads it (the ranks share a
    // filesystem, as they do for the data). It holds nothing rank-specific: any rank count resumes.
    char found = root_ && std::ifstream(checkpoint_).good();
    broadcast_value(comm_, found, 0);
    if (found) {
      resume_file_ = std::make_unique<ModelFile>(load_model_file(checkpoint_));
      model_require_kind(*resume_file_, "checkpoint", checkpoint_);
      resume_network(*resume_file_);
      return;
    }
    log_ << fmt::format("no checkpoint at {}; starting a new run\n", checkpoint_);
  }
  build_network();
}

void TrainingRun::resume_network(const ModelFile& checkpoint) {
  TrainedModel m = from_model_file(checkpoint, checkpoint_);
  require_same_options(m.config, stored_, checkpoint_);
  require_same_run(checkpoint, checkpoint_, identity_);
  std::vector<std::string> then, now;
  for (const Vocabularies::Head& h : m.vocab.extra_heads) then.push_back(h.name);
  for (std::size_t h = 1; h < heads_.size(); ++h) now.push_back(heads_[h].files.name);
  if (then != now)
    throw InputError(fmt::format("{}: the checkpoint's other heads are '{}', this run's --aux names '{}'; resume "
                                 "with the same corpora",
                                 checkpoint_, join_names(then, ","), join_names(now, ",")));
  vocab_ = std::move(m.vocab);
  vocab_.charlm_threads = threads_;
  net_ = std::move(m.net);
  have_checkpoint_ = true;
  log_ << fmt::format("resuming from {}\n", checkpoint_);
}

void TrainingRun::build_network() {
  std::unique_ptr<PretrainedEmbeddings> pretrained;
  // A subword model (medner-pretrain vectors PREFIX.bin) among the files: its vocabulary is a table
  // like the others, and the model keeps it whole, for the words of new text that no table knows
  // (model/unknown_word_vectors.h); its place among the tables is where its values go.
  std::string subword_file, subword_bytes;
  std::shared_ptr<UnknownWordVectors> unknown;
  if (!config_.embeddings.empty()) {
    const std::vector<std::string> files = split_file_list(config_.embeddings);
    std::vector<PretrainedEmbeddings> tables;
    int offset = 0;
    for (const std::string& f : files) {
      std::string bytes = read_text_file(f);
      if (is_subword_vectors_bytes(bytes)) {
        if (unknown)
          throw InputError(fmt::format("--embeddings: '{}' and '{}' are both subword models (PREFIX.bin); give one, "
                                       "and the other's PREFIX.vec",
                                       subword_file, f));
        unknown = std::make_shared<UnknownWordVectors>();
        unknown->offset = offset;
        unknown->table = subword_vectors_from_bytes(bytes, f);
        tables.push_back(subword_vocabulary_table(unknown->table));
        subword_file = f;
        subword_bytes = std::move(bytes);
      } else {
        tables.push_back(read_embeddings_bytes(bytes, f));
      }
      offset += tables.back().dim;
      if (files.size() > 1)
        log_ << fmt::format("embeddings: {} words of {} dims from {}\n", tables.back().words.size(),
                            tables.back().dim, f);
    }
    if (files.size() == 1) {
      pretrained = std::make_unique<PretrainedEmbeddings>(std::move(tables[0]));
    } else {
      const WordOptions options = config_.net.word_options();
      pretrained = std::make_unique<PretrainedEmbeddings>(
          concat_embeddings(tables, [&](const std::string& w) { return normalize_word(w, options); }));
    }
  }
  // Words and characters come from every head's training corpus, in head order; each head's
  // labels from its own.
  std::vector<const Corpus*> extra;
  for (const Head& h : heads_) {
    extra.push_back(&h.dev);
    if (!h.files.test.empty()) extra.push_back(&h.test);
  }
  if (heads_.size() == 1) {
    vocab_ = build_vocabularies(heads_[0].train, extra, pretrained.get(), config_.net.word_options(),
                                config_.net.tag_scheme);
  } else {
    Corpus all = heads_[0].train;
    for (std::size_t h = 1; h < heads_.size(); ++h)
      all.sentences.insert(all.sentences.end(), heads_[h].train.sentences.begin(), heads_[h].train.sentences.end());
    vocab_ = build_vocabularies(all, extra, pretrained.get(), config_.net.word_options(), config_.net.tag_scheme);
    vocab_.tags = tag_vocabulary(heads_[0].train, config_.net.tag_scheme);
    for (std::size_t h = 1; h < heads_.size(); ++h)
      vocab_.extra_heads.push_back({heads_[h].files.name, tag_vocabulary(heads_[h].train, config_.net.tag_scheme)});
  }
  if (!config_.lexicons.empty()) {
    auto lexicon = std::make_shared<Lexicon>();
    for (const std::string& f : split_file_list(config_.lexicons)) {
      const long names = read_lexicon_file(f, *lexicon);
      log_ << fmt::format("lexicon: {} names from {}\n", names, f);
    }
    log_ << fmt::format("lexicon: {} distinct names of {} types ({})\n", lexicon->names(), lexicon->types(),
                        fmt::join(lexicon->type_names(), ", "));
    set_lexicon(vocab_, std::move(lexicon));
  }
  if (!config_.charlm.empty()) {
    set_charlm(vocab_, read_file(config_.charlm), config_.charlm);
    log_ << fmt::format("charlm: {} ({} characters, {} values per token)\n", config_.charlm,
                        vocab_.charlm->chars().size(), vocab_.charlm->embedding_dim());
    vocab_.charlm_fine_tune = config_.net.charlm_fine_tune;
  }
  vocab_.charlm_threads = threads_;
  Rng init(config_.seed);
  net_ = std::make_unique<NerNetwork>(network_config(config_.net, vocab_), init);
  if (vocab_.charlm_fine_tune) {
    net_->copy_charlm(*vocab_.charlm);
    log_ << "charlm: tuned with the tagger, starting from the file's values\n";
  }
  if (pretrained) {
    int found = load_pretrained_vectors(*pretrained, vocab_, *net_, config_.embeddings);
    log_ << fmt::format("embeddings: {} of {} words have pretrained vectors ({}, {} dims)\n", found,
                        vocab_.words.size() - 2, pretrained->format, pretrained->dim);
    if (config_.keep_vectors) {
      const SpareVectors spare = spare_vectors(*pretrained, vocab_.words, vocab_.word_options);
      vocab_.spare_vectors = std::make_shared<const std::string>(spare_vectors_bytes(spare));
      log_ << fmt::format("embeddings: the vectors of {} more words kept in the model for tagging (--keep-vectors)\n",
                          spare.words.size());
    }
    if (unknown) {
      unknown->word_dim = pretrained->dim;
      vocab_.unknown_vectors_blob =
          std::make_shared<const std::string>(unknown_word_vectors_bytes(unknown->offset, unknown->word_dim, subword_bytes));
      vocab_.unknown_vectors = std::move(unknown);
      log_ << fmt::format("embeddings: {} kept in the model ({} buckets of character n-grams, {} bytes): every other "
                          "word of dev, test and new text gets its subword vector\n",
                          subword_file, vocab_.unknown_vectors->table.subwords().buckets, subword_bytes.size());
    }
  }
}

void TrainingRun::prepare_training() {
  if (config_.freeze_embeddings) net_->word_embedding().set_frozen(net_->params(), true);
  for (std::size_t i = 0; i < heads_.size(); ++i) {
    Head& h = heads_[i];
    const int head = static_cast<int>(i);
    Dataset train = encode_in_context(h.train, vocab_, true, config_.net.context, head);
    h.dev_data = encode_in_context(h.dev, vocab_, false, config_.net.context, head);
    h.dev_gold = gold_iob2(h.dev);
    h.predictor = std::make_unique<Predictor>(*net_, vocab_, threads_, head);
    if (heads_.size() > 1)
      log_ << fmt::format("head {}: train {} sentences / {} tokens, dev {} sentences; {} tags{}\n", h.files.name,
                          train.sentences.size(), train.tokens, h.dev_data.sentences.size(),
                          vocab_.head_tags(head).size(), h.files.target ? "; a target" : "");
    if (i == 0)
      train_data_ = std::move(train);
    else
      append_dataset(train_data_, train);
  }
  log_ << fmt::format("data: train {} sentences / {} tokens, dev {} sentences; {} words, {} chars, {} tags; "
                      "{} parameters; {} threads{}\n",
                      train_data_.sentences.size(), train_data_.tokens, heads_[0].dev_data.sentences.size(),
                      vocab_.words.size(), vocab_.chars.size(), vocab_.tags.size(), net_->params().size(), threads_,
                      comm_.size() > 1 ? fmt::format(" per rank, {} ranks", comm_.size()) : "");
  ParamStore& store = net_->params();
  opt_ = make_optimizer(config_.optimizer, store, static_cast<real>(config_.momentum));
  // With --average, dev scores and the model file get the moving average of the parameters; the
  // optimizer goes on from its own iterate, which the checkpoint holds (with the average's state).
  if (config_.average > 0) average_ = std::make_unique<ParamAverage>(store, config_.average);
  if (resume_file_) load_checkpoint_state(*resume_file_, checkpoint_, *opt_, average_.get(), progress_);
  resume_file_.reset();
  require_same_replica("the initial model", "; every rank must read the same data, embeddings and checkpoint");
  StepSettings settings;
  settings.seed = config_.seed;
  settings.singleton_unk = config_.singleton_unk;
  settings.l2 = config_.l2;
  settings.clip = config_.clip;
  settings.check_finite = config_.check_finite;
  step_ = std::make_unique<ParallelStep>(*net_, train_data_, static_cast<int>(vocab_.words.size()), settings, comm_,
                                         threads_);
  // Redrawn at most 5 times a second; the per-epoch lines go to logs and pipes alone.
  bar_ = std::make_unique<ProgressBar>(log_, progress_wanted(ProgressMode::Auto, false), std::chrono::milliseconds(200));
  summary_.ranks = comm_.size();
  summary_.threads = threads_;
}

}  // namespace medner
