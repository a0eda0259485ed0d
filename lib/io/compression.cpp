#include "io/compression.h"

#include "core/error.h"

#include <zlib.h>

#include <climits>

namespace medner {

std::string zlib_compress(std::string_view bytes) {
  MEDNER_CHECK(bytes.size() < UINT_MAX, "zlib_compress: {} bytes is too large", bytes.size());
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  std::string out(size, '\0');
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(bytes.data()),
                           static_cast<uLong>(bytes.size()), Z_BEST_COMPRESSION);
  MEDNER_CHECK(rc == Z_OK, "zlib compress2 failed ({})", rc);
  out.resize(size);
  return out;
}

std::string zlib_decompress(std::string_view bytes, const std::string& what, std::size_t max_bytes) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw InputError(what + ": zlib inflateInit failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  char chunk[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string why = rc == Z_BUF_ERROR ? "truncated" : z.msg != nullptr ? z.msg : std::to_string(rc);
      inflateEnd(&z);
      throw InputError(fmt::format("{}: corrupt compressed data: {}", what, why));
    }
    out.append(chunk, sizeof chunk - z.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&z);
      throw InputError(fmt::format("{}: compressed data larger than {} bytes; the file is corrupted", what, max_bytes));
    }
  }
  const bool trailing = z.avail_in != 0;
  inflateEnd(&z);
  if (trailing) throw InputError(what + ": corrupt compressed data: bytes after the end");
  return out;
}

}  // namespace medner
