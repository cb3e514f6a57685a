#pragma once
// Result<T>: an expected failure as a value (parse results). The error text is
// complete ("field 'Version': empty"); the caller adds the place.
#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace acikit {

struct Failure {
  std::string message;
};

template <typename T>
class Result {
public:
  Result(T value) : m_v(std::move(value)) {}
  Result(Failure f) : m_v(std::move(f)) {}

  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { assert(ok()); return std::get<0>(m_v); }
  T& value() & { assert(ok()); return std::get<0>(m_v); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(m_v)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  const std::string& error() const { assert(!ok()); return std::get<1>(m_v).message; }

private:
  std::variant<T, Failure> m_v;
};

inline Failure fail(std::string message) { return Failure{std::move(message)}; }

} // namespace acikit
