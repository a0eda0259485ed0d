// The batcher under concurrent requests: every request gets its own texts' results in order,
// equal to tagging them alone (tags and spans exactly, confidences up to the order of a batch's
// sums); requests queued while the workers are busy are tagged together; a request out of time
// gets Expired.
#include "data/conll.h"
#include "model/tagging.h"
#include "serve/small_model.h"
#include "serve/tag_batcher.h"

#include <doctest/doctest.h>

#include <cmath>
#include <thread>

using namespace medner;

namespace {

// Sentence i of a bundled corpus as raw text.
std::string text(const Corpus& c, std::size_t i) {
  std::string out;
  for (const std::string& t : c.sentences[i % c.sentences.size()].tokens) out += (out.empty() ? "" : " ") + t;
  return out;
}

void check_same(const TaggedSentence& got, const TaggedSentence& want) {
  CHECK(got.text == want.text);
  CHECK(got.tags == want.tags);
  REQUIRE(got.entities.size() == want.entities.size());
  for (std::size_t e = 0; e < got.entities.size(); ++e) {
    CHECK(got.entities[e].begin == want.entities[e].begin);
    CHECK(got.entities[e].end == want.entities[e].end);
    CHECK(std::abs(got.entities[e].confidence - want.entities[e].confidence) < 1e-4);
  }
}

}  // namespace

TEST_CASE("tag batcher: 24 concurrent requests get their own results, tagged in shared batches") {
  const TrainedModel m = small_model(7);
  const Predictor p(*m.net, m.vocab, 1);
  const Corpus c = read_conll("data/bc5cdr/devel.tsv");
  constexpr int kClients = 24;
  std::vector<std::vector<std::string>> requests(kClients);
  for (int k = 0; k < kClients; ++k)
    for (int i = 0; i <= k % 3; ++i) requests[k].push_back(text(c, static_cast<std::size_t>(7 * k + i)));
  std::vector<std::string> big;  // keeps the one worker busy while the others queue
  for (std::size_t i = 0; i < 640; ++i) big.push_back(text(c, 1000 + i));

  long big_batches = 0;  // the big request alone
  {
    TagBatcher alone(m, p, 1);
    alone.tag(big, 0, TagBatcher::Clock::now() + std::chrono::minutes(10));
    big_batches = alone.batches();
  }
  std::vector<std::vector<TaggedSentence>> got(kClients);
  long batches = 0, texts = 0;
  {
    TagBatcher batcher(m, p, 1);
    const auto deadline = TagBatcher::Clock::now() + std::chrono::minutes(10);
    std::thread first([&] { batcher.tag(big, 0, deadline); });
    std::vector<std::thread> clients;
    for (int k = 0; k < kClients; ++k)
      clients.emplace_back([&, k] { got[k] = batcher.tag(requests[k], 0, deadline); });
    for (std::thread& t : clients) t.join();
    first.join();
    batches = batcher.batches();
    texts = batcher.texts();
  }
  long small_texts = 0;
  TagOptions alone;
  alone.threads = 1;
  for (int k = 0; k < kClients; ++k) {
    CAPTURE(k);
    const std::vector<TaggedSentence> want = tag_texts(m, requests[k], alone);
    REQUIRE(got[k].size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) check_same(got[k][i], want[i]);
    small_texts += static_cast<long>(want.size());
  }
  CHECK(texts == 640 + small_texts);
  // The big request's batches; the small ones, queued behind it, share fewer than 24.
  MESSAGE("batches: ", batches, " for ", kClients, " small requests and the big one's ", big_batches);
  CHECK(big_batches >= 10);
  CHECK(batches < big_batches + kClients);
}

TEST_CASE("tag batcher: a request past its deadline is Expired; nbest requests are tagged apart") {
  const TrainedModel m = small_model(7);
  const Predictor p(*m.net, m.vocab, 1);
  const Corpus c = read_conll("data/bc5cdr/devel.tsv");
  TagBatcher batcher(m, p, 2);
  const std::vector<std::string> texts = {text(c, 1), text(c, 2)};
  try {
    batcher.tag(texts, 0, TagBatcher::Clock::now() - std::chrono::seconds(1));
    FAIL("no Expired");
  } catch (const TagBatcher::Expired& e) {
    CHECK(e.tagged == 0);
  }
  const auto later = TagBatcher::Clock::now() + std::chrono::minutes(1);
  const std::vector<TaggedSentence> with_nbest = batcher.tag(texts, 3, later);
  REQUIRE(with_nbest.size() == 2);
  CHECK(with_nbest[0].nbest.size() == 3);
  CHECK(batcher.tag(texts, 0, later)[0].nbest.empty());
  CHECK(batcher.tag({}, 0, later).empty());
}
