-- The lean model: facts hold keys and measures only, and every text attribute lives once in a
-- dimension. Before it, every fact row carried its user agent (about 110 bytes), level, auth,
-- page and method as text and its event key as 32 hex characters: about 590 bytes an event with
-- the rest of the warehouse. Now:
--   - event_key is a uuid (16 bytes; the same 128 bits as the lake's 32 hex digits, which a uuid
--     accepts as input, and which the views show);
--   - times are timestamptz (facts, dim_user, the level observations);
--   - the user agent is dim_user_agent, with the parts a BI user groups by (the loader parses
--     them, src/warehouse/user_agent.h; rows this migration creates are parsed by the first
--     loader that opens the warehouse, which finds their browser still null);
--   - level, auth, page and method are keys of dim_level, dim_auth, dim_page and dim_method;
--   - a fact's artist and a page view's song duration are its song's (dim_song), and its hour of
--     the day is its time's (the views show all three), not stored again;
--   - the user's names, gender and registration (type-1 attributes of dim_user) are kept once per
--     user in user_profile, not with every level observation;
--   - fact columns are ordered widest first, so no byte is lost to alignment padding, and the
--     small dimensions' keys are smallint (at most 32,767 distinct levels, auth states, pages or
--     methods: a load that would need more fails with PostgreSQL's error, naming the sequence);
--   - the marts' member sets are keyed by song or location first (migration 0021's second index
--     becomes the primary key), with integer keys.
-- The existing rows are converted in place. The facts are copied aside, the tables re-created
-- (monthly partitions as before, by tributary_create_fact_partition) and filled from the copy.

DROP VIEW v_listens, v_page_views, v_song_daily, v_location_daily, v_user_daily;

CREATE TABLE dim_level (
  level_key smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  level     text NOT NULL UNIQUE
);
CREATE TABLE dim_auth (
  auth_key smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  auth     text NOT NULL UNIQUE
);
CREATE TABLE dim_page (
  page_key smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  page     text NOT NULL UNIQUE
);
CREATE TABLE dim_method (
  method_key smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  method     text NOT NULL UNIQUE
);
CREATE TABLE dim_user_agent (
  user_agent_key  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_agent      text NOT NULL UNIQUE,
  browser         text, -- null until the loader has parsed user_agent
  browser_version text,
  os              text,
  device_type     text
);

CREATE TEMP TABLE old_fact_listen ON COMMIT DROP AS SELECT * FROM fact_listen;
CREATE TEMP TABLE old_fact_page_view ON COMMIT DROP AS SELECT * FROM fact_page_view;
CREATE TEMP TABLE old_fact_auth ON COMMIT DROP AS SELECT * FROM fact_auth;
CREATE TEMP TABLE old_fact_status_change ON COMMIT DROP AS SELECT * FROM fact_status_change;
DROP TABLE fact_listen, fact_page_view, fact_auth, fact_status_change;

INSERT INTO dim_level (level)
  SELECT level FROM old_fact_listen UNION SELECT level FROM old_fact_page_view
  UNION SELECT level FROM old_fact_auth UNION SELECT level FROM old_fact_status_change ORDER BY 1;
INSERT INTO dim_auth (auth)
  SELECT auth FROM old_fact_listen UNION SELECT auth FROM old_fact_page_view
  UNION SELECT auth FROM old_fact_status_change ORDER BY 1;
INSERT INTO dim_page (page) SELECT DISTINCT page FROM old_fact_page_view ORDER BY 1;
INSERT INTO dim_method (method) SELECT DISTINCT method FROM old_fact_page_view ORDER BY 1;
INSERT INTO dim_user_agent (user_agent)
  SELECT user_agent FROM old_fact_listen UNION SELECT user_agent FROM old_fact_page_view
  UNION SELECT user_agent FROM old_fact_auth UNION SELECT user_agent FROM old_fact_status_change
  ORDER BY 1;

CREATE TABLE fact_listen (
  ts              timestamptz NOT NULL,
  session_id      bigint   NOT NULL,
  user_id         bigint,
  duration_s      double precision NOT NULL,
  event_key       uuid     NOT NULL,
  date_key        integer  NOT NULL,
  item_in_session integer  NOT NULL,
  location_key    integer  NOT NULL,
  song_key        integer  NOT NULL,
  user_agent_key  integer  NOT NULL,
  auth_key        smallint NOT NULL,
  level_key       smallint NOT NULL
) PARTITION BY RANGE (date_key);

CREATE TABLE fact_page_view (
  ts              timestamptz NOT NULL,
  session_id      bigint   NOT NULL,
  user_id         bigint,
  event_key       uuid     NOT NULL,
  date_key        integer  NOT NULL,
  item_in_session integer  NOT NULL,
  location_key    integer  NOT NULL,
  song_key        integer,
  user_agent_key  integer  NOT NULL,
  page_key        smallint NOT NULL,
  method_key      smallint NOT NULL,
  status          smallint NOT NULL,
  auth_key        smallint NOT NULL,
  level_key       smallint NOT NULL
) PARTITION BY RANGE (date_key);

CREATE TABLE fact_auth (
  ts              timestamptz NOT NULL,
  session_id      bigint   NOT NULL,
  user_id         bigint,
  event_key       uuid     NOT NULL,
  date_key        integer  NOT NULL,
  item_in_session integer  NOT NULL,
  location_key    integer  NOT NULL,
  user_agent_key  integer  NOT NULL,
  level_key       smallint NOT NULL,
  success         boolean  NOT NULL
) PARTITION BY RANGE (date_key);

CREATE TABLE fact_status_change (
  ts              timestamptz NOT NULL,
  session_id      bigint   NOT NULL,
  user_id         bigint,
  event_key       uuid     NOT NULL,
  date_key        integer  NOT NULL,
  item_in_session integer  NOT NULL,
  location_key    integer  NOT NULL,
  user_agent_key  integer  NOT NULL,
  auth_key        smallint NOT NULL,
  level_key       smallint NOT NULL
) PARTITION BY RANGE (date_key);

-- Each partition's unique index is on event_key alone (the function below creates it), not the
-- parent's primary key (date_key, event_key) it had: PostgreSQL requires the partition key in a
-- partitioned table's unique index, but an event's date_key is a function of its time, so an
-- event can only ever be in one partition, and uniqueness there is uniqueness everywhere. The
-- index entry is 24 bytes instead of 32 (an entry is padded to 8 bytes: 4 + 16 was 20 + 8 of
-- header). `INSERT ... ON CONFLICT DO NOTHING` with no conflict target takes every unique index
-- of the partition a row goes to as its arbiter.
CREATE OR REPLACE FUNCTION tributary_create_fact_partition(parent text, month_key integer)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  part_name text;
  first_key integer;
  next_key integer;
BEGIN
  IF parent IS NULL OR parent NOT IN ('fact_listen', 'fact_page_view', 'fact_auth',
                                      'fact_status_change') THEN
    RAISE EXCEPTION 'not a fact table: %', parent USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF month_key IS NULL OR month_key / 100 NOT BETWEEN 1 AND 9999
     OR month_key % 100 NOT BETWEEN 1 AND 12 THEN
    RAISE EXCEPTION 'not a month YYYYMM: %', month_key USING ERRCODE = 'invalid_parameter_value';
  END IF;
  part_name := parent || '_p' || month_key;
  first_key := month_key * 100 + 1;
  next_key := CASE WHEN month_key % 100 = 12 THEN (month_key / 100 + 1) * 10000 + 101
                   ELSE (month_key + 1) * 100 + 1 END;
  IF to_regclass(format('public.%I', part_name)) IS NULL THEN
    EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS'
                   ' INCLUDING CONSTRAINTS INCLUDING INDEXES)', part_name, parent);
    EXECUTE format('CREATE UNIQUE INDEX %I ON public.%I (event_key)', part_name || '_event_key',
                   part_name);
    EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION public.%I FOR VALUES FROM (%s) TO (%s)',
                   parent, part_name, first_key, next_key);
  END IF;
  RETURN part_name;
END
$$;

SELECT tributary_create_fact_partition(f, m), f, m
FROM (SELECT 'fact_listen' AS f, date_key / 100 AS m FROM old_fact_listen
      UNION SELECT 'fact_page_view', date_key / 100 FROM old_fact_page_view
      UNION SELECT 'fact_auth', date_key / 100 FROM old_fact_auth
      UNION SELECT 'fact_status_change', date_key / 100 FROM old_fact_status_change) p
ORDER BY 2, 3;

INSERT INTO fact_listen (ts, session_id, user_id, duration_s, event_key, date_key,
                         item_in_session, location_key, song_key, user_agent_key, auth_key,
                         level_key)
SELECT timestamptz 'epoch' + o.ts * interval '1 millisecond', o.session_id, o.user_id,
       o.duration_s, o.event_key::uuid, o.date_key, o.item_in_session, o.location_key,
       o.song_key, ua.user_agent_key, au.auth_key, lv.level_key
FROM old_fact_listen o
JOIN dim_user_agent ua ON ua.user_agent = o.user_agent
JOIN dim_auth au ON au.auth = o.auth
JOIN dim_level lv ON lv.level = o.level
ORDER BY o.date_key, o.event_key;

INSERT INTO fact_page_view (ts, session_id, user_id, event_key, date_key, item_in_session,
                            location_key, song_key, user_agent_key, page_key, method_key, status,
                            auth_key, level_key)
SELECT timestamptz 'epoch' + o.ts * interval '1 millisecond', o.session_id, o.user_id,
       o.event_key::uuid, o.date_key, o.item_in_session, o.location_key, o.song_key,
       ua.user_agent_key, pg.page_key, me.method_key, o.status, au.auth_key, lv.level_key
FROM old_fact_page_view o
JOIN dim_user_agent ua ON ua.user_agent = o.user_agent
JOIN dim_auth au ON au.auth = o.auth
JOIN dim_page pg ON pg.page = o.page
JOIN dim_method me ON me.method = o.method
JOIN dim_level lv ON lv.level = o.level
ORDER BY o.date_key, o.event_key;

INSERT INTO fact_auth (ts, session_id, user_id, event_key, date_key, item_in_session,
                       location_key, user_agent_key, level_key, success)
SELECT timestamptz 'epoch' + o.ts * interval '1 millisecond', o.session_id, o.user_id,
       o.event_key::uuid, o.date_key, o.item_in_session, o.location_key, ua.user_agent_key,
       lv.level_key, o.success
FROM old_fact_auth o
JOIN dim_user_agent ua ON ua.user_agent = o.user_agent
JOIN dim_level lv ON lv.level = o.level
ORDER BY o.date_key, o.event_key;

INSERT INTO fact_status_change (ts, session_id, user_id, event_key, date_key, item_in_session,
                                location_key, user_agent_key, auth_key, level_key)
SELECT timestamptz 'epoch' + o.ts * interval '1 millisecond', o.session_id, o.user_id,
       o.event_key::uuid, o.date_key, o.item_in_session, o.location_key, ua.user_agent_key,
       au.auth_key, lv.level_key
FROM old_fact_status_change o
JOIN dim_user_agent ua ON ua.user_agent = o.user_agent
JOIN dim_auth au ON au.auth = o.auth
JOIN dim_level lv ON lv.level = o.level
ORDER BY o.date_key, o.event_key;

-- The type-1 attributes, once per user: those of the user's latest observation (latest time,
-- then "paid" over "free", as dim_user has always taken them).
CREATE TABLE user_profile (
  user_id        bigint PRIMARY KEY,
  observed_at    timestamptz NOT NULL,
  observed_level text NOT NULL,
  first_name     text,
  last_name      text,
  gender         text,
  registration   timestamptz
);
INSERT INTO user_profile (user_id, observed_at, observed_level, first_name, last_name, gender,
                          registration)
SELECT DISTINCT ON (user_id) user_id, timestamptz 'epoch' + ts * interval '1 millisecond', level,
       first_name, last_name, gender, timestamptz 'epoch' + registration * interval '1 millisecond'
FROM user_level_observation
ORDER BY user_id, ts DESC, level DESC;

CREATE TEMP TABLE old_observation ON COMMIT DROP AS SELECT user_id, ts, level FROM user_level_observation;
DROP TABLE user_level_observation;
CREATE TABLE user_level_observation (
  user_id bigint      NOT NULL,
  ts      timestamptz NOT NULL,
  level   text        NOT NULL,
  PRIMARY KEY (user_id, ts, level)
);
INSERT INTO user_level_observation (user_id, ts, level)
SELECT user_id, timestamptz 'epoch' + ts * interval '1 millisecond', level FROM old_observation
ORDER BY 1, 2, 3;

-- valid_to of a current version: 10000-01-01, as before (253402300800000 ms).
ALTER TABLE dim_user
  ALTER COLUMN registration TYPE timestamptz
    USING timestamptz 'epoch' + registration * interval '1 millisecond',
  ALTER COLUMN valid_from TYPE timestamptz
    USING timestamptz 'epoch' + valid_from * interval '1 millisecond',
  ALTER COLUMN valid_to TYPE timestamptz
    USING timestamptz 'epoch' + valid_to * interval '1 millisecond';

ALTER TABLE mart_song_daily ALTER COLUMN song_key TYPE integer;
ALTER TABLE mart_location_daily ALTER COLUMN location_key TYPE integer;
DROP INDEX mart_song_daily_listener_by_song, mart_location_daily_user_by_location,
           mart_location_daily_session_by_location;
ALTER TABLE mart_song_daily_listener
  DROP CONSTRAINT mart_song_daily_listener_pkey,
  ALTER COLUMN song_key TYPE integer,
  ADD PRIMARY KEY (song_key, date_key, user_id);
ALTER TABLE mart_location_daily_user
  DROP CONSTRAINT mart_location_daily_user_pkey,
  ALTER COLUMN location_key TYPE integer,
  ADD PRIMARY KEY (location_key, date_key, user_id);
ALTER TABLE mart_location_daily_session
  DROP CONSTRAINT mart_location_daily_session_pkey,
  ALTER COLUMN location_key TYPE integer,
  ADD PRIMARY KEY (location_key, date_key, session_id);

-- The BI views: every key shown as what it stands for.
CREATE VIEW v_listens AS
SELECT replace(f.event_key::text, '-', '') AS event_key,
       f.ts AS event_time,
       d.date AS event_date,
       extract(hour FROM f.ts AT TIME ZONE 'UTC')::smallint AS hour,
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
SELECT replace(f.event_key::text, '-', '') AS event_key,
       f.ts AS event_time,
       d.date AS event_date,
       extract(hour FROM f.ts AT TIME ZONE 'UTC')::smallint AS hour,
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

-- The new tables are the migrating role's, as the old were; the roles' rights are granted again
-- explicitly rather than trusting that role's default privileges.
GRANT SELECT ON dim_level, dim_auth, dim_page, dim_method, dim_user_agent, fact_listen,
  fact_page_view, fact_auth, fact_status_change, user_profile, user_level_observation, v_listens,
  v_page_views, v_song_daily, v_location_daily, v_user_daily TO tributary_bi;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON dim_level, dim_auth, dim_page, dim_method,
  dim_user_agent, fact_listen, fact_page_view, fact_auth, fact_status_change, user_profile,
  user_level_observation TO tributary_loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO tributary_loader;

COMMENT ON TABLE dim_level IS 'Subscription levels (free, paid); facts refer to them by level_key.';
COMMENT ON COLUMN dim_level.level_key IS 'Surrogate key; facts refer to it.';
COMMENT ON COLUMN dim_level.level IS 'Subscription level: free or paid.';
COMMENT ON TABLE dim_auth IS 'Authentication states; facts refer to them by auth_key.';
COMMENT ON COLUMN dim_auth.auth_key IS 'Surrogate key; facts refer to it.';
COMMENT ON COLUMN dim_auth.auth IS 'Authentication state: Logged In, Logged Out, Guest or Cancelled.';
COMMENT ON TABLE dim_page IS 'Pages of the site; page views refer to them by page_key.';
COMMENT ON COLUMN dim_page.page_key IS 'Surrogate key; fact_page_view refers to it.';
COMMENT ON COLUMN dim_page.page IS 'The page requested, e.g. Home, NextSong, Upgrade.';
COMMENT ON TABLE dim_method IS 'HTTP methods of page requests.';
COMMENT ON COLUMN dim_method.method_key IS 'Surrogate key; fact_page_view refers to it.';
COMMENT ON COLUMN dim_method.method IS 'HTTP method: GET or PUT.';
COMMENT ON TABLE dim_user_agent IS 'Browsers users came with: the User-Agent string and its parts.';
COMMENT ON COLUMN dim_user_agent.user_agent_key IS 'Surrogate key; facts refer to it.';
COMMENT ON COLUMN dim_user_agent.user_agent IS 'The browser''s User-Agent string, as sent.';
COMMENT ON COLUMN dim_user_agent.browser IS 'Browser: Chrome, Firefox, Safari, Internet Explorer, Edge, Opera, Chromium or Other.';
COMMENT ON COLUMN dim_user_agent.browser_version IS 'The browser''s major version, e.g. 36.';
COMMENT ON COLUMN dim_user_agent.os IS 'Operating system, e.g. Windows 7, Mac OS X 10.9, iOS 7.1, Linux.';
COMMENT ON COLUMN dim_user_agent.device_type IS 'desktop, mobile or tablet.';
COMMENT ON TABLE user_profile IS 'Each user''s latest names, gender and registration, which every dim_user version carries.';
COMMENT ON COLUMN user_profile.observed_at IS 'When the event these values come from happened (UTC).';
COMMENT ON COLUMN user_profile.observed_level IS 'That event''s level (breaks ties between events at the same instant: paid over free).';
COMMENT ON COLUMN user_profile.registration IS 'When the user registered (UTC).';
COMMENT ON COLUMN dim_user.registration IS 'When the user registered (UTC).';
COMMENT ON COLUMN dim_user.valid_from IS 'This version holds from this instant (UTC).';
COMMENT ON COLUMN dim_user.valid_to IS 'This version holds until this instant (exclusive); 10000-01-01 while current.';
COMMENT ON TABLE user_level_observation IS 'Every (user, time, level) seen in events, from which dim_user''s versions are built.';

COMMENT ON TABLE fact_listen IS 'One row per song played (eventsim listen_events), deduplicated.';
COMMENT ON TABLE fact_page_view IS 'One row per page request (eventsim page_view_events), deduplicated.';
COMMENT ON TABLE fact_auth IS 'One row per login attempt (eventsim auth_events), deduplicated.';
COMMENT ON TABLE fact_status_change IS 'One row per subscription change, upgrade or downgrade (eventsim status_change_events), deduplicated.';
COMMENT ON COLUMN fact_listen.song_key IS 'The song played (dim_song, which names its artist).';
COMMENT ON COLUMN fact_listen.duration_s IS 'Length of the song in seconds.';
COMMENT ON COLUMN fact_page_view.song_key IS 'For NextSong requests: the song (dim_song, with its artist and length); otherwise null.';
COMMENT ON COLUMN fact_page_view.status IS 'HTTP status of the response, e.g. 200, 307, 404.';
COMMENT ON COLUMN fact_auth.success IS 'Whether the login succeeded.';
COMMENT ON VIEW v_listens IS 'Every song played, with its date, user, location, artist, song and browser by name.';
COMMENT ON VIEW v_page_views IS 'Every page request, with its date, user, location, browser and (for NextSong) artist and song by name.';
COMMENT ON VIEW v_song_daily IS 'Plays and listeners per song and day, with artist and song names.';
COMMENT ON VIEW v_location_daily IS 'Activity per location and day, with city, state and zip.';
COMMENT ON VIEW v_user_daily IS 'Plays and listening time per user and day, with the user''s name and current level.';
COMMENT ON COLUMN v_song_daily.plays IS 'Times the song was played that day.';
COMMENT ON COLUMN v_song_daily.listeners IS 'Distinct logged-in users who played it that day (exact).';
COMMENT ON COLUMN v_location_daily.page_views IS 'Page requests that day.';
COMMENT ON COLUMN v_location_daily.listens IS 'Songs played that day.';
COMMENT ON COLUMN v_location_daily.listening_seconds IS 'Seconds of music played that day.';
COMMENT ON COLUMN v_location_daily.users IS 'Distinct users that day (exact).';
COMMENT ON COLUMN v_location_daily.sessions IS 'Distinct sessions that day (exact).';
COMMENT ON COLUMN v_user_daily.current_level IS 'The user''s subscription level now: free or paid.';
COMMENT ON COLUMN v_user_daily.plays IS 'Songs the user played that day.';
COMMENT ON COLUMN v_user_daily.listening_seconds IS 'Seconds of music the user played that day.';

-- Columns that mean the same wherever they appear, commented where no comment above says more
-- (the facts' and views' columns were dropped with them; migration 0020 did the same).
DO $$
DECLARE
  c record;
  generic jsonb := jsonb_build_object(
    'event_key', 'The event''s identity: the same 128 bits as event_key in the lake''s silver tables (the views show its 32 hex digits).',
    'event_time', 'When the event happened (UTC).',
    'event_date', 'The day (UTC).',
    'ts', 'When the event happened (UTC).',
    'date_key', 'The day as YYYYMMDD (dim_date).',
    'hour', 'Hour of the day (UTC), 0 to 23.',
    'session_id', 'The user''s session.',
    'item_in_session', 'Position of the event within its session.',
    'user_id', 'The user (dim_user.user_id); null for a guest.',
    'first_name', 'The user''s first name.',
    'last_name', 'The user''s last name.',
    'gender', 'M or F, as the user registered.',
    'level', 'Subscription level: free or paid.',
    'level_key', 'Subscription level at the event (dim_level).',
    'auth', 'Authentication state: Logged In, Logged Out, Guest or Cancelled.',
    'auth_key', 'Authentication state at the event (dim_auth).',
    'page', 'The page requested, e.g. Home, NextSong, Upgrade.',
    'page_key', 'The page requested (dim_page).',
    'method', 'HTTP method: GET or PUT.',
    'method_key', 'HTTP method of the request (dim_method).',
    'status', 'HTTP status of the response.',
    'user_agent_key', 'The browser (dim_user_agent).',
    'browser', 'Browser, e.g. Chrome, Firefox, Safari.',
    'os', 'Operating system, e.g. Windows 7, Mac OS X 10.9.',
    'device_type', 'desktop, mobile or tablet.',
    'song_key', 'The song (dim_song).',
    'location_key', 'Where the user is (dim_location).',
    'city', 'City.',
    'state', 'US state code(s).',
    'zip', 'ZIP code.',
    'artist', 'Artist name.',
    'song', 'Song title.',
    'duration_s', 'Length of the song in seconds.');
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
