#include <catch2/catch.hpp>

#include "deb822/deb822.hpp"
#include "util/error.hpp"

#include <string>

using namespace acikit;

TEST_CASE("deb822-fields-values-and-lines")
{
  const std::string text =
      "Package: busybox\n"
      "Version:1.35.0-4+b3  \n"
      "Description: tiny\n"
      " utilities\n"
      " .\n"
      " more\n"
      "\n"
      "\n"
      "Package: hello\r\n"
      "SHA256:\n"
      " aa 1 main/x\n";
  auto ps = deb822::parse(text, "Packages");
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].line == 1);
  REQUIRE(ps[0].fields.size() == 3);
  CHECK(ps[0].fields[1].name == "Version");
  CHECK(ps[0].fields[1].value == "1.35.0-4+b3");
  CHECK(ps[0].fields[1].line == 2);
  CHECK(ps[0].get("description") == "tiny\n utilities\n .\n more");
  CHECK(ps[0].find("DESCRIPTION")->line == 3);
  CHECK_FALSE(ps[0].get("Depends").has_value());
  CHECK(ps[1].line == 9);
  CHECK(ps[1].get("Package") == "hello");
  CHECK(ps[1].get("SHA256") == "\n aa 1 main/x");
  CHECK(ps[1].find("SHA256")->line == 10);
}

TEST_CASE("deb822-comments-only-in-sources-mode")
{
  const std::string text =
      "# leading comment\n"
      "Types: deb\n"
      "# inside: does not end the paragraph\n"
      "URIs: http://example.org/debian\n"
      "#\n"
      "\n"
      "# a paragraph of comments only\n";
  auto ps = deb822::parse(text, "x.sources", deb822::Comments::yes);
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].line == 2);
  CHECK(ps[0].fields.size() == 2);
  CHECK_THROWS_WITH(deb822::parse(text, "Release"),
                    "Release:1: expected 'Field: value' or a continuation line");
}

TEST_CASE("deb822-blank-only-lines-separate")
{
  auto ps = deb822::parse("A: 1\n \t \nB: 2\n", "f");
  REQUIRE(ps.size() == 2);
  CHECK(ps[1].line == 3);
  CHECK(deb822::parse("", "f").empty());
  CHECK(deb822::parse("\n\n  \n", "f").empty());
  auto last = deb822::parse("A: 1", "f");  // no final newline
  REQUIRE(last.size() == 1);
  CHECK(last[0].get("A") == "1");
}

TEST_CASE("deb822-errors-name-file-and-line")
{
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"A: 1\nnot a field\n", "f:2: expected 'Field: value' or a continuation line"},
      {"A: 1\n: empty name\n", "f:2: expected 'Field: value' or a continuation line"},
      {"Bad name: 1\n", "f:1: expected 'Field: value' or a continuation line"},
      {" starts with a continuation\n", "f:1: continuation line before any field"},
      {"A: 1\n\n more\n", "f:3: continuation line before any field"},
      {"Package: a\nVersion: 1\npackage: b\n", "f:3: duplicate field 'package' (first on line 1)"},
      {"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n",
       "f:1: expected 'Field: value' or a continuation line"},
  }));
  INFO(text);
  try {
    deb822::parse(text, "f");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_input);
    CHECK(std::string(e.what()) == message);
  }
}

TEST_CASE("deb822-for-each-paragraph-reuses-paragraph")
{
  std::string text;
  for (int i = 0; i < 1000; ++i) {
    text += "Package: p" + std::to_string(i) + "\nVersion: 1.0\n";
    if (i % 2 == 0) {
      text += "Depends: libc6 (>= 2.36)\n";
    }
    text += "\n";
  }
  std::size_t count = 0;
  std::size_t fields = 0;
  deb822::for_each_paragraph(text, "f", deb822::Comments::no, [&](const deb822::Paragraph& p) {
    CHECK(p.get("Package") == "p" + std::to_string(count));
    CHECK(p.line == 1 + count * 3 + (count + 1) / 2);
    fields += p.fields.size();
    ++count;
  });
  CHECK(count == 1000);
  CHECK(fields == 2500);
}
