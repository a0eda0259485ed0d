#include "train/config.h"

#include "core/error.h"
#include "model/trained_model.h"
#include "train/head_corpora.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace medner {

namespace {

using T = TrainConfig;

// The model's options that come before and after freeze-embeddings and singleton-unk: the table
// keeps the order in which model files have always stored their configuration.
OptionTable<T> model_part(const char* first, const char* last) {
  OptionTable<T> all = nested_options(model_options(), &T::net), out;
  bool in = false;
  for (auto& o : all) {
    in = in || o.name == first;
    if (in) out.push_back(o);
    if (o.name == last) break;
  }
  return out;
}

OptionTable<T> make_train_options() {
  auto path = [](const char* name, auto field, const char* help) {
    return not_stored(text_option<T>(name, OptionKind::Path, field, "", help));
  };
  OptionTable<T> t = {
      path("train", &T::train,
           "training data (CoNLL; by the name *.jsonl/*.json Hugging Face JSON lines, *.pubtator PubTator, "
           "*.bioc.json BioC JSON: docs/file-formats.md); several files as A,B (e.g. train + dev)"),
      path("dev", &T::dev, "development data for early stopping (a format as --train)"),
      path("test", &T::test, "optional test data, scored with the best model at the end"),
      not_stored(text_option<T>("labels", OptionKind::String, &T::labels, "",
                                "label names of Hugging Face files whose ner_tags are ids: B-X,I-X,... in id order, "
                                "or a dataset_info.json / label.json file")),
      path("model", &T::model, "output model file"),
      path("log", &T::log, "write per-epoch records as JSON lines to this file"),
      path("checkpoint", &T::checkpoint, "checkpoint file (default: MODEL.ckpt)"),
      not_stored(bool_option<T>("resume", &T::resume, false, "continue from the checkpoint")),
      text_option<T>("embeddings", OptionKind::Path, &T::embeddings, "",
                     "pretrained vectors: word2vec text/binary or GloVe text; several as A,B are concatenated "
                     "(--word-dim: the sum of their sizes)"),
      text_option<T>("lexicon", OptionKind::Path, &T::lexicons, "",
                     "typed lexicons, name<TAB>type[<TAB>id] per line (data/lexicons/); several as A,B: each "
                     "token gets its longest match per type as a feature, and the "
                     "model file keeps the names"),
      text_option<T>("charlm", OptionKind::Path, &T::charlm, "",
                     "a character language model (medner-pretrain charlm): its states at each token's boundaries "
                     "are token features, fixed during training unless --charlm-fine-tune; the model file keeps it"),
      bool_option<T>("keep-vectors", &T::keep_vectors, false,
                     "keep the --embeddings vectors of words outside the vocabulary in the model file, so that "
                     "such words of text tagged later get their vector instead of <unk> (training is unchanged)"),
  };
  auto append = [&t](OptionTable<T> part) { t.insert(t.end(), part.begin(), part.end()); };
  append(model_part("word-dim", "normalize-digits"));
  append({
      bool_option<T>("freeze-embeddings", &T::freeze_embeddings, false, "do not train the word embeddings"),
      real_option<T>("singleton-unk", &T::singleton_unk, "0.5", 0, 1, false,
                     "probability of replacing a training singleton by UNK"),
  });
  append(model_part("char-encoder", "constraints"));
  const std::vector<std::pair<std::string, std::string>> optimizers = {{"sgd", "sgd"}, {"adam", "adam"}};
  append({
      choice_option<T>("optimizer", &T::optimizer, optimizers, "adam", "optimizer"),
      real_option<T>("lr", &T::lr, "0.002", 0, 1e3, true, "learning rate"),
      real_option<T>("momentum", &T::momentum, "0.9", 0, 0.999, false, "SGD momentum"),
      real_option<T>("lr-decay", &T::lr_decay, "0.05", 0, 1e3, false, "lr / (1 + decay * epoch)"),
      real_option<T>("clip", &T::clip, "5", 0, 1e9, false, "gradient norm clipping (0: off)"),
      real_option<T>("l2", &T::l2, "0", 0, 1e3, false, "L2 penalty"),
      real_option<T>("average", &T::average, "0", 0, 0.999999, false,
                     "decay of a moving average of the parameters, which is what dev scores and the model file "
                     "get (0: off, the last iterate; e.g. 0.999)"),
      int_option<T>("batch-size", &T::batch_size, 32, 1, "sentences per mini-batch"),
      int_option<T>("max-epochs", &T::max_epochs, 50, 1, "maximum epochs"),
      int_option<T>("patience", &T::patience, 10, 1, "stop after this many epochs without a better dev F1"),
      choice_option<T>("select", &T::select,
                       std::vector<std::pair<std::string, std::string>>{{"best", "best"}, {"last", "last"}}, "best",
                       "model kept: best (the epoch with the best dev F1, early stopping) or last (every epoch "
                       "up to max-epochs)"),
      int_option<T>("seed", &T::seed, 1, 0, "random seed"),
      not_stored(int_option<T>("threads", &T::threads, 0, 0, "OpenMP threads (0: all cores)", kMaxThreads)),
      not_stored(int_option<T>("checkpoint-every", &T::checkpoint_every, 0, 0,
                               "steps between mid-epoch checkpoints (0: per epoch)")),
      not_stored(bool_option<T>("check-finite", &T::check_finite, false, "check every value and gradient for NaN/Inf")),
      not_stored(choice_option<T>("nan-policy", &T::nan_policy,
                                  std::vector<std::pair<std::string, std::string>>{{"stop", "stop"}, {"skip", "skip"}},
                                  "stop", "on a non-finite loss or gradient")),
      // Last: a model file keeps its options in table order, and these came last.
      text_option<T>("head-name", OptionKind::String, &T::head_name, kDefaultHeadName,
                     "name of the head trained on --train/--dev/--test (what --head of medner-tag and "
                     "medner-eval spells)"),
      path("aux", &T::aux,
           "more corpora, each with a head of its own over the shared layers: NAME:TRAIN:DEV[:TEST], several "
           "joined by ','"),
      text_option<T>("targets", OptionKind::String, &T::targets, "",
                     "heads whose mean dev F1 chooses the kept epoch and stops training, as NAME,NAME (default: "
                     "every head)"),
      real_option<T>("mix-temperature", &T::mix_temperature, "1", 0, 1e3, true,
                     "how several corpora share an epoch's batches: in proportion to sentences^(1/T); 1: each "
                     "corpus once an epoch, larger: small corpora more often (every corpus alike as T grows)"),
  });
  append(model_part("charlm-fine-tune", "charlm-fine-tune"));
  return t;
}

// An output file of the run (model, checkpoint, log) must be creatable before hours of training
// are spent: its directory must exist, be a directory and be writable, and the path itself must
// not be a directory. The files are written atomically later (io/atomic_file.h); this only
// checks what can be checked without creating anything.
void check_output_path(const char* key, const std::string& path) {
  if (path.empty()) return;
  namespace fs = std::filesystem;
  const fs::path p(path);
  std::error_code ec;
  if (path.back() == '/' || fs::is_directory(p, ec))
    throw InputError(fmt::format("--{}: '{}' is a directory; expected a file path", key, path));
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  const fs::file_status st = fs::status(dir, ec);
  if (!fs::exists(st))
    throw InputError(fmt::format("--{}: cannot write '{}': directory '{}' does not exist", key,
                                 path, dir.string()));
  if (!fs::is_directory(st))
    throw InputError(fmt::format("--{}: cannot write '{}': '{}' is not a directory", key, path,
                                 dir.string()));
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw InputError(fmt::format("--{}: cannot write '{}': directory '{}': {}", key, path,
                                 dir.string(), std::strerror(errno)));
}

}  // namespace

const OptionTable<TrainConfig>& train_options() {
  static const OptionTable<TrainConfig> table = make_train_options();
  return table;
}

const std::vector<OptionInfo>& train_option_infos() {
  static const std::vector<OptionInfo> infos = option_infos(train_options());
  return infos;
}

ConfigMap read_config_file(const std::string& path) { return read_config_file(path, train_option_infos()); }

ConfigMap merge_config(const std::vector<ConfigMap>& layers) { return merge_options(train_option_infos(), layers); }

ConfigMap stored_config(const ConfigMap& effective) { return stored_entries(train_option_infos(), effective); }

TrainConfig TrainConfig::from_map(const ConfigMap& m) {
  TrainConfig c = parse_options(train_options(), m);
  head_corpora(c.head_name, c.train, c.dev, c.test, c.aux, c.targets);  // the --aux and --targets errors, early
  if (c.net.charlm_fine_tune && c.charlm.empty())
    throw InputError("--charlm-fine-tune: there is no language model to tune; give it with --charlm FILE");
  check_output_path("model", c.model);
  check_output_path("checkpoint", c.checkpoint);
  check_output_path("log", c.log);
  return c;
}

}  // namespace medner
