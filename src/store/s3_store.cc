#include "store/s3_store.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <pugixml.hpp>
#include <random>
#include <thread>

#include "store/digest.h"
#include "store/object_key.h"
#include "store/s3_error.h"
#include "store/sigv4.h"
#include "util/log.h"
#include "util/utf8.h"

namespace tributary::store {

namespace {

using Clock = std::chrono::system_clock;

constexpr std::chrono::milliseconds kMaxRetryAfter = std::chrono::seconds(60);

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  // Some servers return the quotes XML-escaped inside listings.
  const std::string quot = "&quot;";
  if (s.rfind(quot, 0) == 0 && s.size() >= 2 * quot.size() &&
      s.compare(s.size() - quot.size(), quot.size(), quot) == 0) {
    s = s.substr(quot.size(), s.size() - 2 * quot.size());
  }
  return s;
}

bool is_md5_hex(std::string_view etag) {
  return etag.size() == 32 && std::all_of(etag.begin(), etag.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// An ETag is the content's MD5 only for single-part uploads stored without SSE-KMS or SSE-C.
bool etag_is_content_md5(const HttpResponse& r, std::string_view etag) {
  const std::string sse = r.header("x-amz-server-side-encryption");
  return is_md5_hex(etag) && sse.rfind("aws:kms", 0) != 0 &&
         r.header("x-amz-server-side-encryption-customer-algorithm").empty();
}

// "Wed, 21 Oct 2015 07:28:00 GMT" -> epoch ms; 0 when unreadable.
std::int64_t parse_http_date_ms(const std::string& s) {
  std::tm tm{};
  if (strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return 0;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

// "2009-10-12T17:50:30.123Z" -> epoch ms; 0 when unreadable.
std::int64_t parse_iso_ms(const std::string& s) {
  const auto t = parse_iso8601_utc(s);
  if (!t) return 0;
  std::int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count();
  const std::size_t dot = s.find('.');
  if (dot != std::string::npos && dot + 3 < s.size()) {
    int frac = 0;
    std::from_chars(s.data() + dot + 1, s.data() + dot + 4, frac);
    ms += frac;
  }
  return ms;
}

std::uint64_t parse_u64(const std::string& s, bool& ok) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  ok = ec == std::errc() && end == s.data() + s.size() && !s.empty();
  return v;
}

bool valid_bucket_name(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(b.front()) || !alnum(b.back())) return false;
  return std::all_of(b.begin(), b.end(), [&](char c) { return alnum(c) || c == '-' || c == '.'; });
}

// Thrown inside one attempt for a response that arrived but cannot be trusted; retried.
struct IntegrityFailure {
  std::string detail;
};

// Every S3 GetObject/HeadObject response carries both; without them nothing can be verified (a
// chunked body cut short looks complete), so their absence is an integrity failure.
void require_length_and_etag(const HttpResponse& r) {
  if (r.header("content-length").empty()) {
    throw IntegrityFailure{"the response has no Content-Length"};
  }
  if (unquote(r.header("etag")).empty()) throw IntegrityFailure{"the response has no ETag"};
}

// The `outcome` label of StoreConfig::on_attempt for a failed attempt.
std::string_view outcome_name(StoreErrorCode code) {
  switch (code) {
    case StoreErrorCode::kNotFound:
      return "not_found";
    case StoreErrorCode::kNoSuchBucket:
      return "no_such_bucket";
    case StoreErrorCode::kAccessDenied:
      return "access_denied";
    case StoreErrorCode::kPreconditionFailed:
      return "precondition_failed";
    case StoreErrorCode::kThrottled:
      return "throttled";
    case StoreErrorCode::kNetwork:
      return "network";
    case StoreErrorCode::kIntegrity:
      return "integrity";
    case StoreErrorCode::kInvalidArgument:
      return "invalid_argument";
    case StoreErrorCode::kServer:
      return "server";
    case StoreErrorCode::kOther:
      break;
  }
  return "other";
}

}  // namespace

// One logical request; execute() signs and sends it once per attempt.
struct S3Store::Request {
  std::string op;  // "GET", "PUT", "list", ... for messages
  std::string method;
  std::optional<std::string> key;  // full key (with the store prefix); nullopt: the bucket
  std::string display_key;         // the caller's key, for messages
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  bool allow_not_found = false;  // return 404 responses instead of throwing
  // Checks a 2xx response; throws IntegrityFailure to retry or StoreError to stop.
  std::function<void(const HttpResponse&)> validate;
};

S3Store::S3Store(std::string bucket, std::string prefix, StoreConfig config, EnvLookup env)
    : bucket_(std::move(bucket)), prefix_(std::move(prefix)), config_(std::move(config)) {
  std::string endpoint = config_.endpoint;
  if (endpoint.empty()) endpoint = "https://s3." + config_.region + ".amazonaws.com";
  const std::size_t scheme_end = endpoint.find("://");
  if (scheme_end == std::string::npos) {
    throw StoreError(StoreErrorCode::kInvalidArgument, "S3 endpoint '" +
                                                           util::redact_userinfo(endpoint) +
                                                           "' has no scheme (http:// or https://)");
  }
  scheme_ = endpoint.substr(0, scheme_end);
  if (scheme_ != "http" && scheme_ != "https") {
    throw StoreError(
        StoreErrorCode::kInvalidArgument,
        "S3 endpoint '" + util::redact_userinfo(endpoint) + "' must be http:// or https://");
  }
  std::string authority = endpoint.substr(scheme_end + 3);
  while (!authority.empty() && authority.back() == '/') authority.pop_back();
  if (authority.empty() || authority.find_first_of("/?#@") != std::string::npos) {
    throw StoreError(StoreErrorCode::kInvalidArgument,
                     "S3 endpoint '" + util::redact_userinfo(endpoint) +
                         "' must be scheme://host[:port], without path, query or user info");
  }
  if (addressing_for_bucket(*config_.addressing, bucket_, scheme_) == S3Addressing::kPathStyle) {
    authority_ = authority;
    base_path_ = "/" + bucket_;
  } else {
    authority_ = bucket_ + "." + authority;
  }
  credentials_ = std::make_unique<AwsCredentialChain>(config_, std::move(env));
  HttpOptions http;
  http.connect_timeout = *config_.connect_timeout;
  http.request_timeout = *config_.request_timeout;
  http.verify_tls = *config_.verify_tls;
  http.ca_file = config_.ca_file;
  http_ = std::make_unique<HttpClient>(http);
}

S3Store::~S3Store() = default;

std::string S3Store::uri() const {
  std::string u = "s3://" + bucket_;
  if (!prefix_.empty()) u += "/" + prefix_.substr(0, prefix_.size() - 1);
  return u;
}

std::string S3Store::full_key(std::string_view key) const {
  check_object_key(key);
  std::string full = prefix_ + std::string(key);
  if (full.size() > kMaxKeyBytes) {
    throw StoreError(StoreErrorCode::kInvalidArgument,
                     "invalid object key: with the store prefix '" + prefix_ + "' the key is " +
                         std::to_string(full.size()) + " bytes, more than S3's limit of 1024");
  }
  return full;
}

void S3Store::throw_error(StoreErrorCode code, const std::string& op, std::string_view key,
                          const std::string& detail, const std::string& request_id) const {
  std::string msg = uri() + ": " + op;
  if (!key.empty()) msg += " '" + std::string(key) + "'";
  msg += ": " + detail;
  if (!request_id.empty()) msg += " (request id " + request_id + ")";
  throw StoreError(code, msg, request_id);
}

HttpResponse S3Store::execute(const Request& request) {
  const std::string payload_hash = to_hex(sha256(request.body));
  const std::string path =
      base_path_ + "/" + (request.key ? aws_uri_encode(*request.key, true) : std::string());
  const std::string query = canonical_query_string(request.query);
  const std::string url = scheme_ + "://" + authority_ + path + (query.empty() ? "" : "?" + query);

  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int max_attempts = *config_.max_attempts;
  StoreErrorCode last_code = StoreErrorCode::kOther;
  std::string last_detail;
  std::string last_request_id;
  const auto observe = [&](std::string_view outcome, bool will_retry) {
    if (config_.on_attempt) config_.on_attempt(request.op, outcome, will_retry);
  };
  for (int attempt = 1;; ++attempt) {
    std::chrono::milliseconds retry_after{0};
    const AwsCredentials creds = credentials_->get();
    const std::string date = amz_date_now();
    SignableRequest signable{request.method, path, request.query, request.headers, payload_hash};
    signable.headers.emplace_back("host", authority_);
    signable.headers.emplace_back("x-amz-date", date);
    signable.headers.emplace_back("x-amz-content-sha256", payload_hash);
    if (!creds.session_token.empty()) {
      signable.headers.emplace_back("x-amz-security-token", creds.session_token);
    }
    HttpRequest http{request.method, url, signable.headers, request.body};
    http.headers.emplace_back("Authorization",
                              sigv4_authorization(signable, creds, config_.region, "s3", date));

    HttpClient::Outcome outcome = http_->perform(http);
    if (!outcome.response) {
      last_code = StoreErrorCode::kNetwork;
      last_detail = outcome.error.timed_out ? "timed out (" + outcome.error.message + ")"
                                            : "network error: " + outcome.error.message;
      last_request_id.clear();
    } else {
      // Moved, not copied, when returned: the body may be a whole object.
      HttpResponse& r = outcome.response.value();
      if (r.status >= 200 && r.status < 300) {
        try {
          if (request.validate) request.validate(r);
          observe("ok", false);
          return std::move(r);
        } catch (const IntegrityFailure& f) {
          last_code = StoreErrorCode::kIntegrity;
          last_detail = "integrity check failed: " + f.detail;
          last_request_id = r.header("x-amz-request-id");
        }
      } else if (r.status == 404 && request.allow_not_found) {
        observe("not_found", false);
        return std::move(r);
      } else {
        const S3ErrorInfo e = parse_s3_error(r.status, r.body, r.header("x-amz-request-id"));
        last_code = classify_s3_error(r.status, e.code);
        last_detail = e.code + " (HTTP " + std::to_string(r.status) + ")" +
                      (e.message.empty() ? "" : ": " + e.message);
        last_request_id = e.request_id;
        if (e.code == "ExpiredToken" || e.code == "TokenRefreshRequired") {
          credentials_->invalidate();
          last_code = StoreErrorCode::kServer;  // retry with fresh credentials
        }
        bool ok = false;
        const std::uint64_t seconds = parse_u64(r.header("retry-after"), ok);
        if (ok) retry_after = std::chrono::seconds(std::min<std::uint64_t>(seconds, 3600));
        if (!is_retryable(last_code)) {
          observe(outcome_name(last_code), false);
          throw_error(last_code, request.op, request.display_key, last_detail, last_request_id);
        }
      }
    }
    observe(outcome_name(last_code), attempt < max_attempts);
    if (attempt >= max_attempts) {
      throw_error(last_code, request.op, request.display_key,
                  last_detail + "; gave up after " + std::to_string(attempt) +
                      (attempt == 1 ? " attempt" : " attempts"),
                  last_request_id);
    }
    ++retries_;
    const auto cap = std::min<std::int64_t>(config_.max_backoff->count(),
                                            config_.base_backoff->count() << std::min(attempt, 20));
    std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(cap - 1, 0));
    // A server's Retry-After is honoured even above max_backoff, up to kMaxRetryAfter.
    const auto wait =
        std::max(std::chrono::milliseconds(jitter(rng)), std::min(retry_after, kMaxRetryAfter));
    std::this_thread::sleep_for(wait);
  }
}

ListPage S3Store::list(std::string_view prefix, std::string_view start_after,
                       std::size_t max_keys) {
  if (max_keys == 0) {
    throw StoreError(StoreErrorCode::kInvalidArgument, "list: max_keys must be at least 1");
  }
  ListPage page;
  std::string token;
  for (;;) {
    Request req;
    req.op = "list";
    req.method = "GET";
    req.display_key = std::string(prefix);
    req.query = {
        {"list-type", "2"},
        {"prefix", prefix_ + std::string(prefix)},
        {"max-keys", std::to_string(std::min<std::size_t>(max_keys - page.objects.size(), 1000))}};
    if (!token.empty()) {
      req.query.emplace_back("continuation-token", token);
    } else if (!start_after.empty()) {
      req.query.emplace_back("start-after", prefix_ + std::string(start_after));
    }
    pugi::xml_document doc;
    req.validate = [&](const HttpResponse& r) {
      doc.reset();
      // Without parse_eol: a key's "\r" or "\r\n" (S3 keys may hold any character) stays as it
      // is instead of becoming "\n", which would list the object under a key it does not have.
      if (!doc.load_buffer(r.body.data(), r.body.size(), pugi::parse_default & ~pugi::parse_eol) ||
          !doc.child("ListBucketResult")) {
        throw IntegrityFailure{"the listing is not a ListBucketResult XML document"};
      }
    };
    execute(req);
    const pugi::xml_node result = doc.child("ListBucketResult");
    for (const pugi::xml_node c : result.children("Contents")) {
      std::string key = c.child_value("Key");
      if (key.compare(0, prefix_.size(), prefix_) != 0) {
        throw_error(StoreErrorCode::kIntegrity, "list", prefix,
                    "the server listed '" + key + "', outside the prefix", {});
      }
      bool ok = false;
      const std::uint64_t size = parse_u64(c.child_value("Size"), ok);
      if (!ok) {
        throw_error(StoreErrorCode::kIntegrity, "list", prefix,
                    "the server listed '" + key + "' without a readable Size", {});
      }
      page.objects.push_back({key.substr(prefix_.size()), size, unquote(c.child_value("ETag")),
                              parse_iso_ms(c.child_value("LastModified"))});
    }
    const bool truncated = std::string_view(result.child_value("IsTruncated")) == "true";
    token = result.child_value("NextContinuationToken");
    if (!truncated) break;
    if (page.objects.size() >= max_keys) {
      page.truncated = true;
      break;
    }
    if (token.empty()) {
      throw_error(StoreErrorCode::kIntegrity, "list", prefix,
                  "the listing is truncated but has no NextContinuationToken", {});
    }
  }
  return page;
}

GetResult S3Store::get(std::string_view key) {
  Request req;
  req.op = "get";
  req.method = "GET";
  req.key = full_key(key);
  req.display_key = std::string(key);
  req.validate = [](const HttpResponse& r) {
    require_length_and_etag(r);
    const std::string etag = unquote(r.header("etag"));
    if (etag_is_content_md5(r, etag) && to_hex(md5(r.body)) != etag) {
      throw IntegrityFailure{"the body's MD5 " + to_hex(md5(r.body)) + " differs from ETag " +
                             etag};
    }
  };
  HttpResponse r = execute(req);
  GetResult out;
  out.info = {std::string(key), r.body.size(), unquote(r.header("etag")),
              parse_http_date_ms(r.header("last-modified"))};
  out.body = std::move(r.body);
  return out;
}

GetResult S3Store::get_range(std::string_view key, std::uint64_t offset, std::uint64_t length) {
  if (length == 0) {
    throw StoreError(StoreErrorCode::kInvalidArgument,
                     "get_range '" + std::string(key) + "': the length is zero");
  }
  Request req;
  req.op = "get_range";
  req.method = "GET";
  req.key = full_key(key);
  req.display_key = std::string(key);
  const std::uint64_t last = length > UINT64_MAX - offset ? UINT64_MAX - 1 : offset + length - 1;
  req.headers.emplace_back("range", "bytes=" + std::to_string(offset) + "-" + std::to_string(last));
  std::uint64_t total = 0;
  req.validate = [&](const HttpResponse& r) {
    if (r.status != 206) {
      throw IntegrityFailure{"asked for a range, got HTTP " + std::to_string(r.status)};
    }
    require_length_and_etag(r);
    // "bytes <first>-<last>/<total>"
    const std::string cr = r.header("content-range");
    unsigned long long first = 0, end = 0, whole = 0;
    if (std::sscanf(cr.c_str(), "bytes %llu-%llu/%llu", &first, &end, &whole) != 3 ||
        first != offset || end < first || end > last || end - first + 1 != r.body.size() ||
        (end != last && end + 1 != whole)) {
      throw IntegrityFailure{"Content-Range '" + cr + "' does not match the requested bytes " +
                             std::to_string(offset) + "-" + std::to_string(last) + " and the " +
                             std::to_string(r.body.size()) + " bytes received"};
    }
    total = whole;
  };
  try {
    HttpResponse r = execute(req);
    GetResult out;
    out.info = {std::string(key), total, unquote(r.header("etag")),
                parse_http_date_ms(r.header("last-modified"))};
    out.body = std::move(r.body);
    return out;
  } catch (const StoreError& e) {
    // S3 answers 416 InvalidRange when the range starts at or past the end.
    if (e.code() == StoreErrorCode::kInvalidArgument) {
      throw StoreError(e.code(),
                       std::string(e.what()) + " (offset " + std::to_string(offset) +
                           " is not inside the object)",
                       e.request_id());
    }
    throw;
  }
}

std::optional<ObjectInfo> S3Store::head(std::string_view key) {
  Request req;
  req.op = "head";
  req.method = "HEAD";
  req.key = full_key(key);
  req.display_key = std::string(key);
  req.allow_not_found = true;
  req.validate = require_length_and_etag;
  const HttpResponse r = execute(req);
  if (r.status == 404) return std::nullopt;
  bool ok = false;
  const std::uint64_t size = parse_u64(r.header("content-length"), ok);
  if (!ok) throw_error(StoreErrorCode::kIntegrity, "head", key, "no Content-Length", {});
  return ObjectInfo{std::string(key), size, unquote(r.header("etag")),
                    parse_http_date_ms(r.header("last-modified"))};
}

ObjectInfo S3Store::put(std::string_view key, std::string_view body, const PutOptions& options) {
  if (body.size() >= *config_.multipart_threshold && body.size() > *config_.multipart_part_size) {
    return put_multipart(key, body, options);
  }
  return put_single(key, body, options);
}

ObjectInfo S3Store::put_single(std::string_view key, std::string_view body,
                               const PutOptions& options) {
  const Md5Digest digest = md5(body);
  const std::string expected_etag = to_hex(digest);
  Request req;
  req.op = "put";
  req.method = "PUT";
  req.key = full_key(key);
  req.display_key = std::string(key);
  req.body = body;
  req.headers = {{"content-md5", to_base64(digest)},
                 {"content-type", options.content_type},
                 {"content-length", std::to_string(body.size())}};
  if (options.if_none_match) req.headers.emplace_back("if-none-match", "*");
  req.validate = [&](const HttpResponse& r) {
    const std::string etag = unquote(r.header("etag"));
    if (etag_is_content_md5(r, etag) && etag != expected_etag) {
      throw IntegrityFailure{"the server stored MD5 " + etag + ", we sent " + expected_etag};
    }
  };
  const std::uint64_t retries_before = retries_.load();
  try {
    const HttpResponse r = execute(req);
    std::string etag = unquote(r.header("etag"));
    if (etag.empty()) etag = expected_etag;
    return {std::string(key), body.size(), etag, now_ms()};
  } catch (const StoreError& e) {
    // An earlier attempt may have landed with its response lost; then the object is ours.
    if (e.code() == StoreErrorCode::kPreconditionFailed && retries_.load() != retries_before) {
      if (auto info = head(key); info && info->etag == expected_etag) return *info;
    }
    throw;
  }
}

ObjectInfo S3Store::put_multipart(std::string_view key, std::string_view body,
                                  const PutOptions& options) {
  const std::string full = full_key(key);
  Request init;
  init.op = "put (initiate multipart upload)";
  init.method = "POST";
  init.key = full;
  init.display_key = std::string(key);
  init.query = {{"uploads", ""}};
  init.headers = {{"content-type", options.content_type}};
  std::string upload_id;
  init.validate = [&](const HttpResponse& r) {
    pugi::xml_document doc;
    if (!doc.load_buffer(r.body.data(), r.body.size())) {
      throw IntegrityFailure{"the InitiateMultipartUploadResult is not XML"};
    }
    upload_id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
    if (upload_id.empty()) throw IntegrityFailure{"no UploadId in the response"};
  };
  execute(init);

  const std::uint64_t part_size = *config_.multipart_part_size;
  const std::size_t parts = static_cast<std::size_t>((body.size() + part_size - 1) / part_size);
  std::string complete_xml = "<CompleteMultipartUpload>";
  std::string part_digests;  // the binary MD5s, whose MD5 is the multipart ETag
  try {
    for (std::size_t i = 0; i < parts; ++i) {
      const std::string_view part = body.substr(i * part_size, part_size);
      const Md5Digest digest = md5(part);
      part_digests.append(reinterpret_cast<const char*>(digest.data()), digest.size());
      Request up;
      up.op = "put (part " + std::to_string(i + 1) + " of " + std::to_string(parts) + ")";
      up.method = "PUT";
      up.key = full;
      up.display_key = std::string(key);
      up.query = {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload_id}};
      up.body = part;
      up.headers = {{"content-md5", to_base64(digest)},
                    {"content-length", std::to_string(part.size())}};
      const std::string expected = to_hex(digest);
      up.validate = [&](const HttpResponse& r) {
        const std::string etag = unquote(r.header("etag"));
        if (etag.empty()) throw IntegrityFailure{"the part's response has no ETag"};
        if (etag_is_content_md5(r, etag) && etag != expected) {
          throw IntegrityFailure{"the server stored part MD5 " + etag + ", we sent " + expected};
        }
      };
      const HttpResponse r = execute(up);
      complete_xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>\"" +
                      unquote(r.header("etag")) + "\"</ETag></Part>";
    }
    complete_xml += "</CompleteMultipartUpload>";

    const std::string expected_etag = to_hex(md5(part_digests)) + "-" + std::to_string(parts);
    Request done;
    done.op = "put (complete multipart upload)";
    done.method = "POST";
    done.key = full;
    done.display_key = std::string(key);
    done.query = {{"uploadId", upload_id}};
    done.body = complete_xml;
    done.headers = {{"content-type", "application/xml"},
                    {"content-length", std::to_string(complete_xml.size())}};
    if (options.if_none_match) done.headers.emplace_back("if-none-match", "*");
    std::string etag;
    // CompleteMultipartUpload can fail after a 200 status line: the error is then in the body.
    done.validate = [&](const HttpResponse& r) {
      pugi::xml_document doc;
      if (!doc.load_buffer(r.body.data(), r.body.size())) {
        throw IntegrityFailure{"the CompleteMultipartUploadResult is not XML"};
      }
      if (const pugi::xml_node err = doc.child("Error")) {
        const S3ErrorInfo e = parse_s3_error(r.status, r.body, r.header("x-amz-request-id"));
        const StoreErrorCode code = classify_s3_error(500, e.code);
        if (is_retryable(code)) throw IntegrityFailure{"completion failed: " + e.code};
        throw_error(code, "put (complete multipart upload)", key, e.code + ": " + e.message,
                    e.request_id);
      }
      etag = unquote(doc.child("CompleteMultipartUploadResult").child_value("ETag"));
      if (etag.find('-') != std::string::npos && etag.size() > 33 && etag != expected_etag) {
        throw StoreError(StoreErrorCode::kIntegrity,
                         uri() + ": put '" + std::string(key) + "': multipart ETag " + etag +
                             " differs from the " + expected_etag + " of the parts sent");
      }
    };
    const std::uint64_t retries_before = retries_.load();
    try {
      execute(done);
    } catch (const StoreError& e) {
      // A lost response to a completion that did happen: the upload is gone, the object is ours.
      if ((e.code() == StoreErrorCode::kNotFound ||
           e.code() == StoreErrorCode::kPreconditionFailed) &&
          retries_.load() != retries_before) {
        if (auto info = head(key); info && info->etag == expected_etag) return *info;
      }
      throw;
    }
    return {std::string(key), body.size(), etag.empty() ? expected_etag : etag, now_ms()};
  } catch (...) {
    // Parts of an unfinished upload cost storage and never become an object: abort it.
    Request abort;
    abort.op = "put (abort multipart upload)";
    abort.method = "DELETE";
    abort.key = full;
    abort.display_key = std::string(key);
    abort.query = {{"uploadId", upload_id}};
    abort.allow_not_found = true;
    try {
      execute(abort);
    } catch (const StoreError&) {
      // The original failure is the one to report; S3 lifecycle rules reap stale uploads.
    }
    throw;
  }
}

void S3Store::remove(std::string_view key) {
  Request req;
  req.op = "remove";
  req.method = "DELETE";
  req.key = full_key(key);
  req.display_key = std::string(key);
  req.allow_not_found = true;
  execute(req);
}

std::unique_ptr<S3Store> open_s3_store(std::string_view uri, const StoreConfig& config,
                                       EnvLookup env) {
  // A refused URI may carry credentials nobody registered as secrets: its user info is not echoed.
  auto bad = [&](const std::string& why) {
    throw StoreError(StoreErrorCode::kInvalidArgument,
                     "invalid store URI '" + util::redact_userinfo(uri) + "': " + why);
  };
  constexpr std::string_view kScheme = "s3://";
  if (uri.substr(0, kScheme.size()) != kScheme) bad("expected s3://bucket/prefix");
  const std::string_view rest = uri.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) bad("an s3 URI takes no query");
  const std::size_t slash = rest.find('/');
  const std::string bucket(rest.substr(0, slash));
  if (bucket.find('@') != std::string::npos) {
    bad("an s3 URI takes no user info: credentials come from the environment (AWS_ACCESS_KEY_ID, "
        "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ...)");
  }
  if (!valid_bucket_name(bucket)) {
    bad("'" + bucket +
        "' is not a valid bucket name (3-63 characters: a-z, 0-9, '.', '-'; starting and ending "
        "with a letter or digit)");
  }
  std::string prefix = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!prefix.empty()) {
    if (prefix.front() == '/') bad("the prefix must not start with '/'");
    if (!util::is_valid_utf8(prefix)) bad("the prefix is not valid UTF-8");
    prefix += '/';
  }
  return std::make_unique<S3Store>(bucket, prefix, config, std::move(env));
}

}  // namespace tributary::store
