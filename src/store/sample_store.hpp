#pragma once
// The sample store: meter values as time series (migration 0017, decision
// 0017). A message's values are written together under their connector and
// time; the texts chargers repeat (charger, measurand, unit, ...) are ids
// from two dictionaries the writer keeps in memory.
#include "store/database.hpp"
#include "store/records.hpp"

#include <cstddef>
#include <vector>

namespace csms::store {

// Stores each sampled value unless the same reading (connector, timestamp,
// measurand, phase, location, unit, context, format, text and reported
// transaction) is already stored; returns how many were new. Consecutive records of one meterValue
// (same charger, connector, transaction, timestamp, source and receipt) are
// one message. Must run inside a transaction (the Writer's batch).
std::size_t insert_samples(Database& db, const std::vector<SampleRecord>& samples);

} // namespace csms::store
