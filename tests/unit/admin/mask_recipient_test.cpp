#include "admin/routes.hpp"

#include <catch2/catch.hpp>

using csms::admin::mask_recipient;

TEST_CASE("Deliveries: addresses are shown partly masked", "[admin][notifications]")
{
    CHECK(mask_recipient("email", "tess@example.com") == "t***@example.com");
    CHECK(mask_recipient("sms", "+8613800000001") == "+86*******0001");
    CHECK(mask_recipient("inbox", "tess") == "tess");
    CHECK(mask_recipient("webhook", "ops-hook") == "ops-hook");
    CHECK(mask_recipient("email", "tess") == "tess"); // suppressed: the operator's name, no address
}
