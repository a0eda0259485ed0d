// A callable with inline storage: the backward closure of a tape node.
// std::function may allocate for captures over 16 bytes; a training step creates thousands of
// nodes, so closures live inside the node. Captures must be trivially copyable (ids, sizes,
// pointers into the tape arena or the parameter store) and fit in kCapacity bytes; both are
// checked at compile time.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace medner {

template <class Signature, std::size_t kCapacity = 96>
class InlineFunction;

template <class R, class... Args, std::size_t kCapacity>
class InlineFunction<R(Args...), kCapacity> {
 public:
  InlineFunction() = default;

  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, InlineFunction>>>
  InlineFunction(F&& f) {  // NOLINT: implicit by design, like std::function
    using Fn = std::decay_t<F>;
    static_assert(sizeof(Fn) <= kCapacity, "backward closure captures too much; capture ids, not tensors");
    static_assert(alignof(Fn) <= alignof(std::max_align_t), "over-aligned closure");
    static_assert(std::is_trivially_copyable_v<Fn>, "closure captures must be trivially copyable");
    ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
    invoke_ = [](const void* s, Args... args) -> R {
      return (*static_cast<const Fn*>(s))(std::forward<Args>(args)...);
    };
  }

  explicit operator bool() const { return invoke_ != nullptr; }
  R operator()(Args... args) const { return invoke_(storage_, std::forward<Args>(args)...); }

 private:
  alignas(std::max_align_t) unsigned char storage_[kCapacity] = {};
  R (*invoke_)(const void*, Args...) = nullptr;
};

}  // namespace medner
