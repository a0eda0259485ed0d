#include "pretrain/run_identity.h"

#include "core/error.h"

#include <fmt/format.h>

namespace medner {

void require_run_identity(const ModelFile& mf, const RunIdentity& identity, const std::string& path) {
  for (const auto& [key, value] : identity) {
    const std::string* then = find_config(mf, key);
    if (then == nullptr || *then != value)
      throw InputError(fmt::format("{}: the checkpoint was written with {} = {}, this run has {}; resume with the same "
                                   "text and options, or start afresh without --resume",
                                   path, key, then == nullptr ? "(none)" : *then, value));
  }
}

}  // namespace medner
