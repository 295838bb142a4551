#include "store/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <new>
#include <stdexcept>

namespace tributary::store {

namespace {

// curl_global_init is not thread-safe in older libcurl; run it once before any handle exists.
void global_init_once() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!ok) throw std::runtime_error("libcurl global initialisation failed");
}

// CURLOPT_WRITEDATA of on_body.
struct BodySink {
  CURL* handle;
  std::string* body;
};

// The most a Content-Length reserves before the body has arrived. Neither HttpClient nor S3Store
// limits a body, so this bounds what a wrong or hostile Content-Length can make us allocate on the
// server's word alone; a larger body still arrives whole, its buffer grown past this as it comes.
// It is above the default decode.max_object_bytes (512 MiB), the largest object the ingest reads
// whole, so such an object gets one buffer of its size.
constexpr curl_off_t kMaxBodyReservation = curl_off_t{1} << 30;

// Sizes the body buffer once to the response's Content-Length (up to kMaxBodyReservation), so a
// large download is not grown by doubling, which holds up to twice the body and briefly more while
// it copies. A body of any other length fails the exchange (see perform()). The reservation is
// only an optimisation: when it cannot be had the body grows as it arrives, and nothing may throw
// into libcurl.
void reserve_content_length(const BodySink& sink) noexcept {
  curl_off_t length = -1;
  if (curl_easy_getinfo(sink.handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) != CURLE_OK ||
      length <= 0) {
    return;
  }
  try {
    sink.body->reserve(static_cast<std::size_t>(std::min(length, kMaxBodyReservation)));
  } catch (const std::bad_alloc&) {
    // The transfer goes on without the reservation.
  }
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  const auto* sink = static_cast<const BodySink*>(user);
  if (sink->body->empty()) reserve_content_length(*sink);  // the body's first bytes
  sink->body->append(data, size * n);
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string_view line(data, size * n);
  // A new status line (after a 100 Continue or a redirect) starts a new header block.
  if (line.substr(0, 5) == "HTTP/") {
    response->headers.clear();
    return size * n;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  response->headers[name] = std::string(value);
  return size * n;
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// CURLOPT_XFERINFOFUNCTION: a non-zero return aborts the transfer.
int on_progress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) {
  global_init_once();
}

HttpClient::~HttpClient() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* HttpClient::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  CURL* h = curl_easy_init();
  if (h == nullptr) throw std::runtime_error("libcurl: cannot create a handle");
  return h;
}

void HttpClient::release(void* handle) {
  std::lock_guard lock(mu_);
  idle_.push_back(handle);
}

HttpClient::Outcome HttpClient::perform(const HttpRequest& request) {
  CURL* h = static_cast<CURL*>(acquire());
  struct Release {
    HttpClient* self;
    CURL* h;
    ~Release() { self->release(h); }
  } release_guard{this, h};
  // Clears options but keeps the handle's live connections for reuse.
  curl_easy_reset(h);

  Outcome out;
  HttpResponse response;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&](const std::string& line) {
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next == nullptr) throw std::bad_alloc();
    (void)headers.release();
    headers.reset(next);
  };
  for (const auto& [name, value] : request.headers) add_header(name + ": " + value);
  // No "Expect: 100-continue" round trip, and no default Accept or Content-Type of curl's own.
  add_header("Expect:");
  add_header("Accept:");

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  // The path goes out as given: curl would otherwise remove "." and ".." segments, which are
  // ordinary characters of an S3 key, and send the request (signed for the key) to another key.
  curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  BodySink body_sink{h, &response.body};
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body_sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
    add_header("Content-Type:");
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  if (request.cancel != nullptr) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(request.cancel));
  }

  const CURLcode rc = curl_easy_perform(h);
  ++requests_;
  long connects = 0;
  if (curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0) {
    new_connections_ += static_cast<std::uint64_t>(connects);
  }
  if (rc != CURLE_OK) {
    out.error.message = curl_easy_strerror(rc);
    out.error.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    return out;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  // curl reports a body cut short of Content-Length as CURLE_PARTIAL_FILE; check anyway, since a
  // proxy or server may also send a wrong length on a connection it then closes cleanly.
  const std::string length = response.header("content-length");
  if (request.method != "HEAD" && !length.empty() && response.status != 304 &&
      length != std::to_string(response.body.size())) {
    out.error.message = "response body has " + std::to_string(response.body.size()) +
                        " bytes, Content-Length said " + length;
    return out;
  }
  out.response = std::move(response);
  return out;
}

}  // namespace tributary::store
