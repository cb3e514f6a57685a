// Transport: file:// and the fake directly; http:// against tests/cli/server.py on
// 127.0.0.1 with injected faults (resets, 5xx, truncation, lying lengths).
#include <catch2/catch.hpp>

#include "hash/hash.hpp"
#include "transport/transport.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/temp_dir.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

namespace fs = std::filesystem;
using acikit::Error;
using acikit::ExitCode;
using namespace acikit::transport;
using acikit::util::read_file;
using acikit::util::write_file_atomic;

namespace {

std::string blob(std::size_t n, unsigned seed)
{
  std::string s(n, '\0');
  unsigned x = seed;
  for (auto& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 16);
  }
  return s;
}

std::vector<std::string> listing(const fs::path& dir)
{
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

template <typename F>
Error error_of(F&& f)
{
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error thrown");
  throw std::logic_error("unreachable");
}

// tests/cli/server.py serving `root`, stopped (by its pid) on destruction.
struct Server {
  acikit::util::TempDir state{"acikit-srv"};
  fs::path root;
  pid_t pid = -1;
  int port = 0;

  explicit Server(fs::path r) : root(std::move(r))
  {
    std::string cmd = std::string("python3 ") + ACIKIT_SOURCE_DIR + "/tests/cli/server.py --root " + root.string() +
                      " --port-file " + (state.path() / "port").string() + " --faults " +
                      (state.path() / "faults.json").string() + " --log " + (state.path() / "log").string() +
                      " --max-seconds 120 >/dev/null 2>&1 & echo $!";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    REQUIRE(fscanf(p, "%d", &pid) == 1);
    pclose(p);
    for (int i = 0; i < 200 && !fs::exists(state.path() / "port"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    REQUIRE(fs::exists(state.path() / "port"));
    port = std::stoi(read_file(state.path() / "port"));
  }
  ~Server()
  {
    if (pid > 0) {
      kill(pid, SIGTERM);
    }
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }
  void faults(const std::string& json) { write_file_atomic(state.path() / "faults.json", json); }
  std::string log() const { return fs::exists(state.path() / "log") ? read_file(state.path() / "log") : ""; }
  std::size_t count(const std::string& needle) const
  {
    std::string l = log();
    std::size_t n = 0;
    for (std::size_t at = l.find(needle); at != std::string::npos; at = l.find(needle, at + 1)) {
      ++n;
    }
    return n;
  }
};

struct Site {
  acikit::util::TempDir dir{"acikit-site"};
  acikit::util::TempDir out{"acikit-out"};
  std::string a = blob(300000, 1);
  std::string b = blob(5000, 2);
  std::string c = blob(200000, 3);
  Site()
  {
    fs::create_directories(dir.path() / "pool");
    write_file_atomic(dir.path() / "pool/a.deb", a);
    write_file_atomic(dir.path() / "pool/b+1~2.deb", b);
    write_file_atomic(dir.path() / "pool/c.deb", c);
  }
  Request req(const std::string& url, const std::string& name, const std::string& content) const
  {
    return Request{url, out.path() / name, Expect{content.size(), acikit::hash::sha256_hex(content)}};
  }
};

Options fast_options()
{
  Options o;
  o.jobs = 2;
  o.retries = 3;
  o.connect_timeout_s = 5;
  o.low_speed_time_s = 5;
  return o;
}

} // namespace

TEST_CASE("url-path-encode", "[transport]")
{
  auto [in, out] = GENERATE(table<std::string, std::string>({
      {"pool/main/b/busybox/busybox_1.35.0-4_amd64.deb", "pool/main/b/busybox/busybox_1.35.0-4_amd64.deb"},
      {"pool/main/g/gcc/g++-12_12.2.0-14_amd64.deb", "pool/main/g/gcc/g%2B%2B-12_12.2.0-14_amd64.deb"},
      {"pool/x/y_1%3a2.0~rc1_all.deb", "pool/x/y_1%253a2.0%7Erc1_all.deb"},
      {"a b:c", "a%20b%3Ac"},
  }));
  CHECK(url_path_encode(in) == out);
}

TEST_CASE("file-url-fetch-good-and-get", "[transport]")
{
  Site s;
  auto t = make_transport();
  std::string base = "file://" + s.dir.path().string();
  t->fetch({s.req(base + "/pool/a.deb", "a.deb", s.a), s.req(base + "/pool/b%2B1%7E2.deb", "b.deb", s.b)});
  CHECK(read_file(s.out.path() / "a.deb") == s.a);
  CHECK(read_file(s.out.path() / "b.deb") == s.b);
  CHECK(t->get(base + "/pool/b+1~2.deb", 1 << 20) == s.b);
  CHECK(t->get(base + "/pool/missing", 1 << 20) == std::nullopt);
  CHECK(error_of([&] { t->get(base + "/pool/a.deb", 1000); }).what() ==
        base + "/pool/a.deb: larger than 1000 bytes");
}

TEST_CASE("file-url-mismatches-leave-nothing", "[transport]")
{
  Site s;
  auto t = make_transport();
  std::string url = "file://" + s.dir.path().string() + "/pool/a.deb";
  auto r = s.req(url, "a.deb", s.a);
  r.expect.sha256 = std::string(64, '0');
  auto e = error_of([&] { t->fetch({r}); });
  CHECK(e.code() == ExitCode::bad_input);
  CHECK(std::string(e.what()) == url + ": SHA256 mismatch: expected " + std::string(64, '0') + ", got " +
                                     acikit::hash::sha256_hex(s.a));
  r = s.req(url, "a.deb", s.a);
  r.expect.size = 299999;
  CHECK(std::string(error_of([&] { t->fetch({r}); }).what()) ==
        url + ": size mismatch: expected 299999, got 300000");
  r = s.req(url + ".missing", "a.deb", s.a);
  CHECK(std::string(error_of([&] { t->fetch({r}); }).what()) == url + ".missing: not found");
  CHECK(listing(s.out.path()).empty());
}

TEST_CASE("fake-transport", "[transport]")
{
  acikit::util::TempDir out;
  FakeTransport f;
  f.files["http://x/a"] = "hello";
  CHECK(f.get("http://x/a", 10) == "hello");
  CHECK(f.get("http://x/b", 10) == std::nullopt);
  f.fetch({Request{"http://x/a", out.path() / "a", Expect{5, acikit::hash::sha256_hex("hello")}}});
  CHECK(read_file(out.path() / "a") == "hello");
  CHECK(std::string(error_of([&] { f.fetch({Request{"http://x/a", out.path() / "b", Expect{4, {}}}}); }).what()) ==
        "http://x/a: size mismatch: expected 4, got 5");
  CHECK(f.requested == std::vector<std::string>{"http://x/a", "http://x/b", "http://x/a", "http://x/a"});
}

TEST_CASE("http-fetch-parallel-keep-alive", "[transport]")
{
  Site s;
  Server srv(s.dir.path());
  auto t = make_transport(fast_options());
  CHECK(t->get(srv.url("/pool/b%2B1%7E2.deb"), 1 << 20) == s.b);
  CHECK(t->get(srv.url("/pool/none"), 1 << 20) == std::nullopt);
  t->fetch({s.req(srv.url("/pool/a.deb"), "a.deb", s.a), s.req(srv.url("/pool/b%2B1%7E2.deb"), "b.deb", s.b),
            s.req(srv.url("/pool/c.deb"), "c.deb", s.c), s.req(srv.url("/pool/a.deb"), "a2.deb", s.a)});
  CHECK(read_file(s.out.path() / "a.deb") == s.a);
  CHECK(read_file(s.out.path() / "b.deb") == s.b);
  CHECK(read_file(s.out.path() / "c.deb") == s.c);
  CHECK(read_file(s.out.path() / "a2.deb") == s.a);
  CHECK(listing(s.out.path()) == std::vector<std::string>{"a.deb", "a2.deb", "b.deb", "c.deb"});
  // 6 requests over at most 2 (jobs) connections, plus the one get() used.
  std::set<std::string> conns;
  std::string l = srv.log();
  for (std::size_t at = l.find("\"conn\": "); at != std::string::npos; at = l.find("\"conn\": ", at + 1)) {
    conns.insert(l.substr(at + 8, l.find(',', at) - at - 8));
  }
  CHECK(srv.count("\"path\"") == 6);
  CHECK(conns.size() <= 2);
}

TEST_CASE("http-5xx-twice-then-ok", "[transport]")
{
  Site s;
  Server srv(s.dir.path());
  srv.faults(R"({"/pool/a.deb": {"kind": "status", "code": 503, "times": 2}})");
  auto t = make_transport(fast_options());
  t->fetch({s.req(srv.url("/pool/a.deb"), "a.deb", s.a)});
  CHECK(read_file(s.out.path() / "a.deb") == s.a);
  CHECK(srv.count("\"status\": 503") == 2);
  CHECK(srv.count("\"status\": 200") == 1);
}

TEST_CASE("http-5xx-always-is-environment-error", "[transport]")
{
  Site s;
  Server srv(s.dir.path());
  srv.faults(R"({"/pool/a.deb": {"kind": "status", "code": 500}})");
  auto t = make_transport(fast_options());
  auto e = error_of([&] { t->fetch({s.req(srv.url("/pool/a.deb"), "a.deb", s.a)}); });
  CHECK(e.code() == ExitCode::environment);
  CHECK(std::string(e.what()) == srv.url("/pool/a.deb") + ": HTTP status 500 (after 4 attempts)");
  CHECK(listing(s.out.path()).empty());
}

TEST_CASE("http-reset-mid-body-resumes-with-range", "[transport]")
{
  Site s;
  Server srv(s.dir.path());
  srv.faults(R"({"/pool/a.deb": {"kind": "reset", "after": 100000, "times": 1}})");
  auto t = make_transport(fast_options());
  t->fetch({s.req(srv.url("/pool/a.deb"), "a.deb", s.a)});
  CHECK(read_file(s.out.path() / "a.deb") == s.a);
  CHECK(srv.count("\"status\": 206") == 1);
  std::string l = srv.log();
  // Resumed from some point inside the body (what arrived before the reset).
  CHECK(l.find("\"range\": \"bytes=") != std::string::npos);
  CHECK(listing(s.out.path()) == std::vector<std::string>{"a.deb"});
}

TEST_CASE("http-truncated-no-range-server-restarts", "[transport]")
{
  Site s;
  Server srv(s.dir.path());
  srv.faults(R"({"/pool/a.deb": {"kind": "no-range"}, "/pool/c.deb": {"kind": "truncate", "after": 50000, "times": 1}})");
  auto t = make_transport(fast_options());
  t->fetch({s.req(srv.url("/pool/c.deb"), "c.deb", s.c)});
  CHECK(read_file(s.out.path() / "c.deb") == s.c);
  // A server that ignores Range after a reset: the 200 restarts from zero.
  srv.faults(R"({"_no_range": ["/pool/a.deb"], "/pool/a.deb": {"kind": "reset", "after": 100000, "times": 1}})");
  t->fetch({s.req(srv.url("/pool/a.deb"), "a.deb", s.a)});
  CHECK(read_file(s.out.path() / "a.deb") == s.a);
  CHECK(srv.count("\"path\": \"/pool/a.deb\", \"range\": \"bytes=") == 1);
  CHECK(srv.count("\"path\": \"/pool/a.deb\", \"range\": null, \"status\": 200") == 1);
  CHECK(srv.count("\"status\": 206") == 1);  // only c.deb's resume
}

TEST_CASE("http-sha256-mismatch-same-size", "[transport]")
{
  Site s;
  Server srv(s.dir.path());
  auto t = make_transport(fast_options());
  auto r = s.req(srv.url("/pool/a.deb"), "a.deb", s.a);
  std::string wrong = acikit::hash::sha256_hex(s.b);
  r.expect.sha256 = wrong;
  auto e = error_of([&] { t->fetch({r, s.req(srv.url("/pool/c.deb"), "c.deb", s.c)}); });
  CHECK(e.code() == ExitCode::bad_input);
  CHECK(std::string(e.what()) ==
        srv.url("/pool/a.deb") + ": SHA256 mismatch: expected " + wrong + ", got " + acikit::hash::sha256_hex(s.a));
  auto names = listing(s.out.path());
  CHECK(std::find(names.begin(), names.end(), "a.deb") == names.end());
  for (const auto& n : names) {
    CHECK(n.find(".tmp.") == std::string::npos);
  }
}

TEST_CASE("http-size-mismatch", "[transport]")
{
  Site s;
  Server srv(s.dir.path());
  auto t = make_transport(fast_options());
  auto r = s.req(srv.url("/pool/a.deb"), "a.deb", s.a);
  r.expect.size = 1000;
  CHECK(std::string(error_of([&] { t->fetch({r}); }).what()) ==
        srv.url("/pool/a.deb") + ": size mismatch: expected 1000, got 300000");
  r.expect.size = 400000;
  CHECK(std::string(error_of([&] { t->fetch({r}); }).what()) ==
        srv.url("/pool/a.deb") + ": size mismatch: expected 400000, got 300000");
  // A server announcing fewer bytes than the file has.
  srv.faults(R"({"/pool/a.deb": {"kind": "wrong-length", "length": 299000}})");
  r.expect.size = 300000;
  CHECK(std::string(error_of([&] { t->fetch({r}); }).what()) ==
        srv.url("/pool/a.deb") + ": size mismatch: expected 300000, got 299000");
  CHECK(listing(s.out.path()).empty());
}

TEST_CASE("http-404-is-not-found", "[transport]")
{
  Site s;
  Server srv(s.dir.path());
  auto t = make_transport(fast_options());
  auto e = error_of([&] { t->fetch({s.req(srv.url("/pool/zzz.deb"), "z.deb", s.a)}); });
  CHECK(e.code() == ExitCode::bad_input);
  CHECK(std::string(e.what()) == srv.url("/pool/zzz.deb") + ": not found");
  CHECK(listing(s.out.path()).empty());
}

TEST_CASE("http-connection-refused-is-environment-error", "[transport]")
{
  Site s;
  Options o = fast_options();
  o.retries = 1;
  auto t = make_transport(o);
  // Port 1 on loopback: nothing listens there.
  auto e = error_of([&] { t->fetch({s.req("http://127.0.0.1:1/a.deb", "a.deb", s.a)}); });
  CHECK(e.code() == ExitCode::environment);
  CHECK(std::string(e.what()).rfind("http://127.0.0.1:1/a.deb: ", 0) == 0);
  CHECK(std::string(e.what()).find("(after 2 attempts)") != std::string::npos);
}
