// Chunk tags and tag schemes: parsing a tag into prefix and type, chunk (span) extraction with
// conlleval's boundary rules extended to IOBES, scheme detection, conversion and strict checks.
// Tags are strings "O" or "P-TYPE" with P one of B, I, E, S; the type is everything after the
// first '-' (conlleval splits the same way, so types may contain '-'). BILOU is accepted as a
// scheme name (synonym of IOBES); its L-/U- tags are not, files must spell them E-/S-.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "data/conll.h"

namespace medner {

enum class TagScheme { IOB1, IOB2, IOBES };

// "iob1", "iob2"/"bio", "iobes"/"bioes"/"bilou" (any case); InputError otherwise.
TagScheme parse_tag_scheme(const std::string& name);
std::string to_string(TagScheme scheme);  // "iob1", "iob2", "iobes"

// A tag split at its first '-'. prefix is 'O' for the outside tag (type empty).
struct TagParts {
  char prefix = 'O';
  std::string_view type;
};

// True if tag is "O" or B-/I-/E-/S- followed by a non-empty type; fills *parts if given.
bool parse_tag(std::string_view tag, TagParts* parts = nullptr);

// "" if parse_tag accepts tag; otherwise why not, e.g. "invalid tag 'B-': the type is empty".
std::string invalid_tag_reason(std::string_view tag);

// Tokens [begin, end) of one chunk.
struct Span {
  int begin = 0;
  int end = 0;
  std::string type;
};
bool operator==(const Span& a, const Span& b);

// Chunks of one tag sequence, in order. conlleval's rules, made IOBES-correct: a token opens a
// chunk if its prefix is B or S, or if it is I/E and the previous tag is O, E-, S-, of another
// type, or absent (sentence start); I/E after B/I of the same type continue the chunk; E and S
// close it. On B/I/O input this is exactly conlleval's endOfChunk/startOfChunk (IOB1 and IOB2).
// Throws InputError on a tag parse_tag rejects.
std::vector<Span> extract_spans(const std::vector<std::string>& tags);

// The entity types a set of labels names (the X of B-X, I-X, E-X, S-X), sorted, each once.
std::vector<std::string> tag_types(const std::vector<std::string>& tags);

// The scheme a corpus is written in: IOBES if any E-/S- tag occurs; otherwise IOB1 if more
// chunks open with I- (after O, another type or at sentence start) than with B- in that
// position, else IOB2 (also for a corpus without chunks).
TagScheme detect_tag_scheme(const Corpus& corpus);

// The same chunks written in scheme `to`. IOB2 <-> IOBES and IOB1 <-> IOB2 are lossless on
// valid sequences; invalid ones (I-X after O in IOB2) are repaired the way extract_spans reads
// them. Throws InputError if tags hold E-/S- but `from` is IOB1 or IOB2.
std::vector<std::string> convert_tags(const std::vector<std::string>& tags, TagScheme from,
                                      TagScheme to);

// Index of the first tag of `tags` that is invalid in `scheme` (an I-X after O in IOB2, a B-X
// not followed by I-X/E-X in IOBES, ...), or -1 if the sequence is valid; *why (if given) says
// what was found and what the scheme needs: "tag 'I-X' follows 'O'; IOB2 needs 'B-X'".
int find_invalid_tag(const std::vector<std::string>& tags, TagScheme scheme, std::string* why);

// Strict mode for training data: throws InputError "path:line: <why>" at the first invalid tag.
void validate_tags(const Corpus& corpus, TagScheme scheme);

}  // namespace medner
