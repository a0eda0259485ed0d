#include "serve/http_server.h"

#include "core/error.h"

#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>

namespace medner {

namespace {

using Clock = std::chrono::steady_clock;

// When the worker thread began routing its current request (set before the body is read; a
// request refused before routing, such as an oversize Content-Length, logs 0 ms).
thread_local Clock::time_point request_start{};

// Blocks SIGTERM and SIGINT in the calling thread and in every thread it starts from now on
// (httplib's workers, OpenMP's), so that only sigtimedwait in the stopper sees them; restores the
// old mask when destroyed.
class BlockedStopSignals {
 public:
  BlockedStopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~BlockedStopSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  const sigset_t& set() const { return set_; }

 private:
  sigset_t set_{}, old_{};
};

std::string default_error(const httplib::Request& req, int status, std::size_t max_body) {
  switch (status) {
    case 404:
      return fmt::format("no endpoint {} {}; expected POST /tag, GET /health or GET /models", req.method, req.path);
    case 413:
      return fmt::format("request body over {} bytes (--max-body)", max_body);
    case 408:
      return "the request was not received in time";
    default:
      return fmt::format("HTTP {} for {} {}", status, req.method, req.path);
  }
}

void set_reply(httplib::Response& res, const Reply& r) {
  res.status = r.status;
  res.set_content(r.body, "application/json");
}

void add_routes(httplib::Server& svr, const ModelRegistry& models, const ServeOptions& o) {
  svr.Post("/tag", [&models, &o](const httplib::Request& req, httplib::Response& res) {
    set_reply(res, handle_tag(models, req.body, o.limits));
  });
  svr.Get("/health", [&models](const httplib::Request&, httplib::Response& res) {
    set_reply(res, handle_health(models));
  });
  svr.Get("/models", [&models](const httplib::Request&, httplib::Response& res) {
    set_reply(res, handle_models(models));
  });
  svr.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start = Clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.set_error_handler([max_body = o.max_body](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty()) set_reply(res, error_reply(res.status, default_error(req, res.status, max_body)));
  });
  // An exception out of a handler is a bug (the handlers reply instead of throwing): say so.
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr e) {
    std::string what = "internal error";
    try {
      if (e) std::rethrow_exception(e);
    } catch (const std::exception& x) {
      what = x.what();
    } catch (...) {
    }
    set_reply(res, error_reply(500, what));
  });
}

void add_access_log(httplib::Server& svr, std::ostream& log, std::mutex& log_mutex) {
  svr.set_logger([&log, &log_mutex](const httplib::Request& req, const httplib::Response& res) {
    const double ms = request_start == Clock::time_point{}
                          ? 0.0
                          : std::chrono::duration<double, std::milli>(Clock::now() - request_start).count();
    request_start = Clock::time_point{};
    const std::string line = fmt::format("{} {} {} {} {} {:.2f}\n", req.remote_addr, req.method, req.path, res.status,
                                         res.body.size(), ms);
    std::lock_guard<std::mutex> lock(log_mutex);
    log << line << std::flush;
  });
}

}  // namespace

void serve_http(const ModelRegistry& models, const ServeOptions& o, std::ostream& log) {
  ::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not end the server
  const BlockedStopSignals blocked;
  httplib::Server svr;
  const std::size_t threads = static_cast<std::size_t>(std::max(1, o.threads));
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // httplib writes the head and the body of an answer in two sends; with Nagle's algorithm the
  // second waits for the client's delayed ACK, 40 ms on Linux, on every request.
  svr.set_tcp_nodelay(true);
  svr.set_payload_max_length(o.max_body);
  // httplib closes a keep-alive connection after 5 requests by default; a client that sends
  // thousands would pay a new TCP handshake every 5.
  svr.set_keep_alive_max_count(100000);
  const auto io_seconds = static_cast<time_t>(std::max(1.0, o.limits.max_seconds));
  svr.set_read_timeout(io_seconds);
  svr.set_write_timeout(io_seconds);
  std::mutex log_mutex;
  add_routes(svr, models, o);
  add_access_log(svr, log, log_mutex);

  // Debian's httplib is compiled with a listen backlog of 5: 64 clients connecting at once
  // overflow it and the SYNs dropped are retried after 1 s (a p99 of 1 s in the load benchmark).
  // The socket is kept when it is made, and listen(2) called again with the system's maximum.
  socket_t listen_socket = INVALID_SOCKET;
  svr.set_socket_options([&listen_socket](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_socket = sock;
  });
  const int port = o.port == 0 ? svr.bind_to_any_port(o.host) : (svr.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port < 0) throw IoError(fmt::format("{}:{}: cannot listen: {}", o.host, o.port, std::strerror(errno)));
  if (listen_socket != INVALID_SOCKET) ::listen(listen_socket, SOMAXCONN);
  {
    std::lock_guard<std::mutex> lock(log_mutex);
    log << fmt::format("medner-serve: listening on http://{}:{} ({} HTTP threads)\n", o.host, port, threads)
        << std::flush;
  }
  std::atomic<bool> done{false};
  std::thread stopper([&] {
    const timespec tick{0, 100 * 1000 * 1000};
    while (!done) {
      siginfo_t info{};
      const int sig = sigtimedwait(&blocked.set(), &info, &tick);
      if (sig != SIGTERM && sig != SIGINT) continue;
      {
        std::lock_guard<std::mutex> lock(log_mutex);
        log << "medner-serve: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT")
            << ": not accepting, answering the requests in flight\n" << std::flush;
      }
      svr.stop();
      return;
    }
  });
  const bool ok = svr.listen_after_bind();  // returns once stop() has drained the workers
  done = true;
  stopper.join();
  // false only when accept() failed while the server was not stopped
  if (!ok) throw IoError(fmt::format("{}:{}: accept failed: {}", o.host, port, std::strerror(errno)));
  std::lock_guard<std::mutex> lock(log_mutex);
  log << "medner-serve: stopped\n" << std::flush;
}

}  // namespace medner
