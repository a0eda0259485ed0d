// The processes of a data-parallel training and the few collectives the trainer needs (STYLE.md
// section 8): sums over flat buffers, gathering the embedding columns each rank touched, rank 0's
// small decisions broadcast, and a failure path that ends every process of the job.
// LocalComm is the one-process case (every collective is the identity), so a build without MPI
// runs the very same training loop; MpiComm (mpi_comm.cpp, MEDNER_MPI builds) is Open MPI.
// A communicator is used by the thread that created it only: OpenMP workers never call it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace medner {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual int local_size() const = 0;  // ranks on this machine, sharing its cores

  // data[i] <- sum over ranks of data[i], in place. Every rank must receive the same bits, and the
  // same inputs the same bits run after run (Open MPI's algorithms for a commutative sum do both;
  // the trainer's periodic checksum would catch a library that does not).
  virtual void allreduce_sum(float* data, std::size_t n) = 0;
  virtual void allreduce_sum(double* data, std::size_t n) = 0;
  // Every rank's `mine`, concatenated in rank order.
  virtual std::vector<int32_t> allgather(const std::vector<int32_t>& mine) = 0;
  virtual std::vector<uint64_t> allgather(uint64_t mine) = 0;
  // The `bytes` bytes at `data` on rank `root` overwrite those of every other rank.
  virtual void broadcast(void* data, std::size_t bytes, int root) = 0;
  virtual void barrier() = 0;
  // Prints "[rank r] message" on stderr and ends every process of the job with exit_code. Only
  // apps/ call it (the one place besides main() allowed to end a process: a failed rank cannot
  // return while the others wait for it inside a collective).
  [[noreturn]] virtual void abort(const std::string& message, int exit_code) = 0;
};

class LocalComm final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int local_size() const override { return 1; }
  void allreduce_sum(float*, std::size_t) override {}
  void allreduce_sum(double*, std::size_t) override {}
  std::vector<int32_t> allgather(const std::vector<int32_t>& mine) override { return mine; }
  std::vector<uint64_t> allgather(uint64_t mine) override { return {mine}; }
  void broadcast(void*, std::size_t, int) override {}
  void barrier() override {}
  [[noreturn]] void abort(const std::string& message, int exit_code) override;
};

// MpiComm when this build has MPI and the process was started by an MPI launcher (mpirun, srun
// with PMI/PMIx), LocalComm otherwise. The MpiComm initialises MPI and finalises it when
// destroyed, so create one per process, in main().
std::unique_ptr<Communicator> make_communicator();

// One line naming the MPI library of this build, or saying that it has none.
std::string dist_build_info();

// Broadcasts one trivially copyable value from root.
template <class T>
void broadcast_value(Communicator& comm, T& value, int root) {
  static_assert(std::is_trivially_copyable_v<T>, "broadcast_value copies bytes");
  comm.broadcast(&value, sizeof value, root);
}

}  // namespace medner
