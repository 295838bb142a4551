// The period the status page's "current" top lists cover: the `days` UTC days ending with the day
// of the newest committed event (ingest_batch.max_event_ts_ms), or with today when nothing is
// committed yet. Event time, not arrival time: eventsim backfills months of history.
#pragma once

#include <cstdint>

#include "warehouse/report.h"
#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

// days >= 1. The result is a valid [from, to) for run_report.
ReportPeriod recent_period(SqlConnection& connection, int days, std::int64_t now_ms);

}  // namespace tributary::warehouse
