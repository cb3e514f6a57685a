// Regression tests for what tests/fuzz/fuzz_lock found.
#include <catch2/catch.hpp>

#include "repo/lock.hpp"
#include "util/error.hpp"

#include <string>

using namespace acikit;

TEST_CASE("lock-number-overflow-is-bad-input", "[repo][lock][fuzz]")
{
  // fuzz_lock crash-6816964a...: nlohmann throws out_of_range (406), not
  // parse_error, for a number too big for a double; it escaped Lock::parse as an
  // uncaught exception instead of bad input naming the file.
  for (std::string text : {std::string("20666600012297829382E473034409"),
                           std::string("{\"version\": 1e999}"),
                           std::string("[1, -1E400]")}) {
    INFO(text);
    try {
      repo::Lock::parse(text, "x.lock");
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::bad_input);
      CHECK(e.where() == "x.lock");
      CHECK(e.message().rfind("not JSON: [json.exception.out_of_range.406] number overflow parsing '", 0) == 0);
    }
  }
}
