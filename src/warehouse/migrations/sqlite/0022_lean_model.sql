-- The lean model (the PostgreSQL migration of the same number says why): facts hold keys and
-- measures only; event_key is its 16 bytes (a BLOB; the views show the lake's 32 hex digits);
-- the user agent is dim_user_agent with its parsed parts (filled by the first loader that opens
-- the warehouse); level, auth, page and method are keys of small dimensions; the user's names,
-- gender and registration are kept once per user in user_profile; a fact's artist and a page
-- view's song duration are its song's, and its hour of the day its time's (the views show them). Times stay integer milliseconds (SQLite has no time type); the views show them
-- as ISO 8601 text. Existing rows are converted in place.

DROP VIEW v_listens;
DROP VIEW v_page_views;
DROP VIEW v_song_daily;
DROP VIEW v_location_daily;
DROP VIEW v_user_daily;

CREATE TABLE dim_level (
  level_key INTEGER PRIMARY KEY,
  level     TEXT NOT NULL UNIQUE
) STRICT;
CREATE TABLE dim_auth (
  auth_key INTEGER PRIMARY KEY,
  auth     TEXT NOT NULL UNIQUE
) STRICT;
CREATE TABLE dim_page (
  page_key INTEGER PRIMARY KEY,
  page     TEXT NOT NULL UNIQUE
) STRICT;
CREATE TABLE dim_method (
  method_key INTEGER PRIMARY KEY,
  method     TEXT NOT NULL UNIQUE
) STRICT;
CREATE TABLE dim_user_agent (
  user_agent_key  INTEGER PRIMARY KEY,
  user_agent      TEXT NOT NULL UNIQUE,
  browser         TEXT, -- null until the loader has parsed user_agent
  browser_version TEXT,
  os              TEXT,
  device_type     TEXT
) STRICT;

INSERT INTO dim_level (level)
  SELECT level FROM fact_listen UNION SELECT level FROM fact_page_view
  UNION SELECT level FROM fact_auth UNION SELECT level FROM fact_status_change ORDER BY 1;
INSERT INTO dim_auth (auth)
  SELECT auth FROM fact_listen UNION SELECT auth FROM fact_page_view
  UNION SELECT auth FROM fact_status_change ORDER BY 1;
INSERT INTO dim_page (page) SELECT DISTINCT page FROM fact_page_view ORDER BY 1;
INSERT INTO dim_method (method) SELECT DISTINCT method FROM fact_page_view ORDER BY 1;
INSERT INTO dim_user_agent (user_agent)
  SELECT user_agent FROM fact_listen UNION SELECT user_agent FROM fact_page_view
  UNION SELECT user_agent FROM fact_auth UNION SELECT user_agent FROM fact_status_change
  ORDER BY 1;

CREATE TABLE fact_listen_lean (
  event_key       BLOB    NOT NULL,
  ts              INTEGER NOT NULL,
  date_key        INTEGER NOT NULL,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  user_id         INTEGER,
  location_key    INTEGER NOT NULL,
  song_key        INTEGER NOT NULL,
  duration_s      REAL    NOT NULL,
  level_key       INTEGER NOT NULL,
  auth_key        INTEGER NOT NULL,
  user_agent_key  INTEGER NOT NULL,
  PRIMARY KEY (date_key, event_key)
) STRICT, WITHOUT ROWID;
INSERT INTO fact_listen_lean
SELECT unhex(o.event_key), o.ts, o.date_key, o.session_id, o.item_in_session, o.user_id,
       o.location_key, o.song_key, o.duration_s, lv.level_key, au.auth_key, ua.user_agent_key
FROM fact_listen o
JOIN dim_level lv ON lv.level = o.level
JOIN dim_auth au ON au.auth = o.auth
JOIN dim_user_agent ua ON ua.user_agent = o.user_agent
ORDER BY o.date_key, o.event_key;
DROP TABLE fact_listen;
ALTER TABLE fact_listen_lean RENAME TO fact_listen;

CREATE TABLE fact_page_view_lean (
  event_key       BLOB    NOT NULL,
  ts              INTEGER NOT NULL,
  date_key        INTEGER NOT NULL,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  user_id         INTEGER,
  location_key    INTEGER NOT NULL,
  song_key        INTEGER,
  page_key        INTEGER NOT NULL,
  method_key      INTEGER NOT NULL,
  status          INTEGER NOT NULL,
  level_key       INTEGER NOT NULL,
  auth_key        INTEGER NOT NULL,
  user_agent_key  INTEGER NOT NULL,
  PRIMARY KEY (date_key, event_key)
) STRICT, WITHOUT ROWID;
INSERT INTO fact_page_view_lean
SELECT unhex(o.event_key), o.ts, o.date_key, o.session_id, o.item_in_session, o.user_id,
       o.location_key, o.song_key, pg.page_key, me.method_key, o.status, lv.level_key,
       au.auth_key, ua.user_agent_key
FROM fact_page_view o
JOIN dim_page pg ON pg.page = o.page
JOIN dim_method me ON me.method = o.method
JOIN dim_level lv ON lv.level = o.level
JOIN dim_auth au ON au.auth = o.auth
JOIN dim_user_agent ua ON ua.user_agent = o.user_agent
ORDER BY o.date_key, o.event_key;
DROP TABLE fact_page_view;
ALTER TABLE fact_page_view_lean RENAME TO fact_page_view;

CREATE TABLE fact_auth_lean (
  event_key       BLOB    NOT NULL,
  ts              INTEGER NOT NULL,
  date_key        INTEGER NOT NULL,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  user_id         INTEGER,
  location_key    INTEGER NOT NULL,
  success         INTEGER NOT NULL,
  level_key       INTEGER NOT NULL,
  user_agent_key  INTEGER NOT NULL,
  PRIMARY KEY (date_key, event_key)
) STRICT, WITHOUT ROWID;
INSERT INTO fact_auth_lean
SELECT unhex(o.event_key), o.ts, o.date_key, o.session_id, o.item_in_session, o.user_id,
       o.location_key, o.success, lv.level_key, ua.user_agent_key
FROM fact_auth o
JOIN dim_level lv ON lv.level = o.level
JOIN dim_user_agent ua ON ua.user_agent = o.user_agent
ORDER BY o.date_key, o.event_key;
DROP TABLE fact_auth;
ALTER TABLE fact_auth_lean RENAME TO fact_auth;

CREATE TABLE fact_status_change_lean (
  event_key       BLOB    NOT NULL,
  ts              INTEGER NOT NULL,
  date_key        INTEGER NOT NULL,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  user_id         INTEGER,
  location_key    INTEGER NOT NULL,
  level_key       INTEGER NOT NULL,
  auth_key        INTEGER NOT NULL,
  user_agent_key  INTEGER NOT NULL,
  PRIMARY KEY (date_key, event_key)
) STRICT, WITHOUT ROWID;
INSERT INTO fact_status_change_lean
SELECT unhex(o.event_key), o.ts, o.date_key, o.session_id, o.item_in_session, o.user_id,
       o.location_key, lv.level_key, au.auth_key, ua.user_agent_key
FROM fact_status_change o
JOIN dim_level lv ON lv.level = o.level
JOIN dim_auth au ON au.auth = o.auth
JOIN dim_user_agent ua ON ua.user_agent = o.user_agent
ORDER BY o.date_key, o.event_key;
DROP TABLE fact_status_change;
ALTER TABLE fact_status_change_lean RENAME TO fact_status_change;

-- The type-1 attributes, once per user: those of the user's latest observation (latest time,
-- then "paid" over "free", as dim_user has always taken them).
CREATE TABLE user_profile (
  user_id        INTEGER PRIMARY KEY,
  observed_at    INTEGER NOT NULL,
  observed_level TEXT    NOT NULL,
  first_name     TEXT,
  last_name      TEXT,
  gender         TEXT,
  registration   INTEGER
) STRICT;
INSERT INTO user_profile (user_id, observed_at, observed_level, first_name, last_name, gender,
                          registration)
SELECT user_id, ts, level, first_name, last_name, gender, registration
FROM (SELECT o.*, row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, level DESC) AS nth
      FROM user_level_observation o)
WHERE nth = 1;

CREATE TABLE user_level_observation_lean (
  user_id INTEGER NOT NULL,
  ts      INTEGER NOT NULL,
  level   TEXT    NOT NULL,
  PRIMARY KEY (user_id, ts, level)
) STRICT, WITHOUT ROWID;
INSERT INTO user_level_observation_lean SELECT user_id, ts, level FROM user_level_observation;
DROP TABLE user_level_observation;
ALTER TABLE user_level_observation_lean RENAME TO user_level_observation;

-- The marts' member sets keyed by song or location first (migration 0021's second index becomes
-- the primary key, so each member is stored once).
CREATE TABLE mart_song_daily_listener_lean (
  song_key  INTEGER NOT NULL,
  date_key  INTEGER NOT NULL,
  user_id   INTEGER NOT NULL,
  PRIMARY KEY (song_key, date_key, user_id)
) STRICT, WITHOUT ROWID;
INSERT INTO mart_song_daily_listener_lean SELECT song_key, date_key, user_id
  FROM mart_song_daily_listener ORDER BY 1, 2, 3;
DROP TABLE mart_song_daily_listener;
ALTER TABLE mart_song_daily_listener_lean RENAME TO mart_song_daily_listener;

CREATE TABLE mart_location_daily_user_lean (
  location_key INTEGER NOT NULL,
  date_key     INTEGER NOT NULL,
  user_id      INTEGER NOT NULL,
  PRIMARY KEY (location_key, date_key, user_id)
) STRICT, WITHOUT ROWID;
INSERT INTO mart_location_daily_user_lean SELECT location_key, date_key, user_id
  FROM mart_location_daily_user ORDER BY 1, 2, 3;
DROP TABLE mart_location_daily_user;
ALTER TABLE mart_location_daily_user_lean RENAME TO mart_location_daily_user;

CREATE TABLE mart_location_daily_session_lean (
  location_key INTEGER NOT NULL,
  date_key     INTEGER NOT NULL,
  session_id   INTEGER NOT NULL,
  PRIMARY KEY (location_key, date_key, session_id)
) STRICT, WITHOUT ROWID;
INSERT INTO mart_location_daily_session_lean SELECT location_key, date_key, session_id
  FROM mart_location_daily_session ORDER BY 1, 2, 3;
DROP TABLE mart_location_daily_session;
ALTER TABLE mart_location_daily_session_lean RENAME TO mart_location_daily_session;

-- The BI views: every key shown as what it stands for.
CREATE VIEW v_listens AS
SELECT lower(hex(f.event_key)) AS event_key,
       strftime('%Y-%m-%dT%H:%M:%fZ', f.ts / 1000.0, 'unixepoch') AS event_time,
       d.date AS event_date,
       CAST((f.ts % 86400000 + 86400000) % 86400000 / 3600000 AS INTEGER) AS hour,
       f.session_id,
       f.item_in_session,
       f.user_id,
       u.first_name,
       u.last_name,
       lv.level,
       au.auth,
       l.city,
       l.state,
       l.zip,
       a.name AS artist,
       s.title AS song,
       f.duration_s,
       ua.browser,
       ua.os,
       ua.device_type
FROM fact_listen f
JOIN dim_date d ON d.date_key = f.date_key
JOIN dim_location l ON l.location_key = f.location_key
JOIN dim_song s ON s.song_key = f.song_key
JOIN dim_artist a ON a.artist_key = s.artist_key
JOIN dim_level lv ON lv.level_key = f.level_key
JOIN dim_auth au ON au.auth_key = f.auth_key
JOIN dim_user_agent ua ON ua.user_agent_key = f.user_agent_key
LEFT JOIN dim_user u ON u.user_id = f.user_id AND f.ts >= u.valid_from AND f.ts < u.valid_to;

CREATE VIEW v_page_views AS
SELECT lower(hex(f.event_key)) AS event_key,
       strftime('%Y-%m-%dT%H:%M:%fZ', f.ts / 1000.0, 'unixepoch') AS event_time,
       d.date AS event_date,
       CAST((f.ts % 86400000 + 86400000) % 86400000 / 3600000 AS INTEGER) AS hour,
       f.session_id,
       f.item_in_session,
       f.user_id,
       u.first_name,
       u.last_name,
       lv.level,
       au.auth,
       pg.page,
       me.method,
       f.status,
       l.city,
       l.state,
       l.zip,
       a.name AS artist,
       s.title AS song,
       s.duration_s,
       ua.browser,
       ua.os,
       ua.device_type
FROM fact_page_view f
JOIN dim_date d ON d.date_key = f.date_key
JOIN dim_location l ON l.location_key = f.location_key
JOIN dim_level lv ON lv.level_key = f.level_key
JOIN dim_auth au ON au.auth_key = f.auth_key
JOIN dim_page pg ON pg.page_key = f.page_key
JOIN dim_method me ON me.method_key = f.method_key
JOIN dim_user_agent ua ON ua.user_agent_key = f.user_agent_key
LEFT JOIN dim_song s ON s.song_key = f.song_key
LEFT JOIN dim_artist a ON a.artist_key = s.artist_key
LEFT JOIN dim_user u ON u.user_id = f.user_id AND f.ts >= u.valid_from AND f.ts < u.valid_to;

CREATE VIEW v_song_daily AS
SELECT d.date AS event_date,
       a.name AS artist,
       s.title AS song,
       m.plays,
       m.listeners,
       m.date_key,
       m.song_key
FROM mart_song_daily m
JOIN dim_date d ON d.date_key = m.date_key
JOIN dim_song s ON s.song_key = m.song_key
JOIN dim_artist a ON a.artist_key = s.artist_key;

CREATE VIEW v_location_daily AS
SELECT d.date AS event_date,
       l.city,
       l.state,
       l.zip,
       m.page_views,
       m.listens,
       m.listening_seconds,
       m.users,
       m.sessions,
       m.date_key,
       m.location_key
FROM mart_location_daily m
JOIN dim_date d ON d.date_key = m.date_key
JOIN dim_location l ON l.location_key = m.location_key;

CREATE VIEW v_user_daily AS
SELECT d.date AS event_date,
       m.user_id,
       u.first_name,
       u.last_name,
       u.level AS current_level,
       m.plays,
       m.listening_seconds,
       m.date_key
FROM mart_user_daily m
JOIN dim_date d ON d.date_key = m.date_key
LEFT JOIN dim_user u ON u.user_id = m.user_id AND u.is_current;
