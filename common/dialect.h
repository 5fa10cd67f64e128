// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// Dialects: the output of existing tools (monitoring-plugins, collectd exec programs) translated into
// Graphite plaintext lines, which then take the normal path (parser, counters, outputs).

#include "common/collectd.h"
#include "common/config.h"
#include "common/metricline.h"
#include "common/nagios.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace Garnet {

/**
 * Appends `text` as (part of) one metric path node: blanks, '.', control bytes, the characters Graphite
 * cannot store or query unescaped ( ; ( ) { } [ ] , = ' " \ / * ? ) and those in `alsoEscape` become '_'.
 * Well-formed UTF-8 is kept; a byte that starts no well-formed sequence (or a C1 control) becomes '_'.
 */
void appendPathNode(std::string &out, std::string_view text, std::string_view alsoEscape = {});

/** None for a finite decimal number (optional leading '+'); NonFiniteValue for nan/inf/overflow; else BadValue. */
RejectReason checkNumber(std::string_view text);

/**
 * One collector's translator: fed the complete lines of a run's standard output, it produces Graphite
 * plaintext lines and the reasons of what it rejected, to be handed to the pipeline (lines()/rejects(),
 * then clear()). Keeps its buffers between runs, so steady operation does not allocate.
 */
class DialectTranslator
{
public:
    explicit DialectTranslator(Dialect dialect)
        : m_dialect(dialect)
    { }

    Dialect dialect() const { return m_dialect; }
    void startRun();
    /** One or more complete lines, each ending in '\n'. */
    void translate(std::string_view lines);
    /**
     * The end of the run: an unterminated last line (plugins often omit the final '\n') is translated,
     * then nagios adds `state` from the exit status (see Nagios::stateFromExitStatus).
     */
    void finishRun(std::string_view unterminatedTail, int exitStatus);

    std::string_view lines() const { return m_lines; } ///< '\n'-terminated Graphite plaintext, relative names
    const std::vector<RejectReason> &rejects() const { return m_rejects; }
    void clear();

    /** collectd PUTNOTIF lines seen since the run started (accepted and ignored). */
    std::uint64_t notifications() const { return m_notifications; }

private:
    void translateLine(std::string_view line);
    /** Drops the lines from byte `from` on that parseMetricLine rejects, adding their reasons to the rejects. */
    void keepValidLines(std::size_t from);

    Dialect m_dialect;
    Nagios::Translator m_nagios;
    std::string m_lines;
    std::string m_scratch;
    std::vector<RejectReason> m_rejects;
    std::uint64_t m_notifications = 0;
};

} // namespace Garnet
