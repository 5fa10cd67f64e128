// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "agentclient.h"

#include "agentproxy.h"
#include "clientlogging.h"
#include "common/names.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusServiceWatcher>

#include <algorithm>

namespace Garnet {

namespace {

constexpr int CallTimeoutMs = 10000;

QString serviceName()
{
    return QLatin1String(DBusService);
}

bool lessByName(const CollectorStatus &a, const CollectorStatus &b)
{
    return a.name < b.name;
}

/** Errors that mean nobody (or not our agent) answers on the bus name. */
bool meansAgentGone(const QDBusError &error)
{
    switch (error.type()) {
    case QDBusError::ServiceUnknown:
    case QDBusError::Disconnected:
    case QDBusError::NoServer:
    case QDBusError::NoReply:
    case QDBusError::Timeout:
    case QDBusError::TimedOut:
    case QDBusError::UnknownObject:
    case QDBusError::UnknownInterface:
    case QDBusError::UnknownMethod:
        return true;
    default:
        return false;
    }
}

} // namespace

AgentClient::AgentClient(QObject *parent)
    : AgentClient(busFromEnvironment(), parent)
{ }

AgentClient::AgentClient(Bus bus, QObject *parent)
    : AgentClient(connectionFor(bus), parent)
{ }

AgentClient::AgentClient(const QDBusConnection &connection, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
{
    registerDBusTypes();
    setUpProxy();
    m_refreshTimer.setInterval(DefaultRefreshInterval);
    connect(&m_refreshTimer, &QTimer::timeout, this, &AgentClient::refresh);
    m_refreshTimer.start();
    refresh();
}

AgentClient::~AgentClient() = default;

AgentClient::Bus AgentClient::busFromEnvironment()
{
    return qEnvironmentVariable("GARNET_BUS").compare(QLatin1String("system"), Qt::CaseInsensitive) == 0 ? Bus::System
                                                                                                         : Bus::Session;
}

QDBusConnection AgentClient::connectionFor(Bus bus)
{
    return bus == Bus::System ? QDBusConnection::systemBus() : QDBusConnection::sessionBus();
}

void AgentClient::setUpProxy()
{
    m_proxy = std::make_unique<AgentProxy>(serviceName(), QLatin1String(DBusObjectPath), m_connection);
    m_proxy->setTimeout(CallTimeoutMs);
    connect(m_proxy.get(), &AgentProxy::CollectorStateChanged, this, &AgentClient::applyState);
    connect(m_proxy.get(), &AgentProxy::CollectorUpdated, this, &AgentClient::applyCollector);
    connect(m_proxy.get(), &AgentProxy::CollectorsChanged, this, [this] {
        fetchCollectors();
        fetchValues();
    });
    connect(m_proxy.get(), &AgentProxy::ValuesArrived, this, &AgentClient::applySamples);
    connect(m_proxy.get(), &AgentProxy::CountersChanged, this, [this](const CounterMap &counters) {
        if (counters == m_counters)
            return;
        m_counters = counters;
        Q_EMIT countersChanged();
    });

    m_serviceWatcher
        = new QDBusServiceWatcher(serviceName(), m_connection, QDBusServiceWatcher::WatchForOwnerChange, this);
    connect(m_serviceWatcher, &QDBusServiceWatcher::serviceOwnerChanged, this, &AgentClient::onServiceOwnerChanged);
}

void AgentClient::setRefreshInterval(std::chrono::milliseconds interval)
{
    m_refreshTimer.setInterval(interval);
}

const CollectorStatus *AgentClient::collector(const QString &name) const
{
    const auto it = std::lower_bound(m_collectors.cbegin(), m_collectors.cend(), name,
        [](const CollectorStatus &status, const QString &key) { return status.name < key; });
    return it != m_collectors.cend() && it->name == name ? &*it : nullptr;
}

MetricSeriesList AgentClient::series(const QString &collector) const
{
    const auto it = m_values.constFind(collector);
    return it == m_values.cend() ? MetricSeriesList {} : it->series;
}

void AgentClient::watch(const QDBusPendingCall &call, std::function<void(QDBusPendingCall &)> onFinished)
{
    auto *watcher = new QDBusPendingCallWatcher(call, this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
        [this, epoch = m_epoch, onFinished = std::move(onFinished)](QDBusPendingCallWatcher *finished) {
            finished->deleteLater();
            if (epoch == m_epoch)
                onFinished(*finished);
        });
}

void AgentClient::refresh()
{
    if (!m_connection.isConnected()) {
        setConnected(false, tr("No D-Bus connection: %1").arg(m_connection.lastError().message()));
        return;
    }
    fetchCollectors();
    watch(m_proxy->Counters(), [this](QDBusPendingCall &call) {
        const QDBusPendingReply<CounterMap> reply = call;
        if (reply.isError())
            return handleStatusError(QStringLiteral("Counters"), reply.error());
        if (reply.value() != m_counters) {
            m_counters = reply.value();
            Q_EMIT countersChanged();
        }
    });
    watch(m_proxy->Outputs(), [this](QDBusPendingCall &call) {
        const QDBusPendingReply<OutputStatusList> reply = call;
        if (reply.isError())
            return handleStatusError(QStringLiteral("Outputs"), reply.error());
        if (reply.value() != m_outputs) {
            m_outputs = reply.value();
            Q_EMIT outputsChanged();
        }
    });
    if (!m_connected || m_version.isEmpty())
        fetchAgentInfo();
}

void AgentClient::fetchCollectors()
{
    watch(m_proxy->Collectors(), [this](QDBusPendingCall &call) {
        const QDBusPendingReply<CollectorStatusList> reply = call;
        if (reply.isError())
            return handleStatusError(QStringLiteral("Collectors"), reply.error());
        const bool wasConnected = m_connected;
        setConnected(true);
        applyCollectors(reply.value());
        if (!wasConnected || !m_valuesLoaded)
            fetchValues();
    });
}

void AgentClient::fetchValues()
{
    watch(m_proxy->Values(QString()), [this](QDBusPendingCall &call) {
        const QDBusPendingReply<MetricSeriesList> reply = call;
        if (reply.isError())
            return handleStatusError(QStringLiteral("Values"), reply.error());
        applySeries(reply.value());
    });
}

void AgentClient::fetchAgentInfo()
{
    QDBusMessage message = QDBusMessage::createMethodCall(serviceName(), QLatin1String(DBusObjectPath),
        QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("GetAll"));
    message << QLatin1String(DBusInterface);
    watch(m_connection.asyncCall(message, CallTimeoutMs), [this](QDBusPendingCall &call) {
        const QDBusPendingReply<QVariantMap> reply = call;
        if (reply.isError())
            return handleStatusError(QStringLiteral("GetAll"), reply.error());
        const QVariantMap properties = reply.value();
        const QString version = properties.value(QStringLiteral("Version")).toString();
        const QString hostname = properties.value(QStringLiteral("Hostname")).toString();
        if (version != m_version || hostname != m_hostname) {
            m_version = version;
            m_hostname = hostname;
            Q_EMIT agentInfoChanged();
        }
    });
}

void AgentClient::runNow(const QString &collector)
{
    control(QStringLiteral("RunNow"), collector, m_proxy->RunNow(collector));
}

void AgentClient::setEnabled(const QString &collector, bool enabled)
{
    control(QStringLiteral("SetEnabled"), collector, m_proxy->SetEnabled(collector, enabled));
}

void AgentClient::reload()
{
    control(QStringLiteral("Reload"), QString(), m_proxy->Reload());
}

void AgentClient::control(const QString &method, const QString &collector, const QDBusPendingCall &call)
{
    // Control replies are reported even if the agent restarted meanwhile: the user asked for them.
    auto *watcher = new QDBusPendingCallWatcher(call, this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, method, collector](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const QDBusPendingReply<> reply = *w;
        if (reply.isError()) {
            qCWarning(lcClient) << method << collector << "failed:" << reply.error().name() << reply.error().message();
            Q_EMIT callFailed(method, collector, reply.error().name(), reply.error().message());
            return;
        }
        Q_EMIT callSucceeded(method, collector);
        if (method != QLatin1String("RunNow")) {
            fetchCollectors(); // the agent signals changes too; this keeps us right if a signal was missed
            fetchValues();
        }
    });
}

void AgentClient::handleStatusError(const QString &method, const QDBusError &error)
{
    if (meansAgentGone(error)) {
        setConnected(false,
            error.type() == QDBusError::ServiceUnknown
                ? tr("garnet-agent is not running (no %1 on the bus)").arg(serviceName())
                : error.message());
        return;
    }
    if (error.type() == QDBusError::AccessDenied) { // e.g. the system bus policy: no use retrying loudly
        setConnected(false, tr("Not allowed to talk to garnet-agent: %1").arg(error.message()));
        return;
    }
    qCWarning(lcClient) << method << "failed:" << error.name() << error.message();
    Q_EMIT callFailed(method, QString(), error.name(), error.message());
}

void AgentClient::setConnected(bool connected, const QString &reason)
{
    if (reason != m_lastError) {
        m_lastError = reason;
        Q_EMIT lastErrorChanged(reason);
    }
    if (connected == m_connected)
        return;
    m_connected = connected;
    if (connected) {
        qCInfo(lcClient) << "connected to the agent";
        Q_EMIT connectedChanged(true);
        return;
    }
    qCInfo(lcClient) << "agent not reachable:" << reason;
    ++m_epoch;
    m_valuesLoaded = false;
    m_version.clear();
    m_hostname.clear();
    m_collectors.clear();
    m_values.clear();
    m_counters.clear();
    m_outputs.clear();
    Q_EMIT collectorsChanged();
    Q_EMIT valuesReset();
    Q_EMIT countersChanged();
    Q_EMIT outputsChanged();
    Q_EMIT agentInfoChanged();
    Q_EMIT connectedChanged(false);
}

void AgentClient::onServiceOwnerChanged(const QString &, const QString &oldOwner, const QString &newOwner)
{
    if (newOwner.isEmpty()) {
        setConnected(false, tr("garnet-agent went away"));
        return;
    }
    if (!oldOwner.isEmpty())
        setConnected(false, tr("garnet-agent was replaced")); // a new instance: forget the old one's state
    refresh();
}

void AgentClient::applyCollectors(CollectorStatusList collectors)
{
    std::sort(collectors.begin(), collectors.end(), lessByName);
    QHash<QString, QString> oldStates;
    for (const CollectorStatus &status : std::as_const(m_collectors))
        oldStates.insert(status.name, status.state);

    const bool sameSet = collectors.size() == m_collectors.size()
        && std::equal(collectors.cbegin(), collectors.cend(), m_collectors.cbegin(),
            [](const CollectorStatus &a, const CollectorStatus &b) { return a.name == b.name; });
    const CollectorStatusList old = std::exchange(m_collectors, collectors);
    if (sameSet) {
        for (qsizetype i = 0; i < collectors.size(); ++i) {
            if (!(collectors.at(i) == old.at(i)))
                Q_EMIT collectorUpdated(collectors.at(i));
        }
    } else {
        Q_EMIT collectorsChanged();
    }
    for (const CollectorStatus &status : std::as_const(collectors)) {
        const QString oldState = oldStates.value(status.name);
        if (oldState != status.state)
            Q_EMIT collectorStateChanged(status.name, oldState, status.state);
    }
}

void AgentClient::applyCollector(const CollectorStatus &status)
{
    const auto it = std::lower_bound(m_collectors.begin(), m_collectors.end(), status, lessByName);
    if (it == m_collectors.end() || it->name != status.name) {
        m_collectors.insert(it, status);
        Q_EMIT collectorsChanged();
        Q_EMIT collectorStateChanged(status.name, QString(), status.state);
        return;
    }
    if (*it == status)
        return;
    const QString oldState = std::exchange(*it, status).state;
    Q_EMIT collectorUpdated(status);
    if (oldState != status.state)
        Q_EMIT collectorStateChanged(status.name, oldState, status.state);
}

void AgentClient::applyState(const QString &name, const QString &state)
{
    const CollectorStatus *known = collector(name);
    if (!known) {
        watch(m_proxy->Collector(name), [this](QDBusPendingCall &call) {
            const QDBusPendingReply<CollectorStatus> reply = call;
            if (!reply.isError())
                applyCollector(reply.value());
        });
        return;
    }
    CollectorStatus changed = *known;
    changed.state = state;
    applyCollector(changed);
}

void AgentClient::applySeries(const MetricSeriesList &series)
{
    m_values.clear();
    for (const MetricSeries &one : series) {
        CollectorValues &values = m_values[one.collector];
        MetricSeries capped = one;
        if (capped.points.size() > MaxPointsPerSeries)
            capped.points.remove(0, capped.points.size() - MaxPointsPerSeries);
        values.indexByName.insert(one.name, values.series.size());
        values.series.append(std::move(capped));
    }
    m_valuesLoaded = true;
    Q_EMIT valuesReset();
}

void AgentClient::applySamples(const MetricSampleList &samples)
{
    for (const MetricSample &sample : samples) {
        CollectorValues &values = m_values[sample.collector];
        const qsizetype index = values.indexByName.value(sample.name, -1);
        const MetricPoint point { sample.timestamp, sample.value };
        if (index < 0) {
            values.indexByName.insert(sample.name, values.series.size());
            values.series.append(MetricSeries { sample.collector, sample.name, { point } });
            continue;
        }
        QList<MetricPoint> &points = values.series[index].points;
        if (points.isEmpty() || point.timestamp > points.constLast().timestamp)
            points.append(point);
        else if (point.timestamp == points.constLast().timestamp)
            points.last() = point; // a newer value for the same instant replaces the old one
        // older samples (a late signal after a full reload) are already in the history
        if (points.size() > MaxPointsPerSeries)
            points.removeFirst();
    }
    Q_EMIT valuesArrived(samples);
}

} // namespace Garnet
