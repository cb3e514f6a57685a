// Signature verification against keys generated at test time with gpg (tests may
// run gpg; the library never does). Each case pins one rule of DESIGN.md "Trust".
#include <catch2/catch.hpp>

#include "helpers.hpp"

#include "signature/signature.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>

namespace fs = std::filesystem;
using acikit::Error;
using acikit::ExitCode;
using namespace acikit::signature;

namespace {

using acikit::testing::sh;

std::string make_dir(const char* tmpl)
{
  std::string t = tmpl;
  REQUIRE(mkdtemp(t.data()));
  return t;
}

// Keys and signed files, made once for the whole binary.
struct Fixture {
  std::string dir = make_dir("/tmp/acikit-sigt.XXXXXX");
  std::string home_a = dir + "/ha";  // the archive keys: A, subkey-signer D, expired C, revoked R
  std::string home_b = dir + "/hb";  // the "user's default home": key B only
  std::string fpr_a, fpr_b, fpr_c, fpr_d_primary, fpr_d_sub, fpr_r;

  std::string gpg(const std::string& home, const std::string& args)
  {
    return sh("gpg --homedir " + home + " --batch --no-tty --passphrase '' --pinentry-mode loopback " + args +
              " 2>&1");
  }
  std::string fingerprints(const std::string& home, const std::string& uid)
  {
    std::string out = sh("gpg --homedir " + home + " --batch --with-colons --list-keys '" + uid + "' 2>/dev/null");
    std::string fprs;
    std::size_t pos = 0;
    while ((pos = out.find("\nfpr:", pos)) != std::string::npos) {
      std::size_t start = out.find_first_not_of(':', pos + 5);
      std::size_t end = out.find(':', start);
      fprs += (fprs.empty() ? "" : " ") + out.substr(start, end - start);
      pos = end;
    }
    return fprs;
  }
  void write(const std::string& name, const std::string& content)
  {
    acikit::util::write_file_atomic(dir + "/" + name, content);
  }
  std::string path(const std::string& name) const { return dir + "/" + name; }

  Fixture()
  {
    fs::create_directories(home_a);
    fs::create_directories(home_b);
    fs::permissions(home_a, fs::perms::owner_all);
    fs::permissions(home_b, fs::perms::owner_all);
    gpg(home_a, "--quick-gen-key 'Archive A <a@acikit.test>' ed25519 sign never");
    fpr_a = fingerprints(home_a, "a@acikit.test");
    gpg(home_a, "--faked-system-time 20200101T000000 --quick-gen-key 'Expired C <c@acikit.test>' ed25519 sign 1d");
    fpr_c = fingerprints(home_a, "c@acikit.test");
    gpg(home_a, "--quick-gen-key 'Subkey D <d@acikit.test>' ed25519 cert never");
    fpr_d_primary = fingerprints(home_a, "d@acikit.test");
    gpg(home_a, "--quick-add-key " + fpr_d_primary + " ed25519 sign never");
    fpr_d_sub = fingerprints(home_a, "d@acikit.test").substr(fpr_d_primary.size() + 1);
    gpg(home_a, "--quick-gen-key 'Revoked R <r@acikit.test>' ed25519 sign never");
    fpr_r = fingerprints(home_a, "r@acikit.test");
    gpg(home_b, "--quick-gen-key 'Other B <b@acikit.test>' ed25519 sign never");
    fpr_b = fingerprints(home_b, "b@acikit.test");

    write("Release", "Suite: stable\nCodename: acikit\n");
    write("outside", "before the block\n");
    gpg(home_a, "-u " + fpr_a + " --clearsign -o " + path("good.asc") + " " + path("Release"));
    gpg(home_a, "-u " + fpr_d_sub + "! --clearsign -o " + path("subkey.asc") + " " + path("Release"));
    gpg(home_a, "--faked-system-time 20200101T120000 -u " + fpr_c + " --clearsign -o " + path("expired.asc") +
                    " " + path("Release"));
    gpg(home_a, "-u " + fpr_r + " --clearsign -o " + path("revoked.asc") + " " + path("Release"));
    gpg(home_b, "-u " + fpr_b + " --clearsign -o " + path("other.asc") + " " + path("Release"));
    gpg(home_a, "-u " + fpr_a + " --armor --detach-sign -o " + path("Release.gpg") + " " + path("Release"));
    // Revoke R after it signed, by importing its revocation certificate.
    sh("sed 's/^:-----/-----/' " + home_a + "/openpgp-revocs.d/" + fpr_r + ".rev > " + path("r.rev"));
    gpg(home_a, "--import " + path("r.rev"));
    // The archive keyring: public keys of A, C, D, R (binary and armoured).
    gpg(home_a, "--export -o " + path("keyring.gpg"));
    gpg(home_a, "--armor --export -o " + path("keyring.asc"));
    gpg(home_b, "--export -o " + path("other.gpg"));
    sh("gpgconf --homedir " + home_a + " --kill all; gpgconf --homedir " + home_b + " --kill all");
  }
  ~Fixture()
  {
    std::system(("gpgconf --homedir " + home_a + " --kill all 2>/dev/null; gpgconf --homedir " + home_b +
                 " --kill all 2>/dev/null")
                    .c_str());
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

Fixture& fx()
{
  static Fixture f;
  return f;
}

std::string slurp(const std::string& p)
{
  return acikit::util::read_file(p);
}

// The whole message of the bad_input error that `f` throws.
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

} // namespace

TEST_CASE("keyring-binary-and-armored-give-the-same-packets", "[signature]")
{
  auto bin = Keyring::from_file(fx().path("keyring.gpg"));
  auto asc = Keyring::from_file(fx().path("keyring.asc"));
  CHECK(bin.packets() == asc.packets());
  CHECK(bin.origin() == fx().path("keyring.gpg"));
  // An inline Signed-By block: continuation lines indented, empty lines as " .".
  std::string block = slurp(fx().path("keyring.asc"));
  std::string indented;
  std::size_t pos = 0;
  while (pos < block.size()) {
    std::size_t nl = block.find('\n', pos);
    std::string line = block.substr(pos, nl - pos);
    indented += " " + (line.empty() ? std::string(".") : line) + "\n";
    pos = nl + 1;
  }
  auto inl = Keyring::from_armored(indented, "debian.sources:3");
  CHECK(inl.packets() == bin.packets());
  CHECK(inl.origin() == "debian.sources:3");
}

TEST_CASE("keyring-bad-armour-checksum", "[signature]")
{
  std::string block = slurp(fx().path("keyring.asc"));
  std::size_t crc = block.find("\n=");
  REQUIRE(crc != std::string::npos);
  block[crc + 2] = block[crc + 2] == 'A' ? 'B' : 'A';
  CHECK(bad_input_of([&] { Keyring::from_armored(block, "k.asc"); }) == "k.asc:1: armour checksum mismatch");
}

TEST_CASE("keyring-not-a-key", "[signature]")
{
  fx().write("notakey", "hello\n");
  CHECK(bad_input_of([&] { Keyring::from_file(fx().path("notakey")); }) ==
        fx().path("notakey") + ": not an OpenPGP keyring (binary packets or an armoured public key block)");
}

TEST_CASE("verifier-lists-primary-and-subkey-fingerprints", "[signature]")
{
  Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
  const auto& f = v.fingerprints();
  for (const auto& want : {fx().fpr_a, fx().fpr_c, fx().fpr_d_primary, fx().fpr_d_sub, fx().fpr_r}) {
    CHECK(std::find(f.begin(), f.end(), want) != f.end());
  }
  CHECK(f.size() == 5);
}

TEST_CASE("inrelease-good", "[signature]")
{
  Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
  auto t = v.verify_clearsigned(slurp(fx().path("good.asc")), "InRelease");
  CHECK(t.plaintext() == "Suite: stable\nCodename: acikit\n");
  CHECK(t.signer().fingerprint == fx().fpr_a);
  CHECK(t.signer().status == "good");
  CHECK(t.signer().created > 0);
}

TEST_CASE("inrelease-signed-by-subkey", "[signature]")
{
  Verifier v(Keyring::from_file(fx().path("keyring.asc")));
  auto t = v.verify_clearsigned(slurp(fx().path("subkey.asc")), "InRelease");
  CHECK(t.signer().fingerprint == fx().fpr_d_sub);
}

TEST_CASE("inrelease-tampered", "[signature]")
{
  std::string doc = slurp(fx().path("good.asc"));
  auto at = doc.find("Suite: stable");
  REQUIRE(at != std::string::npos);
  doc.replace(at, 13, "Suite: stabel");
  Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
  CHECK(bad_input_of([&] { v.verify_clearsigned(doc, "InRelease"); }) ==
        "InRelease: no valid signature from a key in " + fx().path("keyring.gpg") + " (signature by " +
            fx().fpr_a + ": bad signature)");
}

TEST_CASE("inrelease-key-in-default-home-not-in-keyring", "[signature]")
{
  // $GNUPGHOME holds key B; the verifier must not consult it.
  const char* old = std::getenv("GNUPGHOME");
  std::string saved = old ? old : "";
  setenv("GNUPGHOME", fx().home_b.c_str(), 1);
  std::string msg;
  {
    Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
    msg = bad_input_of([&] { v.verify_clearsigned(slurp(fx().path("other.asc")), "InRelease"); });
  }
  if (old) {
    setenv("GNUPGHOME", saved.c_str(), 1);
  } else {
    unsetenv("GNUPGHOME");
  }
  CHECK(msg == "InRelease: no valid signature from a key in " + fx().path("keyring.gpg") + " (signature by " +
                   fx().fpr_b + ": no public key)");
}

TEST_CASE("inrelease-expired-key", "[signature]")
{
  Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
  CHECK(bad_input_of([&] { v.verify_clearsigned(slurp(fx().path("expired.asc")), "InRelease"); }) ==
        "InRelease: no valid signature from a key in " + fx().path("keyring.gpg") + " (signature by " +
            fx().fpr_c + ": expired key)");
}

TEST_CASE("inrelease-revoked-key", "[signature]")
{
  Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
  CHECK(bad_input_of([&] { v.verify_clearsigned(slurp(fx().path("revoked.asc")), "InRelease"); }) ==
        "InRelease: no valid signature from a key in " + fx().path("keyring.gpg") + " (signature by " +
            fx().fpr_r + ": revoked key)");
}

TEST_CASE("inrelease-two-concatenated-blocks", "[signature]")
{
  std::string doc = slurp(fx().path("good.asc")) + slurp(fx().path("subkey.asc"));
  Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
  CHECK(bad_input_of([&] { v.verify_clearsigned(doc, "InRelease"); }) ==
        "InRelease: malformed OpenPGP data (Bad data)");
}

TEST_CASE("inrelease-text-outside-block-not-in-plaintext", "[signature]")
{
  std::string doc = "Suite: evil\n\n" + slurp(fx().path("good.asc")) + "Codename: evil\n";
  Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
  auto t = v.verify_clearsigned(doc, "InRelease");
  CHECK(t.plaintext() == "Suite: stable\nCodename: acikit\n");
}

TEST_CASE("inrelease-not-signed", "[signature]")
{
  Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
  CHECK(bad_input_of([&] { v.verify_clearsigned("Suite: stable\n", "InRelease"); }) ==
        "InRelease: no OpenPGP signature found");
}

TEST_CASE("release-gpg-detached-good-and-bad", "[signature]")
{
  Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
  std::string release = slurp(fx().path("Release"));
  std::string sig = slurp(fx().path("Release.gpg"));
  auto t = v.verify_detached(release, sig, "Release.gpg");
  CHECK(t.plaintext() == release);
  CHECK(t.signer().fingerprint == fx().fpr_a);

  auto f = v.verify_detached_file(fx().path("Release"), sig, "Release.gpg");
  CHECK(f.plaintext().empty());
  CHECK(f.signer().fingerprint == fx().fpr_a);

  std::string bad = release + "Components: main\n";
  CHECK(bad_input_of([&] { v.verify_detached(bad, sig, "Release.gpg"); }) ==
        "Release.gpg: no valid signature from a key in " + fx().path("keyring.gpg") + " (signature by " +
            fx().fpr_a + ": bad signature)");
  fx().write("Release.bad", bad);
  CHECK(bad_input_of([&] { v.verify_detached_file(fx().path("Release.bad"), sig, "Release.gpg"); }) ==
        "Release.gpg: no valid signature from a key in " + fx().path("keyring.gpg") + " (signature by " +
            fx().fpr_a + ": bad signature)");
}

namespace {

std::size_t gnupg_homes_in(const std::string& dir)
{
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    n += e.path().filename().string().rfind("acikit-gpg.", 0) == 0 ? 1 : 0;
  }
  return n;
}

// Sets TMPDIR for the scope, restoring what was there.
struct TmpdirScope {
  std::optional<std::string> old;
  explicit TmpdirScope(const std::string& value)
  {
    if (const char* t = std::getenv("TMPDIR")) {
      old = t;
    }
    ::setenv("TMPDIR", value.c_str(), 1);
  }
  ~TmpdirScope()
  {
    if (old) {
      ::setenv("TMPDIR", old->c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
  }
};

} // namespace

TEST_CASE("verifier-home-removed-and-no-agent-left", "[signature]")
{
  // In a TMPDIR of its own: homes of other processes (tests running in
  // parallel) never appear there (they did in /tmp, and one was taken for ours).
  std::string dir = make_dir("/tmp/acikit-home.XXXXXX");
  std::string home;
  {
    TmpdirScope scope(dir);
    Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
    v.verify_clearsigned(slurp(fx().path("good.asc")), "InRelease");
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().filename().string().rfind("acikit-gpg.", 0) == 0) {
        home = e.path().string();
      }
    }
  }
  REQUIRE(!home.empty());
  CHECK(!fs::exists(home));
  std::string agents = sh("pgrep -a gpg-agent || true");
  CHECK(agents.find("acikit-gpg.") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("sign-detached-armored-roundtrip", "[signature]")
{
  fx().write("image.aci", std::string(100000, 'x'));
  std::string sig = sign_detached_armored(fx().path("image.aci"), fx().home_a, fx().fpr_a);
  CHECK(sig.rfind("-----BEGIN PGP SIGNATURE-----", 0) == 0);
  Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
  auto t = v.verify_detached_file(fx().path("image.aci"), sig, "image.aci.asc");
  CHECK(t.signer().fingerprint == fx().fpr_a);
  std::system(("gpgconf --homedir " + fx().home_a + " --kill all 2>/dev/null").c_str());
}

TEST_CASE("sign-detached-unknown-key", "[signature]")
{
  fx().write("image2.aci", "x");
  CHECK(bad_input_of([&] { sign_detached_armored(fx().path("image2.aci"), fx().home_b, fx().fpr_a); })
            .rfind(fx().home_b + ": no secret key '" + fx().fpr_a + "': ", 0) == 0);
}


TEST_CASE("gnupg-home-under-tmpdir", "[signature]")
{
  // The temporary GnuPG home honours TMPDIR (it went to /tmp whatever TMPDIR said).
  std::string dir = make_dir("/tmp/acikit-tmpdir.XXXXXX");
  {
    TmpdirScope scope(dir + "/");
    Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
    CHECK(gnupg_homes_in(dir) == 1);
    CHECK(v.verify_clearsigned(slurp(fx().path("good.asc")), "InRelease").signer().fingerprint == fx().fpr_a);
  }
  CHECK(gnupg_homes_in(dir) == 0);  // removed with the Verifier
  fs::remove_all(dir);
}

TEST_CASE("gnupg-home-tmpdir-too-long-for-sockets-falls-back-to-tmp", "[signature]")
{
  std::string dir = make_dir("/tmp/acikit-tmpdir.XXXXXX");
  std::string deep = dir + "/" + std::string(70, 'd');
  fs::create_directory(deep);
  {
    TmpdirScope scope(deep);
    Verifier v(Keyring::from_file(fx().path("keyring.gpg")));
    CHECK(gnupg_homes_in(deep) == 0);
    CHECK(v.verify_clearsigned(slurp(fx().path("good.asc")), "InRelease").signer().fingerprint == fx().fpr_a);
  }
  fs::remove_all(dir);
}
