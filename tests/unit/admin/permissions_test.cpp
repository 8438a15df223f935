#include "admin/permissions.hpp"
#include "store/operator_store.hpp"

#include <catch2/catch.hpp>

using namespace csms::admin;

TEST_CASE("Permissions: an admin may do everything", "[admin][roles]")
{
    for (auto p : {Permission::chargers_read, Permission::commands_technical, Permission::audit_read,
                   Permission::operators_manage, Permission::id_tags_write}) {
        CHECK(role_allows("admin", p));
    }
}

TEST_CASE("Permissions: each role follows its duties in the policy", "[admin][roles]")
{
    // Supervision reads the audit log but changes nothing.
    CHECK(role_allows("auditor", Permission::audit_read));
    CHECK_FALSE(role_allows("auditor", Permission::id_tags_write));
    CHECK_FALSE(role_allows("auditor", Permission::commands_operate));
    // Technical staff upgrade and configure hardware but see no customers.
    CHECK(role_allows("technical", Permission::commands_technical));
    CHECK_FALSE(role_allows("technical", Permission::transactions_read));
    CHECK_FALSE(role_allows("technical", Permission::id_tags_read));
    // Operations run the day: remote start/stop, id tags, not firmware.
    CHECK(role_allows("operations", Permission::commands_operate));
    CHECK(role_allows("operations", Permission::id_tags_write));
    CHECK_FALSE(role_allows("operations", Permission::commands_technical));
    // Customer service answers "why this fee" and "where is a charger".
    CHECK(role_allows("customer_service", Permission::transactions_read));
    CHECK_FALSE(role_allows("customer_service", Permission::commands_operate));
    CHECK_FALSE(role_allows("information_management", Permission::operators_manage));
}

TEST_CASE("Permissions: an unknown role may do nothing", "[admin][roles]")
{
    CHECK_FALSE(role_allows("", Permission::authenticated));
    CHECK_FALSE(role_allows("Admin", Permission::chargers_read));
    // Every role the store accepts has at least the authenticated permission.
    for (const auto& role : csms::store::operator_roles()) {
        CHECK(role_allows(role, Permission::authenticated));
    }
}

TEST_CASE("Permissions: everyone sees alerts and those who act on chargers acknowledge them", "[admin][roles]")
{
    for (const auto& role : csms::store::operator_roles()) {
        CHECK(role_allows(role, Permission::alerts_read));
    }
    CHECK(role_allows("operations", Permission::alerts_ack));
    CHECK(role_allows("technical", Permission::alerts_ack));
    CHECK_FALSE(role_allows("customer_service", Permission::alerts_ack));
    CHECK_FALSE(role_allows("auditor", Permission::alerts_ack));
}

TEST_CASE("Permissions: information management owns the alert rules", "[admin][roles]")
{
    CHECK(role_allows("admin", Permission::rules_manage));
    CHECK(role_allows("information_management", Permission::rules_manage));
    for (auto role : {"operations", "technical", "customer_service", "auditor"}) {
        CHECK_FALSE(role_allows(role, Permission::rules_manage));
    }
}

TEST_CASE("Permissions: statistics are read by every role but customer service", "[admin][roles]")
{
    for (const auto* role : {"admin", "information_management", "operations", "technical", "auditor"}) {
        CHECK(role_allows(role, Permission::stats_read));
    }
    CHECK_FALSE(role_allows("customer_service", Permission::stats_read));
    CHECK(permission_name(Permission::stats_read) == "stats.read");
}

TEST_CASE("Permissions: customer service explains and corrects bills and technicians see none", "[admin][roles]")
{
    for (const auto* role : {"admin", "information_management", "operations", "customer_service", "auditor"}) {
        CHECK(role_allows(role, Permission::billing_read));
    }
    CHECK_FALSE(role_allows("technical", Permission::billing_read));
    for (const auto* role : {"admin", "operations", "customer_service"}) {
        CHECK(role_allows(role, Permission::billing_adjust));
    }
    for (const auto* role : {"information_management", "technical", "auditor"}) {
        CHECK_FALSE(role_allows(role, Permission::billing_adjust));
    }
    CHECK(role_allows("information_management", Permission::billing_manage));
    CHECK_FALSE(role_allows("customer_service", Permission::billing_manage));
    CHECK(permission_name(Permission::billing_adjust) == "billing.adjust");
}

TEST_CASE("Permissions: who gets which chargers' data is set by admin and information management only",
          "[admin][roles]")
{
    for (const auto* role : {"admin", "information_management"}) {
        CHECK(role_allows(role, Permission::partners_manage));
    }
    for (const auto* role : {"operations", "technical", "customer_service", "auditor"}) {
        CHECK_FALSE(role_allows(role, Permission::partners_manage));
    }
    CHECK(permission_name(Permission::partners_manage) == "partners.manage");
}
