// Character n-grams of a word, as fastText forms them (Bojanowski et al. 2017): the word is
// wrapped in '<' and '>', and every run of minn..maxn code points of "<word>" is an n-gram,
// except '<' and '>' alone; the whole "<word>" is the word's own vector, not an n-gram. Each
// n-gram is hashed (FNV-1a over its UTF-8 bytes) into one of `buckets` rows, so a word never
// seen in training still has a vector: the mean of its n-gram rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace medner {

struct SubwordOptions {
  int minn = 3, maxn = 6;  // n-gram lengths in code points; maxn = 0 turns subwords off
  int buckets = 200000;    // hash rows shared by all n-grams
};

uint32_t fnv1a(const std::string& bytes);

// The bucket of each n-gram of `word`, in order of start then length (repeats kept: an n-gram that
// occurs twice counts twice, as in fastText).
std::vector<int> subword_buckets(const std::string& word, const SubwordOptions& o);

// The n-gram strings themselves, in the same order (for tests and --neighbours diagnostics).
std::vector<std::string> subword_strings(const std::string& word, const SubwordOptions& o);

}  // namespace medner
