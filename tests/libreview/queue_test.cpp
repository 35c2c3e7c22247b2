// Unit tests of the queue's parsers: version words, follow-up trailers,
// patch-ids, Link: URLs, the strict gunzip and the range-diff pairing.

#include "libreview/patch/diff.h"
#include "libreview/queue/applied.h"
#include "libreview/queue/gzip.h"
#include "libreview/queue/ingest.h"
#include "libreview/queue/range_diff.h"

#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>
#include <zlib.h>

using namespace review::queue;

namespace {

} // namespace

TEST_CASE("version words: v3, v5.5, and what is not a version", "[queue]")
{
    CHECK(parse_version_word("v3").key == 300);
    CHECK(parse_version_word("v5.5").key == 505);
    CHECK(parse_version_word("v5.5").label == "5.5");
    CHECK(parse_version_word("V10").label == "10");
    CHECK_FALSE(parse_version_word("v").explicit_tag);
    CHECK_FALSE(parse_version_word("vfio").explicit_tag);
    CHECK_FALSE(parse_version_word("v0").explicit_tag);
    CHECK_FALSE(parse_version_word("v1.").explicit_tag);
    CHECK_FALSE(parse_version_word("v99999").explicit_tag);
}

TEST_CASE("follow-up trailers: unquoted, above the signature, with an address", "[queue]")
{
    auto t = followup_trailers("> Reviewed-by: Quoted <q@example.com>\n"
                               "Acked-by: Ann <ann@example.com>\n"
                               "  Tested-by: Tom <tom@example.com>\n"
                               "Reviewed-by: nobody\n"
                               "reviewed-by: low@example.com\n"
                               "-- \n"
                               "Reviewed-by: Sig <sig@example.com>\n");
    REQUIRE(t.size() == 3);
    CHECK(t[0].key == "Acked-by");
    CHECK(t[0].email == "ann@example.com");
    CHECK(t[1].key == "Tested-by");
    CHECK(t[2].key == "Reviewed-by");
    CHECK(t[2].email == "low@example.com");
}

TEST_CASE("patch-id ignores whitespace and context, not content", "[queue]")
{
    std::string a = "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,3 +1,3 @@ int f(void)\n ctx\n-old line\n+new line\n ctx2\n";
    std::string b = "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -10,3 +10,3 @@ int g(void)\n other\n-old  line\n+new\tline\n other2\n";
    std::string c = "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,3 +1,3 @@\n ctx\n-old line\n+newer line\n ctx2\n";
    auto id = [](std::string const& t) { return patch_id(review::parse_diff(t)); };
    CHECK(id(a) == id(b));
    CHECK(id(a) != id(c));
    CHECK(id(a).size() == 16);
    CHECK(patch_id(review::Diff{}).empty());
}

TEST_CASE("Link: URLs name the Message-ID", "[queue]")
{
    CHECK(link_message_id("https://lore.kernel.org/r/20240509.1-1-a@b.c") == "20240509.1-1-a@b.c");
    CHECK(link_message_id("https://lore.kernel.org/all/20240509.1-1-a@b.c/") == "20240509.1-1-a@b.c");
    CHECK(link_message_id("https://lore.kernel.org/kvm/x%40y.z/T/") == "x@y.z");
    CHECK(link_message_id("https://example.com/no-id-here").empty());
    CHECK(link_message_id("").empty());
}

TEST_CASE("strict gunzip: whole, concatenated, truncated, not gzip", "[queue]")
{
    std::string text = "From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: x\n\nbody\n";
    CHECK(*gunzip_strict(testsupport::gzip(text), "t", 1 << 20) == text);
    CHECK(*gunzip_strict(testsupport::gzip(text) + testsupport::gzip(text), "t", 1 << 20) == text + text);
    std::string cut = testsupport::gzip(text);
    auto truncated = gunzip_strict(cut.substr(0, cut.size() - 6), "t.mbox.gz", 1 << 20);
    REQUIRE_FALSE(truncated);
    CHECK(truncated.error().describe() == "t.mbox.gz: truncated gzip data");
    CHECK_FALSE(gunzip_strict(text, "t", 1 << 20));
    CHECK_FALSE(gunzip_strict("", "t", 1 << 20));
    std::string big(3 << 20, 'a');
    CHECK_FALSE(gunzip_strict(testsupport::gzip(big), "t", 1 << 20));
}

TEST_CASE("range-diff pairs by content, finds moved, added and dropped patches", "[queue]")
{
    auto patch = [](int index, std::string title, std::vector<std::string> lines) {
        RangePatch p;
        p.index = index;
        p.title = title;
        p.lines = {title, ""};
        p.lines.insert(p.lines.end(), lines.begin(), lines.end());
        return p;
    };
    std::vector<std::string> big_a(20, "+a"), big_b(20, "+b"), big_c(20, "+c");
    big_a.push_back("+tail");
    std::vector<RangePatch> v1 = {patch(1, "one", big_a), patch(2, "two", big_b), patch(3, "three", big_c)};
    auto changed = big_b;
    changed.push_back("+extra");
    std::vector<RangePatch> v2 = {patch(1, "two", changed), patch(2, "one", big_a),
                                  patch(3, "four", std::vector<std::string>(20, "+d"))};
    auto d = range_diff(v1, v2);
    REQUIRE(d.pairs.size() == 4);
    CHECK(d.pairs[0].kind == PairKind::Changed);
    CHECK(d.pairs[0].a == 1);
    CHECK(d.pairs[1].kind == PairKind::Same);
    CHECK(d.pairs[1].moved);
    CHECK(d.pairs[2].kind == PairKind::Added);
    CHECK(d.pairs[3].kind == PairKind::Dropped);
    CHECK(d.pairs[3].a == 2);
    auto text = format_range_diff(d, v1, v2);
    CHECK(text.find("1 unchanged, 1 changed, 1 added, 1 dropped, 1 moved") != std::string::npos);
    CHECK(line_diff({"a", "b"}, {"a", "b"}).empty());
    CHECK(line_diff({"a", "b", "c"}, {"a", "x", "c"}) == std::vector<std::string>{"@@", " a", "-b", "+x", " c"});
}
