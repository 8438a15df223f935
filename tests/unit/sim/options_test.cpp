#include "options.hpp"
#include "retry.hpp"
#include "source_addresses.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <set>

using namespace csms::sim;

TEST_CASE("sim source addresses: a range and a single address", "[sim][options]")
{
    auto range = parse_address_range("127.0.0.2-127.0.0.60");
    REQUIRE(std::holds_alternative<AddressRange>(range));
    const auto r = std::get<AddressRange>(range);
    CHECK(format_ipv4(r.first) == "127.0.0.2");
    CHECK(format_ipv4(r.last) == "127.0.0.60");
    CHECK(r.size() == 59);

    auto one = parse_address_range("10.1.2.3");
    REQUIRE(std::holds_alternative<AddressRange>(one));
    CHECK(std::get<AddressRange>(one).size() == 1);

    auto wide = parse_address_range("127.0.0.255-127.0.1.1");
    REQUIRE(std::holds_alternative<AddressRange>(wide));
    CHECK(std::get<AddressRange>(wide).size() == 3);
}

TEST_CASE("sim source addresses: malformed ranges are refused", "[sim][options]")
{
    for (const char* bad : {"", "127.0.0", "127.0.0.256", "127.0.0.1-", "a.b.c.d", "127.0.0.01", "127.0.0.1 ",
                            "127.0.0.9-127.0.0.2", "::1", "127.0.0.1-127.0.0.2-127.0.0.3"}) {
        INFO(bad);
        CHECK(std::holds_alternative<std::string>(parse_address_range(bad)));
    }
}

TEST_CASE("sim source addresses: round-robin wraps around the range", "[sim][options]")
{
    const auto r = std::get<AddressRange>(parse_address_range("127.0.0.2-127.0.0.4"));
    SourceAddresses sources(r, 1);
    CHECK(format_ipv4(sources.next()) == "127.0.0.3");
    CHECK(format_ipv4(sources.next()) == "127.0.0.4");
    CHECK(format_ipv4(sources.next()) == "127.0.0.2");
    CHECK(format_ipv4(sources.next()) == "127.0.0.3");
}

TEST_CASE("sim processes: slices are contiguous and cover every charger once", "[sim][options]")
{
    for (int chargers : {1, 7, 10, 5000, 5003}) {
        for (int processes = 1; processes <= std::min(chargers, 9); ++processes) {
            int next = 1;
            for (int k = 0; k < processes; ++k) {
                const Slice s = process_slice(chargers, processes, k);
                REQUIRE(s.first == next);
                REQUIRE(s.last >= s.first);
                const int size = s.last - s.first + 1;
                REQUIRE((size == chargers / processes || size == chargers / processes + 1));
                next = s.last + 1;
            }
            REQUIRE(next == chargers + 1);
        }
    }
}

TEST_CASE("sim options: load generator flags are validated", "[sim][options]")
{
    Options o;
    o.url = "ws://127.0.0.1:8180/ocpp";
    CHECK_FALSE(validate(o));
    o.mode = "soak";
    CHECK(validate(o));
    o.mode = "load";
    o.retry = "sometimes";
    CHECK(validate(o));
    o.retry = "backoff";
    o.source_addresses = "127.0.0.300";
    CHECK(validate(o));
    o.source_addresses = "127.0.0.2-127.0.0.9";
    CHECK_FALSE(validate(o));
    o.tls_resume = true;
    CHECK(validate(o)); // ws:// has no TLS to resume
    o.tls_resume = false;
    o.mode = "storm";
    o.durability_log = "/tmp/x";
    CHECK(validate(o)); // durability runs are load runs
    CHECK(parse_mode("load") == Mode::load);
    CHECK(parse_mode("storm") == Mode::storm);
    CHECK(parse_mode("script") == Mode::script);
}

TEST_CASE("sim retry: fixed waits 10 s every time", "[sim][retry]")
{
    std::mt19937_64 rng(1);
    for (int retry = 1; retry < 20; ++retry) {
        CHECK(retry_delay(RetryKind::fixed, retry, rng) == std::chrono::seconds(10));
    }
}

TEST_CASE("sim retry: backoff doubles from 1 s up to 60 s with full jitter", "[sim][retry]")
{
    using std::chrono::milliseconds;
    CHECK(retry_ceiling(RetryKind::backoff, 1) == milliseconds(1000));
    CHECK(retry_ceiling(RetryKind::backoff, 2) == milliseconds(2000));
    CHECK(retry_ceiling(RetryKind::backoff, 3) == milliseconds(4000));
    CHECK(retry_ceiling(RetryKind::backoff, 6) == milliseconds(32'000));
    CHECK(retry_ceiling(RetryKind::backoff, 7) == milliseconds(60'000));
    CHECK(retry_ceiling(RetryKind::backoff, 1000) == milliseconds(60'000));

    std::mt19937_64 rng(7);
    for (int retry = 1; retry <= 10; ++retry) {
        std::set<std::int64_t> seen;
        for (int i = 0; i < 200; ++i) {
            const auto d = retry_delay(RetryKind::backoff, retry, rng);
            REQUIRE(d >= milliseconds(0));
            REQUIRE(d <= retry_ceiling(RetryKind::backoff, retry));
            seen.insert(d.count());
        }
        CHECK(seen.size() > 50); // jittered, not one value
    }
}

TEST_CASE("sim retry: mix gives odd chargers fixed and even ones backoff", "[sim][retry]")
{
    CHECK(retry_kind(RetryPolicy::mix, 1) == RetryKind::fixed);
    CHECK(retry_kind(RetryPolicy::mix, 2) == RetryKind::backoff);
    CHECK(retry_kind(RetryPolicy::mix, 3) == RetryKind::fixed);
    CHECK(retry_kind(RetryPolicy::fixed, 2) == RetryKind::fixed);
    CHECK(retry_kind(RetryPolicy::backoff, 1) == RetryKind::backoff);
    CHECK(parse_retry_policy("mix") == RetryPolicy::mix);
    CHECK_FALSE(parse_retry_policy("Mix"));
}
