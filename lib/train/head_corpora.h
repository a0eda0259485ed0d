// The corpora of a multi-corpus training (issue 18): --train/--dev/--test are the first head's
// (named by --head-name), and --aux adds a head per corpus, each with its own labels
// (model/ner_network.h). --targets names the heads whose mean dev F1 chooses the kept epoch.
#pragma once

#include <string>
#include <vector>

namespace medner {

struct HeadCorpus {
  std::string name;
  std::string train, dev, test;  // paths; test may be ""
  bool target = true;            // its dev F1 counts towards early stopping
};

// The heads of a run: the first from --head-name and --train/--dev/--test, then one per --aux
// entry. --aux is "NAME:TRAIN:DEV[:TEST]", several joined by ','. --targets is a ','-list of
// head names ("" for every head). Errors are InputErrors naming the option and what was found:
// a malformed entry, a name that --head could not spell (letters, digits, '-', '_'), a name
// given twice, a target that is not a head.
std::vector<HeadCorpus> head_corpora(const std::string& head_name, const std::string& train, const std::string& dev,
                                     const std::string& test, const std::string& aux, const std::string& targets);

}  // namespace medner
