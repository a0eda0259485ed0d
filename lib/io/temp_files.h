// The temporary files of atomic writes (io/atomic_file.h), tracked so that none outlives its
// writer: on SIGINT, SIGTERM or SIGHUP the live ones are removed before the process dies with
// that signal, and a writer removes the ones that writers killed harder (SIGKILL, a crash) left
// beside its target. Names are "<target>.tmp.<pid>.<n>"; a file is stale when no process has its
// pid (kill(pid, 0) fails with ESRCH).
#pragma once

#include <string>

namespace medner {

// Installs the handler for each of the three signals whose disposition is the default (a host
// program's own handler, e.g. Python's for SIGINT, is left alone). register_temp_file calls it
// once; calling it again covers signals reset to the default since.
void install_temp_file_cleanup();

// Registers a temporary file; returns its slot for unregister_temp_file (-1 when all slots are
// taken: the file is then not removed on a signal). Register the name before creating the file
// and call temp_file_created after: a signal that came between a creation and its registration
// would leave the file behind, and another thread may take the signal while this one is between
// the two (the handler then finds the name and no file, which is harmless).
int register_temp_file(const std::string& path);
void unregister_temp_file(int slot);

// Closes the last window: a file created while another thread's handler was already removing
// files is removed here (the process is about to die of the signal).
void temp_file_created(int slot);

// Removes "<target>.tmp.<pid>.<n>" files beside `target` whose pid is not a live process. Never
// fails: a file it cannot remove stays.
void remove_stale_temp_files(const std::string& target);

}  // namespace medner
