#include "io/temp_files.h"

#include "io/file_identity.h"

#include <dirent.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace medner {
namespace {

// A signal handler may only read memory it cannot see half-written and call async-signal-safe
// functions (unlink, signal, raise), so paths are copied into fixed slots that a state flag
// publishes: Free -> Claimed (being filled or emptied) -> Live.
enum SlotState : int { kFree = 0, kClaimed = 1, kLive = 2 };
constexpr std::size_t kSlots = 64;
constexpr std::size_t kMaxPath = 4096;

struct Slot {
  std::atomic<int> state{kFree};
  char path[kMaxPath];
};
std::array<Slot, kSlots> slots;

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Set by the handler before it unlinks anything. A writer that sees it after creating its file
// removes the file itself; one that does not see it created the file before the handler's unlinks
// began (both are sequentially consistent), so the handler finds it.
std::atomic<bool> cleanup_started{false};

extern "C" void remove_temp_files_and_die(int sig) {
  cleanup_started.store(true);
  for (Slot& s : slots)
    if (s.state.load() == kLive) ::unlink(s.path);
  // Die of the same signal, so the parent (a shell, a pipeline) sees what killed us.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

void install_temp_file_cleanup() {
  for (int sig : kSignals) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue;
    struct sigaction sa {};
    sa.sa_handler = remove_temp_files_and_die;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
}

namespace {

// Parses the "<pid>.<n>" that follows "<target>.tmp."; 0 when `rest` is not of that form.
pid_t temp_file_pid(const char* rest) {
  long pid = 0;
  const char* p = rest;
  for (; *p >= '0' && *p <= '9'; ++p) pid = pid * 10 + (*p - '0');
  if (p == rest || *p != '.' || pid <= 0 || pid > 0x3fffffff) return 0;
  const char* n = ++p;
  for (; *p >= '0' && *p <= '9'; ++p) {
  }
  return p != n && *p == '\0' ? static_cast<pid_t>(pid) : 0;
}

}  // namespace

int register_temp_file(const std::string& path) {
  static std::once_flag installed;
  std::call_once(installed, install_temp_file_cleanup);
  if (path.size() >= kMaxPath) return -1;
  for (std::size_t i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (!slots[i].state.compare_exchange_strong(expected, kClaimed)) continue;
    std::memcpy(slots[i].path, path.c_str(), path.size() + 1);
    slots[i].state.store(kLive);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_temp_file(int slot) {
  if (slot >= 0) slots[static_cast<std::size_t>(slot)].state.store(kFree);
}

void temp_file_created(int slot) {
  if (slot >= 0 && cleanup_started.load()) ::unlink(slots[static_cast<std::size_t>(slot)].path);
}

void remove_stale_temp_files(const std::string& target) {
  const std::string dir = parent_dir(target);
  const std::size_t slash = target.find_last_of('/');
  const std::string prefix = (slash == std::string::npos ? target : target.substr(slash + 1)) + ".tmp.";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  const pid_t self = ::getpid();
  while (const dirent* e = ::readdir(d)) {
    if (std::strncmp(e->d_name, prefix.c_str(), prefix.size()) != 0) continue;
    const pid_t pid = temp_file_pid(e->d_name + prefix.size());
    if (pid == 0 || pid == self) continue;
    if (::kill(pid, 0) != 0 && errno == ESRCH) ::unlink((dir + "/" + e->d_name).c_str());
  }
  ::closedir(d);
}

}  // namespace medner
