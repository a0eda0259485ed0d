// dist_bench: throughput of the real training loop (train_model) for this job's rank count, with
// the step time split into compute (forward, backward, summing threads, optimizer) and
// synchronisation (summing over ranks, waiting for the slowest rank included), then the cost of
// one all-reduce of the per-step gradient size measured on its own (no imbalance: after a
// barrier), and of a 1-value all-reduce (latency). Also the share of a core each rank had while
// training (its CPU time over wall time x threads; MPI's busy waiting counts as having it): below
// about 0.95, other processes took its core and the timing says more about them than about medner.
// Rank 0 prints one JSON line on stdout; the training log goes to stderr. Run from the repository root:
//   dist_bench [options]               1 process
//   mpirun -np 2 dist_bench [options]  2 ranks (experiments/bench/dist_bench.sh runs both, repeatedly)
#include "core/error.h"
#include "data/conll.h"
#include "dist/communicator.h"
#include "train/config.h"
#include "train/trainer.h"

#include <cxxopts.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <sys/resource.h>
#include <vector>

using namespace medner;

namespace {

// The first `count` sentences after `skip` of a corpus, written to path.
void write_slice(const std::string& from, int skip, int count, const std::string& path) {
  Corpus c = read_conll(from);
  const auto begin = std::min(c.sentences.size(), static_cast<std::size_t>(skip));
  const auto end = std::min(c.sentences.size(), begin + static_cast<std::size_t>(count));
  c.sentences = std::vector<Sentence>(c.sentences.begin() + static_cast<std::ptrdiff_t>(begin),
                                      c.sentences.begin() + static_cast<std::ptrdiff_t>(end));
  std::ofstream out(path);
  write_conll(out, c);
  if (!out) throw IoError(path + ": cannot write");
}

// Seconds per all-reduce of n values: the median of `reps` timed calls, each after a barrier so
// that no rank's lateness is counted as transfer time.
double allreduce_seconds(Communicator& comm, std::size_t n, int reps) {
  std::vector<real> buffer(std::max<std::size_t>(n, 1), real(1));
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    comm.barrier();
    const auto t = std::chrono::steady_clock::now();
    comm.allreduce_sum(buffer.data(), n);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
  }
  std::nth_element(times.begin(), times.begin() + reps / 2, times.end());
  double median = times[static_cast<std::size_t>(reps / 2)];
  broadcast_value(comm, median, 0);
  return median;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double load_average() {
  double load = -1;
  std::ifstream("/proc/loadavg") >> load;
  return load;
}

}  // namespace

int main(int argc, char** argv) {
  std::unique_ptr<Communicator> comm = make_communicator();
  try {
    cxxopts::Options o("dist_bench", "Training throughput and all-reduce cost for this job's rank count.");
    o.add_options()("config", "training config", cxxopts::value<std::string>()->default_value("experiments/configs/default.conf"))(
        "train", "training corpus", cxxopts::value<std::string>()->default_value("data/ncbi-disease/train.tsv"))(
        "sentences", "first N training sentences", cxxopts::value<int>()->default_value("2000"))(
        "dev-sentences", "dev sentences (taken after the training ones)", cxxopts::value<int>()->default_value("100"))(
        "threads", "OpenMP threads per rank", cxxopts::value<int>()->default_value("1"))(
        "epochs", "epochs to train", cxxopts::value<int>()->default_value("1"))(
        "set", "override a config key, KEY=VALUE (repeatable)", cxxopts::value<std::vector<std::string>>())(
        "reps", "timed all-reduce calls", cxxopts::value<int>()->default_value("200"))("h,help", "print this help");
    cxxopts::ParseResult r = o.parse(argc, argv);
    if (r.count("help") != 0) {
      if (comm->rank() == 0) std::cout << o.help();
      return 0;
    }
    // Each rank writes its own copy of the slices (no shared scratch file to race on).
    char tmpl[] = "/tmp/dist_bench.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw IoError("/tmp: cannot create a temporary directory");
    const std::string dir = tmpl;
    const int sentences = r["sentences"].as<int>();
    write_slice(r["train"].as<std::string>(), 0, sentences, dir + "/train.tsv");
    write_slice(r["train"].as<std::string>(), sentences, r["dev-sentences"].as<int>(), dir + "/dev.tsv");

    const std::string epochs = std::to_string(r["epochs"].as<int>());
    ConfigMap cli = {{"train", dir + "/train.tsv"}, {"dev", dir + "/dev.tsv"}, {"model", dir + "/model.bin"},
                     {"threads", std::to_string(r["threads"].as<int>())}, {"max-epochs", epochs}, {"patience", epochs}};
    if (r.count("set") != 0)
      for (const std::string& kv : r["set"].as<std::vector<std::string>>()) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos) throw InputError("--set: expected KEY=VALUE, got '" + kv + "'");
        cli.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      }
    ConfigMap effective = merge_config({read_config_file(r["config"].as<std::string>()), cli});
    TrainConfig config = TrainConfig::from_map(effective);
    const double load_before = load_average();
    const double cpu_before = cpu_seconds();
    const auto wall_before = std::chrono::steady_clock::now();
    std::ostringstream out;
    TrainSummary s = train_model(config, effective, *comm, std::cerr);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
    double cpu_share = (cpu_seconds() - cpu_before) / (wall * s.threads);
    const double load_after = load_average();
    // The job's figure is its most starved rank's.
    std::vector<uint64_t> shares = comm->allgather(static_cast<uint64_t>(cpu_share * 1e6));
    cpu_share = 1e-6 * static_cast<double>(*std::min_element(shares.begin(), shares.end()));
    // Compute time of the slowest rank: the others wait for it inside the sum (load imbalance).
    const double steps = static_cast<double>(std::max<int64_t>(s.steps, 1));
    std::vector<uint64_t> computes = comm->allgather(static_cast<uint64_t>(1e6 * (s.step_seconds - s.sync_seconds) / steps));
    const double slowest_ms = 1e-3 * static_cast<double>(*std::max_element(computes.begin(), computes.end()));

    const int reps = r["reps"].as<int>();
    const auto n = static_cast<std::size_t>(s.sync_dense_reals + s.sync_sparse_reals_per_step + 0.5);
    const double t_grad = comm->size() > 1 ? allreduce_seconds(*comm, n, reps) : 0;
    const double t_one = comm->size() > 1 ? allreduce_seconds(*comm, 1, reps) : 0;
    std::filesystem::remove_all(dir);
    if (comm->rank() == 0) {
      std::cout << fmt::format(
          "{{\"ranks\": {}, \"threads\": {}, \"batch_size\": {}, \"optimizer\": \"{}\", \"steps\": {}, "
          "\"tokens_per_s\": {:.1f}, \"step_ms\": {:.3f}, \"compute_ms\": {:.3f}, \"slowest_compute_ms\": {:.3f}, \"sync_ms\": {:.3f}, "
          "\"sync_dense_reals\": {:.0f}, \"sync_sparse_reals\": {:.0f}, \"allreduce_bytes\": {}, \"allreduce_us\": {:.1f}, "
          "\"allreduce_1_us\": {:.1f}, \"cpu_share\": {:.3f}, \"load_before\": {:.2f}, \"load_after\": {:.2f}}}\n",
          s.ranks, s.threads, config.batch_size, config.optimizer, s.steps, s.tokens_per_second,
          1e3 * s.step_seconds / steps, 1e3 * (s.step_seconds - s.sync_seconds) / steps,
          slowest_ms, 1e3 * s.sync_seconds / steps, s.sync_dense_reals, s.sync_sparse_reals_per_step, n * sizeof(real), 1e6 * t_grad, 1e6 * t_one,
          cpu_share, load_before, load_after);
    }
  } catch (const std::exception& e) {
    if (comm->size() > 1) comm->abort(std::string("error: ") + e.what(), 1);
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
