#include "pretrain/subwords.h"

#include "data/utf8.h"

namespace medner {

uint32_t fnv1a(const std::string& bytes) {
  uint32_t h = 2166136261u;
  for (char c : bytes) {
    h ^= static_cast<uint32_t>(static_cast<unsigned char>(c));
    h *= 16777619u;
  }
  return h;
}

std::vector<std::string> subword_strings(const std::string& word, const SubwordOptions& o) {
  std::vector<std::string> out;
  if (o.maxn <= 0) return out;
  const std::string w = "<" + word + ">";
  // Byte offsets of the code points of w, and its end.
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < w.size();) {
    at.push_back(i);
    char32_t cp = 0;
    utf8_next(w, i, cp);  // invalid bytes advance by one: each is a "character"
  }
  const std::size_t n_cp = at.size();
  at.push_back(w.size());
  for (std::size_t i = 0; i < n_cp; ++i)
    for (std::size_t n = static_cast<std::size_t>(o.minn); n <= static_cast<std::size_t>(o.maxn) && i + n <= n_cp;
         ++n) {
      if (n == n_cp) continue;                             // the whole word: its own row
      if (n == 1 && (i == 0 || i + 1 == n_cp)) continue;  // '<' or '>' alone
      out.push_back(w.substr(at[i], at[i + n] - at[i]));
    }
  return out;
}

std::vector<int> subword_buckets(const std::string& word, const SubwordOptions& o) {
  std::vector<int> out;
  for (const std::string& g : subword_strings(word, o))
    out.push_back(static_cast<int>(fnv1a(g) % static_cast<uint32_t>(o.buckets)));
  return out;
}

}  // namespace medner
