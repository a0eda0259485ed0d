// Catalogue of damaged model files, loaded the way medner-tag and medner-eval load them
// (load_trained_model): truncated at every sixteenth of the length, flipped bytes, wrong magic,
// a version from the future, a checkpoint given as a model, and files whose checksum is valid but
// whose content disagrees with itself (a parameter shape that does not fit the stored
// configuration, an unknown config key, a bad stored value). Each is one InputError line
// starting with the path. The container itself is pinned by tests/io/model_file_test.cpp; the
// executables by tests/cli/robust_cli.sh.
#include "robust_util.h"

#include "io/atomic_file.h"
#include "io/binary.h"
#include "io/checksum.h"

#include <functional>

using namespace medner;
using namespace medner_robust;
using medner_test::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  std::string path = dir.file("model.bin");
  ModelFile mf;
  std::string bytes;
  Fixture() {
    mf = untrained_model(corpus_slice("data/ncbi-disease/train.tsv", 30));
    save_model_file(path, mf);
    bytes = read_file(path);
  }
  // Loads `damaged` from the model's path (as the user would) and returns the error.
  std::string load_error(const std::string& damaged) const {
    write_bytes(path, damaged);
    return error_of([&] { load_trained_model(path); });
  }
  std::string load_error(const ModelFile& edited) const {
    save_model_file(path, edited);
    return error_of([&] { load_trained_model(path); });
  }
};

void set_config(ModelFile& mf, const std::string& key, const std::string& value) {
  for (auto& kv : mf.config)
    if (kv.first == key) kv.second = value;
}

}  // namespace

TEST_CASE("robust model: the intact file loads") {
  Fixture f;
  CHECK(f.load_error(f.bytes) == "(no error)");
}

TEST_CASE("robust model: truncated at every sixteenth of its length") {
  Fixture f;
  for (int k = 0; k < 16; ++k) {
    const std::size_t n = f.bytes.size() * static_cast<std::size_t>(k) / 16;
    const std::string msg = f.load_error(f.bytes.substr(0, n));
    INFO("cut at ", n, " of ", f.bytes.size());
    check_message(msg, "input: " + f.path + ": truncated (needed ");
  }
}

TEST_CASE("robust model: flipped bytes anywhere are one error line") {
  Fixture f;
  // Every byte of the header, then a spread of positions through the payload and the CRC.
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < 40; ++i) positions.push_back(i);
  for (std::size_t i = 40; i < f.bytes.size(); i += f.bytes.size() / 97 + 1) positions.push_back(i);
  positions.push_back(f.bytes.size() - 1);
  for (std::size_t at : positions) {
    std::string damaged = f.bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5A);
    const std::string msg = f.load_error(damaged);
    INFO("byte ", at, ": ", msg);
    CHECK(starts_with(msg, "input: " + f.path + ": "));
    CHECK(one_line(msg));
  }
  // In the payload, it is the checksum that catches it.
  std::string damaged = f.bytes;
  damaged[f.bytes.size() / 2] = static_cast<char>(damaged[f.bytes.size() / 2] ^ 1);
  check_message(f.load_error(damaged),
                "input: " + f.path + ": checksum mismatch: the file is corrupted");
}

TEST_CASE("robust model: wrong magic, text files, empty file") {
  Fixture f;
  std::string damaged = f.bytes;
  damaged.replace(0, 8, "GGUF\3\0\0\0");
  CHECK(f.load_error(damaged) == "input: " + f.path + ": not a medner model file (bad magic)");
  CHECK(f.load_error("word\tO\n") == "input: " + f.path + ": not a medner model file (bad magic)");
  CHECK(f.load_error("") ==
        "input: " + f.path + ": truncated (needed 8 bytes at offset 0, file has 0)");
}

TEST_CASE("robust model: a version from the future, and version 0") {
  Fixture f;
  std::string damaged = f.bytes;
  damaged[8] = static_cast<char>(kModelFormatVersion + 1);
  CHECK(f.load_error(damaged) == "input: " + f.path + ": format version " +
                                     std::to_string(kModelFormatVersion + 1) +
                                     " is newer than this medner supports (" +
                                     std::to_string(kModelFormatVersion) + "); upgrade medner");
  damaged[8] = 0;
  check_message(f.load_error(damaged), "input: " + f.path + ": format version 0 is not supported");
}

TEST_CASE("robust model: a checkpoint is not a model") {
  Fixture f;
  ModelFile ckpt = f.mf;
  ckpt.kind = "checkpoint";
  CHECK(f.load_error(ckpt) == "input: " + f.path + ": is a checkpoint, expected a model");
}

TEST_CASE("robust model: a shape mismatch between the stored config and the parameters") {
  Fixture f;
  // A valid file (correct CRC) whose config says hidden = 17 while the parameters are for 16.
  ModelFile edited = f.mf;
  set_config(edited, "hidden", "17");
  const std::string msg = f.load_error(edited);
  check_message(msg, "input: " + f.path + ": parameter '", "in the file but");
  CHECK(msg.find("more parameter mismatches)") != std::string::npos);
  // One parameter of the wrong shape.
  edited = f.mf;
  ModelFile::Tensor& t = edited.params.back();
  t.rows += 1;
  t.data.resize(static_cast<std::size_t>(t.rows * t.cols), real(0));
  CHECK(f.load_error(edited) == "input: " + f.path + ": parameter '" + t.name + "' is " +
                                    std::to_string(t.rows) + "x" + std::to_string(t.cols) +
                                    " in the file but " + std::to_string(t.rows - 1) + "x" +
                                    std::to_string(t.cols) + " in the model");
  // A parameter missing from the file.
  edited = f.mf;
  const std::string gone = edited.params.front().name;
  edited.params.erase(edited.params.begin());
  CHECK(f.load_error(edited) == "input: " + f.path + ": parameter '" + gone +
                                    "' is in the model but missing from the file");
}

TEST_CASE("robust model: a stored configuration that is not valid") {
  Fixture f;
  ModelFile edited = f.mf;
  // A key that is not a model option records how the model was trained (the trainer's options):
  // the model library keeps it without reading it; a key that is no option name is corruption.
  edited.config.emplace_back("colour", "blue");
  CHECK(f.load_error(edited) == "(no error)");
  edited.config.back().first = "Colour";
  CHECK(f.load_error(edited) == "input: " + f.path + ": malformed config key 'Colour' in the model");
  edited = f.mf;
  set_config(edited, "hidden", "-4");
  CHECK(f.load_error(edited) ==
        "input: " + f.path +
            ": bad stored config: --hidden: expected a positive integer, got '-4'");
  edited = f.mf;
  set_config(edited, "tag-scheme", "iob9");
  check_message(f.load_error(edited), "input: " + f.path + ": bad stored config: --tag-scheme");
  edited = f.mf;
  edited.vocabularies.pop_back();  // tags
  CHECK(f.load_error(edited) == "input: " + f.path + ": missing vocabulary 'tags'");
  edited = f.mf;
  edited.vocabularies.front().second.push_back(edited.vocabularies.front().second.back());
  CHECK(f.load_error(edited) == "input: " + f.path + ": vocabulary 'words' holds '" +
                                    edited.vocabularies.front().second.back() +
                                    "' twice; the file is corrupted");
  edited = f.mf;
  edited.vocabularies.back().second.push_back("Disease");
  CHECK(f.load_error(edited) ==
        "input: " + f.path +
            ": tag vocabulary: invalid tag 'Disease': expected O, B-X, I-X, "
            "E-X or S-X (X the entity type)");
}

TEST_CASE("robust model: a stored config asking for a huge network is refused before allocating") {
  // Regression: the network was built from the stored config first, so hidden = 2000000000 in
  // an edited (CRC-valid) file meant an allocation of 10^19 values before any shape check.
  Fixture f;
  ModelFile edited = f.mf;
  set_config(edited, "hidden", "2000000000");
  check_message(f.load_error(edited),
                "input: " + f.path + ": the stored configuration needs at least ",
                "parameter values, the file holds");
  edited = f.mf;
  set_config(edited, "layers", "100000");
  check_message(f.load_error(edited),
                "input: " + f.path + ": the stored configuration needs at least ");
  edited = f.mf;
  set_config(edited, "word-dim", "100000");
  check_message(f.load_error(edited),
                "input: " + f.path + ": the stored configuration needs at least ");
}

TEST_CASE("robust model: names and values read from a file stay on one line (fuzz finding)") {
  // Found by fuzz_model: a blob named "be\nt_f1" gave a two-line "corrupted blob" message. Every
  // name or value that comes from the file is shown escaped (and cut) in messages.
  Fixture f;
  ModelFile edited = f.mf;
  put_blob(edited, "be\nt_f1", "x");
  const std::string bad_blob = error_of([&] { get_blob_u64s(edited, "be\nt_f1", f.path); });
  check_message(bad_blob, "input: " + f.path + ": corrupted blob 'be\\x0At_f1'");
  check_message(error_of([&] { get_blob_reals(edited, "be\nt_f1", f.path); }),
                "input: " + f.path + ": corrupted blob");
  check_message(error_of([&] { get_blob(edited, "no\nsuch", f.path); }),
                "input: " + f.path + ": missing blob 'no\\x0Asuch'");
  edited = f.mf;
  edited.params.push_back(ModelFile::Tensor{"extra\nparam", 1, 1, {real(1)}});
  CHECK(f.load_error(edited) ==
        "input: " + f.path + ": parameter 'extra\\x0Aparam' is in the file but not in the model");
  edited = f.mf;
  edited.config.emplace_back("colour\nred", "blue");
  CHECK(f.load_error(edited) ==
        "input: " + f.path + ": malformed config key 'colour\\x0Ared' in the model");
  // Found by fuzz_model: a corrupted parameter name of 2 KB made a 2 KB message. Names from the
  // file are cut to their first 40 bytes in the model file decoder's messages. Two parameters
  // with 3000-byte names that differ in the last byte; then the second is renamed to the first
  // in the bytes (CRC-32 recomputed), so the decoder finds a name twice.
  edited = f.mf;
  const std::string long_name(3000, '\x01');
  edited.params.push_back(ModelFile::Tensor{long_name + "A", 1, 1, {real(1)}});
  edited.params.push_back(ModelFile::Tensor{long_name + "B", 1, 1, {real(2)}});
  std::string bytes = encode_model_file(edited);
  const std::size_t at = bytes.find(long_name + "B");
  REQUIRE(at != std::string::npos);
  bytes[at + long_name.size()] = 'A';
  const uint32_t crc = crc32(std::string_view(bytes).substr(0, bytes.size() - 4));
  for (int i = 0; i < 4; ++i)
    bytes[bytes.size() - 4 + static_cast<std::size_t>(i)] = static_cast<char>((crc >> (8 * i)) & 0xFF);
  const std::string twice = error_of([&] { decode_model_file(bytes, f.path); });
  check_message(twice, "input: " + f.path + ": corrupted file: parameter '\\x01");
  CHECK(twice.size() < 300);
  CHECK(twice.find("\\x01...' appears twice") != std::string::npos);
  edited = f.mf;
  set_config(edited, "hidden", "16\n17");
  CHECK(f.load_error(edited) ==
        "input: " + f.path + ": bad stored config: --hidden: expected an integer, got '16\\x0A17'");
}
