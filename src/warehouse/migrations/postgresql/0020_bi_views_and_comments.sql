-- What BI tools show: views over the daily marts that carry names instead of keys, and a COMMENT
-- on every table, view and column an analyst sees (Metabase shows them as descriptions). The
-- ingester's own bookkeeping (ingest_*, lake_file, schema_migrations, and the Iceberg catalog's
-- iceberg_*) gets none: it is not for BI.

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

GRANT SELECT ON v_song_daily, v_location_daily, v_user_daily TO tributary_bi;

COMMENT ON TABLE dim_date IS 'Calendar days (UTC) that events fall on; date_key is YYYYMMDD.';
COMMENT ON COLUMN dim_date.date_key IS 'The day as the integer YYYYMMDD; facts and marts key on it.';
COMMENT ON COLUMN dim_date.date IS 'The day (UTC).';
COMMENT ON COLUMN dim_date.year IS 'Calendar year.';
COMMENT ON COLUMN dim_date.quarter IS 'Calendar quarter, 1 to 4.';
COMMENT ON COLUMN dim_date.month IS 'Month of the year, 1 to 12.';
COMMENT ON COLUMN dim_date.day IS 'Day of the month, 1 to 31.';
COMMENT ON COLUMN dim_date.iso_year IS 'ISO 8601 week-numbering year.';
COMMENT ON COLUMN dim_date.iso_week IS 'ISO 8601 week of iso_year, 1 to 53.';
COMMENT ON COLUMN dim_date.weekday IS 'ISO day of the week: 1 = Monday to 7 = Sunday.';
COMMENT ON COLUMN dim_date.is_weekend IS 'Saturday or Sunday.';

COMMENT ON TABLE dim_location IS 'Where users are: one row per city, state, zip and coordinates seen in events.';
COMMENT ON COLUMN dim_location.location_key IS 'Surrogate key; facts and marts refer to it.';
COMMENT ON COLUMN dim_location.city IS 'City, as eventsim reports it (e.g. "Anaheim").';
COMMENT ON COLUMN dim_location.state IS 'US state code, or several joined by "-" for a metro area across states.';
COMMENT ON COLUMN dim_location.zip IS 'ZIP code (text: leading zeros matter).';
COMMENT ON COLUMN dim_location.lat IS 'Latitude in degrees.';
COMMENT ON COLUMN dim_location.lon IS 'Longitude in degrees.';

COMMENT ON TABLE dim_artist IS 'Artists of the songs played, by name (repaired from eventsim''s mis-decoded UTF-8).';
COMMENT ON COLUMN dim_artist.artist_key IS 'Surrogate key.';
COMMENT ON COLUMN dim_artist.name IS 'Artist name.';

COMMENT ON TABLE dim_song IS 'Songs: one row per artist, title and duration.';
COMMENT ON COLUMN dim_song.song_key IS 'Surrogate key; facts and marts refer to it.';
COMMENT ON COLUMN dim_song.artist_key IS 'The song''s artist (dim_artist).';
COMMENT ON COLUMN dim_song.title IS 'Song title (repaired from eventsim''s mis-decoded UTF-8).';
COMMENT ON COLUMN dim_song.duration_s IS 'Length of the song in seconds.';

COMMENT ON TABLE dim_user IS 'Users, slowly changing (type 2): a new row each time a user''s level (free or paid) changes.';
COMMENT ON COLUMN dim_user.user_key IS 'Surrogate key of this version of the user.';
COMMENT ON COLUMN dim_user.user_id IS 'The site''s user id; facts carry it (null for guests).';
COMMENT ON COLUMN dim_user.first_name IS 'First name.';
COMMENT ON COLUMN dim_user.last_name IS 'Last name.';
COMMENT ON COLUMN dim_user.gender IS 'M or F, as the user registered.';
COMMENT ON COLUMN dim_user.registration IS 'When the user registered, milliseconds since 1970 (UTC).';
COMMENT ON COLUMN dim_user.level IS 'Subscription level in this version: free or paid.';
COMMENT ON COLUMN dim_user.valid_from IS 'This version holds from this instant (milliseconds since 1970, UTC).';
COMMENT ON COLUMN dim_user.valid_to IS 'This version holds until this instant (exclusive); 253402300800000 while current.';
COMMENT ON COLUMN dim_user.is_current IS 'The user''s current version.';

COMMENT ON TABLE user_level_observation IS 'Every (user, time, level) seen in events, from which dim_user''s versions are built.';

COMMENT ON TABLE fact_listen IS 'One row per song played (eventsim listen_events), deduplicated.';
COMMENT ON TABLE fact_page_view IS 'One row per page request (eventsim page_view_events), deduplicated.';
COMMENT ON TABLE fact_auth IS 'One row per login attempt (eventsim auth_events), deduplicated.';
COMMENT ON TABLE fact_status_change IS 'One row per subscription change, upgrade or downgrade (eventsim status_change_events), deduplicated.';

DO $$
DECLARE
  fact text;
BEGIN
  FOREACH fact IN ARRAY ARRAY['fact_listen', 'fact_page_view', 'fact_auth', 'fact_status_change'] LOOP
    EXECUTE format('COMMENT ON COLUMN %I.event_key IS %L', fact,
      'The event''s identity: the same 32 hex digits as event_key in the lake''s silver tables.');
    EXECUTE format('COMMENT ON COLUMN %I.ts IS %L', fact,
      'When the event happened, milliseconds since 1970 (UTC).');
    EXECUTE format('COMMENT ON COLUMN %I.date_key IS %L', fact, 'The event''s day (dim_date).');
    EXECUTE format('COMMENT ON COLUMN %I.hour IS %L', fact, 'The event''s hour of the day (UTC), 0 to 23.');
    EXECUTE format('COMMENT ON COLUMN %I.session_id IS %L', fact, 'The user''s session.');
    EXECUTE format('COMMENT ON COLUMN %I.item_in_session IS %L', fact,
      'Position of the event within its session.');
    EXECUTE format('COMMENT ON COLUMN %I.user_id IS %L', fact,
      'The user (dim_user.user_id); null for a guest who has not logged in.');
    EXECUTE format('COMMENT ON COLUMN %I.location_key IS %L', fact, 'Where the user is (dim_location).');
    EXECUTE format('COMMENT ON COLUMN %I.level IS %L', fact, 'Subscription level at the event: free or paid.');
    EXECUTE format('COMMENT ON COLUMN %I.user_agent IS %L', fact, 'The browser''s User-Agent string.');
  END LOOP;
  FOREACH fact IN ARRAY ARRAY['fact_listen', 'fact_page_view', 'fact_status_change'] LOOP
    EXECUTE format('COMMENT ON COLUMN %I.auth IS %L', fact,
      'Authentication state: Logged In, Logged Out, Guest or Cancelled.');
  END LOOP;
END
$$;
COMMENT ON COLUMN fact_listen.artist_key IS 'The artist played (dim_artist).';
COMMENT ON COLUMN fact_listen.song_key IS 'The song played (dim_song).';
COMMENT ON COLUMN fact_listen.duration_s IS 'Length of the song in seconds.';
COMMENT ON COLUMN fact_page_view.artist_key IS 'For NextSong requests: the artist (dim_artist); otherwise null.';
COMMENT ON COLUMN fact_page_view.song_key IS 'For NextSong requests: the song (dim_song); otherwise null.';
COMMENT ON COLUMN fact_page_view.duration_s IS 'For NextSong requests: the song''s length in seconds; otherwise null.';
COMMENT ON COLUMN fact_page_view.page IS 'The page requested, e.g. Home, NextSong, Upgrade.';
COMMENT ON COLUMN fact_page_view.method IS 'HTTP method: GET or PUT.';
COMMENT ON COLUMN fact_page_view.status IS 'HTTP status of the response, e.g. 200, 307, 404.';
COMMENT ON COLUMN fact_auth.success IS 'Whether the login succeeded.';

COMMENT ON TABLE mart_song_daily IS 'Plays and listeners per song and day, kept up to date by every load.';
COMMENT ON COLUMN mart_song_daily.date_key IS 'The day (dim_date).';
COMMENT ON COLUMN mart_song_daily.song_key IS 'The song (dim_song).';
COMMENT ON COLUMN mart_song_daily.plays IS 'Times the song was played that day.';
COMMENT ON COLUMN mart_song_daily.listeners IS 'Distinct logged-in users who played it that day (exact).';

COMMENT ON TABLE mart_location_daily IS 'Activity per location and day, kept up to date by every load.';
COMMENT ON COLUMN mart_location_daily.date_key IS 'The day (dim_date).';
COMMENT ON COLUMN mart_location_daily.location_key IS 'The location (dim_location).';
COMMENT ON COLUMN mart_location_daily.page_views IS 'Page requests that day.';
COMMENT ON COLUMN mart_location_daily.listens IS 'Songs played that day.';
COMMENT ON COLUMN mart_location_daily.listening_seconds IS 'Seconds of music played that day.';
COMMENT ON COLUMN mart_location_daily.users IS 'Distinct users over page views and listens that day (exact).';
COMMENT ON COLUMN mart_location_daily.sessions IS 'Distinct sessions over page views and listens that day (exact).';

COMMENT ON TABLE mart_user_daily IS 'Plays and listening time per user and day, kept up to date by every load.';
COMMENT ON COLUMN mart_user_daily.date_key IS 'The day (dim_date).';
COMMENT ON COLUMN mart_user_daily.user_id IS 'The user (dim_user.user_id).';
COMMENT ON COLUMN mart_user_daily.plays IS 'Songs the user played that day.';
COMMENT ON COLUMN mart_user_daily.listening_seconds IS 'Seconds of music the user played that day.';

COMMENT ON TABLE mart_song_daily_listener IS 'Who listened to each song each day: the members behind mart_song_daily.listeners.';
COMMENT ON TABLE mart_location_daily_user IS 'Who was active at each location each day: the members behind mart_location_daily.users.';
COMMENT ON TABLE mart_location_daily_session IS 'Which sessions were active at each location each day: the members behind mart_location_daily.sessions.';

COMMENT ON VIEW v_listens IS 'Every song played, with its date, user, location, artist and song by name.';
COMMENT ON VIEW v_page_views IS 'Every page request, with its date, user, location and (for NextSong) artist and song by name.';
COMMENT ON VIEW v_song_daily IS 'Plays and listeners per song and day, with artist and song names.';
COMMENT ON VIEW v_location_daily IS 'Activity per location and day, with city, state and zip.';
COMMENT ON VIEW v_user_daily IS 'Plays and listening time per user and day, with the user''s name and current level.';
COMMENT ON COLUMN v_song_daily.event_date IS 'The day (UTC).';
COMMENT ON COLUMN v_song_daily.artist IS 'Artist name.';
COMMENT ON COLUMN v_song_daily.song IS 'Song title.';
COMMENT ON COLUMN v_song_daily.plays IS 'Times the song was played that day.';
COMMENT ON COLUMN v_song_daily.listeners IS 'Distinct logged-in users who played it that day (exact).';
COMMENT ON COLUMN v_location_daily.event_date IS 'The day (UTC).';
COMMENT ON COLUMN v_location_daily.page_views IS 'Page requests that day.';
COMMENT ON COLUMN v_location_daily.listens IS 'Songs played that day.';
COMMENT ON COLUMN v_location_daily.listening_seconds IS 'Seconds of music played that day.';
COMMENT ON COLUMN v_location_daily.users IS 'Distinct users that day (exact).';
COMMENT ON COLUMN v_location_daily.sessions IS 'Distinct sessions that day (exact).';
COMMENT ON COLUMN v_user_daily.event_date IS 'The day (UTC).';
COMMENT ON COLUMN v_user_daily.current_level IS 'The user''s subscription level now: free or paid.';
COMMENT ON COLUMN v_user_daily.plays IS 'Songs the user played that day.';
COMMENT ON COLUMN v_user_daily.listening_seconds IS 'Seconds of music the user played that day.';

-- Columns that mean the same wherever they appear (the views', the member sets', the level
-- observations'), commented where no comment above says more.
DO $$
DECLARE
  c record;
  generic jsonb := jsonb_build_object(
    'event_key', 'The event''s identity: the same 32 hex digits as event_key in the lake''s silver tables.',
    'event_time', 'When the event happened (UTC).',
    'event_date', 'The day (UTC).',
    'ts', 'When it was observed, milliseconds since 1970 (UTC).',
    'date_key', 'The day as YYYYMMDD (dim_date).',
    'hour', 'Hour of the day (UTC), 0 to 23.',
    'session_id', 'The user''s session.',
    'item_in_session', 'Position of the event within its session.',
    'user_id', 'The user (dim_user.user_id); null for a guest.',
    'first_name', 'The user''s first name.',
    'last_name', 'The user''s last name.',
    'gender', 'M or F, as the user registered.',
    'registration', 'When the user registered, milliseconds since 1970 (UTC).',
    'level', 'Subscription level: free or paid.',
    'song_key', 'The song (dim_song).',
    'location_key', 'The location (dim_location).',
    'city', 'City.',
    'state', 'US state code(s).',
    'zip', 'ZIP code.',
    'artist', 'Artist name.',
    'song', 'Song title.',
    'duration_s', 'Length of the song in seconds.',
    'page', 'The page requested, e.g. Home, NextSong, Upgrade.',
    'method', 'HTTP method: GET or PUT.',
    'status', 'HTTP status of the response.');
BEGIN
  FOR c IN
    SELECT cl.relname, a.attname, a.attnum, cl.oid
    FROM pg_class cl
    JOIN pg_namespace n ON n.oid = cl.relnamespace
    JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND cl.relkind IN ('r', 'p', 'v') AND NOT cl.relispartition
      AND cl.relname !~ '^(ingest_|iceberg_|lake_file$|schema_migrations$)'
  LOOP
    CONTINUE WHEN col_description(c.oid, c.attnum) IS NOT NULL OR NOT generic ? c.attname;
    EXECUTE format('COMMENT ON COLUMN %I.%I IS %L', c.relname, c.attname, generic ->> c.attname);
  END LOOP;
END
$$;
