// Character n-grams as fastText forms them, their hashing, and the vector of a word never seen:
// the mean of its n-gram rows (pretrain/subwords.h, pretrain/subword_vectors.h).
#include "pretrain/subword_vectors.h"

#include <doctest/doctest.h>

using namespace medner;

TEST_CASE("subwords: n-grams of <word> by start then length, without '<' or '>' alone or the word") {
  SubwordOptions o;
  o.minn = 3;
  o.maxn = 3;
  CHECK(subword_strings("where", o) == std::vector<std::string>{"<wh", "whe", "her", "ere", "re>"});
  o.minn = 1;
  o.maxn = 2;
  // Code points, not bytes: alpha and beta are two bytes each.
  CHECK(subword_strings("\xCE\xB1\xCE\xB2", o) ==
        std::vector<std::string>{"<\xCE\xB1", "\xCE\xB1", "\xCE\xB1\xCE\xB2", "\xCE\xB2", "\xCE\xB2>"});
  o.maxn = 0;
  CHECK(subword_strings("where", o).empty());
  o.minn = 3;
  o.maxn = 6;
  CHECK(subword_strings("ab", o) == std::vector<std::string>{"<ab", "ab>"});  // "<ab>" is the word itself
}

TEST_CASE("subwords: FNV-1a hashes into the buckets") {
  CHECK(fnv1a("") == 2166136261u);
  CHECK(fnv1a("a") == 0xE40C292Cu);
  SubwordOptions o;
  o.minn = 3;
  o.maxn = 3;
  o.buckets = 1000;
  const std::vector<int> b = subword_buckets("where", o);
  REQUIRE(b.size() == 5);
  CHECK(b[0] == static_cast<int>(fnv1a("<wh") % 1000u));
  for (int x : b) CHECK((x >= 0 && x < 1000));
}

TEST_CASE("subword vectors: a word's vector is the mean of its rows; an unseen word's, of its n-grams'") {
  SubwordOptions o;
  o.minn = 3;
  o.maxn = 4;
  o.buckets = 50;
  SubwordVectors v({"tumour", "cancer"}, 3, o);
  for (std::size_t i = 0; i < v.values().size(); ++i) v.values()[i] = static_cast<float>(i % 17) - 8.0f;
  auto mean_of = [&](const std::vector<int>& rows) {
    std::vector<float> m(3, 0.0f);
    for (int r : rows)
      for (int d = 0; d < 3; ++d) m[static_cast<std::size_t>(d)] += v.row(static_cast<std::size_t>(r))[d];
    for (float& x : m) x /= static_cast<float>(rows.size());
    return m;
  };
  const std::vector<int> seen = v.rows_of("tumour");
  REQUIRE(seen.front() == 0);  // its own row first
  CHECK(seen.size() == 1 + subword_buckets("tumour", o).size());
  CHECK(v.vector("tumour") == mean_of(seen));
  std::vector<int> grams;
  for (int b : subword_buckets("tumours", o)) grams.push_back(2 + b);
  CHECK(v.find("tumours") == -1);
  CHECK(v.rows_of("tumours") == grams);
  CHECK(v.vector("tumours") == mean_of(grams));
}
