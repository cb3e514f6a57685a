#include <catch2/catch.hpp>

#include "compress/compress.hpp"
#include "entries/tar_source.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/temp_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>

using namespace acikit;
using entries::Entry;
using entries::Type;

namespace {

// A minimal ustar writer (POSIX.1-1988 headers, pax 'x' records for xattrs), so
// the tests can make the streams other writers refuse to (duplicates, links first).
struct Member {
  std::string name;
  char type = '0';
  std::string data;
  std::string link;
  unsigned mode = 0644, uid = 0, gid = 0;
  long long mtime = 1700000000;
  std::map<std::string, std::string> pax;
};

void octal(char* field, std::size_t width, unsigned long long v)
{
  // width - 1 octal digits, then NUL.
  for (std::size_t i = width - 1; i-- > 0; v >>= 3) {
    field[i] = static_cast<char>('0' + (v & 7));
  }
  field[width - 1] = '\0';
}

std::string header(const Member& m, char type, std::size_t size)
{
  std::string h(512, '\0');
  std::memcpy(h.data(), m.name.data(), std::min<std::size_t>(m.name.size(), 100));
  octal(&h[100], 8, m.mode);
  octal(&h[108], 8, m.uid);
  octal(&h[116], 8, m.gid);
  octal(&h[124], 12, size);
  octal(&h[136], 12, static_cast<unsigned long long>(m.mtime));
  h[156] = type;
  std::memcpy(&h[157], m.link.data(), std::min<std::size_t>(m.link.size(), 100));
  std::memcpy(&h[257], "ustar", 6);
  std::memcpy(&h[263], "00", 2);
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) {
    sum += c;
  }
  octal(&h[148], 7, sum);
  return h;
}

std::string pad(std::string s)
{
  s.resize((s.size() + 511) / 512 * 512, '\0');
  return s;
}

std::string make_tar(const std::vector<Member>& members)
{
  std::string out;
  for (const auto& m : members) {
    if (!m.pax.empty()) {
      std::string records;
      for (const auto& [k, v] : m.pax) {
        std::string body = " " + k + "=" + v + "\n";
        std::size_t n = body.size() + 1;
        while (std::to_string(n).size() + body.size() != n) {
          ++n;
        }
        records += std::to_string(n) + body;
      }
      Member x;
      x.name = "PaxHeaders/x";
      out += header(x, 'x', records.size()) + pad(records);
    }
    out += header(m, m.type, m.type == '0' ? m.data.size() : 0);
    if (m.type == '0') {
      out += pad(m.data);
    }
  }
  return out + std::string(1024, '\0');
}

struct Read {
  Entry root;
  std::vector<Entry> entries;
  std::map<std::string, std::string> data;
};

Read read_tar(const std::string& bytes)
{
  util::TempDir dir("tar-source-test");
  auto file = dir.path() / "in.tar";
  util::write_file_atomic(file, bytes);
  int fd = ::open(file.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  Read r;
  try {
    entries::TarSource source(fd, "in.tar", {dir.path()});
    r.root = source.root_entry();
    Entry e;
    while (source.next(e)) {
      if (e.type == Type::file) {
        std::string s;
        char buf[7];  // odd size: reads span calls
        while (std::size_t n = source.content().read(buf, sizeof buf)) {
          s.append(buf, n);
        }
        r.data[e.path] = s;
      }
      r.entries.push_back(e);
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return r;
}

std::string error_of(const std::string& bytes)
{
  try {
    read_tar(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

std::vector<std::string> paths(const Read& r)
{
  std::vector<std::string> out;
  for (const auto& e : r.entries) {
    out.push_back(e.path);
  }
  return out;
}

Member file(std::string name, std::string data, unsigned mode = 0644)
{
  Member m;
  m.name = std::move(name);
  m.data = std::move(data);
  m.mode = mode;
  return m;
}
Member dir(std::string name, unsigned mode = 0755)
{
  Member m;
  m.name = std::move(name);
  m.type = '5';
  m.mode = mode;
  return m;
}
Member member_link(std::string name, std::string target, char type = '1')
{
  Member m;
  m.name = std::move(name);
  m.type = type;
  m.link = std::move(target);
  return m;
}

} // namespace

TEST_CASE("tar-source-sorted-with-contents-from-the-spool")
{
  auto r = read_tar(make_tar({dir("./"), dir("./usr/"), file("./usr/b", std::string(100000, 'b')),
                              file("./usr/a", "aaa"), dir("./etc"), file("etc/x", "")}));
  CHECK(paths(r) == std::vector<std::string>{"etc", "etc/x", "usr", "usr/a", "usr/b"});
  CHECK(r.data["usr/a"] == "aaa");
  CHECK(r.data["usr/b"] == std::string(100000, 'b'));
  CHECK(r.data["etc/x"].empty());
  CHECK(r.root.path == ".");
  CHECK(r.root.type == Type::directory);
}

TEST_CASE("tar-source-byte-order-dot-before-slash")
{
  auto r = read_tar(make_tar({file("a/b", "1"), file("a.b", "2"), file("a-b", "3")}));
  // Missing parent "a" is added; '-' (2d) < '.' (2e) < '/' (2f).
  CHECK(paths(r) == std::vector<std::string>{"a", "a-b", "a.b", "a/b"});
  CHECK(r.entries[0].type == Type::directory);
  CHECK(r.entries[0].mode == 0755);
  CHECK(r.entries[0].mtime == 0);
}

TEST_CASE("tar-source-metadata-kept")
{
  Member f = file("bin/su", "x", 04755);
  f.uid = 1234;
  f.gid = 5678;
  f.mtime = 1600000000;
  f.pax = {{"SCHILY.xattr.user.b", "2"}, {"SCHILY.xattr.user.a", "1"},
           {"SCHILY.xattr.security.selinux", "system_u:object_r:bin_t:s0"}};
  Member sym = member_link("bin/sh", "/bin/dash", '2');
  Member dev = member_link("dev/null", "", '3');
  auto r = read_tar(make_tar({dir("bin", 02775), f, sym, dev}));
  REQUIRE(r.entries.size() == 5);
  const Entry& su = r.entries[2];
  CHECK(su.path == "bin/su");
  CHECK(su.mode == 04755);
  CHECK(su.uid == 1234);
  CHECK(su.gid == 5678);
  CHECK(su.mtime == 1600000000);
  // Sorted by name; the host's SELinux label is not content.
  CHECK(su.xattrs == std::vector<std::pair<std::string, std::string>>{{"user.a", "1"}, {"user.b", "2"}});
  CHECK(r.entries[0].mode == 02775);
  CHECK(r.entries[1].path == "bin/sh");
  CHECK(r.entries[1].type == Type::symlink);
  CHECK(r.entries[1].link_target == "/bin/dash");
  CHECK(r.entries[4].type == Type::char_device);
}

TEST_CASE("tar-source-hardlink-repointed-to-first-path")
{
  Member target = file("z/data", "shared", 0750);
  target.uid = 7;
  auto r = read_tar(make_tar({target, member_link("a/early", "z/data"), member_link("m/mid", "./z/data")}));
  CHECK(paths(r) == std::vector<std::string>{"a", "a/early", "m", "m/mid", "z", "z/data"});
  const Entry& first = r.entries[1];
  CHECK(first.type == Type::file);
  CHECK(first.mode == 0750);
  CHECK(first.uid == 7);
  CHECK(r.data["a/early"] == "shared");
  for (std::size_t i : {3u, 5u}) {
    CHECK(r.entries[i].type == Type::hardlink);
    CHECK(r.entries[i].link_target == "a/early");
    CHECK(r.entries[i].mode == 0750);
    CHECK(r.entries[i].uid == 7);
  }
}

TEST_CASE("tar-source-hardlink-before-its-target")
{
  auto r = read_tar(make_tar({member_link("b", "c"), file("c", "data")}));
  CHECK(paths(r) == std::vector<std::string>{"b", "c"});
  CHECK(r.entries[0].type == Type::file);
  CHECK(r.data["b"] == "data");
  CHECK(r.entries[1].link_target == "b");
}

TEST_CASE("tar-source-hardlink-to-symlink-is-a-copy")
{
  auto r = read_tar(make_tar({member_link("s", "t", '2'), member_link("h", "s")}));
  CHECK(r.entries[0].path == "h");
  CHECK(r.entries[0].type == Type::symlink);
  CHECK(r.entries[0].link_target == "t");
}

TEST_CASE("tar-source-directory-twice-later-metadata")
{
  auto r = read_tar(make_tar({dir("d", 0700), file("d/f", "x"), dir("d/", 0750)}));
  CHECK(paths(r) == std::vector<std::string>{"d", "d/f"});
  CHECK(r.entries[0].mode == 0750);
}

TEST_CASE("tar-source-refusals")
{
  CHECK(error_of(make_tar({file("a", "1"), file("./a", "2")})) == "in.tar: ./a: 'a' appears twice in the stream");
  CHECK(error_of(make_tar({dir("a"), file("a", "2")})) == "in.tar: a: 'a' appears twice in the stream");
  CHECK(error_of(make_tar({member_link("h", "missing")})) ==
        "in.tar: h: hardlink to 'missing', which is not in the stream");
  CHECK(error_of(make_tar({dir("d"), member_link("h", "d")})) == "in.tar: h: hardlink to the directory 'd'");
  CHECK(error_of(make_tar({file("../x", "1")})) == "in.tar: ../x: member name with '..': '../x'");
  CHECK(error_of(make_tar({file("f", "1"), file("f/g", "2")})) == "in.tar: f/g: parent 'f' is not a directory");
  CHECK(error_of(make_tar({file(".", "1")})) == "in.tar: .: the root is not a directory");
}

TEST_CASE("tar-source-absolute-names-stripped")
{
  auto r = read_tar(make_tar({file("/etc/passwd", "root")}));
  CHECK(paths(r) == std::vector<std::string>{"etc", "etc/passwd"});
}

TEST_CASE("tar-source-compressed-stream")
{
  std::string tar = make_tar({file("a", "hello")});
  for (auto f : {compress::Format::gzip, compress::Format::xz, compress::Format::bzip2}) {
    auto r = read_tar(compress::compress_string(tar, {f, std::nullopt, 1}));
    CHECK(r.data["a"] == "hello");
  }
}

TEST_CASE("tar-source-not-a-tar")
{
  CHECK(error_of(std::string(2048, 'x')) ==
        "in.tar: Unrecognized archive format");
}
