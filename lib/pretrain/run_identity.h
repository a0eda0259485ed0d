// The settings a resumed pretraining run must share with the run that wrote its checkpoint
// (options and the text's fingerprint, as `key = value` pairs stored as the checkpoint's config).
#pragma once

#include "io/model_file.h"

#include <string>
#include <utility>
#include <vector>

namespace medner {

using RunIdentity = std::vector<std::pair<std::string, std::string>>;

// InputError "PATH: the checkpoint was written with KEY = THEN, this run has NOW; ..." for the
// first setting of `identity` that the checkpoint `mf` holds otherwise or not at all.
void require_run_identity(const ModelFile& mf, const RunIdentity& identity, const std::string& path);

}  // namespace medner
