#include "libreview/rules/engine.h"

#include "libreview/core/text.h"

#include <algorithm>

namespace review {

void SkipLog::add(std::string const& rule, std::string const& reason, std::size_t count)
{
    m_counts[{rule, reason}] += count;
}

void SkipLog::merge(SkipLog const& other)
{
    for (auto const& [key, count] : other.m_counts)
        m_counts[key] += count;
}

std::vector<std::pair<Skipped, std::size_t>> SkipLog::entries() const
{
    std::vector<std::pair<Skipped, std::size_t>> out;
    for (auto const& [key, count] : m_counts)
        out.push_back({Skipped{key.first, key.second}, count});
    return out;
}

// Where a rule runs: everywhere, or on patches touching its paths (and
// elsewhere off or at a lower severity).
struct RuleScope {
    std::vector<std::string> paths;
    std::optional<Severity> outside;

    // At least half of the touched files lie under the paths: an x86 test
    // with its lib/x86 helper is x86 work; a treewide change that touches
    // x86/ among four architectures is not.
    bool covers(Patch const& patch) const
    {
        if (paths.empty() || !patch.diff_known || patch.diff.files.empty())
            return true;
        std::size_t in = 0;
        for (auto const& file : patch.diff.files)
            for (auto const& prefix : paths)
                if (file.path().compare(0, prefix.size(), prefix) == 0) {
                    ++in;
                    break;
                }
        return 2 * in >= patch.diff.files.size();
    }
};

struct Engine::State {
    Profile profile;
    std::unique_ptr<TopicTree> topics;
    std::vector<std::unique_ptr<Rule>> rules;
    std::vector<RuleScope> scopes; // parallel to rules
    std::vector<std::map<std::string, std::string>> options; // effective values, parallel to rules
    std::vector<std::string> problems;
};

Engine::Engine(std::unique_ptr<State> state) : m_state(std::move(state)) {}
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
Engine::~Engine() = default;

Result<Engine> Engine::create(Profile profile, RuleRegistry const& registry)
{
    auto state = std::make_unique<State>();
    state->profile = std::move(profile);
    state->topics = std::make_unique<TopicTree>(state->profile);
    for (auto const& [id, config] : state->profile.rules) {
        if (!registry.find(id)) {
            std::string msg = "unknown rule id '" + id + "'";
            if (auto s = text::did_you_mean(id, registry.ids()))
                msg += "; did you mean '" + *s + "'?";
            return make_error(msg, config.file, config.line);
        }
    }
    for (auto const& entry : registry.entries()) {
        RuleConfig const* config = nullptr;
        auto it = state->profile.rules.find(entry.info.id);
        if (it != state->profile.rules.end())
            config = &it->second;
        if (config && config->enabled && !*config->enabled)
            continue;
        Severity severity = config && config->severity ? *config->severity : entry.info.severity;
        RuleOptions options(entry.info, config, &state->problems);
        state->rules.push_back(entry.make(entry.info, severity, options));
        state->options.push_back(options.effective());
        RuleScope scope;
        if (config) {
            scope.paths = config->paths;
            scope.outside = config->outside;
            if (scope.outside && *scope.outside > severity)
                scope.outside = severity; // outside the paths a rule is never stricter
        }
        state->scopes.push_back(std::move(scope));
    }
    return Engine(std::move(state));
}

bool is_cover_letter(Patch const& patch)
{
    if (patch.origin == Origin::Git)
        return false;
    // "PATCH v2 0/13", "RFC PATCH 00/05"
    auto w = text::words(patch.subject_tags);
    for (auto word : w) {
        std::size_t slash = word.find('/');
        if (slash != std::string_view::npos && slash > 0 && word.substr(0, slash).find_first_not_of('0') == std::string_view::npos)
            return true;
    }
    return !patch.diff_known && patch.message.title.find("*** SUBJECT HERE ***") != std::string::npos;
}

void Engine::check_patch(Patch const& patch, RepoLookup const* repo, std::vector<Finding>& out, SkipLog& skips) const
{
    if (patch.is_merge || is_cover_letter(patch))
        return;
    PatchContext ctx{patch, *m_state->topics, repo, &skips};
    std::size_t first = out.size();
    static std::vector<std::string> const unscoped;
    std::vector<std::string> const* last_paths = &unscoped;
    bool last_inside = true; // every patch is inside an empty path list
    for (std::size_t r = 0; r < m_state->rules.size(); ++r) {
        Rule const* rule = m_state->rules[r].get();
        if (rule->info().scope != Scope::Patch)
            continue;
        RuleScope const& scope = m_state->scopes[r];
        // Scoped rules mostly share one path list: decide it once a patch.
        if (scope.paths != *last_paths) {
            last_paths = &scope.paths;
            last_inside = scope.covers(patch);
        }
        bool inside = last_inside;
        if (!inside && !scope.outside) {
            skips.add(rule->id(), "the patch touches none of its paths");
            continue;
        }
        // One place for every rule that reads hunks: none without them.
        if (rule->needs_hunks() && !(patch.diff_known && patch.hunks_known)) {
            skips.add(rule->id(), patch.diff_known ? "only the touched paths were read" : "the input carries no diff");
            continue;
        }
        if (auto reason = rule->skip_reason(ctx)) {
            skips.add(rule->id(), *reason);
            continue;
        }
        std::size_t before = out.size();
        rule->check(ctx, out);
        if (!inside)
            for (std::size_t i = before; i < out.size(); ++i)
                out[i].severity = std::min(out[i].severity, *scope.outside);
    }
    // Title first, then body and diff in reading order.
    std::stable_sort(out.begin() + static_cast<long>(first), out.end(),
                     [](Finding const& a, Finding const& b) { return a.location.line < b.location.line; });
}

void Engine::check_series(SeriesContext const& ctx, std::vector<Finding>& out, SkipLog& skips) const
{
    for (auto const& rule : m_state->rules) {
        if (rule->info().scope != Scope::Series)
            continue;
        if (auto reason = rule->skip_reason(ctx)) {
            skips.add(rule->id(), *reason);
            continue;
        }
        rule->check(ctx, out);
    }
}

bool Engine::needs_hunks() const
{
    return std::any_of(m_state->rules.begin(), m_state->rules.end(), [](auto const& r) { return r->needs_hunks(); });
}

Profile const& Engine::profile() const { return m_state->profile; }
TopicTree const& Engine::topics() const { return *m_state->topics; }
std::vector<std::string> const& Engine::option_problems() const { return m_state->problems; }

std::vector<RuleSetting> Engine::settings() const
{
    std::vector<RuleSetting> out;
    for (std::size_t r = 0; r < m_state->rules.size(); ++r) {
        RuleSetting s;
        s.rule = m_state->rules[r].get();
        s.paths = m_state->scopes[r].paths;
        s.outside = m_state->scopes[r].outside;
        for (auto const& spec : s.rule->info().options) {
            auto it = m_state->options[r].find(spec.name);
            // A declared option the constructor never read runs at its default.
            s.options.emplace_back(spec.name, it == m_state->options[r].end() ? spec.default_value : it->second);
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<Rule const*> Engine::rules() const
{
    std::vector<Rule const*> out;
    for (auto const& r : m_state->rules)
        out.push_back(r.get());
    return out;
}

} // namespace review
