-- Daily marts for the three BI questions, kept exact after any sequence of loads: since migration
-- 0012 from each batch's new facts (see there).

CREATE TABLE mart_song_daily (
  date_key  integer NOT NULL,
  song_key  bigint  NOT NULL,
  plays     bigint  NOT NULL,
  listeners bigint  NOT NULL, -- distinct logged-in users
  PRIMARY KEY (date_key, song_key)
);

CREATE TABLE mart_location_daily (
  date_key          integer NOT NULL,
  location_key      bigint  NOT NULL,
  page_views        bigint  NOT NULL,
  listens           bigint  NOT NULL,
  listening_seconds double precision NOT NULL,
  users             bigint  NOT NULL, -- distinct users over page views and listens
  sessions          bigint  NOT NULL, -- distinct session ids over page views and listens
  PRIMARY KEY (date_key, location_key)
);

CREATE TABLE mart_user_daily (
  date_key          integer NOT NULL,
  user_id           bigint  NOT NULL,
  plays             bigint  NOT NULL,
  listening_seconds double precision NOT NULL,
  PRIMARY KEY (date_key, user_id)
);
