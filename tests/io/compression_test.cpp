// zlib blobs (io/compression.h): a round trip, determinism, and corrupt, truncated or oversized
// data refused with the name of what was read.
#include "core/error.h"
#include "io/compression.h"

#include <doctest/doctest.h>

#include <string>

using namespace medner;

TEST_CASE("compression: round trip, deterministic, smaller for text") {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "0\tbreast cancer " + std::to_string(i % 97) + "\n";
  const std::string z = zlib_compress(text);
  CHECK(z.size() < text.size() / 4);
  CHECK(zlib_compress(text) == z);
  CHECK(zlib_decompress(z, "blob", text.size()) == text);
  CHECK(zlib_decompress(zlib_compress(""), "blob", 0).empty());
}

TEST_CASE("compression: corrupt, truncated and oversized data are input errors") {
  const std::string text(100000, 'x');
  const std::string z = zlib_compress(text);
  CHECK_THROWS_WITH_AS(zlib_decompress(z.substr(0, z.size() / 2), "m.bin: blob 'lexicon'", text.size()),
                       "m.bin: blob 'lexicon': corrupt compressed data: truncated", InputError);
  std::string bad = z;
  bad[0] = 'Q';
  CHECK_THROWS_AS(zlib_decompress(bad, "b", text.size()), InputError);
  CHECK_THROWS_WITH_AS(zlib_decompress(z, "b", 1000), "b: compressed data larger than 1000 bytes; the file is corrupted",
                       InputError);
  CHECK_THROWS_WITH_AS(zlib_decompress(z + "tail", "b", text.size()), "b: corrupt compressed data: bytes after the end",
                       InputError);
}
