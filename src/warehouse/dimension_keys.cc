#include "warehouse/dimension_keys.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tributary::warehouse {
namespace {

using event::Field;

enum class Kind : std::uint8_t { kText, kReal, kInteger };

struct NaturalColumn {
  std::string_view name;
  Kind kind;
};

// A dimension table: its surrogate key and the columns of its natural key (its UNIQUE
// constraint), in the order the cache encodes them.
struct DimensionTable {
  std::string_view table;
  std::string_view key;
  std::vector<NaturalColumn> columns;
};

enum Table : std::size_t { kLocation, kArtist, kSong, kLevel, kAuth, kPage, kMethod, kUserAgent };

const std::vector<DimensionTable>& tables() {
  static const std::vector<DimensionTable> kTables = {
      {"dim_location",
       "location_key",
       {{"city", Kind::kText},
        {"state", Kind::kText},
        {"zip", Kind::kText},
        {"lat", Kind::kReal},
        {"lon", Kind::kReal}}},
      {"dim_artist", "artist_key", {{"name", Kind::kText}}},
      {"dim_song",
       "song_key",
       {{"artist_key", Kind::kInteger}, {"title", Kind::kText}, {"duration_s", Kind::kReal}}},
      {"dim_level", "level_key", {{"level", Kind::kText}}},
      {"dim_auth", "auth_key", {{"auth", Kind::kText}}},
      {"dim_page", "page_key", {{"page", Kind::kText}}},
      {"dim_method", "method_key", {{"method", Kind::kText}}},
      {"dim_user_agent", "user_agent_key", {{"user_agent", Kind::kText}}},
  };
  return kTables;
}

// The cache's encoding of a natural key: each text as its 4-byte length and bytes, each number
// as its 8 bytes, so that no two keys share an encoding.
void encode_text(std::string& out, std::string_view v) {
  const auto n = static_cast<std::uint32_t>(v.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(v);
}
void encode_real(std::string& out, double v) {
  const auto bits = std::bit_cast<std::uint64_t>(v);
  out.append(reinterpret_cast<const char*>(&bits), sizeof bits);
}
void encode_integer(std::string& out, std::int64_t v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
T parse_number(const std::optional<std::string>& text, std::string_view what) {
  T v{};
  if (!text || std::from_chars(text->data(), text->data() + text->size(), v).ec != std::errc{}) {
    throw std::runtime_error("unreadable " + std::string(what) + " in a dimension row");
  }
  return v;
}

std::string column_list(const DimensionTable& t, Dialect dialect) {
  std::string out;
  for (const NaturalColumn& c : t.columns) {
    out += ", ";
    // SQLite shows a REAL to 15 digits, which may not read back as the same double.
    if (c.kind == Kind::kReal && dialect == Dialect::kSqlite) {
      out += "printf('%.17g', " + std::string(c.name) + ")";
    } else {
      out += c.name;
    }
  }
  return out;
}

}  // namespace

class DimensionKeys::Cache {
 public:
  explicit Cache(const DimensionTable& table) : table_(table) {}

  // The key of the natural key `encoded`; when it is neither cached nor stored, inserts the row
  // `values()` makes and sets `added`.
  template <typename Values>
  std::int64_t key(SqlConnection& db, std::string_view encoded, const Values& values, bool& added) {
    if (!loaded_) load(db);
    if (const auto it = keys_.find(encoded); it != keys_.end()) return it->second;
    return miss(db, encoded, values(), added);
  }

  void forget() {
    keys_.clear();
    loaded_ = false;
  }

 private:
  // Every stored row, once per session: a batch then looks up nothing it has seen before.
  void load(SqlConnection& db) {
    const std::vector<SqlRow> rows =
        db.query("SELECT " + std::string(table_.key) + column_list(table_, db.dialect()) +
                 " FROM " + std::string(table_.table));
    std::string encoded;
    for (const SqlRow& row : rows) {
      encoded.clear();
      for (std::size_t c = 0; c < table_.columns.size(); ++c) {
        const std::optional<std::string>& v = row.at(c + 1);
        switch (table_.columns[c].kind) {
          case Kind::kText:
            encode_text(encoded, v.value_or(""));
            break;
          case Kind::kReal:
            encode_real(encoded, parse_number<double>(v, table_.columns[c].name));
            break;
          case Kind::kInteger:
            encode_integer(encoded, parse_number<std::int64_t>(v, table_.columns[c].name));
            break;
        }
      }
      keys_.emplace(encoded, parse_number<std::int64_t>(row.at(0), table_.key));
    }
    loaded_ = true;
  }

  // A value not cached: stored by a loader since this session loaded the table, or new.
  std::int64_t miss(SqlConnection& db, std::string_view encoded,
                    const std::vector<SqlValue>& values, bool& added) {
    std::string where, columns, params;
    for (std::size_t c = 0; c < table_.columns.size(); ++c) {
      const std::string n = std::to_string(c + 1);
      where += (c == 0 ? "" : " AND ") + std::string(table_.columns[c].name) + " = $" + n;
      columns += (c == 0 ? "" : ", ") + std::string(table_.columns[c].name);
      params += (c == 0 ? "$" : ", $") + n;
    }
    const std::string table(table_.table), key(table_.key);
    std::vector<SqlRow> found =
        db.query("SELECT " + key + " FROM " + table + " WHERE " + where, values);
    if (found.empty()) {
      found = db.query(
          "INSERT INTO " + table + " (" + columns + ") VALUES (" + params + ") RETURNING " + key,
          values);
      added = true;
    }
    const auto k = parse_number<std::int64_t>(found.at(0).at(0), table_.key);
    keys_.emplace(encoded, k);
    return k;
  }

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  const DimensionTable& table_;
  bool loaded_ = false;
  std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>> keys_;
};

DimensionKeys::DimensionKeys() {
  for (const DimensionTable& t : tables()) caches_.emplace_back(t);
}

DimensionKeys::~DimensionKeys() = default;

void DimensionKeys::forget() {
  for (Cache& c : caches_) c.forget();
  inserted_ = false;
}

BatchKeys DimensionKeys::resolve(SqlConnection& db, const event::EventBatch& batch) {
  added_user_agents_ = false;
  BatchKeys out;
  out.keys.assign(batch.size() * kDimensionKeyCount, 0);
  const auto column = [&](Field f) -> const event::Column* {
    const std::optional<std::size_t> i = event::column_index(batch.stream(), f);
    return i ? &batch.column(*i) : nullptr;
  };
  const event::Column* city = column(Field::kCity);
  const event::Column* state = column(Field::kState);
  const event::Column* zip = column(Field::kZip);
  const event::Column* lat = column(Field::kLat);
  const event::Column* lon = column(Field::kLon);
  const event::Column* artist = column(Field::kArtist);
  const event::Column* song = column(Field::kSong);
  const event::Column* duration = column(Field::kDuration);
  // Text dimensions: the staged key, its cache and its column.
  struct TextDimension {
    DimensionKey staged;
    Table table;
    const event::Column* column;
  };
  const TextDimension texts[] = {
      {DimensionKey::kLevel, kLevel, column(Field::kLevel)},
      {DimensionKey::kAuth, kAuth, column(Field::kAuth)},
      {DimensionKey::kPage, kPage, column(Field::kPage)},
      {DimensionKey::kMethod, kMethod, column(Field::kMethod)},
      {DimensionKey::kUserAgent, kUserAgent, column(Field::kUserAgent)},
  };
  const auto set = [&](std::size_t row, DimensionKey k, std::int64_t key) {
    out.keys[row * kDimensionKeyCount + static_cast<std::size_t>(k)] = key;
  };
  const auto valid = [](const event::Column* c, std::size_t row) {
    return c != nullptr && c->is_valid(row);
  };
  std::string encoded;
  bool added = false;
  for (std::size_t row = 0; row < batch.size(); ++row) {
    if (valid(city, row) && valid(state, row) && valid(zip, row) && valid(lat, row) &&
        valid(lon, row)) {
      encoded.clear();
      encode_text(encoded, city->str.at(row));
      encode_text(encoded, state->str.at(row));
      encode_text(encoded, zip->str.at(row));
      encode_real(encoded, lat->f64[row]);
      encode_real(encoded, lon->f64[row]);
      set(row, DimensionKey::kLocation,
          caches_[kLocation].key(
              db, encoded,
              [&] {
                return std::vector<SqlValue>{
                    std::string(city->str.at(row)), std::string(state->str.at(row)),
                    std::string(zip->str.at(row)), lat->f64[row], lon->f64[row]};
              },
              added));
    }
    // A song is known by its artist, title and length; a page view may have none of them.
    if (valid(artist, row) && valid(song, row) && valid(duration, row)) {
      encoded.clear();
      encode_text(encoded, artist->str.at(row));
      const std::int64_t artist_key = caches_[kArtist].key(
          db, encoded, [&] { return std::vector<SqlValue>{std::string(artist->str.at(row))}; },
          added);
      encoded.clear();
      encode_integer(encoded, artist_key);
      encode_text(encoded, song->str.at(row));
      encode_real(encoded, duration->f64[row]);
      set(row, DimensionKey::kSong,
          caches_[kSong].key(
              db, encoded,
              [&] {
                return std::vector<SqlValue>{artist_key, std::string(song->str.at(row)),
                                             duration->f64[row]};
              },
              added));
    }
    for (const TextDimension& d : texts) {
      const event::Column* c = d.column;
      if (!valid(c, row)) continue;
      encoded.clear();
      encode_text(encoded, c->str.at(row));
      bool added_here = false;
      set(row, d.staged,
          caches_[d.table].key(
              db, encoded, [&] { return std::vector<SqlValue>{std::string(c->str.at(row))}; },
              added_here));
      if (added_here && d.table == kUserAgent) added_user_agents_ = true;
      added = added || added_here;
    }
  }
  if (added) inserted_ = true;
  return out;
}

}  // namespace tributary::warehouse
