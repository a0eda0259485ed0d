// --head, declared once: which head of a model trained on several corpora (medner-train --aux,
// model/trained_model.h) tags, in medner-tag and in medner-eval --model.
#pragma once

#include "options/option_table.h"

namespace medner {

template <class Config, class Field>
Option<Config> head_option(Field field) {
  return text_option<Config>("head", OptionKind::String, field, "",
                             "the head that tags, of a model trained on several corpora (medner-eval --info "
                             "lists them; default: the first); medner-tag also takes all: every head, jsonl "
                             "output, each entity naming its head");
}

}  // namespace medner
