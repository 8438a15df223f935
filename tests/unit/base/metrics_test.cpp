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
