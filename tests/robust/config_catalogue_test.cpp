// Catalogue of bad configuration (docs/robustness.md): config files (unknown key, missing '=',
// repeated key, missing file), values (malformed numbers, NaN, negative or zero sizes, integers
// beyond int), files (missing inputs, an output path whose folder cannot be written). Each is one
// InputError (or IoError) line that names the option or path:line, raised before training starts.
// The same through medner-train (exit codes 1 and 2): tests/cli/robust_cli.sh.
#include "robust_util.h"

#include "train/trainer.h"

#include <sstream>

using namespace medner;
using namespace medner_robust;
using medner_test::TempDir;

namespace {

std::string config_error(const ConfigMap& options) {
  return error_of([&] { TrainConfig::from_map(merge_config({options})); });
}

std::string file_error(const TempDir& dir, const std::string& text) {
  write_bytes(dir.file("c.conf"), text);
  return error_of([&] { read_config_file(dir.file("c.conf")); });
}

// Runs a training with the tiny config plus `extra`; the error it stops with.
std::string train_error(const ConfigMap& extra) {
  return error_of([&] {
    ConfigMap m = tiny_config(extra);
    std::ostringstream log, out;
    train_model(TrainConfig::from_map(m), m, log);
  });
}

}  // namespace

TEST_CASE("robust config: config file errors name path:line") {
  TempDir dir;
  const std::string p = dir.file("c.conf");
  CHECK(file_error(dir, "hidden = 50\n# fine\nbogus = 1\n") ==
        "input: " + p + ":3: unknown key 'bogus'");
  CHECK(file_error(dir, "\nhidden 50\n") ==
        "input: " + p + ":2: expected 'key = value', got 'hidden 50'");
  CHECK(file_error(dir, "lr = 0.1\nlr = 0.2\n") == "input: " + p + ":2: key 'lr' given twice");
  // CRLF and trailing comments are fine.
  CHECK(file_error(dir, "hidden = 50 # wide\r\nlr=0.1\r\n") == "(no error)");
  CHECK(error_of([&] { read_config_file(dir.file("none.conf")); }) ==
        "input: " + dir.file("none.conf") + ": cannot open config file: No such file or directory");
  CHECK(error_of([] {
          merge_config({{{"no-such-option", "1"}}});
        }) == "input: unknown option 'no-such-option'");
}

TEST_CASE("robust config: malformed numbers") {
  CHECK(config_error({{"batch-size", "ten"}}) ==
        "input: --batch-size: expected an integer, got 'ten'");
  CHECK(config_error({{"batch-size", "8.5"}}) ==
        "input: --batch-size: expected an integer, got '8.5'");
  CHECK(config_error({{"batch-size", ""}}) == "input: --batch-size: expected an integer, got ''");
  CHECK(config_error({{"lr", "0,1"}}) == "input: --lr: expected a number, got '0,1'");
  CHECK(config_error({{"lr", "0.1x"}}) == "input: --lr: expected a number, got '0.1x'");
  CHECK(config_error({{"dropout", "half"}}) == "input: --dropout: expected a number, got 'half'");
  CHECK(config_error({{"lowercase", "maybe"}}) ==
        "input: --lowercase: expected true or false, got 'maybe'");
  CHECK(config_error({{"optimizer", "lbfgs"}}) ==
        "input: --optimizer: expected one of sgd, adam, got 'lbfgs'");
}

TEST_CASE("robust config: NaN and infinity are out of range (regression: NaN passed every check)") {
  // from_chars reads "nan"; every comparison with NaN is false, so --lr nan trained until the
  // first NaN loss and --dropout nan hit an internal assertion in the dropout op.
  CHECK(config_error({{"lr", "nan"}}) == "input: --lr: expected a number in (0, 1000], got 'nan'");
  CHECK(config_error({{"dropout", "nan"}}) ==
        "input: --dropout: expected a number in [0, 0.95], got 'nan'");
  CHECK(config_error({{"clip", "-nan"}}) ==
        "input: --clip: expected a number in [0, 1000000000], got '-nan'");
  CHECK(config_error({{"singleton-unk", "NaN"}}) ==
        "input: --singleton-unk: expected a number in [0, 1], got 'NaN'");
  CHECK(config_error({{"l2", "inf"}}) == "input: --l2: expected a number in [0, 1000], got 'inf'");
}

TEST_CASE("robust config: negative or zero sizes") {
  CHECK(config_error({{"hidden", "0"}}) == "input: --hidden: expected a positive integer, got '0'");
  CHECK(config_error({{"word-dim", "-16"}}) ==
        "input: --word-dim: expected a positive integer, got '-16'");
  CHECK(config_error({{"batch-size", "0"}}) ==
        "input: --batch-size: expected a positive integer, got '0'");
  CHECK(config_error({{"max-epochs", "-1"}}) ==
        "input: --max-epochs: expected a positive integer, got '-1'");
  CHECK(config_error({{"threads", "-2"}}) ==
        "input: --threads: expected a non-negative integer, got '-2'");
  CHECK(config_error({{"checkpoint-every", "-3"}}) ==
        "input: --checkpoint-every: expected a non-negative integer, got '-3'");
  CHECK(config_error({{"char-width", "4"}}) ==
        "input: --char-width: expected an odd positive integer, got '4'");
  CHECK(config_error({{"lr", "0"}}) == "input: --lr: expected a number in (0, 1000], got '0'");
  CHECK(config_error({{"lr", "-0.1"}}) ==
        "input: --lr: expected a number in (0, 1000], got '-0.1'");
}

TEST_CASE("robust config: integers beyond int are rejected (regression: 3000000000 wrapped)") {
  // --hidden 3000000000 became -1294967296 and failed deep inside as an internal error.
  CHECK(config_error({{"hidden", "3000000000"}}) ==
        "input: --hidden: expected an integer below 2^31, got '3000000000'");
  CHECK(config_error({{"batch-size", "99999999999999999999999"}}) ==
        "input: --batch-size: expected an integer below 2^31, got '99999999999999999999999'");
  CHECK(config_error({{"hidden", "2147483647"}}) == "(no error)");
}

TEST_CASE("robust config: an output folder that cannot be written is an error before training") {
  TempDir dir;
  write_bytes(dir.file("plain"), "a regular file");
  // Under a regular file (root can write anywhere else, so this is the portable unwritable case).
  CHECK(config_error({{"model", dir.file("plain") + "/m.bin"}}) ==
        "input: --model: cannot write '" + dir.file("plain") + "/m.bin': '" + dir.file("plain") +
            "' is not a directory");
  CHECK(config_error({{"model", dir.file("no/such/dir") + "/m.bin"}}) ==
        "input: --model: cannot write '" + dir.file("no/such/dir") + "/m.bin': directory '" +
            dir.file("no/such/dir") + "' does not exist");
  CHECK(config_error({{"checkpoint", dir.file("plain") + "/c.ckpt"}}) ==
        "input: --checkpoint: cannot write '" + dir.file("plain") + "/c.ckpt': '" +
            dir.file("plain") + "' is not a directory");
  CHECK(config_error({{"log", dir.path()}}) ==
        "input: --log: '" + dir.path() + "' is a directory; expected a file path");
  CHECK(config_error({{"model", dir.file("out/")}}) ==
        "input: --model: '" + dir.file("out/") + "' is a directory; expected a file path");
  // Nothing was created by the checks.
  CHECK(dir.list() == std::vector<std::string>{"plain"});
  // A relative path in the working directory and a fresh file in an existing folder are fine.
  CHECK(config_error({{"model", "m.bin"}, {"log", dir.file("log.jsonl")}}) == "(no error)");
}

TEST_CASE("robust config: missing input files name the path and the reason") {
  TempDir dir;
  Corpus c = corpus_slice("data/ncbi-disease/train.tsv", 10);
  const std::string data = write_corpus(dir, "d.tsv", c);
  const std::string missing = dir.file("missing.tsv");
  const std::string model = dir.file("m.bin");
  CHECK(train_error({{"train", missing}, {"dev", data}, {"model", model}}) ==
        "io: " + missing + ": cannot open for reading: No such file or directory");
  CHECK(train_error({{"train", data}, {"dev", missing}, {"model", model}}) ==
        "io: " + missing + ": cannot open for reading: No such file or directory");
  CHECK(train_error({{"train", data}, {"dev", data}, {"test", missing}, {"model", model}}) ==
        "io: " + missing + ": cannot open for reading: No such file or directory");
  CHECK(train_error({{"train", data}, {"dev", data}, {"model", model}, {"embeddings", missing}}) ==
        "io: " + missing + ": cannot open for reading: No such file or directory");
  CHECK(train_error({{"train", dir.path()}, {"dev", data}, {"model", model}}) ==
        "io: " + dir.path() + ": cannot read: is a directory, expected a file");
  CHECK(error_of([&] { load_trained_model(missing); }) ==
        "io: " + missing + ": cannot open: No such file or directory");
  // None of these failures left a file behind.
  CHECK(dir.list() == std::vector<std::string>{"d.tsv"});
}
