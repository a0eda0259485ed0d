// Fault injection for crash-safety tests: a process started with MEDNER_FAULT=SITE:N kills itself
// with SIGKILL (the signal `kill -9` and the kernel's OOM killer send) the N-th time it passes
// fault_point(SITE); MEDNER_FAULT=SITE:N:SIG raises SIGTERM, SIGINT or SIGHUP instead (SIG is
// TERM, INT, HUP or KILL), the signals whose handler removes temporary files (io/temp_files.h).
// Tests place kills at exact, reproducible moments this way instead of timing them from outside,
// which would depend on the machine's speed. Sites (docs/robustness.md):
//   step    after an optimizer step, before the checkpoint that may follow it (lib/train, and
//           the character language model's training in lib/pretrain; for skip-gram vectors,
//           after each merge of the threads' blocks)
//   create  in AtomicWriter, just after its temporary file is created (lib/io)
//   write   inside AtomicWriter::commit, after the temporary file is written and before it is
//           renamed over the target (lib/io)
// Without MEDNER_FAULT a fault point is one relaxed atomic load.
#pragma once

namespace medner {

// Counts a pass through `site`; raises the signal on the pass MEDNER_FAULT names. A malformed
// MEDNER_FAULT is an InputError "MEDNER_FAULT: expected SITE:N[:SIG] with N >= 1 and SIG one of
// KILL, TERM, INT, HUP, found '...'".
void fault_point(const char* site);

}  // namespace medner
