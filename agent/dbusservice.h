// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "collector.h"
#include "common/dbustypes.h"
#include "pipeline.h"
#include "valuestore.h"

#include <QDBusConnection>
#include <QDBusContext>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>

#include <string>

class QTimer;
class Agent1Adaptor;

namespace Garnet {

class Agent;
class Collector;

/** D-Bus error names of org.garnet.Agent1 (listed in common/org.garnet.Agent1.xml). */
inline constexpr char DBusErrorUnknownCollector[] = "org.garnet.Agent1.Error.UnknownCollector";
inline constexpr char DBusErrorAccessDenied[] = "org.garnet.Agent1.Error.AccessDenied";
inline constexpr char DBusErrorReloadFailed[] = "org.garnet.Agent1.Error.ReloadFailed";
inline constexpr char DBusErrorBusy[] = "org.garnet.Agent1.Error.Busy";

/**
 * The agent's status and control on D-Bus: org.garnet.Agent at /org/garnet/Agent, interface org.garnet.Agent1
 * (adaptor generated from common/org.garnet.Agent1.xml). Read-only methods are open to every caller; RunNow,
 * SetEnabled and Reload are refused to callers of another user id. Keeps the recent values of every metric
 * (fed by the pipeline) and emits ValuesArrived/CountersChanged coalesced, at most 4 times a second.
 * Construct after Agent::start() or before it (it attaches to the pipeline once collectors exist); it must not
 * outlive the agent. (Not named DBusService: that is the service name constant in common/names.h.)
 */
class AgentDBusService : public QObject, public ValueObserver, protected QDBusContext
{
    Q_OBJECT
    Q_PROPERTY(QString Version READ version CONSTANT)
    Q_PROPERTY(QString Hostname READ hostname)
    Q_PROPERTY(QString ConfigFile READ configFile)
    Q_PROPERTY(qlonglong StartTime READ startTime CONSTANT)
    Q_PROPERTY(QString LastReloadError READ lastReloadError)
public:
    explicit AgentDBusService(Agent &agent, QObject *parent = nullptr);
    ~AgentDBusService() override;

    /**
     * Export the object, then own org.garnet.Agent on `bus` (never queued, never replacing another owner).
     * On failure returns false with a sentence for the user in *error.
     */
    bool start(QDBusConnection bus, QString *error);

    const ValueStore &values() const { return m_store; }
    static CollectorStatus collectorStatus(const Garnet::Collector &collector);

    QString version() const;
    QString hostname() const;
    QString configFile() const;
    qlonglong startTime() const { return m_startTimeMs; }
    QString lastReloadError() const;

    void observeValue(std::string_view collector, const ParsedMetric &metric, qint64 timestamp) override;

public Q_SLOTS: // D-Bus methods, called through the generated adaptor
    Garnet::CollectorStatusList Collectors();
    Garnet::CollectorStatus Collector(const QString &name);
    Garnet::MetricSeriesList Values(const QString &collector);
    Garnet::CounterMap Counters();
    Garnet::OutputStatusList Outputs();
    void RunNow(const QString &name);
    void SetEnabled(const QString &name, bool enabled);
    void Reload();

Q_SIGNALS: // relayed to D-Bus by the adaptor: the signatures must match it exactly (fully qualified types)
    void CollectorStateChanged(const QString &name, const QString &state);
    void CollectorUpdated(const Garnet::CollectorStatus &status);
    void CollectorsChanged();
    void ValuesArrived(const Garnet::MetricSampleList &samples);
    void CountersChanged(const Garnet::CounterMap &counters);

private:
    bool agentStarted() const;
    void attach();
    void onCollectorsChanged();
    void onCollectorStateChanged();
    void onCollectorRunFinished();
    void markUpdated(const Garnet::Collector &collector);
    Garnet::Collector *findCollector(const QString &name);
    bool callerMayControl(const char *method);
    void scheduleFlush();
    void flush();
    void emitCounters();
    void insertDeliveryCounters(Garnet::CounterMap &map) const;
    std::string_view nameWithTags(const ParsedMetric &metric);

    Agent &m_agent;
    Agent1Adaptor *m_adaptor = nullptr;
    ValueStore m_store;
    QTimer *m_flushTimer;
    QTimer *m_countersTimer;
    QElapsedTimer m_sinceFlush;
    QStringList m_updatedCollectors; ///< CollectorUpdated due at the next flush, in order of first change
    QHash<QString, CollectorState> m_settledStates; ///< each collector's last state other than Running
    std::string m_nameScratch; ///< for a metric whose tags are not next to its name in the line
    qint64 m_startTimeMs;
    bool m_started = false;
    bool m_flushScheduled = false;
    bool m_warnedIgnored = false;
};

} // namespace Garnet
