// Encoding, decoding, saving and loading of the model file (layout: docs/file-formats.md).
// Decoding checks, in order: magic, version, header, total length, CRC-32, kind, then the
// structure of every section; so a damaged file is reported by the most specific message.
#include "io/model_file.h"

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/binary.h"
#include "io/checksum.h"

#include <cstring>
#include <limits>
#include <unordered_set>

namespace medner {
namespace {

constexpr uint32_t kMaxKindLength = 32;

struct SectionInfo {
  const char* id;    // 4 bytes on disk
  const char* what;  // for messages
};
constexpr int kSectionCount = 4;
constexpr SectionInfo kSections[kSectionCount] = {
    {"CONF", "config"}, {"VOCB", "vocabularies"}, {"BLOB", "blobs"}, {"PARM", "parameters"}};
enum { kConf = 0, kVocb = 1, kBlob = 2, kParm = 3 };

// A tagger and its training checkpoint; a character language model and its own
// (pretrain/char_lm.h).
bool valid_kind(const std::string& kind) {
  return kind == "model" || kind == "checkpoint" || kind == "charlm" || kind == "charlm-checkpoint" ||
         kind == "vectors-checkpoint";
}

// A name or id from the file as text for messages; bytes outside printable ASCII are shown as
// \xNN, and only the first 40 bytes are shown, so a corrupted length cannot turn an error message
// into kilobytes (found by fuzz_model: a 2 KB parameter name).
std::string printable(std::string_view s) {
  constexpr std::size_t kShown = 40;
  std::string out;
  for (const char c : s.substr(0, kShown)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F && c != '\\')
      out.push_back(c);
    else
      out += fmt::format("\\x{:02x}", u);
  }
  if (s.size() > kShown) out += "...";
  return out;
}

template <class Pairs>
void check_unique_names(const Pairs& items, const char* what) {
  std::unordered_set<std::string_view> seen;
  for (const auto& item : items)
    MEDNER_CHECK(seen.insert(item.first).second, "{} '{}' appears twice in a ModelFile", what,
                 item.first);
}

std::size_t begin_section(BinaryWriter& w, int sec) {
  w.raw(std::string_view(kSections[sec].id, 4));
  const std::size_t at = w.size();
  w.u64(0);  // length, patched by end_section
  return at;
}

void end_section(BinaryWriter& w, std::size_t at) { w.patch_u64(at, w.size() - at - 8); }

uint32_t count32(std::size_t n, const char* what) {
  MEDNER_CHECK(n <= std::numeric_limits<uint32_t>::max(), "too many {} ({})", what, n);
  return static_cast<uint32_t>(n);
}

std::size_t estimate_size(const ModelFile& mf) {
  std::size_t n = 256;
  for (const auto& [k, v] : mf.config) n += 8 + k.size() + v.size();
  for (const auto& [name, words] : mf.vocabularies) {
    n += 8 + name.size();
    for (const std::string& w : words) n += 4 + w.size();
  }
  for (const auto& [name, bytes] : mf.blobs) n += 12 + name.size() + bytes.size();
  for (const ModelFile::Tensor& t : mf.params)
    n += 32 + t.name.size() + t.data.size() * sizeof(real);
  return n;
}

// --- section decoders: `s` covers exactly one section ------------------------------------------

template <class Pairs>
void add_unique(BinaryReader& s, Pairs& items, std::unordered_set<std::string>& seen,
                typename Pairs::value_type item, const char* what) {
  if (!seen.insert(item.first).second)
    s.fail(fmt::format("corrupted file: {} '{}' appears twice", what, printable(item.first)));
  items.push_back(std::move(item));
}

void decode_config(BinaryReader& s, ModelFile& mf) {
  const std::size_t n = s.count(s.u32(), 8, "config entries");
  std::unordered_set<std::string> seen;
  mf.config.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string key = s.str();
    std::string value = s.str();
    add_unique(s, mf.config, seen, {std::move(key), std::move(value)}, "config key");
  }
}

void decode_vocabularies(BinaryReader& s, ModelFile& mf) {
  const std::size_t n = s.count(s.u32(), 8, "vocabularies");
  std::unordered_set<std::string> seen;
  mf.vocabularies.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string name = s.str();
    std::vector<std::string> words(s.count(s.u32(), 4, "vocabulary entries"));
    for (std::string& w : words) w = s.str();
    add_unique(s, mf.vocabularies, seen, {std::move(name), std::move(words)}, "vocabulary");
  }
}

void decode_blobs(BinaryReader& s, ModelFile& mf) {
  const std::size_t n = s.count(s.u32(), 12, "blobs");
  std::unordered_set<std::string> seen;
  mf.blobs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string name = s.str();
    std::string bytes = s.bytes();
    add_unique(s, mf.blobs, seen, {std::move(name), std::move(bytes)}, "blob");
  }
}

void decode_params(BinaryReader& s, ModelFile& mf) {
  const std::size_t n = s.count(s.u32(), 29, "parameters");
  std::unordered_set<std::string> seen;
  mf.params.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    ModelFile::Tensor t;
    t.name = s.str();
    const uint64_t rows = s.u64();
    const uint64_t cols = s.u64();
    t.data = s.reals();
    const uint64_t size = t.data.size();
    if (rows == 0 || cols == 0 || rows > size || cols > size / rows || rows * cols != size)
      s.fail(fmt::format("corrupted file: parameter '{}' has shape {}x{} and {} values",
                         printable(t.name), rows, cols, size));
    t.rows = static_cast<Index>(rows);
    t.cols = static_cast<Index>(cols);
    if (!seen.insert(t.name).second)
      s.fail(fmt::format("corrupted file: parameter '{}' appears twice", printable(t.name)));
    mf.params.push_back(std::move(t));
  }
}

[[noreturn]] void fail(const std::string& path, const std::string& msg) {
  throw InputError(path + ": " + msg);
}

std::string supported_versions() {
  if (kModelFormatMinVersion == kModelFormatVersion) return std::to_string(kModelFormatVersion);
  return fmt::format("{} to {}", kModelFormatMinVersion, kModelFormatVersion);
}

// What encode_model_file refuses: what the decoder would reject. A caller bug, not bad input.
void check_encodable(const ModelFile& mf) {
  MEDNER_CHECK(valid_kind(mf.kind), "ModelFile kind '{}' (expected model, checkpoint, charlm, charlm-checkpoint or vectors-checkpoint)", mf.kind);
  check_unique_names(mf.config, "config key");
  check_unique_names(mf.vocabularies, "vocabulary");
  check_unique_names(mf.blobs, "blob");
  std::unordered_set<std::string_view> names;
  for (const ModelFile::Tensor& t : mf.params) {
    MEDNER_CHECK(names.insert(t.name).second, "parameter '{}' appears twice in a ModelFile",
                 t.name);
    MEDNER_CHECK(
        t.rows > 0 && t.cols > 0 && static_cast<std::size_t>(t.rows * t.cols) == t.data.size(),
        "parameter '{}' is {}x{} with {} values", t.name, t.rows, t.cols, t.data.size());
  }
}

// The file's frame: magic, version, kind, total length and CRC, checked in that order so that a
// damaged file gets the most specific message. What is inside the payload is not looked at.
struct Envelope {
  uint32_t version = 0;
  std::string kind;
  std::size_t payload_start = 0;
  std::size_t payload_length = 0;
};

Envelope check_envelope(std::string_view bytes, const std::string& path) {
  const std::size_t size = bytes.size();
  const std::string_view magic(kModelMagic, sizeof kModelMagic);
  if (size < magic.size() && magic.substr(0, size) == bytes)
    fail(path,
         fmt::format("truncated (needed {} bytes at offset 0, file has {})", magic.size(), size));
  if (bytes.substr(0, magic.size()) != magic) fail(path, "not a medner model file (bad magic)");

  BinaryReader r(bytes, path);
  r.raw(magic.size());
  const uint32_t version = r.u32();
  if (version > kModelFormatVersion)
    fail(path,
         fmt::format("format version {} is newer than this medner supports ({}); upgrade medner",
                     version, supported_versions()));
  if (version < kModelFormatMinVersion)
    fail(path, fmt::format("format version {} is not supported (this medner reads {})", version,
                           supported_versions()));
  const uint32_t kind_length = r.u32();
  if (kind_length > kMaxKindLength)
    fail(path, fmt::format("corrupted header: the kind field claims {} bytes (at most {})",
                           kind_length, kMaxKindLength));
  const std::string kind(r.raw(kind_length));
  const uint64_t payload = r.u64();

  // Total length from the header: header + payload + 4-byte CRC.
  const std::size_t header_end = r.offset();
  const std::size_t after_header = size - header_end;
  if (after_header < 4 || payload > after_header - 4) {
    if (payload > std::numeric_limits<std::size_t>::max() - header_end - 4)
      fail(path, fmt::format("corrupted header: payload length {}", payload));
    const std::size_t expected = header_end + static_cast<std::size_t>(payload) + 4;
    fail(path, fmt::format("truncated (needed {} bytes at offset {}, file has {})", expected - size,
                           size, size));
  }
  const std::size_t body_end = header_end + static_cast<std::size_t>(payload);
  if (body_end + 4 != size)
    fail(path,
         fmt::format("{} unexpected bytes after the checksum at offset {}; the file is corrupted",
                     size - body_end - 4, body_end + 4));

  r.raw(static_cast<std::size_t>(payload));
  const uint32_t stored = r.u32();
  const uint32_t computed = crc32(bytes.substr(0, body_end));
  if (stored != computed)
    fail(path, fmt::format("checksum mismatch: the file is corrupted (stored CRC-32 {:08x}, "
                           "computed {:08x})",
                           stored, computed));
  if (!valid_kind(kind))
    fail(path,
         fmt::format("unknown kind '{}' (expected 'model', 'checkpoint', 'charlm', 'charlm-checkpoint' or 'vectors-checkpoint')",
                     printable(kind)));

  return Envelope{version, kind, header_end, static_cast<std::size_t>(payload)};
}

}  // namespace

std::string encode_model_file(const ModelFile& mf) {
  check_encodable(mf);
  BinaryWriter w;
  w.reserve(estimate_size(mf));
  w.raw(std::string_view(kModelMagic, sizeof kModelMagic));
  w.u32(kModelFormatVersion);
  w.str(mf.kind);
  const std::size_t length_at = w.size();
  w.u64(0);  // payload length, patched below
  const std::size_t payload_start = w.size();

  std::size_t at = begin_section(w, kConf);
  w.u32(count32(mf.config.size(), "config entries"));
  for (const auto& [key, value] : mf.config) {
    w.str(key);
    w.str(value);
  }
  end_section(w, at);

  at = begin_section(w, kVocb);
  w.u32(count32(mf.vocabularies.size(), "vocabularies"));
  for (const auto& [name, words] : mf.vocabularies) {
    w.str(name);
    w.u32(count32(words.size(), "vocabulary entries"));
    for (const std::string& word : words) w.str(word);
  }
  end_section(w, at);

  at = begin_section(w, kBlob);
  w.u32(count32(mf.blobs.size(), "blobs"));
  for (const auto& [name, bytes] : mf.blobs) {
    w.str(name);
    w.bytes(bytes);
  }
  end_section(w, at);

  at = begin_section(w, kParm);
  w.u32(count32(mf.params.size(), "parameters"));
  for (const ModelFile::Tensor& t : mf.params) {
    w.str(t.name);
    w.u64(static_cast<uint64_t>(t.rows));
    w.u64(static_cast<uint64_t>(t.cols));
    w.reals(t.data);
  }
  end_section(w, at);

  w.patch_u64(length_at, w.size() - payload_start);
  w.u32(crc32(w.buffer()));
  return w.take();
}

ModelFile decode_model_file(std::string_view bytes, const std::string& path) {
  const Envelope env = check_envelope(bytes, path);
  BinaryReader r(bytes, path);
  r.raw(env.payload_start);
  BinaryReader sections = r.sub(env.payload_length, "payload");

  ModelFile mf;
  mf.kind = env.kind;
  bool seen[kSectionCount] = {};
  while (!sections.at_end()) {
    const std::size_t at = sections.offset();
    const std::string_view id = sections.raw(4);
    const uint64_t length = sections.u64();
    int sec = -1;
    for (int i = 0; i < kSectionCount; ++i)
      if (id == std::string_view(kSections[i].id, 4)) sec = i;
    if (sec < 0)
      fail(path, fmt::format("unknown section '{}' at offset {} (format version {} has CONF, VOCB, "
                             "BLOB, PARM)",
                             printable(id), at, env.version));
    if (seen[sec])
      fail(path, fmt::format("section '{}' appears twice (at offset {})", printable(id), at));
    seen[sec] = true;
    BinaryReader s = sections.sub(sections.count(length, 1, "bytes"),
                                  fmt::format("section '{}'", kSections[sec].id));
    switch (sec) {
      case kConf:
        decode_config(s, mf);
        break;
      case kVocb:
        decode_vocabularies(s, mf);
        break;
      case kBlob:
        decode_blobs(s, mf);
        break;
      default:
        decode_params(s, mf);
        break;
    }
    s.expect_end();
  }
  for (int i = 0; i < kSectionCount; ++i)
    if (!seen[i])
      fail(path, fmt::format("missing section '{}' ({})", kSections[i].id, kSections[i].what));
  return mf;
}

void save_model_file(const std::string& path, const ModelFile& mf) {
  write_file_atomic(path, encode_model_file(mf));
}

ModelFile load_model_file(const std::string& path) {
  return decode_model_file(read_file(path), path);
}

void model_require_kind(const ModelFile& mf, const std::string& kind, const std::string& path) {
  if (mf.kind != kind) fail(path, fmt::format("is a {}, expected a {}", mf.kind, kind));
}

}  // namespace medner
