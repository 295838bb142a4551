-- The marts are maintained from each batch's new facts alone, so a load costs what the batch
-- holds, not what the days it touches already hold (recomputing a touched (day, key) row from the
-- facts re-read the whole day for every batch of a streaming run). Counts and sums are additive;
-- distinct counts are not, so each keeps the set it counts: a user, song or session enters a day's
-- set once, and only its first entry adds to the mart. Rows already loaded are never counted again
-- because the loader counts only the rows its fact insert added.

CREATE TABLE mart_song_daily_listener (
  date_key  integer NOT NULL,
  song_key  bigint NOT NULL,
  user_id   bigint NOT NULL,
  PRIMARY KEY (date_key, song_key, user_id)
);
INSERT INTO mart_song_daily_listener (date_key, song_key, user_id)
  SELECT DISTINCT date_key, song_key, user_id FROM fact_listen WHERE user_id IS NOT NULL;

CREATE TABLE mart_location_daily_user (
  date_key     integer NOT NULL,
  location_key bigint NOT NULL,
  user_id      bigint NOT NULL,
  PRIMARY KEY (date_key, location_key, user_id)
);
INSERT INTO mart_location_daily_user (date_key, location_key, user_id)
  SELECT date_key, location_key, user_id FROM fact_page_view WHERE user_id IS NOT NULL
  UNION SELECT date_key, location_key, user_id FROM fact_listen WHERE user_id IS NOT NULL;

CREATE TABLE mart_location_daily_session (
  date_key     integer NOT NULL,
  location_key bigint NOT NULL,
  session_id   bigint NOT NULL,
  PRIMARY KEY (date_key, location_key, session_id)
);
INSERT INTO mart_location_daily_session (date_key, location_key, session_id)
  SELECT date_key, location_key, session_id FROM fact_page_view
  UNION SELECT date_key, location_key, session_id FROM fact_listen;
