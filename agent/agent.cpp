// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "agent.h"

#include "collector.h"
#include "common/names.h"
#include "logging.h"
#include "output.h"
#include "pipeline.h"
#include "schedule.h"
#include "socketserver.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QTimer>

#include <algorithm>

namespace Garnet {

namespace {
constexpr auto ShutdownFlushDeadline = std::chrono::seconds(5);
constexpr auto ShutdownCollectorWait = std::chrono::milliseconds(3000); // longer than a collector's kill grace

std::vector<OutputConfig> effectiveOutputs(const std::vector<OutputConfig> &configured)
{
    if (!configured.empty())
        return configured;
    return { OutputConfig {} }; // no output configured: plaintext on stdout
}
} // namespace

Agent::Agent(QObject *parent)
    : QObject(parent)
    , m_selfMetricsTimer(new QTimer(this))
{
    m_selfMetricsTimer->setTimerType(Qt::PreciseTimer);
    m_selfMetricsTimer->setSingleShot(true);
    connect(m_selfMetricsTimer, &QTimer::timeout, this, [this] {
        emitSelfMetrics();
        armSelfMetrics();
    });
}

Agent::~Agent()
{
    m_collectors.clear(); // kills running groups before the sink they write to goes away
    m_retiring.clear();
    m_socket.reset();
    if (m_pipeline)
        m_pipeline->setOutputs({});
    m_outputs.clear();
}

QStringList Agent::bundledCollectorDirs()
{
    const QString appDir = QCoreApplication::applicationDirPath();
    QStringList dirs { QDir::cleanPath(appDir + QStringLiteral("/../collectors")),
        QDir::cleanPath(appDir + QStringLiteral("/../lib/garnet/collectors")),
        QStringLiteral(GARNET_COLLECTORS_INSTALL_DIR) };
    dirs.removeDuplicates();
    return dirs;
}

QByteArray Agent::joinPath(const QString &prefix, const QString &path)
{
    if (prefix.isEmpty())
        return path.toUtf8();
    if (path.isEmpty())
        return prefix.toUtf8();
    return prefix.toUtf8() + '.' + path.toUtf8();
}

CollectorEnvironment Agent::collectorEnvironment(const Config &config, const CollectorConfig &collector)
{
    CollectorEnvironment env;
    env.socketPath = config.agent.socketPath;
    env.pathPrefix = joinPath(config.agent.prefix, collector.path);
    env.collectorDirs = bundledCollectorDirs();
    return env;
}

bool Agent::start(const QString &configPath)
{
    ConfigResult result = loadConfig(configPath);
    if (!result.ok()) {
        for (const QString &error : std::as_const(result.errors))
            qCCritical(lcConfig).noquote() << error;
        return false;
    }
    m_config = std::move(result.config);
    m_pipeline = std::make_unique<Pipeline>(m_config.agent.hostname.toUtf8());
    applyOutputs(effectiveOutputs(m_config.outputs));

    auto resolver = [this](pid_t pid) { return m_registry.resolve(pid); };
    for (const auto &output : m_outputs) {
        if (!output->spoolError().isEmpty()) {
            qCCritical(lcOutput).noquote() << output->name() << output->spoolError();
            return false;
        }
    }
    m_socket = std::make_unique<SocketServer>(*m_pipeline, resolver, nullptr);
    m_socket->setOptions(m_config.socket);
    updateUnattributedContext();
    if (!m_socket->listen(m_config.agent.socketPath)) {
        qCCritical(lcSocket).noquote() << m_socket->errorString();
        return false;
    }
    connect(m_pipeline.get(), &Pipeline::congestionChanged, m_socket.get(), &SocketServer::setPaused);

    applyCollectors(m_config, true);
    armSelfMetrics();
    qCInfo(lcAgent).noquote() << "garnet-agent" << QString::fromLatin1(Version.data(), Version.size())
                              << "started:" << m_collectors.size() << "collector(s)," << m_outputs.size()
                              << "output(s), socket" << m_config.agent.socketPath;
    return true;
}

bool Agent::reload()
{
    if (m_shuttingDown)
        return false;
    qCInfo(lcAgent) << "reloading" << m_config.file;
    ConfigResult result = loadConfig(m_config.file);
    if (!result.ok()) {
        for (const QString &error : std::as_const(result.errors))
            qCCritical(lcConfig).noquote() << error;
        m_lastReloadError = result.errors.join(QLatin1Char('\n'));
        qCWarning(lcAgent) << "reload failed:" << result.errors.size()
                           << "error(s); the previous configuration stays in force";
        Q_EMIT reloaded(false);
        return false;
    }
    Config next = std::move(result.config);
    if (next.agent.socketPath != m_config.agent.socketPath) {
        auto socket = std::make_unique<SocketServer>(
            *m_pipeline, [this](pid_t pid) { return m_registry.resolve(pid); }, nullptr);
        socket->setOptions(next.socket);
        if (!socket->listen(next.agent.socketPath)) {
            m_lastReloadError = socket->errorString();
            qCCritical(lcSocket).noquote() << m_lastReloadError << "- the previous configuration stays in force";
            Q_EMIT reloaded(false);
            return false;
        }
        m_socket->close();
        m_socket = std::move(socket);
        connect(m_pipeline.get(), &Pipeline::congestionChanged, m_socket.get(), &SocketServer::setPaused);
    }
    m_socket->setOptions(next.socket);
    const bool agentChanged = !(next.agent == m_config.agent);
    m_pipeline->setHost(next.agent.hostname.toUtf8());
    applyOutputs(effectiveOutputs(next.outputs));
    applyCollectors(next, agentChanged);
    m_config = std::move(next);
    updateUnattributedContext();
    if (agentChanged)
        armSelfMetrics();
    m_lastReloadError.clear();
    qCInfo(lcAgent) << "reloaded:" << m_collectors.size() << "collector(s)," << m_outputs.size() << "output(s)";
    Q_EMIT reloaded(true);
    return true;
}

void Agent::applyOutputs(const std::vector<OutputConfig> &configs)
{
    std::vector<std::unique_ptr<Output>> next;
    for (std::size_t i = 0; i < configs.size(); ++i) {
        // An unchanged output keeps its connection and queue; a changed one takes over its predecessor's queue.
        auto same = std::find_if(m_outputs.begin(), m_outputs.end(),
            [&](const std::unique_ptr<Output> &o) { return o && o->config() == configs[i]; });
        if (same != m_outputs.end()) {
            next.push_back(std::move(*same));
            continue;
        }
        auto output = Output::create(configs[i]);
        if (i < m_outputs.size() && m_outputs[i] && m_outputs[i]->config().format == configs[i].format)
            output->adoptQueue(*m_outputs[i]);
        next.push_back(std::move(output));
    }
    std::vector<Output *> raw;
    for (auto &output : next)
        raw.push_back(output.get());
    m_pipeline->setOutputs(raw);
    for (auto &old : m_outputs) {
        if (!old)
            continue;
        const OutputCounters c = old->counters();
        qCInfo(lcOutput).noquote() << "output removed:" << old->name() << "with" << c.queued << "line(s) not delivered";
        // Its history stays in the agent's totals (received = sent + dropped + rejected + queued holds on).
        m_retiredOutputs.received += c.recovered;
        m_retiredOutputs.sent += c.sent;
        m_retiredOutputs.dropped += c.dropped + c.queued;
    }
    m_outputs = std::move(next);
    for (auto &output : m_outputs) {
        if (!output->property("garnetStarted").toBool()) {
            output->setProperty("garnetStarted", true);
            output->start();
        }
    }
}

void Agent::applyCollectors(const Config &config, bool agentChanged)
{
    std::vector<std::unique_ptr<Collector>> next;
    for (const CollectorConfig &collectorConfig : config.collectors) {
        auto same = std::find_if(m_collectors.begin(), m_collectors.end(),
            [&](const std::unique_ptr<Collector> &c) { return c && c->config() == collectorConfig; });
        if (same != m_collectors.end() && !agentChanged) {
            next.push_back(std::move(*same)); // unchanged file: keeps its schedule and a run in progress
            continue;
        }
        const CollectorEnvironment env = collectorEnvironment(config, collectorConfig);
        if (Collector::resolveProgram(collectorConfig.command.value(0), env.collectorDirs).isEmpty())
            qCWarning(lcScheduler).noquote() << collectorConfig.file << ": program" << collectorConfig.command.value(0)
                                             << "not found in" << env.collectorDirs.join(QLatin1Char(':')) << "or PATH";
        auto collector = std::make_unique<Collector>(collectorConfig, env, *m_pipeline, m_registry);
        collector->start();
        next.push_back(std::move(collector));
    }
    for (auto &old : m_collectors) {
        if (old) {
            qCInfo(lcScheduler) << "collector" << old->name() << "removed or changed";
            retire(std::move(old));
        }
    }
    m_collectors = std::move(next);
    Q_EMIT collectorsChanged();
}

void Agent::retire(std::unique_ptr<Collector> collector)
{
    collector->stop(); // SIGTERM to a running group now, SIGKILL after its grace
    if (!collector->isRunning())
        return; // destroyed here: nothing left to wait for
    Collector *raw = collector.get();
    connect(raw, &Collector::runFinished, this, [this, raw] {
        // Not from inside the collector's own signal: erase once it has returned.
        QTimer::singleShot(0, this, [this, raw] {
            std::erase_if(m_retiring, [raw](const auto &c) { return c.get() == raw; });
            if (m_shuttingDown && m_retiring.empty())
                finishShutdown();
        });
    });
    m_retiring.push_back(std::move(collector));
}

Collector *Agent::collector(const QString &name) const
{
    for (const auto &collector : m_collectors)
        if (collector->name() == name)
            return collector.get();
    return nullptr;
}

void Agent::updateUnattributedContext()
{
    auto context = std::make_shared<RunContext>();
    context->collector = QByteArray(UnattributedCollector.data(), qsizetype(UnattributedCollector.size()));
    context->pathPrefix = m_config.agent.prefix.toUtf8();
    context->attributed = false;
    m_socket->setUnattributedContext(std::move(context));
}

AgentCounters Agent::counters() const
{
    AgentCounters counters;
    const PipelineCounters &pipeline = m_pipeline->counters();
    counters.received = pipeline.received + m_retiredOutputs.received;
    counters.rejected = pipeline.rejected;
    counters.sent = m_retiredOutputs.sent;
    counters.dropped = m_retiredOutputs.dropped;
    for (const auto &output : m_outputs) {
        const OutputCounters c = output->counters();
        counters.received += c.recovered; // lines a previous run left in the spool
        counters.sent += c.sent;
        counters.dropped += c.dropped;
        counters.queued += c.queued;
    }
    return counters;
}

void Agent::armSelfMetrics()
{
    const qint64 interval = m_config.agent.interval.count();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_selfMetricsTickMs = nextAlignedTick(now, interval);
    m_selfMetricsTimer->start(std::chrono::milliseconds(std::max<qint64>(0, m_selfMetricsTickMs - now)));
}

void Agent::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    qCInfo(lcAgent) << "shutting down";
    m_selfMetricsTimer->stop();
    for (auto &collector : m_collectors)
        retire(std::move(collector));
    m_collectors.clear();
    Q_EMIT collectorsChanged();
    if (m_retiring.empty()) {
        finishShutdown();
        return;
    }
    // Running groups had SIGTERM; collectors SIGKILL after their grace. Past this bound, stop waiting.
    QTimer::singleShot(ShutdownCollectorWait, this, [this] {
        m_retiring.clear(); // SIGKILLs and reaps whatever is left
        finishShutdown();
    });
}

void Agent::finishShutdown()
{
    if (m_finishing)
        return;
    m_finishing = true;
    m_socket->close(); // reads what collectors already wrote, then removes the socket file
    emitSelfMetrics();
    auto pending = std::make_shared<int>(int(m_outputs.size()));
    if (*pending == 0) {
        Q_EMIT finished(0);
        return;
    }
    for (auto &output : m_outputs) {
        connect(
            output.get(), &Output::flushFinished, this,
            [this, pending] {
                if (--*pending == 0) {
                    const AgentCounters c = counters();
                    qCInfo(lcAgent) << "stopped: received" << c.received << "sent" << c.sent << "dropped" << c.dropped
                                    << "rejected" << c.rejected << "undelivered" << c.queued;
                    Q_EMIT finished(0);
                }
            },
            Qt::QueuedConnection);
        output->flush(ShutdownFlushDeadline);
    }
}

} // namespace Garnet
