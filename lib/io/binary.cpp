#include "io/binary.h"

#include "core/error.h"

#include <cstring>
#include <limits>
#include <type_traits>

namespace medner {
namespace {

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
constexpr bool kLittleEndianHost = false;
#else
constexpr bool kLittleEndianHost = true;
#endif

// Shift-based loads/stores are endian-independent; compilers turn them into plain moves.
uint32_t load_u32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}

uint64_t load_u64(const char* p) { return uint64_t(load_u32(p)) | uint64_t(load_u32(p + 4)) << 32; }

float load_f32(const char* p) {
  const uint32_t u = load_u32(p);
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

double load_f64(const char* p) {
  const uint64_t u = load_u64(p);
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}

void store_u64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFFu);
}

}  // namespace

void BinaryWriter::u32(uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xFFu);
  buf_.append(b, 4);
}

void BinaryWriter::u64(uint64_t v) {
  char b[8];
  store_u64(b, v);
  buf_.append(b, 8);
}

void BinaryWriter::f32(float v) {
  uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  u32(u);
}

void BinaryWriter::f64(double v) {
  uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  u64(u);
}

void BinaryWriter::str(std::string_view s) {
  MEDNER_CHECK(s.size() <= std::numeric_limits<uint32_t>::max(), "string of {} bytes", s.size());
  u32(static_cast<uint32_t>(s.size()));
  raw(s);
}

void BinaryWriter::bytes(std::string_view s) {
  u64(s.size());
  raw(s);
}

void BinaryWriter::reals(const real* p, std::size_t n) {
  u8(static_cast<uint8_t>(sizeof(real)));
  u64(n);
  if (kLittleEndianHost) {
    buf_.append(reinterpret_cast<const char*>(p), n * sizeof(real));
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (std::is_same<real, float>::value)
      f32(static_cast<float>(p[i]));
    else
      f64(static_cast<double>(p[i]));
  }
}

void BinaryWriter::u64s(const uint64_t* p, std::size_t n) {
  u64(n);
  for (std::size_t i = 0; i < n; ++i) u64(p[i]);
}

void BinaryWriter::patch_u64(std::size_t offset, uint64_t v) {
  MEDNER_CHECK(offset + 8 <= buf_.size(), "patch at {} past the end ({})", offset, buf_.size());
  store_u64(&buf_[offset], v);
}

BinaryReader::BinaryReader(std::string_view data, std::string path)
    : BinaryReader(data, std::move(path), 0, data.size(), "") {}

BinaryReader::BinaryReader(std::string_view data, std::string path, std::size_t base,
                           std::size_t file_size, std::string what)
    : data_(data),
      base_(base),
      file_size_(file_size),
      path_(std::move(path)),
      what_(std::move(what)) {}

void BinaryReader::fail(const std::string& msg) const { throw InputError(path_ + ": " + msg); }

const char* BinaryReader::need(std::size_t n) {
  if (n > remaining()) {
    if (what_.empty())
      fail(fmt::format("truncated (needed {} bytes at offset {}, file has {})", n, offset(),
                       file_size_));
    fail(fmt::format("corrupted {} (needed {} bytes at offset {}, it ends at offset {})", what_, n,
                     offset(), base_ + data_.size()));
  }
  const char* p = data_.data() + pos_;
  pos_ += n;
  return p;
}

BinaryReader BinaryReader::sub(std::size_t n, const std::string& what) {
  const std::size_t start = offset();
  const char* p = need(n);
  return BinaryReader(std::string_view(p, n), path_, start, file_size_, what);
}

std::size_t BinaryReader::count(uint64_t n, std::size_t min_bytes, const char* what) {
  const uint64_t fit =
      min_bytes == 0 ? std::numeric_limits<uint64_t>::max() : remaining() / min_bytes;
  if (n > fit) {
    if (n <= std::numeric_limits<std::size_t>::max() / min_bytes)
      need(static_cast<std::size_t>(n) * min_bytes);  // throws with the usual message
    fail(fmt::format("corrupted {}: {} {} announced at offset {}, only {} bytes follow",
                     what_.empty() ? std::string("file") : what_, n, what, offset(), remaining()));
  }
  return static_cast<std::size_t>(n);
}

uint8_t BinaryReader::u8() { return static_cast<uint8_t>(*need(1)); }
uint32_t BinaryReader::u32() { return load_u32(need(4)); }
uint64_t BinaryReader::u64() { return load_u64(need(8)); }
float BinaryReader::f32() { return load_f32(need(4)); }
double BinaryReader::f64() { return load_f64(need(8)); }

std::string BinaryReader::str() {
  const std::size_t n = count(u32(), 1, "bytes");
  return std::string(need(n), n);
}

std::string BinaryReader::bytes() {
  const std::size_t n = count(u64(), 1, "bytes");
  return std::string(need(n), n);
}

std::string_view BinaryReader::raw(std::size_t n) { return std::string_view(need(n), n); }

std::vector<real> BinaryReader::reals() {
  const std::size_t at = offset();
  const uint8_t width = u8();
  if (width != 4 && width != 8)
    fail(fmt::format("corrupted {}: real array at offset {} has element width {} (expected 4 or 8)",
                     what_.empty() ? std::string("file") : what_, at, width));
  const std::size_t n = count(u64(), width, "values");
  const char* p = need(n * width);
  std::vector<real> out(n);
  if (kLittleEndianHost && width == sizeof(real)) {
    if (n > 0) std::memcpy(out.data(), p, n * width);
  } else if (width == 4) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<real>(load_f32(p + 4 * i));
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<real>(load_f64(p + 8 * i));
  }
  return out;
}

std::vector<uint64_t> BinaryReader::u64s() {
  const std::size_t n = count(u64(), 8, "values");
  const char* p = need(n * 8);
  std::vector<uint64_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = load_u64(p + 8 * i);
  return out;
}

void BinaryReader::expect_end() const {
  if (at_end()) return;
  if (what_.empty())
    fail(fmt::format("{} unexpected bytes at offset {} after the end of the data", remaining(),
                     offset()));
  fail(fmt::format("corrupted {}: {} unexpected bytes at offset {}", what_, remaining(), offset()));
}

}  // namespace medner
