#include "base/metrics.hpp"

#include <catch2/catch.hpp>

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
