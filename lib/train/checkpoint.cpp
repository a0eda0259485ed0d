#include "train/checkpoint.h"

#include "core/error.h"
#include "data/conll.h"
#include "dist/agreement.h"
#include "model/trained_model.h"

#include <cstring>
#include <type_traits>

namespace medner {

namespace {

// The fields of Progress by name: counters are stored as u64, doubles as their bit patterns so
// that they survive exactly. One list for writing and reading.
template <class Fn>
void for_each_field(Progress& p, Fn&& fn) {
  fn("epoch", p.epoch);
  fn("position", p.position);
  fn("step", p.step);
  fn("best_epoch", p.best_epoch);
  fn("bad_epochs", p.bad_epochs);
  fn("best_f1", p.best_f1);
  fn("elapsed", p.elapsed);
  fn("elapsed_to_best", p.elapsed_to_best);
  fn("epoch_loss", p.epoch_loss);
  fn("epoch_tokens", p.epoch_tokens);
  fn("epoch_seconds", p.epoch_seconds);
  fn("total_tokens", p.total_tokens);
  fn("total_train_seconds", p.total_train_seconds);
}

template <class T>
uint64_t to_bits(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    uint64_t u;
    std::memcpy(&u, &x, sizeof u);
    return u;
  } else {
    return static_cast<uint64_t>(x);
  }
}

template <class T>
T from_bits(uint64_t u) {
  if constexpr (std::is_floating_point_v<T>) {
    T x;
    std::memcpy(&x, &u, sizeof x);
    return x;
  } else {
    return static_cast<T>(u);
  }
}

uint64_t get_u64(const ModelFile& mf, const std::string& name, const std::string& path) {
  std::vector<uint64_t> v = get_blob_u64s(mf, name, path);
  if (v.size() != 1) throw InputError(fmt::format("{}: checkpoint field '{}' holds {} values, expected 1", path, name, v.size()));
  return v[0];
}

void require_checkpoint_format(const ModelFile& mf, const std::string& path) {
  if (find_blob(mf, "checkpoint/format") == nullptr)
    throw InputError(fmt::format("{}: a checkpoint of an older medner (its training state is one positional "
                                 "record); this version cannot resume it: start a new run without --resume, "
                                 "or finish this one with the version that wrote it",
                                 path));
  const uint64_t format = get_u64(mf, "checkpoint/format", path);
  if (format != kCheckpointFormat)
    throw InputError(fmt::format("{}: checkpoint format {}, this version reads format {}", path, format,
                                 kCheckpointFormat));
}

}  // namespace

RunIdentity run_identity(const std::string& train_list, const std::string& dev, int threads,
                         const std::vector<std::string>& aux_files) {
  RunIdentity id;
  auto add = [&id](const char* option, const std::string& path) {
    const std::string bytes = read_text_file(path);
    id.options.push_back(option);
    id.paths.push_back(path);
    id.hashes.push_back(checksum64(bytes.data(), bytes.size()));
  };
  std::size_t begin = 0;
  while (begin <= train_list.size()) {
    std::size_t end = train_list.find(',', begin);
    if (end == std::string::npos) end = train_list.size();
    if (end > begin) add("train", train_list.substr(begin, end - begin));
    begin = end + 1;
  }
  add("dev", dev);
  for (const std::string& f : aux_files) add("aux", f);
  id.threads = threads;
  return id;
}

void require_same_run(const ModelFile& mf, const std::string& path, const RunIdentity& now) {
  require_checkpoint_format(mf, path);
  RunIdentity then;
  then.options = get_blob_strings(mf, "run/options", path);
  then.paths = get_blob_strings(mf, "run/paths", path);
  then.hashes = get_blob_u64s(mf, "run/hashes", path);
  then.threads = static_cast<int>(get_u64(mf, "run/threads", path));
  auto files = [](const RunIdentity& r, const std::string& option) {
    std::string out;
    for (std::size_t i = 0; i < r.paths.size() && i < r.options.size(); ++i)
      if (r.options[i] == option) out += (out.empty() ? "'" : ", '") + message_excerpt(r.paths[i]) + "'";
    return out.empty() ? std::string("none") : out;
  };
  for (const char* option : {"train", "dev", "aux"})
    if (files(then, option) != files(now, option))
      throw InputError(fmt::format("{}: the checkpoint was written by a run on --{} {}, this run has --{} {}; resume "
                                   "with the same data",
                                   path, option, files(then, option), option, files(now, option)));
  if (then.hashes != now.hashes)
    for (std::size_t i = 0; i < now.hashes.size(); ++i)
      if (i >= then.hashes.size() || then.hashes[i] != now.hashes[i])
        throw InputError(fmt::format("{}: --{} '{}' has changed since the checkpoint was written (its content "
                                     "differs); resume with the data the run started on",
                                     path, now.options[i], message_excerpt(now.paths[i])));
  if (then.threads != now.threads)
    throw InputError(fmt::format("{}: the checkpoint was written with --threads {}, this run has {}; a seed and a "
                                 "thread count fix the result, so resume with --threads {}",
                                 path, then.threads, now.threads, then.threads));
}

void save_checkpoint(const std::string& path, const ConfigMap& stored, const Vocabularies& vocab,
                     const NerNetwork& net, Optimizer& opt, ParamAverage* average, const Progress& progress,
                     const RunIdentity& run) {
  ModelFile mf = to_model_file(stored, vocab, net, "checkpoint");
  put_blob_u64s(mf, "checkpoint/format", {kCheckpointFormat});
  put_blob_strings(mf, "run/options", run.options);
  put_blob_strings(mf, "run/paths", run.paths);
  put_blob_u64s(mf, "run/hashes", run.hashes);
  put_blob_u64s(mf, "run/threads", {static_cast<uint64_t>(run.threads)});
  Progress p = progress;
  for_each_field(p, [&](const char* name, auto& field) { put_blob_u64s(mf, std::string("progress/") + name, {to_bits(field)}); });
  put_blob_u64s(mf, "progress/optimizer_steps", {static_cast<uint64_t>(opt.steps())});
  put_blob_strings(mf, "log_records", p.log_records);
  for (auto& [name, buffer] : opt.state_buffers()) put_blob_reals(mf, "optim/" + name, *buffer);
  if (average) put_blob_reals(mf, "average", average->state());
  save_model_file(path, mf);
}

void load_checkpoint_state(const ModelFile& mf, const std::string& path, Optimizer& opt, ParamAverage* average,
                           Progress& p) {
  require_checkpoint_format(mf, path);
  for_each_field(p, [&](const char* name, auto& field) {
    field = from_bits<std::remove_reference_t<decltype(field)>>(get_u64(mf, std::string("progress/") + name, path));
  });
  opt.set_steps(static_cast<int64_t>(get_u64(mf, "progress/optimizer_steps", path)));
  p.log_records = get_blob_strings(mf, "log_records", path);
  for (auto& [name, buffer] : opt.state_buffers())
    get_blob_reals(mf, "optim/" + name, path, buffer->data(), buffer->size());
  if (average) {
    get_blob_reals(mf, "average", path, average->state().data(), average->state().size());
    average->resumed_at(opt.steps());  // saved caught up
  }
}

}  // namespace medner
