-- The facts' B-trees led by date_key go: each fact table's primary key (date_key, event_key) is
-- led by date_key too, so it already finds a period's rows, and the report reads every row of
-- its period (it needs columns no index holds), so the second column of these indexes served no
-- query. Keeping them up to date was a quarter of each fact insert (docs/benchmarks.md). The user
-- query keeps its B-tree (user_id, date_key): it looks for one user's rows among everyone's.
DROP INDEX fact_listen_date_location;
DROP INDEX fact_listen_date_song;
DROP INDEX fact_page_view_date_location;
