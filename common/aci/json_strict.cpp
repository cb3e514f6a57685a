#include "aci/json_strict.hpp"

#include "util/strings.hpp"

#include <set>
#include <vector>

namespace acikit::aci {

namespace {

using json = nlohmann::json;

class StrictBuilder : public nlohmann::json_sax<json> {
public:
  explicit StrictBuilder(std::size_t max_depth) : m_max_depth(max_depth) {}

  bool null() override { return add(json(nullptr)); }
  bool boolean(bool v) override { return add(json(v)); }
  bool number_integer(number_integer_t v) override { return add(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return add(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return add(json(v)); }
  bool string(string_t& v) override { return add(json(std::move(v))); }
  bool binary(binary_t&) override { return error("binary values are not JSON"); }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override
  {
    auto folded = util::to_lower(k);
    if (!m_keys.back().insert(folded).second) {
      return error("duplicate key '" + k + "' (keys equal but for case count as duplicates)");
    }
    m_key = k;
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override
  {
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
    std::string what = ex.what();
    auto at = what.find("] ");
    return error(at == std::string::npos ? what : what.substr(at + 2));
  }

  json& result() { return m_root; }
  const std::string& message() const { return m_error; }

private:
  bool error(std::string m)
  {
    if (m_error.empty()) {
      m_error = std::move(m);
    }
    return false;
  }

  json* insert(json v)
  {
    if (m_stack.empty()) {
      m_root = std::move(v);
      return &m_root;
    }
    json& top = *m_stack.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    auto& slot = top[m_key];
    slot = std::move(v);
    return &slot;
  }

  bool add(json v)
  {
    insert(std::move(v));
    return true;
  }

  bool open(json v)
  {
    if (m_stack.size() >= m_max_depth) {
      return error("nesting deeper than " + std::to_string(m_max_depth) + " levels");
    }
    bool is_object = v.is_object();
    m_stack.push_back(insert(std::move(v)));
    m_keys.emplace_back();
    if (!is_object) {
      m_keys.back().clear();
    }
    return true;
  }

  bool close()
  {
    m_stack.pop_back();
    m_keys.pop_back();
    return true;
  }

  std::size_t m_max_depth;
  json m_root;
  std::vector<json*> m_stack;
  std::vector<std::set<std::string>> m_keys;
  std::string m_key;
  std::string m_error;
};

} // namespace

Result<json> parse_json_strict(std::string_view text, std::size_t max_depth)
{
  // RFC 8259 §8.1: implementations MUST NOT add a byte order mark, and a
  // parser MAY ignore one; nlohmann skips it. Refused, as actool does: bytes
  // some readers skip and others do not are how two readers see two documents.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    return fail("starts with a UTF-8 byte order mark (RFC 8259 section 8.1: not part of JSON text)");
  }
  // nlohmann's lexer takes a NUL byte for the end of input, so "{...}\0junk"
  // would parse as "{...}". No JSON text contains a raw NUL (RFC 8259 §7:
  // control characters are escaped inside strings, and are not whitespace).
  if (auto nul = text.find('\0'); nul != std::string_view::npos) {
    return fail("NUL byte at offset " + std::to_string(nul) + " (not allowed in JSON text)");
  }
  StrictBuilder b(max_depth);
  bool ok = json::sax_parse(text.begin(), text.end(), &b, json::input_format_t::json, true);
  if (!ok) {
    return fail(b.message().empty() ? "invalid JSON" : b.message());
  }
  try {
    (void)b.result().dump();
  } catch (const json::exception&) {
    return fail("a string is not valid UTF-8");
  }
  return std::move(b.result());
}

std::string canonical_dump(const json& j, bool pretty)
{
  return pretty ? j.dump(2) : j.dump();
}

} // namespace acikit::aci
