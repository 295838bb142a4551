#include "ingest/committed_keys.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tributary::ingest {
namespace {

using warehouse::SqlRow;
using warehouse::SqlValue;

std::int64_t slot_of(std::int64_t ts_ms) {
  const std::int64_t q = ts_ms / CommittedKeys::kSlotMs;
  return ts_ms % CommittedKeys::kSlotMs < 0 ? q - 1 : q;  // floor, for ts before 1970 too
}

std::uint64_t read_be64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// A slot's stored keys: raw bytes (SQLite) or their hex text (PostgreSQL's encode()).
std::vector<event::EventKey> parse_slot(std::string_view stored, bool hex) {
  const std::size_t width = hex ? 32 : 16;
  if (stored.size() % width != 0) {
    throw std::runtime_error("the state database holds a damaged key slot (" +
                             std::to_string(stored.size()) + " bytes)");
  }
  std::vector<event::EventKey> keys;
  keys.reserve(stored.size() / width);
  for (std::size_t at = 0; at < stored.size(); at += width) {
    if (hex) {
      const std::optional<event::EventKey> key = event::EventKey::from_hex(stored.substr(at, 32));
      if (!key) throw std::runtime_error("the state database holds a malformed key in a slot");
      keys.push_back(*key);
    } else {
      const auto* p = reinterpret_cast<const unsigned char*>(stored.data() + at);
      keys.push_back(event::EventKey{read_be64(p), read_be64(p + 8)});
    }
  }
  return keys;
}

// `keys` as a slot stores them: 16 bytes each, hi then lo, big-endian.
std::string slot_bytes(const std::vector<event::EventKey>& keys) {
  std::string out(keys.size() * 16, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  for (const event::EventKey& k : keys) {
    k.write_bytes(p);
    p += 16;
  }
  return out;
}

// `values` as one array parameter: {a,b} for PostgreSQL, [a,b] (JSON) for SQLite's json_each.
template <typename T, typename Format>
std::string array_param(const std::vector<T>& values, bool postgres, Format format) {
  std::string out(1, postgres ? '{' : '[');
  for (const T& v : values) {
    if (out.size() > 1) out.push_back(',');
    out += format(v);
  }
  out.push_back(postgres ? '}' : ']');
  return out;
}

}  // namespace

NewRows CommittedKeys::add(const event::EventBatch& batch) {
  NewRows fresh;
  fresh.is_new.assign(batch.size(), 0);
  if (batch.empty()) return fresh;
  const bool postgres = db_.dialect() == warehouse::Dialect::kPostgres;

  // The batch's distinct keys by slot and key, each with the first row that has it.
  struct Incoming {
    std::int64_t slot;
    event::EventKey key;
    std::uint32_t row;
    auto operator<=>(const Incoming&) const = default;
  };
  const std::vector<std::int64_t>& ts = batch.column(event::Field::kTs).i64;
  std::vector<Incoming> keyed(batch.size());
  for (std::size_t row = 0; row < batch.size(); ++row) {
    keyed[row] = {slot_of(ts[row]), batch.keys()[row], static_cast<std::uint32_t>(row)};
  }
  std::sort(keyed.begin(), keyed.end());
  keyed.erase(std::unique(keyed.begin(), keyed.end(),
                          [](const Incoming& a, const Incoming& b) {
                            return a.slot == b.slot && a.key == b.key;
                          }),
              keyed.end());
  std::vector<std::int64_t> slots;
  for (const Incoming& in : keyed) {
    if (slots.empty() || slots.back() != in.slot) slots.push_back(in.slot);
  }

  const std::string stream(event::stream_name(batch.stream()));
  const SqlValue slot_params[] = {
      stream, array_param(slots, postgres, [](std::int64_t s) { return std::to_string(s); })};
  std::vector<SqlRow> stored_rows;
  if (postgres) {
    // Missing slots are created first, so that FOR UPDATE has a row to lock: a concurrent batch
    // creating the same slot waits for this one's commit, then sees its keys.
    db_.execute(
        "INSERT INTO ingest_key_group (stream, slot, keys)"
        " SELECT $1, s, ''::bytea FROM unnest($2::bigint[]) AS s ORDER BY s"
        " ON CONFLICT (stream, slot) DO NOTHING",
        slot_params);
    stored_rows = db_.query(
        "SELECT slot, encode(keys, 'hex') FROM ingest_key_group"
        " WHERE stream = $1 AND slot = ANY($2::bigint[]) ORDER BY slot FOR UPDATE",
        slot_params);
  } else {
    stored_rows = db_.query(
        "SELECT slot, keys FROM ingest_key_group"
        " WHERE stream = $1 AND slot IN (SELECT value FROM json_each($2)) ORDER BY slot",
        slot_params);
  }
  std::vector<std::pair<std::int64_t, std::string>> stored;  // by slot
  stored.reserve(stored_rows.size());
  for (SqlRow& row : stored_rows) {
    stored.emplace_back(warehouse::sql_int(row[0]), std::move(row[1]).value_or(""));
  }

  // Per slot: the batch's keys the slot lacks (their rows are new), and the slot's keys with
  // them.
  std::vector<std::pair<std::int64_t, std::vector<event::EventKey>>> changed;
  std::vector<const Incoming*> candidates;
  auto next_stored = stored.begin();
  for (auto at = keyed.begin(); at != keyed.end();) {
    const std::int64_t slot = at->slot;
    while (next_stored != stored.end() && next_stored->first < slot) ++next_stored;
    std::vector<event::EventKey> have;
    if (next_stored != stored.end() && next_stored->first == slot) {
      have = parse_slot(next_stored->second, postgres);
    }
    std::vector<event::EventKey> added;
    auto h = have.begin();
    for (; at != keyed.end() && at->slot == slot; ++at) {
      while (h != have.end() && *h < at->key) ++h;
      if (h != have.end() && *h == at->key) continue;
      added.push_back(at->key);
      candidates.push_back(&*at);
    }
    if (added.empty()) continue;
    std::vector<event::EventKey> merged;
    merged.reserve(have.size() + added.size());
    std::merge(have.begin(), have.end(), added.begin(), added.end(), std::back_inserter(merged));
    changed.emplace_back(slot, std::move(merged));
  }

  for (const Incoming* in : candidates) fresh.is_new[in->row] = 1;
  fresh.count = candidates.size();
  if (!candidates.empty() && !db_.query("SELECT 1 FROM ingest_event_key_legacy LIMIT 1").empty()) {
    const SqlValue legacy_params[] = {array_param(candidates, postgres, [&](const Incoming* in) {
      return postgres ? in->key.hex() : "\"" + in->key.hex() + "\"";
    })};
    std::vector<event::EventKey> legacy;
    for (const SqlRow& row : db_.query(
             postgres ? "SELECT replace(event_key::text, '-', '') FROM ingest_event_key_legacy"
                        " WHERE event_key = ANY($1::uuid[])"
                      : "SELECT lower(hex(event_key)) FROM ingest_event_key_legacy"
                        " WHERE event_key IN (SELECT unhex(value) FROM json_each($1))",
             legacy_params)) {
      if (const auto key = event::EventKey::from_hex(row[0].value_or(""))) legacy.push_back(*key);
    }
    std::sort(legacy.begin(), legacy.end());
    for (const Incoming* in : candidates) {
      if (!std::binary_search(legacy.begin(), legacy.end(), in->key)) continue;
      fresh.is_new[in->row] = 0;
      --fresh.count;
    }
  }

  for (auto& [slot, keys] : changed) {
    const SqlValue params[] = {stream, slot, warehouse::SqlBlob{slot_bytes(keys)}};
    db_.execute(postgres ? "UPDATE ingest_key_group SET keys = $3 WHERE stream = $1 AND slot = $2"
                         : "INSERT INTO ingest_key_group (stream, slot, keys)"
                           " VALUES ($1, $2, $3) ON CONFLICT (stream, slot)"
                           " DO UPDATE SET keys = excluded.keys",
                params);
  }
  return fresh;
}

}  // namespace tributary::ingest
