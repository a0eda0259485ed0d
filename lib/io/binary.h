// Little-endian binary encoding. BinaryWriter appends to a byte string; BinaryReader decodes an
// in-memory buffer (a whole file read at once) and bounds-checks every read, so a truncated or
// corrupted file is an InputError naming the path and the offset, never an out-of-bounds read,
// and no length field is trusted before the bytes it announces are known to be there.
//
// Encodings: integers and IEEE floats little-endian; str = u32 byte length + bytes;
// bytes = u64 byte length + bytes; a real array = u8 element width (4 = float32, 8 = float64),
// u64 count, elements. Arrays are written in the build's `real` and read into either build's
// `real` (float64 -> float32 rounds), so a model moves between the float and MEDNER_DOUBLE builds
// and a round trip within one build is bit-exact.
#pragma once

#include "core/tensor.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medner {

class BinaryWriter {
 public:
  void u8(uint8_t v) { buf_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v);
  void u64(uint64_t v);
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f32(float v);
  void f64(double v);
  void str(std::string_view s);    // u32 length + bytes; s must be shorter than 4 GiB
  void bytes(std::string_view s);  // u64 length + bytes
  void raw(std::string_view s) { buf_.append(s.data(), s.size()); }
  void reals(const real* p, std::size_t n);  // u8 width + u64 count + n elements
  void reals(const std::vector<real>& v) { reals(v.data(), v.size()); }
  void u64s(const uint64_t* p, std::size_t n);  // u64 count + n values
  void u64s(const std::vector<uint64_t>& v) { u64s(v.data(), v.size()); }

  // Overwrites the u64 at `offset` (written earlier as a placeholder, e.g. a section length).
  void patch_u64(std::size_t offset, uint64_t v);
  void reserve(std::size_t n) { buf_.reserve(n); }
  std::size_t size() const { return buf_.size(); }
  const std::string& buffer() const { return buf_; }
  std::string take() { return std::move(buf_); }

 private:
  std::string buf_;
};

class BinaryReader {
 public:
  // Reads `data`, the whole content of the file `path`.
  BinaryReader(std::string_view data, std::string path);

  // A reader over the next n bytes (which must be there) that this reader then skips. Running
  // past the end of the sub-reader is reported as a corrupted `what` (e.g. "section 'PARM'"),
  // not as a truncated file.
  BinaryReader sub(std::size_t n, const std::string& what);

  uint8_t u8();
  uint32_t u32();
  uint64_t u64();
  int64_t i64() { return static_cast<int64_t>(u64()); }
  float f32();
  double f64();
  std::string str();
  std::string bytes();
  std::string_view raw(std::size_t n);  // a view into the buffer
  std::vector<real> reals();
  std::vector<uint64_t> u64s();

  // Checks that `n` items of at least `min_bytes` each can still follow (so a corrupted count
  // cannot trigger a huge allocation) and returns n. `what` names the items in the message.
  std::size_t count(uint64_t n, std::size_t min_bytes, const char* what);

  std::size_t offset() const { return base_ + pos_; }  // file offset of the next byte
  std::size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  // InputError if unread bytes are left: "<path>: corrupted <what>: N unexpected bytes at offset
  // O".
  void expect_end() const;
  // Throws InputError "<path>: <msg>".
  [[noreturn]] void fail(const std::string& msg) const;
  const std::string& path() const { return path_; }

 private:
  BinaryReader(std::string_view data, std::string path, std::size_t base, std::size_t file_size,
               std::string what);
  const char* need(std::size_t n);  // bounds check, returns the bytes and advances

  std::string_view data_;
  std::size_t pos_ = 0;
  std::size_t base_ = 0;       // file offset of data_[0]
  std::size_t file_size_ = 0;  // for the truncation message
  std::string path_;
  std::string what_;  // empty for the whole file
};

}  // namespace medner
