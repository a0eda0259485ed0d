#include "model/dataset.h"

#include "core/error.h"
#include "data/utf8.h"
#include "model/ner_network.h"

#include <omp.h>

#include <algorithm>
#include <unordered_map>

namespace medner {

namespace {

std::string char_string(char32_t c) {
  std::string s;
  utf8_append(s, c);
  return s;
}

// The token itself when it is short enough (no copy), else its cut form kept in `cut`.
const std::string& model_form(const std::string& token, std::string& cut) {
  if (token.size() <= kMaxModelTokenChars) return token;  // bytes >= code points
  cut = model_token(token);
  return cut;
}

}  // namespace

std::string model_token(std::string_view token) {
  if (token.size() <= kMaxModelTokenChars) return std::string(token);  // bytes >= code points
  const std::u32string chars = utf8_decode(token);
  if (chars.size() <= kMaxModelTokenChars) return std::string(token);
  const std::size_t half = kMaxModelTokenChars / 2;
  std::u32string cut = chars.substr(0, half);
  cut += chars.substr(chars.size() - half);
  return utf8_encode(cut);
}

Vocabularies build_vocabularies(const Corpus& train, const std::vector<const Corpus*>& extra,
                                const PretrainedEmbeddings* pretrained, const WordOptions& options,
                                TagScheme scheme) {
  Vocabularies v;
  v.word_options = options;
  v.scheme = scheme;
  v.words.add(kPadToken);
  v.words.add(kUnkToken);
  v.chars.add(kPadToken);
  v.chars.add(kUnkToken);
  std::string cut;
  for (const Sentence& s : train.sentences)
    for (const std::string& raw : s.tokens) {
      const std::string& tok = model_form(raw, cut);
      v.words.add(normalize_word(tok, options));
      for (char32_t c : token_chars(tok)) v.chars.add(char_string(c));
    }
  v.tags = tag_vocabulary(train, scheme);
  if (pretrained != nullptr)
    for (const Corpus* c : extra)
      for (const Sentence& s : c->sentences)
        for (const std::string& raw : s.tokens) {
          std::string w = normalize_word(model_form(raw, cut), options);
          if (v.words.find(w) < 0 && pretrained->find(w) >= 0) v.words.add(w);
        }
  return v;
}

Vocab tag_vocabulary(const Corpus& corpus, TagScheme scheme) {
  const TagScheme from = detect_tag_scheme(corpus);
  std::vector<std::string> tags;
  for (const Sentence& s : corpus.sentences)
    for (const std::string& t : convert_tags(s.tags, from, scheme))
      if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  std::sort(tags.begin(), tags.end(), [](const std::string& a, const std::string& b) {
    if (a == "O" || b == "O") return a == "O" && b != "O";
    return a < b;
  });
  if (std::find(tags.begin(), tags.end(), "O") == tags.end()) tags.insert(tags.begin(), "O");
  Vocab v;
  for (const std::string& t : tags) v.add(t);
  return v;
}

namespace {

Dataset encode(const std::vector<const std::vector<std::string>*>& token_lists,
               const std::vector<const Sentence*>& tagged, const Vocabularies& vocab, TagScheme from,
               const std::string& path, int head) {
  const Vocab& labels = vocab.head_tags(head);
  Dataset d;
  std::unordered_map<std::string, int> form_ids;
  d.forms.offsets.push_back(0);
  d.word_counts.assign(static_cast<std::size_t>(vocab.words.size()), 0);
  d.sentences.reserve(token_lists.size());
  // The tokens as the character language model reads them: cut as for the other features. A fixed
  // model embeds every sentence at the end, in one threaded pass; a tuned one only needs each
  // sentence's character ids, so one scratch list serves.
  const bool fixed_lm = vocab.charlm && !vocab.charlm_fine_tune;
  std::vector<std::vector<std::string>> lm_input(fixed_lm ? token_lists.size() : 0);
  std::vector<std::string> tuned_lm_tokens;
  std::string cut;
  for (std::size_t i = 0; i < token_lists.size(); ++i) {
    const auto& toks = *token_lists[i];
    EncodedSentence e;
    e.head = head;
    for (const std::string& raw : toks) {
      const std::string& tok = model_form(raw, cut);
      int w = vocab.words.find(normalize_word(tok, vocab.word_options));
      if (w < 0) {
        w = kUnkId;
        // The vector of a word the vocabulary lacks, from subwords: of the token as written (the
        // subword model was trained on text as written, and its vocabulary is cased).
        if (const UnknownWordVectors* u = vocab.unknown_vectors.get()) {
          const std::size_t at = e.word_vectors.size();
          e.word_vectors.resize(at + static_cast<std::size_t>(u->word_dim));
          if (u->fill(tok, e.word_vectors.data() + at))
            e.vector_tokens.push_back(e.size());
          else
            e.word_vectors.resize(at);
        }
      }
      e.words.push_back(w);
      ++d.word_counts[static_cast<std::size_t>(w)];
      e.casing.push_back(casing_category(tok));
      auto [it, added] = form_ids.emplace(tok, d.forms.size());
      if (added) {
        for (char32_t c : token_chars(tok)) {
          int id = vocab.chars.find(char_string(c));
          d.forms.chars.push_back(id < 0 ? kUnkId : id);
        }
        d.forms.offsets.push_back(static_cast<int>(d.forms.chars.size()));
      }
      e.forms.push_back(it->second);
    }
    if (vocab.lexicon) vocab.lexicon->append_features(toks, e.lexicon);
    if (vocab.charlm) {
      std::vector<std::string>& cut_tokens = fixed_lm ? lm_input[i] : tuned_lm_tokens;
      cut_tokens.clear();
      for (const std::string& raw : toks) cut_tokens.push_back(model_form(raw, cut));
      // Tuned with the tagger, the model's states are the network's to compute: it gets the text.
      if (!fixed_lm) e.charlm_ids = vocab.charlm->encode_sentence(cut_tokens, &e.charlm_last, &e.charlm_first);
    }
    if (!tagged.empty()) {
      const Sentence& s = *tagged[i];
      std::vector<std::string> tags = convert_tags(s.tags, from, vocab.scheme);
      for (std::size_t k = 0; k < tags.size(); ++k) {
        int id = labels.find(tags[k]);
        if (id < 0)
          throw InputError(fmt::format("{}:{}: tag '{}' does not occur in the training data", path,
                                       token_line(s, k), s.tags[k]));
        e.tags.push_back(id);
      }
    }
    d.tokens += static_cast<long>(toks.size());
    d.sentences.push_back(std::move(e));
  }
  if (fixed_lm) {
    std::vector<std::vector<real>> features =
        vocab.charlm->embed(lm_input, vocab.charlm_threads > 0 ? vocab.charlm_threads : omp_get_max_threads());
    for (std::size_t i = 0; i < d.sentences.size(); ++i) d.sentences[i].charlm = std::move(features[i]);
  }
  return d;
}

}  // namespace

Dataset encode_corpus(const Corpus& corpus, const Vocabularies& vocab, bool with_tags, int head) {
  std::vector<const std::vector<std::string>*> toks;
  std::vector<const Sentence*> tagged;
  for (const Sentence& s : corpus.sentences) {
    toks.push_back(&s.tokens);
    if (with_tags) tagged.push_back(&s);
  }
  TagScheme from = with_tags ? detect_tag_scheme(corpus) : TagScheme::IOB2;
  return encode(toks, tagged, vocab, from, corpus.path, head);
}

void append_dataset(Dataset& data, const Dataset& more) {
  if (data.forms.offsets.empty()) data.forms.offsets.push_back(0);
  const int base = data.forms.size();
  const int chars_base = data.forms.offsets.back();
  for (std::size_t f = 1; f < more.forms.offsets.size(); ++f) data.forms.offsets.push_back(chars_base + more.forms.offsets[f]);
  data.forms.chars.insert(data.forms.chars.end(), more.forms.chars.begin(), more.forms.chars.end());
  for (EncodedSentence s : more.sentences) {
    for (int& f : s.forms) f += base;
    data.sentences.push_back(std::move(s));
  }
  if (data.word_counts.size() < more.word_counts.size()) data.word_counts.resize(more.word_counts.size(), 0);
  for (std::size_t w = 0; w < more.word_counts.size(); ++w) data.word_counts[w] += more.word_counts[w];
  data.tokens += more.tokens;
}

Dataset encode_tokens(const std::vector<std::vector<std::string>>& sentences, const Vocabularies& vocab) {
  std::vector<const std::vector<std::string>*> toks;
  for (const auto& s : sentences) toks.push_back(&s);
  return encode(toks, {}, vocab, TagScheme::IOB2, "", 0);
}

int load_pretrained_vectors(const PretrainedEmbeddings& pretrained, const Vocabularies& vocab,
                            NerNetwork& net, const std::string& path) {
  auto table = net.params().value(net.word_embedding().table());
  if (pretrained.dim != table.rows())
    throw InputError(fmt::format("{}: vectors have {} dimensions but --word-dim is {}", path,
                                 pretrained.dim, table.rows()));
  int found = 0;
  for (int w = 2; w < vocab.words.size(); ++w) {
    int p = pretrained.find(vocab.words.at(w));
    if (p < 0) continue;
    for (int d = 0; d < pretrained.dim; ++d) table(d, w) = static_cast<real>(pretrained.vector(p)[d]);
    ++found;
  }
  return found;
}

}  // namespace medner
