// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// The agent's own metrics, {prefix}.garnet.*: a separate file keeps agent.cpp about lifecycle.
#include "agent.h"

#include "collector.h"
#include "output.h"
#include "pipeline.h"
#include "socketserver.h"
#include "spool.h"

#include <QDateTime>

#include <algorithm>
#include <string>

namespace Garnet {

namespace {
/** A metric path node from free text: anything outside [A-Za-z0-9_-] becomes '_'. */
std::string pathNode(const QString &text)
{
    std::string node = text.toStdString();
    for (char &c : node)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            c = '_';
    return node;
}
} // namespace

void Agent::emitSelfMetrics()
{
    if (!m_pipeline)
        return;
    RunContext self;
    self.collector = "garnet";
    self.pathPrefix = joinPath(m_config.agent.prefix, QStringLiteral("garnet"));
    // The tick being served; never a time still ahead (at shutdown the next tick has not come: Graphite
    // rejects points from the future).
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 timestamp = m_selfMetricsTickMs > 0 ? std::min(m_selfMetricsTickMs / 1000, now) : now;
    std::vector<std::pair<std::string, double>> metrics;

    const AgentCounters totals = counters();
    const PipelineCounters &pipeline = m_pipeline->counters();
    metrics.emplace_back("received", totals.received);
    metrics.emplace_back("sent", totals.sent);
    metrics.emplace_back("dropped", totals.dropped);
    metrics.emplace_back("rejected", totals.rejected);
    metrics.emplace_back("queued", totals.queued);
    metrics.emplace_back("unattributed", pipeline.unattributed);
    for (std::size_t r = 1; r < std::size_t(RejectReason::Count); ++r)
        metrics.emplace_back("rejected." + std::string(rejectReasonName(RejectReason(r))), pipeline.rejectedBy[r]);

    CollectorStats sum;
    for (const auto &collector : m_collectors) {
        const CollectorStats &s = collector->stats();
        const std::string base = "collector." + pathNode(collector->name()) + '.';
        metrics.emplace_back(base + "runs", s.runs);
        metrics.emplace_back(base + "failures", s.failures);
        metrics.emplace_back(base + "timeouts", s.timeouts);
        metrics.emplace_back(base + "skipped", s.skipped);
        metrics.emplace_back(base + "output_overflows", s.outputOverflows);
        if (s.lastDurationMs >= 0)
            metrics.emplace_back(base + "duration_ms", s.lastDurationMs);
        sum.runs += s.runs;
        sum.failures += s.failures;
        sum.timeouts += s.timeouts;
        sum.skipped += s.skipped;
    }
    metrics.emplace_back("runs", sum.runs);
    metrics.emplace_back("failures", sum.failures);
    metrics.emplace_back("timeouts", sum.timeouts);
    metrics.emplace_back("skipped", sum.skipped);

    for (const auto &output : m_outputs) {
        const OutputCounters c = output->counters();
        const std::string base = "output." + pathNode(output->name()) + '.';
        metrics.emplace_back(base + "received", c.received);
        metrics.emplace_back(base + "sent", c.sent);
        metrics.emplace_back(base + "dropped", c.dropped);
        metrics.emplace_back(base + "queued", c.queued);
        metrics.emplace_back(base + "replayed", c.replayed);
        metrics.emplace_back(base + "reconnects", c.reconnects);
        metrics.emplace_back(base + "connected", c.connected ? 1 : 0);
        if (const Spool *spool = output->spool()) {
            const SpoolCounters &s = spool->counters();
            metrics.emplace_back(base + "spool.lines", s.lines);
            metrics.emplace_back(base + "spool.bytes", s.bytes);
            metrics.emplace_back(base + "spool.spilled", s.spilled);
            metrics.emplace_back(base + "spool.recovered", s.recovered);
            metrics.emplace_back(base + "spool.corrupt", s.corrupt);
            metrics.emplace_back(base + "spool.write_errors", s.writeErrors);
            metrics.emplace_back(base + "spool.dropped", s.dropped);
        }
    }
    if (m_socket) {
        const SocketCounters s = m_socket->counters();
        metrics.emplace_back("socket.connections", s.connections);
        metrics.emplace_back("socket.open_connections", s.openConnections);
        metrics.emplace_back("socket.refused", s.refusedConnections);
        metrics.emplace_back("socket.denied", s.deniedConnections);
        metrics.emplace_back("socket.idle_closed", s.idleClosed);
        metrics.emplace_back("socket.evicted", s.evictedConnections);
        metrics.emplace_back("socket.accept_failures", s.acceptFailures);
        metrics.emplace_back("socket.overlong_lines", s.overlongLines);
    }
    for (const auto &[name, value] : metrics)
        m_pipeline->ingestMetric(self, name, value, timestamp);
}

} // namespace Garnet
