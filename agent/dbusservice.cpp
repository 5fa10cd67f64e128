// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "dbusservice.h"

#include "agent.h"
#include "agent1adaptor.h"
#include "collector.h"
#include "common/names.h"
#include "output.h"
#include "socketserver.h"

#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusReply>

#include <QDateTime>
#include <QLoggingCategory>
#include <QTimer>
#include <utility>

#include <cstdint>
#include <pwd.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcDBus, "garnet.agent.dbus", QtInfoMsg)

namespace Garnet {

namespace {
constexpr qint64 MinFlushIntervalMs = 250; // ValuesArrived: at most 4 emissions a second
constexpr auto CountersInterval = std::chrono::seconds(5); // CountersChanged at least this often
constexpr std::string_view SelfMetricsCollector = "garnet"; // Agent::emitSelfMetrics()

qint64 msSinceEpoch(const QDateTime &time)
{
    return time.isValid() ? time.toMSecsSinceEpoch() : 0;
}

QString busDescription(const QDBusConnection &bus)
{
    if (bus.name() == QLatin1String("qt_default_session_bus"))
        return QStringLiteral("session bus");
    if (bus.name() == QLatin1String("qt_default_system_bus"))
        return QStringLiteral("system bus");
    return QStringLiteral("D-Bus bus");
}

QString userName(uint uid)
{
    const passwd *entry = ::getpwuid(uid);
    return entry ? QString::fromLocal8Bit(entry->pw_name) : QStringLiteral("uid %1").arg(uid);
}
} // namespace

AgentDBusService::AgentDBusService(Agent &agent, QObject *parent)
    : QObject(parent)
    , m_agent(agent)
    , m_flushTimer(new QTimer(this))
    , m_countersTimer(new QTimer(this))
    , m_startTimeMs(QDateTime::currentMSecsSinceEpoch())
{
    registerDBusTypes();
    m_flushTimer->setSingleShot(true);
    connect(m_flushTimer, &QTimer::timeout, this, &AgentDBusService::flush);
    m_countersTimer->setSingleShot(true);
    connect(m_countersTimer, &QTimer::timeout, this, &AgentDBusService::emitCounters);
    connect(&m_agent, &Agent::collectorsChanged, this, &AgentDBusService::onCollectorsChanged);
}

AgentDBusService::~AgentDBusService()
{
    if (m_started && agentStarted())
        m_agent.pipeline().setValueObserver(nullptr);
}

bool AgentDBusService::start(QDBusConnection bus, QString *error)
{
    const QString where = busDescription(bus);
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (!bus.isConnected())
        return fail(QStringLiteral("cannot connect to the %1: %2").arg(where, bus.lastError().message()));
    if (!m_adaptor)
        m_adaptor = new Agent1Adaptor(this);
    // The object first: a client that sees the name appear must find the object behind it.
    const QString path = QLatin1String(DBusObjectPath);
    if (!bus.registerObject(path, this, QDBusConnection::ExportAdaptors))
        return fail(QStringLiteral("cannot register %1 on the %2: %3").arg(path, where, bus.lastError().message()));
    const QString service = QLatin1String(DBusService);
    const QDBusReply<QDBusConnectionInterface::RegisterServiceReply> reply = bus.interface()->registerService(
        service, QDBusConnectionInterface::DontQueueService, QDBusConnectionInterface::DontAllowReplacement);
    if (!reply.isValid() || reply.value() != QDBusConnectionInterface::ServiceRegistered) {
        bus.unregisterObject(path);
        if (!reply.isValid())
            return fail(QStringLiteral("cannot own %1 on the %2: %3").arg(service, where, reply.error().message()));
        const QDBusReply<uint> owner = bus.interface()->servicePid(service);
        const QString pid = owner.isValid() ? QStringLiteral(" (pid %1)").arg(owner.value()) : QString();
        return fail(QStringLiteral("another garnet-agent%1 already owns %2 on the %3").arg(pid, service, where));
    }
    m_started = true;
    attach();
    m_sinceFlush.start();
    m_countersTimer->start(CountersInterval);
    qCDebug(lcDBus).noquote() << "status and control on the" << where << "as" << service;
    return true;
}

bool AgentDBusService::agentStarted() const
{
    return !m_agent.config().file.isEmpty(); // set by a successful Agent::start(); the pipeline exists from then
}

void AgentDBusService::attach()
{
    if (!m_started || !agentStarted())
        return;
    m_agent.pipeline().setValueObserver(this);
    for (const auto &collector : m_agent.collectors()) {
        // Unchanged collectors survive a reload as the same objects: connect each only once.
        connect(collector.get(), &Garnet::Collector::stateChanged, this, &AgentDBusService::onCollectorStateChanged,
            Qt::UniqueConnection);
        connect(collector.get(), &Garnet::Collector::runFinished, this, &AgentDBusService::onCollectorRunFinished,
            Qt::UniqueConnection);
    }
}

void AgentDBusService::onCollectorsChanged()
{
    attach();
    m_settledStates.removeIf([this](const auto &entry) { return findCollector(entry.key()) == nullptr; });
    m_store.retainCollectors([this](std::string_view name) {
        if (name == SelfMetricsCollector || name == UnattributedCollector)
            return true;
        return findCollector(QString::fromUtf8(name.data(), qsizetype(name.size()))) != nullptr;
    });
    if (m_started)
        Q_EMIT CollectorsChanged();
}

void AgentDBusService::onCollectorStateChanged()
{
    const auto *collector = qobject_cast<const Garnet::Collector *>(sender());
    if (!collector)
        return;
    const CollectorState state = collector->state();
    const QString name = collector->name();
    // Every run goes "running" and back: for a healthy collector those changes wait for the flush. A change of
    // the settled state (ok → failing, failing → ok, ...) and the end of a failed run are when a client wants
    // the whole status (a notification or the window quotes that run's stderr tail, which is empty while a run
    // is going): that goes out at once, before the state signal. Failing collectors are few; healthy ones at
    // 1,000 runs/s stay coalesced.
    bool settledChange = false;
    if (state != CollectorState::Running) {
        const auto known = m_settledStates.constFind(name);
        settledChange = known == m_settledStates.cend() || *known != state;
        m_settledStates.insert(name, state);
    }
    if (settledChange || state == CollectorState::Failing || state == CollectorState::TimedOut) {
        m_updatedCollectors.removeOne(name);
        Q_EMIT CollectorUpdated(collectorStatus(*collector));
    } else {
        markUpdated(*collector);
    }
    Q_EMIT CollectorStateChanged(name, collectorStateName(state));
}

void AgentDBusService::onCollectorRunFinished()
{
    if (const auto *collector = qobject_cast<const Garnet::Collector *>(sender()))
        markUpdated(*collector);
}

void AgentDBusService::markUpdated(const Garnet::Collector &collector)
{
    // The full status goes out with the next flush (at most 4 a second), once per collector however many runs
    // and state changes came meanwhile: at 1,000 runs/s, three status signals per run were half the agent's
    // CPU per run. The state itself is signalled at once (CollectorStateChanged, two strings).
    if (!m_updatedCollectors.contains(collector.name()))
        m_updatedCollectors.append(collector.name());
    if (!m_flushScheduled)
        scheduleFlush();
}

CollectorStatus AgentDBusService::collectorStatus(const Garnet::Collector &collector)
{
    const CollectorStats &stats = collector.stats();
    CollectorStatus status;
    status.name = collector.name();
    status.state = collectorStateName(collector.state());
    status.enabled = collector.isEnabled();
    status.lastRunMs = msSinceEpoch(stats.lastRun);
    status.lastDurationMs = stats.lastDurationMs;
    status.lastExit = stats.lastExitStatus;
    status.runs = stats.runs;
    status.failures = stats.failures;
    status.timeouts = stats.timeouts;
    status.skipped = stats.skipped;
    status.nextRunMs = msSinceEpoch(stats.nextRun);
    status.intervalMs = collector.config().interval.count();
    status.stderrTail = collector.stderrTail();
    return status;
}

QString AgentDBusService::version() const
{
    return QString::fromLatin1(Version.data(), qsizetype(Version.size()));
}

QString AgentDBusService::hostname() const
{
    return m_agent.config().agent.hostname;
}

QString AgentDBusService::configFile() const
{
    return m_agent.config().file;
}

QString AgentDBusService::lastReloadError() const
{
    return m_agent.lastReloadError();
}

Garnet::Collector *AgentDBusService::findCollector(const QString &name)
{
    return agentStarted() ? m_agent.collector(name) : nullptr;
}

CollectorStatusList AgentDBusService::Collectors()
{
    CollectorStatusList list;
    for (const auto &collector : m_agent.collectors())
        list.append(collectorStatus(*collector));
    std::sort(list.begin(), list.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    return list;
}

CollectorStatus AgentDBusService::Collector(const QString &name)
{
    if (const auto *collector = findCollector(name))
        return collectorStatus(*collector);
    sendErrorReply(QLatin1String(DBusErrorUnknownCollector), QStringLiteral("no collector named '%1'").arg(name));
    return {};
}

MetricSeriesList AgentDBusService::Values(const QString &collector)
{
    if (!collector.isEmpty() && !findCollector(collector) && !m_store.hasCollector(collector)) {
        sendErrorReply(
            QLatin1String(DBusErrorUnknownCollector), QStringLiteral("no collector named '%1'").arg(collector));
        return {};
    }
    return m_store.series(collector);
}

CounterMap AgentDBusService::Counters()
{
    CounterMap map;
    if (!agentStarted())
        return map;
    const AgentCounters totals = m_agent.counters();
    map.insert(QStringLiteral("received"), totals.received);
    map.insert(QStringLiteral("sent"), totals.sent);
    map.insert(QStringLiteral("dropped"), totals.dropped);
    map.insert(QStringLiteral("rejected"), totals.rejected);
    map.insert(QStringLiteral("queued"), totals.queued);
    const PipelineCounters &pipeline = m_agent.pipeline().counters();
    map.insert(QStringLiteral("accepted"), pipeline.accepted);
    map.insert(QStringLiteral("unattributed"), pipeline.unattributed);
    for (std::size_t r = 1; r < std::size_t(RejectReason::Count); ++r) {
        const std::string_view reason = rejectReasonName(RejectReason(r));
        map.insert(QLatin1String("rejected.") + QLatin1String(reason.data(), qsizetype(reason.size())),
            pipeline.rejectedBy[r]);
    }
    qint64 connected = 0;
    for (const auto &output : m_agent.outputs())
        connected += output->isConnected() ? 1 : 0;
    map.insert(QStringLiteral("outputs"), qint64(m_agent.outputs().size()));
    map.insert(QStringLiteral("outputs.connected"), connected);
    map.insert(QStringLiteral("collectors"), qint64(m_agent.collectors().size()));
    map.insert(QStringLiteral("status.metrics"), qint64(m_store.metricCount()));
    map.insert(QStringLiteral("status.ignored_samples"), m_store.ignoredSamples());
    insertDeliveryCounters(map);
    return map;
}

void AgentDBusService::insertDeliveryCounters(CounterMap &map) const
{
    // Spool and socket limits (docs/reliability.md): spooled is part of queued, recovered part of received.
    qint64 spooled = 0;
    qint64 recovered = 0;
    qint64 replayed = 0;
    for (const auto &output : m_agent.outputs()) {
        const OutputCounters c = output->counters();
        spooled += c.spooled;
        recovered += c.recovered;
        replayed += c.replayed;
    }
    map.insert(QStringLiteral("spooled"), spooled);
    map.insert(QStringLiteral("recovered"), recovered);
    map.insert(QStringLiteral("replayed"), replayed);
    const SocketCounters socket = m_agent.socketServer().counters();
    map.insert(QStringLiteral("socket.connections"), socket.connections);
    map.insert(QStringLiteral("socket.open_connections"), socket.openConnections);
    map.insert(QStringLiteral("socket.refused"), socket.refusedConnections);
    map.insert(QStringLiteral("socket.denied"), socket.deniedConnections);
    map.insert(QStringLiteral("socket.idle_closed"), socket.idleClosed);
    map.insert(QStringLiteral("socket.evicted"), socket.evictedConnections);
    map.insert(QStringLiteral("socket.accept_failures"), socket.acceptFailures);
}

OutputStatusList AgentDBusService::Outputs()
{
    OutputStatusList list;
    for (const auto &output : m_agent.outputs()) {
        const OutputCounters c = output->counters();
        list.append({ output->name(), output->isConnected(), c.received, c.sent, c.dropped, c.queued });
    }
    return list;
}

bool AgentDBusService::callerMayControl(const char *method)
{
    if (!calledFromDBus())
        return true;
    const QDBusReply<uint> caller = connection().interface()->serviceUid(message().service());
    const uint agentUid = ::geteuid();
    if (caller.isValid() && caller.value() == agentUid)
        return true;
    const QString who = caller.isValid()
        ? QStringLiteral("%1 (uid %2)").arg(userName(caller.value())).arg(caller.value())
        : QStringLiteral("a caller whose user id is unknown");
    const QString text
        = QStringLiteral("%1 refused: only %2 (uid %3), the agent's user, may control it; the caller is %4")
              .arg(QLatin1String(method), userName(agentUid))
              .arg(agentUid)
              .arg(who);
    qCWarning(lcDBus).noquote() << text;
    sendErrorReply(QLatin1String(DBusErrorAccessDenied), text);
    return false;
}

void AgentDBusService::RunNow(const QString &name)
{
    if (!callerMayControl("RunNow"))
        return;
    Garnet::Collector *collector = findCollector(name);
    if (!collector) {
        sendErrorReply(QLatin1String(DBusErrorUnknownCollector), QStringLiteral("no collector named '%1'").arg(name));
        return;
    }
    qCInfo(lcDBus) << "run of" << name << "requested over D-Bus";
    if (!collector->runNow())
        sendErrorReply(QLatin1String(DBusErrorBusy),
            QStringLiteral("collector '%1' is still running; no second run was started").arg(name));
}

void AgentDBusService::SetEnabled(const QString &name, bool enabled)
{
    if (!callerMayControl("SetEnabled"))
        return;
    Garnet::Collector *collector = findCollector(name);
    if (!collector) {
        sendErrorReply(QLatin1String(DBusErrorUnknownCollector), QStringLiteral("no collector named '%1'").arg(name));
        return;
    }
    qCInfo(lcDBus) << (enabled ? "enabling" : "disabling") << name << "as requested over D-Bus";
    collector->setEnabled(enabled);
    Q_EMIT CollectorUpdated(collectorStatus(*collector));
    Q_EMIT CollectorsChanged();
}

void AgentDBusService::Reload()
{
    if (!callerMayControl("Reload"))
        return;
    qCInfo(lcDBus) << "reload requested over D-Bus";
    if (!m_agent.reload()) {
        const QString errors = m_agent.lastReloadError();
        sendErrorReply(QLatin1String(DBusErrorReloadFailed),
            errors.isEmpty() ? QStringLiteral("the configuration could not be reloaded") : errors);
    }
}

std::string_view AgentDBusService::nameWithTags(const ParsedMetric &metric)
{
    if (metric.tags.empty())
        return metric.name;
    // The parser's name and tags are views of one "name;tags" field: rejoin them without copying.
    const auto nameEnd = reinterpret_cast<std::uintptr_t>(metric.name.data()) + metric.name.size();
    if (reinterpret_cast<std::uintptr_t>(metric.tags.data()) == nameEnd + 1)
        return { metric.name.data(), metric.name.size() + 1 + metric.tags.size() };
    m_nameScratch.assign(metric.name); // keeps its capacity: no allocation once it has grown
    m_nameScratch += ';';
    m_nameScratch.append(metric.tags);
    return m_nameScratch;
}

void AgentDBusService::observeValue(std::string_view collector, const ParsedMetric &metric, qint64 timestamp)
{
    m_store.record(collector, nameWithTags(metric), timestamp, metric.value);
    if (!m_flushScheduled)
        scheduleFlush();
}

void AgentDBusService::scheduleFlush()
{
    m_flushScheduled = true;
    const qint64 wait = std::max<qint64>(0, MinFlushIntervalMs - m_sinceFlush.elapsed());
    m_flushTimer->start(std::chrono::milliseconds(wait));
}

void AgentDBusService::flush()
{
    m_flushScheduled = false;
    m_sinceFlush.start();
    const QStringList updated = std::exchange(m_updatedCollectors, {});
    for (const QString &name : updated)
        if (const auto *collector = findCollector(name)) // gone if a reload removed it meanwhile
            Q_EMIT CollectorUpdated(collectorStatus(*collector));
    if (!m_store.hasPending())
        return;
    Q_EMIT ValuesArrived(m_store.takePending());
    emitCounters();
    if (!m_warnedIgnored && m_store.ignoredSamples() > 0) {
        m_warnedIgnored = true;
        const ValueStoreLimits &limits = m_store.limits();
        qCWarning(lcDBus).noquote() << "status keeps at most" << limits.metricsPerCollector
                                    << "metrics per collector and" << limits.totalMetrics
                                    << "in all: newer metric names are not shown on D-Bus (they are still sent)";
    }
}

void AgentDBusService::emitCounters()
{
    m_countersTimer->start(CountersInterval); // restart: the next periodic emission is 5 s after this one
    Q_EMIT CountersChanged(Counters());
}

} // namespace Garnet
