// Lookups in a ModelFile and the typed blobs (declared in model_file.h). A typed blob is a
// BinaryWriter encoding (docs/file-formats.md), decoded with the bounds-checked reader, so a blob
// written as one type and read as another is an InputError naming the blob, not garbage.
#include "core/error.h"
#include "data/conll.h"
#include "io/binary.h"
#include "io/model_file.h"

namespace medner {
namespace {

// A reader over one blob; errors read "<path>: corrupted blob 'name' (...)". Names are shown with
// message_excerpt: a name read from a file may hold a newline, and a message is one line.
template <class F>
auto decode_blob(const ModelFile& mf, const std::string& name, const std::string& path, F&& f) {
  const std::string& bytes = get_blob(mf, name, path);
  BinaryReader r(bytes, path);
  BinaryReader s = r.sub(bytes.size(), fmt::format("blob '{}'", message_excerpt(name)));
  auto value = f(s);
  s.expect_end();
  return value;
}

}  // namespace

const std::string* find_config(const ModelFile& mf, const std::string& key) {
  for (const auto& [k, v] : mf.config)
    if (k == key) return &v;
  return nullptr;
}

const std::vector<std::string>& get_vocabulary(const ModelFile& mf, const std::string& name,
                                               const std::string& path) {
  for (const auto& [n, words] : mf.vocabularies)
    if (n == name) return words;
  throw InputError(fmt::format("{}: missing vocabulary '{}'", path, message_excerpt(name)));
}

const std::string* find_blob(const ModelFile& mf, const std::string& name) {
  for (const auto& [n, bytes] : mf.blobs)
    if (n == name) return &bytes;
  return nullptr;
}

const std::string& get_blob(const ModelFile& mf, const std::string& name, const std::string& path) {
  if (const std::string* b = find_blob(mf, name)) return *b;
  throw InputError(fmt::format("{}: missing blob '{}'", path, message_excerpt(name)));
}

void put_blob(ModelFile& mf, const std::string& name, std::string bytes) {
  for (auto& [n, b] : mf.blobs)
    if (n == name) {
      b = std::move(bytes);
      return;
    }
  mf.blobs.emplace_back(name, std::move(bytes));
}

bool take_blob(ModelFile& mf, const std::string& name, std::string& bytes) {
  for (auto it = mf.blobs.begin(); it != mf.blobs.end(); ++it)
    if (it->first == name) {
      bytes = std::move(it->second);
      mf.blobs.erase(it);
      return true;
    }
  return false;
}

void put_blob_reals(ModelFile& mf, const std::string& name, const real* data, std::size_t n) {
  BinaryWriter w;
  w.reserve(9 + n * sizeof(real));
  w.reals(data, n);
  put_blob(mf, name, w.take());
}

void put_blob_reals(ModelFile& mf, const std::string& name, const std::vector<real>& v) {
  put_blob_reals(mf, name, v.data(), v.size());
}

std::vector<real> get_blob_reals(const ModelFile& mf, const std::string& name,
                                 const std::string& path) {
  return decode_blob(mf, name, path, [](BinaryReader& s) { return s.reals(); });
}

void get_blob_reals(const ModelFile& mf, const std::string& name, const std::string& path,
                    real* out, std::size_t n) {
  const std::vector<real> v = get_blob_reals(mf, name, path);
  if (v.size() != n)
    throw InputError(fmt::format("{}: blob '{}' holds {} values, expected {}", path,
                                 message_excerpt(name), v.size(), n));
  std::copy(v.begin(), v.end(), out);
}

void put_blob_u64s(ModelFile& mf, const std::string& name, const std::vector<uint64_t>& v) {
  BinaryWriter w;
  w.u64s(v);
  put_blob(mf, name, w.take());
}

std::vector<uint64_t> get_blob_u64s(const ModelFile& mf, const std::string& name,
                                    const std::string& path) {
  return decode_blob(mf, name, path, [](BinaryReader& s) { return s.u64s(); });
}

void put_blob_strings(ModelFile& mf, const std::string& name, const std::vector<std::string>& v) {
  BinaryWriter w;
  w.u64(v.size());
  for (const std::string& s : v) w.str(s);
  put_blob(mf, name, w.take());
}

std::vector<std::string> get_blob_strings(const ModelFile& mf, const std::string& name,
                                          const std::string& path) {
  return decode_blob(mf, name, path, [](BinaryReader& s) {
    std::vector<std::string> v(s.count(s.u64(), 4, "strings"));
    for (std::string& x : v) x = s.str();
    return v;
  });
}

}  // namespace medner
