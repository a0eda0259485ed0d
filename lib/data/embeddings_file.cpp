#include "data/embeddings_file.h"

#include "core/error.h"
#include "data/conll.h"
#include "data/utf8.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>

namespace medner {

namespace {

// Splits on runs of spaces/tabs; trims a trailing '\r'.
void split_fields(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
}

bool parse_int(std::string_view s, long& v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

void add_word(PretrainedEmbeddings& e, std::string word, const std::string& where) {
  if (!e.index.emplace(word, static_cast<int>(e.words.size())).second)
    throw InputError(fmt::format("{}: word '{}' appears twice", where, message_excerpt(word)));
  e.words.push_back(std::move(word));
}

void read_binary(const std::string& path, const std::string& bytes, std::size_t pos, long count,
                 PretrainedEmbeddings& e) {
  e.format = "word2vec-binary";
  const auto row_bytes = static_cast<std::size_t>(e.dim) * 4;
  // The header's count is not trusted for the allocation: at most as many rows as the bytes hold.
  const std::size_t fit = (bytes.size() - std::min(pos, bytes.size())) / (row_bytes + 1);
  e.values.reserve(std::min(static_cast<std::size_t>(count), fit) *
                   static_cast<std::size_t>(e.dim));
  for (long n = 0; n < count; ++n) {
    while (pos < bytes.size() && (bytes[pos] == '\n' || bytes[pos] == ' ')) ++pos;
    std::size_t sp = bytes.find(' ', pos);
    // The row is bytes [sp + 1, sp + 1 + row_bytes).
    if (sp == std::string::npos || row_bytes > bytes.size() - sp - 1)
      throw InputError(fmt::format("{}: truncated: vector {} of {} is incomplete (file has {} bytes)",
                                   path, n + 1, count, bytes.size()));
    std::string word = bytes.substr(pos, sp - pos);
    if (!utf8_valid(word)) word = utf8_repair(word);
    const std::string where = fmt::format("{}: vector {}", path, n + 1);
    for (int d = 0; d < e.dim; ++d) {
      float v;
      std::memcpy(&v, bytes.data() + sp + 1 + static_cast<std::size_t>(d) * 4, 4);  // little-endian host
      if (!std::isfinite(v))
        throw InputError(fmt::format("{} ('{}'): value {} is {}; vectors must be finite", where,
                                     message_excerpt(word), d + 1,
                                     std::isnan(v) ? "NaN" : "infinite"));
      e.values.push_back(v);
    }
    add_word(e, std::move(word), where);
    pos = sp + 1 + row_bytes;
  }
  // The header's count must account for the whole file (as for text files): more vectors after
  // the announced ones mean a wrong header, not data to drop silently.
  while (pos < bytes.size() && (bytes[pos] == '\n' || bytes[pos] == ' ')) ++pos;
  if (pos < bytes.size())
    throw InputError(fmt::format(
        "{}: header says {} vectors, but the file goes on after vector {} (byte {} of {})", path,
        count, count, pos, bytes.size()));
  if (e.words.empty()) throw InputError(path + ": no vectors (the header says 0)");
}

}  // namespace

PretrainedEmbeddings read_embeddings(const std::string& path) {
  return read_embeddings_bytes(read_text_file(path), path);
}

PretrainedEmbeddings read_embeddings_bytes(const std::string& bytes, const std::string& path) {
  PretrainedEmbeddings e;
  if (bytes.empty()) throw InputError(path + ": empty embeddings file");
  std::vector<std::string_view> f;
  std::size_t pos = 0;
  long line_no = 0;
  long header_count = -1;
  auto next_line = [&](std::string_view& line) {
    if (pos >= bytes.size()) return false;
    std::size_t nl = bytes.find('\n', pos);
    if (nl == std::string::npos) nl = bytes.size();
    line = std::string_view(bytes).substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    return true;
  };
  std::string_view line;
  next_line(line);
  split_fields(line, f);
  long a = 0, b = 0;
  if (f.size() == 2 && parse_int(f[0], a) && parse_int(f[1], b)) {
    if (a < 0 || b <= 0)
      throw InputError(
          fmt::format("{}:1: expected a header 'count dimension' with positive numbers, got '{}'",
                      path, message_excerpt(line)));
    // A dimension the file cannot hold even once is corruption (and must not overflow int).
    if (b > INT_MAX || static_cast<unsigned long>(b) > bytes.size())
      throw InputError(fmt::format("{}:1: header dimension {} is larger than the file ({} bytes)",
                                   path, b, bytes.size()));
    header_count = a;
    e.dim = static_cast<int>(b);
    // Binary if the body is not text: look for bytes that cannot be in a text vector file.
    std::size_t probe_end = std::min(bytes.size(), pos + 4096);
    bool binary = false;
    for (std::size_t i = pos; i < probe_end; ++i) {
      auto c = static_cast<unsigned char>(bytes[i]);
      if (c == 0 || (c < 32 && c != '\n' && c != '\r' && c != '\t')) binary = true;
    }
    if (binary) {  // raw float32 bytes always contain control bytes within 4 KB
      read_binary(path, bytes, pos, header_count, e);
      return e;
    }
    e.format = "word2vec-text";
  } else {
    e.format = "glove-text";
    pos = 0;
    line_no = 0;
  }
  while (next_line(line)) {
    split_fields(line, f);
    if (f.empty()) continue;
    if (e.dim == 0) e.dim = static_cast<int>(f.size()) - 1;
    if (e.dim <= 0)
      throw InputError(fmt::format("{}:{}: expected a word and its vector, got one field", path, line_no));
    if (static_cast<int>(f.size()) != e.dim + 1)
      throw InputError(fmt::format("{}:{}: expected a word and {} values, got {} values", path, line_no,
                                   e.dim, f.size() - 1));
    std::string word(f[0]);
    if (!utf8_valid(word))
      throw InputError(fmt::format("{}:{}: word is not valid UTF-8", path, line_no));
    add_word(e, std::move(word), fmt::format("{}:{}", path, line_no));
    for (int d = 1; d <= e.dim; ++d) {
      const std::string_view text = f[static_cast<std::size_t>(d)];
      float v = 0;
      auto r = std::from_chars(text.data(), text.data() + text.size(), v);
      if (r.ec == std::errc::result_out_of_range && r.ptr == text.data() + text.size())
        throw InputError(fmt::format("{}:{}: value {} '{}' is out of range for a 32-bit float",
                                     path, line_no, d, message_excerpt(text)));
      if (r.ec != std::errc() || r.ptr != text.data() + text.size())
        throw InputError(fmt::format("{}:{}: value {}: expected a number, got '{}'", path, line_no,
                                     d, message_excerpt(text)));
      // from_chars reads "nan" and "inf": a non-finite vector would poison training at once.
      if (!std::isfinite(v))
        throw InputError(fmt::format("{}:{}: value {} is '{}'; vectors must be finite numbers",
                                     path, line_no, d, message_excerpt(text)));
      e.values.push_back(v);
    }
  }
  if (header_count >= 0 && static_cast<long>(e.words.size()) != header_count)
    throw InputError(fmt::format("{}: header says {} vectors, the file has {}", path, header_count,
                                 e.words.size()));
  if (e.words.empty()) throw InputError(path + ": no vectors");
  return e;
}

PretrainedEmbeddings concat_embeddings(const std::vector<PretrainedEmbeddings>& tables,
                                       const std::function<std::string(const std::string&)>& key) {
  PretrainedEmbeddings out;
  out.format = "concatenated";
  std::vector<int> offset;  // of each table's columns in a row
  for (const PretrainedEmbeddings& t : tables) {
    offset.push_back(out.dim);
    out.dim += t.dim;
  }
  // Rows are filled table by table, so the first pass only names the words.
  std::vector<std::vector<int>> row_of(tables.size());  // table's word i -> row, or -1 if shadowed
  for (std::size_t k = 0; k < tables.size(); ++k) {
    std::unordered_map<std::string, bool> seen_here;
    row_of[k].assign(tables[k].words.size(), -1);
    for (std::size_t i = 0; i < tables[k].words.size(); ++i) {
      std::string w = key(tables[k].words[i]);
      if (!seen_here.emplace(w, true).second) continue;
      auto [it, added] = out.index.emplace(w, static_cast<int>(out.words.size()));
      if (added) out.words.push_back(std::move(w));
      row_of[k][i] = it->second;
    }
  }
  out.values.assign(out.words.size() * static_cast<std::size_t>(out.dim), 0.0f);
  for (std::size_t k = 0; k < tables.size(); ++k)
    for (std::size_t i = 0; i < tables[k].words.size(); ++i) {
      const int r = row_of[k][i];
      if (r < 0) continue;
      const float* v = tables[k].vector(static_cast<int>(i));
      std::copy(v, v + tables[k].dim, out.values.begin() + static_cast<std::ptrdiff_t>(r) * out.dim + offset[k]);
    }
  return out;
}

}  // namespace medner
