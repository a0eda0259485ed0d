// The model card: what a trained model says of itself, stored in its file (blob "card", JSON
// text) so that a model copied away from its training run still tells what made it. The trainer
// writes it (train/model_card_data.h): the medner version, each data file by its path, size,
// CRC-32 (zlib's, so `python3 -c "import zlib; ..."` checks it) and counts, the epoch kept and
// its dev scores, and with --test the test scores, overall and per type. Nothing in it depends
// on the clock or the machine, so a seed and a thread count still fix the file's bytes.
// `medner-eval --info MODEL` prints it with the model's tags and configuration; medner-serve's
// GET /models answers it. Fields: docs/file-formats.md ("Model card").
#pragma once

#include "io/model_file.h"

#include <nlohmann/json.hpp>

#include <string>

namespace medner {

inline constexpr const char* kModelCardBlob = "card";

// Adds or replaces the card of `mf`.
void put_model_card(ModelFile& mf, const nlohmann::json& card);

// The card of `mf`: an empty object for a model written before cards existed; InputError
// "<path>: malformed model card: ..." if the blob is not a JSON object.
nlohmann::json model_card(const ModelFile& mf, const std::string& path);

// CRC-32 of the parameters' bytes in file order: equal for two models whose networks are equal,
// whatever their cards say (two trainings on the same data under other file names).
uint32_t weights_crc32(const ModelFile& mf);

// What `medner-eval --info` prints: the card, the tags and the stored configuration, as text or
// (json = true) one JSON object.
std::string format_model_info(const ModelFile& mf, const std::string& path, bool json);

}  // namespace medner
