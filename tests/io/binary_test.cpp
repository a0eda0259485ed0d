// Pins the CRC-32 against its published check value and a bitwise reference, the little-endian
// byte layout of every BinaryWriter type, and the bounds checks of BinaryReader.
#include "io/binary.h"

#include "core/error.h"
#include "core/rng.h"
#include "io/checksum.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

using namespace medner;

namespace {

// The textbook bit-at-a-time CRC-32, as an independent reference for the sliced one.
uint32_t crc32_bitwise(std::string_view s) {
  uint32_t c = 0xFFFFFFFFu;
  for (const char ch : s) {
    c ^= static_cast<unsigned char>(ch);
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}

std::string random_bytes(Rng& rng, std::size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng.below(256));
  return s;
}

std::string hex(const std::string& s) {
  std::string out;
  for (const char c : s) out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  return out;
}

template <class T>
uint64_t bits(T v) {
  uint64_t u = 0;
  std::memcpy(&u, &v, sizeof v);
  return u;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

}  // namespace

TEST_CASE("crc32: check value of '123456789' is cbf43926, empty input is 0") {
  CHECK(crc32("123456789") == 0xCBF43926u);
  CHECK(crc32("") == 0u);
  CHECK(crc32("The quick brown fox jumps over the lazy dog") == 0x414FA339u);
}

TEST_CASE("crc32: slicing-by-8 equals the bitwise reference at every length and alignment") {
  Rng rng(7);
  const std::string data = random_bytes(rng, 300);
  for (std::size_t start = 0; start < 8; ++start)
    for (std::size_t n = 0; start + n <= data.size(); n += 1 + n / 8) {
      const std::string_view s = std::string_view(data).substr(start, n);
      REQUIRE(crc32(s) == crc32_bitwise(s));
    }
}

TEST_CASE("crc32: chaining over pieces equals the CRC of the whole") {
  Rng rng(8);
  const std::string a = random_bytes(rng, 37), b = random_bytes(rng, 1000);
  CHECK(crc32(b, crc32(a)) == crc32(a + b));
}

TEST_CASE("binary: scalars are written little-endian with the documented widths") {
  BinaryWriter w;
  w.u8(0xAB);
  w.u32(0x01020304u);
  w.u64(0x0102030405060708ull);
  w.i64(-2);
  w.f32(1.0f);
  w.f64(-2.0);
  w.str("hé");
  w.bytes("x");
  CHECK(hex(w.buffer()) ==
        "ab"
        "04030201"
        "0807060504030201"
        "feffffffffffffff"
        "0000803f"
        "00000000000000c0"
        "03000000"
        "68c3a9"
        "0100000000000000"
        "78");
}

TEST_CASE("binary: every type round-trips, extremes and special floats bit-exactly") {
  const float nanf = std::numeric_limits<float>::quiet_NaN();
  const double dmin = std::numeric_limits<double>::denorm_min();
  BinaryWriter w;
  w.u8(0);
  w.u8(255);
  w.u32(std::numeric_limits<uint32_t>::max());
  w.u64(std::numeric_limits<uint64_t>::max());
  w.i64(std::numeric_limits<int64_t>::min());
  w.f32(-0.0f);
  w.f32(nanf);
  w.f64(dmin);
  w.f64(-std::numeric_limits<double>::infinity());
  w.str("");
  w.str(std::string("a\0b", 3));
  w.str("α-synuclein");
  w.bytes(std::string(70000, 'z'));
  const std::vector<real> reals = {real(1.5), real(-0.0), std::numeric_limits<real>::quiet_NaN(),
                                   std::numeric_limits<real>::denorm_min(), real(3.25e7)};
  w.reals(reals);
  w.reals(nullptr, 0);
  w.u64s({0, 1, std::numeric_limits<uint64_t>::max()});
  w.u64s({});

  const std::string buf = w.take();
  BinaryReader r(buf, "t.bin");
  CHECK(r.u8() == 0);
  CHECK(r.u8() == 255);
  CHECK(r.u32() == std::numeric_limits<uint32_t>::max());
  CHECK(r.u64() == std::numeric_limits<uint64_t>::max());
  CHECK(r.i64() == std::numeric_limits<int64_t>::min());
  CHECK(bits(r.f32()) == bits(-0.0f));
  CHECK(bits(r.f32()) == bits(nanf));
  CHECK(bits(r.f64()) == bits(dmin));
  CHECK(bits(r.f64()) == bits(-std::numeric_limits<double>::infinity()));
  CHECK(r.str().empty());
  CHECK(r.str() == std::string("a\0b", 3));
  CHECK(r.str() == "α-synuclein");
  CHECK(r.bytes() == std::string(70000, 'z'));
  const std::vector<real> back = r.reals();
  REQUIRE(back.size() == reals.size());
  CHECK(std::memcmp(back.data(), reals.data(), reals.size() * sizeof(real)) == 0);
  CHECK(r.reals().empty());
  CHECK(r.u64s() == std::vector<uint64_t>{0, 1, std::numeric_limits<uint64_t>::max()});
  CHECK(r.u64s().empty());
  CHECK(r.at_end());
  r.expect_end();
}

TEST_CASE("binary: a real array in the other precision is converted on reading") {
  BinaryWriter w;
  w.u8(8);  // float64 elements
  w.u64(2);
  w.f64(0.1);
  w.f64(-1e30);
  w.u8(4);  // float32 elements
  w.u64(1);
  w.f32(0.1f);
  const std::string buf = w.take();
  BinaryReader r(buf, "t.bin");
  const std::vector<real> a = r.reals();
  REQUIRE(a.size() == 2);
  CHECK(a[0] == static_cast<real>(0.1));
  CHECK(a[1] == static_cast<real>(-1e30));
  const std::vector<real> b = r.reals();
  REQUIRE(b.size() == 1);
  CHECK(b[0] == static_cast<real>(0.1f));
}

TEST_CASE("binary: reading past the end names path, need, offset and size") {
  BinaryWriter w;
  w.u32(5);
  w.raw("ab");
  const std::string buf = w.take();
  BinaryReader r(buf, "m.bin");
  CHECK(error_of([&] { r.str(); }) == "m.bin: truncated (needed 5 bytes at offset 4, file has 6)");

  BinaryReader r2(std::string_view(buf).substr(0, 3), "m.bin");
  CHECK(error_of([&] { r2.u32(); }) == "m.bin: truncated (needed 4 bytes at offset 0, file has 3)");
}

TEST_CASE("binary: huge length fields are rejected before any allocation") {
  BinaryWriter w;
  w.u8(4);
  w.u64(std::numeric_limits<uint64_t>::max());  // a real array of 2^64-1 elements
  w.u32(0);
  std::string buf = w.take();
  BinaryReader r(buf, "m.bin");
  const std::string msg = error_of([&] { r.reals(); });
  CHECK(msg.rfind("m.bin: ", 0) == 0);

  BinaryWriter w2;
  w2.u64(std::numeric_limits<uint64_t>::max() / 8 + 5);  // count whose byte size overflows
  const std::string buf2 = w2.take();
  BinaryReader r2(buf2, "m.bin");
  CHECK(error_of([&] { r2.u64s(); }).rfind("m.bin: ", 0) == 0);

  BinaryWriter w3;
  w3.u32(0xFFFFFFFFu);
  const std::string buf3 = w3.take();
  BinaryReader r3(buf3, "m.bin");
  CHECK(error_of([&] { r3.str(); }) ==
        "m.bin: truncated (needed 4294967295 bytes at offset 4, file has 4)");
}

TEST_CASE("binary: a real array with an unknown element width is an InputError") {
  BinaryWriter w;
  w.u8(2);
  w.u64(1);
  w.raw("xx");
  const std::string buf = w.take();
  BinaryReader r(buf, "m.bin");
  CHECK(error_of([&] { r.reals(); }) ==
        "m.bin: corrupted file: real array at offset 0 has element width 2 (expected 4 or 8)");
}

TEST_CASE("binary: a sub-reader reports overruns as corruption of its part, with file offsets") {
  BinaryWriter w;
  w.raw("HEAD");
  w.u32(100);  // a string length that runs past the 6-byte part
  w.raw("ab");
  w.raw("rest of the file");
  const std::string buf = w.take();
  BinaryReader r(buf, "m.bin");
  r.raw(4);
  BinaryReader s = r.sub(6, "section 'CONF'");
  CHECK(r.offset() == 10);
  CHECK(s.offset() == 4);
  CHECK(error_of([&] { s.str(); }) ==
        "m.bin: corrupted section 'CONF' (needed 100 bytes at offset 8, it ends at offset 10)");
  BinaryReader s2 = r.sub(4, "section 'VOCB'");
  CHECK(error_of([&] { s2.expect_end(); }) ==
        "m.bin: corrupted section 'VOCB': 4 unexpected bytes at offset 10");
  CHECK(error_of([&] {
          r.sub(1000, "x");
        }).rfind("m.bin: truncated (needed 1000 bytes at offset 14", 0) == 0);
}
