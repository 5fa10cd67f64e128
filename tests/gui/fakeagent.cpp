// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "fakeagent.h"

#include "common/names.h"
#include "fakeagentadaptor.h"

#include <QAtomicInt>

#include <algorithm>

using namespace Garnet;

namespace {
QString connectionName()
{
    static QAtomicInt counter;
    return QStringLiteral("garnet-fake-agent-%1").arg(counter.fetchAndAddRelaxed(1));
}
} // namespace

FakeAgent::FakeAgent(QObject *parent)
    : QObject(parent)
    , m_connection(QDBusConnection::connectToBus(QDBusConnection::SessionBus, connectionName()))
{
    registerDBusTypes();
    new FakeAgentAdaptor(this);
}

FakeAgent::~FakeAgent()
{
    stop();
    QDBusConnection::disconnectFromBus(m_connection.name());
}

bool FakeAgent::start()
{
    if (!m_exported)
        m_exported = m_connection.registerObject(QLatin1String(DBusObjectPath), this);
    return m_exported && m_connection.registerService(QLatin1String(DBusService));
}

void FakeAgent::stop()
{
    m_connection.unregisterService(QLatin1String(DBusService));
}

CollectorStatus FakeAgent::collector(const QString &name, const QString &state, qint64 runs, qint64 failures)
{
    CollectorStatus status;
    status.name = name;
    status.state = state;
    status.enabled = state != QLatin1String("disabled");
    status.lastRunMs = 1700000000000;
    status.lastDurationMs = 42;
    status.lastExit = state == QLatin1String("failing") ? 2 : 0;
    status.runs = runs;
    status.failures = failures;
    status.nextRunMs = status.enabled ? 1700000010000 : 0;
    status.intervalMs = 10000;
    if (state == QLatin1String("failing"))
        status.stderrTail = { QStringLiteral("warming up"), QStringLiteral("%1: cannot read /proc/nothing").arg(name) };
    return status;
}

MetricSeries FakeAgent::series(
    const QString &collector, const QString &name, QList<double> values, qint64 firstTimestamp)
{
    MetricSeries series { collector, name, {} };
    for (qsizetype i = 0; i < values.size(); ++i)
        series.points.append(MetricPoint { firstTimestamp + 10 * i, values.at(i) });
    return series;
}

qsizetype FakeAgent::indexOf(const QString &name) const
{
    for (qsizetype i = 0; i < collectors.size(); ++i) {
        if (collectors.at(i).name == name)
            return i;
    }
    return -1;
}

void FakeAgent::updateCollector(const CollectorStatus &status)
{
    const qsizetype index = indexOf(status.name);
    const QString oldState = index >= 0 ? collectors.at(index).state : QString();
    if (index >= 0)
        collectors[index] = status;
    else
        collectors.append(status);
    if (oldState != status.state)
        Q_EMIT CollectorStateChanged(status.name, status.state);
    Q_EMIT CollectorUpdated(status);
}

void FakeAgent::setCollectorSet(const CollectorStatusList &set)
{
    collectors = set;
    Q_EMIT CollectorsChanged();
}

void FakeAgent::pushSamples(const MetricSampleList &samples)
{
    for (const MetricSample &sample : samples) {
        auto it = std::find_if(values.begin(), values.end(),
            [&](const MetricSeries &s) { return s.collector == sample.collector && s.name == sample.name; });
        if (it == values.end()) {
            values.append(MetricSeries { sample.collector, sample.name, {} });
            it = values.end() - 1;
        }
        it->points.append(MetricPoint { sample.timestamp, sample.value });
    }
    Q_EMIT ValuesArrived(samples);
}

CollectorStatusList FakeAgent::Collectors()
{
    ++collectorsCalls;
    return collectors;
}

CollectorStatus FakeAgent::Collector(const QString &name)
{
    const qsizetype index = indexOf(name);
    if (index < 0) {
        sendErrorReply(QStringLiteral("org.garnet.Agent1.Error.UnknownCollector"),
            QStringLiteral("no collector named %1").arg(name));
        return {};
    }
    return collectors.at(index);
}

MetricSeriesList FakeAgent::Values(const QString &collector)
{
    MetricSeriesList result;
    for (const MetricSeries &series : std::as_const(values)) {
        if (collector.isEmpty() || series.collector == collector)
            result.append(series);
    }
    return result;
}

CounterMap FakeAgent::Counters()
{
    return counters;
}

OutputStatusList FakeAgent::Outputs()
{
    return outputs;
}

bool FakeAgent::refuseControl()
{
    if (refuseControlWith.isEmpty())
        return false;
    sendErrorReply(refuseControlWith, QStringLiteral("refused by the test"));
    return true;
}

void FakeAgent::RunNow(const QString &name)
{
    if (refuseControl())
        return;
    if (indexOf(name) < 0) {
        sendErrorReply(QStringLiteral("org.garnet.Agent1.Error.UnknownCollector"),
            QStringLiteral("no collector named %1").arg(name));
        return;
    }
    runNowCalls.append(name);
}

void FakeAgent::SetEnabled(const QString &name, bool enabled)
{
    if (refuseControl())
        return;
    const qsizetype index = indexOf(name);
    if (index < 0) {
        sendErrorReply(QStringLiteral("org.garnet.Agent1.Error.UnknownCollector"),
            QStringLiteral("no collector named %1").arg(name));
        return;
    }
    setEnabledCalls.append({ name, enabled });
    CollectorStatus status = collectors.at(index);
    status.enabled = enabled;
    status.state = enabled ? QStringLiteral("ok") : QStringLiteral("disabled");
    updateCollector(status);
}

void FakeAgent::Reload()
{
    if (refuseControl())
        return;
    ++reloadCalls;
    Q_EMIT CollectorsChanged();
}
