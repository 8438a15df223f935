#include "csms/command_redaction.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace {

std::string redacted(std::string_view action, const char* json, bool response = false)
{
    rapidjson::Document doc;
    doc.Parse(json);
    if (response) {
        csms::redact_command_response(action, doc, doc.GetAllocator());
    } else {
        csms::redact_command_request(action, doc, doc.GetAllocator());
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc.Accept(writer);
    return buffer.GetString();
}

} // namespace

TEST_CASE("Redaction: the AuthorizationKey is hidden whatever its case and other keys are not", "[csms][redaction]")
{
    CHECK(redacted("ChangeConfiguration", R"({"key":"AuthorizationKey","value":"s3cret-s3cret-s3cret"})") ==
          R"({"key":"AuthorizationKey","value":"********"})");
    CHECK(redacted("ChangeConfiguration", R"({"key":"authorizationkey","value":"s3cret"})") ==
          R"({"key":"authorizationkey","value":"********"})");
    CHECK(redacted("ChangeConfiguration", R"({"key":"HeartbeatInterval","value":"300"})") ==
          R"({"key":"HeartbeatInterval","value":"300"})");
    CHECK(redacted("GetConfiguration",
                   R"({"configurationKey":[{"key":"AuthorizationKey","readonly":false,"value":"x"},)"
                   R"({"key":"MeterValueSampleInterval","readonly":false,"value":"60"}]})",
                   true) == R"({"configurationKey":[{"key":"AuthorizationKey","readonly":false,"value":"********"},)"
                            R"({"key":"MeterValueSampleInterval","readonly":false,"value":"60"}]})");
}

TEST_CASE("Redaction: credentials in upload and download URLs are hidden", "[csms][redaction]")
{
    CHECK(csms::without_url_credentials("ftp://user:pw@host.example/x") == "ftp://********@host.example/x");
    CHECK(csms::without_url_credentials("https://host.example/a@b") == "https://host.example/a@b");
    CHECK(csms::without_url_credentials("sftp://token@host") == "sftp://********@host");
    CHECK(csms::without_url_credentials("not a url") == "not a url");
    CHECK(redacted("UpdateFirmware", R"({"location":"ftp://u:p@h/fw.bin","retrieveDate":"2027-01-01T00:00:00Z"})") ==
          R"({"location":"ftp://********@h/fw.bin","retrieveDate":"2027-01-01T00:00:00Z"})");
    CHECK(
        redacted("GetLog", R"({"log":{"remoteLocation":"ftp://u:p@h/logs"},"logType":"SecurityLog","requestId":1})") ==
        R"({"log":{"remoteLocation":"ftp://********@h/logs"},"logType":"SecurityLog","requestId":1})");
}
