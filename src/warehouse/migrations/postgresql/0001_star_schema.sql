-- The star schema: dimensions, facts at event grain (partitioned by month of date_key; the loader
-- creates partitions on demand), and the level observations dim_user is rebuilt from.
-- Timestamps are epoch milliseconds UTC (bigint); date_key is YYYYMMDD.

CREATE TABLE dim_date (
  date_key   integer  PRIMARY KEY,
  date       date     NOT NULL,
  year       smallint NOT NULL,
  quarter    smallint NOT NULL,
  month      smallint NOT NULL,
  day        smallint NOT NULL,
  iso_year   smallint NOT NULL,
  iso_week   smallint NOT NULL,
  weekday    smallint NOT NULL, -- ISO: 1 = Monday .. 7 = Sunday
  is_weekend boolean  NOT NULL
);

CREATE TABLE dim_location (
  location_key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city         text   NOT NULL,
  state        text   NOT NULL,
  zip          text   NOT NULL,
  lat          double precision NOT NULL,
  lon          double precision NOT NULL,
  UNIQUE (city, state, zip, lat, lon)
);

CREATE TABLE dim_artist (
  artist_key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL UNIQUE
);

CREATE TABLE dim_song (
  song_key   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  artist_key bigint NOT NULL REFERENCES dim_artist (artist_key),
  title      text   NOT NULL,
  duration_s double precision NOT NULL,
  UNIQUE (artist_key, title, duration_s)
);

-- Every (user, ts, level) point seen on any stream; dim_user's versions are derived from it.
CREATE TABLE user_level_observation (
  user_id      bigint NOT NULL,
  ts           bigint NOT NULL,
  level        text   NOT NULL,
  first_name   text,
  last_name    text,
  gender       text,
  registration bigint,
  PRIMARY KEY (user_id, ts, level)
);

-- Type-2 history on level: one row per run of equal levels, [valid_from, valid_to) in ms.
CREATE TABLE dim_user (
  user_key     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      bigint  NOT NULL,
  first_name   text,
  last_name    text,
  gender       text,
  registration bigint,
  level        text    NOT NULL,
  valid_from   bigint  NOT NULL,
  valid_to     bigint  NOT NULL, -- 253402300800000 (10000-01-01) while current
  is_current   boolean NOT NULL,
  UNIQUE (user_id, valid_from)
);
CREATE INDEX dim_user_current ON dim_user (user_id) WHERE is_current;

CREATE TABLE fact_listen (
  event_key       text     COLLATE "C" NOT NULL,
  ts              bigint   NOT NULL,
  date_key        integer  NOT NULL,
  hour            smallint NOT NULL,
  session_id      bigint   NOT NULL,
  item_in_session integer  NOT NULL,
  user_id         bigint,
  location_key    bigint   NOT NULL,
  artist_key      bigint   NOT NULL,
  song_key        bigint   NOT NULL,
  duration_s      double precision NOT NULL,
  level           text     NOT NULL,
  auth            text     NOT NULL,
  user_agent      text     NOT NULL,
  PRIMARY KEY (date_key, event_key)
) PARTITION BY RANGE (date_key);

CREATE TABLE fact_page_view (
  event_key       text     COLLATE "C" NOT NULL,
  ts              bigint   NOT NULL,
  date_key        integer  NOT NULL,
  hour            smallint NOT NULL,
  session_id      bigint   NOT NULL,
  item_in_session integer  NOT NULL,
  user_id         bigint,
  location_key    bigint   NOT NULL,
  artist_key      bigint,
  song_key        bigint,
  duration_s      double precision,
  page            text     NOT NULL,
  method          text     NOT NULL,
  status          integer  NOT NULL,
  level           text     NOT NULL,
  auth            text     NOT NULL,
  user_agent      text     NOT NULL,
  PRIMARY KEY (date_key, event_key)
) PARTITION BY RANGE (date_key);

CREATE TABLE fact_auth (
  event_key       text     COLLATE "C" NOT NULL,
  ts              bigint   NOT NULL,
  date_key        integer  NOT NULL,
  hour            smallint NOT NULL,
  session_id      bigint   NOT NULL,
  item_in_session integer  NOT NULL,
  user_id         bigint,
  location_key    bigint   NOT NULL,
  success         boolean  NOT NULL,
  level           text     NOT NULL,
  user_agent      text     NOT NULL,
  PRIMARY KEY (date_key, event_key)
) PARTITION BY RANGE (date_key);

CREATE TABLE fact_status_change (
  event_key       text     COLLATE "C" NOT NULL,
  ts              bigint   NOT NULL,
  date_key        integer  NOT NULL,
  hour            smallint NOT NULL,
  session_id      bigint   NOT NULL,
  item_in_session integer  NOT NULL,
  user_id         bigint,
  location_key    bigint   NOT NULL,
  level           text     NOT NULL,
  auth            text     NOT NULL,
  user_agent      text     NOT NULL,
  PRIMARY KEY (date_key, event_key)
) PARTITION BY RANGE (date_key);

-- For the three BI questions (period filters on date_key) and for recomputing mart rows; declared
-- on the parents, so every partition gets them.
CREATE INDEX fact_listen_date_location ON fact_listen (date_key, location_key);
CREATE INDEX fact_listen_date_song ON fact_listen (date_key, song_key);
CREATE INDEX fact_listen_user_date ON fact_listen (user_id, date_key);
CREATE INDEX fact_page_view_date_location ON fact_page_view (date_key, location_key);
