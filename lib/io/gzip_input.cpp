#include "io/gzip_input.h"

#include "core/error.h"
#include "io/pipe_input.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace medner {

namespace {
constexpr std::size_t kInSize = 64 * 1024;    // compressed bytes read at a time
constexpr std::size_t kOutSize = 256 * 1024;  // room for decompressed bytes per inflate
// 15: the largest window (any gzip file); +16: a gzip header and trailer, not zlib's or raw deflate.
constexpr int kGzipWindowBits = 15 + 16;
}  // namespace

bool gzip_magic(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

GzipInputBuf::GzipInputBuf(std::streambuf& source, std::string name, PipeInputBuf* pipe)
    : source_(source), name_(std::move(name)), pipe_(pipe), zs_(std::make_unique<z_stream_s>()) {
  const int r = inflateInit2(zs_.get(), kGzipWindowBits);
  if (r == Z_MEM_ERROR) throw std::bad_alloc();
  MEDNER_CHECK(r == Z_OK, "inflateInit2 returned {} ({})", r, zs_->msg != nullptr ? zs_->msg : "no message");
  in_.resize(kInSize);
  setg(nullptr, nullptr, nullptr);
}

GzipInputBuf::~GzipInputBuf() { inflateEnd(zs_.get()); }

void GzipInputBuf::fail(const std::string& message) {
  if (!error_) error_ = std::make_exception_ptr(InputError(name_ + ": " + message));
}

void GzipInputBuf::read_source() {
  std::streamsize want = static_cast<std::streamsize>(in_.size());
  if (pipe_ != nullptr) {
    // One read(2) through the pipe's buffer: sgetn would wait until `want` bytes have arrived.
    if (traits_type::eq_int_type(source_.sgetc(), traits_type::eof())) {
      source_end_ = true;
      return;
    }
    want = std::min(want, std::max<std::streamsize>(source_.in_avail(), 1));
  }
  const std::streamsize n = source_.sgetn(reinterpret_cast<char*>(in_.data()), want);
  if (n <= 0) source_end_ = true;
  zs_->next_in = in_.data();
  zs_->avail_in = n > 0 ? static_cast<uInt>(n) : 0;
}

bool GzipInputBuf::inflate_more(bool wait) {
  if (done_ || error_) return false;
  // Keep the unread bytes at the front and inflate behind them, so that line_ready() finds a
  // line that spans inflates whole.
  const std::size_t unread = static_cast<std::size_t>(egptr() - gptr());
  if (unread > 0 && gptr() != out_.data()) std::memmove(out_.data(), gptr(), unread);
  if (out_.size() < unread + kOutSize) out_.resize(unread + kOutSize);
  std::size_t have = unread;
  setg(out_.data(), out_.data(), out_.data() + have);
  for (;;) {
    if (zs_->avail_in == 0) {
      if (source_end_) {
        if (member_open_) fail("truncated gzip data (the compressed stream ends early)");
        done_ = true;
        return false;
      }
      if (!wait && pipe_ != nullptr && !pipe_->bytes_ready()) return false;
      read_source();
      continue;
    }
    if (!member_open_) {
      // Between members: zero bytes are padding (gzip(1) and Python's gzip skip them too).
      while (zs_->avail_in > 0 && *zs_->next_in == 0) {
        ++zs_->next_in;
        --zs_->avail_in;
        ++compressed_read_;
      }
      if (zs_->avail_in == 0) continue;
      member_open_ = true;
    }
    zs_->next_out = reinterpret_cast<Bytef*>(out_.data() + have);
    zs_->avail_out = static_cast<uInt>(std::min<std::size_t>(out_.size() - have, 1u << 30));
    const uInt in_before = zs_->avail_in;
    const uInt out_before = zs_->avail_out;
    const int r = inflate(zs_.get(), Z_NO_FLUSH);
    compressed_read_ += in_before - zs_->avail_in;
    have += out_before - zs_->avail_out;
    setg(out_.data(), out_.data(), out_.data() + have);
    if (r == Z_STREAM_END) {
      // A member ends; what follows is the next member (as `zcat` reads), or the end.
      member_open_ = false;
      inflateReset(zs_.get());
    } else if (r == Z_DATA_ERROR) {
      fail(std::string("corrupt gzip data: ") + (zs_->msg != nullptr ? zs_->msg : "invalid deflate data"));
    } else if (r == Z_NEED_DICT) {
      fail("corrupt gzip data: a deflate stream that needs a preset dictionary (not gzip's)");
    } else if (r == Z_MEM_ERROR) {
      if (!error_) error_ = std::make_exception_ptr(std::bad_alloc());
    } else {
      // Z_OK, or Z_BUF_ERROR: no progress without more input, which the loop reads.
      MEDNER_CHECK(r == Z_OK || r == Z_BUF_ERROR, "inflate returned {}", r);
    }
    if (have > unread) return true;
    if (error_) return false;
  }
}

GzipInputBuf::int_type GzipInputBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (!inflate_more(true)) return traits_type::eof();
  return traits_type::to_int_type(*gptr());
}

bool GzipInputBuf::line_ready() {
  for (;;) {
    if (std::find(gptr(), egptr(), '\n') != egptr()) return true;
    if (done_ || error_ || pipe_ == nullptr) return true;  // the rest, or the error, comes at once
    if (!inflate_more(false) && !done_ && !error_) return false;
  }
}

}  // namespace medner
