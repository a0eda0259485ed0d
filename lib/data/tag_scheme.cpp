// Tag schemes. Everything goes through extract_spans: conversion renders its spans in the
// target scheme, detection and validation look at the same prefix/type pairs it uses.
#include "data/tag_scheme.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/error.h"

namespace medner {

namespace {

bool is_chunk_prefix(char p) { return p == 'B' || p == 'I' || p == 'E' || p == 'S'; }

TagParts parts_or_throw(const std::string& tag) {
  TagParts parts;
  if (!parse_tag(tag, &parts)) throw InputError(invalid_tag_reason(tag));
  return parts;
}

// "tag 'I-X' follows 'O'" or "tag 'I-X' starts the sentence".
std::string describe_prev(const std::vector<std::string>& tags, std::size_t i) {
  if (i == 0) return fmt::format("tag '{}' starts the sentence", message_excerpt(tags[i]));
  return fmt::format("tag '{}' follows '{}'", message_excerpt(tags[i]),
                     message_excerpt(tags[i - 1]));
}

// "tag 'B-X' is followed by 'O'" or "tag 'B-X' ends the sentence".
std::string describe_next(const std::vector<std::string>& tags, std::size_t i) {
  if (i + 1 == tags.size())
    return fmt::format("tag '{}' ends the sentence", message_excerpt(tags[i]));
  return fmt::format("tag '{}' is followed by '{}'", message_excerpt(tags[i]),
                     message_excerpt(tags[i + 1]));
}

// True if position i continues a chunk of `type` that is open at i-1 (prefix B or I, same type).
bool continues(const std::vector<TagParts>& p, std::size_t i, std::string_view type) {
  return i > 0 && (p[i - 1].prefix == 'B' || p[i - 1].prefix == 'I') && p[i - 1].type == type;
}

std::string tag_name(char prefix, std::string_view type) {
  return fmt::format("{}-{}", prefix, message_excerpt(type));
}

}  // namespace

TagScheme parse_tag_scheme(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "iob1") return TagScheme::IOB1;
  if (lower == "iob2" || lower == "bio") return TagScheme::IOB2;
  if (lower == "iobes" || lower == "bioes" || lower == "bilou") return TagScheme::IOBES;
  throw InputError(fmt::format(
      "unknown tag scheme '{}'; expected iob1, iob2 (or bio) or iobes (or bioes, bilou)",
      message_excerpt(name)));
}

std::string to_string(TagScheme scheme) {
  switch (scheme) {
    case TagScheme::IOB1:
      return "iob1";
    case TagScheme::IOB2:
      return "iob2";
    case TagScheme::IOBES:
      return "iobes";
  }
  MEDNER_CHECK(false, "unknown TagScheme value {}", static_cast<int>(scheme));
  return "";
}

bool parse_tag(std::string_view tag, TagParts* parts) {
  if (tag == "O") {
    if (parts != nullptr) *parts = TagParts{'O', {}};
    return true;
  }
  if (tag.size() < 3 || tag[1] != '-' || !is_chunk_prefix(tag[0])) return false;
  if (parts != nullptr) *parts = TagParts{tag[0], tag.substr(2)};
  return true;
}

std::string invalid_tag_reason(std::string_view tag) {
  if (parse_tag(tag)) return "";
  std::string shown = message_excerpt(tag);
  if (tag.size() == 2 && tag[1] == '-' && is_chunk_prefix(tag[0])) {
    return fmt::format("invalid tag '{}': the type after '{}' is empty", shown, shown);
  }
  if (tag.size() >= 2 && tag[1] == '-' && (tag[0] == 'L' || tag[0] == 'U')) {
    return fmt::format(
        "invalid tag '{}': BILOU tags are not read; write L- as E- and U- as S- "
        "(IOBES)",
        shown);
  }
  return fmt::format("invalid tag '{}': expected O, B-X, I-X, E-X or S-X (X the entity type)",
                     shown);
}

bool operator==(const Span& a, const Span& b) {
  return a.begin == b.begin && a.end == b.end && a.type == b.type;
}

std::vector<std::string> tag_types(const std::vector<std::string>& tags) {
  std::vector<std::string> types;
  for (const std::string& tag : tags)
    if (tag.size() > 2 && tag[1] == '-') types.push_back(tag.substr(2));
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  return types;
}

std::vector<Span> extract_spans(const std::vector<std::string>& tags) {
  std::vector<Span> spans;
  char prev_prefix = 'O';  // sentence start behaves like O (conlleval starts with "O")
  std::string_view prev_type;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    TagParts t = parts_or_throw(tags[i]);
    int at = static_cast<int>(i);
    if (t.prefix != 'O') {
      bool open = prev_prefix == 'B' || prev_prefix == 'I';  // E and S have closed their chunk
      bool cont = (t.prefix == 'I' || t.prefix == 'E') && open && prev_type == t.type;
      if (cont) {
        spans.back().end = at + 1;
      } else {
        spans.push_back(Span{at, at + 1, std::string(t.type)});
      }
    }
    prev_prefix = t.prefix;
    prev_type = t.type;
  }
  return spans;
}

TagScheme detect_tag_scheme(const Corpus& corpus) {
  long opened_by_i = 0;
  long opened_by_b = 0;
  for (const Sentence& s : corpus.sentences) {
    char prev_prefix = 'O';
    std::string_view prev_type;
    for (const std::string& tag : s.tags) {
      TagParts t = parts_or_throw(tag);
      if (t.prefix == 'E' || t.prefix == 'S') return TagScheme::IOBES;
      bool after_same = prev_prefix != 'O' && prev_type == t.type;
      if (t.prefix == 'I' && !after_same) ++opened_by_i;
      if (t.prefix == 'B' && !after_same) ++opened_by_b;
      prev_prefix = t.prefix;
      prev_type = t.type;
    }
  }
  return opened_by_i > opened_by_b ? TagScheme::IOB1 : TagScheme::IOB2;
}

std::vector<std::string> convert_tags(const std::vector<std::string>& tags, TagScheme from,
                                      TagScheme to) {
  if (from != TagScheme::IOBES) {
    for (const std::string& tag : tags) {
      TagParts t = parts_or_throw(tag);
      if (t.prefix == 'E' || t.prefix == 'S') {
        throw InputError(fmt::format("tag '{}' is not an {} tag (E- and S- belong to iobes)",
                                     message_excerpt(tag), to_string(from)));
      }
    }
  }
  std::vector<Span> spans = extract_spans(tags);
  std::vector<std::string> out(tags.size(), "O");
  for (std::size_t k = 0; k < spans.size(); ++k) {
    const Span& sp = spans[k];
    auto b = static_cast<std::size_t>(sp.begin);
    auto e = static_cast<std::size_t>(sp.end);
    for (std::size_t i = b; i < e; ++i) out[i] = "I-" + sp.type;
    switch (to) {
      case TagScheme::IOB2:
        out[b] = "B-" + sp.type;
        break;
      case TagScheme::IOB1: {
        // B- only where a chunk of the same type ends right before this one.
        bool touches = k > 0 && spans[k - 1].end == sp.begin && spans[k - 1].type == sp.type;
        if (touches) out[b] = "B-" + sp.type;
        break;
      }
      case TagScheme::IOBES:
        if (e - b == 1) {
          out[b] = "S-" + sp.type;
        } else {
          out[b] = "B-" + sp.type;
          out[e - 1] = "E-" + sp.type;
        }
        break;
    }
  }
  return out;
}

int find_invalid_tag(const std::vector<std::string>& tags, TagScheme scheme, std::string* why) {
  std::vector<TagParts> p(tags.size());
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (!parse_tag(tags[i], &p[i])) {
      if (why != nullptr) *why = invalid_tag_reason(tags[i]);
      return static_cast<int>(i);
    }
  }
  std::string name = to_string(scheme);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto fail = [&](std::size_t i, std::string msg) {
    if (why != nullptr) *why = std::move(msg);
    return static_cast<int>(i);
  };
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const char pre = p[i].prefix;
    const std::string_view type = p[i].type;
    if (pre == 'O') continue;
    if (scheme != TagScheme::IOBES && (pre == 'E' || pre == 'S')) {
      return fail(i, fmt::format("tag '{}' is not an {} tag ({} uses O, B-X and I-X; E- and S- "
                                 "belong to IOBES)",
                                 message_excerpt(tags[i]), name, name));
    }
    switch (scheme) {
      case TagScheme::IOB2:
        if (pre == 'I' && !continues(p, i, type)) {
          return fail(
              i, fmt::format("{}; IOB2 needs '{}'", describe_prev(tags, i), tag_name('B', type)));
        }
        break;
      case TagScheme::IOB1:
        if (pre == 'B' && !continues(p, i, type)) {
          return fail(i, fmt::format("{}; IOB1 uses B- only right after a chunk of the same "
                                     "type, here it needs '{}'",
                                     describe_prev(tags, i), tag_name('I', type)));
        }
        break;
      case TagScheme::IOBES: {
        if ((pre == 'I' || pre == 'E') && !continues(p, i, type)) {
          return fail(i, fmt::format("{}; IOBES needs '{}'", describe_prev(tags, i),
                                     tag_name(pre == 'I' ? 'B' : 'S', type)));
        }
        bool next_continues = i + 1 < tags.size() &&
                              (p[i + 1].prefix == 'I' || p[i + 1].prefix == 'E') &&
                              p[i + 1].type == type;
        if ((pre == 'B' || pre == 'I') && !next_continues) {
          std::string need =
              pre == 'B'
                  ? fmt::format("'{}' or '{}' next, or '{}' for a one-token chunk",
                                tag_name('I', type), tag_name('E', type), tag_name('S', type))
                  : fmt::format("'{}' or '{}' next ('{}' closes the chunk)", tag_name('I', type),
                                tag_name('E', type), tag_name('E', type));
          return fail(i, fmt::format("{}; IOBES needs {}", describe_next(tags, i), need));
        }
        break;
      }
    }
  }
  return -1;
}

void validate_tags(const Corpus& corpus, TagScheme scheme) {
  std::string why;
  for (const Sentence& s : corpus.sentences) {
    int bad = find_invalid_tag(s.tags, scheme, &why);
    if (bad >= 0) throw InputError(fmt::format("{}:{}: {}", corpus.path, token_line(s, static_cast<std::size_t>(bad)), why));
  }
}

}  // namespace medner
