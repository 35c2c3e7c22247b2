// Commit message parsing: where the body ends and the trailer block begins,
// and which lines continue a trailer.

#include "libreview/patch/message.h"

#include <catch2/catch.hpp>

using namespace review;

TEST_CASE("a Fixes: title wrapped onto an unindented line stays in its trailer", "[message]")
{
    auto m = parse_message("KVM: x86: Fix it\n"
                           "\n"
                           "Fix it.\n"
                           "\n"
                           "Reported-by: R <r@example.com>\n"
                           "Fixes: 0123456789ab (\"KVM: x86: Some quite long title that got\n"
                           "wrapped by the mail client\")\n"
                           "Signed-off-by: A <a@example.com>\n");
    REQUIRE(m.trailers.size() == 3);
    CHECK(m.trailers[0].key == "Reported-by");
    CHECK(m.trailers[1].key == "Fixes");
    CHECK(m.trailers[1].line == 6);
    CHECK(m.trailers[1].continued);
    CHECK(m.trailers[1].value == "0123456789ab (\"KVM: x86: Some quite long title that got wrapped by the mail client\")");
    CHECK(m.trailers[2].key == "Signed-off-by");
    REQUIRE(m.body.size() == 1);
    CHECK(m.body[0].text == "Fix it.");
}

TEST_CASE("a title wrapped onto up to three more lines joins; a longer run does not", "[message]")
{
    auto joined = parse_message("T\n\nFixes: 0123456789ab (\"KVM: x86: One\ntwo\nthree\nfour\")\n"
                                "Signed-off-by: A <a@example.com>\n");
    REQUIRE(joined.trailers.size() == 2);
    CHECK(joined.trailers[0].value == "0123456789ab (\"KVM: x86: One two three four\")");
    CHECK(joined.body.empty());

    auto too_long = parse_message("T\n\nFixes: 0123456789ab (\"KVM: x86: One\ntwo\nthree\nfour\nfive\")\n"
                                  "Signed-off-by: A <a@example.com>\n");
    REQUIRE(too_long.trailers.size() == 1);
    CHECK(too_long.trailers[0].key == "Signed-off-by");
    CHECK(too_long.body.size() == 5);
}

TEST_CASE("prose ending in a wrapped citation is not a trailer", "[message]")
{
    auto m = parse_message("T\n\n"
                           "The lookup came with commit 0123456789ab (\"KVM: x86: Add the\n"
                           "guest MAXPHYADDR lookup\")\n"
                           "Signed-off-by: A <a@example.com>\n");
    REQUIRE(m.trailers.size() == 1);
    CHECK(m.trailers[0].key == "Signed-off-by");
    CHECK(m.body.size() == 2);

    // Without a sign-off a run that does not fill its paragraph is no block.
    auto unsigned_ = parse_message("T\n\nSee below.\nFixes: 0123456789ab (\"KVM: x86: A\ntitle\")\n");
    CHECK(unsigned_.trailers.empty());
    CHECK(unsigned_.body.size() == 3);
}

TEST_CASE("a well-formed Fixes: and indented continuations parse as before", "[message]")
{
    auto m = parse_message("T\n\nBody.\n\n"
                           "Fixes: 0123456789ab (\"KVM: x86: Title\")\n"
                           "Link: https://lore.kernel.org/all/x\n"
                           "  more\n"
                           "Signed-off-by: A <a@example.com>\n");
    REQUIRE(m.trailers.size() == 3);
    CHECK_FALSE(m.trailers[0].continued);
    CHECK(m.trailers[1].continued);
    CHECK(m.trailers[1].value == "https://lore.kernel.org/all/x more");
}
