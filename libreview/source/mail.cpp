#include "libreview/source/mail.h"

#include "libreview/core/file.h"
#include "libreview/core/text.h"
#include "libreview/patch/patch_file.h"
#include "libreview/source/input.h"

#include <filesystem>

namespace review::source {

namespace fs = std::filesystem;

Result<Patch> mail_to_patch(std::string_view raw, std::string const& name, int first_line,
                            std::vector<std::string>* problems)
{
    mail::DecodedMail decoded = TRY(mail::decode_mail(raw, name));
    return decoded_to_patch(decoded, name, first_line, problems);
}

Result<Patch> decoded_to_patch(mail::DecodedMail const& mail, std::string const& name, int first_line,
                               std::vector<std::string>* problems)
{
    bool have_subject = false, have_from = false;
    for (auto const& h : mail.headers) {
        have_subject = have_subject || text::iequals(h.name, "Subject");
        have_from = have_from || text::iequals(h.name, "From");
    }
    if (!have_subject && !have_from)
        return make_error("not a mail: no Subject: or From: header", name, first_line);
    PatchParts parts;
    parts.name = name;
    parts.origin = Origin::Mail;
    parts.headers = mail.headers;
    for (auto& h : parts.headers)
        h.line += first_line - 1;
    parts.body = mail.body;
    parts.body_line = first_line - 1 + mail.body_line;
    Patch patch = TRY(build_patch(std::move(parts)));
    if (problems)
        for (auto const& p : mail.problems)
            problems->push_back(name + ":" + std::to_string(first_line) + ": " + p);
    return patch;
}

namespace {

Result<void> read_one_file(std::string const& file, RawMails& out)
{
    std::string data = TRY(read_file_bounded(file, mail::max_mailbox_size));
    if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f && static_cast<unsigned char>(data[1]) == 0x8b)
        data = TRY(mail::gunzip(data, file));
    auto mails = mail::split_mbox(data, file);
    for (auto& m : mails) {
        if (out.mails.size() >= mail::max_mails)
            return make_error("more than " + std::to_string(mail::max_mails) + " mails in one input", file);
        out.mails.push_back(std::move(m));
    }
    return {};
}

} // namespace

Result<RawMails> read_raw_mails(std::string const& path)
{
    RawMails out;
    std::error_code ec;
    if (!fs::exists(path, ec))
        return make_error("no such file or directory", path);
    Kind kind = classify(path);
    if (kind != Kind::Maildir && kind != Kind::PatchFolder) {
        if (fs::is_directory(path, ec))
            return make_error(std::string("is a ") + std::string(kind_name(kind)) + ", not a mail file or folder", path);
        TRY_VOID(read_one_file(path, out));
        return out;
    }
    auto files = mail_files(path, kind);
    if (files.empty())
        return make_error("no mails: expected a Maildir (cur/, new/) or .patch/.eml/.mbox files", path);
    for (auto const& f : files) {
        if (auto r = read_one_file(f, out); !r) {
            if (out.mails.size() >= mail::max_mails)
                return r.error(); // too many mails: refuse rather than lose some
            out.problems.push_back(r.error().describe());
        }
    }
    return out;
}

void decode_mails(std::vector<mail::RawMail> const& raws, MailInput& input)
{
    for (auto const& raw : raws) {
        auto patch = mail_to_patch(raw.text, raw.source, raw.line, &input.problems);
        if (!patch) {
            input.problems.push_back(raw.source + ":" + std::to_string(raw.line) + ": mail skipped: " +
                                     patch.error().message);
            continue;
        }
        if (raw.format_patch)
            patch->sender_known = false;
        input.mails.push_back(std::move(*patch));
    }
}

Result<MailInput> read_mail_input(std::string const& path)
{
    RawMails raws = TRY(read_raw_mails(path));
    MailInput input;
    input.problems = std::move(raws.problems);
    decode_mails(raws.mails, input);
    if (input.mails.empty() && input.problems.empty() && !fs::is_directory(path))
        input.problems.push_back(path + ": no mails found");
    return input;
}

} // namespace review::source
