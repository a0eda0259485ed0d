// GzipInputBuf: members of a concatenated file are all read (as zcat does), input larger than
// its buffers comes back byte for byte, a truncated or corrupt stream ends with an InputError
// naming the file, and over a pipe a whole decompressed line is ready without waiting for more.
#include "io/gzip_input.h"

#include "core/error.h"
#include "io/pipe_input.h"

#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <istream>
#include <sstream>
#include <string>

using namespace medner;

namespace {

// `text` as one gzip member; Z_SYNC_FLUSH after each of `flush_at` (byte offsets) lets a reader
// decompress what came before without the rest, as a writer that flushes per line would.
std::string gzip_member(const std::string& text, const std::vector<std::size_t>& flush_at = {}) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out;
  std::size_t at = 0;
  std::vector<std::size_t> cuts = flush_at;
  cuts.push_back(text.size());
  for (std::size_t c = 0; c < cuts.size(); ++c) {
    const bool last = c + 1 == cuts.size();
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data() + at));
    zs.avail_in = static_cast<uInt>(cuts[c] - at);
    at = cuts[c];
    int r;
    do {
      char buf[4096];
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      r = deflate(&zs, last ? Z_FINISH : Z_SYNC_FLUSH);
      out.append(buf, sizeof buf - zs.avail_out);
    } while (last ? r != Z_STREAM_END : zs.avail_out == 0);
  }
  deflateEnd(&zs);
  return out;
}

struct Read {
  std::string text;
  std::string error;  // InputError's message, "" if none
};

Read read_all(const std::string& compressed) {
  std::istringstream src(compressed);
  GzipInputBuf buf(*src.rdbuf(), "in.gz");
  std::istream in(&buf);
  std::ostringstream text;
  text << in.rdbuf();
  Read r{text.str(), ""};
  try {
    if (buf.error()) std::rethrow_exception(buf.error());
  } catch (const InputError& e) {
    r.error = e.what();
  }
  return r;
}

// Text that deflate cannot shrink to nothing: lines of pseudo-random words, ending with a newline.
// (Compared in double parentheses below: doctest would print megabytes of it on a failure.)
std::string varied_text(std::size_t bytes) {
  std::string s;
  unsigned x = 12345;
  while (s.size() < bytes) {
    x = x * 1103515245u + 12345u;
    s += "token" + std::to_string(x % 100000) + ((x >> 16) % 7 == 0 ? "\n" : " ");
  }
  return s + "\n";
}

}  // namespace

TEST_CASE("gzip input: the magic is 1f 8b") {
  CHECK(gzip_magic("\x1f\x8b\x08"));
  CHECK_FALSE(gzip_magic("\x1f"));
  CHECK_FALSE(gzip_magic("BZh9"));
  CHECK_FALSE(gzip_magic(""));
}

TEST_CASE("gzip input: concatenated members are read in turn, empty members and zero padding too") {
  const std::string gz = gzip_member("first line\nsec") + gzip_member("") + gzip_member("ond line\nthird\n");
  Read r = read_all(gz);
  CHECK(r.error == "");
  CHECK(r.text == "first line\nsecond line\nthird\n");
  r = read_all(gz + std::string(512, '\0'));  // padding after the last member (tar, dd)
  CHECK(r.error == "");
  CHECK(r.text == "first line\nsecond line\nthird\n");
}

TEST_CASE("gzip input: input much larger than the buffers comes back byte for byte, line by line") {
  const std::string text = varied_text(3 * 1024 * 1024);  // 12 x the 256 KB output buffer
  const std::string gz = gzip_member(text.substr(0, 1000000)) + gzip_member(text.substr(1000000));
  REQUIRE(gz.size() > 2 * 64 * 1024);  // also several compressed reads
  CHECK((read_all(gz).text == text));
  std::istringstream src(gz);
  GzipInputBuf buf(*src.rdbuf(), "in.gz");
  std::istream in(&buf);
  std::string line, joined;
  while (std::getline(in, line)) joined += line + "\n";
  CHECK((joined == text));
  CHECK(buf.compressed_read() == gz.size());
}

TEST_CASE("gzip input: a truncated stream is an InputError after the text before the cut") {
  const std::string text = varied_text(200000);
  const std::string gz = gzip_member(text);
  for (std::size_t keep : {std::size_t{2}, std::size_t{10}, gz.size() / 2, gz.size() - 4, gz.size() - 1}) {
    CAPTURE(keep);
    const Read r = read_all(gz.substr(0, keep));
    CHECK(r.error == "in.gz: truncated gzip data (the compressed stream ends early)");
    CHECK(text.compare(0, r.text.size(), r.text) == 0);
    CHECK(r.text.size() <= text.size());
  }
  // The second member cut short: the first is read whole.
  const Read r = read_all(gzip_member("whole\n") + gzip_member(text).substr(0, 100));
  CHECK(r.error == "in.gz: truncated gzip data (the compressed stream ends early)");
  CHECK(r.text.compare(0, 6, "whole\n") == 0);
}

TEST_CASE("gzip input: corrupt data is an InputError with zlib's reason") {
  std::string gz = gzip_member(varied_text(100000));
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 6] = static_cast<char>(bad_crc[bad_crc.size() - 6] ^ 0xff);  // the CRC-32
  CHECK(read_all(bad_crc).error == "in.gz: corrupt gzip data: incorrect data check");
  std::string bad_method = gz;
  bad_method[2] = 7;  // compression method 7: not deflate
  CHECK(read_all(bad_method).error == "in.gz: corrupt gzip data: unknown compression method");
  // Garbage after a whole member is not another member.
  CHECK(read_all(gz + "trailing text\n").error == "in.gz: corrupt gzip data: incorrect header check");
}

TEST_CASE("gzip input: over a pipe, a flushed line is ready before the rest arrives") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const std::string text = "first line\nsecond line\n";
  const std::string gz = gzip_member(text, {11});  // flushed after "first line\n"
  // What a writer that flushes after each line has sent after the first: up to the sync marker
  // 00 00 ff ff that ends the flushed block.
  const std::string marker("\x00\x00\xff\xff", 4);
  const std::size_t marker_at = gz.find(marker);
  REQUIRE(marker_at != std::string::npos);
  const std::size_t flushed = marker_at + marker.size();
  PipeInputBuf pipe(fds[0], "<pipe>");
  GzipInputBuf buf(pipe, "<stdin>", &pipe);
  std::istream in(&buf);
  CHECK_FALSE(buf.line_ready());  // nothing written
  REQUIRE(::write(fds[1], gz.data(), flushed) == static_cast<ssize_t>(flushed));
  CHECK(buf.line_ready());
  std::string line;
  REQUIRE(std::getline(in, line));
  CHECK(line == "first line");
  CHECK_FALSE(buf.line_ready());  // the second line's bytes have not been written
  REQUIRE(::write(fds[1], gz.data() + flushed, gz.size() - flushed) == static_cast<ssize_t>(gz.size() - flushed));
  ::close(fds[1]);
  CHECK(buf.line_ready());
  REQUIRE(std::getline(in, line));
  CHECK(line == "second line");
  CHECK_FALSE(std::getline(in, line));
  CHECK_FALSE(buf.error());
  ::close(fds[0]);
}
