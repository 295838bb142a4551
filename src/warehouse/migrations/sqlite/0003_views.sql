-- Views for BI tools: facts joined to their dimensions, with readable names. The user columns
-- come from the dim_user version valid at the event's time.

CREATE VIEW v_listens AS
SELECT f.event_key,
       strftime('%Y-%m-%dT%H:%M:%fZ', f.ts / 1000.0, 'unixepoch') AS event_time,
       d.date AS event_date,
       f.hour,
       f.session_id,
       f.item_in_session,
       f.user_id,
       u.first_name,
       u.last_name,
       f.level,
       l.city,
       l.state,
       l.zip,
       a.name AS artist,
       s.title AS song,
       f.duration_s
FROM fact_listen f
JOIN dim_date d ON d.date_key = f.date_key
JOIN dim_location l ON l.location_key = f.location_key
JOIN dim_artist a ON a.artist_key = f.artist_key
JOIN dim_song s ON s.song_key = f.song_key
LEFT JOIN dim_user u ON u.user_id = f.user_id AND f.ts >= u.valid_from AND f.ts < u.valid_to;

CREATE VIEW v_page_views AS
SELECT f.event_key,
       strftime('%Y-%m-%dT%H:%M:%fZ', f.ts / 1000.0, 'unixepoch') AS event_time,
       d.date AS event_date,
       f.hour,
       f.session_id,
       f.item_in_session,
       f.user_id,
       u.first_name,
       u.last_name,
       f.level,
       f.page,
       f.method,
       f.status,
       l.city,
       l.state,
       l.zip,
       a.name AS artist,
       s.title AS song,
       f.duration_s
FROM fact_page_view f
JOIN dim_date d ON d.date_key = f.date_key
JOIN dim_location l ON l.location_key = f.location_key
LEFT JOIN dim_artist a ON a.artist_key = f.artist_key
LEFT JOIN dim_song s ON s.song_key = f.song_key
LEFT JOIN dim_user u ON u.user_id = f.user_id AND f.ts >= u.valid_from AND f.ts < u.valid_to;
