#pragma once
// Replacing the manifest of an ACI in place of `actool patch-manifest`'s
// re-archiving: the tar stream is copied block by block (512-byte blocks,
// POSIX ustar/pax and GNU headers), so every entry but the manifest keeps its
// exact bytes, content and metadata (owners, modes, times, xattrs, pax records).
// The manifest entry keeps its header (name, mode, owner, mtime) with the new
// size and checksum; the stream is recompressed with the input's format.
#include "aci/aci_reader.hpp"
#include "compress/compress.hpp"

#include <filesystem>
#include <functional>
#include <string>

namespace acikit::aci {

struct PatchedAci {
  std::string image_id;  // sha512-... of the new uncompressed stream
  compress::Format compression = compress::Format::none;
};

// Reads `input`, calls `patch` with the old manifest's bytes, and writes the
// image with the returned manifest to `output` atomically (output may equal
// input). Throws bad_input naming the input for no manifest, two manifests, a
// manifest too large or a corrupt stream, and for a stream beyond `limits`'
// max_size or max_ratio (a compression bomb, with aci-verify's messages).
PatchedAci replace_manifest(const std::filesystem::path& input, const std::filesystem::path& output,
                            const std::function<std::string(const std::string&)>& patch,
                            const VerifyLimits& limits = {});

} // namespace acikit::aci
