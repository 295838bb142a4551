-- The star schema: dimensions, facts at event grain, and the level observations dim_user is
-- rebuilt from. Timestamps are epoch milliseconds UTC; date_key is YYYYMMDD.

CREATE TABLE dim_date (
  date_key   INTEGER PRIMARY KEY,
  date       TEXT    NOT NULL,
  year       INTEGER NOT NULL,
  quarter    INTEGER NOT NULL,
  month      INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  iso_year   INTEGER NOT NULL,
  iso_week   INTEGER NOT NULL,
  weekday    INTEGER NOT NULL, -- ISO: 1 = Monday .. 7 = Sunday
  is_weekend INTEGER NOT NULL
) STRICT;

CREATE TABLE dim_location (
  location_key INTEGER PRIMARY KEY,
  city         TEXT NOT NULL,
  state        TEXT NOT NULL,
  zip          TEXT NOT NULL,
  lat          REAL NOT NULL,
  lon          REAL NOT NULL,
  UNIQUE (city, state, zip, lat, lon)
) STRICT;

CREATE TABLE dim_artist (
  artist_key INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE dim_song (
  song_key   INTEGER PRIMARY KEY,
  artist_key INTEGER NOT NULL REFERENCES dim_artist (artist_key),
  title      TEXT    NOT NULL,
  duration_s REAL    NOT NULL,
  UNIQUE (artist_key, title, duration_s)
) STRICT;

-- Every (user, ts, level) point seen on any stream; dim_user's versions are derived from it.
CREATE TABLE user_level_observation (
  user_id      INTEGER NOT NULL,
  ts           INTEGER NOT NULL,
  level        TEXT    NOT NULL,
  first_name   TEXT,
  last_name    TEXT,
  gender       TEXT,
  registration INTEGER,
  PRIMARY KEY (user_id, ts, level)
) STRICT, WITHOUT ROWID;

-- Type-2 history on level: one row per run of equal levels, [valid_from, valid_to) in ms.
CREATE TABLE dim_user (
  user_key     INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL,
  first_name   TEXT,
  last_name    TEXT,
  gender       TEXT,
  registration INTEGER,
  level        TEXT    NOT NULL,
  valid_from   INTEGER NOT NULL,
  valid_to     INTEGER NOT NULL, -- 253402300800000 (10000-01-01) while current
  is_current   INTEGER NOT NULL,
  UNIQUE (user_id, valid_from)
) STRICT;

CREATE TABLE fact_listen (
  event_key       TEXT    NOT NULL,
  ts              INTEGER NOT NULL,
  date_key        INTEGER NOT NULL,
  hour            INTEGER NOT NULL,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  user_id         INTEGER,
  location_key    INTEGER NOT NULL,
  artist_key      INTEGER NOT NULL,
  song_key        INTEGER NOT NULL,
  duration_s      REAL    NOT NULL,
  level           TEXT    NOT NULL,
  auth            TEXT    NOT NULL,
  user_agent      TEXT    NOT NULL,
  PRIMARY KEY (date_key, event_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE fact_page_view (
  event_key       TEXT    NOT NULL,
  ts              INTEGER NOT NULL,
  date_key        INTEGER NOT NULL,
  hour            INTEGER NOT NULL,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  user_id         INTEGER,
  location_key    INTEGER NOT NULL,
  artist_key      INTEGER,
  song_key        INTEGER,
  duration_s      REAL,
  page            TEXT    NOT NULL,
  method          TEXT    NOT NULL,
  status          INTEGER NOT NULL,
  level           TEXT    NOT NULL,
  auth            TEXT    NOT NULL,
  user_agent      TEXT    NOT NULL,
  PRIMARY KEY (date_key, event_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE fact_auth (
  event_key       TEXT    NOT NULL,
  ts              INTEGER NOT NULL,
  date_key        INTEGER NOT NULL,
  hour            INTEGER NOT NULL,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  user_id         INTEGER,
  location_key    INTEGER NOT NULL,
  success         INTEGER NOT NULL,
  level           TEXT    NOT NULL,
  user_agent      TEXT    NOT NULL,
  PRIMARY KEY (date_key, event_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE fact_status_change (
  event_key       TEXT    NOT NULL,
  ts              INTEGER NOT NULL,
  date_key        INTEGER NOT NULL,
  hour            INTEGER NOT NULL,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  user_id         INTEGER,
  location_key    INTEGER NOT NULL,
  level           TEXT    NOT NULL,
  auth            TEXT    NOT NULL,
  user_agent      TEXT    NOT NULL,
  PRIMARY KEY (date_key, event_key)
) STRICT, WITHOUT ROWID;

-- For the three BI questions (period filters on date_key) and for recomputing mart rows.
CREATE INDEX fact_listen_date_location ON fact_listen (date_key, location_key);
CREATE INDEX fact_listen_date_song ON fact_listen (date_key, song_key);
CREATE INDEX fact_listen_user_date ON fact_listen (user_id, date_key);
CREATE INDEX fact_page_view_date_location ON fact_page_view (date_key, location_key);
