// The period the status page's "current" top lists cover: the `days` UTC days ending with the day
// of the newest committed event (the ingest ledger knows it), or with today when nothing is
// committed yet. Event time, not arrival time: eventsim backfills months of history.
#pragma once

#include <cstdint>
#include <optional>

#include "warehouse/report.h"

namespace tributary::warehouse {

// days >= 1. The result is a valid [from, to) for run_report.
ReportPeriod recent_period(std::optional<std::int64_t> newest_event_ms, int days,
                           std::int64_t now_ms);

}  // namespace tributary::warehouse
