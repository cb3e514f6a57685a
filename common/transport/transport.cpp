// Downloads through libcurl's multi interface (the only user of libcurl): one
// multi handle holds the connection pool, so every transfer of a run reuses the
// same kept-alive connections (NOTES-debian12.md: a fresh connection per file
// costs a DNS look-up that sometimes stalls 5 s). Up to Options::jobs transfers
// run at once. A transient failure (reset, timeout, 5xx) is retried with
// exponential backoff, resuming with a Range request from the bytes already
// verified into the temporary file when the server honours it (206 with the
// right Content-Range) and restarting from zero otherwise.
#include "transport/transport.hpp"

#include "hash/hash.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"

#include <acikit/version.hpp>

#include <curl/curl.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>

namespace acikit::transport {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view k_file_scheme = "file://";

bool is_file_url(const std::string& url)
{
  return url.compare(0, k_file_scheme.size(), k_file_scheme) == 0;
}

int hex_value(char c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// file:///a/b%2Bc → /a/b+c (RFC 8089; "file://localhost/..." too).
std::filesystem::path file_url_path(const std::string& url)
{
  std::string rest = url.substr(k_file_scheme.size());
  if (rest.compare(0, 9, "localhost") == 0) {
    rest.erase(0, 9);
  }
  if (rest.empty() || rest.front() != '/') {
    throw_bad_input(url, "file URL must name an absolute path");
  }
  std::string out;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && hex_value(rest[i + 1]) >= 0 && hex_value(rest[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(rest[i + 1]) * 16 + hex_value(rest[i + 2])));
      i += 2;
    } else {
      out.push_back(rest[i]);
    }
  }
  return out;
}

// Streams `src` through the size and hash check into an AtomicFile at `dest`.
void copy_verified(int src, const std::string& url, const Request& r)
{
  util::AtomicFile out(r.destination);
  hash::Hasher h(hash::Algorithm::sha256);
  std::uint64_t total = 0;
  std::array<char, 1 << 16> buf{};
  for (;;) {
    ssize_t n = ::read(src, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_errno(url, "read failed");
    }
    if (n == 0) {
      break;
    }
    total += static_cast<std::uint64_t>(n);
    if (r.expect.size && total > *r.expect.size) {
      // Count the rest without keeping it, for an exact message.
      for (;;) {
        n = ::read(src, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) {
          continue;
        }
        if (n <= 0) {
          break;
        }
        total += static_cast<std::uint64_t>(n);
      }
      check_expected(url, r.expect, total, "");
    }
    h.update(buf.data(), static_cast<std::size_t>(n));
    out.write(buf.data(), static_cast<std::size_t>(n));
  }
  check_expected(url, r.expect, total, h.hex_digest());
  out.commit();
}

using util::Fd;

// nullopt: no such file.
std::optional<Fd> open_local(const std::string& url)
{
  std::filesystem::path p = file_url_path(url);
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return std::nullopt;
    }
    throw_errno(url, "cannot open");
  }
  return std::optional<Fd>(std::in_place, fd);
}

std::optional<std::string> get_local(const std::string& url, std::uint64_t max_size)
{
  auto fd = open_local(url);
  if (!fd) {
    return std::nullopt;
  }
  std::string out;
  std::array<char, 1 << 16> buf{};
  for (;;) {
    ssize_t n = ::read(fd->get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_errno(url, "read failed");
    }
    if (n == 0) {
      return out;
    }
    out.append(buf.data(), static_cast<std::size_t>(n));
    if (out.size() > max_size) {
      throw_bad_input(url, "larger than " + std::to_string(max_size) + " bytes");
    }
  }
}

void fetch_local(const Request& r)
{
  auto fd = open_local(r.url);
  if (!fd) {
    throw_bad_input(r.url, "not found");
  }
  copy_verified(fd->get(), r.url, r);
}

// ---- libcurl ----------------------------------------------------------------

void init_curl()
{
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw_environment("libcurl", "initialisation failed");
    }
  });
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

struct MultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
using Multi = std::unique_ptr<CURLM, MultiDeleter>;

enum class Outcome { pending, done, not_found, failed };

// One file being downloaded, across its attempts.
struct Transfer {
  std::string url;
  Expect expect;
  std::filesystem::path destination;  // empty: into `memory` (get())
  std::uint64_t max_size = 0;         // for get()

  std::unique_ptr<util::AtomicFile> file;
  std::string memory;
  hash::Hasher hasher{hash::Algorithm::sha256};
  std::uint64_t written = 0;  // bytes kept, from offset 0

  Easy easy;
  std::array<char, CURL_ERROR_SIZE> errbuf{};
  std::string range;
  int attempts = 0;
  Clock::time_point not_before{};

  // Per response.
  bool status_seen = false;
  long status = 0;
  std::optional<std::uint64_t> content_range_start;

  // Set by a callback to stop the transfer.
  std::exception_ptr fatal;
  bool restart = false;  // the server answered a Range request with other bytes

  Outcome outcome = Outcome::pending;
  std::exception_ptr error;

  void reset_data()
  {
    written = 0;
    hasher = hash::Hasher(hash::Algorithm::sha256);
    memory.clear();
    if (file) {
      if (::ftruncate(file->fd(), 0) != 0 || ::lseek(file->fd(), 0, SEEK_SET) != 0) {
        throw_errno(file->temp_path().string(), "cannot truncate");
      }
    }
  }
};

size_t header_cb(char* data, size_t size, size_t n, void* user)
{
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
    t->status_seen = false;
    t->content_range_start.reset();
  } else if (line.size() > 14 && strncasecmp(line.data(), "content-range:", 14) == 0) {
    // "Content-Range: bytes START-END/TOTAL" (RFC 9110 §14.4).
    std::string v(line.substr(14));
    std::size_t at = v.find("bytes ");
    if (at != std::string::npos) {
      try {
        t->content_range_start = std::stoull(v.substr(at + 6));
      } catch (const std::exception&) {
        t->content_range_start.reset();
      }
    }
  }
  return size * n;
}

size_t write_cb(char* data, size_t size, size_t n, void* user)
{
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * n;
  try {
    if (!t->status_seen) {
      t->status_seen = true;
      curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &t->status);
      if (t->status == 206) {
        if (t->range.empty() || t->content_range_start != t->written) {
          t->restart = true;
          return 0;
        }
      } else if (t->status == 200 && t->written > 0) {
        t->reset_data();  // the server ignored our Range: start over
      }
      if ((t->status == 200 || t->status == 206) && t->expect.size) {
        // A server announcing another size than the verified index says is
        // wrong whatever it sends: refuse before taking any byte.
        curl_off_t cl = -1;
        curl_easy_getinfo(t->easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
        if (cl >= 0) {
          std::uint64_t start = t->status == 206 ? t->content_range_start.value_or(0) : 0;
          std::uint64_t announced = start + static_cast<std::uint64_t>(cl);
          if (announced != *t->expect.size) {
            check_expected(t->url, t->expect, announced, "");
          }
        }
      }
    }
    if (t->status != 200 && t->status != 206) {
      return len;  // an error page: not kept
    }
    if (t->expect.size && t->written + len > *t->expect.size) {
      // Stop now (a hostile server may send without end); name the size the
      // server announced when it announced one.
      curl_off_t cl = -1;
      curl_easy_getinfo(t->easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
      if (cl >= 0) {
        std::uint64_t start = t->status == 206 ? t->content_range_start.value_or(0) : 0;
        std::uint64_t announced = start + static_cast<std::uint64_t>(cl);
        if (announced > *t->expect.size) {
          check_expected(t->url, t->expect, announced, "");
        }
      }
      throw_bad_input(t->url, "size mismatch: expected " + std::to_string(*t->expect.size) + ", got more than " +
                                  std::to_string(*t->expect.size));
    }
    if (t->destination.empty() && t->written + len > t->max_size) {
      throw_bad_input(t->url, "larger than " + std::to_string(t->max_size) + " bytes");
    }
    t->hasher.update(data, len);
    if (t->file) {
      t->file->write(data, len);
    } else {
      t->memory.append(data, len);
    }
    t->written += len;
    return len;
  } catch (...) {
    t->fatal = std::current_exception();
    return 0;
  }
}

bool transient_curl(CURLcode c)
{
  switch (c) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_PARTIAL_FILE:
  case CURLE_GOT_NOTHING:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_RANGE_ERROR:
    return true;
  default:
    return false;
  }
}

bool transient_status(long s)
{
  return s >= 500 || s == 408 || s == 429;
}

class CurlTransport : public Transport {
public:
  explicit CurlTransport(const Options& options) : m_options(options)
  {
    init_curl();
    m_multi.reset(curl_multi_init());
    if (!m_multi) {
      throw_environment("libcurl", "cannot create multi handle");
    }
    const long jobs = std::max(1, m_options.jobs);
    curl_multi_setopt(m_multi.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, jobs);
    curl_multi_setopt(m_multi.get(), CURLMOPT_MAXCONNECTS, jobs * 2);
  }

  std::optional<std::string> get(const std::string& url, std::uint64_t max_size) override
  {
    if (is_file_url(url)) {
      return get_local(url, max_size);
    }
    std::vector<std::unique_ptr<Transfer>> ts;
    auto t = std::make_unique<Transfer>();
    t->url = url;
    t->max_size = max_size;
    ts.push_back(std::move(t));
    run(ts);
    if (ts[0]->outcome == Outcome::not_found) {
      return std::nullopt;
    }
    return std::move(ts[0]->memory);
  }

  void fetch(const std::vector<Request>& requests) override
  {
    std::vector<std::unique_ptr<Transfer>> ts;
    for (const auto& r : requests) {
      if (is_file_url(r.url)) {
        fetch_local(r);
        continue;
      }
      auto t = std::make_unique<Transfer>();
      t->url = r.url;
      t->expect = r.expect;
      t->destination = r.destination;
      ts.push_back(std::move(t));
    }
    run(ts, static_cast<bool>(m_options.on_progress));
    for (auto& t : ts) {
      if (t->outcome == Outcome::not_found) {
        throw_bad_input(t->url, "not found");
      }
    }
  }

private:
  Options m_options;
  Multi m_multi;

  void start(Transfer& t)
  {
    if (!t.easy) {
      t.easy.reset(curl_easy_init());
      if (!t.easy) {
        throw_environment(t.url, "cannot create a libcurl handle");
      }
    }
    if (!t.destination.empty() && !t.file) {
      t.file = std::make_unique<util::AtomicFile>(t.destination);
    }
    CURL* e = t.easy.get();
    curl_easy_reset(e);
    ++t.attempts;
    t.status_seen = false;
    t.status = 0;
    t.fatal = nullptr;
    t.restart = false;
    t.errbuf[0] = '\0';
    curl_easy_setopt(e, CURLOPT_URL, t.url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf.data());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, m_options.connect_timeout_s);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, m_options.low_speed_time_s);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, (std::string("acikit/") + k_version).c_str());
    // Resume after a partial transfer: the bytes so far are already hashed.
    t.range = t.written > 0 ? std::to_string(t.written) + "-" : std::string();
    curl_easy_setopt(e, CURLOPT_RANGE, t.range.empty() ? nullptr : t.range.c_str());
    CURLMcode mc = curl_multi_add_handle(m_multi.get(), e);
    if (mc != CURLM_OK) {
      throw_environment(t.url, std::string("libcurl: ") + curl_multi_strerror(mc));
    }
  }

  // After an attempt ended: decide done / retry / fail.
  void finished(Transfer& t, CURLcode code)
  {
    if (t.fatal) {
      t.outcome = Outcome::failed;
      t.error = t.fatal;
      return;
    }
    std::string what;
    bool retry = false;
    if (code == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
      if (status == 200 || status == 206) {
        try {
          if (t.file) {
            check_expected(t.url, t.expect, t.written, t.hasher.hex_digest());
            t.file->commit();
          }
          t.outcome = Outcome::done;
        } catch (...) {
          t.outcome = Outcome::failed;
          t.error = std::current_exception();
        }
        return;
      }
      if (status == 404 || status == 410) {
        t.outcome = Outcome::not_found;
        return;
      }
      if (status == 416) {
        // Our Range start is past the end: the file changed; start over.
        t.reset_data();
        retry = true;
      }
      what = "HTTP status " + std::to_string(status);
      retry = retry || transient_status(status);
    } else if (code == CURLE_WRITE_ERROR && t.restart) {
      t.reset_data();
      what = "server sent a different byte range";
      retry = true;
    } else {
      what = t.errbuf[0] ? std::string(t.errbuf.data()) : std::string(curl_easy_strerror(code));
      retry = transient_curl(code);
      if (code == CURLE_RANGE_ERROR) {
        t.reset_data();
      }
    }
    if (retry && t.attempts <= m_options.retries) {
      // 0.25 s, 0.5 s, 1 s, ... capped at 8 s.
      auto delay = std::chrono::milliseconds(250) * (1 << std::min(t.attempts - 1, 5));
      t.not_before = Clock::now() + delay;
      t.outcome = Outcome::pending;
      return;
    }
    t.outcome = Outcome::failed;
    std::string tries = t.attempts > 1 ? " (after " + std::to_string(t.attempts) + " attempts)" : "";
    t.error = std::make_exception_ptr(Error(ExitCode::environment, t.url, what + tries));
  }

  void report(const std::vector<std::unique_ptr<Transfer>>& ts)
  {
    Progress p;
    p.files_total = ts.size();
    for (const auto& t : ts) {
      p.files_done += t->outcome == Outcome::done;
      p.bytes_done += t->written;
      p.bytes_total += t->expect.size.value_or(t->written);
    }
    m_options.on_progress(p);
  }

  void run(std::vector<std::unique_ptr<Transfer>>& ts, bool progress = false)
  {
    auto last_report = Clock::now();
    std::deque<Transfer*> waiting;
    for (auto& t : ts) {
      waiting.push_back(t.get());
    }
    std::size_t active = 0;
    const std::size_t jobs = static_cast<std::size_t>(std::max(1, m_options.jobs));
    std::exception_ptr first_error;
    auto cleanup = [&] {
      for (auto& t : ts) {
        if (t->easy) {
          curl_multi_remove_handle(m_multi.get(), t->easy.get());
        }
      }
    };
    try {
      while (!first_error && (active > 0 || !waiting.empty())) {
        auto now = Clock::now();
        auto next_ready = Clock::time_point::max();
        for (auto it = waiting.begin(); it != waiting.end() && active < jobs;) {
          if ((*it)->not_before <= now) {
            start(**it);
            ++active;
            it = waiting.erase(it);
          } else {
            next_ready = std::min(next_ready, (*it)->not_before);
            ++it;
          }
        }
        int running = 0;
        CURLMcode mc = curl_multi_perform(m_multi.get(), &running);
        if (mc != CURLM_OK) {
          throw_environment("libcurl", curl_multi_strerror(mc));
        }
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(m_multi.get(), &left)) {
          if (msg->msg != CURLMSG_DONE) {
            continue;
          }
          Transfer* t = nullptr;
          curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
          CURLcode code = msg->data.result;
          curl_multi_remove_handle(m_multi.get(), msg->easy_handle);
          --active;
          finished(*t, code);
          if (t->outcome == Outcome::pending) {
            waiting.push_back(t);
          } else if (t->outcome == Outcome::failed && !first_error) {
            first_error = t->error;
          }
        }
        if (first_error || (active == 0 && waiting.empty())) {
          break;
        }
        if (progress && Clock::now() - last_report >= std::chrono::milliseconds(200)) {
          last_report = Clock::now();
          report(ts);
        }
        int timeout_ms = 1000;
        if (!waiting.empty() && active < jobs) {
          auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_ready - Clock::now()).count();
          timeout_ms = static_cast<int>(std::clamp<long long>(wait, 0, 1000));
        }
        curl_multi_poll(m_multi.get(), nullptr, 0, timeout_ms, nullptr);
      }
    } catch (...) {
      cleanup();
      throw;
    }
    cleanup();
    if (first_error) {
      std::rethrow_exception(first_error);
    }
    if (progress && !ts.empty()) {
      report(ts);
    }
  }
};

} // namespace

void check_expected(const std::string& url, const Expect& expect, std::uint64_t size, const std::string& sha256)
{
  if (expect.size && *expect.size != size) {
    throw_bad_input(url, "size mismatch: expected " + std::to_string(*expect.size) + ", got " + std::to_string(size));
  }
  if (expect.sha256 && *expect.sha256 != sha256) {
    throw_bad_input(url, "SHA256 mismatch: expected " + *expect.sha256 + ", got " + sha256);
  }
}

std::unique_ptr<Transport> make_transport(const Options& options)
{
  return std::make_unique<CurlTransport>(options);
}

std::string url_path_encode(const std::string& path)
{
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    // RFC 3986 unreserved characters and '/' pass; '~' is unreserved too, but
    // apt quotes it (and '+', ':', '%') and some servers and proxies mangle it.
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '.' || c == '_' || c == '/';
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 15]);
    }
  }
  return out;
}

// ---- FakeTransport ----------------------------------------------------------

std::optional<std::string> FakeTransport::get(const std::string& url, std::uint64_t max_size)
{
  requested.push_back(url);
  auto it = files.find(url);
  if (it == files.end()) {
    return std::nullopt;
  }
  if (it->second.size() > max_size) {
    throw_bad_input(url, "larger than " + std::to_string(max_size) + " bytes");
  }
  return it->second;
}

void FakeTransport::fetch(const std::vector<Request>& requests)
{
  for (const auto& r : requests) {
    requested.push_back(r.url);
    auto it = files.find(r.url);
    if (it == files.end()) {
      throw_bad_input(r.url, "not found");
    }
    check_expected(r.url, r.expect, it->second.size(), hash::sha256_hex(it->second));
    util::write_file_atomic(r.destination, it->second);
  }
}

} // namespace acikit::transport
