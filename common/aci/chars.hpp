#pragma once
// Character classes of the appc grammars (ASCII only: the spec's regular
// expressions are over bytes, so no locale may widen them).
namespace acikit::aci {

inline bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

} // namespace acikit::aci
