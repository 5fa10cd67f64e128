// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/dbustypes.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTimeZone>

/** garnetctl's rendering: pure functions from the agent's D-Bus data to text and JSON. */
namespace Garnet::Ctl {

/** Everything `garnetctl status` shows. */
struct StatusSnapshot
{
    QString version;
    QString hostname;
    QString configFile;
    qint64 startTimeMs = 0;
    QString lastReloadError; ///< empty unless the last reload failed
    CollectorStatusList collectors;
    CounterMap counters;
    OutputStatusList outputs;
};

/** The clock and zone human-readable output is relative to (fixed in tests). */
struct RenderContext
{
    qint64 nowMs = 0;
    QTimeZone zone = QTimeZone::systemTimeZone();
};

/** "-" for unknown (< 0), "850 ms", "1.5 s", "2m 05s", "3h 07m", "2d 04h". */
QString formatDuration(qint64 ms);
/** "never" for 0, "3s ago", "in 7s", "now" within a second. */
QString formatRelative(qint64 whenMs, qint64 nowMs);
/** The shortest text that reads back as the same double: "0.52", "1e+21", "-0". */
QString formatValue(double value);
/** Unix seconds as "2026-01-02 15:04:05" in the zone. */
QString formatTimestamp(qint64 seconds, const QTimeZone &zone);
/** Unix ms as ISO 8601 UTC with milliseconds ("2026-01-02T15:04:05.123Z"). */
QString isoUtc(qint64 ms);

enum class Align { Left, Right };
/** Columns separated by two spaces, padded to the widest cell; no trailing blanks. */
QString renderTable(const QStringList &headers, const QList<QStringList> &rows, const QList<Align> &align);

/** The `status` table: agent line, collectors, failing collectors' last stderr line, counters, outputs. */
QString renderStatus(const StatusSnapshot &status, const RenderContext &context);
/** `status --json`: {agent, collectors, counters, outputs}. */
QJsonObject statusJson(const StatusSnapshot &status);

/** The `values` table: collector, metric, newest value, its timestamp, its age. */
QString renderValues(const MetricSeriesList &series, const RenderContext &context);
/** `values --json`: {values: [{collector, name, value, timestamp, points: [[t, v], ...]}]}. */
QJsonObject valuesJson(const MetricSeriesList &series);

/** One `watch` line per sample: "2026-01-02 15:04:05  cpu  load.1 = 0.52". */
QString formatWatchSample(const MetricSample &sample, const RenderContext &context);
/** One `watch` line per state change: "2026-01-02 15:04:05  cpu  state: failing" (time = now). */
QString formatWatchState(const QString &collector, const QString &state, const RenderContext &context);

} // namespace Garnet::Ctl
