#pragma once
// Bar charts as standalone SVG 1.1 files, for reports people look at in a
// browser: our own few lines instead of a plotting dependency. Every text
// (titles, labels, values) is escaped, so a charger id or region holding
// <, & or quotes cannot break the file. Pure functions.
#include <string>
#include <string_view>
#include <vector>

namespace csms::ctl {

struct ChartBar {
    std::string label;
    double value = 0;       // drawn to scale; negative or not finite draws as 0
    std::string value_text; // printed beside the bar and in its tooltip
};

// One set of bars sharing a value axis.
struct ChartPanel {
    std::string title;
    std::string value_axis; // e.g. "energy (kWh)"
    std::vector<ChartBar> bars;
    double scale_max = 0; // the value a full bar stands for; 0: the largest value (100 for percentages)
};

enum class ChartLayout {
    columns, // vertical bars along a category axis: hours, days, weeks
    rows,    // horizontal bars, one labelled row each: regions, rankings
};

struct Chart {
    std::string title;
    std::string category_axis; // e.g. "hour of day"
    ChartLayout layout = ChartLayout::columns;
    std::vector<ChartPanel> panels; // drawn one under the other
};

// The whole document, from the XML declaration to </svg>.
std::string render_svg(const Chart& chart);

// Text for XML content or a quoted attribute: & < > " ' as entities, and
// control characters XML 1.0 forbids as '?'.
std::string xml_escape(std::string_view text);

} // namespace csms::ctl
