// Document context: the BiLSTM of a sentence also reads the sentences around it.
//
// A sentence alone often does not say what a name is: in an abstract the title names the chemical
// and the disease, later sentences repeat them or their abbreviations ("... induced by puromycin
// aminonucleoside (PAN) ..." then "PAN nephrosis"). With context k, each sentence is encoded as a
// window of up to k sentences before it, itself and up to k after it, all of one document; the
// CRF and the loss see only the sentence's own tokens (EncodedSentence::target_begin/length), so
// every token is still tagged exactly once, with its neighbours as input. Training and tagging
// build the same windows, so a model sees at tagging time the input it was trained on.
#pragma once

#include "model/dataset.h"

#include <vector>

namespace medner {

// Turns every sentence of `data` into its window (k = 0: unchanged). document[i] names the
// document of sentence i (document_ids in data/conll.h for a CoNLL file: -DOCSTART- lines separate
// documents); windows never cross from one document to another. Empty: all sentences are one
// document. The bundled corpora have no -DOCSTART- lines but their sentences are in abstract
// order, so a window reads its abstract, and at an abstract's edge a little of the next one.
void add_context(Dataset& data, int k, const std::vector<int>& document = {});

// encode_corpus, then add_context with the corpus's documents (data/conll.h document_ids): the
// input a model with context k reads for a CoNLL corpus, in training and in tagging alike. The
// dataset's word counts and token count are those of the corpus, each token once. Tags are
// those of `head` (encode_corpus).
Dataset encode_in_context(const Corpus& corpus, const Vocabularies& vocab, bool with_tags, int k, int head = 0);

}  // namespace medner
