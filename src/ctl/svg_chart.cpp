#include "ctl/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace csms::ctl {
namespace {

constexpr double margin_left = 80;
constexpr double margin_right = 30;
constexpr double title_height = 40;
constexpr double panel_title_height = 28;
constexpr double column_plot_height = 180;
constexpr double value_text_height = 14; // above a full column
constexpr double row_height = 22;
constexpr double row_plot_width = 420;
constexpr double char_width = 6.5; // of the 11 px sans-serif, generously

std::string num(double v)
{
    char out[32];
    std::snprintf(out, sizeof out, "%.1f", v);
    return out;
}

double drawable(double v)
{
    return std::isfinite(v) && v > 0 ? v : 0;
}

double panel_max(const ChartPanel& p)
{
    double m = drawable(p.scale_max);
    for (const auto& b : p.bars) {
        m = std::max(m, drawable(b.value));
    }
    return m;
}

void text(std::ostringstream& out, double x, double y, std::string_view content, const char* cls,
          const char* anchor = "start", const std::string& transform = "")
{
    out << "<text class=\"" << cls << "\" x=\"" << num(x) << "\" y=\"" << num(y) << "\" text-anchor=\"" << anchor
        << "\"";
    if (!transform.empty()) {
        out << " transform=\"" << transform << "\"";
    }
    out << ">" << xml_escape(content) << "</text>\n";
}

void bar(std::ostringstream& out, double x, double y, double w, double h, const ChartBar& b)
{
    out << "<rect class=\"bar\" x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(w) << "\" height=\""
        << num(h) << "\"><title>" << xml_escape(b.label + ": " + b.value_text) << "</title></rect>\n";
}

// Characters, as bytes: a little generous for UTF-8 text.
std::size_t longest_text(const Chart& chart, std::string ChartBar::*text)
{
    std::size_t longest = 4;
    for (const auto& p : chart.panels) {
        for (const auto& b : p.bars) {
            longest = std::max(longest, (b.*text).size());
        }
    }
    return longest;
}

double column_slot(const Chart& chart)
{
    std::size_t n = 1;
    for (const auto& p : chart.panels) {
        n = std::max(n, p.bars.size());
    }
    return std::clamp(720.0 / static_cast<double>(n), 6.0, 64.0);
}

// Vertical bars from a baseline, the category labels under them (turned
// upright when the bars are narrow, and thinned out so they do not overlap).
double column_panel(std::ostringstream& out, const Chart& chart, const ChartPanel& p, double top, double slot)
{
    auto max = panel_max(p);
    double plot_top = top + panel_title_height + value_text_height;
    double base = plot_top + column_plot_height;
    double width = slot * static_cast<double>(p.bars.size());
    text(out, margin_left, top + 18, p.title, "panel-title");
    out << "<line class=\"axis\" x1=\"" << num(margin_left) << "\" y1=\"" << num(base) << "\" x2=\""
        << num(margin_left + width) << "\" y2=\"" << num(base) << "\"/>\n";
    out << "<line class=\"axis\" x1=\"" << num(margin_left) << "\" y1=\"" << num(plot_top) << "\" x2=\""
        << num(margin_left) << "\" y2=\"" << num(base) << "\"/>\n";
    for (double f : {0.0, 0.5, 1.0}) {
        char tick[32];
        std::snprintf(tick, sizeof tick, "%.4g", max * f);
        text(out, margin_left - 6, base - column_plot_height * f + 4, tick, "tick", "end");
    }
    text(out, 16, plot_top + column_plot_height / 2, p.value_axis, "axis-label", "middle",
         "rotate(-90 16 " + num(plot_top + column_plot_height / 2) + ")");
    auto label_chars = static_cast<double>(longest_text(chart, &ChartBar::label));
    bool upright = label_chars * char_width > slot * 0.9;
    double label_height = upright ? label_chars * char_width + 12 : 22;
    auto every = upright ? static_cast<std::size_t>(std::ceil(13.0 / slot)) : std::size_t{1};
    for (std::size_t i = 0; i < p.bars.size(); ++i) {
        const auto& b = p.bars[i];
        double h = max > 0 ? column_plot_height * drawable(b.value) / max : 0;
        double x = margin_left + slot * static_cast<double>(i);
        bar(out, x + slot * 0.1, base - h, slot * 0.8, h, b);
        double mid = x + slot / 2;
        if (static_cast<double>(b.value_text.size()) * char_width <= slot) { // else in the tooltip only
            text(out, mid, base - h - 4, b.value_text, "value", "middle");
        }
        if (i % every == 0) {
            if (upright) {
                text(out, mid + 4, base + 8, b.label, "label", "end",
                     "rotate(-90 " + num(mid + 4) + " " + num(base + 8) + ")");
            } else {
                text(out, mid, base + 16, b.label, "label", "middle");
            }
        }
    }
    text(out, margin_left + width / 2, base + label_height + 14, chart.category_axis, "axis-label", "middle");
    return panel_title_height + value_text_height + column_plot_height + label_height + 28;
}

// Room for the longest label (left of the bars) or value text (after them).
double text_width(const Chart& chart, std::string ChartBar::*text)
{
    return std::min(400.0, char_width * static_cast<double>(longest_text(chart, text)) + 12);
}

// One labelled horizontal bar per row, its value after it.
double row_panel(std::ostringstream& out, const ChartPanel& p, double top, double labels)
{
    auto max = panel_max(p);
    double left = margin_left + labels;
    double plot_top = top + panel_title_height;
    text(out, margin_left, top + 18, p.title + " (" + p.value_axis + ")", "panel-title");
    out << "<line class=\"axis\" x1=\"" << num(left) << "\" y1=\"" << num(plot_top) << "\" x2=\"" << num(left)
        << "\" y2=\"" << num(plot_top + row_height * static_cast<double>(p.bars.size())) << "\"/>\n";
    for (std::size_t i = 0; i < p.bars.size(); ++i) {
        const auto& b = p.bars[i];
        double y = plot_top + row_height * static_cast<double>(i);
        double w = max > 0 ? row_plot_width * drawable(b.value) / max : 0;
        text(out, left - 6, y + 15, b.label, "label", "end");
        bar(out, left, y + 3, w, row_height - 6, b);
        text(out, left + w + 6, y + 15, b.value_text, "value");
    }
    return panel_title_height + row_height * static_cast<double>(p.bars.size()) + 20;
}

} // namespace

std::string xml_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            auto u = static_cast<unsigned char>(c);
            out += (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f ? '?' : c;
        }
    }
    return out;
}

std::string render_svg(const Chart& chart)
{
    std::ostringstream body;
    double y = title_height;
    double width = 0;
    if (chart.layout == ChartLayout::columns) {
        auto slot = column_slot(chart);
        for (const auto& p : chart.panels) {
            width = std::max(width, margin_left + slot * static_cast<double>(p.bars.size()) + margin_right);
            y += column_panel(body, chart, p, y, slot);
        }
    } else {
        auto labels = text_width(chart, &ChartBar::label);
        width = margin_left + labels + row_plot_width + text_width(chart, &ChartBar::value_text) + margin_right;
        for (const auto& p : chart.panels) {
            y += row_panel(body, p, y, labels);
        }
    }
    // The title is 16 px bold: about 9.5 px a character.
    width = std::max({width, 480.0, margin_left + 9.5 * static_cast<double>(chart.title.size()) + margin_right});
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << num(width) << "\" height=\""
        << num(y + 10) << "\" viewBox=\"0 0 " << num(width) << " " << num(y + 10) << "\">\n"
        << "<title>" << xml_escape(chart.title) << "</title>\n"
        << "<style>text{font-family:sans-serif;font-size:11px;fill:#222}.title{font-size:16px;font-weight:bold}"
           ".panel-title{font-size:13px;font-weight:bold}.bar{fill:#3b78c2}.axis{stroke:#555;stroke-width:1}"
           ".tick,.value{fill:#555}</style>\n"
        << "<rect class=\"background\" x=\"0\" y=\"0\" width=\"" << num(width) << "\" height=\"" << num(y + 10)
        << "\" fill=\"#ffffff\"/>\n";
    text(out, margin_left, 26, chart.title, "title");
    out << body.str() << "</svg>\n";
    return out.str();
}

} // namespace csms::ctl
