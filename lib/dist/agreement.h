// Proof that the ranks hold the same replica: each hashes its state (parameters, optimizer
// moments, progress counters) and all compare. Data parallelism is only correct while every
// rank applies the same steps to the same bits; a rank that read other data, a library whose
// all-reduce is not bitwise identical everywhere, or a bug shows up here as a clear error rather
// than as a model that silently depends on which rank wrote it.
#pragma once

#include "dist/communicator.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace medner {

inline constexpr uint64_t kChecksumStart = 0xCBF29CE484222325ULL;  // the FNV-1a offset basis

// 64-bit FNV-1a over 8-byte words (the tail zero-padded), continuing from h. Any change of a
// single word changes the result (each step is a bijection of h), at about 1 ns per word.
uint64_t checksum64(const void* data, std::size_t bytes, uint64_t h = kChecksumStart);

// Throws InternalError "ranks disagree on <what> (checksums: rank 0 ..., rank 1 ...)<hint>"
// unless every rank passed the same value. Collective: every rank must call it.
void require_agreement(Communicator& comm, uint64_t value, const std::string& what,
                       const std::string& hint);

}  // namespace medner
