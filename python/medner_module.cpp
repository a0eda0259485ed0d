// The Python binding (pybind11): medner.Tagger loads a model and tags texts with the model
// library's tag_texts (the GIL released while the threads work); medner.evaluate scores like
// medner-eval --format json. Errors are the CLI's messages: InputError and UsageError become
// ValueError, IoError OSError, anything else RuntimeError.
#include "core/error.h"
#include "data/tag_scheme.h"
#include "eval/eval_command.h"
#include "model/tagging.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

namespace py = pybind11;
using namespace medner;

namespace {

py::list entities_of(const TaggedSentence& t) {
  py::list out;
  for (const TaggedEntity& e : t.entities) {
    py::dict d;
    d["start"] = e.begin;
    d["end"] = e.end;
    d["type"] = e.type;
    d["text"] = e.text;
    d["confidence"] = e.confidence;
    if (!e.head.empty()) d["head"] = e.head;  // head="all"
    out.append(std::move(d));
  }
  return out;
}

class Tagger {
 public:
  Tagger(const std::string& path, int threads, bool abbreviations, int abbreviation_scope, const std::string& head)
      : model_(load_trained_model(path, threads)), path_(path) {
    head_ = head == kAllHeads ? 0 : find_head(model_, head);  // refused here, not at the first text
    options_.head = head;
    if (abbreviation_scope < 0)
      throw UsageError("abbreviation_scope: expected an integer >= 0, got " + std::to_string(abbreviation_scope));
    options_.threads = threads;
    options_.abbreviations.enabled = abbreviations;
    options_.abbreviations.scope = abbreviation_scope;
  }

  py::list tag(const std::string& text) { return tag_many({text}, options_.threads)[0]; }

  py::list tag_many(const std::vector<std::string>& texts, int threads) {
    if (threads < 0 || threads > kMaxThreads)
      throw UsageError("threads: expected an integer in [0, " + std::to_string(kMaxThreads) + "], got " +
                       std::to_string(threads));
    TagOptions o = options_;
    o.threads = threads;
    std::vector<TaggedSentence> tagged;
    {
      py::gil_scoped_release release;
      tagged = tag_texts(model_, texts, o);
    }
    py::list out;
    for (const TaggedSentence& t : tagged) out.append(entities_of(t));
    return out;
  }

  std::vector<std::string> types() const { return tag_types(model_.vocab.head_tags(head_).entries()); }
  const std::string& path() const { return path_; }
  std::vector<std::string> heads() const { return head_names(model_.config, model_.vocab); }
  // The model card (medner-eval --info's "card"): a dict.
  py::object card() const { return py::module_::import("json").attr("loads")(model_.card.dump()); }

 private:
  TrainedModel model_;
  std::string path_;
  TagOptions options_;
  int head_ = 0;
};

// The JSON report of medner-eval --gold GOLD --pred PRED --format json [--train TRAIN].
std::string evaluate_files(const std::string& gold, const std::string& pred, const std::string& train) {
  ConfigMap given = {{"gold", gold}, {"pred", pred}, {"format", "json"}};
  if (!train.empty()) given.emplace_back("train", train);
  return run_eval(parse_eval_args(given, {})).report;
}

// The same for tag sequences given as lists (one list of tags per sentence).
std::string evaluate_tags(const std::vector<std::vector<std::string>>& gold,
                          const std::vector<std::vector<std::string>>& pred) {
  if (gold.size() != pred.size())
    throw InputError("evaluate: " + std::to_string(gold.size()) + " gold sentences but " +
                     std::to_string(pred.size()) + " predicted");
  Corpus g, p;
  for (std::size_t i = 0; i < gold.size(); ++i) {
    if (gold[i].size() != pred[i].size())
      throw InputError("evaluate: sentence " + std::to_string(i + 1) + " has " + std::to_string(gold[i].size()) +
                       " gold tags but " + std::to_string(pred[i].size()) + " predicted");
    Sentence s;
    s.tokens.assign(gold[i].size(), "_");
    s.tags = gold[i];
    g.sentences.push_back(s);
    s.tags = pred[i];
    p.sentences.push_back(std::move(s));
  }
  EvalArgs a = parse_eval_args({{"gold", "-"}, {"pred", "<lists>"}, {"format", "json"}}, {});
  return eval_score_report(a, g, p).report;
}

}  // namespace

PYBIND11_MODULE(_medner, m) {
  m.doc() = "medner: BiLSTM-CRF biomedical named entity recognition (C++ core)";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const IoError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    }
  });
  py::class_<Tagger>(m, "Tagger")
      .def(py::init<const std::string&, int, bool, int, const std::string&>(), py::arg("model"),
           py::arg("threads") = 0, py::arg("abbreviations") = false, py::arg("abbreviation_scope") = 0,
           py::arg("head") = "",
           "abbreviations: a short form defined in a text takes its long form's type there (medner-tag "
           "--abbreviations); abbreviation_scope: sentences a definition reaches (0: the whole text); head: "
           "the head that tags, of a model trained on several corpora (medner-tag --head; default: the first; "
           "\"all\": every head, each entity with its \"head\")")
      .def("tag", &Tagger::tag, py::arg("text"), "the entities of one text: a list of dicts")
      .def("tag_many", &Tagger::tag_many, py::arg("texts"), py::arg("threads") = 0,
           "the entities of each text, tagged on `threads` threads (0: all cores) without the GIL")
      .def_property_readonly("types", &Tagger::types)
      .def_property_readonly("path", &Tagger::path)
      .def_property_readonly("heads", &Tagger::heads, "the model's heads by name, the first the default")
      .def_property_readonly("card", &Tagger::card, "the model card: training data, epoch kept, dev/test scores");
  m.def("_evaluate_files", &evaluate_files);
  m.def("_evaluate_tags", &evaluate_tags);
}
