#include "core/fault_point.h"

#include "core/error.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

namespace medner {

namespace {

struct FaultPlan {
  std::string site;   // empty: no fault injection
  long long at = 0;   // the pass that raises
  int signal = SIGKILL;
  std::atomic<long long> passes{0};
};

// "KILL", "TERM", "INT", "HUP" -> the signal; 0 for anything else.
int signal_named(const std::string& name) {
  if (name == "KILL") return SIGKILL;
  if (name == "TERM") return SIGTERM;
  if (name == "INT") return SIGINT;
  if (name == "HUP") return SIGHUP;
  return 0;
}

FaultPlan& plan() {
  static FaultPlan* p = [] {
    auto* fp = new FaultPlan;  // never destroyed: fault points may run during static destruction
    const char* env = std::getenv("MEDNER_FAULT");
    if (env == nullptr || *env == '\0') return fp;
    const std::string s(env);
    const auto malformed = [&s] {
      return InputError("MEDNER_FAULT: expected SITE:N[:SIG] with N >= 1 and SIG one of KILL, TERM, "
                        "INT, HUP, found '" + s + "'");
    };
    const std::size_t colon = s.find(':');
    if (colon == 0 || colon == std::string::npos) throw malformed();
    const std::size_t second = s.find(':', colon + 1);
    const std::string count = s.substr(colon + 1, second == std::string::npos ? std::string::npos : second - colon - 1);
    char* end = nullptr;
    const long long n = std::strtoll(count.c_str(), &end, 10);
    if (count.empty() || n < 1 || end == nullptr || *end != '\0') throw malformed();
    if (second != std::string::npos) {
      fp->signal = signal_named(s.substr(second + 1));
      if (fp->signal == 0) throw malformed();
    }
    fp->site = s.substr(0, colon);
    fp->at = n;
    return fp;
  }();
  return *p;
}

}  // namespace

void fault_point(const char* site) {
  FaultPlan& p = plan();
  if (p.site.empty() || p.site != site) return;
  if (p.passes.fetch_add(1) + 1 == p.at) std::raise(p.signal);
}

}  // namespace medner
