#include "data/lexicon.h"

#include "core/error.h"
#include "data/conll.h"
#include "data/tokenizer.h"
#include "data/utf8.h"

#include <algorithm>

namespace medner {

namespace {

constexpr int kMaxTypes = 32;  // node_types_ is a bit set
enum Position { kNone = 0, kBegin = 1, kInside = 2, kEnd = 3, kSingle = 4 };

uint64_t edge_key(int node, int token) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(node) + 1) << 32) | static_cast<uint32_t>(token);
}

// A 64-bit mix (splitmix64's finaliser) so that consecutive nodes spread over the table.
std::size_t edge_slot(uint64_t key, std::size_t mask) {
  key ^= key >> 30;
  key *= 0xbf58476d1ce4e5b9ULL;
  key ^= key >> 27;
  key *= 0x94d049bb133111ebULL;
  key ^= key >> 31;
  return static_cast<std::size_t>(key) & mask;
}

}  // namespace

std::string lexicon_token(std::string_view token) {
  std::string s(token);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

int Lexicon::child(int node, int token) const {
  if (edge_keys_.empty()) return -1;
  const uint64_t key = edge_key(node, token);
  const std::size_t mask = edge_keys_.size() - 1;
  for (std::size_t i = edge_slot(key, mask);; i = (i + 1) & mask) {
    if (edge_keys_[i] == key) return edge_children_[i];
    if (edge_keys_[i] == 0) return -1;
  }
}

void Lexicon::grow_edges() {
  std::vector<uint64_t> keys(std::max<std::size_t>(1024, edge_keys_.size() * 2), 0);
  std::vector<int> children(keys.size(), 0);
  const std::size_t mask = keys.size() - 1;
  for (std::size_t j = 0; j < edge_keys_.size(); ++j) {
    if (edge_keys_[j] == 0) continue;
    std::size_t i = edge_slot(edge_keys_[j], mask);
    while (keys[i] != 0) i = (i + 1) & mask;
    keys[i] = edge_keys_[j];
    children[i] = edge_children_[j];
  }
  edge_keys_.swap(keys);
  edge_children_.swap(children);
}

int Lexicon::add_child(int node, int token) {
  if (4 * (edges_ + 1) > 3 * edge_keys_.size()) grow_edges();  // at most 3/4 full
  const uint64_t key = edge_key(node, token);
  const std::size_t mask = edge_keys_.size() - 1;
  std::size_t i = edge_slot(key, mask);
  for (; edge_keys_[i] != 0; i = (i + 1) & mask)
    if (edge_keys_[i] == key) return edge_children_[i];
  edge_keys_[i] = key;
  edge_children_[i] = static_cast<int>(node_types_.size());
  node_types_.push_back(0);
  ++edges_;
  return edge_children_[i];
}

int Lexicon::add_type(const std::string& type) {
  auto it = type_ids_.find(type);
  if (it != type_ids_.end()) return it->second;
  if (types() >= kMaxTypes)
    throw InputError(fmt::format("lexicon type '{}': at most {} types are supported", message_excerpt(type), kMaxTypes));
  type_ids_.emplace(type, types());
  types_.push_back(type);
  return types() - 1;
}

bool Lexicon::add(std::string_view name, const std::string& type) {
  std::vector<std::string> tokens;
  for (const Token& t : tokenize(name)) tokens.push_back(lexicon_token(t.text));
  if (tokens.empty()) return false;
  add_tokens(std::vector<std::string_view>(tokens.begin(), tokens.end()), add_type(type));
  return true;
}

void Lexicon::add_tokens(const std::vector<std::string_view>& tokens, int type) {
  MEDNER_CHECK(type >= 0 && type < types() && !tokens.empty(), "lexicon name needs tokens and a known type");
  if (node_types_.empty()) node_types_.push_back(0);  // the root
  int node = 0;
  for (std::string_view tok : tokens) {
    auto it = token_ids_.find(std::string(tok));
    if (it == token_ids_.end()) it = token_ids_.emplace(std::string(tok), static_cast<int>(token_ids_.size())).first;
    node = add_child(node, it->second);
  }
  const uint32_t bit = 1u << type;
  if (node_types_[static_cast<std::size_t>(node)] & bit) return;  // already known
  node_types_[static_cast<std::size_t>(node)] |= bit;
  names_text_ += std::to_string(type);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    names_text_ += i == 0 ? '\t' : ' ';
    names_text_ += tokens[i];
  }
  names_text_ += '\n';
  ++names_;
}

std::vector<int> Lexicon::features(const std::vector<std::string>& tokens) const {
  std::vector<int> out;
  append_features(tokens, out);
  return out;
}

// For each start s, walk the trie as far as the tokens go; every node passed that ends a name of
// type k is a match [s, e) of k. best[t*K + k] keeps the longest match of k covering t (the
// first found among equal lengths: starts are visited in order), as its start and length.
void Lexicon::append_features(const std::vector<std::string>& tokens, std::vector<int>& out) const {
  const int n = static_cast<int>(tokens.size()), K = types();
  const std::size_t base = out.size();
  out.resize(base + static_cast<std::size_t>(n) * static_cast<std::size_t>(K));
  for (int k = 0; k < K; ++k)
    for (int t = 0; t < n; ++t) out[base + static_cast<std::size_t>(t * K + k)] = k * kLexiconPositions + kNone;
  if (K == 0 || n == 0 || node_types_.empty()) return;
  std::vector<int> ids(static_cast<std::size_t>(n));
  for (int t = 0; t < n; ++t) {
    auto it = token_ids_.find(lexicon_token(tokens[static_cast<std::size_t>(t)]));
    ids[static_cast<std::size_t>(t)] = it == token_ids_.end() ? -1 : it->second;
  }
  std::vector<int> best_start(static_cast<std::size_t>(n * K), -1), best_length(static_cast<std::size_t>(n * K), 0);
  for (int s = 0; s < n; ++s) {
    int node = 0;
    for (int e = s; e < n && ids[static_cast<std::size_t>(e)] >= 0; ++e) {
      node = child(node, ids[static_cast<std::size_t>(e)]);
      if (node < 0) break;
      const uint32_t ends = node_types_[static_cast<std::size_t>(node)];
      if (ends == 0) continue;
      const int length = e - s + 1;
      for (int k = 0; k < K; ++k) {
        if (!(ends & (1u << k))) continue;
        for (int t = s; t <= e; ++t) {
          const auto at = static_cast<std::size_t>(t * K + k);
          if (length > best_length[at]) {
            best_length[at] = length;
            best_start[at] = s;
          }
        }
      }
    }
  }
  for (int t = 0; t < n; ++t)
    for (int k = 0; k < K; ++k) {
      const auto at = static_cast<std::size_t>(t * K + k);
      const int length = best_length[at];
      if (length == 0) continue;
      const int first = best_start[at], last = first + length - 1;
      const int position = length == 1 ? kSingle : t == first ? kBegin : t == last ? kEnd : kInside;
      out[base + at] = k * kLexiconPositions + position;
    }
}

std::string Lexicon::serialized() const {
  std::string s;
  for (std::size_t k = 0; k < types_.size(); ++k) s += (k ? "\t" : "") + types_[k];
  s += '\n';
  return s + names_text_;
}

Lexicon deserialize_lexicon(std::string_view text, const std::string& what) {
  Lexicon lex;
  auto bad = [&](std::size_t line, const std::string& why) {
    return InputError(fmt::format("{}: lexicon line {}: {}", what, line, why));
  };
  std::size_t pos = 0, line = 0;
  auto next_line = [&](std::string_view& out) {
    if (pos >= text.size()) return false;
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) throw bad(line + 1, "the text ends inside a line");
    out = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line;
    return true;
  };
  std::string_view l;
  if (!next_line(l) || l.empty()) throw bad(1, "expected the type names");
  std::vector<std::string> types;
  for (std::size_t start = 0;;) {
    const std::size_t tab = l.find('\t', start);
    types.emplace_back(l.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (types.back().empty()) throw bad(1, "an empty type name");
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  if (types.size() > static_cast<std::size_t>(kMaxTypes)) throw bad(1, fmt::format("more than {} types", kMaxTypes));
  for (std::size_t k = 0; k < types.size(); ++k)
    if (lex.add_type(types[k]) != static_cast<int>(k))
      throw bad(1, fmt::format("type '{}' twice", message_excerpt(types[k])));
  std::vector<std::string_view> tokens;
  while (next_line(l)) {
    const std::size_t tab = l.find('\t');
    if (tab == std::string_view::npos || tab == 0 || tab + 1 >= l.size()) throw bad(line, "expected type-index<TAB>tokens");
    int type = 0;
    for (char c : l.substr(0, tab)) {
      if (c < '0' || c > '9' || type > kMaxTypes) throw bad(line, "the type index is not a number below the type count");
      type = type * 10 + (c - '0');
    }
    if (type >= static_cast<int>(types.size())) throw bad(line, "the type index is not a number below the type count");
    tokens.clear();
    std::string_view rest = l.substr(tab + 1);
    for (std::size_t start = 0;;) {
      const std::size_t sp = rest.find(' ', start);
      tokens.emplace_back(rest.substr(start, sp == std::string_view::npos ? std::string_view::npos : sp - start));
      if (tokens.back().empty()) throw bad(line, "an empty token");
      if (sp == std::string_view::npos) break;
      start = sp + 1;
    }
    lex.add_tokens(tokens, type);
  }
  return lex;
}

long read_lexicon_file(const std::string& path, Lexicon& lexicon) {
  const std::string text = read_text_file(path);
  long added = 0;
  std::size_t pos = 0;
  int line = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;  // a UTF-8 byte order mark
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view l(text.data() + pos, nl - pos);
    pos = nl + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    auto bad = [&](const std::string& why) { return InputError(fmt::format("{}:{}: {}", path, line, why)); };
    std::size_t bad_at = 0;
    if (!utf8_valid(l, &bad_at)) throw bad(fmt::format("invalid UTF-8 at byte {}", bad_at + 1));
    if (l.find('\0') != std::string_view::npos) throw bad("a NUL byte; expected text (is this a binary file?)");
    if (l.find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::size_t tab = l.find('\t');
    if (tab == std::string_view::npos)
      throw bad(fmt::format("expected name<TAB>type, found '{}'", message_excerpt(std::string(l))));
    const std::size_t tab2 = l.find('\t', tab + 1);
    const std::string_view name = l.substr(0, tab);
    const std::string type(l.substr(tab + 1, tab2 == std::string_view::npos ? std::string_view::npos : tab2 - tab - 1));
    if (name.find_first_not_of(' ') == std::string_view::npos) throw bad("empty name");
    if (type.empty()) throw bad("empty type (expected name<TAB>type, e.g. Disease)");
    try {
      if (lexicon.add(name, type)) ++added;
    } catch (const InputError& e) {
      throw bad(e.what());
    }
  }
  if (added == 0) throw InputError(fmt::format("{}: no names; expected name<TAB>type lines", path));
  return added;
}

}  // namespace medner
