// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/config.h"
#include "runregistry.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <vector>

class QTimer;

namespace Garnet {

class Collector;
class Output;
class Pipeline;
class SocketServer;
struct CollectorEnvironment;

/**
 * Agent-wide delivery counters. With one output: received == sent + dropped + rejected + queued, at every
 * moment and across reloads (outputs removed by a reload keep counting here: their undelivered lines as
 * dropped). With several outputs each accepted line is counted once per output in sent/dropped/queued; the
 * invariant then holds per output (Output::counters()). received includes lines recovered from a spool.
 */
struct AgentCounters
{
    qint64 received = 0;
    qint64 sent = 0; ///< summed over outputs
    qint64 dropped = 0; ///< summed over outputs
    qint64 rejected = 0;
    qint64 queued = 0; ///< summed over outputs
};

/**
 * The headless agent: owns the configuration, the collectors, the socket, the pipeline and the outputs.
 * start() applies a configuration; reload() re-reads it and changes only what changed; shutdown() stops
 * collecting, flushes outputs within a bounded time and emits finished().
 */
class Agent : public QObject
{
    Q_OBJECT
public:
    explicit Agent(QObject *parent = nullptr);
    ~Agent() override;

    /** Load and apply the configuration; on failure logs every error and returns false. */
    bool start(const QString &configPath);
    /** Re-read the configuration. A bad configuration is logged and the old one stays in force. */
    bool reload();
    /** Stop timers, terminate running collectors, flush outputs (bounded), remove the socket; then finished(0). */
    void shutdown();

    const Config &config() const { return m_config; }
    const std::vector<std::unique_ptr<Collector>> &collectors() const { return m_collectors; }
    Collector *collector(const QString &name) const;
    const std::vector<std::unique_ptr<Output>> &outputs() const { return m_outputs; }
    Pipeline &pipeline() const { return *m_pipeline; }
    SocketServer &socketServer() const { return *m_socket; }
    AgentCounters counters() const;
    QString lastReloadError() const { return m_lastReloadError; }

    /** Where a bare collector program name is looked up before PATH. */
    static QStringList bundledCollectorDirs();
    /** "{prefix}.{path}" without empty parts. */
    static QByteArray joinPath(const QString &prefix, const QString &path);
    /** The environment a collector of this configuration runs with. */
    static CollectorEnvironment collectorEnvironment(const Config &config, const CollectorConfig &collector);

Q_SIGNALS:
    void reloaded(bool ok);
    /** The set of collectors was replaced (start, reload): Collector pointers from before are gone. */
    void collectorsChanged();
    void finished(int exitCode);

private:
    void applyOutputs(const std::vector<OutputConfig> &configs);
    void applyCollectors(const Config &config, bool agentChanged);
    void updateUnattributedContext();
    void armSelfMetrics();
    void emitSelfMetrics();
    void finishShutdown();
    /** Stop a collector that is no longer configured; keep it until its running group is gone. */
    void retire(std::unique_ptr<Collector> collector);

    Config m_config;
    AgentCounters m_retiredOutputs; ///< sent, dropped (undelivered included) and received of removed outputs
    RunRegistry m_registry;
    std::unique_ptr<Pipeline> m_pipeline;
    std::unique_ptr<SocketServer> m_socket;
    std::vector<std::unique_ptr<Output>> m_outputs;
    std::vector<std::unique_ptr<Collector>> m_collectors;
    std::vector<std::unique_ptr<Collector>> m_retiring; ///< removed or changed, their last run still ending
    QTimer *m_selfMetricsTimer;
    qint64 m_selfMetricsTickMs = 0;
    QString m_lastReloadError;
    bool m_shuttingDown = false;
    bool m_finishing = false;
};

} // namespace Garnet
