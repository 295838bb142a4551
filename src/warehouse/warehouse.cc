#include "warehouse/warehouse.h"

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <unordered_set>

#include "warehouse/calendar.h"
#include "warehouse/load_statements.h"
#include "warehouse/migrations.h"
#include "warehouse/postgres_warehouse.h"
#include "warehouse/sqlite_warehouse.h"
#include "warehouse/staging.h"
#include "warehouse/user_agent.h"
#include "warehouse/user_history.h"

namespace tributary::warehouse {
namespace {

// `batch` without its repeated event keys (first occurrences, in order), or nothing when every
// key is there once (the usual case: the ingester deduplicates before loading).
std::optional<event::EventBatch> first_of_each_key(const event::EventBatch& batch) {
  std::unordered_set<event::EventKey, event::EventKeyHash> seen;
  seen.reserve(batch.size());
  std::size_t first_repeat = batch.size();
  for (std::size_t row = 0; row < batch.size(); ++row) {
    if (!seen.insert(batch.keys()[row]).second) {
      first_repeat = row;
      break;
    }
  }
  if (first_repeat == batch.size()) return std::nullopt;
  event::EventBatch out(batch.stream());
  seen.clear();
  for (std::size_t row = 0; row < batch.size(); ++row) {
    if (seen.insert(batch.keys()[row]).second) out.append_row(batch, row);
  }
  return out;
}

}  // namespace

std::unique_ptr<Warehouse> Warehouse::open(std::string_view uri_text) {
  const WarehouseUri uri = parse_warehouse_uri(uri_text);
  std::unique_ptr<Warehouse> warehouse;
  if (uri.dialect == Dialect::kSqlite) {
    warehouse = std::make_unique<SqliteWarehouse>(uri);
  } else {
    warehouse = std::make_unique<PostgresWarehouse>(uri);
  }
  try {
    warehouse->configure_session();
    apply_migrations(warehouse->connection());
    warehouse->prepare_session();
    // Migration 0022 leaves the user agents it found unparsed (SQL cannot call the parser). Every
    // writing open parses what is left, so a crash right after the migration leaves them only
    // until the next open; loads parse the ones they add.
    if (!warehouse->read_only_) warehouse->parse_new_user_agents();
  } catch (const std::exception& e) {
    throw std::runtime_error(
        scrub_secret("warehouse " + uri.redacted + ": " + std::string(e.what()), uri));
  }
  return warehouse;
}

std::unique_ptr<Warehouse> Warehouse::open_existing(std::string_view uri_text) {
  const WarehouseUri uri = parse_warehouse_uri(uri_text);
  if (uri.dialect == Dialect::kSqlite && !std::filesystem::exists(uri.target)) {
    throw std::runtime_error("no SQLite warehouse at " + uri.target);
  }
  return open(uri_text);
}

Warehouse::Warehouse(WarehouseUri uri, std::unique_ptr<SqlConnection> connection)
    : uri_(std::move(uri)), connection_(std::move(connection)) {}

Warehouse::~Warehouse() = default;

void Warehouse::prepare_session() {
  session_prepared_ = false;
  configure_session();
  read_only_ = session_read_only();
  load_tables_ready_ = false;
  dimension_keys_.forget();
  session_prepared_ = true;
}

void Warehouse::create_load_tables() {
  // A read-only session (the BI role's) may not create even temporary tables.
  if (read_only_) {
    throw std::runtime_error(
        "the session is read-only (default_transaction_read_only): it cannot"
        " load");
  }
  for (event::Stream s : event::kAllStreams) {
    connection_->execute_script(staging_ddl(s, connection_->dialect()));
  }
  for (const std::string& ddl : scratch_ddl(connection_->dialect())) {
    connection_->execute_script(ddl);
  }
  load_tables_ready_ = true;
}

void Warehouse::ensure_connected() {
  if (in_transaction_) throw std::logic_error("ensure_connected() inside a transaction");
  if (connection_->connected() && session_prepared_) return;
  if (!connection_->connected()) connection_->reconnect();
  prepare_session();
}

StreamLoadCounts Warehouse::load(const event::EventBatch& batch) {
  WarehouseTransaction txn(*this);
  const StreamLoadCounts counts = txn.load(batch);
  txn.commit();
  return counts;
}

StreamLoadCounts Warehouse::load_staged(const event::EventBatch& batch) {
  StreamLoadCounts counts;
  if (batch.empty()) return counts;
  SqlConnection& db = *connection_;
  if (!load_tables_ready_) create_load_tables();
  serialize_loads();
  // Each event_key staged once (its first row), so that the staged rows left after the fact
  // insert are exactly the facts this load adds, which is what the marts count.
  const std::optional<event::EventBatch> distinct = first_of_each_key(batch);
  const event::EventBatch& staged = distinct ? *distinct : batch;
  stage(staged, dimension_keys_.resolve(db, staged));
  if (dimension_keys_.added_user_agents()) parse_new_user_agents();

  // One timestamp per date, inserted in date order (see load_statements.h on lock order).
  std::map<std::int32_t, std::int64_t> dates;
  const event::Column& ts = batch.column(event::Field::kTs);
  for (std::size_t row = 0; row < batch.size(); ++row) {
    dates.try_emplace(date_key_of(ts.i64[row]), ts.i64[row]);
  }
  for (const auto& [key, some_ts] : dates) {
    const CalendarDate d = calendar_date(some_ts);
    const SqlValue params[] = {std::int64_t{d.date_key}, d.iso,
                               std::int64_t{d.year},     std::int64_t{d.quarter},
                               std::int64_t{d.month},    std::int64_t{d.day},
                               std::int64_t{d.iso_year}, std::int64_t{d.iso_week},
                               std::int64_t{d.weekday},  std::int64_t{d.is_weekend ? 1 : 0}};
    db.execute(
        "INSERT INTO dim_date (date_key, date, year, quarter, month, day, iso_year, iso_week,"
        " weekday, is_weekend) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT DO NOTHING",
        params);
  }
  prepare_facts(batch);

  const StreamLoadSql& sql = load_sql(batch.stream(), db.dialect());
  const auto inserted = static_cast<std::uint64_t>(insert_else(db, sql.facts, {}, [&] {
    // Some staged events are stored already (a re-load): only the exact path can tell the marts
    // which are new.
    for (const std::string& statement : sql.before_exact_facts) db.execute(statement);
    const std::int64_t added = db.execute(sql.exact_facts);
    for (const std::string& statement : sql.after_exact_facts) db.execute(statement);
    return added;
  }));
  counts.new_rows = inserted;
  counts.duplicates = batch.size() - inserted;
  if (inserted == 0) return counts;

  if (db.execute(sql.observations) > 0) {
    stage_profiles(batch);
    db.execute(sql.profiles);
    rebuild_dim_user(batch.stream());
  }
  for (const std::string& statement : sql.marts) db.execute(statement);
  return counts;
}

void Warehouse::stage_profiles(const event::EventBatch& batch) {
  static constexpr ScratchColumn kColumns[] = {
      {"user_id", ScratchType::kBigint},          {"observed_at", ScratchType::kTimestampMs},
      {"observed_level", ScratchType::kText},     {"first_name", ScratchType::kText},
      {"last_name", ScratchType::kText},          {"gender", ScratchType::kText},
      {"registration", ScratchType::kTimestampMs}};
  const auto text = [](std::optional<std::string>& v) -> SqlValue {
    if (!v) return std::monostate{};
    return std::move(*v);
  };
  ScratchRows rows{"staged_profile", kColumns, {}};
  std::vector<UserProfile> profiles = latest_profiles(batch);
  rows.values.reserve(profiles.size() * std::size(kColumns));
  for (UserProfile& p : profiles) {
    rows.values.emplace_back(p.user_id);
    rows.values.emplace_back(p.observed_at);
    rows.values.emplace_back(std::move(p.observed_level));
    rows.values.push_back(text(p.first_name));
    rows.values.push_back(text(p.last_name));
    rows.values.push_back(text(p.gender));
    if (p.registration) {
      rows.values.emplace_back(*p.registration);
    } else {
      rows.values.emplace_back(std::monostate{});
    }
  }
  connection_->execute("DELETE FROM staged_profile");
  write_scratch(rows);
}

void Warehouse::rebuild_dim_user(event::Stream stream) {
  SqlConnection& db = *connection_;
  const DimUserRebuildSql& sql = rebuild_dim_user_sql(stream, db.dialect());
  for (const std::string& statement : sql.prepare) db.execute(statement);
  std::vector<ObservedLevel> observed;
  for (SqlRow& row : db.query(sql.observations)) {
    observed.push_back(ObservedLevel{sql_int(row.at(0)), sql_int(row.at(1)),
                                     std::move(row.at(2)).value_or(""), std::move(row.at(3))});
  }
  static constexpr ScratchColumn kColumns[] = {{"user_id", ScratchType::kBigint},
                                               {"level", ScratchType::kText},
                                               {"valid_from", ScratchType::kTimestampMs},
                                               {"valid_to", ScratchType::kTimestampMs},
                                               {"is_current", ScratchType::kBoolean}};
  ScratchRows rows{"rebuilt_version", kColumns, {}};
  for (UserVersion& v : user_versions(observed)) {
    rows.values.emplace_back(v.user_id);
    rows.values.emplace_back(std::move(v.level));
    rows.values.emplace_back(v.valid_from);
    rows.values.emplace_back(v.valid_to);
    rows.values.emplace_back(std::int64_t{v.is_current ? 1 : 0});
  }
  write_scratch(rows);
  for (const std::string& statement : sql.apply) db.execute(statement);
}

void Warehouse::parse_new_user_agents() {
  for (const SqlRow& row :
       connection_->query("SELECT user_agent_key, user_agent FROM dim_user_agent"
                          " WHERE browser IS NULL ORDER BY user_agent_key")) {
    UserAgentParts parts = parse_user_agent(row.at(1).value_or(""));
    const SqlValue params[] = {std::stoll(row.at(0).value_or("0")), std::move(parts.browser),
                               std::move(parts.browser_version), std::move(parts.os),
                               std::move(parts.device_type)};
    connection_->execute(
        "UPDATE dim_user_agent SET browser = $2, browser_version = $3, os = $4, device_type = $5"
        " WHERE user_agent_key = $1",
        params);
  }
}

WarehouseTransaction::WarehouseTransaction(Warehouse& warehouse) : warehouse_(warehouse) {
  if (warehouse_.in_transaction_) {
    throw std::logic_error("a WarehouseTransaction is already open on this warehouse");
  }
  warehouse_.connection().execute_script(warehouse_.begin_statement());
  warehouse_.in_transaction_ = true;
}

WarehouseTransaction::~WarehouseTransaction() {
  if (!open_) return;
  // Temporary tables created in the transaction go with it, and so do the dimension rows it
  // inserted.
  warehouse_.load_tables_ready_ = false;
  warehouse_.dimension_keys_.rolled_back();
  try {
    warehouse_.connection().execute_script("ROLLBACK");
  } catch (const std::exception&) {
    // Nothing to do in a destructor: a connection that cannot roll back has lost the
    // transaction anyway (the server aborts it when the session ends).
  }
  warehouse_.in_transaction_ = false;
}

StreamLoadCounts WarehouseTransaction::load(const event::EventBatch& batch) {
  if (!open_) throw std::logic_error("load() after commit()");
  const auto context = [&](const std::exception& e) {
    return scrub_secret("loading " + std::string(event::stream_name(batch.stream())) + " into " +
                            warehouse_.uri().redacted + ": " + e.what(),
                        warehouse_.uri());
  };
  try {
    return warehouse_.load_staged(batch);
  } catch (const DatabaseUnavailable& e) {
    throw DatabaseUnavailable(context(e));  // callers wait for the server rather than give up
  } catch (const std::exception& e) {
    throw std::runtime_error(context(e));
  }
}

void WarehouseTransaction::commit() {
  if (!open_) throw std::logic_error("commit() twice");
  warehouse_.connection().execute_script("COMMIT");
  warehouse_.dimension_keys_.committed();
  open_ = false;
  warehouse_.in_transaction_ = false;
}

}  // namespace tributary::warehouse
