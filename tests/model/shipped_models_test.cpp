// Models found by name (model/shipped_models.h): $MEDNER_MODELS first, paths taken as given, an
// unknown name refused with the list of shipped ones.
#include "model/shipped_models.h"

#include "common/temp_dir.h"
#include "core/error.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

using namespace medner;

TEST_CASE("shipped models: a name is looked up in $MEDNER_MODELS; a path is a path") {
  medner_test::TempDir dir;
  std::ofstream(dir.file("tiny-model.bin")) << "x";
  std::ofstream(dir.file("notes.txt")) << "x";
  setenv("MEDNER_MODELS", dir.path().c_str(), 1);
  CHECK(resolve_model_path("tiny-model") == dir.file("tiny-model.bin"));
  CHECK(resolve_model_path("./tiny-model") == "./tiny-model");  // a path, even if missing
  CHECK(resolve_model_path(dir.file("notes.txt")) == dir.file("notes.txt"));
  const std::vector<std::string> names = shipped_model_names();
  CHECK(std::find(names.begin(), names.end(), "tiny-model") != names.end());
  std::string msg;
  try {
    resolve_model_path("no-such-model");
  } catch (const InputError& e) {
    msg = e.what();
  }
  CHECK(msg.rfind("model 'no-such-model': no such file, and no shipped model of that name (shipped: ", 0) == 0);
  CHECK(msg.find("tiny-model") != std::string::npos);
  unsetenv("MEDNER_MODELS");
}
