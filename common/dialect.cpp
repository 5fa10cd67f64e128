// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "dialect.h"

#include <charconv>
#include <cmath>

namespace Garnet {

void appendPathNode(std::string &out, std::string_view text, std::string_view alsoEscape)
{
    static constexpr std::string_view Unstorable = ".;(){}[],='\"\\/*?";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool escape = byte <= ' ' || byte == 0x7f || Unstorable.find(c) != std::string_view::npos
            || alsoEscape.find(c) != std::string_view::npos;
        out.push_back(escape ? '_' : c);
    }
}

RejectReason checkNumber(std::string_view text)
{
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '+')
        digits.remove_prefix(1);
    if (digits.empty() || digits.front() == '+' || (text.size() != digits.size() && digits.front() == '-'))
        return RejectReason::BadValue;
    double value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (end != digits.data() + digits.size())
        return RejectReason::BadValue;
    if (error != std::errc() || !std::isfinite(value))
        return RejectReason::NonFiniteValue;
    return RejectReason::None;
}

void DialectTranslator::startRun()
{
    clear();
    m_notifications = 0;
    m_nagios.startRun();
}

void DialectTranslator::translate(std::string_view lines)
{
    while (!lines.empty()) {
        const auto newline = lines.find('\n');
        translateLine(lines.substr(0, newline));
        lines.remove_prefix(newline == std::string_view::npos ? lines.size() : newline + 1);
    }
}

void DialectTranslator::translateLine(std::string_view line)
{
    switch (m_dialect) {
    case Dialect::Nagios:
        m_nagios.translateLine(line, m_lines, m_rejects);
        break;
    case Dialect::Collectd:
        if (Collectd::translateLine(line, false, m_lines, m_rejects, m_scratch) == Collectd::LineKind::Notification)
            ++m_notifications;
        break;
    case Dialect::Graphite:
        m_lines.append(line).push_back('\n');
        break;
    }
}

void DialectTranslator::finishRun(std::string_view unterminatedTail, int exitStatus)
{
    if (!unterminatedTail.empty())
        translateLine(unterminatedTail);
    if (m_dialect == Dialect::Nagios)
        m_nagios.finishRun(exitStatus, m_lines);
}

void DialectTranslator::clear()
{
    m_lines.clear();
    m_rejects.clear();
}

} // namespace Garnet
