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
#include <vector>

class QLocalServer;
class QLocalSocket;

namespace Garnet {

class LineSink;

struct SocketCounters
{
    qint64 connections = 0; ///< accepted in total
    qint64 openConnections = 0;
    qint64 unattributedConnections = 0;
    qint64 bytesRead = 0;
    /** Lines the framer discarded for growing past MaxLineLength across reads (a long line that arrives
     *  whole in one read is rejected by the parser instead; either way the reject reason is TooLong). */
    qint64 overlongLines = 0;
};

/**
 * The collectors' Unix socket: listens at a path with safe permissions (directory 0750, socket 0660,
 * whatever the umask), frames lines per connection and hands them to a LineSink. Each connection is
 * attributed to a collector run once, from its SO_PEERCRED pid, via the resolver.
 *
 * Reading uses one reusable buffer and a bounded per-connection read buffer, so while paused (or while
 * the sink is congested) the kernel buffer fills and writers block instead of the agent growing.
 */
class SocketServer : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 ReadChunkBytes = 64 * 1024; ///< one read() and the per-connection buffer bound
    using Resolver = std::function<RunContextPtr(pid_t)>;
    /** fallback: context for writers no run claims (collector "unattributed"). */
    SocketServer(LineSink &sink, Resolver resolver, RunContextPtr unattributed, QObject *parent = nullptr);
    ~SocketServer() override;

    /**
     * Create the directory if needed (0750), replace a stale socket file, refuse if another process
     * is listening there. On failure returns false and sets errorString().
     */
    bool listen(const QString &path);
    /** Stop listening, read what writers already sent, close connections, remove the socket file. */
    void close();
    QString path() const { return m_path; }
    QString errorString() const { return m_error; }
    SocketCounters counters() const { return m_counters; }

    /** Stop reading from clients (backpressure) or resume; resuming processes already-buffered data. */
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

    /** Replace the context of unattributed writers (e.g. after a reload changed the prefix). */
    void setUnattributedContext(RunContextPtr context);

Q_SIGNALS:
    void clientDisconnected(); ///< mostly for tests

private:
    struct Connection;
    bool prepareDirectory(const QString &directory);
    bool clearStaleSocket(const QByteArray &encodedPath);
    void acceptConnections();
    void resumeReading();
    /** Read what the connection has buffered (unless paused); finishes it once it ended and is drained. */
    void readFrom(Connection &connection);
    void consume(Connection &connection, std::string_view data);
    void finish(Connection &connection);

    LineSink &m_sink;
    Resolver m_resolver;
    RunContextPtr m_unattributed;
    QLocalServer *m_server = nullptr;
    std::vector<std::unique_ptr<Connection>> m_connections;
    std::unique_ptr<char[]> m_readBuffer;
    QString m_path;
    QString m_error;
    SocketCounters m_counters;
    bool m_paused = false;
    bool m_resumeScheduled = false;
};

} // namespace Garnet
