#include "core/error.h"

namespace medner {

void throw_internal(const char* file, int line, const char* cond, const std::string& msg) {
  throw InternalError(fmt::format("{}:{}: internal error: {} ({})", file, line, msg, cond));
}

}  // namespace medner
