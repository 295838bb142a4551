-- Views over the daily marts that carry names instead of keys, for BI tools (the PostgreSQL
-- migration of the same number also comments every BI table, view and column).

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
