// MpiComm: the Communicator over Open MPI. The whole file is compiled only with MEDNER_MPI (the
// module's sources are globbed, so a build without MPI compiles it to nothing).
#ifdef MEDNER_MPI

#include "dist/mpi_comm.h"

#include "core/error.h"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <iostream>

namespace medner {

namespace {

// MPI counts are ints: longer buffers go in pieces of at most 2^30 elements.
constexpr std::size_t kMaxCount = std::size_t(1) << 30;

class MpiComm final : public Communicator {
 public:
  MpiComm() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    MEDNER_CHECK(!initialized, "MPI is initialised twice; create one communicator per process");
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MEDNER_CHECK(provided >= MPI_THREAD_FUNNELED, "the MPI library offers no MPI_THREAD_FUNNELED");
    MPI_Comm_dup(MPI_COMM_WORLD, &comm_);
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
    MPI_Comm node;
    MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &local_size_);
    MPI_Comm_free(&node);
  }
  ~MpiComm() override {
    MPI_Comm_free(&comm_);
    MPI_Finalize();
  }
  MpiComm(const MpiComm&) = delete;
  MpiComm& operator=(const MpiComm&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_size() const override { return local_size_; }

  void allreduce_sum(float* data, std::size_t n) override { allreduce(data, n, MPI_FLOAT); }
  void allreduce_sum(double* data, std::size_t n) override { allreduce(data, n, MPI_DOUBLE); }

  std::vector<int32_t> allgather(const std::vector<int32_t>& mine) override {
    MEDNER_CHECK(mine.size() < kMaxCount, "allgather of {} values", mine.size());
    const int count = static_cast<int>(mine.size());
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(counts.size());
    MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm_);
    long total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      displs[r] = static_cast<int>(total);
      total += counts[r];
    }
    MEDNER_CHECK(total < INT_MAX, "allgather of {} values in all", total);
    std::vector<int32_t> all(static_cast<std::size_t>(total));
    MPI_Allgatherv(mine.data(), count, MPI_INT32_T, all.data(), counts.data(), displs.data(),
                   MPI_INT32_T, comm_);
    return all;
  }

  std::vector<uint64_t> allgather(uint64_t mine) override {
    std::vector<uint64_t> all(static_cast<std::size_t>(size_));
    MPI_Allgather(&mine, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, comm_);
    return all;
  }

  void broadcast(void* data, std::size_t bytes, int root) override {
    for (std::size_t at = 0; at < bytes; at += kMaxCount)
      MPI_Bcast(static_cast<char*>(data) + at, static_cast<int>(std::min(kMaxCount, bytes - at)),
                MPI_BYTE, root, comm_);
  }

  void barrier() override { MPI_Barrier(comm_); }

  [[noreturn]] void abort(const std::string& message, int exit_code) override {
    std::cout << std::flush;
    std::fprintf(stderr, "[rank %d] %s\n", rank_, message.c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::_Exit(exit_code);  // MPI_Abort does not return; this tells the compiler so
  }

 private:
  template <class T>
  void allreduce(T* data, std::size_t n, MPI_Datatype type) {
    for (std::size_t at = 0; at < n; at += kMaxCount)
      MPI_Allreduce(MPI_IN_PLACE, data + at, static_cast<int>(std::min(kMaxCount, n - at)), type,
                    MPI_SUM, comm_);
  }

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1, local_size_ = 1;
};

}  // namespace

std::unique_ptr<Communicator> make_mpi_comm() { return std::make_unique<MpiComm>(); }

std::string mpi_library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(text, &length);
  std::string s(text, static_cast<std::size_t>(length));
  return s.substr(0, s.find_first_of(",\n"));
}

}  // namespace medner

#endif  // MEDNER_MPI
