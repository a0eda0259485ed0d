// gzip-compressed input read as the text it holds: a read-only streambuf that inflates the bytes
// of another streambuf (zlib), every member of a concatenated file in turn, as `zcat` does.
// InputFile puts it in front of any input that starts with gzip's magic bytes, whatever its name.
// Not here: other compressions (bzip2, xz, zstd stay refused as binary text), writing gzip.
#pragma once

#include <exception>
#include <memory>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

struct z_stream_s;  // zlib's z_stream: zlib.h stays out of this header (medner_io links zlib alone)

namespace medner {

class PipeInputBuf;

// Whether `bytes` begin with the gzip magic 1f 8b (RFC 1952).
bool gzip_magic(std::string_view bytes);

// Inflates `source` (not owned). A corrupt or truncated stream ends the decompressed stream
// where it went wrong, with error() set: std::istream would turn an exception thrown here into
// badbit and drop its message, and a reader that reads the whole stream into a string (operator<<
// of a streambuf) would not even see the badbit.
class GzipInputBuf : public std::streambuf {
 public:
  // `pipe`, when given, is `source` itself, asked whether it has bytes without waiting.
  GzipInputBuf(std::streambuf& source, std::string name, PipeInputBuf* pipe = nullptr);
  ~GzipInputBuf() override;
  GzipInputBuf(const GzipInputBuf&) = delete;
  GzipInputBuf& operator=(const GzipInputBuf&) = delete;

  // True when the decompressed bytes hold the next whole line, or the end (or an error) is
  // reached, inflating what the pipe has without waiting to find out. Without a pipe: true.
  bool line_ready();
  // InputError "<name>: corrupt gzip data: ..." or "<name>: truncated gzip data ...", or null.
  std::exception_ptr error() const { return error_; }
  // Compressed bytes consumed by the decompressor so far.
  unsigned long long compressed_read() const { return compressed_read_; }

 protected:
  int_type underflow() override;

 private:
  // Decompresses into the buffer behind its unread bytes, reading the source when the
  // decompressor has no input left; true once it produced bytes. Without `wait` it reads a pipe
  // only while the pipe has bytes at once, and gives up (false) when it has none.
  bool inflate_more(bool wait);
  // One read of the source into in_: what it holds now (a pipe: what one read(2) returns), so
  // that a line of a stream flushed by its writer is not held back waiting for a full block.
  void read_source();
  void fail(const std::string& message);

  std::streambuf& source_;
  std::string name_;
  PipeInputBuf* pipe_;
  std::unique_ptr<z_stream_s> zs_;
  std::vector<unsigned char> in_;
  std::vector<char> out_;
  bool source_end_ = false;
  bool member_open_ = false;  // inside a member: the source's end now is a truncation
  bool done_ = false;
  unsigned long long compressed_read_ = 0;
  std::exception_ptr error_;
};

}  // namespace medner
