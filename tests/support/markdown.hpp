#pragma once
// The parts of the repository's markdown documents that tests run: a "## "
// section, the commands of its ```sh blocks and the files those commands
// write with heredocs (cat > PATH <<'EOF'). Tests use them so that what a
// reader copies is what was tested, not a copy of it.
#include <cstddef>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace csms::test {

// The "## heading" section of a document, up to the next "## "; empty if absent.
inline std::string markdown_section(const std::string& text, const std::string& heading)
{
    const std::string title = "\n## " + heading + "\n";
    auto start = text.find(title);
    if (start == std::string::npos) {
        return {};
    }
    auto end = text.find("\n## ", start + title.size() - 1);
    return text.substr(start + 1, end == std::string::npos ? std::string::npos : end - start);
}

// What the ```sh blocks of a text run, in order.
struct ShellSteps {
    std::vector<std::string> commands;        // one per line; comments and blank lines left out
    std::map<std::string, std::string> files; // heredoc target path -> content
};

namespace detail {

inline std::string trim(const std::string& s)
{
    auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// "cmd  # note" -> "cmd"; a '#' inside a word (sha256=#...) is not a comment.
inline std::string without_comment(const std::string& line)
{
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
            return line.substr(0, i);
        }
    }
    return line;
}

} // namespace detail

inline ShellSteps shell_steps(const std::string& text)
{
    ShellSteps steps;
    std::istringstream in(text);
    std::string line;
    std::optional<std::size_t> indent;  // inside a ```sh block: the fence's indentation
    std::optional<std::string> heredoc; // inside a heredoc: the file it writes
    static const std::string heredoc_end = " <<'EOF'";
    while (std::getline(in, line)) {
        const std::string trimmed = detail::trim(line);
        if (!indent) {
            if (trimmed == "```sh") {
                indent = line.find('`');
            }
            continue;
        }
        if (trimmed == "```") {
            indent.reset();
            continue;
        }
        const std::string content = line.size() > *indent ? line.substr(*indent) : std::string();
        if (heredoc) {
            if (content == "EOF") {
                heredoc.reset();
            } else {
                steps.files[*heredoc] += content + "\n";
            }
            continue;
        }
        const std::string command = detail::trim(detail::without_comment(content));
        if (command.empty()) {
            continue;
        }
        if (command.rfind("cat > ", 0) == 0 && command.size() > heredoc_end.size() &&
            command.compare(command.size() - heredoc_end.size(), heredoc_end.size(), heredoc_end) == 0) {
            heredoc = command.substr(6, command.size() - 6 - heredoc_end.size());
            steps.files[*heredoc].clear();
        }
        steps.commands.push_back(command);
    }
    return steps;
}

// The words of a command line, split at blanks (the documents quote nothing
// that a test needs whole).
inline std::vector<std::string> words(const std::string& command)
{
    std::vector<std::string> out;
    std::istringstream in(command);
    std::string word;
    while (in >> word) {
        out.push_back(word);
    }
    return out;
}

} // namespace csms::test
