#include "ops/pack.hpp"

#include "aci/aci_writer.hpp"
#include "aci/image_manifest.hpp"
#include "entries/dir_source.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <sys/stat.h>

#include <iostream>

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

} // namespace

std::string pack_image(const PackOptions& o)
{
  std::filesystem::path manifest_path, rootfs_path;
  if (o.layout) {
    if (o.manifest || o.rootfs) {
      throw_usage("give either LAYOUT_DIR or --manifest and --rootfs, not both");
    }
    manifest_path = *o.layout / "manifest";
    rootfs_path = *o.layout / "rootfs";
  } else {
    if (!o.manifest || !o.rootfs) {
      throw_usage("give LAYOUT_DIR, or both --manifest FILE and --rootfs DIR");
    }
    manifest_path = *o.manifest;
    rootfs_path = *o.rootfs;
  }
  if (o.output.empty()) {
    throw_usage("OUTPUT.aci is required");
  }
  auto format = compress::parse_format(o.compression);
  if (!format) {
    throw_usage("--compression: unknown compression '" + o.compression + "' (gzip, xz, bzip2 or none)");
  }
  if (o.level && *format == compress::Format::none) {
    throw_usage("--level makes no sense with --compression none");
  }
  if (!o.overwrite && std::filesystem::symlink_status(o.output).type() != std::filesystem::file_type::not_found) {
    throw_bad_input(o.output.string(), "already exists (use --overwrite to replace it)");
  }

  auto text = util::read_file(manifest_path);
  auto manifest = aci::ImageManifest::parse_json(text);
  if (!manifest) {
    throw_bad_input(manifest_path.string(), manifest.error());
  }
  struct stat st {};
  if (stat(manifest_path.c_str(), &st) != 0) {
    throw_errno(manifest_path.string(), "stat");
  }

  aci::AciWriterOptions wo;
  wo.compression = {*format, o.level, o.threads};
  wo.overwrite = o.overwrite ? util::Overwrite::yes : util::Overwrite::no;
  if (o.source_date_epoch && !o.source_date_epoch->empty()) {
    wo.clamp_mtime = parse_epoch(*o.source_date_epoch);
  }
  wo.manifest_mtime = st.st_mtim.tv_sec;
  if (wo.clamp_mtime && wo.manifest_mtime > *wo.clamp_mtime) {
    wo.manifest_mtime = *wo.clamp_mtime;
  }

  entries::DirSource source(rootfs_path);
  // Compression may be validated (level range) before anything is read.
  compress::make_encoder(wo.compression, [](const void*, std::size_t) {});
  aci::AciWriter writer(o.output, manifest.value(), source.root_entry(), wo);
  entries::Entry e;
  while (source.next(e)) {
    writer.put(e, e.type == entries::Type::file ? &source.content() : nullptr);
  }
  writer.finish();
  return writer.image_id();
}

int pack(const PackOptions& o)
{
  std::cout << pack_image(o) << '\n';
  return 0;
}

} // namespace acikit::ops
