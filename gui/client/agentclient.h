// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "dbustypes.h"

#include <QDBusConnection>
#include <QDBusError>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>

class AgentProxy;
class QDBusPendingCall;
class QDBusServiceWatcher;

namespace Garnet {

/**
 * The GUI's one connection to garnet-agent: a cache of its status, fed by asynchronous D-Bus calls and the
 * agent's signals. No call ever blocks; "no agent on the bus" is a normal state that ends by itself when the
 * agent (re)appears.
 */
class AgentClient : public QObject
{
    Q_OBJECT
public:
    enum class Bus { Session, System };
    Q_ENUM(Bus)

    /** Samples kept per metric for sparklines. */
    static constexpr int MaxPointsPerSeries = 120;
    /** The fallback refresh while the agent's signals keep the cache current. */
    static constexpr std::chrono::seconds DefaultRefreshInterval { 15 };

    /** Uses the bus from busFromEnvironment(). */
    explicit AgentClient(QObject *parent = nullptr);
    explicit AgentClient(Bus bus, QObject *parent = nullptr);
    AgentClient(const QDBusConnection &connection, QObject *parent = nullptr);
    ~AgentClient() override;

    /** GARNET_BUS=system selects the system bus (as `--system-bus` does); anything else the session bus. */
    static Bus busFromEnvironment();
    static QDBusConnection connectionFor(Bus bus);

    bool isConnected() const { return m_connected; }
    /** Why the agent is not reachable (empty while connected). */
    QString lastError() const { return m_lastError; }
    QString agentVersion() const { return m_version; }
    QString hostname() const { return m_hostname; }

    /** Sorted by name. */
    const CollectorStatusList &collectors() const { return m_collectors; }
    /** nullptr when unknown; valid until the next change of the cache. */
    const CollectorStatus *collector(const QString &name) const;
    /** The metrics of one collector in arrival order (new metrics are appended), oldest point first. */
    MetricSeriesList series(const QString &collector) const;
    const CounterMap &counters() const { return m_counters; }
    const OutputStatusList &outputs() const { return m_outputs; }

    void setRefreshInterval(std::chrono::milliseconds interval);

public Q_SLOTS:
    /** Reload collectors, counters, outputs and agent info; values too when they were never loaded. */
    void refresh();
    void runNow(const QString &collector);
    void setEnabled(const QString &collector, bool enabled);
    void reload();

Q_SIGNALS:
    void connectedChanged(bool connected);
    void lastErrorChanged(const QString &error);
    void agentInfoChanged();
    /** The collector list was replaced; collectors may have been added or removed. */
    void collectorsChanged();
    /** One known collector changed (same set of collectors). */
    void collectorUpdated(const Garnet::CollectorStatus &status);
    /** oldState is empty for a collector seen for the first time. */
    void collectorStateChanged(const QString &name, const QString &oldState, const QString &newState);
    /** Every series was replaced (loaded, or cleared on disconnect). */
    void valuesReset();
    /** New samples were appended to the cached series. */
    void valuesArrived(const Garnet::MetricSampleList &samples);
    void countersChanged();
    void outputsChanged();
    /** A control call (method "RunNow", "SetEnabled" or "Reload") was accepted by the agent. */
    void callSucceeded(const QString &method, const QString &collector);
    void callFailed(const QString &method, const QString &collector, const QString &errorName, const QString &message);

private:
    void setUpProxy();
    void watch(const QDBusPendingCall &call, std::function<void(QDBusPendingCall &)> onFinished);
    void fetchCollectors();
    void fetchValues();
    void fetchAgentInfo();
    void control(const QString &method, const QString &collector, const QDBusPendingCall &call);
    /** Errors of status calls: those saying the agent is gone make us disconnected. */
    void handleStatusError(const QString &method, const QDBusError &error);
    void setConnected(bool connected, const QString &reason = {});
    void onServiceOwnerChanged(const QString &service, const QString &oldOwner, const QString &newOwner);

    void applyCollectors(CollectorStatusList collectors);
    void applyCollector(const CollectorStatus &status);
    void applyState(const QString &name, const QString &state);
    void applySeries(const MetricSeriesList &series);
    void applySamples(const MetricSampleList &samples);

    struct CollectorValues
    {
        MetricSeriesList series;
        QHash<QString, qsizetype> indexByName;
    };

    QDBusConnection m_connection;
    std::unique_ptr<AgentProxy> m_proxy;
    QDBusServiceWatcher *m_serviceWatcher = nullptr;
    QTimer m_refreshTimer;
    /** Bumped when the agent goes away, so late replies from the old instance are dropped. */
    quint64 m_epoch = 0;
    bool m_connected = false;
    bool m_valuesLoaded = false;
    QString m_lastError;
    QString m_version;
    QString m_hostname;
    CollectorStatusList m_collectors;
    QHash<QString, CollectorValues> m_values;
    CounterMap m_counters;
    OutputStatusList m_outputs;
};

} // namespace Garnet
