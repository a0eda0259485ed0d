// Abbreviation definitions (Schwartz & Hearst on tokens) and their resolution over a document's
// tagged entities, on hand-written sentences whose answers are worked out in the comments.
#include "data/abbreviation_resolution.h"
#include "data/abbreviations.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

using namespace medner;

namespace {

std::vector<std::string> split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

// "long form = short form" for each definition, in the sentence's words.
std::vector<std::string> definitions(const std::string& sentence) {
  const std::vector<std::string> toks = split(sentence);
  std::vector<std::string> out;
  auto words = [&](std::size_t b, std::size_t e) {
    std::string s;
    for (std::size_t i = b; i < e; ++i) s += (i > b ? " " : "") + toks[i];
    return s;
  };
  for (const AbbreviationDefinition& d : find_abbreviations(toks))
    out.push_back(words(d.long_begin, d.long_end) + " = " + words(d.short_begin, d.short_end));
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("abbreviations: the long form ends before the parenthesis and starts where the short form's first letter begins a word") {
  // H-N-P-C-C right to left: "cancer", "colorectal", the last p of "nonpolyposis", its first n,
  // and the h that begins "hereditary" ("with" holds no h at a word start).
  CHECK(definitions("patients with hereditary nonpolyposis colorectal cancer ( HNPCC ) were studied") ==
        Strings{"hereditary nonpolyposis colorectal cancer = HNPCC"});
  CHECK(long_form_start("HNPCC", "with hereditary nonpolyposis colorectal cancer") == 5);
  // The first character must begin a word: the 'a' of "had" does not, and nothing else is left.
  CHECK(definitions("he had disease ( AD ) here") == Strings{});
  CHECK(definitions("we studied Duchenne muscular dystrophy ( DMD ) here") ==
        Strings{"Duchenne muscular dystrophy = DMD"});
  // The tokenizer splits IL-2: the short form is 3 tokens and 2 words, the long form 3 tokens.
  CHECK(definitions("levels of interleukin - 2 ( IL - 2 ) rose") == Strings{"interleukin - 2 = IL - 2"});
}

TEST_CASE("abbreviations: a short form first, with its long form in the parentheses") {
  // More than two words inside: the word before '(' is the short form.
  CHECK(definitions("HNPCC ( hereditary nonpolyposis colorectal cancer ) is common") ==
        Strings{"hereditary nonpolyposis colorectal cancer = HNPCC"});
  // The parentheses' text is cut at ';' and ',': the long form is before them. One word, too long
  // for a short form: read the other way round.
  CHECK(definitions("ALD ( adrenoleukodystrophy ; OMIM 300100 ) is X-linked") == Strings{"adrenoleukodystrophy = ALD"});
}

TEST_CASE("abbreviations: nested parentheses") {
  // The outer parenthesis holds "see vascular endothelial growth factor", five words, so it
  // would be a long form for the word before it, "measured", which is an ordinary word; the
  // inner one defines VEGF, its candidate stopping at the outer '('.
  CHECK(definitions("levels were measured ( see vascular endothelial growth factor ( VEGF ) ) in serum") ==
        Strings{"vascular endothelial growth factor = VEGF"});
  // A short form followed by a nested parenthesis is cut there.
  CHECK(definitions("tumour necrosis factor ( TNF ( alpha ) ) was") == Strings{"tumour necrosis factor = TNF"});
  // Unbalanced: no candidate.
  CHECK(definitions("tumour necrosis factor ( TNF was") == Strings{});
}

TEST_CASE("abbreviations: parentheses that define nothing") {
  CHECK(definitions("the patients ( n = 12 ) were") == Strings{});         // no match of 1, 2
  CHECK(definitions("as before ( P < 0.05 ) in all") == Strings{});        // no match
  CHECK(definitions("published ( 1997 ) results") == Strings{});           // no letter
  CHECK(definitions("was found ( see below ) and") == Strings{});          // lower-case words
  CHECK(definitions("the tumour ( type ) was") == Strings{});              // an ordinary word
  CHECK(definitions("a dose in milligrams ( mg ) daily") == Strings{});    // a unit, all lower-case
  CHECK(definitions("a gene ( A ) here") == Strings{});                    // one character
  CHECK(definitions("cancer genes ( cancer ) are") == Strings{});          // lower-case, and the long form holds it
  CHECK(definitions("the BRCA1 gene ( BRCA1 ) was") == Strings{});         // the long form holds the short form
  CHECK(definitions("( ABC )") == Strings{});                              // nothing before it
}

namespace {

struct Doc {
  std::vector<std::vector<std::string>> tokens;
  std::vector<std::vector<Mention>> mentions;
  std::vector<const std::vector<std::string>*> pointers() const {
    std::vector<const std::vector<std::string>*> p;
    for (const auto& t : tokens) p.push_back(&t);
    return p;
  }
  AbbreviationChanges resolve(const AbbreviationOptions& o) { return resolve_abbreviations(pointers(), mentions, o); }
  // "begin-end:type" for each mention of sentence s.
  Strings at(std::size_t s) const {
    Strings out;
    for (const Mention& m : mentions[s])
      out.push_back(std::to_string(m.begin) + "-" + std::to_string(m.end) + ":" + m.type);
    return out;
  }
};

AbbreviationOptions on(int scope = 0) {
  AbbreviationOptions o;
  o.enabled = true;
  o.scope = scope;
  return o;
}

}  // namespace

TEST_CASE("abbreviation resolution: the long form's type goes to every occurrence of the short form") {
  Doc d;
  d.tokens = {split("hereditary nonpolyposis colorectal cancer ( HNPCC ) is inherited"),
              split("HNPCC patients carry MLH1 mutations"),
              split("in HNPCC , MLH1 is mutated ; HNPCC families were studied")};
  d.mentions = {{{0, 4, "Disease", 0.9}},
                {{3, 4, "Chemical", 0.6}},                                  // MLH1 stays a Chemical
                {{1, 2, "Chemical", 0.4}, {7, 9, "Disease", 0.8}}};         // HNPCC retyped; "HNPCC families" kept
  const AbbreviationChanges c = d.resolve(on());
  CHECK(c.definitions == 1);
  CHECK(d.at(0) == Strings{"0-4:Disease", "5-6:Disease"});
  CHECK(d.at(1) == Strings{"0-1:Disease", "3-4:Chemical"});
  CHECK(d.at(2) == Strings{"1-2:Disease", "7-9:Disease"});
  CHECK(c.added == 2);
  CHECK(c.retyped == 1);
  CHECK(c.removed == 0);
  CHECK(d.mentions[1][0].confidence == doctest::Approx(0.9));  // the long form's
}

TEST_CASE("abbreviation resolution: a long form the tagger missed gets its short form's type") {
  Doc d;
  d.tokens = {split("HNPCC ( hereditary nonpolyposis colorectal cancer ) is inherited")};
  d.mentions = {{{0, 1, "Disease", 0.7}}};
  const AbbreviationChanges c = d.resolve(on());
  CHECK(d.at(0) == Strings{"0-1:Disease", "2-6:Disease"});
  CHECK(c.added == 1);
  // An entity that holds the long form and more names something else: the enzyme ASPA is not
  // the disease "deficiency of aspartoacylase", and the definition types nothing.
  Doc e;
  e.tokens = {split("caused by deficiency of aspartoacylase ( ASPA ) . ASPA")};
  e.mentions = {{{2, 5, "Disease", 0.8}}};
  const AbbreviationChanges ce = e.resolve(on());
  CHECK(ce.definitions == 1);
  CHECK(e.at(0) == Strings{"2-5:Disease"});
  // Part of the long form tagged: the extent is in doubt, not the entity; its short form keeps
  // its tags.
  Doc f;
  f.tokens = {split("von Hippel - Lindau tumor suppressor gene ( VHL ) . VHL")};
  f.mentions = {{{0, 4, "Disease", 0.8}, {11, 12, "Disease", 0.6}}};
  const AbbreviationChanges cf = f.resolve(on());
  CHECK(cf.removed == 0);
  CHECK(f.at(0) == Strings{"0-4:Disease", "11-12:Disease"});
  // A hyphen makes the short form part of another name: "DM-protein kinase" is a gene.
  Doc g;
  g.tokens = {split("dystrophia myotonica ( DM ) . the DM - protein kinase")};
  g.mentions = {{{0, 2, "Disease", 0.9}}};
  g.resolve(on());
  CHECK(g.at(0) == Strings{"0-2:Disease", "3-4:Disease"});
}

TEST_CASE("abbreviation resolution: a definition that names no entity untags its short form") {
  Doc d;
  d.tokens = {split("magnetic resonance imaging ( MRI ) was done"), split("MRI showed lesions")};
  d.mentions = {{}, {{0, 1, "Disease", 0.5}, {2, 3, "Disease", 0.9}}};
  Doc kept = d;
  const AbbreviationChanges c = d.resolve(on());
  CHECK(d.at(1) == Strings{"2-3:Disease"});
  CHECK(c.removed == 1);
  AbbreviationOptions keep = on();
  keep.keep_untyped = true;
  kept.resolve(keep);
  CHECK(kept.at(1) == Strings{"0-1:Disease", "2-3:Disease"});
}

TEST_CASE("abbreviation resolution: short forms match case and tokens exactly; scope; off") {
  Doc d;
  d.tokens = {split("ataxia telangiectasia ( AT ) is rare"), split("patients at risk of AT"), split("x"),
              split("AT again")};
  d.mentions = {{{0, 2, "Disease", 0.9}}, {}, {}, {}};
  Doc far = d, off = d;
  d.resolve(on());
  CHECK(d.at(0) == Strings{"0-2:Disease", "3-4:Disease"});
  CHECK(d.at(1) == Strings{"4-5:Disease"});  // "at" is not "AT"
  CHECK(d.at(3) == Strings{"0-1:Disease"});
  far.resolve(on(1));  // sentence 3 is out of reach
  CHECK(far.at(1) == Strings{"4-5:Disease"});
  CHECK(far.at(3) == Strings{});
  const AbbreviationChanges c = off.resolve(AbbreviationOptions{});
  CHECK(c.definitions == 0);
  CHECK(off.at(0) == Strings{"0-2:Disease"});
  CHECK(off.at(1) == Strings{});
}

TEST_CASE("abbreviation resolution: the first definition that reaches a sentence is used") {
  Doc d;
  d.tokens = {split("cis - platinum ( CP ) was given"), split("CP rose"), split("x"), split("x"),
              split("chronic pancreatitis ( CP ) followed"), split("CP again")};
  d.mentions = {{{0, 3, "Chemical", 0.9}}, {}, {}, {}, {{0, 2, "Disease", 0.8}}, {}};
  Doc windowed = d;
  d.resolve(on());  // the whole document: the first definition everywhere
  CHECK(d.at(4) == Strings{"0-2:Disease", "3-4:Chemical"});
  CHECK(d.at(5) == Strings{"0-1:Chemical"});
  windowed.resolve(on(1));  // each reaches its neighbours only
  CHECK(windowed.at(1) == Strings{"0-1:Chemical"});
  CHECK(windowed.at(4) == Strings{"0-2:Disease", "3-4:Disease"});
  CHECK(windowed.at(5) == Strings{"0-1:Disease"});
}
