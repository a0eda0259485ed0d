// What the trainer puts in a model's card (model/model_card.h): the data it read, each file by
// path, size and CRC-32, each corpus by its counts, and the scores of the kept epoch on dev
// (and, at the end of a run with --test, on test).
#pragma once

#include "data/conll.h"
#include "eval/metrics.h"

#include <nlohmann/json.hpp>

#include <string>

namespace medner {

// The card's "data" and "corpora" of a run on these --train (A,B for several), --dev and --test
// ("" for none) files, read as `train`, `dev` and `test`; "medner_version" too. The --embeddings
// files, the --lexicon files and the --charlm file ("" for none) are listed in "data" with roles
// "embeddings", "lexicon" and "charlm".
nlohmann::json data_card(const std::string& train_list, const Corpus& train, const std::string& dev_path,
                         const Corpus& dev, const std::string& test_path, const Corpus& test,
                         const std::string& embeddings = "", const std::string& lexicon_list = "",
                         const std::string& charlm = "");

// P/R/F1 and counts, overall and per type ("types").
nlohmann::json scores_card(const EvalReport& report);

}  // namespace medner
