// kvmx hook under the real `git send-email`: a temporary repository, the
// hook installed by `kvmx hook install`, and an --smtp-server script that
// records what would have left. Never touches the developer's repository or
// ~/.gitconfig: HOME is the temp dir, global and system config are off.

#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

class SendEmailRepo {
public:
    SendEmailRepo()
    {
        m_env = "HOME='" + m_dir.path().string() + "' GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 " +
                "GIT_AUTHOR_DATE='2024-01-02T10:00:00Z' GIT_COMMITTER_DATE='2024-01-02T10:00:00Z' ";
        testsupport::write_file(sink(), "#!/bin/sh\ncat >> '" + sent().string() + "'\necho '--MAIL--' >> '" +
                                             sent().string() + "'\n");
        REQUIRE(sh("chmod +x '" + sink().string() + "'") == 0);
        REQUIRE(sh("git init -q -b master repo && cd repo && git config user.name 'Alice Hacker' && "
                   "git config user.email alice@example.org && mkdir -p arch/x86/kvm && "
                   "echo a > arch/x86/kvm/x86.c && git add . && git commit -qm 'KVM: x86: Base'") == 0);
        commit("KVM: x86: Add the foo helper", "Add foo() to share the checks of bar() and baz().", "b");
        commit("KVM: x86: Use the foo helper in bar", "Call foo() from bar() instead of open-coding the checks.", "c");
    }

    int sh(std::string const& cmd) const
    {
        std::string full = "cd '" + m_dir.path().string() + "' && " + m_env + "sh -c '" + escape(cmd) + "' >>'" +
                           (m_dir.path() / "log").string() + "' 2>&1";
        int status = std::system(full.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    int in_repo(std::string const& cmd) const { return sh("cd repo && " + cmd); }

    void commit(std::string const& title, std::string const& body, std::string const& line)
    {
        REQUIRE(in_repo("echo " + line + " >> arch/x86/kvm/x86.c && git commit -qa -m '" + title + "' -m '" + body +
                        "' -m 'Signed-off-by: Alice Hacker <alice@example.org>'") == 0);
    }

    int send() const
    {
        return in_repo("git send-email --confirm=never --no-annotate --to=kvm@vger.kernel.org "
                       "--from='Alice Hacker <alice@example.org>' --smtp-server='" +
                       sink().string() + "' out/*.patch");
    }

    fs::path sink() const { return m_dir.path() / "sink.sh"; }
    fs::path sent() const { return m_dir.path() / "sent.txt"; }
    fs::path repo() const { return m_dir.path() / "repo"; }
    std::string log() const { return testsupport::read_file(m_dir.path() / "log"); }
    std::string kvmx() const { return std::string("'") + KVMX_BINARY + "'"; }

private:
    static std::string escape(std::string const& s)
    {
        std::string out;
        for (char c : s)
            out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return out;
    }

    testsupport::TempDir m_dir;
    std::string m_env;
};

} // namespace

TEST_CASE("the hook refuses a bad series before any mail leaves", "[hook][send-email]")
{
    SendEmailRepo r;
    REQUIRE(r.in_repo(r.kvmx() + " hook install") == 0);
    REQUIRE(r.in_repo("git format-patch -q --cover-letter -o out HEAD~2") == 0);
    int status = r.send();
    INFO(r.log());
    CHECK(status != 0);
    CHECK(!fs::exists(r.sent()));
    std::string log = r.log();
    CHECK(log.find("[series.placeholders]") != std::string::npos);
    CHECK(log.find("[series.base-commit]") != std::string::npos);
    // Reported once, not once per message.
    CHECK(log.find("[series.base-commit]") == log.rfind("[series.base-commit]"));
}

TEST_CASE("the hook lets a good series through untouched", "[hook][send-email]")
{
    SendEmailRepo r;
    REQUIRE(r.in_repo(r.kvmx() + " hook install") == 0);
    REQUIRE(r.in_repo("git format-patch -q --cover-letter --base=HEAD~2 -o out HEAD~2") == 0);
    REQUIRE(r.in_repo("sed -i -e 's/\\*\\*\\* SUBJECT HERE \\*\\*\\*/KVM: x86: Share the checks of bar() and baz()/' "
                      "-e 's/\\*\\*\\* BLURB HERE \\*\\*\\*/Move the checks into foo(). Tested with the KVM "
                      "selftests on Intel./' out/0000-cover-letter.patch") == 0);
    int status = r.send();
    INFO(r.log());
    CHECK(status == 0);
    std::string sent = testsupport::read_file(r.sent());
    std::size_t mails = 0;
    for (std::size_t at = 0; (at = sent.find("--MAIL--", at)) != std::string::npos; ++at)
        ++mails;
    CHECK(mails == 3);
    CHECK(sent.find("Subject: [PATCH 1/2] KVM: x86: Add the foo helper") != std::string::npos);
    CHECK(sent.find("Add foo() to share the checks of bar() and baz().") != std::string::npos);
}

TEST_CASE("hook install refuses a foreign hook, chains it on request, uninstall restores it", "[hook]")
{
    SendEmailRepo r;
    fs::path hook = r.repo() / ".git" / "hooks" / "sendemail-validate";
    testsupport::write_file(hook, "#!/bin/sh\nexit 0\n");
    CHECK(r.in_repo(r.kvmx() + " hook install") == 2);
    CHECK(testsupport::read_file(hook) == "#!/bin/sh\nexit 0\n");
    CHECK(r.in_repo(r.kvmx() + " hook install --chain") == 0);
    CHECK(testsupport::read_file(hook).find("kvmx sendemail-validate hook") != std::string::npos);
    CHECK(fs::exists(hook.string() + ".kvmx-chained"));
    CHECK(r.in_repo(r.kvmx() + " hook uninstall") == 0);
    CHECK(testsupport::read_file(hook) == "#!/bin/sh\nexit 0\n");
    CHECK(!fs::exists(hook.string() + ".kvmx-chained"));
    // A foreign hook is never removed.
    CHECK(r.in_repo(r.kvmx() + " hook uninstall") == 2);
    CHECK(fs::exists(hook));
}

TEST_CASE("hook install follows core.hooksPath", "[hook]")
{
    SendEmailRepo r;
    REQUIRE(r.in_repo("git config core.hooksPath my-hooks") == 0);
    REQUIRE(r.in_repo(r.kvmx() + " hook install") == 0);
    CHECK(fs::exists(r.repo() / "my-hooks" / "sendemail-validate"));
    CHECK(!fs::exists(r.repo() / ".git" / "hooks" / "sendemail-validate"));
}

TEST_CASE("the hook knows the sender from sendemail.from, not from the patch's From:", "[hook][send-email]")
{
    // Alice backports a commit that Bob wrote and a maintainer applied: the
    // file's From: is Bob and its last sign-off the maintainer's. Sending it
    // as Alice without her own sign-off last is refused; the file itself,
    // checked without a sender, is a correct export.
    SendEmailRepo r;
    REQUIRE(r.in_repo("echo d >> arch/x86/kvm/x86.c && git commit -qa --author='Bob Writer <bob@example.org>' "
                      "-m 'KVM: x86: Fix the bar helper' -m 'Return the error from bar() instead of dropping it.' "
                      "-m 'Signed-off-by: Bob Writer <bob@example.org>\nLink: "
                      "https://lore.kernel.org/r/20240101-1-bob@example.org\nSigned-off-by: Sean Christopherson "
                      "<seanjc@google.com>'") == 0);
    REQUIRE(r.in_repo("git format-patch -q --base=HEAD~1 -o out HEAD~1") == 0);
    REQUIRE(r.in_repo(r.kvmx() + " check out/*.patch") == 0);
    REQUIRE(r.in_repo(r.kvmx() + " hook install") == 0);
    REQUIRE(r.in_repo("git config sendemail.from 'Alice Hacker <alice@example.org>'") == 0);
    int status = r.send();
    INFO(r.log());
    CHECK(status != 0);
    CHECK(!fs::exists(r.sent()));
    CHECK(r.log().find("the sender (Alice Hacker <alice@example.org>) has not signed off") != std::string::npos);
}

TEST_CASE("the hook refuses a file that is no mail or patch", "[hook][send-email][bad-input]")
{
    SendEmailRepo r;
    REQUIRE(r.in_repo(r.kvmx() + " hook install") == 0);
    REQUIRE(r.in_repo("mkdir -p out && head -c 4096 /dev/urandom | base64 -w0 > out/noise.patch") == 0);
    int status = r.send();
    INFO(r.log());
    CHECK(status != 0);
    CHECK(!fs::exists(r.sent()));
}
