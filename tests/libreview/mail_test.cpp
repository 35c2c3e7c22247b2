// Mail decoding and mailbox reading: encodings, charsets, MIME structure,
// mbox variants, Maildir, gzip, and hostile input that must give clear
// problems rather than crashes or hangs.

#include "libreview/mail/gobject.h"
#include "libreview/mail/mailbox.h"
#include "libreview/mail/message.h"
#include "libreview/series/series.h"
#include "libreview/patch/patch_file.h"
#include "libreview/source/mail.h"
#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>

using namespace review;
namespace fs = std::filesystem;

namespace {

std::string const diff_text = "diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c\n"
                              "index 0123456789ab..ba9876543210 100644\n"
                              "--- a/arch/x86/kvm/x86.c\n"
                              "+++ b/arch/x86/kvm/x86.c\n"
                              "@@ -1,2 +1,3 @@\n"
                              " a\n"
                              "+b\n"
                              " c\n";

std::string simple_mail(std::string const& subject, std::string const& id, std::string const& extra = "")
{
    return "From: Alice Hacker <alice@example.org>\n"
           "Date: Thu, 16 Nov 2023 09:00:00 +0000\n"
           "Subject: " + subject + "\n" +
           (id.empty() ? std::string() : "Message-ID: <" + id + ">\n") + extra +
           "\nAdd b to x86.c.\n\nSigned-off-by: Alice Hacker <alice@example.org>\n---\n" + diff_text;
}

std::string mbox(std::vector<std::string> const& mails)
{
    std::string out;
    for (auto const& m : mails)
        out += "From mboxrd@z Thu Jan  1 00:00:00 1970\n" + m + "\n";
    return out;
}

review::source::MailInput decode(std::string const& text)
{
    review::source::MailInput in;
    review::source::decode_mails(mail::split_mbox(text, "test.mbox"), in);
    return in;
}

std::string gzip(std::string const& data)
{
    mail::ensure_gmime();
    mail::GObjectPtr<GMimeStream> mem(g_mime_stream_mem_new());
    mail::GObjectPtr<GMimeStream> filtered(g_mime_stream_filter_new(mem.get()));
    mail::GObjectPtr<GMimeFilter> zip(g_mime_filter_gzip_new(GMIME_FILTER_GZIP_MODE_ZIP, 6));
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered.get()), zip.get());
    g_mime_stream_write(filtered.get(), data.data(), data.size());
    g_mime_stream_flush(filtered.get());
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
    return std::string(reinterpret_cast<char const*>(bytes->data), bytes->len);
}

} // namespace

TEST_CASE("RFC 2047 subjects, folded headers and quoted-printable latin-1 bodies decode to UTF-8", "[mail]")
{
    std::string raw = "From: =?ISO-8859-1?Q?J=F6rg_R=F6del?= <joro@example.org>\n"
                      "Date: Thu, 16 Nov 2023 09:00:00 +0000\n"
                      "Subject: [PATCH 1/2] KVM: SVM: =?UTF-8?Q?Fix_the_na=C3=AFve?=\n"
                      " check\n"
                      "Message-ID: <qp@example.org>\n"
                      "MIME-Version: 1.0\n"
                      "Content-Type: text/plain; charset=ISO-8859-1\n"
                      "Content-Transfer-Encoding: quoted-printable\n"
                      "\n"
                      "Fix the check J=F6rg found, a very long line that is soft=\n"
                      " wrapped.\n"
                      "\n"
                      "Signed-off-by: J=F6rg R=F6del <joro@example.org>\n"
                      "---\n" +
                      diff_text;
    auto patch = review::source::mail_to_patch(raw, "qp.eml", 1);
    REQUIRE(patch.has_value());
    CHECK(patch->subject == "[PATCH 1/2] KVM: SVM: Fix the naïve check");
    CHECK(patch->message.title == "KVM: SVM: Fix the naïve check");
    CHECK(patch->author.name == "Jörg Rödel");
    REQUIRE(!patch->message.body.empty());
    CHECK(patch->message.body.front().text == "Fix the check Jörg found, a very long line that is soft wrapped.");
    REQUIRE(patch->message.trailers.size() == 1);
    CHECK(patch->message.trailers[0].value == "Jörg Rödel <joro@example.org>");
    CHECK(patch->diff.files.size() == 1);
    CHECK(review::header(*patch, "Message-ID") == "<qp@example.org>");
    CHECK(patch->message.title_line == 3);
}

TEST_CASE("base64 bodies and patches attached as a MIME part are decoded", "[mail]")
{
    std::string b64 = "QWRkIGIgdG8geDg2LmMuCg=="; // "Add b to x86.c.\n"
    std::string raw = "From: Alice Hacker <alice@example.org>\n"
                      "Subject: [PATCH] KVM: x86: Add b\n"
                      "Message-ID: <mp@example.org>\n"
                      "MIME-Version: 1.0\n"
                      "Content-Type: multipart/mixed; boundary=\"XYZ\"\n"
                      "\n"
                      "--XYZ\n"
                      "Content-Type: text/plain; charset=utf-8\n"
                      "Content-Transfer-Encoding: base64\n"
                      "\n" + b64 + "\n"
                      "--XYZ\n"
                      "Content-Type: application/octet-stream; name=\"0001-add-b.patch\"\n"
                      "Content-Disposition: attachment; filename=\"0001-add-b.patch\"\n"
                      "\n" + diff_text +
                      "--XYZ--\n";
    std::vector<std::string> problems;
    auto patch = review::source::mail_to_patch(raw, "mp.eml", 1, &problems);
    REQUIRE(patch.has_value());
    CHECK(problems.empty());
    REQUIRE(!patch->message.body.empty());
    CHECK(patch->message.body.front().text == "Add b to x86.c.");
    REQUIRE(patch->diff.files.size() == 1);
    CHECK(patch->diff.files[0].path() == "arch/x86/kvm/x86.c");
}

TEST_CASE("mboxrd escapes are undone and a From line inside a body does not split the mail", "[mail][mbox]")
{
    std::string body_with_from = "From: Alice Hacker <alice@example.org>\nSubject: [PATCH] KVM: x86: Add b\n"
                                 "Message-ID: <a@example.org>\n\nAdd b.\n\nFrom here on the check is cheap.\n"
                                 ">From the start it was.\n>>From nested.\n";
    auto in = decode(mbox({body_with_from, simple_mail("[PATCH] KVM: x86: Add c", "b@example.org")}));
    REQUIRE(in.mails.size() == 2);
    auto text = in.mails[0].message.body_text();
    CHECK(text.find("From here on the check is cheap.") != std::string::npos);
    CHECK(text.find("\nFrom the start it was.") != std::string::npos);
    CHECK(text.find("\n>From nested.") != std::string::npos);
    CHECK(in.mails[1].message.title == "KVM: x86: Add c");
    // Lines point into the mbox: the second mail's Subject: is on line 15.
    CHECK(in.mails[1].message.title_line == 15);
}

TEST_CASE("gzip mboxes, Maildir folders and format-patch directories are read", "[mail][mbox]")
{
    testsupport::TempDir tmp;
    std::string box = mbox({simple_mail("[PATCH 1/2] KVM: x86: Add b", "1@x"), simple_mail("[PATCH 2/2] KVM: x86: Add c", "2@x")});
    testsupport::write_file(tmp.path() / "t.mbox.gz", gzip(box));
    auto gz = review::source::read_mail_input((tmp.path() / "t.mbox.gz").string());
    REQUIRE(gz.has_value());
    CHECK(gz->mails.size() == 2);

    testsupport::write_file(tmp.path() / "md" / "cur" / "1:2,S", simple_mail("[PATCH 1/2] KVM: x86: Add b", "1@x"));
    testsupport::write_file(tmp.path() / "md" / "new" / "2", simple_mail("[PATCH 2/2] KVM: x86: Add c", "2@x"));
    fs::create_directories(tmp.path() / "md" / "tmp");
    auto md = review::source::read_mail_input((tmp.path() / "md").string());
    REQUIRE(md.has_value());
    CHECK(md->mails.size() == 2);

    testsupport::write_file(tmp.path() / "fp" / "0001-a.patch",
                            "From 0123456789012345678901234567890123456789 Mon Sep 17 00:00:00 2001\n" +
                                simple_mail("[PATCH 1/2] KVM: x86: Add b", ""));
    testsupport::write_file(tmp.path() / "fp" / "0002-b.patch",
                            "From 0123456789012345678901234567890123456789 Mon Sep 17 00:00:00 2001\n" +
                                simple_mail("[PATCH 2/2] KVM: x86: Add c", ""));
    testsupport::write_file(tmp.path() / "fp" / "notes.txt", "not a patch");
    auto fp = review::source::read_mail_input((tmp.path() / "fp").string());
    REQUIRE(fp.has_value());
    CHECK(fp->mails.size() == 2);
    Mailbox series = assemble(std::move(fp->mails));
    REQUIRE(series.series.size() == 1);
    CHECK(series.series[0].versions[0].patches.size() == 2);

    auto corrupt = mail::gunzip(std::string("\x1f\x8b\x08\x00garbage", 12), "bad.gz");
    CHECK(!corrupt.has_value());
}

TEST_CASE("hostile mail gives problems, never a crash", "[mail][bad-input]")
{
    SECTION("truncated mbox")
    {
        std::string box = mbox({simple_mail("[PATCH 1/2] KVM: x86: Add b", "1@x")}) +
                          "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Alice <a@x>\nSubject: [PATCH 2/2] KVM: x8";
        auto in = decode(box);
        CHECK(in.mails.size() == 2);
        CHECK(in.mails[1].diff.empty());
    }
    SECTION("broken MIME: a multipart with no boundary and no parts")
    {
        std::string raw = "From: a@x\nSubject: [PATCH] x\nMIME-Version: 1.0\nContent-Type: multipart/mixed\n\n"
                          "--nothing\n";
        std::vector<std::string> problems;
        auto p = review::source::mail_to_patch(raw, "b.eml", 1, &problems);
        CHECK(p.has_value());
    }
    SECTION("a body that lies about its charset")
    {
        std::string raw = "From: a@x\nSubject: [PATCH] x\nContent-Type: text/plain; charset=utf-8\n\nJ\xf6rg\n";
        std::vector<std::string> problems;
        auto p = review::source::mail_to_patch(raw, "c.eml", 1, &problems);
        REQUIRE(p.has_value());
        CHECK(!problems.empty());
        CHECK(p->message.body_text().find("J") != std::string::npos);
    }
    SECTION("an unknown charset")
    {
        std::string raw = "From: a@x\nSubject: [PATCH] x\nContent-Type: text/plain; charset=x-klingon\n\nqapla\n";
        std::vector<std::string> problems;
        auto p = review::source::mail_to_patch(raw, "d.eml", 1, &problems);
        REQUIRE(p.has_value());
        CHECK(!problems.empty());
    }
    SECTION("no headers at all")
    {
        auto in = decode("\n\njust text\nmore text\n");
        CHECK(in.mails.empty());
        CHECK(in.problems.size() == 1);
    }
    SECTION("binary garbage")
    {
        std::string junk;
        for (int i = 0; i < 4096; ++i)
            junk += static_cast<char>((i * 7919) & 0xff);
        auto in = decode(junk);
        CHECK(in.mails.size() + in.problems.size() >= 1);
    }
}

TEST_CASE("missing Message-IDs and duplicate Message-IDs are reported", "[mail][series][bad-input]")
{
    auto in = decode(mbox({simple_mail("[PATCH 0/2] KVM: x86: Tidy", "c@x"),
                           simple_mail("[PATCH 1/2] KVM: x86: Add b", "", "In-Reply-To: <c@x>\n"),
                           simple_mail("[PATCH 2/2] KVM: x86: Add c", "c@x", "In-Reply-To: <c@x>\n")}));
    Mailbox box = assemble(std::move(in.mails));
    REQUIRE(box.problems.size() == 2);
    CHECK(box.problems[0].find("no Message-ID") != std::string::npos);
    CHECK(box.problems[1].find("duplicate Message-ID <c@x>") != std::string::npos);
    REQUIRE(box.series.size() == 1);
}

TEST_CASE("a 50 MB mbox is read within the size limits", "[mail][bad-input]")
{
    std::string big = "From mboxrd@z Thu Jan  1 00:00:00 1970\n" + simple_mail("[PATCH] KVM: x86: Add b", "big@x");
    std::string line(99, 'x');
    line += '\n';
    big.reserve(50u << 20);
    while (big.size() < (50u << 20))
        big += line;
    auto in = decode(big);
    REQUIRE(in.mails.size() == 1);
    CHECK(in.mails[0].diff.files.size() == 1);
}
