// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "dialect.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace Garnet {

namespace {

/**
 * The length of the well-formed UTF-8 sequence starting text[0] (RFC 3629: no overlong forms, surrogates or
 * code points above U+10FFFF; C1 controls U+0080..U+009F count as malformed), or 0. As parseMetricLine checks.
 */
std::size_t utf8SequenceLength(std::string_view text)
{
    const auto lead = static_cast<unsigned char>(text[0]);
    std::size_t length = 0;
    unsigned char secondMin = 0x80, secondMax = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        if (lead == 0xC2)
            secondMin = 0xA0;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            secondMin = 0xA0;
        else if (lead == 0xED)
            secondMax = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            secondMin = 0x90;
        else if (lead == 0xF4)
            secondMax = 0x8F;
    }
    if (length == 0 || text.size() < length)
        return 0;
    const auto second = static_cast<unsigned char>(text[1]);
    if (second < secondMin || second > secondMax)
        return 0;
    for (std::size_t i = 2; i < length; ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
            return 0;
    return length;
}

} // namespace

void appendPathNode(std::string &out, std::string_view text, std::string_view alsoEscape)
{
    static constexpr std::string_view Unstorable = ".;(){}[],='\"\\/*?";
    while (!text.empty()) {
        const char c = text.front();
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80) {
            // Valid UTF-8 is kept; a byte that does not start a well-formed sequence becomes '_'.
            const std::size_t length = utf8SequenceLength(text);
            out.append(length ? text.substr(0, length) : std::string_view("_"));
            text.remove_prefix(length ? length : 1);
            continue;
        }
        const bool escape = byte <= ' ' || byte == 0x7f || Unstorable.find(c) != std::string_view::npos
            || alsoEscape.find(c) != std::string_view::npos;
        out.push_back(escape ? '_' : c);
        text.remove_prefix(1);
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
    const std::size_t start = m_lines.size();
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
        return; // checked by the pipeline, like any socket line
    }
    keepValidLines(start);
}

void DialectTranslator::keepValidLines(std::size_t from)
{
    // What a translation makes of a label can still break a Graphite limit (a 2,000-byte label is a name
    // over MaxNameLength): such a line goes out as a reject with the parser's reason, never as a line.
    std::size_t read = from, write = from;
    ParsedMetric metric;
    while (read < m_lines.size()) {
        const std::size_t end = m_lines.find('\n', read);
        const std::size_t next = end == std::string::npos ? m_lines.size() : end + 1;
        const RejectReason reason = parseMetricLine(
            std::string_view(m_lines).substr(read, next - read - (end == std::string::npos ? 0 : 1)), metric);
        if (reason == RejectReason::None) {
            if (write != read) // compacting forwards: the ranges may overlap, the target lies before
                std::copy(m_lines.begin() + std::ptrdiff_t(read), m_lines.begin() + std::ptrdiff_t(next),
                    m_lines.begin() + std::ptrdiff_t(write));
            write += next - read;
        } else {
            m_rejects.push_back(reason);
        }
        read = next;
    }
    m_lines.resize(write);
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
