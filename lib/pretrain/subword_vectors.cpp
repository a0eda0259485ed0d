#include "pretrain/subword_vectors.h"

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/binary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ostream>

namespace medner {
namespace {

constexpr const char* kMagic = "medner-subword-vectors";
constexpr uint32_t kVersion = 1;

float norm(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return static_cast<float>(std::sqrt(s));
}

}  // namespace

SubwordVectors::SubwordVectors(std::vector<std::string> words, int dim, SubwordOptions subwords)
    : words_(std::move(words)), dim_(dim), subwords_(subwords) {
  for (std::size_t i = 0; i < words_.size(); ++i) index_.emplace(words_[i], static_cast<int>(i));
  values_.assign(rows() * static_cast<std::size_t>(dim_), 0.0f);
}

int SubwordVectors::find(const std::string& w) const {
  auto it = index_.find(w);
  return it == index_.end() ? -1 : it->second;
}

std::vector<int> SubwordVectors::rows_of(const std::string& word) const {
  std::vector<int> rows;
  if (const int id = find(word); id >= 0) rows.push_back(id);
  const int base = static_cast<int>(words_.size());
  for (int b : subword_buckets(word, subwords_)) rows.push_back(base + b);
  return rows;
}

std::vector<float> SubwordVectors::vector(const std::string& word) const {
  std::vector<float> v(static_cast<std::size_t>(dim_), 0.0f);
  const std::vector<int> rows = rows_of(word);
  for (int r : rows) {
    const float* x = row(static_cast<std::size_t>(r));
    for (int d = 0; d < dim_; ++d) v[static_cast<std::size_t>(d)] += x[d];
  }
  if (!rows.empty())
    for (float& x : v) x /= static_cast<float>(rows.size());
  return v;
}

std::vector<std::pair<std::string, float>> SubwordVectors::neighbours(const std::string& word, int k) const {
  const std::vector<float> q = vector(word);
  const float qn = norm(q);
  std::vector<std::pair<std::string, float>> all;
  for (const std::string& w : words_) {
    if (w == word) continue;
    const std::vector<float> v = vector(w);
    double dot = 0;
    for (int d = 0; d < dim_; ++d) dot += static_cast<double>(q[static_cast<std::size_t>(d)]) * v[static_cast<std::size_t>(d)];
    const float vn = norm(v);
    all.emplace_back(w, qn > 0 && vn > 0 ? static_cast<float>(dot / (qn * vn)) : 0.0f);
  }
  const std::size_t n = std::min(all.size(), static_cast<std::size_t>(std::max(k, 0)));
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                    [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  all.resize(n);
  return all;
}

void write_word2vec_text(const SubwordVectors& v, const std::string& path) {
  AtomicWriter w(path);
  std::ostream& out = w.stream();
  out << v.words().size() << ' ' << v.dim() << '\n';
  for (const std::string& word : v.words()) {
    out << word;
    for (float x : v.vector(word)) out << ' ' << fmt::format("{:.5g}", x);
    out << '\n';
  }
  w.commit();
}

void write_subword_vectors(const SubwordVectors& v, const std::string& path) {
  BinaryWriter b;
  b.str(kMagic);
  b.u32(kVersion);
  b.u32(static_cast<uint32_t>(v.dim()));
  b.u32(static_cast<uint32_t>(v.subwords().minn));
  b.u32(static_cast<uint32_t>(v.subwords().maxn));
  b.u32(static_cast<uint32_t>(v.subwords().buckets));
  b.u64(v.words().size());
  for (const std::string& w : v.words()) b.str(w);
  b.reserve(b.size() + v.values().size() * 4);
  for (float x : v.values()) b.f32(x);
  write_file_atomic(path, b.buffer());
}

SubwordVectors read_subword_vectors(const std::string& path) { return subword_vectors_from_bytes(read_file(path), path); }

bool is_subword_vectors_bytes(std::string_view bytes) {
  const std::size_t n = std::char_traits<char>::length(kMagic);
  // str(): u32 little-endian length, then the bytes.
  return bytes.size() >= 4 + n && static_cast<unsigned char>(bytes[0]) == n && bytes[1] == 0 && bytes[2] == 0 &&
         bytes[3] == 0 && bytes.substr(4, n) == kMagic;
}

SubwordVectors subword_vectors_from_bytes(const std::string& bytes, const std::string& path) {
  if (!is_subword_vectors_bytes(bytes))
    throw InputError(path + ": not a medner-pretrain vectors file (expected PREFIX.bin)");
  BinaryReader r(bytes, path);
  r.str();
  if (const uint32_t version = r.u32(); version != kVersion)
    throw InputError(fmt::format("{}: vectors file version {}, this medner reads {}", path, version, kVersion));
  const auto dim = static_cast<int>(r.u32());
  SubwordOptions o;
  o.minn = static_cast<int>(r.u32());
  o.maxn = static_cast<int>(r.u32());
  o.buckets = static_cast<int>(r.u32());
  if (dim <= 0 || dim > 100000 || o.buckets <= 0 || o.minn < 1 || o.maxn > 100)
    throw InputError(fmt::format("{}: damaged header (dim {}, buckets {})", path, dim, o.buckets));
  const std::size_t n = r.count(r.u64(), 4, "words");
  std::vector<std::string> words;
  words.reserve(n);
  for (std::size_t i = 0; i < n; ++i) words.push_back(r.str());
  r.count((n + static_cast<std::size_t>(o.buckets)) * static_cast<std::size_t>(dim), 4, "vector values");
  SubwordVectors v(std::move(words), dim, o);
  for (float& x : v.values()) x = r.f32();
  r.expect_end();
  return v;
}

}  // namespace medner
