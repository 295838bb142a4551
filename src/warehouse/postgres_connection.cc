#include "warehouse/postgres_connection.h"

#include <charconv>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <vector>

namespace tributary::warehouse {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// libpq's messages end with a newline and may span lines; the CLI contract is one line.
std::string one_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

std::string to_text(const SqlValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, *d).ptr;
    return std::string(buf, end);
  }
  return std::get<std::string>(v);
}

// SQLSTATEs that say the session is gone or cannot be had now, whatever the statement: class 08
// (connection exception), admin_shutdown, crash_shutdown, cannot_connect_now (starting up or in
// recovery).
bool is_unavailable_state(const char* sqlstate) {
  if (sqlstate == nullptr) return false;
  const std::string_view s(sqlstate);
  return s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03";
}

}  // namespace

PostgresConnection::PostgresConnection(const WarehouseUri& uri) : uri_(uri) {
  // Without these, libpq waits as long as the kernel does: a server that accepts the connection
  // but never answers (a hung host, a half-open proxy) or a network that drops packets mid-query
  // would hang a worker for hours instead of failing as an outage it waits out. Listed before
  // the URI (expand_dbname), so the URI's own parameters win; PGCONNECT_TIMEOUT wins too.
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  const auto set_default = [&](const char* keyword, const char* value) {
    keywords.push_back(keyword);
    values.push_back(value);
  };
  if (std::getenv("PGCONNECT_TIMEOUT") == nullptr) set_default("connect_timeout", "10");
  set_default("keepalives", "1");
  set_default("keepalives_idle", "30");      // seconds of silence before the first probe
  set_default("keepalives_interval", "10");  // then a probe every 10 s,
  set_default("keepalives_count", "3");      // and the peer is dead after 3 unanswered
  set_default("tcp_user_timeout", "60000");  // ms that sent data may stay unacknowledged
  set_default("dbname", uri_.target.c_str());
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1);
  if (conn_ == nullptr) throw std::runtime_error("postgresql: out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message =
        "cannot connect to " + uri_.redacted + ": " + one_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw std::runtime_error(scrub_secret(message, uri_));
  }
  // Notices (e.g. "relation already exists, skipping") are expected and not worth printing.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

PostgresConnection::~PostgresConnection() {
  PQfinish(conn_);
}

std::optional<std::string> PostgresConnection::option(std::string_view keyword) const {
  PQconninfoOption* options = PQconninfo(conn_);
  if (options == nullptr) return std::nullopt;
  std::optional<std::string> out;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (keyword == o->keyword && o->val != nullptr) out = o->val;
  }
  PQconninfoFree(options);
  return out;
}

bool PostgresConnection::connected() const {
  return PQstatus(conn_) == CONNECTION_OK;
}

void PostgresConnection::reconnect() {
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    throw DatabaseUnavailable(scrub_secret(
        "cannot reconnect to " + uri_.redacted + ": " + one_line(PQerrorMessage(conn_)), uri_));
  }
}

void PostgresConnection::fail(std::string_view what, const PGresult* result) const {
  const std::string message = scrub_secret(
      "postgresql: " + std::string(what) + ": " + one_line(PQerrorMessage(conn_)), uri_);
  if (PQstatus(conn_) != CONNECTION_OK ||
      (result != nullptr && is_unavailable_state(PQresultErrorField(result, PG_DIAG_SQLSTATE)))) {
    throw DatabaseUnavailable(message);
  }
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (sqlstate != nullptr && std::string_view(sqlstate) == "23505") throw UniqueViolation(message);
  throw std::runtime_error(message);
}

void PostgresConnection::execute_script(std::string_view sql) {
  const std::string text(sql);
  Result r(PQexec(conn_, text.c_str()));
  const ExecStatusType status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("statement failed", r.get());
}

PGresult* PostgresConnection::exec_params(std::string_view sql, std::span<const SqlValue> params) {
  // Text format for every parameter but bytes, which go as binary (the server infers bytea from
  // the statement).
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0);
  std::vector<int> formats(params.size(), 0);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (std::holds_alternative<std::monostate>(params[i])) continue;
    if (const auto* b = std::get_if<SqlBlob>(&params[i])) {
      values[i] = b->bytes.data();
      lengths[i] = static_cast<int>(b->bytes.size());
      formats[i] = 1;
      continue;
    }
    texts[i] = to_text(params[i]);
    values[i] = texts[i].c_str();
  }
  const std::string text(sql);
  return PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                      lengths.data(), formats.data(), 0);
}

std::int64_t PostgresConnection::execute(std::string_view sql, std::span<const SqlValue> params) {
  Result r(exec_params(sql, params));
  const ExecStatusType status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("statement failed", r.get());
  const char* tuples = PQcmdTuples(r.get());
  return tuples[0] == '\0' ? 0 : std::stoll(tuples);
}

std::vector<SqlRow> PostgresConnection::query(std::string_view sql,
                                              std::span<const SqlValue> params) {
  Result r(exec_params(sql, params));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) fail("query failed", r.get());
  const int rows = PQntuples(r.get());
  const int columns = PQnfields(r.get());
  std::vector<SqlRow> out;
  out.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    SqlRow row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r.get(), i, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(r.get(), i, c),
                                     static_cast<std::size_t>(PQgetlength(r.get(), i, c))));
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

void PostgresConnection::copy_in(std::string_view copy_sql, std::string_view data) {
  const std::string text(copy_sql);
  Result start(PQexec(conn_, text.c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) fail("COPY failed to start", start.get());
  // libpq takes an int length; stream in 1 MiB pieces.
  constexpr std::size_t kPiece = 1 << 20;
  for (std::size_t off = 0; off < data.size(); off += kPiece) {
    const std::size_t n = std::min(kPiece, data.size() - off);
    if (PQputCopyData(conn_, data.data() + off, static_cast<int>(n)) != 1) fail("COPY data");
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) fail("COPY end");
  Result done(PQgetResult(conn_));
  const bool ok = PQresultStatus(done.get()) == PGRES_COMMAND_OK;
  // Drain any further results so the connection is ready for the next command.
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  if (!ok) fail("COPY failed", done.get());
}

}  // namespace tributary::warehouse
