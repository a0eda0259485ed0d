#include "train/head_corpora.h"

#include "core/error.h"
#include "model/tagging.h"
#include "model/trained_model.h"
#include "options/option_values.h"

#include <fmt/format.h>

#include <algorithm>

namespace medner {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = s.find(sep, begin);
    out.push_back(s.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) return out;
    begin = end + 1;
  }
}

void require_name(const char* option, const std::string& name) {
  if (name == kAllHeads)
    throw InputError(fmt::format("--{}: 'all' names every head (medner-tag --head all); give a head another name",
                                 option));
  if (!valid_head_name(name))
    throw InputError(fmt::format("--{}: expected a head name of letters, digits, '-' and '_' (at most 64), found '{}'",
                                 option, message_excerpt(name)));
}

}  // namespace

std::vector<HeadCorpus> head_corpora(const std::string& head_name, const std::string& train, const std::string& dev,
                                     const std::string& test, const std::string& aux, const std::string& targets) {
  require_name("head-name", head_name);
  std::vector<HeadCorpus> heads = {{head_name, train, dev, test, true}};
  if (!aux.empty())
    for (const std::string& entry : split(aux, ',')) {
      const std::vector<std::string> f = split(entry, ':');
      if (f.size() < 3 || f.size() > 4 || f[1].empty() || f[2].empty())
        throw InputError(fmt::format("--aux: expected NAME:TRAIN:DEV[:TEST] (several joined by ','), found '{}'",
                                     message_excerpt(entry)));
      require_name("aux", f[0]);
      for (const HeadCorpus& h : heads)
        if (h.name == f[0])
          throw InputError(fmt::format("--aux: head '{}' is named twice (--head-name names the first)", f[0]));
      heads.push_back({f[0], f[1], f[2], f.size() == 4 ? f[3] : "", true});
    }
  if (!targets.empty()) {
    for (HeadCorpus& h : heads) h.target = false;
    for (const std::string& name : split(targets, ',')) {
      auto it = std::find_if(heads.begin(), heads.end(), [&](const HeadCorpus& h) { return h.name == name; });
      if (it == heads.end()) {
        std::vector<std::string> names;
        for (const HeadCorpus& h : heads) names.push_back(h.name);
        throw InputError(fmt::format("--targets: '{}' is not a head; the heads are {}", message_excerpt(name),
                                     join_names(names, ", ")));
      }
      it->target = true;
    }
  }
  return heads;
}

}  // namespace medner
