// Series assembly: subject tags, threading, versions, replies, and series
// that are incomplete, duplicated or mixed together.

#include "libreview/mail/mailbox.h"
#include "libreview/series/series.h"
#include "libreview/series/subject.h"
#include "libreview/source/mail.h"
#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>

using namespace review;

TEST_CASE("subject tags parse the forms lore carries", "[series][subject]")
{
    auto t = series::parse_subject("[RFC PATCH v3 02/13] KVM: x86: Add foo");
    CHECK(t.is_patch);
    CHECK(t.rfc);
    CHECK(t.version == 3);
    CHECK(t.index == 2);
    CHECK(t.total == 13);
    CHECK(t.title == "KVM: x86: Add foo");

    t = series::parse_subject("[PATCH kvm-unit-tests v2 1/4] x86: Test foo");
    CHECK(t.project == "kvm-unit-tests");
    CHECK(t.version == 2);

    t = series::parse_subject("[PATCH 6.1.y 1/2] KVM: x86: Fix foo");
    CHECK(t.project == "6.1.y");
    CHECK(t.version == 1);
    CHECK(t.index == 1);

    t = series::parse_subject("Re: [PATCH v2 0/5] KVM: x86: Foo");
    CHECK(t.is_reply);
    CHECK(t.index == 0);
    CHECK(t.numbered);

    t = series::parse_subject("[PATCH RESEND] KVM: x86: Foo");
    CHECK(t.resend);
    CHECK(!t.numbered);

    t = series::parse_subject("[PATCH,v4,3/7] KVM: x86: Foo");
    CHECK(t.version == 4);
    CHECK(t.index == 3);

    t = series::parse_subject("KVM: x86: Foo");
    CHECK(!t.is_patch);
}

namespace {

std::string post(std::string const& subject, std::string const& id, std::string const& date,
                 std::string const& irt = "", std::string const& from = "Alice <alice@example.org>")
{
    return "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: " + from + "\nDate: " + date + "\nSubject: " + subject +
           "\nMessage-ID: <" + id + ">\n" + (irt.empty() ? "" : "In-Reply-To: <" + irt + ">\n") +
           "\nBody.\n\nSigned-off-by: " + from + "\n---\ndiff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n a\n+b\n\n";
}

Mailbox read(std::string const& text)
{
    review::source::MailInput in;
    review::source::decode_mails(mail::split_mbox(text, "t.mbox"), in);
    REQUIRE(in.problems.empty());
    return assemble(std::move(in.mails));
}

} // namespace

TEST_CASE("versions of a series form one history; replies are kept apart", "[series]")
{
    std::string d1 = "Mon, 13 Nov 2023 10:00:00 +0000", d2 = "Thu, 16 Nov 2023 10:00:00 +0000";
    Mailbox box = read(post("[PATCH 0/2] KVM: x86: Foo", "v1c", d1) + post("[PATCH 1/2] KVM: x86: A", "v1a", d1, "v1c") +
                       post("[PATCH 2/2] KVM: x86: B", "v1b", d1, "v1c") +
                       post("Re: [PATCH 1/2] KVM: x86: A", "r1", d1, "v1a", "Bob <bob@example.org>") +
                       post("[PATCH v2 0/2] KVM: x86: Foo", "v2c", d2) +
                       post("[PATCH v2 1/2] KVM: x86: A", "v2a", d2, "v2c") +
                       post("[PATCH v2 2/2] KVM: x86: B", "v2b", d2, "v2c"));
    REQUIRE(box.series.size() == 1);
    auto const& h = box.series[0];
    REQUIRE(h.versions.size() == 2);
    CHECK(h.versions[0].version == 1);
    CHECK(h.versions[1].version == 2);
    CHECK(h.versions[1].cover.has_value());
    CHECK(h.versions[1].patches.size() == 2);
    CHECK(box.replies.size() == 1);
}

TEST_CASE("two series mixed in one mbox are told apart by threading", "[series][bad-input]")
{
    std::string d = "Mon, 13 Nov 2023 10:00:00 +0000";
    Mailbox box = read(post("[PATCH 0/2] KVM: x86: Foo", "fc", d) + post("[PATCH 0/2] KVM: VMX: Bar", "bc", d) +
                       post("[PATCH 1/2] KVM: VMX: Bar one", "b1", d, "bc") +
                       post("[PATCH 1/2] KVM: x86: Foo one", "f1", d, "fc") +
                       post("[PATCH 2/2] KVM: x86: Foo two", "f2", d, "fc") +
                       post("[PATCH 2/2] KVM: VMX: Bar two", "b2", d, "bc"));
    REQUIRE(box.series.size() == 2);
    for (auto const& h : box.series) {
        REQUIRE(h.versions.size() == 1);
        auto const& s = h.versions[0];
        CHECK(s.patches.size() == 2);
        CHECK(s.duplicates.empty());
        for (auto const& p : s.patches)
            CHECK(p.tags.title.rfind(s.title.substr(0, 8), 0) == 0);
    }
}

TEST_CASE("duplicated and missing patches are kept for the numbering rule", "[series][bad-input]")
{
    std::string d = "Mon, 13 Nov 2023 10:00:00 +0000";
    Mailbox box = read(post("[PATCH 0/3] KVM: x86: Foo", "c", d) + post("[PATCH 1/3] KVM: x86: A", "a", d, "c") +
                       post("[PATCH 1/3] KVM: x86: A", "a2", d, "c"));
    REQUIRE(box.series.size() == 1);
    auto const& s = box.series[0].versions[0];
    CHECK(s.patches.size() == 1);
    CHECK(s.duplicates.size() == 1);
    CHECK(s.total == 3);
}
