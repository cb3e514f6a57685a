// aci-verify's signature check is over the very bytes it validated (issue 5): one
// read of the .aci feeds the validator, the image ID and gpg (ops::verify_aci_fd,
// signature::DetachedStream). Keys and images are made at test time with gpg and
// tar (tests may run them; the library never does).
#include <catch2/catch.hpp>

#include "helpers.hpp"

#include "hash/hash.hpp"
#include "ops/verify.hpp"
#include "signature/signature.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace fs = std::filesystem;
using namespace acikit;

namespace {

using acikit::testing::sh;

struct Fixture {
  std::string dir;
  std::string home;
  std::string fpr;

  std::string path(const std::string& n) const { return dir + "/" + n; }

  // An uncompressed ACI named example.com/NAME whose /bin/sh is executable.
  void make_image(const std::string& name)
  {
    const std::string d = path("src-" + name);
    fs::create_directories(d + "/rootfs/bin");
    util::write_file_atomic(d + "/manifest",
                            R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/)" + name +
                                R"(", "app": {"exec": ["/bin/sh"], "user": "0", "group": "0"}})");
    util::write_file_atomic(d + "/rootfs/bin/sh", "#!/bin/true " + name + "\n", util::Overwrite::yes, 0755);
    sh("tar --format=pax --sort=name --mtime=@0 --owner=0 --group=0 -C " + d + " -cf " + path(name + ".aci") +
       " manifest rootfs 2>&1");
  }

  Fixture()
  {
    std::string t = "/tmp/acikit-vsb.XXXXXX";
    REQUIRE(mkdtemp(t.data()));
    dir = t;
    home = dir + "/gnupg";
    fs::create_directories(home);
    fs::permissions(home, fs::perms::owner_all);
    const std::string gpg = "gpg --homedir " + home + " --batch --no-tty --passphrase '' --pinentry-mode loopback ";
    sh(gpg + "--quick-gen-key 'Image Signer <s@acikit.test>' ed25519 sign never 2>&1");
    std::string colons = sh("gpg --homedir " + home + " --batch --with-colons --list-keys 2>/dev/null");
    auto at = colons.find("\nfpr:");
    REQUIRE(at != std::string::npos);
    auto start = colons.find_first_not_of(':', at + 5);
    fpr = colons.substr(start, colons.find(':', start) - start);
    sh(gpg + "--export -o " + path("keyring.gpg") + " 2>&1");
    make_image("original");
    make_image("other");
    sh(gpg + "--armor --detach-sign -o " + path("original.aci.asc") + " " + path("original.aci") + " 2>&1");
    sh("gpgconf --homedir " + home + " --kill all");
  }
  ~Fixture()
  {
    std::system(("gpgconf --homedir " + home + " --kill all 2>/dev/null").c_str());
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

Fixture& fx()
{
  static Fixture f;
  return f;
}

std::string image_id_of(const std::string& file)
{
  return "sha512-" + hash::sha512_hex(util::read_file(file));
}

} // namespace

TEST_CASE("verify-signature-same-bytes", "[ops][signature]")
{
  // The path is replaced (rename, as an attacker swapping files would) after
  // the descriptor is open: validation, image ID and signature all stay with
  // the bytes behind the descriptor.
  const std::string victim = fx().path("victim.aci");
  fs::copy_file(fx().path("original.aci"), victim, fs::copy_options::overwrite_existing);
  const std::string want_id = image_id_of(victim);
  util::Fd fd(::open(victim.c_str(), O_RDONLY | O_CLOEXEC));
  REQUIRE(fd.get() >= 0);
  fs::copy_file(fx().path("other.aci"), victim + ".new");
  fs::rename(victim + ".new", victim);
  REQUIRE(image_id_of(victim) != want_id);

  signature::Verifier v(signature::Keyring::from_file(fx().path("keyring.gpg")));
  const std::string sig = util::read_file(fx().path("original.aci.asc"));
  auto c = ops::verify_aci_fd(fd.get(), victim, {}, &v, sig, "victim.aci.asc");
  CHECK(c.report.errors == std::vector<std::string>{});
  CHECK(c.report.valid);
  CHECK(c.report.image_id == want_id);
  REQUIRE(c.report.manifest);
  CHECK(c.report.manifest->name().str() == "example.com/original");
  CHECK(c.signature_error == "");
  CHECK(c.signer == fx().fpr);
}

TEST_CASE("verify-signature-other-bytes-bad", "[ops][signature]")
{
  // The signature of one image over the descriptor of another: bad, and the
  // image ID is the other's.
  util::Fd fd(::open(fx().path("other.aci").c_str(), O_RDONLY | O_CLOEXEC));
  REQUIRE(fd.get() >= 0);
  signature::Verifier v(signature::Keyring::from_file(fx().path("keyring.gpg")));
  auto c = ops::verify_aci_fd(fd.get(), "other.aci", {}, &v, util::read_file(fx().path("original.aci.asc")),
                              "original.aci.asc");
  CHECK(c.report.valid);
  CHECK(c.report.image_id == image_id_of(fx().path("other.aci")));
  CHECK(c.signer == "");
  CHECK(c.signature_error == "signature: original.aci.asc: no valid signature from a key in " +
                                 fx().path("keyring.gpg") + " (signature by " + fx().fpr + ": bad signature)");
}

TEST_CASE("verify-signature-from-a-pipe", "[ops][signature]")
{
  // stdin: not seekable, read once; the signature is checked on the way.
  const std::string bytes = util::read_file(fx().path("original.aci"));
  int p[2];
  REQUIRE(::pipe(p) == 0);
  util::Fd rd(p[0]);
  std::thread writer([&bytes, w = p[1]] {
    std::size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::write(w, bytes.data() + off, bytes.size() - off);
      if (n <= 0) {
        break;
      }
      off += static_cast<std::size_t>(n);
    }
    ::close(w);
  });
  signature::Verifier v(signature::Keyring::from_file(fx().path("keyring.gpg")));
  auto c = ops::verify_aci_fd(rd.get(), "-", {}, &v, util::read_file(fx().path("original.aci.asc")), "sig.asc");
  writer.join();
  CHECK(c.report.valid);
  CHECK(c.report.image_id == "sha512-" + hash::sha512_hex(bytes));
  CHECK(c.signer == fx().fpr);
  CHECK(c.signature_error == "");
}

TEST_CASE("verify-signature-covers-what-a-bad-image-left-unread", "[ops][signature]")
{
  // The validator stops at the first tar error; the signature still covers the
  // whole file (read on to its end), so a signed but broken image is reported
  // as broken and signed, and the tail cannot be changed unnoticed.
  std::string junk = util::read_file(fx().path("original.aci")).substr(0, 700) + std::string(200000, 'j');
  util::write_file_atomic(fx().path("broken.aci"), junk);
  sh("gpg --homedir " + fx().home + " --batch --no-tty --passphrase '' --pinentry-mode loopback --armor "
     "--detach-sign -o " + fx().path("broken.aci.asc") + " " + fx().path("broken.aci") + " 2>&1");
  signature::Verifier v(signature::Keyring::from_file(fx().path("keyring.gpg")));
  const std::string sig = util::read_file(fx().path("broken.aci.asc"));
  {
    util::Fd fd(::open(fx().path("broken.aci").c_str(), O_RDONLY | O_CLOEXEC));
    auto c = ops::verify_aci_fd(fd.get(), "broken.aci", {}, &v, sig, "broken.aci.asc");
    CHECK(!c.report.valid);
    CHECK(c.signer == fx().fpr);
  }
  junk.back() = 'J';
  util::write_file_atomic(fx().path("broken.aci"), junk);
  util::Fd fd(::open(fx().path("broken.aci").c_str(), O_RDONLY | O_CLOEXEC));
  auto c = ops::verify_aci_fd(fd.get(), "broken.aci", {}, &v, sig, "broken.aci.asc");
  CHECK(c.signer == "");
  CHECK(c.signature_error == "signature: broken.aci.asc: no valid signature from a key in " +
                                 fx().path("keyring.gpg") + " (signature by " + fx().fpr + ": bad signature)");
  std::system(("gpgconf --homedir " + fx().home + " --kill all 2>/dev/null").c_str());
}

TEST_CASE("detached-stream-malformed-signature-does-not-block", "[signature]")
{
  // gpg gives up on the signature before reading the data: write() must drop
  // the bytes instead of waiting for a reader that is gone (more than the
  // queue holds is written).
  signature::Verifier v(signature::Keyring::from_file(fx().path("keyring.gpg")));
  signature::DetachedStream s(v, "not a signature", "x.asc");
  const std::string chunk(1 << 20, 'x');
  for (int i = 0; i < 16; ++i) {
    s.write(chunk.data(), chunk.size());
  }
  try {
    s.finish();
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_input);
    CHECK(std::string(e.what()) == "x.asc: no OpenPGP signature found");
  }
}

TEST_CASE("detached-stream-abandoned", "[signature]")
{
  // Destroyed without finish() (the caller stopped reading): gpg is stopped,
  // nothing hangs or throws, and the Verifier works afterwards.
  signature::Verifier v(signature::Keyring::from_file(fx().path("keyring.gpg")));
  const std::string sig = util::read_file(fx().path("original.aci.asc"));
  const std::string bytes = util::read_file(fx().path("original.aci"));
  {
    signature::DetachedStream s(v, sig, "a.asc");
    s.write(bytes.data(), 100);
  }
  signature::DetachedStream s(v, sig, "a.asc");
  s.write(bytes.data(), bytes.size());
  CHECK(s.finish().signer().fingerprint == fx().fpr);
}
