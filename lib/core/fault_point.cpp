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
  long long at = 0;   // the pass that kills
  std::atomic<long long> passes{0};
};

FaultPlan& plan() {
  static FaultPlan* p = [] {
    auto* fp = new FaultPlan;  // never destroyed: fault points may run during static destruction
    const char* env = std::getenv("MEDNER_FAULT");
    if (env == nullptr || *env == '\0') return fp;
    const std::string s(env);
    const std::size_t colon = s.find(':');
    char* end = nullptr;
    const long long n = colon == std::string::npos ? 0 : std::strtoll(s.c_str() + colon + 1, &end, 10);
    if (colon == 0 || colon == std::string::npos || n < 1 || end == nullptr || *end != '\0')
      throw InputError("MEDNER_FAULT: expected SITE:N with N >= 1, found '" + s + "'");
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
  if (p.passes.fetch_add(1) + 1 == p.at) std::raise(SIGKILL);
}

}  // namespace medner
