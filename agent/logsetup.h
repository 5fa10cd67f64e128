// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/config.h"

#include <QString>

namespace Garnet {

/** Whether stderr is the journal stream systemd connected (JOURNAL_STREAM names stderr's device:inode). */
bool stderrIsJournalStream();

/** The message pattern used unless QT_MESSAGE_PATTERN is set: journald adds timestamps, a file or tty needs them. */
QString defaultMessagePattern(bool journal);

/**
 * Set up the agent's log format. Under journald every line gets a syslog priority prefix ("<3>" for critical,
 * "<4>" warning, "<6>" info, "<7>" debug) that journald turns into the entry's priority, multi-line messages
 * included; elsewhere messages are plain, timestamped lines. QT_MESSAGE_PATTERN, when set, replaces the pattern.
 */
void installLogFormat();

/** QLoggingCategory filter rules that hide garnet.* messages below `level`. */
QString logLevelFilterRules(LogLevel level);

/**
 * Apply [agent] log_level. QT_LOGGING_RULES (and QT_LOGGING_CONF) still win for the categories they name:
 * Qt evaluates them after these rules.
 */
void applyLogLevel(LogLevel level);

/** Apply the log_level of a configuration file before it is loaded for real, so start-up logs at that level. */
void applyLogLevelOf(const QString &configPath);

} // namespace Garnet
