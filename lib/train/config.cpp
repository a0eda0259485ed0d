#include "train/config.h"

#include "core/error.h"
#include "data/conll.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

namespace medner {

const std::vector<OptionSpec>& train_options() {
  static const std::vector<OptionSpec> specs = {
      {"train", "", OptionKind::Path, "training data (CoNLL); several files as A,B (e.g. train + dev)", false},
      {"dev", "", OptionKind::Path, "development data for early stopping (CoNLL)", false},
      {"test", "", OptionKind::Path, "optional test data, scored with the best model at the end", false},
      {"model", "", OptionKind::Path, "output model file", false},
      {"log", "", OptionKind::Path, "write per-epoch records as JSON lines to this file", false},
      {"checkpoint", "", OptionKind::Path, "checkpoint file (default: MODEL.ckpt)", false},
      {"resume", "false", OptionKind::Bool, "continue from the checkpoint", false},
      {"embeddings", "", OptionKind::Path, "pretrained vectors: word2vec text/binary or GloVe text"},
      {"word-dim", "100", OptionKind::Int, "word embedding size (must match --embeddings)"},
      {"lowercase", "true", OptionKind::Bool, "look words up lower-cased"},
      {"casing", "true", OptionKind::Bool, "add a casing-feature embedding"},
      {"casing-dim", "10", OptionKind::Int, "casing embedding size"},
      {"normalize-digits", "false", OptionKind::Bool, "map digits to 0 before word lookup"},
      {"freeze-embeddings", "false", OptionKind::Bool, "do not train the word embeddings"},
      {"singleton-unk", "0.5", OptionKind::Real, "probability of replacing a training singleton by UNK"},
      {"char-encoder", "lstm", OptionKind::String, "character encoder: lstm, cnn or none"},
      {"char-dim", "25", OptionKind::Int, "character embedding size"},
      {"char-hidden", "50", OptionKind::Int, "character BiLSTM size per direction"},
      {"char-filters", "50", OptionKind::Int, "character CNN filters"},
      {"char-width", "3", OptionKind::Int, "character CNN window (odd)"},
      {"hidden", "200", OptionKind::Int, "word BiLSTM size per direction"},
      {"layers", "1", OptionKind::Int, "stacked BiLSTM layers"},
      {"context", "0", OptionKind::Int,
       "neighbouring sentences of the same document the BiLSTM reads on each side of the tagged one"},
      {"dropout", "0.5", OptionKind::Real, "dropout on the BiLSTM input and output"},
      {"output", "crf", OptionKind::String, "output layer: crf or softmax"},
      {"tag-scheme", "iobes", OptionKind::String, "internal tag scheme: iob2 or iobes"},
      {"constraints", "true", OptionKind::Bool, "forbid tag transitions invalid for the scheme (CRF)"},
      {"optimizer", "adam", OptionKind::String, "sgd or adam"},
      {"lr", "0.002", OptionKind::Real, "learning rate"},
      {"momentum", "0.9", OptionKind::Real, "SGD momentum"},
      {"lr-decay", "0.05", OptionKind::Real, "lr / (1 + decay * epoch)"},
      {"clip", "5", OptionKind::Real, "gradient norm clipping (0: off)"},
      {"l2", "0", OptionKind::Real, "L2 penalty"},
      {"average", "0", OptionKind::Real,
       "decay of a moving average of the parameters, which is what dev scores and the model file get "
       "(0: off, the last iterate; e.g. 0.999)"},
      {"batch-size", "32", OptionKind::Int, "sentences per mini-batch"},
      {"max-epochs", "50", OptionKind::Int, "maximum epochs"},
      {"patience", "10", OptionKind::Int, "stop after this many epochs without a better dev F1"},
      {"select", "best", OptionKind::String,
       "model kept: best (the epoch with the best dev F1, early stopping) or last (every epoch up to max-epochs)"},
      {"seed", "1", OptionKind::Int, "random seed"},
      {"threads", "0", OptionKind::Int, "OpenMP threads (0: all cores)", false},
      {"checkpoint-every", "0", OptionKind::Int, "steps between mid-epoch checkpoints (0: per epoch)", false},
      {"check-finite", "false", OptionKind::Bool, "check every value and gradient for NaN/Inf", false},
      {"nan-policy", "stop", OptionKind::String, "on a non-finite loss or gradient: stop or skip", false},
  };
  return specs;
}

const OptionSpec* find_option(const std::string& name) {
  for (const OptionSpec& s : train_options())
    if (name == s.name) return &s;
  return nullptr;
}

namespace {

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

const std::string& get(const ConfigMap& map, const char* key) {
  for (const auto& kv : map)
    if (kv.first == key) return kv.second;
  throw InternalError(std::string("config has no key ") + key);
}

[[noreturn]] void bad(const char* key, const char* expected, const std::string& value) {
  // The value may come from a model file: message_excerpt keeps the message on one line.
  throw InputError(
      fmt::format("--{}: expected {}, got '{}'", key, expected, message_excerpt(value)));
}

long to_int(const ConfigMap& m, const char* key, long min) {
  const std::string& v = get(m, key);
  long x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec == std::errc::result_out_of_range) bad(key, "an integer below 2^31", v);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) bad(key, "an integer", v);
  if (x < min) bad(key, min > 0 ? "a positive integer" : "a non-negative integer", v);
  // Sizes and counts end up in int (and Eigen's Index): 3000000000 must not wrap to negative.
  if (x > INT_MAX) bad(key, "an integer below 2^31", v);
  return x;
}

double to_real(const ConfigMap& m, const char* key, double min, double max, bool min_open) {
  const std::string& v = get(m, key);
  double x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) bad(key, "a number", v);
  // "nan" parses, and every comparison with NaN is false: test for it explicitly.
  if (std::isnan(x) || (min_open ? x <= min : x < min) || x > max) {
    std::string range = fmt::format("a number in {}{}, {}]", min_open ? "(" : "[", min, max);
    bad(key, range.c_str(), v);
  }
  return x;
}

bool to_bool(const ConfigMap& m, const char* key) {
  const std::string& v = get(m, key);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  bad(key, "true or false", v);
}

std::string one_of(const ConfigMap& m, const char* key, std::initializer_list<const char*> allowed) {
  const std::string& v = get(m, key);
  std::string list;
  for (const char* a : allowed) {
    if (v == a) return v;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  bad(key, ("one of " + list).c_str(), v);
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

ConfigMap read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot open config file: {}", path, std::strerror(errno)));
  ConfigMap out;
  std::set<std::string> seen;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    line = trim(line);
    if (line.empty()) continue;
    std::size_t eq = line.find('=');
    if (eq == std::string::npos)
      throw InputError(fmt::format("{}:{}: expected 'key = value', got '{}'", path, line_no,
                                   message_excerpt(line)));
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (find_option(key) == nullptr)
      throw InputError(fmt::format("{}:{}: unknown key '{}'", path, line_no, message_excerpt(key)));
    if (!seen.insert(key).second)
      throw InputError(fmt::format("{}:{}: key '{}' given twice", path, line_no, key));
    out.emplace_back(key, value);
  }
  return out;
}

ConfigMap merge_config(const std::vector<ConfigMap>& layers) {
  ConfigMap out;
  for (const OptionSpec& s : train_options()) {
    std::string value = s.default_value;
    for (const ConfigMap& layer : layers)
      for (const auto& kv : layer) {
        if (find_option(kv.first) == nullptr)
          throw InputError(fmt::format("unknown option '{}'", message_excerpt(kv.first)));
        if (kv.first == s.name) value = kv.second;
      }
    out.emplace_back(s.name, value);
  }
  return out;
}

TrainConfig TrainConfig::from_map(const ConfigMap& m) {
  TrainConfig c;
  c.train = get(m, "train");
  c.dev = get(m, "dev");
  c.test = get(m, "test");
  c.model = get(m, "model");
  c.log = get(m, "log");
  c.checkpoint = get(m, "checkpoint");
  check_output_path("model", c.model);
  check_output_path("checkpoint", c.checkpoint);
  check_output_path("log", c.log);
  c.resume = to_bool(m, "resume");
  c.embeddings = get(m, "embeddings");
  c.word_dim = static_cast<int>(to_int(m, "word-dim", 1));
  c.lowercase = to_bool(m, "lowercase");
  c.casing = to_bool(m, "casing");
  c.casing_dim = static_cast<int>(to_int(m, "casing-dim", 1));
  c.normalize_digits = to_bool(m, "normalize-digits");
  c.freeze_embeddings = to_bool(m, "freeze-embeddings");
  c.singleton_unk = to_real(m, "singleton-unk", 0, 1, false);
  c.chars.kind = parse_char_encoder(one_of(m, "char-encoder", {"lstm", "cnn", "none"}));
  c.chars.char_dim = to_int(m, "char-dim", 1);
  c.chars.hidden = to_int(m, "char-hidden", 1);
  c.chars.filters = to_int(m, "char-filters", 1);
  c.chars.width = to_int(m, "char-width", 1);
  if (c.chars.width % 2 == 0) bad("char-width", "an odd positive integer", get(m, "char-width"));
  c.hidden = static_cast<int>(to_int(m, "hidden", 1));
  c.layers = static_cast<int>(to_int(m, "layers", 1));
  c.context = static_cast<int>(to_int(m, "context", 0));
  c.dropout = to_real(m, "dropout", 0, 0.95, false);
  c.output = one_of(m, "output", {"crf", "softmax"});
  c.tag_scheme = one_of(m, "tag-scheme", {"iob2", "iobes"});
  c.constraints = to_bool(m, "constraints");
  c.optimizer = one_of(m, "optimizer", {"sgd", "adam"});
  c.lr = to_real(m, "lr", 0, 1e3, true);
  c.momentum = to_real(m, "momentum", 0, 0.999, false);
  c.lr_decay = to_real(m, "lr-decay", 0, 1e3, false);
  c.clip = to_real(m, "clip", 0, 1e9, false);
  c.l2 = to_real(m, "l2", 0, 1e3, false);
  c.average = to_real(m, "average", 0, 0.999999, false);
  c.batch_size = static_cast<int>(to_int(m, "batch-size", 1));
  c.max_epochs = static_cast<int>(to_int(m, "max-epochs", 1));
  c.patience = static_cast<int>(to_int(m, "patience", 1));
  c.select = one_of(m, "select", {"best", "last"});
  c.seed = static_cast<uint64_t>(to_int(m, "seed", 0));
  c.threads = static_cast<int>(to_int(m, "threads", 0));
  c.checkpoint_every = static_cast<int>(to_int(m, "checkpoint-every", 0));
  c.check_finite = to_bool(m, "check-finite");
  c.nan_policy = one_of(m, "nan-policy", {"stop", "skip"});
  return c;
}

ConfigMap TrainConfig::to_map() const {
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  auto r = [](double v) { return fmt::format("{}", v); };
  return {
      {"train", train}, {"dev", dev}, {"test", test}, {"model", model}, {"log", log},
      {"checkpoint", checkpoint}, {"resume", b(resume)}, {"embeddings", embeddings},
      {"word-dim", std::to_string(word_dim)}, {"lowercase", b(lowercase)}, {"casing", b(casing)},
      {"casing-dim", std::to_string(casing_dim)}, {"normalize-digits", b(normalize_digits)},
      {"freeze-embeddings", b(freeze_embeddings)}, {"singleton-unk", r(singleton_unk)},
      {"char-encoder", to_string(chars.kind)}, {"char-dim", std::to_string(chars.char_dim)},
      {"char-hidden", std::to_string(chars.hidden)}, {"char-filters", std::to_string(chars.filters)},
      {"char-width", std::to_string(chars.width)}, {"hidden", std::to_string(hidden)},
      {"layers", std::to_string(layers)}, {"context", std::to_string(context)}, {"dropout", r(dropout)}, {"output", output},
      {"tag-scheme", tag_scheme}, {"constraints", b(constraints)}, {"optimizer", optimizer},
      {"lr", r(lr)}, {"momentum", r(momentum)}, {"lr-decay", r(lr_decay)}, {"clip", r(clip)},
      {"l2", r(l2)}, {"average", r(average)}, {"batch-size", std::to_string(batch_size)},
      {"max-epochs", std::to_string(max_epochs)}, {"patience", std::to_string(patience)},
      {"select", select},
      {"seed", std::to_string(seed)}, {"threads", std::to_string(threads)},
      {"checkpoint-every", std::to_string(checkpoint_every)}, {"check-finite", b(check_finite)},
      {"nan-policy", nan_policy},
  };
}

ConfigMap TrainConfig::stored_map() const {
  ConfigMap out;
  for (const auto& kv : to_map())
    if (find_option(kv.first)->stored) out.push_back(kv);
  return out;
}

std::string format_config(const ConfigMap& map) {
  std::string out;
  for (const auto& kv : map) out += fmt::format("{} = {}\n", kv.first, kv.second);
  return out;
}

}  // namespace medner
