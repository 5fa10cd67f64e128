// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "nagios.h"

#include "dialect.h"

#include <charconv>
#include <cmath>

namespace Garnet::Nagios {

namespace {

constexpr bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

constexpr bool isUnitChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '%';
}

/** Splits off the text up to the next ';' (all of it when there is none). */
std::string_view nextSemicolonField(std::string_view &text)
{
    const auto semicolon = text.find(';');
    const std::string_view field = text.substr(0, semicolon);
    text.remove_prefix(semicolon == std::string_view::npos ? text.size() : semicolon + 1);
    return field;
}

/** Length of the leading number of `text` (0 if none) and whether it is finite. */
std::size_t leadingNumber(std::string_view text, bool &finite)
{
    const std::size_t sign = !text.empty() && text.front() == '+' ? 1 : 0;
    if (sign && text.size() > 1 && (text[1] == '-' || text[1] == '+'))
        return 0;
    double value = 0;
    const char *begin = text.data() + sign;
    const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
    if (end == begin)
        return 0;
    finite = error == std::errc() && std::isfinite(value);
    return std::size_t(end - text.data());
}

void appendMetric(std::string &out, std::string_view node, std::string_view suffix, std::string_view number)
{
    out.append(node);
    if (!suffix.empty())
        out.append(".").append(suffix);
    out.append(" ").append(number).append("\n");
}

bool isPlainNumber(std::string_view text)
{
    return checkNumber(text) == RejectReason::None;
}

} // namespace

bool nextPerfItem(std::string_view &perfdata, std::string_view &item)
{
    std::size_t start = 0;
    while (start < perfdata.size() && isBlank(perfdata[start]))
        ++start;
    perfdata.remove_prefix(start);
    if (perfdata.empty())
        return false;
    std::size_t end = 0;
    if (perfdata.front() == '\'') {
        // The closing quote is one not doubled; the item then runs to the next blank.
        std::size_t at = 1;
        for (;;) {
            at = perfdata.find('\'', at);
            if (at == std::string_view::npos) {
                end = perfdata.size();
                break;
            }
            if (at + 1 < perfdata.size() && perfdata[at + 1] == '\'') {
                at += 2;
                continue;
            }
            end = at + 1;
            while (end < perfdata.size() && !isBlank(perfdata[end]))
                ++end;
            break;
        }
    } else {
        while (end < perfdata.size() && !isBlank(perfdata[end]))
            ++end;
    }
    item = perfdata.substr(0, end);
    perfdata.remove_prefix(end);
    return true;
}

RejectReason parsePerfItem(std::string_view item, PerfItem &out)
{
    out = PerfItem();
    std::string_view rest;
    if (!item.empty() && item.front() == '\'') {
        std::size_t close = 1;
        for (;; close += 2) {
            close = item.find('\'', close);
            if (close == std::string_view::npos)
                return RejectReason::BadName; // unterminated quote
            if (close + 1 >= item.size() || item[close + 1] != '\'')
                break;
        }
        out.quoted = true;
        out.label = item.substr(1, close - 1);
        rest = item.substr(close + 1);
        if (rest.empty())
            return RejectReason::MissingValue;
        if (rest.front() != '=')
            return RejectReason::BadName;
        rest.remove_prefix(1);
    } else {
        const auto equals = item.find('=');
        if (equals == std::string_view::npos)
            return RejectReason::MissingValue;
        out.label = item.substr(0, equals);
        rest = item.substr(equals + 1);
    }
    if (out.label.empty())
        return RejectReason::BadName;

    const std::string_view valueField = nextSemicolonField(rest);
    if (valueField.empty())
        return RejectReason::MissingValue;
    if (valueField == "U")
        return RejectReason::NonFiniteValue;
    bool finite = false;
    const std::size_t numberLength = leadingNumber(valueField, finite);
    if (numberLength == 0)
        return RejectReason::BadValue;
    out.value = valueField.substr(0, numberLength);
    out.unit = valueField.substr(numberLength);
    for (const char c : out.unit)
        if (!isUnitChar(c))
            return RejectReason::BadValue;
    if (!finite)
        return RejectReason::NonFiniteValue;

    out.warn = nextSemicolonField(rest);
    out.crit = nextSemicolonField(rest);
    out.min = nextSemicolonField(rest);
    out.max = nextSemicolonField(rest);
    // "…;max;" is common (a trailing ';'); anything non-empty after max is not.
    out.extraFields = rest.find_first_not_of(';') != std::string_view::npos;
    return RejectReason::None;
}

bool rangeThreshold(std::string_view range, std::string_view &number)
{
    if (!range.empty() && range.front() == '@')
        range.remove_prefix(1);
    const auto colon = range.find(':');
    if (colon == std::string_view::npos) {
        number = range; // "10": alert outside 0..10
        return isPlainNumber(range);
    }
    const std::string_view start = range.substr(0, colon);
    const std::string_view end = range.substr(colon + 1);
    if (!start.empty() && start != "~" && !isPlainNumber(start))
        return false;
    if (!end.empty())
        number = end;
    else if (!start.empty() && start != "~")
        number = start;
    else
        return false; // ":" or "~:": no finite bound
    return isPlainNumber(number);
}

void appendLabelNode(std::string &out, std::string_view label)
{
    std::string_view rest = label;
    const bool pathLike = !rest.empty() && rest.front() == '/';
    if (pathLike) {
        while (!rest.empty() && rest.front() == '/')
            rest.remove_prefix(1);
        if (rest.empty()) {
            out.append("root");
            return;
        }
    }
    // '' inside a quoted label stands for one quote, which is not storable anyway: it becomes one '_'.
    std::size_t start = 0;
    for (std::size_t at = rest.find("''"); at != std::string_view::npos; at = rest.find("''", start)) {
        appendPathNode(out, rest.substr(start, at + 1 - start));
        start = at + 2;
    }
    appendPathNode(out, rest.substr(start));
}

int stateFromExitStatus(int exitStatus)
{
    return exitStatus >= 0 && exitStatus <= 3 ? exitStatus : 3;
}

void Translator::startRun()
{
    m_firstLine = true;
    m_longPerfdata = false;
}

void Translator::translateLine(std::string_view line, std::string &out, std::vector<RejectReason> &rejects)
{
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (m_longPerfdata) {
        translatePerfdata(line, out, rejects);
        return;
    }
    const auto bar = line.find('|');
    if (bar != std::string_view::npos) {
        translatePerfdata(line.substr(bar + 1), out, rejects);
        m_longPerfdata = !m_firstLine;
    }
    m_firstLine = false;
}

void Translator::translatePerfdata(std::string_view perfdata, std::string &out, std::vector<RejectReason> &rejects)
{
    std::string &node = m_node;
    std::string_view item;
    PerfItem parsed;
    while (nextPerfItem(perfdata, item)) {
        const RejectReason reason = parsePerfItem(item, parsed);
        if (reason != RejectReason::None) {
            rejects.push_back(reason);
            continue;
        }
        node.clear();
        appendLabelNode(node, parsed.label);
        appendMetric(out, node, {}, parsed.value);
        std::string_view bound;
        for (const auto &[field, suffix] : { std::pair { parsed.warn, "warn" }, std::pair { parsed.crit, "crit" } }) {
            if (field.empty())
                continue;
            if (rangeThreshold(field, bound))
                appendMetric(out, node, suffix, bound);
            else
                rejects.push_back(RejectReason::BadValue);
        }
        for (const auto &[field, suffix] : { std::pair { parsed.min, "min" }, std::pair { parsed.max, "max" } }) {
            if (field.empty())
                continue;
            const RejectReason problem = field == "U" ? RejectReason::NonFiniteValue : checkNumber(field);
            if (problem == RejectReason::None)
                appendMetric(out, node, suffix, field);
            else
                rejects.push_back(problem);
        }
        if (parsed.extraFields)
            rejects.push_back(RejectReason::TooManyFields);
    }
}

void Translator::finishRun(int exitStatus, std::string &out)
{
    const char state = char('0' + stateFromExitStatus(exitStatus));
    appendMetric(out, "state", {}, std::string_view(&state, 1));
}

} // namespace Garnet::Nagios
