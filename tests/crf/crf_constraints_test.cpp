// The tag-scheme masks of crf_constraints(): every rule of iob2 and iobes, and the errors.
#include "core/error.h"
#include "crf/crf_constraints.h"

#include <doctest/doctest.h>

using namespace medner;

TEST_CASE("crf constraints: iob2 forbids O -> I-X, B-X/I-X -> I-Y and a start on I-X") {
  //                       0    1        2        3        4
  const std::vector<std::string> labels = {"O", "B-Chem", "I-Chem", "B-Dis", "I-Dis"};
  const CrfConstraints c = crf_constraints(labels, "iob2");
  REQUIRE(c.size() == 5);
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) {
      CAPTURE(labels[static_cast<std::size_t>(i)]);
      CAPTURE(labels[static_cast<std::size_t>(j)]);
      bool expected = true;
      if (j == 2) expected = i == 1 || i == 2;  // I-Chem only after B-Chem / I-Chem
      if (j == 4) expected = i == 3 || i == 4;  // I-Dis only after B-Dis / I-Dis
      CHECK(c.allowed_trans(i, j) == expected);
    }
  }
  CHECK(c.allowed_start(0));
  CHECK(c.allowed_start(1));
  CHECK_FALSE(c.allowed_start(2));
  CHECK(c.allowed_start(3));
  CHECK_FALSE(c.allowed_start(4));
  CHECK(c.allowed_end.all());
}

TEST_CASE("crf constraints: iobes allows exactly the well-formed transitions") {
  //                       0    1      2      3      4      5
  const std::vector<std::string> labels = {"O", "B-A", "I-A", "E-A", "S-A", "B-B"};
  const CrfConstraints c = crf_constraints(labels, "IOBES");  // scheme names are case-insensitive
  // Rows: from; columns: to (O, B-A, I-A, E-A, S-A, B-B).
  const bool expected[6][6] = {
      {1, 1, 0, 0, 1, 1},  // O   -> O, B-*, S-*
      {0, 0, 1, 1, 0, 0},  // B-A -> I-A, E-A
      {0, 0, 1, 1, 0, 0},  // I-A -> I-A, E-A
      {1, 1, 0, 0, 1, 1},  // E-A -> O, B-*, S-*
      {1, 1, 0, 0, 1, 1},  // S-A -> O, B-*, S-*
      {0, 0, 0, 0, 0, 0},  // B-B -> I-B, E-B (absent from this label set)
  };
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) {
      CAPTURE(i);
      CAPTURE(j);
      CHECK(c.allowed_trans(i, j) == expected[i][j]);
    }
  const bool start[6] = {1, 1, 0, 0, 1, 1};
  const bool end[6] = {1, 0, 0, 1, 1, 0};
  for (int i = 0; i < 6; ++i) {
    CAPTURE(i);
    CHECK(c.allowed_start(i) == start[i]);
    CHECK(c.allowed_end(i) == end[i]);
  }
}

TEST_CASE("crf constraints: 'none' allows everything and keeps the names") {
  const CrfConstraints c = crf_constraints({"O", "B-X", "I-X"}, "none");
  CHECK(c.allowed_trans.all());
  CHECK(c.allowed_start.all());
  CHECK(c.allowed_end.all());
  CHECK(c.describe(2) == "label 2 ('I-X')");
  CHECK(CrfConstraints::none(3).describe(1) == "label 1");
}

TEST_CASE("crf constraints: unknown schemes and labels are input errors that name them") {
  CHECK_THROWS_WITH_AS(crf_constraints({"O"}, "bilou"), doctest::Contains("got 'bilou'"), InputError);
  CHECK_THROWS_WITH_AS(crf_constraints({"O", "E-Gene"}, "iob2"), doctest::Contains("'E-Gene'"), InputError);
  CHECK_THROWS_WITH_AS(crf_constraints({"O", "Gene"}, "iobes"), doctest::Contains("'Gene'"), InputError);
  CHECK_THROWS_WITH_AS(crf_constraints({"O", "B-"}, "iob2"), doctest::Contains("'B-'"), InputError);
  CHECK_THROWS_AS(crf_constraints({}, "iob2"), InputError);
}
