// libFuzzer target: the model file loader. Each input is decoded twice: as given (the frame
// checks: magic, version, lengths, CRC-32), and with its payload length and CRC-32 recomputed,
// so that mutations reach the section decoders, the typed blobs and, for a "model", the network
// loader (from_model_file: stored config, vocabularies, size check, parameter shapes). Contract:
// one InputError line starting with the path, or a ModelFile that re-encodes to a file decoding
// to the same content and loads.
#include "core/error.h"
#include "io/checksum.h"
#include "io/model_file.h"
#include "model/trained_model.h"

#include "fuzz_common.h"

#include <cstdint>
#include <cstring>
#include <string>

using namespace medner;
using medner_fuzz::check_message;
using medner_fuzz::expect;
using medner_fuzz::fuzz_fail;

namespace {

void put_le(std::string& s, std::size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    s[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// The input with a valid frame: magic and version forced, payload length and CRC recomputed.
// Layout: magic[8] version u32 | kind: u32 length + bytes | payload length u64 | payload | CRC.
bool reframe(std::string& s) {
  if (s.size() < 16) return false;
  std::memcpy(&s[0], kModelMagic, 8);
  put_le(s, 8, kModelFormatVersion, 4);
  const uint32_t kind_length = static_cast<uint8_t>(s[12]) % 16;  // keep the kind short
  put_le(s, 12, kind_length, 4);
  const std::size_t header = 16 + kind_length + 8;
  if (s.size() < header + 4) return false;
  put_le(s, 16 + kind_length, s.size() - header - 4, 8);
  put_le(s, s.size() - 4, crc32(std::string_view(s).substr(0, s.size() - 4)), 4);
  return true;
}

bool same(const ModelFile& a, const ModelFile& b) {
  if (a.kind != b.kind || a.config != b.config || a.vocabularies != b.vocabularies ||
      a.blobs != b.blobs || a.params.size() != b.params.size())
    return false;
  for (std::size_t i = 0; i < a.params.size(); ++i) {
    const auto& x = a.params[i];
    const auto& y = b.params[i];
    if (x.name != y.name || x.rows != y.rows || x.cols != y.cols ||
        std::memcmp(x.data.data(), y.data.data(), x.data.size() * sizeof(real)) != 0)
      return false;
  }
  return true;
}

void load(const std::string& bytes) {
  ModelFile mf;
  try {
    mf = decode_model_file(bytes, "fuzz.bin");
  } catch (const InputError& e) {
    check_message(e.what(), "fuzz.bin: ");
    return;
  }
  // What decodes re-encodes to a file that decodes to the same content.
  ModelFile again = decode_model_file(encode_model_file(mf), "again.bin");
  expect(same(mf, again), "decode -> encode -> decode changed the content");
  // The typed blobs the trainer reads from a checkpoint: any bytes are a value or one error line.
  for (const auto& [name, blob] : mf.blobs) {
    try {
      get_blob_u64s(mf, name, "fuzz.bin");
    } catch (const InputError& e) {
      check_message(e.what(), "fuzz.bin: ");
    }
    try {
      get_blob_reals(mf, name, "fuzz.bin");
    } catch (const InputError& e) {
      check_message(e.what(), "fuzz.bin: ");
    }
    try {
      get_blob_strings(mf, name, "fuzz.bin");
    } catch (const InputError& e) {
      check_message(e.what(), "fuzz.bin: ");
    }
  }
  if (mf.kind != "model") return;
  try {
    TrainedModel m = from_model_file(mf, "fuzz.bin");
    expect(m.net != nullptr, "from_model_file returned no network");
  } catch (const InputError& e) {
    check_message(e.what(), "fuzz.bin: ");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    load(bytes);
    if (reframe(bytes)) load(bytes);
  } catch (const std::exception& e) {
    fuzz_fail(std::string("unexpected exception: ") + e.what());
  }
  return 0;
}
