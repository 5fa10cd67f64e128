// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "collectd.h"

#include "dialect.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace Garnet::Collectd {

namespace {

struct TypeEntry
{
    std::string_view type;
    std::array<std::string_view, 5> sources;
    std::size_t count;
};

/** Every type with more than one data source in collectd 5's types.db, sorted by name. */
constexpr TypeEntry MultiValueTypes[] = {
    { "arc_counts", { "demand_data", "demand_metadata", "prefetch_data", "prefetch_metadata" }, 4 },
    { "arc_l2_bytes", { "read", "write" }, 2 },
    { "arc_size", { "current", "target", "minlimit", "maxlimit" }, 4 },
    { "compression", { "uncompressed", "compressed" }, 2 },
    { "df", { "used", "free" }, 2 },
    { "disk_io_time", { "io_time", "weighted_io_time" }, 2 },
    { "disk_latency", { "read", "write" }, 2 },
    { "disk_merged", { "read", "write" }, 2 },
    { "disk_octets", { "read", "write" }, 2 },
    { "disk_ops", { "read", "write" }, 2 },
    { "disk_time", { "read", "write" }, 2 },
    { "dns_octets", { "queries", "responses" }, 2 },
    { "if_dropped", { "rx", "tx" }, 2 },
    { "if_errors", { "rx", "tx" }, 2 },
    { "if_octets", { "rx", "tx" }, 2 },
    { "if_packets", { "rx", "tx" }, 2 },
    { "io_octets", { "rx", "tx" }, 2 },
    { "io_packets", { "rx", "tx" }, 2 },
    { "load", { "shortterm", "midterm", "longterm" }, 3 },
    { "memcached_octets", { "rx", "tx" }, 2 },
    { "mysql_octets", { "rx", "tx" }, 2 },
    { "mysql_qcache", { "hits", "inserts", "not_cached", "lowmem_prunes", "queries_in_cache" }, 5 },
    { "mysql_threads", { "running", "connected", "cached", "created" }, 4 },
    { "node_octets", { "rx", "tx" }, 2 },
    { "ps_count", { "processes", "threads" }, 2 },
    { "ps_cputime", { "user", "syst" }, 2 },
    { "ps_disk_octets", { "read", "write" }, 2 },
    { "ps_disk_ops", { "read", "write" }, 2 },
    { "ps_pagefaults", { "minflt", "majflt" }, 2 },
    { "serial_octets", { "rx", "tx" }, 2 },
    { "smart_attribute", { "current", "worst", "threshold", "pretty" }, 4 },
    { "vmpage_faults", { "minflt", "majflt" }, 2 },
    { "vmpage_io", { "in", "out" }, 2 },
    { "voltage_threshold", { "value", "threshold" }, 2 },
};

/** write_graphite's GRAPHITE_FORBIDDEN (blanks are escaped anyway), escaped like '.' */
constexpr std::string_view WriteGraphiteForbidden = "\"\\:!/()";

constexpr bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

/**
 * Splits off the next blank-separated token; a '"' starts a section that runs to the next unescaped
 * '"' (blanks included). False when only blanks are left; `unterminated` when a quote is not closed.
 */
bool nextToken(std::string_view &text, std::string_view &token, bool &unterminated)
{
    std::size_t start = 0;
    while (start < text.size() && isBlank(text[start]))
        ++start;
    text.remove_prefix(start);
    if (text.empty())
        return false;
    std::size_t end = 0;
    bool quoted = false;
    for (; end < text.size(); ++end) {
        const char c = text[end];
        if (quoted && c == '\\')
            ++end; // the escaped character, whatever it is
        else if (c == '"')
            quoted = !quoted;
        else if (!quoted && isBlank(c))
            break;
    }
    unterminated = quoted;
    token = text.substr(0, std::min(end, text.size()));
    text.remove_prefix(token.size());
    return true;
}

/** A "quoted" token without its quotes and backslash escapes (in scratch); others as they are. */
std::string_view unquote(std::string_view token, std::string &scratch)
{
    if (token.size() < 2 || token.front() != '"' || token.back() != '"')
        return token;
    scratch.clear();
    for (std::size_t i = 1; i + 1 < token.size(); ++i) {
        if (token[i] == '\\' && i + 2 < token.size())
            ++i;
        scratch.push_back(token[i]);
    }
    return scratch;
}

/** TIME of a value list: false if malformed; `seconds` is empty for "now" (N or 0). */
bool parseTime(std::string_view text, std::array<char, 24> &buffer, std::string_view &seconds)
{
    seconds = {};
    if (text == "N")
        return true;
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < 0
        || value > double(MaxTimestamp))
        return false;
    const auto whole = static_cast<std::int64_t>(value);
    if (whole == 0)
        return true; // collectd takes 0 as "now" too
    const auto written = std::to_chars(buffer.data(), buffer.data() + buffer.size(), whole).ptr;
    seconds = std::string_view(buffer.data(), std::size_t(written - buffer.data()));
    return true;
}

void translateValueList(
    std::string_view list, const Identifier &id, bool withHost, std::string &out, std::vector<RejectReason> &rejects)
{
    const auto colon = list.find(':');
    std::array<char, 24> timeBuffer;
    std::string_view seconds;
    if (colon == std::string_view::npos || colon + 1 == list.size()) {
        rejects.push_back(RejectReason::MissingValue);
        return;
    }
    if (!parseTime(list.substr(0, colon), timeBuffer, seconds)) {
        rejects.push_back(RejectReason::BadTimestamp);
        return;
    }
    const std::string_view values = list.substr(colon + 1);
    const std::size_t count = std::size_t(std::count(values.begin(), values.end(), ':')) + 1;
    const auto sources = dataSourceNames(id.type);
    if (!sources.empty() && count != sources.size()) {
        rejects.push_back(count < sources.size() ? RejectReason::MissingValue : RejectReason::TooManyFields);
        return;
    }
    std::size_t index = 0;
    for (std::size_t start = 0; start <= values.size(); ++index) {
        const std::size_t end = std::min(values.find(':', start), values.size());
        const std::string_view value = values.substr(start, end - start);
        start = end + 1;
        const RejectReason problem = value == "U" ? RejectReason::NonFiniteValue : checkNumber(value);
        if (problem != RejectReason::None) {
            rejects.push_back(problem);
            continue;
        }
        char generated[24];
        std::string_view source;
        if (!sources.empty()) {
            source = sources[index];
        } else if (count > 1) {
            const auto written = std::to_chars(generated + 5, generated + sizeof generated, index).ptr;
            std::copy_n("value", 5, generated);
            source = std::string_view(generated, std::size_t(written - generated));
        }
        appendGraphiteName(out, id, source, withHost);
        out.append(" ").append(value);
        if (!seconds.empty())
            out.append(" ").append(seconds);
        out.push_back('\n');
    }
}

} // namespace

RejectReason parseIdentifier(std::string_view text, Identifier &out)
{
    out = Identifier();
    const auto first = text.find('/');
    const auto second = first == std::string_view::npos ? first : text.find('/', first + 1);
    if (second == std::string_view::npos || text.find('/', second + 1) != std::string_view::npos)
        return RejectReason::BadName;
    out.host = text.substr(0, first);
    const std::string_view plugin = text.substr(first + 1, second - first - 1);
    const std::string_view type = text.substr(second + 1);
    const auto pluginDash = plugin.find('-');
    out.plugin = plugin.substr(0, pluginDash);
    if (pluginDash != std::string_view::npos)
        out.pluginInstance = plugin.substr(pluginDash + 1);
    const auto typeDash = type.find('-');
    out.type = type.substr(0, typeDash);
    if (typeDash != std::string_view::npos)
        out.typeInstance = type.substr(typeDash + 1);
    return out.plugin.empty() || out.type.empty() ? RejectReason::BadName : RejectReason::None;
}

std::span<const std::string_view> dataSourceNames(std::string_view type)
{
    const auto *const end = std::end(MultiValueTypes);
    const auto *found = std::lower_bound(std::begin(MultiValueTypes), end, type,
        [](const TypeEntry &entry, std::string_view name) { return entry.type < name; });
    if (found == end || found->type != type)
        return {};
    return std::span<const std::string_view>(found->sources.data(), found->count);
}

void appendGraphiteName(std::string &out, const Identifier &id, std::string_view dataSource, bool withHost)
{
    if (withHost) {
        appendPathNode(out, id.host, WriteGraphiteForbidden);
        out.push_back('.');
    }
    appendPathNode(out, id.plugin, WriteGraphiteForbidden);
    if (!id.pluginInstance.empty()) {
        out.push_back('-');
        appendPathNode(out, id.pluginInstance, WriteGraphiteForbidden);
    }
    out.push_back('.');
    appendPathNode(out, id.type, WriteGraphiteForbidden);
    if (!id.typeInstance.empty()) {
        out.push_back('-');
        appendPathNode(out, id.typeInstance, WriteGraphiteForbidden);
    }
    if (!dataSource.empty()) {
        out.push_back('.');
        out.append(dataSource);
    }
}

LineKind translateLine(
    std::string_view line, bool withHost, std::string &out, std::vector<RejectReason> &rejects, std::string &scratch)
{
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    std::string_view rest = line;
    std::string_view token;
    bool unterminated = false;
    if (!nextToken(rest, token, unterminated) || token.front() == '#')
        return LineKind::Ignored;
    const auto equalsIgnoringCase = [](std::string_view a, std::string_view b) {
        return std::equal(
            a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
    };
    if (equalsIgnoringCase(token, "PUTNOTIF"))
        return LineKind::Notification;
    if (!equalsIgnoringCase(token, "PUTVAL")) {
        rejects.push_back(RejectReason::BadName);
        return LineKind::Rejected;
    }
    if (!nextToken(rest, token, unterminated)) {
        rejects.push_back(RejectReason::MissingValue);
        return LineKind::Rejected;
    }
    Identifier id;
    if (unterminated || parseIdentifier(unquote(token, scratch), id) != RejectReason::None) {
        rejects.push_back(RejectReason::BadName);
        return LineKind::Rejected;
    }
    bool anyList = false;
    while (nextToken(rest, token, unterminated)) {
        if (token.find('=') != std::string_view::npos)
            continue; // interval=10, meta:key=value: they only describe the values
        anyList = true;
        translateValueList(token, id, withHost, out, rejects);
    }
    if (!anyList) {
        rejects.push_back(RejectReason::MissingValue);
        return LineKind::Rejected;
    }
    return LineKind::Values;
}

} // namespace Garnet::Collectd
