// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// The nagios dialect: monitoring-plugins output → Graphite plaintext lines (see collectors/dialects.md).

#include "common/metricline.h"

#include <string>
#include <string_view>
#include <vector>

namespace Garnet::Nagios {

/**
 * One perfdata item, `'label'=value[UOM];[warn];[crit];[min];[max]`. Views into the input; the label is
 * as written between the quotes ('' escapes not undone), the value without its unit of measure.
 */
struct PerfItem
{
    std::string_view label;
    bool quoted = false;
    std::string_view value; ///< a finite decimal number, e.g. "0.310000"
    std::string_view unit; ///< "", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c" or another word
    std::string_view warn, crit, min, max; ///< raw fields; empty when absent
    bool extraFields = false; ///< more than five ';'-separated fields (the extra ones are ignored)
};

/**
 * Splits the next blank-separated item off `perfdata` ('quoted labels' may contain blanks). False when
 * only blanks are left. An unterminated quote makes the rest of the text one (malformed) item.
 */
bool nextPerfItem(std::string_view &perfdata, std::string_view &item);

/**
 * Parses one item. Returns None, or why the whole item is rejected:
 * BadName (empty label, unterminated quote, text between the closing quote and '='), MissingValue (no
 * '=' or nothing after it), NonFiniteValue ("U": the plugin could not determine the value; also nan/inf),
 * BadValue (not a number followed by an optional unit made of letters and '%', e.g. "1,5" or "0x10").
 */
RejectReason parsePerfItem(std::string_view item, PerfItem &out);

/**
 * The number to emit for a warn/crit range (`10`, `10:`, `~:10`, `10:20`, `@10:20`): the upper bound
 * when there is one, else the lower bound ("10:" → 10). `@` (alert inside the range) is ignored. Sets
 * `number` to the bound's text; false for a malformed range or one without a finite bound ("~:").
 */
bool rangeThreshold(std::string_view range, std::string_view &number);

/**
 * Appends the path node for a label: '' → ', a path-like label maps like the filesystem collector
 * ("/" → root, "/var/lib" → var_lib), and every blank, '.', control or character Graphite cannot store
 * becomes '_'.
 */
void appendLabelNode(std::string &out, std::string_view label);

/** 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; anything else (crash, timeout, failed start) is UNKNOWN. */
int stateFromExitStatus(int exitStatus);

/**
 * Turns the output of one plugin run into metric lines: perfdata after the first '|' of the first line,
 * and in the long text from the first line containing '|' on, everything after it (the rest of that
 * line and all later lines). For every item: `label value`, then `label.warn`, `label.crit`,
 * `label.min`, `label.max` when present. At the end of the run: `state N`. No timestamps: the agent
 * stamps them with the run's tick.
 */
class Translator
{
public:
    void startRun();
    /** One line of output without its '\n' (a trailing '\r' is ignored). */
    void translateLine(std::string_view line, std::string &out, std::vector<RejectReason> &rejects);
    void finishRun(int exitStatus, std::string &out);

private:
    void translatePerfdata(std::string_view perfdata, std::string &out, std::vector<RejectReason> &rejects);
    std::string m_node; ///< scratch: reused so that a run allocates only once
    bool m_firstLine = true;
    bool m_longPerfdata = false; ///< a '|' was seen in the long text: every further line is perfdata
};

} // namespace Garnet::Nagios
