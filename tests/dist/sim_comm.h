// N ranks as N threads of one process, so that code written against Communicator is tested with
// several ranks without MPI. Every collective is a rendezvous: each rank posts its contribution to
// its slot, all wait, each reads every slot (sums in rank order, so all ranks get the same bits),
// all wait again before a slot may be reused.
#pragma once

#include "dist/communicator.h"

#include <condition_variable>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace medner_test {

class SimGroup {
 public:
  explicit SimGroup(int size) : size_(size), slots_(static_cast<std::size_t>(size)) {
    for (int r = 0; r < size; ++r) comms_.push_back(std::make_unique<Comm>(*this, r));
  }

  // Runs f(comm) on one thread per rank; rethrows the exception of the lowest failing rank.
  void run(const std::function<void(medner::Communicator&)>& f) {
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(size_));
    std::vector<std::thread> threads;
    for (int r = 0; r < size_; ++r)
      threads.emplace_back([&, r] {
        try {
          f(*comms_[static_cast<std::size_t>(r)]);
        } catch (...) {
          errors[static_cast<std::size_t>(r)] = std::current_exception();
        }
      });
    for (auto& t : threads) t.join();
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
  }

 private:
  class Comm final : public medner::Communicator {
   public:
    Comm(SimGroup& g, int rank) : g_(g), rank_(rank) {}
    int rank() const override { return rank_; }
    int size() const override { return g_.size_; }
    int local_size() const override { return g_.size_; }
    void allreduce_sum(float* data, std::size_t n) override { sum(data, n); }
    void allreduce_sum(double* data, std::size_t n) override { sum(data, n); }
    std::vector<int32_t> allgather(const std::vector<int32_t>& mine) override { return gather(mine); }
    std::vector<uint64_t> allgather(uint64_t mine) override { return gather(std::vector<uint64_t>{mine}); }
    void broadcast(void* data, std::size_t bytes, int root) override {
      if (rank_ == root) post(data, bytes);
      g_.wait();
      if (rank_ != root) std::memcpy(data, g_.slot(root).data(), bytes);
      g_.wait();
    }
    void barrier() override { g_.wait(); }
    [[noreturn]] void abort(const std::string& message, int) override {
      throw std::runtime_error("[rank " + std::to_string(rank_) + "] " + message);
    }

   private:
    void post(const void* data, std::size_t bytes) {
      auto& s = g_.slot(rank_);
      s.resize(bytes);
      if (bytes > 0) std::memcpy(s.data(), data, bytes);
    }
    template <class T>
    void sum(T* data, std::size_t n) {
      post(data, n * sizeof(T));
      g_.wait();
      for (std::size_t i = 0; i < n; ++i) {
        T total = 0;
        for (int r = 0; r < g_.size_; ++r) {
          T v;
          std::memcpy(&v, g_.slot(r).data() + i * sizeof(T), sizeof(T));
          total += v;
        }
        data[i] = total;
      }
      g_.wait();
    }
    template <class T>
    std::vector<T> gather(const std::vector<T>& mine) {
      post(mine.data(), mine.size() * sizeof(T));
      g_.wait();
      std::vector<T> all;
      for (int r = 0; r < g_.size_; ++r) {
        const auto& s = g_.slot(r);
        const std::size_t at = all.size();
        all.resize(at + s.size() / sizeof(T));
        if (!s.empty()) std::memcpy(all.data() + at, s.data(), s.size());
      }
      g_.wait();
      return all;
    }
    SimGroup& g_;
    int rank_;
  };

  std::vector<char>& slot(int r) { return slots_[static_cast<std::size_t>(r)]; }

  // A reusable barrier: the last rank to arrive starts a new generation and wakes the others.
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    const long generation = generation_;
    if (++arrived_ == size_) {
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
    } else {
      cv_.wait(lock, [&] { return generation_ != generation; });
    }
  }

  int size_;
  std::vector<std::vector<char>> slots_;
  std::vector<std::unique_ptr<Comm>> comms_;
  std::mutex mutex_;
  std::condition_variable cv_;
  int arrived_ = 0;
  long generation_ = 0;
};

}  // namespace medner_test
