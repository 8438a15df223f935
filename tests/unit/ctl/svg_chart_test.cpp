// The SVG writer read back with a small XML reader of our own: the file must
// be well-formed (tags balance, attributes quoted, every & an entity), with
// one <rect class="bar"> per bar, the titles in place and text escaped.
#include "ctl/svg_chart.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <stdexcept>

using namespace csms::ctl;

namespace {

struct Element {
    std::string name;
    std::map<std::string, std::string> attributes;
    std::string text; // the text directly inside, entities kept
};

// Checks character data: '<' never raw, '&' only as an entity.
void check_text(const std::string& text)
{
    static const std::regex entity("^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);");
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '<') {
            throw std::runtime_error("raw < in text");
        }
        if (text[i] == '&' && !std::regex_search(text.substr(i), entity)) {
            throw std::runtime_error("bare & in text: " + text.substr(i, 10));
        }
    }
}

// Every element in document order; throws on anything not well-formed.
std::vector<Element> parse_xml(const std::string& doc)
{
    std::vector<Element> all;
    std::vector<std::size_t> open;
    std::size_t i = 0;
    if (doc.rfind("<?xml ", 0) == 0) {
        i = doc.find("?>") + 2;
    }
    static const std::regex attribute(R"re(^\s+([A-Za-z_:][-A-Za-z0-9_:.]*)="([^"<]*)")re");
    while (i < doc.size()) {
        auto lt = doc.find('<', i);
        auto text = doc.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
        check_text(text);
        if (!open.empty()) {
            all[open.back()].text += text;
        } else if (text.find_first_not_of(" \n") != std::string::npos) {
            throw std::runtime_error("text outside the root");
        }
        if (lt == std::string::npos) {
            break;
        }
        auto gt = doc.find('>', lt);
        if (gt == std::string::npos) {
            throw std::runtime_error("unclosed tag");
        }
        std::string tag = doc.substr(lt + 1, gt - lt - 1);
        i = gt + 1;
        if (tag.front() == '/') {
            if (open.empty() || all[open.back()].name != tag.substr(1)) {
                throw std::runtime_error("mismatched </" + tag.substr(1) + ">");
            }
            open.pop_back();
            continue;
        }
        bool self_closing = tag.back() == '/';
        if (self_closing) {
            tag.pop_back();
        }
        Element e;
        auto name_end = tag.find_first_of(" \n");
        e.name = tag.substr(0, name_end);
        std::string rest = name_end == std::string::npos ? "" : tag.substr(name_end);
        std::smatch m;
        while (std::regex_search(rest, m, attribute)) {
            check_text(m[2]);
            if (!e.attributes.emplace(m[1], m[2]).second) {
                throw std::runtime_error("attribute twice");
            }
            rest = m.suffix();
        }
        if (rest.find_first_not_of(" \n") != std::string::npos) {
            throw std::runtime_error("bad attributes in <" + tag + ">");
        }
        if (open.empty() && !all.empty()) {
            throw std::runtime_error("two roots");
        }
        all.push_back(std::move(e));
        if (!self_closing) {
            open.push_back(all.size() - 1);
        }
    }
    if (!open.empty()) {
        throw std::runtime_error("unclosed <" + all[open.back()].name + ">");
    }
    return all;
}

std::vector<Element> with_class(const std::vector<Element>& all, const std::string& name, const std::string& cls)
{
    std::vector<Element> out;
    for (const auto& e : all) {
        auto it = e.attributes.find("class");
        if (e.name == name && it != e.attributes.end() && it->second == cls) {
            out.push_back(e);
        }
    }
    return out;
}

Chart hours()
{
    Chart c{"Energy by hour of day", "hour of day", ChartLayout::columns, {}};
    ChartPanel energy{"Energy", "energy (kWh)", {}};
    for (int h = 0; h < 24; ++h) {
        energy.bars.push_back({std::to_string(h), h == 8 ? 9.75 : (h == 18 ? 4.5 : 0), "x"});
    }
    ChartPanel sessions{"Sessions", "sessions", {{"0", 1, "1"}, {"1", 3, "3"}}};
    c.panels = {energy, sessions};
    return c;
}

} // namespace

TEST_CASE("svg charts: a column chart is well-formed SVG 1.1 with one bar per value and its titles", "[ctl][svg]")
{
    auto svg = render_svg(hours());
    auto all = parse_xml(svg);
    REQUIRE(all.front().name == "svg");
    CHECK(all.front().attributes.at("xmlns") == "http://www.w3.org/2000/svg");
    CHECK(all.front().attributes.at("version") == "1.1");
    CHECK(all[1].name == "title"); // the document's title first, for browsers' tabs
    CHECK(all[1].text == "Energy by hour of day");
    auto bars = with_class(all, "rect", "bar");
    REQUIRE(bars.size() == 26);
    // Drawn to scale: hour 8 fills the plot, hour 18 less than half, hour 0 nothing.
    auto height = [&](std::size_t i) { return std::stod(bars[i].attributes.at("height")); };
    CHECK(height(8) == Approx(180));
    CHECK(height(18) == Approx(180 * 4.5 / 9.75).margin(0.1));
    CHECK(height(0) == 0);
    CHECK(height(25) == Approx(180)); // the second panel scales on its own
    CHECK(with_class(all, "text", "panel-title").size() == 2);
    CHECK(with_class(all, "text", "axis-label").size() == 4); // each panel's value axis and category axis
    CHECK(with_class(all, "text", "title").front().text == "Energy by hour of day");
}

TEST_CASE("svg charts: text from the data is escaped in content and in tooltips", "[ctl][svg]")
{
    Chart c{"Chargers <\"worst\" & 'first'>", "charger", ChartLayout::rows, {}};
    c.panels.push_back({"Availability", "%", {{"1. <script>alert(1)</script>", 40, "40 %"}, {"2. A&B", 80, "80 %"}}});
    auto svg = render_svg(c);
    CHECK(svg.find("<script>") == std::string::npos);
    auto all = parse_xml(svg);
    CHECK(all[1].text == "Chargers &lt;&quot;worst&quot; &amp; &apos;first&apos;&gt;");
    auto bars = with_class(all, "rect", "bar");
    REQUIRE(bars.size() == 2);
    CHECK(std::stod(bars[0].attributes.at("width")) == Approx(210)); // half of the longest
    auto labels = with_class(all, "text", "label");
    REQUIRE(labels.size() == 2);
    CHECK(labels[0].text == "1. &lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(labels[1].text == "2. A&amp;B");
}

TEST_CASE("svg charts: escaping replaces what XML forbids and keeps the rest", "[ctl][svg]")
{
    CHECK(xml_escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&apos;f");
    CHECK(xml_escape(std::string("bell\x07", 5)) == "bell?");
    CHECK(xml_escape("深圳 Nanshan") == "深圳 Nanshan");
}

TEST_CASE("svg charts: many days, empty panels and odd values still make a valid file", "[ctl][svg]")
{
    Chart c{"Energy by day", "local date", ChartLayout::columns, {}};
    ChartPanel days{"Energy", "kWh", {}};
    for (int d = 0; d < 366; ++d) {
        days.bars.push_back({"2026-01-" + std::to_string(d), d % 7 == 0 ? -5.0 : d * 1.0, "v"});
    }
    days.bars.push_back({"nan", std::numeric_limits<double>::quiet_NaN(), "?"});
    c.panels = {days, ChartPanel{"Nothing", "none", {}}};
    auto all = parse_xml(render_svg(c));
    auto bars = with_class(all, "rect", "bar");
    REQUIRE(bars.size() == 367);
    CHECK(std::stod(bars[7].attributes.at("height")) == 0); // negative draws as nothing
    CHECK(std::stod(bars[366].attributes.at("height")) == 0);
    // Labels thinned out so narrow bars do not print over each other.
    CHECK(with_class(all, "text", "label").size() < 367);
}

TEST_CASE("svg charts: a panel with a fixed scale draws a percentage against 100 and leaves room for its values",
          "[ctl][svg]")
{
    Chart c{"Availability", "charger", ChartLayout::rows, {}};
    std::string long_text(80, 'x');
    c.panels.push_back({"Availability", "%", {{"1. CP1", 50, long_text}}, 100});
    auto all = parse_xml(render_svg(c));
    auto bars = with_class(all, "rect", "bar");
    REQUIRE(bars.size() == 1);
    CHECK(std::stod(bars[0].attributes.at("width")) == Approx(210)); // half of the plot, not all of it
    auto value = with_class(all, "text", "value").front();
    auto svg_width = std::stod(all.front().attributes.at("width"));
    CHECK(std::stod(value.attributes.at("x")) + 6.5 * 80 <= svg_width);
}
