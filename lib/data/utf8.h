// UTF-8 decoding, validation and repair. Offsets in medner's user-facing output are Unicode code
// points (Python's str indexing), so readers validate and the tokenizer counts code points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace medner {

constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point starting at s[i]; on success sets cp, advances i and returns true.
// On an invalid sequence (bad lead byte, bad continuation, overlong form, surrogate, > U+10FFFF,
// truncation) returns false and advances i by one byte.
bool utf8_next(std::string_view s, std::size_t& i, char32_t& cp);

// True if s is valid UTF-8; otherwise *bad_offset (if given) is the byte offset of the first
// invalid sequence.
bool utf8_valid(std::string_view s, std::size_t* bad_offset = nullptr);

// s with every invalid sequence replaced by U+FFFD (one per invalid byte).
std::string utf8_repair(std::string_view s);

void utf8_append(std::string& out, char32_t cp);
std::size_t utf8_length(std::string_view s);  // code points; invalid bytes count one each
std::u32string utf8_decode(std::string_view s);  // invalid bytes become U+FFFD
std::string utf8_encode(std::u32string_view s);

}  // namespace medner
