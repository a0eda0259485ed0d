// A load client for medner-serve, for experiments/bench/serve_bench.py: CLIENTS threads, each on
// its own keep-alive connection, send REQUESTS POST /tag requests in all (the same body), and
// one JSON line gives requests/s and latency percentiles. In C++ so that on a small machine the
// client costs little of the cores it shares with the server (a Python client of 64 threads is
// bound by its interpreter lock before the server is).
//
// usage: serve_load PORT CLIENTS REQUESTS BODY_FILE
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: serve_load PORT CLIENTS REQUESTS BODY_FILE\n");
    return 2;
  }
  const int port = std::stoi(argv[1]), clients = std::stoi(argv[2]), requests = std::stoi(argv[3]);
  std::ifstream in(argv[4], std::ios::binary);
  std::stringstream body;
  body << in.rdbuf();
  const std::string payload = body.str();
  using Clock = std::chrono::steady_clock;
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
  std::atomic<int> failures{0};
  std::atomic<int> next{0};  // requests are taken from one counter, so fast clients send more
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(120);
      while (next.fetch_add(1) < requests) {
        const auto t0 = Clock::now();
        const httplib::Result r = client.Post("/tag", payload, "application/json");
        if (!r || r->status != 200) ++failures;
        latencies[static_cast<std::size_t>(c)].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  for (std::thread& t : threads) t.join();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pick = [&](double q) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(q * static_cast<double>(all.size())))]; };
  std::printf("{\"requests\": %zu, \"failures\": %d, \"seconds\": %.4f, \"requests_per_s\": %.2f, \"p50_ms\": %.3f, "
              "\"p99_ms\": %.3f}\n",
              all.size(), failures.load(), wall, static_cast<double>(all.size()) / wall, pick(0.5), pick(0.99));
  return failures == 0 ? 0 : 1;
}
