#include "ctl/command_answer.hpp"
#include "ctl/commands.hpp"
#include "ctl/payloads.hpp"

namespace csms::ctl {
namespace {

namespace p = payloads;
using Opt = std::optional<int>;
using OptText = std::optional<std::string>;

// Every argument any command verb takes; only one verb runs per call.
struct Args {
    std::string id;
    std::string id_tag, type, key, value, message, location, expiry, profile, vendor, file, signature;
    std::string hash_algorithm, issuer_name_hash, issuer_key_hash, serial, signing_certificate_file;
    std::vector<std::string> keys, tags;
    Opt connector, transaction, retries, retry_interval, version, reservation_id, profile_id, stack_level, duration,
        request_id;
    OptText start, stop, retrieve_date, parent, purpose, unit, message_id, data;
    bool hard = false, full = false, differential = false;
};

// int from an option marked required().
int req(const Opt& value)
{
    return value.value_or(0);
}

class Verbs {
public:
    Verbs(CLI::App& noun, Registry& r) : noun_(noun), r_(r), a_(r.make<Args>()) {}

    // A verb sending `action` with the payload `build` makes from the args.
    CLI::App* add(const std::string& name, const std::string& description, const std::string& action,
                  std::function<rapidjson::Document(const Args&)> build)
    {
        Args& a = a_;
        auto* verb = add_verb(r_, noun_, name, description + " (" + action + ")",
                              [&a, action, build](Context& c) { send_command(c, a.id, action, build(a)); });
        verb->add_option("ID", a.id, "charge point id")->required();
        return verb;
    }
    Args& args() { return a_; }

private:
    CLI::App& noun_;
    Registry& r_;
    Args& a_;
};

void add_core_verbs(Verbs& v)
{
    Args& a = v.args();
    auto* s = v.add("remote-start", "start a transaction", "RemoteStartTransaction",
                    [](const Args& x) { return p::remote_start(x.id_tag, x.connector); });
    s->add_option("--id-tag", a.id_tag, "the id tag to charge for")->required();
    s->add_option("--connector", a.connector, "connector id (default: the charger chooses)");

    s = v.add("remote-stop", "stop a transaction", "RemoteStopTransaction",
              [](const Args& x) { return p::remote_stop(req(x.transaction)); });
    s->add_option("--transaction", a.transaction, "transaction id")->required();

    s = v.add("reset", "reboot the charger (soft unless --hard)", "Reset",
              [](const Args& x) { return p::reset(x.hard); });
    s->add_flag("--hard", a.hard, "hard reset");

    s = v.add("unlock", "unlock a connector", "UnlockConnector",
              [](const Args& x) { return p::unlock(req(x.connector)); });
    s->add_option("--connector", a.connector, "connector id")->required();

    s = v.add("availability", "make a connector (0: the charger) operative or not", "ChangeAvailability",
              [](const Args& x) { return p::change_availability(req(x.connector), x.type); });
    s->add_option("--connector", a.connector, "connector id, 0 for the whole charger")->required();
    s->add_option("--type", a.type, "Operative|Inoperative")
        ->required()
        ->check(CLI::IsMember({"Operative", "Inoperative"}));

    s = v.add("set-config", "change a configuration key", "ChangeConfiguration",
              [](const Args& x) { return p::change_configuration(x.key, x.value); });
    s->add_option("KEY", a.key, "configuration key")->required();
    s->add_option("VALUE", a.value, "new value")->required();

    s = v.add("get-config", "read configuration keys (all when none given)", "GetConfiguration",
              [](const Args& x) { return p::get_configuration(x.keys); });
    s->add_option("KEY", a.keys, "configuration keys");

    v.add("clear-cache", "clear the authorization cache", "ClearCache", [](const Args&) { return p::empty(); });

    s = v.add("trigger", "ask the charger to send a message now", "TriggerMessage",
              [](const Args& x) { return p::trigger(x.message, x.connector); });
    s->add_option("MESSAGE", a.message,
                  "BootNotification|DiagnosticsStatusNotification|FirmwareStatusNotification|Heartbeat|MeterValues|"
                  "StatusNotification")
        ->required();
    s->add_option("--connector", a.connector, "connector id");

    s = v.add("get-diagnostics", "upload diagnostics to a URL", "GetDiagnostics", [](const Args& x) {
        return p::get_diagnostics(x.location, x.start, x.stop, x.retries, x.retry_interval);
    });
    s->add_option("--location", a.location, "upload URL")->required();
    s->add_option("--start", a.start, "oldest time to include (ISO 8601)");
    s->add_option("--stop", a.stop, "newest time to include (ISO 8601)");
    s->add_option("--retries", a.retries, "upload attempts");
    s->add_option("--retry-interval", a.retry_interval, "seconds between attempts");

    s = v.add("update-firmware", "install firmware from a URL", "UpdateFirmware",
              [](const Args& x) { return p::update_firmware(x.location, x.retrieve_date.value_or(p::now())); });
    s->add_option("--location", a.location, "firmware URL")->required();
    s->add_option("--retrieve-date", a.retrieve_date, "when to download (ISO 8601), default now");
}

void add_list_and_reservation_verbs(Verbs& v)
{
    Args& a = v.args();
    auto* s = v.add("send-local-list", "send the local authorization list", "SendLocalList", [](const Args& x) {
        if (x.full && x.differential) {
            throw UsageError("--full and --differential exclude each other");
        }
        std::vector<p::LocalListEntry> entries;
        for (const auto& t : x.tags) {
            entries.push_back(p::parse_local_list_entry(t));
        }
        return p::send_local_list(req(x.version), x.differential, entries);
    });
    s->add_option("--version", a.version, "list version")->required();
    s->add_flag("--full", a.full, "replace the whole list (default)");
    s->add_flag("--differential", a.differential, "change only the tags given");
    s->add_option("--tag", a.tags, "TAG[:STATUS] (STATUS: Accepted|Blocked|Expired|Invalid|ConcurrentTx)");

    v.add("local-list-version", "the charger's local list version", "GetLocalListVersion",
          [](const Args&) { return p::empty(); });

    s = v.add("reserve", "reserve a connector for an id tag", "ReserveNow", [](const Args& x) {
        return p::reserve_now(req(x.connector), x.id_tag, x.expiry, req(x.reservation_id), x.parent);
    });
    s->add_option("--connector", a.connector, "connector id (0: any)")->required();
    s->add_option("--id-tag", a.id_tag, "the id tag")->required();
    s->add_option("--expiry", a.expiry, "when the reservation ends (ISO 8601)")->required();
    s->add_option("--reservation-id", a.reservation_id, "reservation id")->required();
    s->add_option("--parent", a.parent, "parent id tag");

    s = v.add("cancel-reservation", "cancel a reservation", "CancelReservation",
              [](const Args& x) { return p::cancel_reservation(req(x.reservation_id)); });
    s->add_option("RESERVATION_ID", a.reservation_id, "reservation id")->required();

    s = v.add("set-profile", "set a charging profile", "SetChargingProfile",
              [](const Args& x) { return p::set_charging_profile(req(x.connector), x.profile); });
    s->add_option("--connector", a.connector, "connector id")->required();
    s->add_option("--profile", a.profile, "csChargingProfiles as JSON")->required();

    s = v.add("clear-profile", "clear charging profiles", "ClearChargingProfile", [](const Args& x) {
        return p::clear_charging_profile(x.profile_id, x.connector, x.purpose, x.stack_level);
    });
    s->add_option("--id", a.profile_id, "profile id");
    s->add_option("--connector", a.connector, "connector id");
    s->add_option("--purpose", a.purpose, "ChargePointMaxProfile|TxDefaultProfile|TxProfile");
    s->add_option("--stack-level", a.stack_level, "stack level");

    s = v.add("composite-schedule", "the schedule a connector will follow", "GetCompositeSchedule",
              [](const Args& x) { return p::composite_schedule(req(x.connector), req(x.duration), x.unit); });
    s->add_option("--connector", a.connector, "connector id")->required();
    s->add_option("--duration", a.duration, "seconds")->required();
    s->add_option("--unit", a.unit, "W|A")->check(CLI::IsMember({"W", "A"}));

    s = v.add("data-transfer", "vendor-specific data", "DataTransfer",
              [](const Args& x) { return p::data_transfer(x.vendor, x.message_id, x.data); });
    s->add_option("--vendor", a.vendor, "vendor id")->required();
    s->add_option("--message-id", a.message_id, "message id");
    s->add_option("--data", a.data, "data (text)");
}

void add_security_verbs(Verbs& v)
{
    Args& a = v.args();
    auto* s = v.add("extended-trigger", "ask for a message, security extension", "ExtendedTriggerMessage",
                    [](const Args& x) { return p::trigger(x.message, x.connector); });
    s->add_option("MESSAGE", a.message,
                  "BootNotification|LogStatusNotification|FirmwareStatusNotification|Heartbeat|MeterValues|"
                  "SignChargePointCertificate|StatusNotification")
        ->required();
    s->add_option("--connector", a.connector, "connector id");

    s = v.add("get-log", "upload a log to a URL", "GetLog",
              [](const Args& x) { return p::get_log(x.type, x.location, req(x.request_id)); });
    s->add_option("--type", a.type, "DiagnosticsLog|SecurityLog")
        ->required()
        ->check(CLI::IsMember({"DiagnosticsLog", "SecurityLog"}));
    s->add_option("--location", a.location, "upload URL")->required();
    s->add_option("--request-id", a.request_id, "request id")->required();

    s = v.add("install-certificate", "install a root certificate", "InstallCertificate",
              [](const Args& x) { return p::install_certificate(x.type, read_file(x.file)); });
    s->add_option("--type", a.type, "CentralSystemRootCertificate|ManufacturerRootCertificate")->required();
    s->add_option("--file", a.file, "PEM file")->required();

    s = v.add("delete-certificate", "delete an installed certificate", "DeleteCertificate", [](const Args& x) {
        return p::delete_certificate(x.hash_algorithm, x.issuer_name_hash, x.issuer_key_hash, x.serial);
    });
    s->add_option("--hash-algorithm", a.hash_algorithm, "SHA256|SHA384|SHA512")->required();
    s->add_option("--issuer-name-hash", a.issuer_name_hash, "hex")->required();
    s->add_option("--issuer-key-hash", a.issuer_key_hash, "hex")->required();
    s->add_option("--serial", a.serial, "serial number (hex)")->required();

    s = v.add("installed-certificates", "list installed certificates", "GetInstalledCertificateIds",
              [](const Args& x) { return p::installed_certificates(x.type); });
    s->add_option("--type", a.type, "CentralSystemRootCertificate|ManufacturerRootCertificate")->required();

    s = v.add("certificate-signed", "send the charger its signed certificate chain", "CertificateSigned",
              [](const Args& x) { return p::certificate_signed(read_file(x.file)); });
    s->add_option("--file", a.file, "PEM chain file")->required();

    s = v.add("signed-update-firmware", "install signed firmware", "SignedUpdateFirmware", [](const Args& x) {
        return p::signed_update_firmware(req(x.request_id), x.location, read_file(x.signing_certificate_file),
                                         x.signature, x.retrieve_date.value_or(p::now()));
    });
    s->add_option("--request-id", a.request_id, "request id")->required();
    s->add_option("--location", a.location, "firmware URL")->required();
    s->add_option("--signing-certificate-file", a.signing_certificate_file, "PEM file")->required();
    s->add_option("--signature", a.signature, "base64 signature")->required();
    s->add_option("--retrieve-date", a.retrieve_date, "when to download (ISO 8601)")->required();
}

} // namespace

void add_charger_commands(CLI::App& chargers, Registry& r)
{
    Verbs verbs(chargers, r);
    add_core_verbs(verbs);
    add_list_and_reservation_verbs(verbs);
    add_security_verbs(verbs);
}

} // namespace csms::ctl
