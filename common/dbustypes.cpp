// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "dbustypes.h"

#include <QDBusMetaType>

namespace Garnet {

void registerDBusTypes()
{
    static const bool registered = [] {
        qDBusRegisterMetaType<CollectorStatus>();
        qDBusRegisterMetaType<CollectorStatusList>();
        qDBusRegisterMetaType<MetricPoint>();
        qDBusRegisterMetaType<QList<MetricPoint>>();
        qDBusRegisterMetaType<MetricSeries>();
        qDBusRegisterMetaType<MetricSeriesList>();
        qDBusRegisterMetaType<MetricSample>();
        qDBusRegisterMetaType<MetricSampleList>();
        qDBusRegisterMetaType<OutputStatus>();
        qDBusRegisterMetaType<OutputStatusList>();
        qDBusRegisterMetaType<CounterMap>();
        // QtDBus looks signal parameter types up by name (adaptor relays, proxy signals), and Qt 6 does not
        // know typedef names unless told: without these, ValuesArrived and CountersChanged are never sent.
        qRegisterMetaType<CollectorStatusList>("Garnet::CollectorStatusList");
        qRegisterMetaType<MetricSeriesList>("Garnet::MetricSeriesList");
        qRegisterMetaType<MetricSampleList>("Garnet::MetricSampleList");
        qRegisterMetaType<OutputStatusList>("Garnet::OutputStatusList");
        qRegisterMetaType<CounterMap>("Garnet::CounterMap");
        return true;
    }();
    Q_UNUSED(registered);
}

QDBusArgument &operator<<(QDBusArgument &arg, const CollectorStatus &s)
{
    arg.beginStructure();
    arg << s.name << s.state << s.enabled << s.lastRunMs << s.lastDurationMs << s.lastExit << s.runs << s.failures
        << s.timeouts << s.skipped << s.nextRunMs << s.intervalMs << s.stderrTail;
    arg.endStructure();
    return arg;
}

const QDBusArgument &operator>>(const QDBusArgument &arg, CollectorStatus &s)
{
    arg.beginStructure();
    arg >> s.name >> s.state >> s.enabled >> s.lastRunMs >> s.lastDurationMs >> s.lastExit >> s.runs >> s.failures
        >> s.timeouts >> s.skipped >> s.nextRunMs >> s.intervalMs >> s.stderrTail;
    arg.endStructure();
    return arg;
}

QDBusArgument &operator<<(QDBusArgument &arg, const MetricPoint &p)
{
    arg.beginStructure();
    arg << p.timestamp << p.value;
    arg.endStructure();
    return arg;
}

const QDBusArgument &operator>>(const QDBusArgument &arg, MetricPoint &p)
{
    arg.beginStructure();
    arg >> p.timestamp >> p.value;
    arg.endStructure();
    return arg;
}

QDBusArgument &operator<<(QDBusArgument &arg, const MetricSeries &s)
{
    arg.beginStructure();
    arg << s.collector << s.name << s.points;
    arg.endStructure();
    return arg;
}

const QDBusArgument &operator>>(const QDBusArgument &arg, MetricSeries &s)
{
    arg.beginStructure();
    arg >> s.collector >> s.name >> s.points;
    arg.endStructure();
    return arg;
}

QDBusArgument &operator<<(QDBusArgument &arg, const MetricSample &s)
{
    arg.beginStructure();
    arg << s.collector << s.name << s.timestamp << s.value;
    arg.endStructure();
    return arg;
}

const QDBusArgument &operator>>(const QDBusArgument &arg, MetricSample &s)
{
    arg.beginStructure();
    arg >> s.collector >> s.name >> s.timestamp >> s.value;
    arg.endStructure();
    return arg;
}

QDBusArgument &operator<<(QDBusArgument &arg, const OutputStatus &s)
{
    arg.beginStructure();
    arg << s.name << s.connected << s.received << s.sent << s.dropped << s.queued;
    arg.endStructure();
    return arg;
}

const QDBusArgument &operator>>(const QDBusArgument &arg, OutputStatus &s)
{
    arg.beginStructure();
    arg >> s.name >> s.connected >> s.received >> s.sent >> s.dropped >> s.queued;
    arg.endStructure();
    return arg;
}

} // namespace Garnet
