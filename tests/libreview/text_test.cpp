#include "libreview/core/text.h"

#include <catch2/catch.hpp>

using namespace review;

TEST_CASE("split_lines handles CRLF and a missing final newline", "[text]")
{
    auto lines = text::split_lines("a\r\nb\nc");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "a");
    CHECK(lines[2] == "c");
}

TEST_CASE("sanitize_utf8 replaces invalid bytes", "[text]")
{
    CHECK(text::is_valid_utf8("caf\xC3\xA9"));
    CHECK_FALSE(text::is_valid_utf8("bad \xC3"));
    CHECK(text::sanitize_utf8("x\xFFy") == "x\xEF\xBF\xBDy");
    CHECK(text::display_width("caf\xC3\xA9") == 4);
}

TEST_CASE("did_you_mean suggests close names only", "[text]")
{
    std::vector<std::string> names = {"shortlog.case", "shortlog.topic", "tags.signoff"};
    CHECK(text::did_you_mean("shortlog.cas", names) == std::optional<std::string>("shortlog.case"));
    CHECK_FALSE(text::did_you_mean("completely.different", names));
}
