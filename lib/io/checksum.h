// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the same function as zlib's crc32() and
// Python's zlib.crc32(), so a model file's checksum can be verified outside medner.
// Slicing-by-8 (eight 256-entry tables): about 1 byte per cycle, so a 20 MB model costs ~10 ms.
// Detects every error burst up to 32 bits long, hence every single corrupted byte.
#pragma once

#include <cstdint>
#include <string_view>

namespace medner {

// CRC of `data`, continuing from `crc` (the CRC of the bytes before it; 0 to start).
uint32_t crc32(std::string_view data, uint32_t crc = 0);

}  // namespace medner
