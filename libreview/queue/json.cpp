#include "libreview/queue/json.h"

#include <ctime>

namespace review::queue {

std::string iso_date(std::int64_t seconds)
{
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

nlohmann::json to_json(TrailerView const& t)
{
    nlohmann::json j{{"key", t.key}, {"value", t.value}, {"message_id", t.message_id}, {"sender", t.sender}};
    if (t.address_mismatch)
        j["address_mismatch"] = true;
    if (t.from_cover)
        j["from_cover"] = true;
    if (!t.carried_from.empty())
        j["carried_from"] = t.carried_from;
    return j;
}

namespace {

nlohmann::json patch_json(PatchView const& p)
{
    nlohmann::json trailers = nlohmann::json::array();
    for (auto const& t : p.trailers)
        trailers.push_back(to_json(t));
    nlohmann::json j{{"index", p.index},     {"subject", p.subject},   {"message_id", p.message_id},
                     {"author", p.author},   {"date", iso_date(p.date)}, {"patch_id", p.patch_id},
                     {"trailers", trailers}};
    if (!p.applied_commit.empty())
        j["applied"] = {{"commit", p.applied_commit}, {"matched_by", p.applied_how}};
    return j;
}

} // namespace

nlohmann::json to_json(VersionView const& v, bool detail)
{
    nlohmann::json j{{"version", v.version},     {"rfc", v.rfc},          {"message_id", v.message_id},
                     {"date", iso_date(v.date)}, {"patches", v.patches},  {"received", v.received},
                     {"cover", v.cover},         {"title", v.title},      {"linked_by", v.link_reason},
                     {"superseded", v.superseded}, {"checked", v.checked},
                     {"findings", {{"errors", v.errors}, {"warnings", v.warnings}}}};
    if (v.resend)
        j["resend"] = true;
    if (!detail)
        return j;
    nlohmann::json findings = nlohmann::json::array();
    for (auto const& f : v.findings)
        findings.push_back({{"rule", f.rule}, {"severity", f.severity}, {"message", f.message}, {"where", f.where}});
    j["finding_list"] = findings;
    if (v.cover_letter)
        j["cover_letter"] = patch_json(*v.cover_letter);
    nlohmann::json patches = nlohmann::json::array();
    for (auto const& p : v.patch_list)
        patches.push_back(patch_json(p));
    j["patch_list"] = patches;
    nlohmann::json replies = nlohmann::json::array();
    for (auto const& r : v.replies) {
        nlohmann::json t = nlohmann::json::array();
        for (auto const& x : r.trailers)
            t.push_back(to_json(x));
        replies.push_back({{"message_id", r.message_id}, {"from", r.from}, {"subject", r.subject},
                           {"date", iso_date(r.date)}, {"to_index", r.to_index}, {"bot", r.bot}, {"trailers", t}});
    }
    j["replies"] = replies;
    return j;
}

nlohmann::json to_json(SeriesView const& s, bool detail)
{
    nlohmann::json versions = nlohmann::json::array();
    for (auto const& v : s.versions)
        versions.push_back(to_json(v, detail));
    nlohmann::json gate = nullptr;
    if (s.gate) {
        gate = {{"version", s.gate->version}, {"status", s.gate->status}, {"imported", iso_date(s.gate->imported)}};
        if (detail) {
            gate["report"] = nlohmann::json::parse(s.gate->report, nullptr, false);
            gate["checks"] = nlohmann::json::parse(s.gate->checks, nullptr, false);
        }
    }
    return {{"id", s.id},
            {"subject", s.subject},
            {"author", s.author},
            {"state", std::string(state_name(s.state))},
            {"fix", s.fix},
            {"newer_version", s.newer_version},
            {"first_posted", iso_date(s.first_posted)},
            {"versions", versions},
            {"trailers", {{"acked", s.trailers.acked}, {"reviewed", s.trailers.reviewed}, {"tested", s.trailers.tested}}},
            {"findings", {{"errors", s.errors}, {"warnings", s.warnings}}},
            {"gate", gate}};
}

nlohmann::json to_json(std::vector<SeriesView> const& list)
{
    nlohmann::json j = nlohmann::json::array();
    for (auto const& s : list)
        j.push_back(to_json(s, false));
    return j;
}

} // namespace review::queue
