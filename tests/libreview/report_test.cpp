// One encoding of a finding: the JSON object shared by check and the gate,
// its reader, and the text lines every text output prints.

#include "libreview/gate/run.h"
#include "libreview/report/finding_json.h"
#include "libreview/report/report.h"
#include "libreview/report/text.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace review;

namespace {

Finding file_finding()
{
    Finding f;
    f.rule = "shortlog.case";
    f.severity = Severity::Error;
    f.message = "names are case sensitive: 'kvm' should be 'KVM'";
    f.location.file = "0002-kvm.patch";
    f.location.line = 4;
    f.location.subject = "kvm: x86: Fix it";
    f.fix = "KVM: x86: Fix it";
    f.series = "KVM: x86: Fix it v2";
    return f;
}

Finding commit_finding()
{
    Finding f;
    f.rule = "gate.build";
    f.severity = Severity::Error;
    f.message = "build configuration 'release' fails";
    f.location.commit = std::string(40, 'a');
    f.location.subject = "calc: Change 1";
    return f;
}

} // namespace

TEST_CASE("a finding encodes absent fields as null and reads back the same", "[report][json]")
{
    auto j = finding_to_json(commit_finding());
    CHECK(j["file"].is_null());
    CHECK(j["fix"].is_null());
    CHECK(j["commit"] == std::string(40, 'a'));
    CHECK_FALSE(j.contains("series"));
    auto with_file = finding_to_json(file_finding());
    CHECK(with_file["commit"].is_null());
    CHECK(with_file["fix"] == "KVM: x86: Fix it");
    CHECK(with_file["series"] == "KVM: x86: Fix it v2");

    for (auto const& f : {file_finding(), commit_finding()}) {
        auto back = finding_from_json(finding_to_json(f), "report.json");
        REQUIRE(back);
        CHECK(finding_to_json(*back) == finding_to_json(f));
    }
}

TEST_CASE("a finding of an older gate report with empty strings still reads", "[report][json]")
{
    auto j = nlohmann::json::parse(R"({"rule": "gate.build", "severity": "error", "message": "m",
        "commit": "", "file": "0001.patch", "line": 0, "subject": "s"})");
    auto f = finding_from_json(j, "old.json");
    REQUIRE(f);
    CHECK(f->location.commit.empty());
    CHECK_FALSE(f->fix);
    CHECK(finding_to_json(*f)["commit"].is_null());
    auto bad = finding_from_json(nlohmann::json::parse(R"({"rule": "x", "severity": "fatal"})"), "bad.json");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().describe().find("bad.json") != std::string::npos);
    CHECK_FALSE(finding_from_json(nlohmann::json::parse(R"({"rule": 3, "severity": "error"})"), "bad.json"));
}

TEST_CASE("check's JSON and the gate's report.json encode a finding the same way", "[report][json][gate]")
{
    Report report;
    report.findings = {file_finding()};
    std::ostringstream check_out;
    write_json(report, check_out);
    auto check_json = nlohmann::json::parse(check_out.str())["findings"][0];

    gate::GateRun run;
    run.config = "calc";
    run.total = 1;
    gate::CommitResult c;
    c.commit = std::string(40, 'b');
    c.source = "0002-kvm.patch";
    c.checks = {file_finding()};
    run.commits.push_back(c);
    auto gate_json = gate::to_json(run);
    CHECK(gate_json["commits"][0]["checks"][0] == check_json);
    CHECK(gate_json["findings"][0] == check_json);
    auto back = gate::from_json(gate_json, "report.json");
    REQUIRE(back);
    CHECK(gate::to_json(*back)["findings"] == gate_json["findings"]);
}

TEST_CASE("a finding and a skipped rule read the same in every text output", "[report][text]")
{
    CHECK(finding_text(file_finding()) ==
          "0002-kvm.patch:4: error: names are case sensitive: 'kvm' should be 'KVM' [shortlog.case]\n"
          "    suggested: KVM: x86: Fix it\n");
    CHECK(finding_text(file_finding(), "  ").starts_with("  0002-kvm.patch:4: error: "));
    CHECK(skipped_note({"tags.fixes-target", "no repository"}, 2) ==
          "note: tags.fixes-target skipped (2 patches): no repository");
    CHECK(skipped_note({"series.cadence", "no previous version"}, 1) ==
          "note: series.cadence skipped (1 series): no previous version");

    Report report;
    report.patches = 1;
    report.findings = {file_finding()};
    report.notes = {"disk: source tree 1 MiB"};
    std::ostringstream flat;
    write_text(report, flat);
    CHECK(flat.str() == finding_text(file_finding()) + "note: disk: source tree 1 MiB\n" +
                            "1 patch checked: 1 errors, 0 warnings, 0 info\n");
    report.by_series = true;
    report.series.push_back(SeriesSummary{"KVM: x86: Fix it v2", "KVM: x86: Fix it", 2, 1, false, {}});
    std::ostringstream grouped;
    write_text(report, grouped);
    CHECK(grouped.str() == "series: KVM: x86: Fix it (v2, 1 patch)\n" + finding_text(file_finding(), "  ") +
                               "note: disk: source tree 1 MiB\n1 series, 1 patch checked: 1 errors, 0 warnings, 0 info\n");
}
