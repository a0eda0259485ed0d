#include "io/file_identity.h"

#include "core/error.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace medner {
namespace {

constexpr int kMaxLinks = 40;  // Linux's MAXSYMLINKS

// Device and inode of an existing file, or of the directory of a file to be created plus its
// name: two spellings of one path compare equal either way.
struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  std::string name;  // "" for an existing file
  bool char_device = false;
  bool operator==(const FileId& o) const { return dev == o.dev && ino == o.ino && name == o.name; }
};

std::string base_name(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// nullopt when neither the file nor its directory exists: such a path is no other path's file.
std::optional<FileId> file_id(const std::string& path) {
  const std::string target = follow_symlinks(path);
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0) return FileId{st.st_dev, st.st_ino, "", S_ISCHR(st.st_mode)};
  if (::stat(parent_dir(target).c_str(), &st) == 0) return FileId{st.st_dev, st.st_ino, base_name(target), false};
  return std::nullopt;
}

bool skipped(const NamedPath& p) { return p.path.empty() || p.path == "-"; }

}  // namespace

std::string parent_dir(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string follow_symlinks(const std::string& path) {
  std::string at = path;
  for (int hops = 0;; ++hops) {
    struct stat st {};
    if (::lstat(at.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return at;
    if (hops == kMaxLinks) throw IoError(path + ": cannot follow symbolic link: " + std::strerror(ELOOP));
    std::string link(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 255) + 1, '\0');
    const ssize_t n = ::readlink(at.c_str(), link.data(), link.size());
    if (n < 0) throw IoError(path + ": cannot follow symbolic link: " + std::strerror(errno));
    link.resize(static_cast<std::size_t>(n));
    // A relative link is relative to the directory that holds the link.
    at = link.front() == '/' || at.find('/') == std::string::npos ? link : parent_dir(at) + "/" + link;
  }
}

bool same_file(const std::string& a, const std::string& b) {
  const std::optional<FileId> x = file_id(a);
  return x && x->name.empty() && file_id(b) == x;
}

void require_distinct_files(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs) {
  std::vector<std::pair<const NamedPath*, FileId>> seen;  // outputs so far
  for (const NamedPath& out : outputs) {
    if (skipped(out)) continue;
    const std::optional<FileId> id = file_id(out.path);
    if (!id) continue;
    for (const NamedPath& in : inputs) {
      if (skipped(in)) continue;
      if (file_id(in.path) == id)
        throw UsageError(fmt::format("{} '{}' is the same file as {} '{}'; refusing to overwrite an input",
                                     out.option, out.path, in.option, in.path));
    }
    for (const auto& [other, other_id] : seen)
      if (other_id == *id && !id->char_device)
        throw UsageError(fmt::format("{} '{}' is the same file as {} '{}'; give each output its own path",
                                     out.option, out.path, other->option, other->path));
    seen.emplace_back(&out, *id);
  }
}

}  // namespace medner
