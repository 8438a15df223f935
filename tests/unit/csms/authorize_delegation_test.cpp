// Authorize for a partner's customer, with a stand-in for the partners
// (csms::AuthorizeDelegate): answered when the partner decides, without
// holding up the charger's other messages, and the StartTransaction that
// follows takes the partner's decision over our id_tags table (asking the
// partner first when there was no Authorize).
#include "charger_harness.hpp"

#include "store/charger_store.hpp"
#include "support/wait_until.hpp"

#include <map>
#include <mutex>

using csms::AuthorizeDelegate;
using csms::IdTagInfo;
using csms::Policy;
using csms::test::ChargerHarness;
using namespace std::chrono_literals;

namespace {

// FLEET- tags belong to partner "fleet"; each question waits until the test
// answers it, as a slow partner would.
class FakePartners final : public AuthorizeDelegate {
public:
    bool may_answer(std::string_view id_tag) const override { return id_tag.starts_with("FLEET-"); }
    std::string partner_for(csms::store::Database&, const std::string&, const std::string& id_tag) override
    {
        return id_tag.starts_with("FLEET-") ? "fleet" : "";
    }
    void ask(const std::string& partner, const std::string& charger_id, const std::string& id_tag,
             std::function<void(Decision)> done) override
    {
        std::lock_guard lock(mutex_);
        asked_.push_back(partner + "/" + charger_id + "/" + id_tag);
        waiting_.push_back(std::move(done));
    }
    std::optional<IdTagInfo> earlier_decision(csms::store::Database&, const std::string& charger_id,
                                              const std::string& id_tag, csms::base::SysTime) override
    {
        std::lock_guard lock(mutex_);
        auto it = decided_.find(charger_id + "/" + id_tag);
        return it == decided_.end() ? std::nullopt : std::optional<IdTagInfo>(it->second);
    }

    std::vector<std::string> asked() const
    {
        std::lock_guard lock(mutex_);
        return asked_;
    }
    // Answers the oldest question, as the partner's uplink would once the
    // decision is recorded.
    void answer(const std::string& charger_and_tag, const std::string& status)
    {
        std::function<void(Decision)> done;
        {
            std::lock_guard lock(mutex_);
            decided_[charger_and_tag] = IdTagInfo{status, std::nullopt, std::nullopt};
            done = std::move(waiting_.front());
            waiting_.erase(waiting_.begin());
        }
        done(Decision{IdTagInfo{status, std::nullopt, std::nullopt}, true});
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> asked_;
    std::vector<std::function<void(Decision)>> waiting_;
    std::map<std::string, IdTagInfo> decided_;
};

std::string status_in(const std::string& frame)
{
    rapidjson::Document doc;
    doc.Parse(frame.c_str());
    return doc[2]["idTagInfo"]["status"].GetString();
}

} // namespace

TEST_CASE("Authorize: a partner's customer is answered when the partner decides and other messages go on",
          "[csms][authorize][partner]")
{
    ChargerHarness h(Policy{});
    FakePartners partners;
    h.set_authorize_delegate(&partners);
    h.write([](csms::store::Database& db) {
        csms::store::set_registration(db, "CP-1", csms::store::Registration::accepted);
    });
    h.boot();

    auto before = h.connection().sent().size();
    h.send_text(R"([2,"a1","Authorize",{"idTag":"FLEET-1"}])");
    REQUIRE(csms::test::wait_until([&] { return partners.asked().size() == 1; }, 5s));
    CHECK(partners.asked()[0] == "fleet/CP-1/FLEET-1");
    // While the partner thinks, the charger's other messages are answered.
    h.result("Heartbeat", "{}");
    CHECK(h.connection().sent().size() == before + 1);

    partners.answer("CP-1/FLEET-1", "Accepted");
    auto frames = h.connection().wait_for_frames(before + 2);
    REQUIRE(frames.size() == before + 2);
    CHECK(frames.back().find(R"("a1")") != std::string::npos);
    CHECK(status_in(frames.back()) == "Accepted");

    // The StartTransaction takes the partner's decision: our table does not
    // know the tag, and without it this charger would get Invalid.
    auto start = h.result("StartTransaction",
                          R"({"connectorId":1,"idTag":"FLEET-1","meterStart":0,"timestamp":"2026-11-26T08:00:00Z"})");
    CHECK(std::string(start["idTagInfo"]["status"].GetString()) == "Accepted");
    CHECK(partners.asked().size() == 1); // decided just before: not asked again

    // A customer starting with no Authorize before (the charger's cache):
    // the partner is asked first, and its answer is the start's.
    before = h.connection().sent().size();
    h.send_text(
        R"([2,"s2","StartTransaction",{"connectorId":2,"idTag":"FLEET-2","meterStart":0,"timestamp":"2026-11-26T08:00:00Z"}])");
    REQUIRE(csms::test::wait_until([&] { return partners.asked().size() == 2; }, 5s));
    CHECK(partners.asked()[1] == "fleet/CP-1/FLEET-2");
    CHECK(h.connection().sent().size() == before); // the start waits for the partner
    partners.answer("CP-1/FLEET-2", "Blocked");
    frames = h.connection().wait_for_frames(before + 1);
    REQUIRE(frames.size() == before + 1);
    CHECK(frames.back().find(R"("s2")") != std::string::npos);
    CHECK(status_in(frames.back()) == "Blocked");

    // A tag that is not a partner's is answered from our table, and the
    // partner is never asked.
    CHECK(std::string(h.result("Authorize", R"({"idTag":"OURS-1"})")["idTagInfo"]["status"].GetString()) == "Invalid");
    auto ours = h.result("StartTransaction",
                         R"({"connectorId":3,"idTag":"OURS-1","meterStart":0,"timestamp":"2026-11-26T08:00:00Z"})");
    CHECK(std::string(ours["idTagInfo"]["status"].GetString()) == "Invalid");
    CHECK(partners.asked().size() == 2);
}
