// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "dbustypes.h"

#include <QDBusConnection>
#include <QDBusContext>
#include <QObject>

#include <utility>

/**
 * A garnet-agent stand-in for GUI tests: serves org.garnet.Agent1 through an adaptor generated from the same
 * XML, on its own bus connection (as a separate process would), with state the test sets and drives.
 */
class FakeAgent : public QObject, protected QDBusContext
{
    Q_OBJECT
    Q_PROPERTY(QString Version READ version)
    Q_PROPERTY(QString Hostname READ hostname)
    Q_PROPERTY(QString ConfigFile READ configFile)
    Q_PROPERTY(qint64 StartTime READ startTime)
public:
    explicit FakeAgent(QObject *parent = nullptr);
    ~FakeAgent() override;

    /** Take the agent's bus name (and export the object on first use). */
    bool start();
    /** Give the bus name up, as an agent that exits. */
    void stop();

    static Garnet::CollectorStatus collector(
        const QString &name, const QString &state, qint64 runs = 1, qint64 failures = 0);
    static Garnet::MetricSeries series(
        const QString &collector, const QString &name, QList<double> values, qint64 firstTimestamp = 1700000000);

    /** Replace one collector and emit CollectorUpdated (and CollectorStateChanged when the state changed). */
    void updateCollector(const Garnet::CollectorStatus &status);
    /** Replace the whole set and emit CollectorsChanged. */
    void setCollectorSet(const Garnet::CollectorStatusList &collectors);
    /** Append samples to the series and emit ValuesArrived. */
    void pushSamples(const Garnet::MetricSampleList &samples);

    QString version() const { return QStringLiteral("9.9.9-fake"); }
    QString hostname() const { return QStringLiteral("testhost"); }
    QString configFile() const { return QStringLiteral("/tmp/fake.toml"); }
    qint64 startTime() const { return 1700000000000; }

    // What the D-Bus methods return; the test edits these directly.
    Garnet::CollectorStatusList collectors;
    Garnet::MetricSeriesList values;
    Garnet::CounterMap counters;
    Garnet::OutputStatusList outputs;
    /** When set, control methods fail with this D-Bus error name. */
    QString refuseControlWith;

    // What the agent was asked to do.
    QStringList runNowCalls;
    QList<std::pair<QString, bool>> setEnabledCalls;
    int reloadCalls = 0;
    int collectorsCalls = 0;

public Q_SLOTS: // org.garnet.Agent1, called by the generated adaptor
    Garnet::CollectorStatusList Collectors();
    Garnet::CollectorStatus Collector(const QString &name);
    Garnet::MetricSeriesList Values(const QString &collector);
    Garnet::CounterMap Counters();
    Garnet::OutputStatusList Outputs();
    void RunNow(const QString &name);
    void SetEnabled(const QString &name, bool enabled);
    void Reload();

Q_SIGNALS:
    void CollectorStateChanged(const QString &name, const QString &state);
    void CollectorUpdated(const Garnet::CollectorStatus &status);
    void CollectorsChanged();
    void ValuesArrived(const Garnet::MetricSampleList &samples);
    void CountersChanged(const Garnet::CounterMap &counters);

private:
    bool refuseControl();
    qsizetype indexOf(const QString &name) const;

    QDBusConnection m_connection;
    bool m_exported = false;
};
