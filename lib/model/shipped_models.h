// Shipped models are found by name (models/README.md lists them): `medner-tag --model
// ncbi-disease` loads models/ncbi-disease.bin. A --model value that names an existing file, or
// holds a '/', is a path; any other is a name, looked up as NAME.bin in $MEDNER_MODELS (a
// directory), then in the models/ folder of the source tree this binary was built from.
#pragma once

#include <string>
#include <vector>

namespace medner {

// The file to load for `model`: itself when it is a path (existing or not: loading says what is
// wrong), the shipped file when it is a known name; InputError "model 'x': no such file, and no
// shipped model of that name (shipped: a, b in DIR)" otherwise.
std::string resolve_model_path(const std::string& model);

// The names of the shipped models found, sorted.
std::vector<std::string> shipped_model_names();

}  // namespace medner
