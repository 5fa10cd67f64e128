// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// The collectd dialect: exec-plugin PUTVAL lines → Graphite plaintext lines named the way collectd's
// write_graphite names them by default (see collectors/dialects.md).

#include "common/metricline.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace Garnet::Collectd {

/** `host/plugin[-plugin_instance]/type[-type_instance]`; instances are split at the first '-'. */
struct Identifier
{
    std::string_view host, plugin, pluginInstance, type, typeInstance;
};

/** BadName unless there are exactly two '/' and plugin and type are not empty. */
RejectReason parseIdentifier(std::string_view text, Identifier &out);

/**
 * The data source names of `type` when types.db (collectd 5) gives it more than one value, e.g.
 * if_octets → rx, tx; load → shortterm, midterm, longterm. Empty for single-value and unknown types.
 */
std::span<const std::string_view> dataSourceNames(std::string_view type);

/**
 * Appends write_graphite's default name for one value (EscapeCharacter "_", SeparateInstances false,
 * AlwaysAppendDS false, PreserveSeparator false): `[host.]plugin[-plugin_instance].type[-type_instance]`,
 * then `.dsname` when `dataSource` is not empty. In each part '.', blanks and control bytes become '_',
 * as do write_graphite's forbidden characters " \ : ! / ( ) and the others Graphite cannot store.
 */
void appendGraphiteName(std::string &out, const Identifier &id, std::string_view dataSource, bool withHost);

enum class LineKind {
    Values, ///< a PUTVAL line (its values may still be partly rejected)
    Notification, ///< PUTNOTIF: accepted and ignored
    Ignored, ///< blank or a '#' comment
    Rejected, ///< the whole line (its reason was added to the rejects)
};

/**
 * Translates one line of exec-plugin output (without its '\n'):
 * `PUTVAL IDENTIFIER [OPTION=VALUE...] VALUELIST [VALUELIST...]`, VALUELIST = `TIME:V1[:V2...]`, TIME
 * = "N" (now: the agent uses the run's tick) or Unix seconds (fractions are cut). IDENTIFIER may be
 * "quoted" (backslash escapes). Options (interval=, meta:…) are accepted and ignored. Each value
 * becomes `NAME VALUE [TIME]` in `out`; the host part is dropped unless `withHost` (the agent's prefix
 * names the host already). Rejects, each added to `rejects`: BadName (unknown command, malformed
 * identifier, unterminated quote), MissingValue (no value list; fewer values than the type has),
 * TooManyFields (more values than the type has), BadTimestamp (TIME not N or a non-negative number) —
 * these reject the whole value list — and per value NonFiniteValue ("U", nan, inf) or BadValue.
 */
LineKind translateLine(
    std::string_view line, bool withHost, std::string &out, std::vector<RejectReason> &rejects, std::string &scratch);

} // namespace Garnet::Collectd
