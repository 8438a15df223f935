#include "histogram.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using csms::sim::Histogram;

TEST_CASE("sim histogram: small values are exact", "[sim][histogram]")
{
    Histogram h;
    for (int v = 1; v <= 100; ++v) {
        h.record(v);
    }
    CHECK(h.count() == 100);
    CHECK(h.percentile_us(50) == 50);
    CHECK(h.percentile_us(99) == 99);
    CHECK(h.percentile_us(100) == 100);
    CHECK(h.max() == 100);
}

TEST_CASE("sim histogram: every value lands within one percent", "[sim][histogram]")
{
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> exponent(0, std::log10(6e8));
    for (int i = 0; i < 20'000; ++i) {
        const auto v = static_cast<std::int64_t>(std::pow(10.0, exponent(rng)));
        Histogram h;
        h.record(v);
        h.record(Histogram::max_us); // so max() does not clamp the answer
        const double got = h.percentile_us(50);
        INFO("value " << v << " reported as " << got);
        CHECK(std::abs(got - static_cast<double>(std::max<std::int64_t>(v, 1))) <=
              0.01 * static_cast<double>(std::max<std::int64_t>(v, 1)));
    }
}

TEST_CASE("sim histogram: buckets tile the range without gaps", "[sim][histogram]")
{
    for (std::size_t i = 0; i + 1 < Histogram::bucket_count; ++i) {
        REQUIRE(Histogram::bucket_low(i) + Histogram::bucket_width(i) == Histogram::bucket_low(i + 1));
        REQUIRE(Histogram::bucket_of(Histogram::bucket_low(i)) == i);
    }
    CHECK(Histogram::bucket_of(Histogram::max_us) < Histogram::bucket_count);
}

TEST_CASE("sim histogram: values outside 1 us to 600 s are clamped", "[sim][histogram]")
{
    Histogram h;
    h.record(0);
    h.record(-5);
    h.record(std::int64_t{1} << 40);
    CHECK(h.count() == 3);
    CHECK(h.percentile_us(1) == 1);
    CHECK(h.max() == Histogram::max_us);
}

TEST_CASE("sim histogram: percentiles of a uniform spread", "[sim][histogram]")
{
    Histogram h;
    for (int v = 1; v <= 100'000; ++v) {
        h.record(v);
    }
    CHECK(h.percentile_us(50) == Approx(50'000).epsilon(0.01));
    CHECK(h.percentile_us(95) == Approx(95'000).epsilon(0.01));
    CHECK(h.percentile_us(99) == Approx(99'000).epsilon(0.01));
    CHECK(h.percentile_us(99.9) == Approx(99'900).epsilon(0.01));
    CHECK(h.max() == 100'000);
}

TEST_CASE("sim histogram: merging equals recording into one", "[sim][histogram]")
{
    Histogram a, b, both;
    for (int v = 1; v <= 5000; ++v) {
        (v % 3 == 0 ? a : b).record(v * 37);
        both.record(v * 37);
    }
    a.merge(b);
    CHECK(a.count() == both.count());
    CHECK(a.max() == both.max());
    for (double p : {1.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
        CHECK(a.percentile_us(p) == both.percentile_us(p));
    }
}

TEST_CASE("sim histogram: serialize and deserialize round trip", "[sim][histogram]")
{
    Histogram h;
    for (int v : {3, 3, 700, 12'345, 9'000'000}) {
        h.record(v);
    }
    Histogram back;
    REQUIRE(back.deserialize(h.serialize()));
    CHECK(back.count() == 5);
    CHECK(back.max() == 9'000'000);
    CHECK(back.percentile_us(60) == h.percentile_us(60));

    Histogram empty;
    REQUIRE(back.deserialize(empty.serialize()));
    CHECK(back.count() == 0);
    CHECK(back.percentile_us(50) == 0);

    CHECK_FALSE(back.deserialize("garbage"));
    CHECK_FALSE(back.deserialize("999999:1;5"));
    CHECK_FALSE(back.deserialize("1:x;5"));
}
