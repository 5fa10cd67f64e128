// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "lineframer.h"
#include "runcontext.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <sys/types.h>

class QLocalServer;
class QLocalSocket;

namespace Garnet {

class LineSink;

struct SocketCounters
{
    qint64 connections = 0; ///< accepted in total
    qint64 openConnections = 0;
    qint64 unattributedConnections = 0;
    qint64 overlongLines = 0;
};

/**
 * The collectors' Unix socket: listens at a path with safe permissions (directory 0750, socket 0660,
 * whatever the umask), frames lines per connection and hands them to a LineSink. Each connection is
 * attributed to a collector run once, from its SO_PEERCRED pid, via the resolver.
 */
class SocketServer : public QObject
{
    Q_OBJECT
public:
    using Resolver = std::function<RunContextPtr(pid_t)>;
    /** fallback: context for writers no run claims (collector "unattributed"). */
    SocketServer(LineSink &sink, Resolver resolver, RunContextPtr unattributed, QObject *parent = nullptr);
    ~SocketServer() override;

    /**
     * Create the directory if needed (0750), replace a stale socket file, refuse if another process
     * is listening there. On failure returns false and sets errorString().
     */
    bool listen(const QString &path);
    void close(); ///< stop listening, close connections, remove the socket file
    QString path() const { return m_path; }
    QString errorString() const { return m_error; }
    SocketCounters counters() const { return m_counters; }

    /** Stop reading from clients (backpressure) or resume; resuming processes already-buffered data. */
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

    /** Replace the context of unattributed writers (e.g. after a reload changed the prefix). */
    void setUnattributedContext(RunContextPtr context) { m_unattributed = std::move(context); }

Q_SIGNALS:
    void clientDisconnected(); ///< mostly for tests

private:
    struct Connection;
    void acceptConnections();
    void readFrom(Connection &connection);
    void finish(QLocalSocket *socket);

    LineSink &m_sink;
    Resolver m_resolver;
    RunContextPtr m_unattributed;
    QLocalServer *m_server = nullptr;
    std::vector<std::unique_ptr<Connection>> m_connections;
    QString m_path;
    QString m_error;
    SocketCounters m_counters;
    bool m_paused = false;
};

} // namespace Garnet
