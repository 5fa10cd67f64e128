// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "ctlformat.h"

#include <QDateTime>
#include <QJsonArray>

#include <charconv>
#include <cstdlib>

namespace Garnet::Ctl {

namespace {
constexpr qint64 Second = 1000;
constexpr qint64 Minute = 60 * Second;
constexpr qint64 Hour = 60 * Minute;
constexpr qint64 Day = 24 * Hour;

/** A coarse span for relative times: "45s", "5m", "2h", "3d". */
QString compactSpan(qint64 ms)
{
    if (ms < Minute)
        return QStringLiteral("%1s").arg(ms / Second);
    if (ms < Hour)
        return QStringLiteral("%1m").arg(ms / Minute);
    if (ms < Day)
        return QStringLiteral("%1h").arg(ms / Hour);
    return QStringLiteral("%1d").arg(ms / Day);
}

QString number(qint64 value)
{
    return QString::number(value);
}

QString exitText(const CollectorStatus &c)
{
    if (c.lastExit >= 0)
        return QString::number(c.lastExit);
    return c.runs > 0 ? QStringLiteral("none") : QStringLiteral("-"); // -1 after runs: it failed to start
}

QJsonValue optionalTime(qint64 ms)
{
    return ms > 0 ? QJsonValue(isoUtc(ms)) : QJsonValue(QJsonValue::Null);
}

void appendCounterLines(QString &out, const CounterMap &counters)
{
    QStringList main;
    for (const char *key : { "received", "sent", "dropped", "rejected", "queued", "unattributed" }) {
        const auto it = counters.constFind(QLatin1String(key));
        if (it != counters.constEnd())
            main << QStringLiteral("%1 %2").arg(it.key()).arg(it.value());
    }
    out += QStringLiteral("Counters: %1\n")
               .arg(main.isEmpty() ? QStringLiteral("none") : main.join(QLatin1String(", ")));
    QStringList reasons;
    const QLatin1String prefix("rejected.");
    for (auto it = counters.constBegin(); it != counters.constEnd(); ++it)
        if (it.key().startsWith(prefix) && it.value() != 0)
            reasons << QStringLiteral("%1 %2").arg(it.key().mid(prefix.size())).arg(it.value());
    if (!reasons.isEmpty())
        out += QStringLiteral("Rejected by reason: %1\n").arg(reasons.join(QLatin1String(", ")));
}
} // namespace

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("-");
    if (ms < Second)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 10 * Second)
        return QStringLiteral("%1 s").arg(double(ms) / Second, 0, 'f', 1);
    if (ms < Minute)
        return QStringLiteral("%1 s").arg(ms / Second);
    if (ms < Hour)
        return QStringLiteral("%1m %2s").arg(ms / Minute).arg(ms % Minute / Second, 2, 10, QLatin1Char('0'));
    if (ms < Day)
        return QStringLiteral("%1h %2m").arg(ms / Hour).arg(ms % Hour / Minute, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1d %2h").arg(ms / Day).arg(ms % Day / Hour, 2, 10, QLatin1Char('0'));
}

QString formatRelative(qint64 whenMs, qint64 nowMs)
{
    if (whenMs == 0)
        return QStringLiteral("never");
    const qint64 diff = nowMs - whenMs;
    if (std::llabs(diff) < Second)
        return QStringLiteral("now");
    return diff > 0 ? QStringLiteral("%1 ago").arg(compactSpan(diff)) : QStringLiteral("in %1").arg(compactSpan(-diff));
}

QString formatValue(double value)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return QString::fromLatin1(buffer, qsizetype(result.ptr - buffer));
}

QString formatTimestamp(qint64 seconds, const QTimeZone &zone)
{
    return QDateTime::fromSecsSinceEpoch(seconds, zone).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'Z'"));
}

QString renderTable(const QStringList &headers, const QList<QStringList> &rows, const QList<Align> &align)
{
    QList<qsizetype> widths;
    for (const QString &header : headers)
        widths.append(header.size());
    for (const QStringList &row : rows)
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    auto line = [&](const QStringList &cells) -> QString { // not a QStringBuilder of a dead local
        QString text;
        for (qsizetype i = 0; i < widths.size(); ++i) {
            const QString cell = cells.value(i);
            if (i > 0)
                text += QLatin1String("  ");
            text += align.value(i, Align::Left) == Align::Right ? cell.rightJustified(widths[i])
                                                                : cell.leftJustified(widths[i]);
        }
        while (text.endsWith(u' '))
            text.chop(1);
        return text + u'\n';
    };
    QString out = line(headers);
    for (const QStringList &row : rows)
        out += line(row);
    return out;
}

QString renderStatus(const StatusSnapshot &status, const RenderContext &context)
{
    QString out
        = QStringLiteral("garnet-agent %1 on %2, up %3, config %4\n\n")
              .arg(status.version, status.hostname,
                  formatDuration(status.startTimeMs > 0 ? context.nowMs - status.startTimeMs : -1), status.configFile);
    if (!status.lastReloadError.isEmpty()) {
        out += QStringLiteral("Last reload failed; the previous configuration stays in force:\n");
        for (const QString &line : status.lastReloadError.split(u'\n', Qt::SkipEmptyParts))
            out += QStringLiteral("  %1\n").arg(line);
        out += u'\n';
    }
    if (status.collectors.isEmpty()) {
        out += QStringLiteral("No collectors configured.\n");
    } else {
        QList<QStringList> rows;
        for (const CollectorStatus &c : status.collectors)
            rows.append({ c.name, c.state, formatRelative(c.lastRunMs, context.nowMs), formatDuration(c.lastDurationMs),
                exitText(c), number(c.runs), number(c.failures),
                c.nextRunMs > 0 ? formatRelative(c.nextRunMs, context.nowMs) : QStringLiteral("-") });
        using enum Align;
        out += renderTable({ QStringLiteral("COLLECTOR"), QStringLiteral("STATE"), QStringLiteral("LAST RUN"),
                               QStringLiteral("DURATION"), QStringLiteral("EXIT"), QStringLiteral("RUNS"),
                               QStringLiteral("FAILURES"), QStringLiteral("NEXT RUN") },
            rows, { Left, Left, Left, Right, Right, Right, Right, Left });
        QString errors;
        for (const CollectorStatus &c : status.collectors)
            if ((c.state == u"failing" || c.state == u"timed-out") && !c.stderrTail.isEmpty())
                errors += QStringLiteral("  %1: %2\n").arg(c.name, c.stderrTail.constLast());
        if (!errors.isEmpty())
            out += QStringLiteral("\nLast stderr line of failing collectors:\n") + errors;
    }
    out += u'\n';
    appendCounterLines(out, status.counters);
    if (!status.outputs.isEmpty()) {
        QList<QStringList> rows;
        for (const OutputStatus &o : status.outputs)
            rows.append({ o.name, o.connected ? QStringLiteral("connected") : QStringLiteral("disconnected"),
                number(o.received), number(o.sent), number(o.dropped), number(o.queued) });
        using enum Align;
        out += u'\n';
        out += renderTable({ QStringLiteral("OUTPUT"), QStringLiteral("STATUS"), QStringLiteral("RECEIVED"),
                               QStringLiteral("SENT"), QStringLiteral("DROPPED"), QStringLiteral("QUEUED") },
            rows, { Left, Left, Right, Right, Right, Right });
    }
    return out;
}

QJsonObject statusJson(const StatusSnapshot &status)
{
    QJsonArray collectors;
    for (const CollectorStatus &c : status.collectors) {
        collectors.append(QJsonObject {
            { QStringLiteral("name"), c.name },
            { QStringLiteral("state"), c.state },
            { QStringLiteral("enabled"), c.enabled },
            { QStringLiteral("runs"), c.runs },
            { QStringLiteral("failures"), c.failures },
            { QStringLiteral("timeouts"), c.timeouts },
            { QStringLiteral("skipped"), c.skipped },
            // null: never ran; -1: the last run failed to start; 128+N: killed by signal N
            { QStringLiteral("last_exit"), c.runs == 0 && c.lastExit < 0 ? QJsonValue() : QJsonValue(c.lastExit) },
            { QStringLiteral("last_run"), optionalTime(c.lastRunMs) },
            { QStringLiteral("last_duration_ms"), c.lastDurationMs >= 0 ? QJsonValue(c.lastDurationMs) : QJsonValue() },
            { QStringLiteral("next_run"), optionalTime(c.nextRunMs) },
            { QStringLiteral("interval_ms"), c.intervalMs },
            { QStringLiteral("stderr_tail"), QJsonArray::fromStringList(c.stderrTail) },
        });
    }
    QJsonObject counters;
    for (auto it = status.counters.constBegin(); it != status.counters.constEnd(); ++it)
        counters.insert(it.key(), it.value());
    QJsonArray outputs;
    for (const OutputStatus &o : status.outputs)
        outputs.append(QJsonObject { { QStringLiteral("name"), o.name }, { QStringLiteral("connected"), o.connected },
            { QStringLiteral("received"), o.received }, { QStringLiteral("sent"), o.sent },
            { QStringLiteral("dropped"), o.dropped }, { QStringLiteral("queued"), o.queued } });
    const QJsonObject agent { { QStringLiteral("version"), status.version },
        { QStringLiteral("hostname"), status.hostname }, { QStringLiteral("config_file"), status.configFile },
        { QStringLiteral("start_time"), optionalTime(status.startTimeMs) },
        { QStringLiteral("last_reload_error"),
            status.lastReloadError.isEmpty() ? QJsonValue() : QJsonValue(status.lastReloadError) } };
    return { { QStringLiteral("agent"), agent }, { QStringLiteral("collectors"), collectors },
        { QStringLiteral("counters"), counters }, { QStringLiteral("outputs"), outputs } };
}

QString renderValues(const MetricSeriesList &series, const RenderContext &context)
{
    QList<QStringList> rows;
    for (const MetricSeries &s : series) {
        if (s.points.isEmpty())
            continue;
        const MetricPoint &newest = s.points.constLast();
        rows.append({ s.collector, s.name, formatValue(newest.value), formatTimestamp(newest.timestamp, context.zone),
            formatRelative(newest.timestamp * Second, context.nowMs) });
    }
    if (rows.isEmpty())
        return QStringLiteral("No values yet.\n");
    using enum Align;
    return renderTable({ QStringLiteral("COLLECTOR"), QStringLiteral("METRIC"), QStringLiteral("VALUE"),
                           QStringLiteral("TIMESTAMP"), QStringLiteral("AGE") },
        rows, { Left, Left, Right, Left, Left });
}

QJsonObject valuesJson(const MetricSeriesList &series)
{
    QJsonArray values;
    for (const MetricSeries &s : series) {
        if (s.points.isEmpty())
            continue;
        QJsonArray points;
        for (const MetricPoint &p : s.points)
            points.append(QJsonArray { p.timestamp, p.value });
        values.append(QJsonObject { { QStringLiteral("collector"), s.collector }, { QStringLiteral("name"), s.name },
            { QStringLiteral("value"), s.points.constLast().value },
            { QStringLiteral("timestamp"), s.points.constLast().timestamp }, { QStringLiteral("points"), points } });
    }
    return { { QStringLiteral("values"), values } };
}

QString formatWatchSample(const MetricSample &sample, const RenderContext &context)
{
    return QStringLiteral("%1  %2  %3 = %4\n")
        .arg(formatTimestamp(sample.timestamp, context.zone), sample.collector, sample.name, formatValue(sample.value));
}

QString formatWatchState(const QString &collector, const QString &state, const RenderContext &context)
{
    return QStringLiteral("%1  %2  state: %3\n")
        .arg(formatTimestamp(context.nowMs / Second, context.zone), collector, state);
}

} // namespace Garnet::Ctl
