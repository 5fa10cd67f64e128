// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QDBusArgument>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

/** The Qt side of the struct types in org.garnet.Agent1.xml (signatures in the comments must match it). */
namespace Garnet {

/** (ssbxxixxxxxxas) */
struct CollectorStatus
{
    QString name;
    QString state; ///< ok, failing, timed-out, disabled, running
    bool enabled = true;
    qint64 lastRunMs = 0; ///< Unix ms of the last run's start, 0 = never
    qint64 lastDurationMs = -1;
    int lastExit = -1; ///< exit code, 128+signal after a crash, -1 = never ran / failed to start
    qint64 runs = 0;
    qint64 failures = 0;
    qint64 timeouts = 0;
    qint64 skipped = 0;
    qint64 nextRunMs = 0; ///< 0 = not scheduled
    qint64 intervalMs = 0;
    QStringList stderrTail;
    friend bool operator==(const CollectorStatus &, const CollectorStatus &) = default;
};
using CollectorStatusList = QList<CollectorStatus>;

/** (xd) */
struct MetricPoint
{
    qint64 timestamp = 0; ///< Unix seconds
    double value = 0;
    friend bool operator==(const MetricPoint &, const MetricPoint &) = default;
};

/** (ssa(xd)) */
struct MetricSeries
{
    QString collector;
    QString name; ///< relative to the collector's path, tags included
    QList<MetricPoint> points; ///< oldest first
    friend bool operator==(const MetricSeries &, const MetricSeries &) = default;
};
using MetricSeriesList = QList<MetricSeries>;

/** (ssxd) */
struct MetricSample
{
    QString collector;
    QString name;
    qint64 timestamp = 0;
    double value = 0;
    friend bool operator==(const MetricSample &, const MetricSample &) = default;
};
using MetricSampleList = QList<MetricSample>;

/** (sbxxxx) */
struct OutputStatus
{
    QString name;
    bool connected = false;
    qint64 received = 0;
    qint64 sent = 0;
    qint64 dropped = 0;
    qint64 queued = 0;
    friend bool operator==(const OutputStatus &, const OutputStatus &) = default;
};
using OutputStatusList = QList<OutputStatus>;

/** a{sx} */
using CounterMap = QMap<QString, qlonglong>;

/** Register every type with QMetaType and QtDBus. Call once before using the interface. */
void registerDBusTypes();

QDBusArgument &operator<<(QDBusArgument &arg, const CollectorStatus &s);
const QDBusArgument &operator>>(const QDBusArgument &arg, CollectorStatus &s);
QDBusArgument &operator<<(QDBusArgument &arg, const MetricPoint &p);
const QDBusArgument &operator>>(const QDBusArgument &arg, MetricPoint &p);
QDBusArgument &operator<<(QDBusArgument &arg, const MetricSeries &s);
const QDBusArgument &operator>>(const QDBusArgument &arg, MetricSeries &s);
QDBusArgument &operator<<(QDBusArgument &arg, const MetricSample &s);
const QDBusArgument &operator>>(const QDBusArgument &arg, MetricSample &s);
QDBusArgument &operator<<(QDBusArgument &arg, const OutputStatus &s);
const QDBusArgument &operator>>(const QDBusArgument &arg, OutputStatus &s);

} // namespace Garnet

Q_DECLARE_METATYPE(Garnet::CollectorStatus)
Q_DECLARE_METATYPE(Garnet::MetricPoint)
Q_DECLARE_METATYPE(Garnet::MetricSeries)
Q_DECLARE_METATYPE(Garnet::MetricSample)
Q_DECLARE_METATYPE(Garnet::OutputStatus)
