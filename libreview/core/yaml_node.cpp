#include "libreview/core/yaml_node.h"

#include "libreview/core/text.h"

#include <algorithm>

namespace review::core::yaml {

int line_of(YAML::Node const& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

Error error_at(std::string const& file, YAML::Node const& node, std::string message)
{
    return make_error(std::move(message), file, line_of(node));
}

Error exception_error(std::string const& file, YAML::Exception const& e, std::string const& prefix)
{
    return make_error(prefix + e.msg, file, e.mark.line >= 0 ? e.mark.line + 1 : 0);
}

Result<YAML::Node> load(std::string const& text, std::string const& file, std::string const& prefix)
{
    try {
        return YAML::Load(text);
    } catch (YAML::Exception const& e) {
        return exception_error(file, e, prefix);
    }
}

Result<std::vector<std::string>> string_list(std::string const& file, YAML::Node const& node, char const* what)
{
    if (!node.IsSequence())
        return error_at(file, node, std::string(what) + " must be a list");
    std::vector<std::string> out;
    for (auto const& item : node) {
        if (!item.IsScalar())
            return error_at(file, item, std::string(what) + " entries must be strings");
        out.push_back(item.as<std::string>());
    }
    return out;
}

Result<void> check_keys(std::string const& file, YAML::Node const& map, std::vector<std::string> const& keys,
                        char const* what)
{
    if (!map.IsMap())
        return error_at(file, map, std::string(what) + " must be a mapping");
    for (auto const& kv : map) {
        std::string key = kv.first.as<std::string>();
        if (std::find(keys.begin(), keys.end(), key) != keys.end())
            continue;
        std::string msg = "unknown " + std::string(what) + " key '" + key + "'";
        if (auto s = text::did_you_mean(key, keys))
            msg += "; did you mean '" + *s + "'?";
        return error_at(file, kv.first, msg);
    }
    return {};
}

} // namespace review::core::yaml
