// Several signatures in one .asc / Release.gpg / InRelease: the verdict must not
// depend on their order (gpg stops at the first BAD signature, so "good + bad"
// used to pass and "bad + good" to fail). Rule (signature.hpp): at least one good
// and no bad one; a signature by a key the keyring lacks does not undo a good one
// (as gpgv and apt), and two good archive keys (Debian's Release.gpg) pass.
#include <catch2/catch.hpp>

#include "helpers.hpp"

#include "signature/signature.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using acikit::Error;
using acikit::ExitCode;
using namespace acikit::signature;

namespace {

using acikit::testing::sh;

struct MultiFixture {
  std::string dir;
  std::string home_a;  // archive keys A and E (both in the keyring)
  std::string home_b;  // key B, not in the keyring
  std::string fpr_a, fpr_e, fpr_b;

  std::string gpg(const std::string& home, const std::string& args)
  {
    return sh("gpg --homedir " + home + " --batch --no-tty --passphrase '' --pinentry-mode loopback " + args +
              " 2>&1");
  }
  std::string fingerprint(const std::string& home, const std::string& uid)
  {
    std::string out = sh("gpg --homedir " + home + " --batch --with-colons --list-keys '" + uid + "' 2>/dev/null");
    std::size_t pos = out.find("\nfpr:");
    REQUIRE(pos != std::string::npos);
    std::size_t start = out.find_first_not_of(':', pos + 5);
    return out.substr(start, out.find(':', start) - start);
  }
  std::string path(const std::string& name) const { return dir + "/" + name; }
  std::string slurp(const std::string& name) const { return acikit::util::read_file(path(name)); }

  MultiFixture()
  {
    std::string t = "/tmp/acikit-sigm.XXXXXX";
    REQUIRE(mkdtemp(t.data()));
    dir = t;
    home_a = dir + "/ha";
    home_b = dir + "/hb";
    fs::create_directories(home_a);
    fs::create_directories(home_b);
    fs::permissions(home_a, fs::perms::owner_all);
    fs::permissions(home_b, fs::perms::owner_all);
    gpg(home_a, "--quick-gen-key 'Archive A <a@acikit.test>' ed25519 sign never");
    gpg(home_a, "--quick-gen-key 'Archive E <e@acikit.test>' ed25519 sign never");
    gpg(home_b, "--quick-gen-key 'Other B <b@acikit.test>' ed25519 sign never");
    fpr_a = fingerprint(home_a, "a@acikit.test");
    fpr_e = fingerprint(home_a, "e@acikit.test");
    fpr_b = fingerprint(home_b, "b@acikit.test");
    acikit::util::write_file_atomic(path("Release"), "Suite: stable\nCodename: acikit\n");
    acikit::util::write_file_atomic(path("Other"), "Suite: other\n");
    gpg(home_a, "-u " + fpr_a + " --detach-sign -o " + path("a.sig") + " " + path("Release"));
    gpg(home_a, "-u " + fpr_a + " --detach-sign -o " + path("a-other.sig") + " " + path("Other"));
    gpg(home_b, "-u " + fpr_b + " --detach-sign -o " + path("b.sig") + " " + path("Release"));
    // As the Debian archive signs: one Release.gpg, two keys.
    gpg(home_a, "-u " + fpr_a + " -u " + fpr_e + " --armor --detach-sign -o " + path("two.gpg") + " " +
                    path("Release"));
    gpg(home_a, "-u " + fpr_a + " -u " + fpr_e + " --clearsign -o " + path("two.asc") + " " + path("Release"));
    gpg(home_a, "--export -o " + path("keyring.gpg"));
    sh("gpgconf --homedir " + home_a + " --kill all; gpgconf --homedir " + home_b + " --kill all");
  }
  ~MultiFixture()
  {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

MultiFixture& mfx()
{
  static MultiFixture f;
  return f;
}

template <typename F>
std::string bad_input_of(F&& f)
{
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_input);
    return e.what();
  }
  FAIL("no error thrown");
  return "";
}

// All three detached paths, so each is pinned to the same rule.
template <typename F>
void each_detached_path(const std::string& sig, F&& check)
{
  Verifier v(Keyring::from_file(mfx().path("keyring.gpg")));
  std::string release = mfx().slurp("Release");
  check([&] { return v.verify_detached(release, sig, "Release.gpg"); });
  check([&] { return v.verify_detached_file(mfx().path("Release"), sig, "Release.gpg"); });
  check([&] {
    DetachedStream s(v, sig, "Release.gpg");
    s.write(release.data(), release.size());
    return s.finish();
  });
}

} // namespace

TEST_CASE("signature-good-then-bad-fails", "[signature]")
{
  std::string sig = mfx().slurp("a.sig") + mfx().slurp("a-other.sig");
  each_detached_path(sig, [&](auto verify) {
    CHECK(bad_input_of(verify) == "Release.gpg: a bad signature beside a good one (signature by " + mfx().fpr_a +
                                      ": good; " + mfx().fpr_a + ": bad signature)");
  });
}

TEST_CASE("signature-bad-then-good-fails", "[signature]")
{
  // gpg reports nothing after the BAD one.
  std::string sig = mfx().slurp("a-other.sig") + mfx().slurp("a.sig");
  each_detached_path(sig, [&](auto verify) {
    CHECK(bad_input_of(verify) == "Release.gpg: no valid signature from a key in " + mfx().path("keyring.gpg") +
                                      " (signature by " + mfx().fpr_a + ": bad signature)");
  });
}

TEST_CASE("signature-good-and-unknown-key-in-either-order-passes", "[signature]")
{
  for (const auto& sig : {mfx().slurp("a.sig") + mfx().slurp("b.sig"), mfx().slurp("b.sig") + mfx().slurp("a.sig")}) {
    each_detached_path(sig, [&](auto verify) {
      auto t = verify();
      CHECK(t.signer().fingerprint == mfx().fpr_a);
      REQUIRE(t.signatures().size() == 2);
    });
  }
}

TEST_CASE("release-gpg-two-archive-keys-both-in-keyring-passes", "[signature]")
{
  each_detached_path(mfx().slurp("two.gpg"), [&](auto verify) {
    auto t = verify();
    REQUIRE(t.signatures().size() == 2);
    CHECK(t.signatures()[0].good);
    CHECK(t.signatures()[1].good);
  });
}

TEST_CASE("inrelease-two-archive-keys-both-in-keyring-passes", "[signature]")
{
  Verifier v(Keyring::from_file(mfx().path("keyring.gpg")));
  auto t = v.verify_clearsigned(mfx().slurp("two.asc"), "InRelease");
  CHECK(t.plaintext() == "Suite: stable\nCodename: acikit\n");
  REQUIRE(t.signatures().size() == 2);
  CHECK(t.signatures()[0].good);
  CHECK(t.signatures()[1].good);
}
