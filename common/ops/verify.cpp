#include "ops/verify.hpp"

#include "aci/aci_reader.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace acikit::ops {

int verify(const VerifyOptions& o)
{
  if (o.inputs.empty()) {
    throw_usage("expected at least one INPUT.aci");
  }
  bool any_invalid = false, any_unreadable = false;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& input : o.inputs) {
    aci::AciReport r;
    r.file = input;
    try {
      r = aci::verify_aci(input);
    } catch (const Error& e) {
      if (e.code() == ExitCode::bad_input) {
        r.errors.push_back(e.message());
      } else {
        any_unreadable = true;
        std::cerr << "aci-verify: error: " << e.what() << '\n';
        r.errors.push_back(e.what());
      }
      r.valid = false;
    }
    any_invalid = any_invalid || !r.valid;
    if (o.json) {
      out.push_back({{"file", r.file},
                     {"valid", r.valid},
                     {"image_id", r.image_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.image_id)},
                     {"compression", std::string(compress::format_name(r.compression))},
                     {"errors", r.errors},
                     {"warnings", r.warnings}});
      continue;
    }
    if (r.valid) {
      std::cout << r.file << ": valid " << r.image_id << '\n';
    }
    for (const auto& e : r.errors) {
      std::cout << r.file << ": invalid: " << e << '\n';
    }
    for (const auto& w : r.warnings) {
      std::cout << r.file << ": warning: " << w << '\n';
    }
  }
  if (o.json) {
    std::cout << out.dump(2) << '\n';
  }
  if (any_unreadable) {
    return static_cast<int>(ExitCode::environment);
  }
  return any_invalid ? static_cast<int>(ExitCode::bad_input) : 0;
}

} // namespace acikit::ops
