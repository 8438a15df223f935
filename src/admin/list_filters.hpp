#pragma once
// The query parameters of the charger and transaction lists, read into the
// store's filters. Every value is checked here, so a mistyped one is a 400
// that says what was expected, never a silently empty list:
//   GET /api/v1/chargers?connected=&status=&region=&model=&q=&limit=&cursor=
//   GET /api/v1/transactions?from=&to=&charger=&id_tag=&open=&limit=&cursor=
//   GET /api/v1/chargers/{id}/samples?connector=&measurand=&phase=&from=&to=&limit=&format=
#include "admin/api_call.hpp"
#include "store/charger_view.hpp"
#include "store/sample_view.hpp"
#include "store/transaction_view.hpp"

namespace csms::admin {

// ApiError 400 for a bad value or an unknown parameter. is_connected is left
// for the caller, who knows the live sessions.
store::ChargerFilter charger_filter(const ApiCall& call);
store::TransactionFilter transaction_filter(const ApiCall& call);

// The most samples one answer carries: a year of one reading a minute.
inline constexpr int max_samples = 1'000'000;
inline constexpr int default_samples = 100'000;
// The charger is the route's {charger_id}; format= is read by the route.
store::SampleRange sample_range(const ApiCall& call);

} // namespace csms::admin
