// Pins the model file: every field round-trips (config order, UTF-8 and empty vocabulary entries,
// blobs, parameters bit-exact); every damaged file (truncated anywhere, any byte flipped, wrong
// magic, future version, missing or unknown section, lying length fields) is one InputError line
// starting with the path, never a crash; parameter names and shapes are checked both ways.
#include "io/model_file.h"

#include "core/error.h"
#include "core/params.h"
#include "core/rng.h"
#include "io/atomic_file.h"
#include "io/binary.h"
#include "io/checksum.h"
#include "common/temp_dir.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <limits>

using namespace medner;
using medner_test::TempDir;

namespace {

const std::string kPath = "runs/x/model.bin";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

ModelFile::Tensor tensor(const std::string& name, Index rows, Index cols, Rng& rng) {
  ModelFile::Tensor t{name, rows, cols, {}};
  for (Index i = 0; i < rows * cols; ++i) t.data.push_back(static_cast<real>(rng.normal()));
  return t;
}

ModelFile sample(std::size_t big = 0) {
  Rng rng(42);
  ModelFile mf;
  mf.kind = "checkpoint";
  mf.config = {
      {"word-dim", "100"}, {"char-encoder", "lstm"}, {"a", ""}, {"embeddings", "données/é.txt"}};
  mf.vocabularies = {{"words", {"<pad>", "<unk>", "the", "α-synuclein", "", "日本語", "naïve"}},
                     {"empty", {}},
                     {"tags", {"O", "B-Chemical", "I-Chemical"}}};
  mf.blobs = {{"rng", std::string("\0\1\2\3binary\xff", 11)}, {"nothing", ""}};
  mf.params.push_back(tensor("crf/trans", 3, 3, rng));
  mf.params.push_back(tensor("bilstm/0/fwd/W", 4, 5, rng));
  ModelFile::Tensor special{"special", 1, 6, {}};
  special.data = {real(-0.0),
                  std::numeric_limits<real>::quiet_NaN(),
                  std::numeric_limits<real>::infinity(),
                  std::numeric_limits<real>::denorm_min(),
                  std::numeric_limits<real>::max(),
                  real(1)};
  mf.params.push_back(special);
  if (big > 0) mf.params.push_back(tensor("embed/words", 100, static_cast<Index>(big / 100), rng));
  return mf;
}

void check_equal(const ModelFile& a, const ModelFile& b) {
  CHECK(a.kind == b.kind);
  CHECK(a.config == b.config);
  CHECK(a.vocabularies == b.vocabularies);
  CHECK(a.blobs == b.blobs);
  REQUIRE(a.params.size() == b.params.size());
  for (std::size_t i = 0; i < a.params.size(); ++i) {
    CHECK(a.params[i].name == b.params[i].name);
    CHECK(a.params[i].rows == b.params[i].rows);
    CHECK(a.params[i].cols == b.params[i].cols);
    REQUIRE(a.params[i].data.size() == b.params[i].data.size());
    CHECK(std::memcmp(a.params[i].data.data(), b.params[i].data.data(),
                      a.params[i].data.size() * sizeof(real)) == 0);
  }
}

// A hand-assembled file, to test what encode_model_file never writes. `sections` are the
// complete section records; the length and the CRC are computed correctly unless overridden.
std::string assemble(uint32_t version, const std::string& kind, const std::string& sections) {
  BinaryWriter w;
  w.raw(std::string_view(kModelMagic, 8));
  w.u32(version);
  w.str(kind);
  w.u64(sections.size());
  w.raw(sections);
  w.u32(crc32(w.buffer()));
  return w.take();
}

std::string section(const char* id, const std::string& body) {
  BinaryWriter w;
  w.raw(std::string_view(id, 4));
  w.bytes(body);
  return w.take();
}

std::string empty_body() {
  BinaryWriter w;
  w.u32(0);
  return w.take();
}

std::string all_empty_sections() {
  return section("CONF", empty_body()) + section("VOCB", empty_body()) +
         section("BLOB", empty_body()) + section("PARM", empty_body());
}

uint32_t le32(const std::string& s, std::size_t at) {
  BinaryReader r(std::string_view(s).substr(at, 4), "");
  return r.u32();
}

}  // namespace

TEST_CASE("model file: every field round-trips through a file, parameters bit-exactly") {
  TempDir dir;
  const ModelFile mf = sample();
  const std::string path = dir.file("model.bin");
  save_model_file(path, mf);
  CHECK(dir.list() == std::vector<std::string>{"model.bin"});
  const ModelFile back = load_model_file(path);
  check_equal(mf, back);
  CHECK(encode_model_file(back) == read_file(path));  // re-encoding is byte-identical
}

TEST_CASE("model file: header layout is magic, version, kind, payload length; CRC-32 at the end") {
  ModelFile mf = sample();
  mf.kind = "model";
  const std::string bytes = encode_model_file(mf);
  CHECK(bytes.substr(0, 8) == std::string("MEDNERM\0", 8));
  CHECK(le32(bytes, 8) == kModelFormatVersion);
  CHECK(le32(bytes, 12) == 5);
  CHECK(bytes.substr(16, 5) == "model");
  BinaryReader r(std::string_view(bytes).substr(21, 8), "");
  CHECK(r.u64() == bytes.size() - 29 - 4);
  CHECK(bytes.substr(29, 4) == "CONF");
  CHECK(le32(bytes, bytes.size() - 4) ==
        crc32(std::string_view(bytes).substr(0, bytes.size() - 4)));
}

TEST_CASE("model file: an empty model and an empty checkpoint round-trip") {
  ModelFile mf;
  mf.kind = "model";
  const ModelFile back = decode_model_file(encode_model_file(mf), kPath);
  check_equal(mf, back);
  CHECK(encode_model_file(mf) == assemble(kModelFormatVersion, "model", all_empty_sections()));
}

TEST_CASE("model file: truncated at every sixteenth of its length, and at every byte, says so") {
  const std::string bytes = encode_model_file(sample());
  for (std::size_t i = 0; i < 16; ++i) {
    const std::size_t n = i * bytes.size() / 16;
    const std::string msg = error_of([&] { decode_model_file(bytes.substr(0, n), kPath); });
    CAPTURE(n);
    CHECK(starts_with(msg, kPath + ": truncated ("));
    CHECK(msg.find('\n') == std::string::npos);
  }
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::string msg = error_of([&] { decode_model_file(bytes.substr(0, n), kPath); });
    CAPTURE(n);
    REQUIRE(starts_with(msg, kPath + ": truncated ("));
  }
  CHECK(error_of([&] { decode_model_file("", kPath); }) ==
        kPath + ": truncated (needed 8 bytes at offset 0, file has 0)");
}

TEST_CASE("model file: a truncated file on disk is reported by load_model_file") {
  TempDir dir;
  const std::string path = dir.file("model.bin");
  save_model_file(path, sample());
  const std::string bytes = read_file(path);
  write_file_atomic(path, bytes.substr(0, bytes.size() / 2));
  const std::string msg = error_of([&] { load_model_file(path); });
  CHECK(msg == fmt::format("{}: truncated (needed {} bytes at offset {}, file has {})", path,
                           bytes.size() - bytes.size() / 2, bytes.size() / 2, bytes.size() / 2));
}

TEST_CASE("model file: every single flipped byte gives one InputError line, never a crash") {
  const std::string bytes = encode_model_file(sample());
  int checksum = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (const unsigned mask : {0x01u, 0x80u, 0xFFu}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
      const std::string msg = error_of([&] { decode_model_file(bad, kPath); });
      CAPTURE(i);
      CAPTURE(msg);
      REQUIRE(starts_with(msg, kPath + ": "));
      REQUIRE(msg.find('\n') == std::string::npos);
      if (msg.find("checksum mismatch: the file is corrupted") != std::string::npos) ++checksum;
    }
  }
  // Bytes after the fixed header fields are covered only by the CRC: nearly all flips land there.
  CHECK(checksum > static_cast<int>(3 * (bytes.size() - 40)));
}

TEST_CASE("model file: random damage with a recomputed CRC is caught by the structure checks") {
  // A checksum that matches does not make the content trustworthy (a buggy or hostile writer):
  // every length is validated anyway. Each damaged file must decode or throw InputError.
  const std::string bytes = encode_model_file(sample());
  const std::size_t body_start = 29 + 0;  // after magic, version, "checkpoint" str, length
  Rng rng(3);
  int rejected = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    std::string bad = bytes.substr(0, bytes.size() - 4);
    const int flips = 1 + static_cast<int>(rng.below(4));
    for (int f = 0; f < flips; ++f) {
      const std::size_t at = body_start + 5 + rng.below(bad.size() - body_start - 5);
      bad[at] = rng.below(3) == 0 ? '\xff' : static_cast<char>(rng.below(256));
    }
    BinaryWriter w;
    w.raw(bad);
    w.u32(crc32(bad));
    try {
      decode_model_file(w.buffer(), kPath);
    } catch (const InputError& e) {
      REQUIRE(starts_with(e.what(), kPath + ": "));
      ++rejected;
    }
  }
  CHECK(rejected > 1000);
}

TEST_CASE("model file: wrong magic") {
  const std::string expected = kPath + ": not a medner model file (bad magic)";
  CHECK(error_of([&] { decode_model_file("word\tO\nthe\tO\n", kPath); }) == expected);
  CHECK(error_of([&] { decode_model_file("x", kPath); }) == expected);
  std::string bytes = encode_model_file(sample());
  bytes[0] = 'm';
  CHECK(error_of([&] { decode_model_file(bytes, kPath); }) == expected);
}

TEST_CASE("model file: a version from the future, and version 0, name the supported versions") {
  const std::string future = assemble(7, "model", all_empty_sections());
  CHECK(error_of([&] { decode_model_file(future, kPath); }) ==
        fmt::format("{}: format version 7 is newer than this medner supports ({}); upgrade medner",
                    kPath, kModelFormatVersion));
  const std::string zero = assemble(0, "model", all_empty_sections());
  CHECK(error_of([&] { decode_model_file(zero, kPath); }) ==
        fmt::format("{}: format version 0 is not supported (this medner reads {})", kPath,
                    kModelFormatVersion));
}

TEST_CASE("model file: checksum mismatch in the payload") {
  std::string bytes = encode_model_file(sample());
  const std::size_t at = bytes.find("α-synuclein");
  REQUIRE(at != std::string::npos);
  bytes[at + 3] = 'S';
  const std::string msg = error_of([&] { decode_model_file(bytes, kPath); });
  CHECK(starts_with(msg, kPath + ": checksum mismatch: the file is corrupted"));
}

TEST_CASE("model file: missing, unknown and repeated sections; unknown kind; trailing bytes") {
  const std::string conf = section("CONF", empty_body()), vocb = section("VOCB", empty_body()),
                    blob = section("BLOB", empty_body()), parm = section("PARM", empty_body());
  CHECK(error_of([&] { decode_model_file(assemble(1, "model", conf + vocb + blob), kPath); }) ==
        kPath + ": missing section 'PARM' (parameters)");
  CHECK(error_of([&] { decode_model_file(assemble(1, "model", vocb + blob + parm), kPath); }) ==
        kPath + ": missing section 'CONF' (config)");
  // Sections may come in any order.
  CHECK(decode_model_file(assemble(1, "model", parm + blob + vocb + conf), kPath).kind == "model");
  CHECK(error_of([&] {
          decode_model_file(assemble(1, "model", conf + vocb + blob + parm + conf), kPath);
        }) == kPath + ": section 'CONF' appears twice (at offset " +
                  std::to_string(29 + 4 * conf.size()) + ")");
  const std::string odd = section("XY\x01Z", "");
  CHECK(starts_with(
      error_of([&] { decode_model_file(assemble(1, "model", conf + odd), kPath); }),
      kPath + ": unknown section 'XY\\x01Z' at offset " + std::to_string(29 + conf.size())));
  CHECK(error_of([&] { decode_model_file(assemble(1, "weights", all_empty_sections()), kPath); }) ==
        kPath + ": unknown kind 'weights' (expected 'model', 'checkpoint', 'charlm', 'charlm-checkpoint' or 'vectors-checkpoint')");
  const std::string extra = assemble(1, "model", all_empty_sections()) + "junk";
  CHECK(starts_with(error_of([&] { decode_model_file(extra, kPath); }),
                    kPath + ": 4 unexpected bytes after the checksum"));
  // A section body with bytes its entries do not account for.
  CHECK(starts_with(
      error_of([&] {
        decode_model_file(
            assemble(1, "model", section("CONF", empty_body() + "x") + vocb + blob + parm), kPath);
      }),
      kPath + ": corrupted section 'CONF': 1 unexpected bytes"));
}

TEST_CASE("model file: lying counts and lengths with a valid CRC are rejected without allocating") {
  // A vocabulary claiming 2^32-1 entries, a parameter claiming 2^60 values, a blob of 2^63 bytes.
  BinaryWriter vocab;
  vocab.u32(1);
  vocab.str("words");
  vocab.u32(0xFFFFFFFFu);
  BinaryWriter param;
  param.u32(1);
  param.str("w");
  param.u64(1ull << 30);
  param.u64(1ull << 30);
  param.u8(sizeof(real));
  param.u64(1ull << 60);
  BinaryWriter blob;
  blob.u32(1);
  blob.str("b");
  blob.u64(1ull << 63);
  const std::string conf = section("CONF", empty_body());
  for (const std::string& body : {section("VOCB", vocab.buffer()), section("PARM", param.buffer()),
                                  section("BLOB", blob.buffer())}) {
    const std::string msg =
        error_of([&] { decode_model_file(assemble(1, "model", conf + body), kPath); });
    CHECK(starts_with(msg, kPath + ": corrupted section '"));
  }
  // A section length that runs past the payload.
  BinaryWriter s;
  s.raw("CONF");
  s.u64(1ull << 62);
  CHECK(starts_with(error_of([&] { decode_model_file(assemble(1, "model", s.buffer()), kPath); }),
                    kPath + ": corrupted payload (needed "));
  // A parameter whose shape disagrees with its value count, duplicate names.
  BinaryWriter shape;
  shape.u32(1);
  shape.str("w");
  shape.u64(2);
  shape.u64(3);
  const std::vector<real> five(5, real(1));
  shape.reals(five);
  CHECK(error_of([&] {
          decode_model_file(assemble(1, "model", section("PARM", shape.buffer())), kPath);
        }) == kPath + ": corrupted file: parameter 'w' has shape 2x3 and 5 values");
  BinaryWriter dup;
  dup.u32(2);
  for (int i = 0; i < 2; ++i) {
    dup.str("k");
    dup.str("v");
  }
  CHECK(error_of([&] {
          decode_model_file(assemble(1, "model", section("CONF", dup.buffer())), kPath);
        }) == kPath + ": corrupted file: config key 'k' appears twice");
}

TEST_CASE("model file: parameters written in the other precision are converted on loading") {
  // A file from the MEDNER_DOUBLE build read by the float build, or the other way round.
  const bool float_build = sizeof(real) == 4;
  BinaryWriter body;
  body.u32(1);
  body.str("w");
  body.u64(1);
  body.u64(2);
  body.u8(float_build ? 8 : 4);
  body.u64(2);
  if (float_build) {
    body.f64(0.1);
    body.f64(-3.0);
  } else {
    body.f32(0.1f);
    body.f32(-3.0f);
  }
  const std::string file =
      assemble(1, "model",
               section("CONF", empty_body()) + section("VOCB", empty_body()) +
                   section("BLOB", empty_body()) + section("PARM", body.buffer()));
  const ModelFile mf = decode_model_file(file, kPath);
  REQUIRE(mf.params.size() == 1);
  CHECK(
      mf.params[0].data ==
      std::vector<real>{float_build ? static_cast<real>(0.1) : static_cast<real>(0.1f), real(-3)});
}

TEST_CASE("model file: the writer refuses what the reader would reject") {
  ModelFile mf = sample();
  mf.kind = "weights";
  CHECK_THROWS_AS(encode_model_file(mf), InternalError);
  mf = sample();
  mf.params[0].data.pop_back();
  CHECK_THROWS_AS(encode_model_file(mf), InternalError);
  mf = sample();
  mf.config.push_back(mf.config.front());
  CHECK_THROWS_AS(encode_model_file(mf), InternalError);
  mf = sample();
  mf.params.push_back(mf.params.front());
  CHECK_THROWS_AS(encode_model_file(mf), InternalError);
}

TEST_CASE("model file: params store -> file -> store by name, whatever the order of creation") {
  Rng rng(5);
  ParamStore a;
  const Param emb = a.add("embed/words", 3, 7, true);
  const Param w = a.add("lstm/W", 4, 2);
  const Param t = a.add("crf/trans", 5, 5);
  a.finalize();
  for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = static_cast<real>(rng.normal());
  ModelFile mf;
  mf.kind = "model";
  store_params(a, mf);
  REQUIRE(mf.params.size() == 3);
  const ModelFile back = decode_model_file(encode_model_file(mf), kPath);

  ParamStore b;  // same parameters, added in another order
  const Param bt = b.add("crf/trans", 5, 5);
  const Param bemb = b.add("embed/words", 3, 7, true);
  const Param bw = b.add("lstm/W", 4, 2);
  b.finalize();
  load_params(back, b, kPath);
  CHECK(b.value(bt) == a.value(t));
  CHECK(b.value(bemb) == a.value(emb));
  CHECK(b.value(bw) == a.value(w));
}

TEST_CASE("model file: parameter shape mismatch, missing and extra parameters, both sides named") {
  ParamStore model;
  const Param trans = model.add("crf/trans", 11, 11);
  model.add("lstm/W", 2, 2);
  model.finalize();
  model.value(trans).setConstant(7);
  Rng rng(1);
  ModelFile mf;
  mf.kind = "model";
  mf.params = {tensor("crf/trans", 9, 9, rng), tensor("lstm/W", 2, 2, rng)};
  CHECK(error_of([&] { load_params(mf, model, kPath); }) ==
        kPath + ": parameter 'crf/trans' is 9x9 in the file but 11x11 in the model");
  CHECK(model.value(trans).isConstant(7));  // nothing copied on failure

  mf.params = {tensor("lstm/W", 2, 2, rng)};
  CHECK(error_of([&] { load_params(mf, model, kPath); }) ==
        kPath + ": parameter 'crf/trans' is in the model but missing from the file");

  mf.params = {tensor("crf/trans", 11, 11, rng), tensor("lstm/W", 2, 2, rng),
               tensor("char/W", 1, 3, rng)};
  CHECK(error_of([&] { load_params(mf, model, kPath); }) ==
        kPath + ": parameter 'char/W' is in the file but not in the model");
  CHECK(model.value(trans).isConstant(7));

  mf.params = {tensor("crf/trans", 11, 12, rng), tensor("x", 1, 1, rng), tensor("y", 1, 1, rng)};
  CHECK(error_of([&] { load_params(mf, model, kPath); }) ==
        kPath +
            ": parameter 'crf/trans' is 11x12 in the file but 11x11 in the model "
            "(and 3 more parameter mismatches)");
}

TEST_CASE(
    "model file: typed blobs round-trip; wrong type, wrong size and absence are InputErrors") {
  ModelFile mf;
  mf.kind = "checkpoint";
  const std::vector<real> m = {real(0.5), real(-1), std::numeric_limits<real>::denorm_min()};
  const std::vector<uint64_t> state = {1, 2, std::numeric_limits<uint64_t>::max(), 0};
  const std::vector<std::string> names = {"", "é", "epoch"};
  put_blob_reals(mf, "adam/m", m);
  put_blob_u64s(mf, "rng", state);
  put_blob_strings(mf, "order", names);
  put_blob(mf, "raw", "abc");
  put_blob(mf, "raw", "replaced");
  CHECK(mf.blobs.size() == 4);
  const ModelFile back = decode_model_file(encode_model_file(mf), kPath);
  const std::vector<real> m2 = get_blob_reals(back, "adam/m", kPath);
  REQUIRE(m2.size() == m.size());
  CHECK(std::memcmp(m2.data(), m.data(), m.size() * sizeof(real)) == 0);
  std::vector<real> into(3);
  get_blob_reals(back, "adam/m", kPath, into.data(), into.size());
  CHECK(into == m);
  CHECK(get_blob_u64s(back, "rng", kPath) == state);
  CHECK(get_blob_strings(back, "order", kPath) == names);
  CHECK(get_blob(back, "raw", kPath) == "replaced");
  CHECK(find_blob(back, "none") == nullptr);

  CHECK(error_of([&] { get_blob_reals(back, "adam/m", kPath, into.data(), 4); }) ==
        kPath + ": blob 'adam/m' holds 3 values, expected 4");
  CHECK(error_of([&] { get_blob(back, "adam/v", kPath); }) == kPath + ": missing blob 'adam/v'");
  CHECK(starts_with(error_of([&] { get_blob_reals(back, "rng", kPath); }),
                    kPath + ": corrupted blob 'rng'"));
  CHECK(starts_with(error_of([&] { get_blob_u64s(back, "raw", kPath); }),
                    kPath + ": corrupted blob 'raw'"));

  // take_blob moves the bytes out and leaves the other blobs in their order.
  ModelFile taken = back;
  std::string bytes = "kept";
  CHECK_FALSE(take_blob(taken, "none", bytes));
  CHECK(bytes == "kept");
  CHECK(take_blob(taken, "rng", bytes));
  CHECK(bytes == get_blob(back, "rng", kPath));
  REQUIRE(taken.blobs.size() == 3);
  CHECK(taken.blobs[0].first == "adam/m");
  CHECK(taken.blobs[1].first == "order");
  CHECK(taken.blobs[2].first == "raw");
  CHECK(find_blob(taken, "rng") == nullptr);
}

TEST_CASE("model file: lookups and kind check") {
  const ModelFile mf = sample();
  REQUIRE(find_config(mf, "char-encoder") != nullptr);
  CHECK(*find_config(mf, "char-encoder") == "lstm");
  CHECK(find_config(mf, "nope") == nullptr);
  CHECK(get_vocabulary(mf, "tags", kPath).size() == 3);
  CHECK(error_of([&] { get_vocabulary(mf, "chars", kPath); }) ==
        kPath + ": missing vocabulary 'chars'");
  model_require_kind(mf, "checkpoint", kPath);
  CHECK(error_of([&] { model_require_kind(mf, "model", kPath); }) ==
        kPath + ": is a checkpoint, expected a model");
}

TEST_CASE("model file: a 20 MB model saves and loads quickly and bit-exactly") {
  TempDir dir;
  const std::string path = dir.file("big.bin");
  const ModelFile mf = sample(5 * 1000 * 1000);  // 5M reals
  const auto t0 = std::chrono::steady_clock::now();
  save_model_file(path, mf);
  const auto t1 = std::chrono::steady_clock::now();
  const ModelFile back = load_model_file(path);
  const auto t2 = std::chrono::steady_clock::now();
  check_equal(mf, back);
  const double save_s = std::chrono::duration<double>(t1 - t0).count();
  const double load_s = std::chrono::duration<double>(t2 - t1).count();
  MESSAGE(fmt::format("{:.1f} MB: save {:.3f} s, load {:.3f} s",
                      static_cast<double>(read_file(path).size()) / 1e6, save_s, load_s));
  CHECK(load_s < 2.0);  // about 0.03 s measured; the bound only catches a per-element slow path
}
