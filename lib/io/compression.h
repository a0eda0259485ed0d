// zlib (RFC 1950) compression of a model file's larger text blobs, e.g. a lexicon's names, which
// are 4 to 5 times smaller compressed. Deterministic: the same bytes in give the same bytes out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace medner {

std::string zlib_compress(std::string_view bytes);
// InputError "<what>: corrupt compressed data: ..." (or "larger than <max> bytes" once the
// output would pass max_bytes: a corrupted length cannot make it allocate without bound).
std::string zlib_decompress(std::string_view bytes, const std::string& what, std::size_t max_bytes);

}  // namespace medner
