// Which file a path names, whatever its spelling: symbolic links followed, a file that does not
// exist yet named by its directory's identity and its name. The tools use it to refuse an output
// that is an input or another output (`medner-tag --input a --output ./a` would otherwise truncate
// the input before reading it), comparing device and inode numbers rather than strings.
#pragma once

#include <string>
#include <vector>

namespace medner {

// `path` with the symbolic links of its last component followed (up to 40, as the kernel does):
// the path the bytes end up at. A dangling link gives the path it points to. IoError
// "<path>: cannot follow symbolic link: ..." on a loop or an unreadable link.
std::string follow_symlinks(const std::string& path);

// The directory that holds `path`: "." for a bare name, "/" for a name in the root.
std::string parent_dir(const std::string& path);

// A path as given to an option: for messages.
struct NamedPath {
  std::string option;  // "--output"
  std::string path;
};

// Whether two paths name one existing file.
bool same_file(const std::string& a, const std::string& b);

// UsageError "--out 'p' is the same file as --data 'q'; ..." when an output names the same file
// as an input or as another output. "-" (stdin/stdout) and empty paths are skipped; character
// devices (/dev/null, a terminal) may be shared by outputs, since writing them destroys nothing.
void require_distinct_files(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs);

}  // namespace medner
