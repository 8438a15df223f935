#include "ctl/commands.hpp"

#include <fstream>
#include <sstream>

namespace csms::ctl {

CLI::App* add_noun(CLI::App& app, const std::string& name, const std::string& description)
{
    auto* noun = app.add_subcommand(name, description);
    noun->require_subcommand(1);
    return noun;
}

CLI::App* add_verb(Registry& registry, CLI::App& noun, const std::string& name, const std::string& description,
                   Action run)
{
    auto* verb = noun.add_subcommand(name, description);
    verb->callback([&registry, run = std::move(run)] { registry.action = run; });
    return verb;
}

std::string segment(const std::string& text)
{
    return percent_encode(text);
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw LocalError("cannot read " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

} // namespace csms::ctl
