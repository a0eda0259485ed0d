// Outputs refused when they are an input or another output, by device and inode whatever the
// spelling (io/file_identity.h).
#include "io/file_identity.h"

#include "core/error.h"
#include "io/atomic_file.h"
#include "common/temp_dir.h"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

using namespace medner;
using medner_test::TempDir;

namespace {

std::string refusal(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs) {
  try {
    require_distinct_files(inputs, outputs);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("file identity: symbolic links are followed, relative to the link's directory") {
  TempDir dir;
  REQUIRE(mkdir(dir.file("sub").c_str(), 0755) == 0);
  REQUIRE(symlink("sub/b", dir.file("a").c_str()) == 0);
  REQUIRE(symlink("c", dir.file("sub/b").c_str()) == 0);
  CHECK(follow_symlinks(dir.file("a")) == dir.file("sub/c"));
  CHECK(follow_symlinks(dir.file("plain")) == dir.file("plain"));
  REQUIRE(symlink("loop", dir.file("loop").c_str()) == 0);
  CHECK_THROWS_AS(follow_symlinks(dir.file("loop")), IoError);
  CHECK(parent_dir("x") == ".");
  CHECK(parent_dir("/x") == "/");
  CHECK(parent_dir("a/b/c") == "a/b");
}

TEST_CASE("file identity: an output that is an input is refused, however it is spelled") {
  TempDir dir;
  const std::string in = dir.file("in.txt");
  write_file_atomic(in, "precious");
  REQUIRE(symlink("in.txt", dir.file("ln").c_str()) == 0);
  REQUIRE(link(in.c_str(), dir.file("hard").c_str()) == 0);
  for (const std::string& out : {in, dir.path() + "/./in.txt", dir.file("ln"), dir.file("hard")})
    CHECK(refusal({{"--input", in}}, {{"--output", out}}) ==
          "--output '" + out + "' is the same file as --input '" + in + "'; refusing to overwrite an input");
  CHECK(refusal({{"--input", in}}, {{"--output", dir.file("new.txt")}}).empty());
  CHECK(refusal({{"--input", "-"}}, {{"--output", "-"}}).empty());
  CHECK(same_file(in, dir.file("ln")));
  CHECK_FALSE(same_file(in, dir.file("new.txt")));
}

TEST_CASE("file identity: two outputs naming one file are refused, existing or not; devices may be shared") {
  TempDir dir;
  const std::string m = dir.file("m.bin");
  CHECK(refusal({}, {{"--model", m}, {"--log", dir.path() + "/../" + dir.path().substr(dir.path().rfind('/') + 1) + "/m.bin"}})
            .find("is the same file as --model") != std::string::npos);
  REQUIRE(symlink("m.bin", dir.file("alias").c_str()) == 0);  // dangling: m.bin does not exist yet
  CHECK(refusal({}, {{"--model", m}, {"--checkpoint", dir.file("alias")}}) ==
        "--checkpoint '" + dir.file("alias") + "' is the same file as --model '" + m +
            "'; give each output its own path");
  CHECK(refusal({}, {{"--model", m}, {"--log", dir.file("m.log")}}).empty());
  CHECK(refusal({}, {{"--output", "/dev/null"}, {"--log", "/dev/null"}}).empty());
  CHECK_FALSE(refusal({{"--input", "/dev/null"}}, {{"--output", "/dev/null"}}).empty());
}
