// The GPGME-free part of SignedText, so that parsers above this module can be
// unit-tested on plaintext (make_signed_text_for_testing) without a key.
#include "signature/signature.hpp"

#include "util/error.hpp"

namespace acikit::signature {

const SignatureReport& SignedText::signer() const
{
  for (const auto& s : m_signatures) {
    if (s.good) {
      return s;
    }
  }
  throw_bad_input("signature", "no good signature");
}

SignedText make_signed_text_for_testing(std::string plaintext, std::string fingerprint)
{
  SignedText t;
  t.m_plaintext = std::move(plaintext);
  SignatureReport r;
  r.fingerprint = std::move(fingerprint);
  r.status = "good";
  r.good = true;
  t.m_signatures.push_back(std::move(r));
  return t;
}

} // namespace acikit::signature
