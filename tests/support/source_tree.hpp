#pragma once
// The repository the tests were built from: its documents and scripts, read
// or run as a reader of the repository would (the schemas folder sits at
// its top, so CSMS_SCHEMA_DIR/.. is the top folder).
#include "support/child_process.hpp"

#include <filesystem>
#include <string>

#ifndef CSMS_SCHEMA_DIR
#error "CSMS_SCHEMA_DIR must name the source tree's schemas folder"
#endif

namespace csms::test {

inline std::filesystem::path source_root()
{
    return std::filesystem::path(CSMS_SCHEMA_DIR).parent_path().lexically_normal();
}

// "docs/operators.md" -> its absolute path in the source tree.
inline std::string source_path(const std::string& relative)
{
    return (source_root() / relative).string();
}

inline std::string read_source_file(const std::string& relative)
{
    return read_text_file(source_path(relative));
}

} // namespace csms::test
