// Several pretrained tables side by side (data/embeddings_file.h concat_embeddings): rows are the
// tables' vectors in order, zeros where a table lacks the word, the first casing of a key wins.
#include "data/embeddings_file.h"
#include "data/word_features.h"

#include <doctest/doctest.h>

using namespace medner;

TEST_CASE("embeddings: concatenated tables, zeros for a missing word, first casing of a key wins") {
  const PretrainedEmbeddings glove = read_embeddings_bytes("cancer 1 2\nthe 3 4\n", "g.txt");
  const PretrainedEmbeddings pubmed = read_embeddings_bytes("3 1\nCancer 5\ncancer 6\nBRCA1 7\n", "p.vec");
  const WordOptions lower;
  const PretrainedEmbeddings c =
      concat_embeddings({glove, pubmed}, [&](const std::string& w) { return normalize_word(w, lower); });
  CHECK(c.dim == 3);
  CHECK(c.words == std::vector<std::string>{"cancer", "the", "brca1"});
  auto row = [&](const char* w) {
    const float* v = c.vector(c.find(w));
    return std::vector<float>(v, v + c.dim);
  };
  CHECK(row("cancer") == std::vector<float>{1, 2, 5});  // "Cancer" came first in the PubMed file
  CHECK(row("the") == std::vector<float>{3, 4, 0});
  CHECK(row("brca1") == std::vector<float>{0, 0, 7});
  CHECK(c.find("BRCA1") < 0);
}
