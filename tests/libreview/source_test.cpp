// The source stage: one classification of command-line inputs, and patches
// built from decoded mail with the same lines as from a format-patch file.

#include "libreview/patch/patch_file.h"
#include "libreview/source/input.h"
#include "libreview/source/mail.h"
#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>

using namespace review;
using namespace testsupport;
using source::Kind;
namespace fs = std::filesystem;

namespace {

std::string const patch_text = "From 0123456789012345678901234567890123456789 Mon Sep 17 00:00:00 2001\n"
                               "From: Alice Hacker <alice@example.org>\n"
                               "Date: Thu, 16 Nov 2023 09:00:00 +0000\n"
                               "Subject: [PATCH 1/2] KVM: x86: Add b\n"
                               "\n"
                               "Add b to x86.c so that c follows.\n"
                               "\n"
                               "Signed-off-by: Alice Hacker <alice@example.org>\n"
                               "---\n"
                               " arch/x86/kvm/x86.c | 1 +\n"
                               "\n"
                               "diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c\n"
                               "index 0123456789ab..ba9876543210 100644\n"
                               "--- a/arch/x86/kvm/x86.c\n"
                               "+++ b/arch/x86/kvm/x86.c\n"
                               "@@ -1,2 +1,3 @@\n"
                               " a\n"
                               "+b\n"
                               " c\n"
                               "-- \n"
                               "2.43.0\n";

} // namespace

TEST_CASE("classify sorts every input kind by the one table")
{
    TempDir tmp;
    write_file(tmp.path() / "0001-a.patch", patch_text);
    write_file(tmp.path() / "fix.diff", patch_text);
    write_file(tmp.path() / "series.mbox", patch_text);
    write_file(tmp.path() / "t.mbox.gz", "\x1f\x8b");
    write_file(tmp.path() / "one.eml", patch_text);
    write_file(tmp.path() / "notes", patch_text);
    fs::create_directories(tmp.path() / "md" / "cur");
    fs::create_directories(tmp.path() / "pi" / "git" / "0.git");
    fs::create_directories(tmp.path() / "folder");
    auto at = [&](char const* name) { return source::classify((tmp.path() / name).string()); };
    CHECK(at("0001-a.patch") == Kind::PatchFile);
    CHECK(at("fix.diff") == Kind::PatchFile);
    CHECK(at("notes") == Kind::PatchFile); // any other file: one patch, as git am would take it
    CHECK(at("series.mbox") == Kind::Mailbox);
    CHECK(at("t.mbox.gz") == Kind::Mailbox);
    CHECK(at("one.eml") == Kind::Mailbox);
    CHECK(at("md") == Kind::Maildir);
    CHECK(at("pi") == Kind::PublicInbox);
    CHECK(at("folder") == Kind::PatchFolder);
    CHECK(source::classify("HEAD~3..HEAD") == Kind::Revision);
    CHECK(source::classify("https://lore.kernel.org/kvm/") == Kind::Url);
    CHECK(source::kind_name(Kind::Maildir) == "Maildir");
}

TEST_CASE("mail_files lists a folder's mail files and a Maildir's cur then new")
{
    TempDir tmp;
    fs::create_directories(tmp.path() / "f");
    for (char const* n : {"0002-b.patch", "0001-a.patch", "README.md", ".hidden.patch", "0000-cover-letter.patch", "17"})
        write_file(tmp.path() / "f" / n, patch_text);
    auto files = source::mail_files((tmp.path() / "f").string(), Kind::PatchFolder);
    std::vector<std::string> names;
    for (auto const& f : files)
        names.push_back(fs::path(f).filename().string());
    CHECK(names == std::vector<std::string>{"0000-cover-letter.patch", "0001-a.patch", "0002-b.patch", "17"});

    fs::create_directories(tmp.path() / "md" / "cur");
    fs::create_directories(tmp.path() / "md" / "new");
    write_file(tmp.path() / "md" / "new" / "1700000000.a", patch_text);
    write_file(tmp.path() / "md" / "cur" / "1700000001.b:2,S", patch_text);
    files = source::mail_files((tmp.path() / "md").string(), Kind::Maildir);
    REQUIRE(files.size() == 2);
    CHECK(fs::path(files[0]).parent_path().filename() == "cur");
    CHECK(fs::path(files[1]).parent_path().filename() == "new");
}

TEST_CASE("a mail and the same format-patch file build the same patch at the same lines")
{
    auto from_file = parse_patch_text(patch_text, "p.patch");
    REQUIRE(from_file);
    // The mail is the file without its postmark: every line one up.
    std::string mail = patch_text.substr(patch_text.find('\n') + 1);
    auto from_mail = source::mail_to_patch(mail, "p.eml", 2);
    REQUIRE(from_mail);
    CHECK(from_mail->origin == Origin::Mail);
    CHECK(from_mail->message.title == from_file->message.title);
    CHECK(from_mail->message.title_line == from_file->message.title_line);
    REQUIRE(from_mail->message.body.size() == from_file->message.body.size());
    for (std::size_t i = 0; i < from_file->message.body.size(); ++i)
        CHECK(from_mail->message.body[i].number == from_file->message.body[i].number);
    REQUIRE(from_mail->message.trailers.size() == 1);
    CHECK(from_mail->message.trailers[0].line == from_file->message.trailers[0].line);
    CHECK(from_mail->message.trailers[0].line == 8);
    REQUIRE(from_mail->diff.files.size() == 1);
    CHECK(from_mail->diff.files[0].source_line == from_file->diff.files[0].source_line);
    CHECK(from_mail->diff.files[0].hunks[0].added[0].source_line == 18);
    CHECK(from_file->diff.files[0].hunks[0].added[0].source_line == 18);
}

TEST_CASE("a quoted-printable body keeps the raw line of each decoded line")
{
    std::string mail = "From: Alice Hacker <alice@example.org>\n"
                       "Subject: [PATCH] KVM: x86: Fix =3D handling\n"
                       "Content-Type: text/plain; charset=utf-8\n"
                       "Content-Transfer-Encoding: quoted-printable\n"
                       "\n"
                       "Compare a =3D=3D b.\n"
                       "\n"
                       "Signed-off-by: Alice Hacker <alice@example.org>\n";
    auto patch = source::mail_to_patch(mail, "qp.eml", 10);
    REQUIRE(patch);
    REQUIRE(!patch->message.body.empty());
    CHECK(patch->message.body[0].text == "Compare a == b.");
    CHECK(patch->message.body[0].number == 15);
    CHECK(patch->message.title_line == 11);
    REQUIRE(patch->message.trailers.size() == 1);
    CHECK(patch->message.trailers[0].line == 17);
}

TEST_CASE("read_raw_mails refuses what is not mail and reads a gzip mailbox")
{
    TempDir tmp;
    fs::create_directories(tmp.path() / "pi" / "git" / "0.git");
    auto pi = source::read_raw_mails((tmp.path() / "pi").string());
    REQUIRE(!pi);
    CHECK(pi.error().message.find("public-inbox archive") != std::string::npos);
    auto missing = source::read_raw_mails((tmp.path() / "nope.mbox").string());
    REQUIRE(!missing);
    CHECK(missing.error().message == "no such file or directory");
    fs::create_directories(tmp.path() / "empty");
    auto empty = source::read_raw_mails((tmp.path() / "empty").string());
    REQUIRE(!empty);
    CHECK(empty.error().describe().find("empty") != std::string::npos);
}
