#pragma once
// Fetching files: http(s):// through libcurl (one multi handle, connections
// reused), file:// from the local file system, and a fake for unit tests.
// Every download streams through its size and SHA256 check and gets its final
// name only when both match (util::AtomicFile).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace acikit::transport {

struct Expect {
  std::optional<std::uint64_t> size;
  std::optional<std::string> sha256;  // lower-case hex
};

struct Request {
  std::string url;
  std::filesystem::path destination;
  Expect expect;
};

// How far a fetch() is: files and bytes done of the total (sizes from Expect).
struct Progress {
  std::size_t files_done = 0, files_total = 0;
  std::uint64_t bytes_done = 0, bytes_total = 0;
};

struct Options {
  int jobs = 4;              // parallel transfers
  int retries = 3;           // for transient failures (connection reset, 5xx, timeout)
  long connect_timeout_s = 30;
  long low_speed_time_s = 60;  // abort a transfer slower than 1 byte/s for this long
  // Called by fetch() about every 200 ms while it runs and once at its end.
  std::function<void(const Progress&)> on_progress;
};

class Transport {
public:
  virtual ~Transport() = default;

  // Small file into memory (InRelease, Release.gpg). nullopt when the server
  // says 404 / the file does not exist; other failures throw (environment).
  // Larger than max_size is an error.
  virtual std::optional<std::string> get(const std::string& url, std::uint64_t max_size) = 0;

  // Fetch every request, up to Options::jobs at once. A size or hash mismatch is
  // bad_input with where = url and what = "size mismatch: expected N, got M" or
  // "SHA256 mismatch: expected X, got Y"; a 404 is bad_input "not found";
  // network failures after retries are environment errors. Nothing is left under
  // a destination name unless it was verified.
  virtual void fetch(const std::vector<Request>& requests) = 0;
};

std::unique_ptr<Transport> make_transport(const Options& options = {});

// An in-memory transport for unit tests: `files` maps URLs to contents; fetch()
// applies the same checks and atomic writes as the real one. `requested` logs
// every URL asked for, in order.
class FakeTransport : public Transport {
public:
  std::map<std::string, std::string> files;
  std::vector<std::string> requested;

  std::optional<std::string> get(const std::string& url, std::uint64_t max_size) override;
  void fetch(const std::vector<Request>& requests) override;
};

// Checks `size` and `sha256` (lower-case hex) against `expect`; throws bad_input
// with where = `url` and the messages documented at Transport::fetch.
void check_expected(const std::string& url, const Expect& expect, std::uint64_t size,
                    const std::string& sha256);

// Percent-encode a pool path for a URL (keeps '/', encodes ':' '+' '~' as curl/apt do).
std::string url_path_encode(const std::string& path);

} // namespace acikit::transport
