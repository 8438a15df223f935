#include "notify/senders.hpp"

#include <catch2/catch.hpp>

using namespace csms::notify;

TEST_CASE("SMS: the template is filled in and escaped for its content type", "[notify][sms]")
{
    Channel json;
    json.type = ChannelType::sms;
    json.body_template = R"({"to":"{to}","text":"{text}"})";
    CHECK(sms_body(json, "+8613800000001", R"(Temp "hot" \ {to})") ==
          R"({"to":"+8613800000001","text":"Temp \"hot\" \\ {to}"})");

    Channel form = json;
    form.content_type = "application/x-www-form-urlencoded";
    form.body_template = "to={to}&msg={text}";
    CHECK(sms_body(form, "+86138", "a b&c=d") == "to=%2B86138&msg=a%20b%26c%3Dd");

    Channel plain = json;
    plain.content_type = "text/plain";
    plain.body_template = "{to}: {text}";
    CHECK(sms_body(plain, "+1", "hi") == "+1: hi");
}
