#include "data/abbreviation_resolution.h"

#include "data/abbreviations.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <unordered_map>

namespace medner {

namespace {

// A definition located in the document, with what it says about entities.
struct Definition {
  std::size_t sentence = 0;
  AbbreviationDefinition span;
  bool typed = false;          // its type is known
  bool names_nothing = false;  // no token of its long or short form is tagged
  std::string type;
  double confidence = 0;
};

// Index of the mention covering [begin, end) exactly, or npos.
std::size_t exact(const std::vector<Mention>& ms, std::size_t begin, std::size_t end) {
  for (std::size_t i = 0; i < ms.size(); ++i)
    if (ms[i].begin == begin && ms[i].end == end) return i;
  return std::string::npos;
}

bool overlaps_any(const std::vector<Mention>& ms, std::size_t begin, std::size_t end) {
  return std::any_of(ms.begin(), ms.end(), [&](const Mention& m) { return m.begin < end && begin < m.end; });
}

void insert_sorted(std::vector<Mention>& ms, Mention m) {
  auto at = std::lower_bound(ms.begin(), ms.end(), m, [](const Mention& a, const Mention& b) { return a.begin < b.begin; });
  ms.insert(at, std::move(m));
}

// What the definition's own entities say: the long form's entity first (the tagger read the
// whole phrase there), else the short form's, which then tags the long form too.
Definition type_definition(std::size_t sentence, const AbbreviationDefinition& d, std::vector<Mention>& ms,
                           AbbreviationChanges& changes) {
  Definition def{sentence, d, false, false, "", 0};
  const std::size_t lf = exact(ms, d.long_begin, d.long_end);
  if (lf != std::string::npos) {
    def.typed = true;
    def.type = ms[lf].type;
    def.confidence = ms[lf].confidence;
    return def;
  }
  const std::size_t sf = exact(ms, d.short_begin, d.short_end);
  if (sf == std::string::npos) {
    // Part of the long form tagged ("von Hippel-Lindau tumor suppressor gene (VHL)"): the tagger
    // and the definition disagree on its extent, not on whether it names an entity.
    def.names_nothing = !overlaps_any(ms, d.long_begin, d.long_end) && !overlaps_any(ms, d.short_begin, d.short_end);
    return def;
  }
  def.typed = true;
  def.type = ms[sf].type;
  def.confidence = ms[sf].confidence;
  if (!overlaps_any(ms, d.long_begin, d.long_end)) {
    insert_sorted(ms, Mention{d.long_begin, d.long_end, def.type, def.confidence});
    ++changes.added;
  }
  return def;
}

// A hyphen joins the tokens [begin, end) to a neighbour: "DM-protein kinase", "HNPCC-associated"
// name something other than the short form.
bool in_compound(const std::vector<std::string>& tokens, std::size_t begin, std::size_t end) {
  return (begin > 0 && tokens[begin - 1] == "-") || (end < tokens.size() && tokens[end] == "-");
}

bool occurs_at(const std::vector<std::string>& tokens, std::size_t begin, const std::vector<std::string>& sf) {
  return begin + sf.size() <= tokens.size() &&
         std::equal(sf.begin(), sf.end(), tokens.begin() + static_cast<std::ptrdiff_t>(begin));
}

}  // namespace

AbbreviationChanges resolve_abbreviations(const std::vector<const std::vector<std::string>*>& tokens,
                                          std::vector<std::vector<Mention>>& mentions, const AbbreviationOptions& options) {
  AbbreviationChanges changes;
  if (!options.enabled) return changes;
  // Each short form's definitions in document order: the first that reaches a sentence is used.
  std::map<std::vector<std::string>, std::vector<Definition>> by_short_form;
  std::vector<std::vector<std::string>> order;  // short forms in order of first definition
  for (std::size_t s = 0; s < tokens.size(); ++s) {
    const std::vector<std::string>& toks = *tokens[s];
    for (const AbbreviationDefinition& d : find_abbreviations(toks)) {
      ++changes.definitions;
      std::vector<std::string> sf(toks.begin() + static_cast<std::ptrdiff_t>(d.short_begin),
                                  toks.begin() + static_cast<std::ptrdiff_t>(d.short_end));
      auto [it, fresh] = by_short_form.try_emplace(sf);
      if (fresh) order.push_back(sf);
      it->second.push_back(type_definition(s, d, mentions[s], changes));
    }
  }
  const auto reaches = [&](const Definition& d, std::size_t s) {
    if (options.scope <= 0) return true;
    const long distance = std::labs(static_cast<long>(d.sentence) - static_cast<long>(s));
    return distance <= options.scope;
  };
  // Where each short form's first token occurs, (sentence, token) in document order: one pass
  // over the document, not one per short form (a CoNLL file without -DOCSTART- is one document of
  // a thousand short forms and a hundred thousand tokens).
  std::unordered_map<std::string, std::vector<std::pair<std::size_t, std::size_t>>> starts;
  for (const std::vector<std::string>& sf : order) starts.try_emplace(sf.front());
  for (std::size_t s = 0; s < tokens.size(); ++s)
    for (std::size_t i = 0; i < tokens[s]->size(); ++i) {
      auto it = starts.find((*tokens[s])[i]);
      if (it != starts.end()) it->second.emplace_back(s, i);
    }
  for (const std::vector<std::string>& sf : order) {
    const std::vector<Definition>& defs = by_short_form.at(sf);
    for (const auto& [sentence, begin] : starts.at(sf.front())) {
      const std::size_t s = sentence, end = begin + sf.size();
      if (!occurs_at(*tokens[s], begin, sf)) continue;
      auto def = std::find_if(defs.begin(), defs.end(), [&](const Definition& d) { return reaches(d, s); });
      if (def == defs.end()) continue;
      std::vector<Mention>& ms = mentions[s];
      const std::size_t at = exact(ms, begin, end);
      if (!def->typed) {
        if (def->names_nothing && !options.keep_untyped && at != std::string::npos) {
          ms.erase(ms.begin() + static_cast<std::ptrdiff_t>(at));
          ++changes.removed;
        }
      } else if (at != std::string::npos) {
        if (ms[at].type != def->type) {
          ms[at].type = def->type;
          ms[at].confidence = def->confidence;
          ++changes.retyped;
        }
      } else if (!overlaps_any(ms, begin, end) && !in_compound(*tokens[s], begin, end)) {
        insert_sorted(ms, Mention{begin, end, def->type, def->confidence});
        ++changes.added;
      }
    }
  }
  return changes;
}

}  // namespace medner
