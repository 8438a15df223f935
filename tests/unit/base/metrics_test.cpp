#include "base/metrics.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <limits>
#include <stdexcept>

TEST_CASE("metrics: counters with labels render in Prometheus text format", "[base][metrics]")
{
    csms::base::Metrics metrics;
    auto& boots = metrics.counter("csms_messages_total", "Messages", {{"action", "BootNotification"}});
    boots.inc();
    boots.inc(2);
    CHECK(&boots == &metrics.counter("csms_messages_total", "Messages", {{"action", "BootNotification"}}));
    metrics.gauge("csms_connections", "Live connections").set(7);
    auto text = metrics.render_prometheus();
    CHECK(text.find("# TYPE csms_messages_total counter") != std::string::npos);
    CHECK(text.find("csms_messages_total{action=\"BootNotification\"} 3") != std::string::npos);
    CHECK(text.find("csms_connections 7") != std::string::npos);
}

TEST_CASE("metrics: a removed gauge series is no longer rendered and can be registered again", "[base][metrics]")
{
    csms::base::Metrics metrics;
    metrics.gauge("csms_link_up", "Links", {{"partner", "a"}}).set(1);
    metrics.gauge("csms_link_up", "Links", {{"partner", "b"}}).set(1);
    metrics.remove_gauge("csms_link_up", {{"partner", "a"}});
    metrics.remove_gauge("csms_no_such_metric", {});
    auto text = metrics.render_prometheus();
    CHECK(text.find("csms_link_up{partner=\"a\"}") == std::string::npos);
    CHECK(text.find("csms_link_up{partner=\"b\"} 1") != std::string::npos);
    CHECK(metrics.gauge("csms_link_up", "Links", {{"partner", "a"}}).value() == 0);
}

TEST_CASE("metrics: a histogram counts durations into cumulative buckets and sums them in seconds", "[base][metrics]")
{
    using namespace std::chrono_literals;
    csms::base::Histogram h({0.001, 0.01, 0.1});
    h.observe(500us);
    h.observe(1ms); // a bound is "less than or equal"
    h.observe(20ms);
    h.observe(3s);
    h.observe(-5ms); // a clock step back counts as 0, not as a huge unsigned
    auto s = h.snapshot();
    CHECK(s.cumulative == std::vector<std::uint64_t>{3, 3, 4, 5});
    CHECK(s.count == 5);
    CHECK(s.sum_seconds == Approx(3.0215));
    CHECK_THROWS_AS(csms::base::Histogram({0.1, 0.01}), std::logic_error);
    CHECK_THROWS_AS(csms::base::Histogram({0.0}), std::logic_error);
}

TEST_CASE("metrics: a histogram renders _bucket with le, then _sum and _count, in seconds", "[base][metrics]")
{
    using namespace std::chrono_literals;
    csms::base::Metrics metrics;
    const std::vector<double> bounds{0.005, 0.25, 1};
    auto& boot = metrics.histogram("csms_x_seconds", "Time taken", bounds, {{"action", "BootNotification"}});
    auto& plain = metrics.histogram("csms_y_seconds", "Time taken", bounds);
    CHECK(&boot == &metrics.histogram("csms_x_seconds", "Time taken", bounds, {{"action", "BootNotification"}}));
    CHECK_THROWS_AS(metrics.histogram("csms_x_seconds", "Time taken", {0.5}), std::logic_error);
    CHECK_THROWS_AS(metrics.counter("csms_x_seconds", "Time taken"), std::logic_error);
    boot.observe(2ms);
    boot.observe(1500ms);
    plain.observe(250ms);
    auto text = metrics.render_prometheus();
    INFO(text);
    CHECK(text.find("# HELP csms_x_seconds Time taken\n# TYPE csms_x_seconds histogram\n"
                    "csms_x_seconds_bucket{action=\"BootNotification\",le=\"0.005\"} 1\n"
                    "csms_x_seconds_bucket{action=\"BootNotification\",le=\"0.25\"} 1\n"
                    "csms_x_seconds_bucket{action=\"BootNotification\",le=\"1\"} 1\n"
                    "csms_x_seconds_bucket{action=\"BootNotification\",le=\"+Inf\"} 2\n"
                    "csms_x_seconds_sum{action=\"BootNotification\"} 1.502\n"
                    "csms_x_seconds_count{action=\"BootNotification\"} 2\n") != std::string::npos);
    CHECK(text.find("csms_y_seconds_bucket{le=\"0.005\"} 0\n"
                    "csms_y_seconds_bucket{le=\"0.25\"} 1\n"
                    "csms_y_seconds_bucket{le=\"1\"} 1\n"
                    "csms_y_seconds_bucket{le=\"+Inf\"} 1\n"
                    "csms_y_seconds_sum 0.25\n"
                    "csms_y_seconds_count 1\n") != std::string::npos);
}

TEST_CASE("metrics: sample values are Prometheus floats", "[base][metrics]")
{
    using csms::base::format_sample_value;
    CHECK(format_sample_value(0.005) == "0.005");
    CHECK(format_sample_value(2.5) == "2.5");
    CHECK(format_sample_value(30) == "30");
    CHECK(format_sample_value(1e-9) == "1e-09");
    CHECK(format_sample_value(std::numeric_limits<double>::infinity()) == "+Inf");
    CHECK(format_sample_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}

TEST_CASE("metrics: a family whose every series was removed is not rendered at all", "[base][metrics]")
{
    csms::base::Metrics metrics;
    metrics.counter("csms_rule_evaluations_total", "Evaluations", {{"rule", "a"}}).inc();
    metrics.counter("csms_rule_evaluations_total", "Evaluations", {{"rule", "b"}});
    metrics.remove_counter("csms_rule_evaluations_total", {{"rule", "a"}});
    auto text = metrics.render_prometheus();
    CHECK(text.find("rule=\"a\"") == std::string::npos);
    CHECK(text.find("csms_rule_evaluations_total{rule=\"b\"} 0\n") != std::string::npos);
    metrics.remove_counter("csms_rule_evaluations_total", {{"rule", "b"}});
    CHECK(metrics.render_prometheus().empty());
}
