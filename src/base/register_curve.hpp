#pragma once
// An energy register read at a few instants (meterStart, sampled
// Energy.Active.Import.Register values, meterStop), as the energy a charger
// delivered up to any instant in whole Wh. Billing cuts it at tariff period
// boundaries and statistics at quarter boundaries; both take the energy of
// [a, b) as delivered_until(b) - delivered_until(a), so the parts of a
// session always add up to the whole, meterStop - meterStart, to the Wh.
//
// The one rounding rule: readings are rounded to the nearest Wh (halves away
// from zero); between two readings the energy flows steadily, and the
// register at an instant between them is interpolated with integer
// arithmetic and rounded down to the Wh. A reading lower than the one before
// it (a meter replaced or reset) delivers nothing between the two.
#include "base/clock.hpp"

#include <cstdint>
#include <vector>

namespace csms::base {

struct RegisterReading {
    SysTime at;
    double wh = 0;
};

class RegisterCurve {
public:
    // readings: in time order. A rise between two readings at one instant
    // is delivered at that instant: in [t, ...), not before t.
    explicit RegisterCurve(const std::vector<RegisterReading>& readings);

    // Whole Wh delivered from the first reading up to t, t excluded: 0 up
    // to the first reading, total() after the last.
    std::int64_t delivered_until(SysTime t) const;
    std::int64_t delivered_between(SysTime from, SysTime to) const
    {
        return to <= from ? 0 : delivered_until(to) - delivered_until(from);
    }
    std::int64_t total() const { return points_.empty() ? 0 : points_.back().delivered; }

private:
    struct Point {
        SysTime at;
        std::int64_t delivered; // whole Wh delivered up to this reading
    };
    std::vector<Point> points_;
};

} // namespace csms::base
