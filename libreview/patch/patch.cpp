#include "libreview/patch/patch.h"

#include "libreview/core/text.h"

namespace review::patch {

std::string Person::describe() const
{
    if (name.empty())
        return email;
    if (email.empty())
        return name;
    return name + " <" + email + ">";
}

Person parse_person(std::string_view s)
{
    Person p;
    s = text::trim(s);
    std::size_t lt = s.rfind('<');
    std::size_t gt = s.rfind('>');
    if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) {
        p.email = std::string(text::trim(s.substr(lt + 1, gt - lt - 1)));
        std::string_view name = text::trim(s.substr(0, lt));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
            name = name.substr(1, name.size() - 2);
        p.name = std::string(name);
        return p;
    }
    std::size_t open = s.find(" (");
    if (open != std::string_view::npos && !s.empty() && s.back() == ')') {
        p.email = std::string(text::trim(s.substr(0, open)));
        p.name = std::string(s.substr(open + 2, s.size() - open - 3));
        return p;
    }
    if (s.find('@') != std::string_view::npos)
        p.email = std::string(s);
    else
        p.name = std::string(s);
    return p;
}

std::string Patch::display_name() const
{
    if (!file.empty())
        return file;
    if (!commit.empty())
        return commit.substr(0, 12);
    return "<input>";
}

} // namespace review::patch
