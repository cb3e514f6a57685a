#include <catch2/catch.hpp>

#include "deb/deb_file.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/temp_dir.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace acikit;

namespace {

// A minimal ustar writer and ar writer, so the reader is tested on bytes we control.
struct TarMember {
  TarMember(std::string n, char t, std::string d, std::string l = "", unsigned m = 0644)
    : name(std::move(n)), type(t), data(std::move(d)), link(std::move(l)), mode(m)
  {
  }
  std::string name;
  char type;
  std::string data;
  std::string link;
  unsigned mode;
};

void octal(char* field, std::size_t size, unsigned long long v)
{
  // size - 1 octal digits, then NUL
  for (std::size_t i = size - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (v & 7));
    v >>= 3;
  }
  field[size - 1] = '\0';
}

std::string tar(const std::vector<TarMember>& members)
{
  std::string out;
  for (const auto& m : members) {
    char h[512] = {};
    std::memcpy(h, m.name.data(), std::min<std::size_t>(m.name.size(), 100));
    octal(h + 100, 8, m.mode);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, m.data.size());
    octal(h + 136, 12, 1700000000);
    h[156] = m.type;
    std::memcpy(h + 157, m.link.data(), std::min<std::size_t>(m.link.size(), 100));
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) {
      sum += c;
    }
    octal(h + 148, 7, sum);
    out.append(h, 512);
    out += m.data;
    out.append((512 - m.data.size() % 512) % 512, '\0');
  }
  out.append(1024, '\0');
  return out;
}

std::string ar(const std::vector<std::pair<std::string, std::string>>& members)
{
  std::string out = "!<arch>\n";
  for (const auto& [name, data] : members) {
    char h[61];
    std::snprintf(h, sizeof h, "%-16s%-12d%-6d%-6d%-8o%-10zu`\n", name.c_str(), 0, 0, 0, 0100644,
                  data.size());
    out.append(h, 60);
    out += data;
    if (data.size() % 2) {
      out += '\n';
    }
  }
  return out;
}

const std::string k_control = "Package: hello\nVersion: 2.10-3\nDescription: greet\n long text\n";

std::string control_tar()
{
  return tar({{"./", '5', "", "", 0755},
              {"./control", '0', k_control},
              {"./md5sums", '0', "d41d8cd98f00b204e9800998ecf8427e  usr/x\n"},
              {"./postinst", '0', "#!/bin/sh\n", "", 0755},
              {"./preinst", '0', "#!/bin/sh\n", "", 0755}});
}

std::string data_tar()
{
  return tar({{"./", '5', "", "", 0755},
              {"./usr/", '5', "", "", 0755},
              {"./usr/x", '0', "hello\n", "", 04755},
              {"./usr/l", '2', "", "x", 0777},
              {"./usr/h", '1', "", "./usr/x", 0644}});
}

std::filesystem::path write(const util::TempDir& dir, const std::string& name, const std::string& bytes)
{
  auto p = dir.path() / name;
  util::write_file_atomic(p, bytes);
  return p;
}

} // namespace

TEST_CASE("deb-file-reads-control-and-data")
{
  util::TempDir dir;
  auto p = write(dir, "hello_2.10-3_amd64.deb",
                 ar({{"debian-binary", "2.0\n"}, {"control.tar", control_tar()}, {"data.tar", data_tar()}}));
  deb::DebFile deb(p);
  CHECK(deb.name() == "hello_2.10-3_amd64.deb");
  CHECK(deb.format_version() == "2.0");
  CHECK(deb.control_member() == "control.tar");
  CHECK(deb.data_member() == "data.tar");
  CHECK(deb.control() == k_control);
  CHECK(deb.package() == "hello");
  CHECK(deb.field("version") == std::optional<std::string>("2.10-3"));
  CHECK(deb.field("Description") == std::optional<std::string>("greet\n long text"));
  CHECK_FALSE(deb.field("Depends"));
  CHECK(deb.maintainer_scripts() == std::vector<std::string>{"preinst", "postinst"});
  CHECK(deb.md5sums() == std::optional<std::string>("d41d8cd98f00b204e9800998ecf8427e  usr/x\n"));

  auto& src = deb.data();
  entries::Entry e;
  REQUIRE(src.next(e));
  CHECK(e.path == "usr");
  CHECK(e.type == entries::Type::directory);
  CHECK(e.origin == "hello_2.10-3_amd64.deb");
  REQUIRE(src.next(e));
  CHECK(e.path == "usr/x");
  CHECK(e.type == entries::Type::file);
  CHECK(e.mode == 04755);
  CHECK(e.mtime == 1700000000);
  CHECK(e.size == 6);
  char buf[16];
  std::size_t n = src.content().read(buf, sizeof buf);
  CHECK(std::string(buf, n) == "hello\n");
  REQUIRE(src.next(e));
  CHECK(e.path == "usr/l");
  CHECK(e.type == entries::Type::symlink);
  CHECK(e.link_target == "x");
  REQUIRE(src.next(e));
  CHECK(e.path == "usr/h");
  CHECK(e.type == entries::Type::hardlink);
  CHECK(e.link_target == "usr/x");
  CHECK_FALSE(src.next(e));
}

TEST_CASE("deb-file-errors-name-file-and-member")
{
  util::TempDir dir;
  auto ctl = control_tar();
  auto data = data_tar();
  using Members = std::vector<std::pair<std::string, std::string>>;
  auto expect = [&](const Members& members, const std::string& message) {
    auto p = write(dir, "bad.deb", ar(members));
    CHECK_THROWS_WITH(deb::DebFile(p), message);
  };
  expect({{"debian-binary", "2.0\n"}, {"control.tar", ctl}, {"data.tar.foo", data}},
         "bad.deb: member 'data.tar.foo': unsupported compression");
  expect({{"debian-binary", "2.0\n"}, {"control.tar.lzma", ctl}, {"data.tar", data}},
         "bad.deb: member 'control.tar.lzma': unsupported compression");
  expect({{"debian-binary", "1.0\n"}, {"control.tar", ctl}, {"data.tar", data}},
         "bad.deb: member 'debian-binary': unsupported format version '1.0'");
  expect({{"data.tar", data}}, "bad.deb: member 'data.tar': expected 'debian-binary' first");
  expect({{"debian-binary", "2.0\n"}, {"data.tar", data}, {"control.tar", ctl}},
         "bad.deb: member 'data.tar': expected 'control.tar' here");
  expect({{"debian-binary", "2.0\n"}, {"control.tar", ctl}},
         "bad.deb: missing member 'data.tar'");
  expect({{"debian-binary", "2.0\n"}, {"control.tar", tar({{"./md5sums", '0', ""}})}, {"data.tar", data}},
         "bad.deb: control.tar: no 'control' file");
  // '_' members between the required ones are ignored (deb(5)).
  auto p = write(dir, "ok.deb", ar({{"debian-binary", "2.9\n"}, {"_x", "1"}, {"control.tar", ctl},
                                   {"_y", "22"}, {"data.tar", data}, {"trailer", "t"}}));
  CHECK_NOTHROW(deb::DebFile(p));
}

TEST_CASE("deb-file-hostile-member-names")
{
  util::TempDir dir;
  auto deb_with = [&](const std::vector<TarMember>& members) {
    return write(dir, "evil.deb", ar({{"debian-binary", "2.0\n"}, {"control.tar", control_tar()},
                                      {"data.tar", tar(members)}}));
  };
  auto drain = [](deb::DebFile& d) {
    entries::Entry e;
    while (d.data().next(e)) {
    }
  };
  {
    deb::DebFile d(deb_with({{"./../../x", '0', "x"}}));
    CHECK_THROWS_WITH(drain(d), "evil.deb: data.tar: member name with '..': './../../x'");
  }
  {
    deb::DebFile d(deb_with({{"/abs/x", '0', "x"}}));
    CHECK_THROWS_WITH(drain(d), "evil.deb: data.tar: absolute member name '/abs/x'");
  }
  {
    deb::DebFile d(deb_with({{"./h", '1', "", "../../etc/passwd"}}));
    CHECK_THROWS_WITH(drain(d), "evil.deb: data.tar: member name with '..': '../../etc/passwd'");
  }
  {
    deb::DebFile d(deb_with({{"./s", '7', "", ""}}));  // contiguous file: read as a file
    CHECK_NOTHROW(drain(d));
  }
}

TEST_CASE("deb-file-missing-file-is-environment")
{
  try {
    deb::DebFile d("/nonexistent/x.deb");
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::environment);
    CHECK(std::string(e.what()) == "/nonexistent/x.deb: cannot open: No such file or directory");
  }
}
