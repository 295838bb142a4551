-- Daily marts for the three BI questions, kept exact after any sequence of loads: since migration
-- 0012 from each batch's new facts (see there).

CREATE TABLE mart_song_daily (
  date_key  INTEGER NOT NULL,
  song_key  INTEGER NOT NULL,
  plays     INTEGER NOT NULL,
  listeners INTEGER NOT NULL, -- distinct logged-in users
  PRIMARY KEY (date_key, song_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE mart_location_daily (
  date_key          INTEGER NOT NULL,
  location_key      INTEGER NOT NULL,
  page_views        INTEGER NOT NULL,
  listens           INTEGER NOT NULL,
  listening_seconds REAL    NOT NULL,
  users             INTEGER NOT NULL, -- distinct users over page views and listens
  sessions          INTEGER NOT NULL, -- distinct session ids over page views and listens
  PRIMARY KEY (date_key, location_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE mart_user_daily (
  date_key          INTEGER NOT NULL,
  user_id           INTEGER NOT NULL,
  plays             INTEGER NOT NULL,
  listening_seconds REAL    NOT NULL,
  PRIMARY KEY (date_key, user_id)
) STRICT, WITHOUT ROWID;
