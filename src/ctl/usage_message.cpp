#include "ctl/usage_message.hpp"

#include "base/concat.hpp"
#include "base/nearest_word.hpp"

#include <string_view>
#include <vector>

namespace csms::ctl {
namespace {

// The subcommands given, outermost first: the noun, then its verb.
std::vector<const CLI::App*> given_commands(const CLI::App& app)
{
    std::vector<const CLI::App*> chain;
    const CLI::App* at = &app;
    while (true) {
        auto parsed = at->get_subcommands();
        if (parsed.empty()) {
            return chain;
        }
        at = parsed.front();
        chain.push_back(at);
    }
}

// The first word left over that is not an option: a mistyped noun or verb.
// Global options fall through to the top, so what nothing took ends there.
std::string stray_word(const CLI::App& app)
{
    for (const auto& word : app.remaining()) {
        if (!word.empty() && word.front() != '-') {
            return word;
        }
    }
    return {};
}

// " (did you mean list?)" or "; see csmsctl chargers --help".
std::string hint(const std::string& word, const CLI::App& command, const std::string& help)
{
    std::vector<std::string> names;
    for (const auto* sub : command.get_subcommands([](const CLI::App*) { return true; })) {
        names.push_back(sub->get_name());
        for (const auto& alias : sub->get_aliases()) {
            names.push_back(alias);
        }
    }
    std::vector<std::string_view> candidates(names.begin(), names.end());
    auto near = base::nearest_word(word, candidates);
    if (!near.empty()) {
        // An alias is shown as the name it stands for.
        for (const auto* sub : command.get_subcommands([](const CLI::App*) { return true; })) {
            if (sub->check_name(std::string(near))) {
                return base::concat(" (did you mean ", sub->get_name(), "?)");
            }
        }
    }
    return base::concat("; see ", help, " --help");
}

std::string command_path(const std::vector<const CLI::App*>& chain)
{
    std::string path = "csmsctl";
    for (const auto* command : chain) {
        path.append(" ").append(command->get_name());
    }
    return path;
}

} // namespace

std::string usage_message(const CLI::App& app, const CLI::ParseError& error)
{
    auto chain = given_commands(app);
    auto word = stray_word(app);
    std::string what = error.what();
    bool required = dynamic_cast<const CLI::RequiredError*>(&error) != nullptr;
    if (chain.empty()) {
        if (!word.empty()) {
            return base::concat("unknown noun '", word, "'", hint(word, app, "csmsctl"));
        }
        if (required) {
            return "missing NOUN; see csmsctl --help";
        }
        return base::concat(what, " (see csmsctl --help)");
    }
    const CLI::App& command = *chain.back();
    auto path = command_path(chain);
    bool takes_verb = chain.size() == 1 && !command.get_subcommands([](const CLI::App*) { return true; }).empty();
    if (takes_verb && !word.empty()) {
        return base::concat("unknown verb '", word, "' for ", command.get_name(), hint(word, command, path));
    }
    if (takes_verb && required && command.get_require_subcommand_min() > 0) {
        return base::concat("missing VERB for ", command.get_name(), "; see ", path, " --help");
    }
    // CLI11 says "TAG is required" or "--id-tag is required".
    constexpr std::string_view is_required = " is required";
    if (required && what.size() > is_required.size() && what.ends_with(is_required)) {
        return base::concat("missing ", std::string_view(what).substr(0, what.size() - is_required.size()), "; see ",
                            path, " --help");
    }
    return base::concat(what, " (see ", path, " --help)");
}

} // namespace csms::ctl
