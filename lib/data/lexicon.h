// Typed lexicons (gazetteers) as token features: which tokens of a sentence lie inside a known
// name of a type (Disease, Chemical, ...), and where in it.
//
// A name is stored as the tokens the project's tokenizer (data/tokenizer.h) makes of it, ASCII
// letters lower-cased, so "Tooth Agenesis, Selective, 6" is the sequence
// `tooth agenesis , selective , 6` and matches the corpora's tokens whatever their case. The
// names form a trie over token ids; a sentence is matched by walking the trie from every token,
// so the cost is the sentence's length times the length of the longest prefix of a name found
// there (a few steps), not the lexicon's size.
//
// The feature of token t for type k: among the matches of type k that cover t, the longest (the
// earliest of equal length), and t's position in it:
//
//   B (first of several), I (inside), E (last of several), S (a one-token name), or none.
//
// Feature ids are k * kLexiconPositions + position, position 0 = none, so every type has its own
// "none" row too: the network embeds each type's id and concatenates the types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace medner {

inline constexpr int kLexiconPositions = 5;  // none, B, I, E, S

class Lexicon {
 public:
  // Adds a name of `type` (a new type gets the next index, at most 32 types); false (and nothing
  // added) when the name has no tokens. Adding a name twice, or the same name for two types, is allowed.
  bool add(std::string_view name, const std::string& type);
  // The index of `type`, registering it if new (InputError past 32 types).
  int add_type(const std::string& type);
  // A name already split into the stored token form (from serialized()), of a registered type.
  void add_tokens(const std::vector<std::string_view>& tokens, int type);

  int types() const { return static_cast<int>(types_.size()); }
  const std::vector<std::string>& type_names() const { return types_; }
  long names() const { return names_; }  // distinct (name, type) pairs

  // Feature ids of each token (token-major: token t, type k at t * types() + k).
  std::vector<int> features(const std::vector<std::string>& tokens) const;
  // Appends them to `out`.
  void append_features(const std::vector<std::string>& tokens, std::vector<int>& out) const;

  // Every name with its type, in the order added, as text: the type names tab-separated on the
  // first line, then `type-index<TAB>token token ...` per name. deserialize_lexicon reads it
  // back into an identical lexicon.
  std::string serialized() const;

 private:
  int child(int node, int token) const;  // -1 if none
  int add_child(int node, int token);     // the child, created if new
  void grow_edges();

  std::vector<std::string> types_;
  std::unordered_map<std::string, int> type_ids_;
  std::unordered_map<std::string, int> token_ids_;  // stored tokens -> id
  // The trie's edges in one open-addressing table (linear probing, at most 3/4 full): a node
  // based std::unordered_map took 1.8 s to load and 88 MB for the 234k names (1.27M nodes) of
  // data/lexicons; this table 0.5 s, and the whole lexicon 61 MB.
  // Key (node + 1) << 32 | token, so 0 marks an empty slot.
  std::vector<uint64_t> edge_keys_;
  std::vector<int> edge_children_;
  std::size_t edges_ = 0;
  std::vector<uint32_t> node_types_;  // bit k: a name of type k ends here
  std::string names_text_;            // the name lines of serialized(), in the order added
  long names_ = 0;
};

// The stored token form of a name or a sentence's token: ASCII letters lower-cased.
std::string lexicon_token(std::string_view token);

// Reads `name<TAB>type[<TAB>id ...]` lines (the format of ../shared/lexicons) into `lexicon`.
// Blank lines are skipped; a line without a type, with an empty name or type, invalid UTF-8 or a
// NUL byte is an InputError "path:line: ...". Returns the names read from the file.
long read_lexicon_file(const std::string& path, Lexicon& lexicon);

// From serialized(); InputError "<what>: ..." on malformed text.
Lexicon deserialize_lexicon(std::string_view text, const std::string& what);

}  // namespace medner
