#include "ops/pack.hpp"

#include "aci/aci_writer.hpp"
#include "aci/image_manifest.hpp"
#include "entries/dir_source.hpp"
#include "entries/tar_source.hpp"
#include "signature/signature.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <charconv>
#include <iostream>
#include <memory>

namespace acikit::ops {

namespace {

std::int64_t parse_epoch(const std::string& s)
{
  // reproducible-builds.org: SOURCE_DATE_EPOCH is a decimal count of seconds.
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    throw_bad_input("SOURCE_DATE_EPOCH", "'" + s + "' is not a non-negative integer");
  }
  return std::stoll(s);
}

// "fast" is each format's default, "best" its slowest, smallest level
// (compress::level_range); otherwise a number in that range.
std::optional<int> parse_level(const std::optional<std::string>& text, compress::Format format)
{
  if (!text) {
    return std::nullopt;
  }
  if (format == compress::Format::none) {
    throw_usage("--level makes no sense with --compression none");
  }
  auto range = compress::level_range(format);
  if (*text == "fast") {
    return range.default_level;
  }
  if (*text == "best") {
    return range.max;
  }
  int level = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), level);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size()) {
    throw_usage("--level: '" + *text + "' is not a number, 'fast' or 'best'");
  }
  return level;
}

void refuse_existing(const std::filesystem::path& path)
{
  if (std::filesystem::symlink_status(path).type() != std::filesystem::file_type::not_found) {
    throw_bad_input(path.string(), "already exists (use --overwrite to replace it)");
  }
}

using util::Fd;

} // namespace

PackResult pack_aci(const PackOptions& o)
{
  std::filesystem::path manifest_path, rootfs_path;
  if (o.layout) {
    if (o.manifest || o.rootfs || o.rootfs_tar) {
      throw_usage("give either LAYOUT_DIR or --manifest with --rootfs or --rootfs-tar, not both");
    }
    manifest_path = *o.layout / "manifest";
    rootfs_path = *o.layout / "rootfs";
  } else {
    if (!o.manifest || (!o.rootfs && !o.rootfs_tar)) {
      throw_usage("give LAYOUT_DIR, or --manifest FILE with --rootfs DIR or --rootfs-tar FILE|-");
    }
    if (o.rootfs && o.rootfs_tar) {
      throw_usage("give --rootfs DIR or --rootfs-tar FILE|-, not both");
    }
    manifest_path = *o.manifest;
    if (o.rootfs) {
      rootfs_path = *o.rootfs;
    }
  }
  if (o.output.empty()) {
    throw_usage("OUTPUT.aci is required");
  }
  if (!o.sign && (!o.gnupg_home.empty() || !o.key.empty())) {
    throw_usage("--gnupg-home and --key need --sign");
  }
  auto format = compress::parse_format(o.compression);
  if (!format) {
    throw_usage("--compression: unknown compression '" + o.compression + "' (gzip, xz, bzip2 or none)");
  }
  aci::AciWriterOptions wo;
  wo.compression = {*format, parse_level(o.level, *format), o.threads};
  // The level is checked before anything is read.
  compress::make_encoder(wo.compression, [](const void*, std::size_t) {});
  wo.overwrite = o.overwrite ? util::Overwrite::yes : util::Overwrite::no;
  std::filesystem::path signature_path = o.output;
  signature_path += ".asc";
  if (!o.overwrite) {
    refuse_existing(o.output);
    if (o.sign) {
      refuse_existing(signature_path);
    }
  }
  if (o.source_date_epoch && !o.source_date_epoch->empty()) {
    wo.clamp_mtime = parse_epoch(*o.source_date_epoch);
  }

  auto text = util::read_file(manifest_path);
  auto manifest = aci::ImageManifest::parse_json(text);
  if (!manifest) {
    throw_bad_input(manifest_path.string(), manifest.error());
  }

  std::unique_ptr<entries::EntrySource> source;
  entries::Entry root;
  std::int64_t newest = 0;
  if (o.rootfs_tar) {
    bool stdin_input = *o.rootfs_tar == "-";
    Fd fd(stdin_input ? -1 : ::open(o.rootfs_tar->c_str(), O_RDONLY | O_CLOEXEC));
    if (!stdin_input && fd.get() < 0) {
      throw_errno(*o.rootfs_tar, "cannot open");
    }
    auto tar = std::make_unique<entries::TarSource>(stdin_input ? 0 : fd.get(),
                                                    stdin_input ? std::string("stdin") : *o.rootfs_tar,
                                                    entries::TarSourceOptions{o.spool_dir});
    root = tar->root_entry();
    newest = tar->newest_mtime();
    source = std::move(tar);
  } else {
    auto dir = std::make_unique<entries::DirSource>(rootfs_path);
    root = dir->root_entry();
    newest = dir->newest_mtime();
    source = std::move(dir);
  }
  // The two entries aci-pack makes itself take their time from the tree (ops/pack.hpp).
  root.mtime = newest;
  wo.manifest_mtime = wo.clamp_mtime ? std::min(newest, *wo.clamp_mtime) : newest;

  PackResult result;
  aci::AciWriter writer(o.output, manifest.value(), root, wo);
  result.entries = 2;  // "manifest" and "rootfs"
  entries::Entry e;
  while (source->next(e)) {
    writer.put(e, e.type == entries::Type::file ? &source->content() : nullptr);
    ++result.entries;
  }
  writer.finish();
  if (o.sign) {
    // After the .aci is in place: the signature is over the committed bytes.
    std::string armored = signature::sign_detached_armored(o.output, o.gnupg_home, o.key);
    util::write_file_atomic(signature_path, armored, wo.overwrite);
    result.signature = signature_path;
  }
  result.aci = o.output;
  result.image_id = writer.image_id();
  result.compression = std::string(compress::format_name(*format));
  if (*format != compress::Format::none) {
    result.level = wo.compression.level ? *wo.compression.level : compress::level_range(*format).default_level;
  }
  result.tar_size = writer.tar_size();
  result.aci_size = std::filesystem::file_size(o.output);
  result.name = manifest.value().name().str();
  for (const auto& l : manifest.value().fields().labels.items()) {
    result.labels.emplace_back(l.name.str(), l.value);
  }
  return result;
}

std::string pack_image(const PackOptions& o)
{
  return pack_aci(o).image_id;
}

std::string pack_report_json(const PackResult& r)
{
  // Key style as aci-fetch's and aci-verify's reports (snake_case; sizes in bytes).
  using Json = nlohmann::ordered_json;
  Json j;
  j["aci"] = r.aci.string();
  j["image_id"] = r.image_id;
  j["compression"] = r.compression;
  j["level"] = r.level ? Json(*r.level) : Json(nullptr);
  j["tar_size"] = r.tar_size;
  j["aci_size"] = r.aci_size;
  j["entries"] = r.entries;
  j["signature"] = r.signature ? Json(r.signature->string()) : Json(nullptr);
  j["name"] = r.name;
  Json labels = Json::object();
  for (const auto& [k, v] : r.labels) {
    labels[k] = v;
  }
  j["labels"] = std::move(labels);
  return j.dump(2) + "\n";
}

int pack(const PackOptions& o)
{
  if (o.json && o.json->empty()) {
    throw_usage("--json: FILE is empty");
  }
  const bool json_stdout = o.json && o.json->string() == "-";
  auto result = pack_aci(o);
  if (json_stdout) {
    std::cout << pack_report_json(result) << std::flush;
  } else if (o.json) {
    // Replaced like aci-fetch's and aci-unpack's report files: a report, not an output.
    util::write_file_atomic(*o.json, pack_report_json(result));
  } else {
    std::cout << result.image_id << '\n';
  }
  return 0;
}

} // namespace acikit::ops
