// libFuzzer target: the pretrained-vector reader on raw bytes (read_embeddings_bytes; the file
// variant only adds reading the file). Contract: one InputError line starting with the path, or
// vectors that are consistent (words x dim values, all finite, an index of unique words).
#include "core/error.h"
#include "data/embeddings_file.h"

#include "fuzz_common.h"

#include <cmath>
#include <cstdint>
#include <string>

using namespace medner;
using medner_fuzz::check_message;
using medner_fuzz::expect;
using medner_fuzz::fuzz_fail;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    PretrainedEmbeddings e = read_embeddings_bytes(bytes, "fuzz.vec");
    expect(e.dim > 0 && !e.words.empty(), "accepted vectors without words or dimensions");
    expect(e.values.size() == e.words.size() * static_cast<std::size_t>(e.dim),
           "values are not words x dim");
    expect(e.index.size() == e.words.size(), "duplicate words were accepted");
    for (float v : e.values) expect(std::isfinite(v), "a non-finite value was accepted");
    for (std::size_t i = 0; i < e.words.size(); ++i)
      expect(e.find(e.words[i]) == static_cast<int>(i),
             "index does not find word " + std::to_string(i));
  } catch (const InputError& e) {
    check_message(e.what(), "fuzz.vec");
  } catch (const std::exception& e) {
    fuzz_fail(std::string("unexpected exception: ") + e.what());
  }
  return 0;
}
