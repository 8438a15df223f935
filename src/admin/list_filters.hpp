#pragma once
// The query parameters of the charger and transaction lists, read into the
// store's filters. Every value is checked here, so a mistyped one is a 400
// that says what was expected, never a silently empty list:
//   GET /api/v1/chargers?connected=&status=&region=&model=&q=&limit=&cursor=
//   GET /api/v1/transactions?from=&to=&charger=&id_tag=&open=&limit=&cursor=
#include "admin/api_call.hpp"
#include "store/charger_view.hpp"
#include "store/transaction_view.hpp"

namespace csms::admin {

// ApiError 400 for a bad value or an unknown parameter. is_connected is left
// for the caller, who knows the live sessions.
store::ChargerFilter charger_filter(const ApiCall& call);
store::TransactionFilter transaction_filter(const ApiCall& call);

} // namespace csms::admin
