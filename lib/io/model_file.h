// The model file: one binary container for trained models (kind "model") and training
// checkpoints (kind "checkpoint"). Magic, format version, kind, payload length, then four
// sections (effective config, vocabularies, named binary blobs, named parameters with shapes),
// then a CRC-32 of everything before it. Byte layout and versioning: docs/file-formats.md.
//
// Saving is atomic (temporary file + rename). Loading reads the file once, checks magic, version,
// length, checksum and structure, and reports any problem as one InputError line starting with
// the path ("run1/model.bin: checksum mismatch: the file is corrupted"). It never trusts a
// length field before checking that the bytes it announces are there.
#pragma once

#include "core/params.h"
#include "core/tensor.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace medner {

inline constexpr char kModelMagic[8] = {'M', 'E', 'D', 'N', 'E', 'R', 'M', '\0'};
inline constexpr uint32_t kModelFormatVersion = 1;     // written; bump on any layout change
inline constexpr uint32_t kModelFormatMinVersion = 1;  // oldest version this build reads

struct ModelFile {
  std::string kind;                                         // "model" | "checkpoint"
  std::vector<std::pair<std::string, std::string>> config;  // key = value, in order
  std::vector<std::pair<std::string, std::vector<std::string>>>
      vocabularies;                                        // "words", "tags", ...
  std::vector<std::pair<std::string, std::string>> blobs;  // optimizer state, rng state, progress
  struct Tensor {
    std::string name;
    Index rows = 0;
    Index cols = 0;
    std::vector<real> data;  // rows x cols, column-major (Eigen's order)
  };
  std::vector<Tensor> params;
};

// The file's bytes, and back. Names within each of the four lists must be unique and tensors
// non-empty with data.size() == rows * cols (InternalError otherwise: that is a caller bug).
std::string encode_model_file(const ModelFile& mf);
ModelFile decode_model_file(std::string_view bytes, const std::string& path);

void save_model_file(const std::string& path, const ModelFile& mf);  // atomic
ModelFile load_model_file(const std::string& path);  // IoError if unreadable, InputError if bad

// InputError "<path>: is a checkpoint, expected a model" unless mf.kind == kind.
void model_require_kind(const ModelFile& mf, const std::string& kind, const std::string& path);

// --- parameters -------------------------------------------------------------------------------

// Replaces mf.params with a copy of every parameter of the store, in the store's order.
void store_params(const ParamStore& store, ModelFile& mf);
// Copies the file's parameters into the store, checking names and shapes both ways first; on any
// mismatch nothing is copied and the InputError names the first problem and counts the others:
//   "<path>: parameter 'crf/trans' is 9x9 in the file but 11x11 in the model"
//   "<path>: parameter 'x' is in the model but missing from the file"
//   "<path>: parameter 'x' is in the file but not in the model"
void load_params(const ModelFile& mf, ParamStore& store, const std::string& path);

// --- lookups ----------------------------------------------------------------------------------

const std::string* find_config(const ModelFile& mf, const std::string& key);  // nullptr if absent
// InputError "<path>: missing vocabulary 'tags'".
const std::vector<std::string>& get_vocabulary(const ModelFile& mf, const std::string& name,
                                               const std::string& path);
const std::string* find_blob(const ModelFile& mf, const std::string& name);  // nullptr if absent
// InputError "<path>: missing blob 'adam/m'".
const std::string& get_blob(const ModelFile& mf, const std::string& name, const std::string& path);
// Adds the blob, or replaces the one of that name.
void put_blob(ModelFile& mf, const std::string& name, std::string bytes);
// Moves the blob of that name into `bytes` and removes it from the file (no copy of what may be
// tens of megabytes); false, with `bytes` untouched, if absent.
bool take_blob(ModelFile& mf, const std::string& name, std::string& bytes);

// --- typed blobs (encoded with BinaryWriter; a blob read as the wrong type is an InputError) -----

void put_blob_reals(ModelFile& mf, const std::string& name, const real* data, std::size_t n);
void put_blob_reals(ModelFile& mf, const std::string& name, const std::vector<real>& v);
std::vector<real> get_blob_reals(const ModelFile& mf, const std::string& name,
                                 const std::string& path);
// Into a caller's buffer of exactly n values, e.g. optimizer moments laid out like the
// ParamStore: "<path>: blob 'adam/m' holds 100 values, expected 120".
void get_blob_reals(const ModelFile& mf, const std::string& name, const std::string& path,
                    real* out, std::size_t n);
void put_blob_u64s(ModelFile& mf, const std::string& name, const std::vector<uint64_t>& v);
std::vector<uint64_t> get_blob_u64s(const ModelFile& mf, const std::string& name,
                                    const std::string& path);
void put_blob_strings(ModelFile& mf, const std::string& name, const std::vector<std::string>& v);
std::vector<std::string> get_blob_strings(const ModelFile& mf, const std::string& name,
                                          const std::string& path);

}  // namespace medner
