// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/config.h"
#include "lineframer.h"
#include "runcontext.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <sys/types.h>
#include <vector>

class QSocketNotifier;
class QTimer;

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
    qint64 refusedConnections = 0; ///< closed at once: max_connections were open
    qint64 deniedConnections = 0; ///< closed at once: the peer's uid/gid is not in allowed_uids/allowed_gids
    qint64 idleClosed = 0; ///< unattributed connections closed after idle_timeout without a complete line
    qint64 evictedConnections = 0; ///< idle unattributed connections closed to make room for a collector's
    qint64 acceptFailures = 0; ///< accept() failed for want of descriptors or memory; the listener rested briefly
};

/**
 * The collectors' Unix socket: listens at a path with safe permissions (directory 0750, socket mode as
 * configured, 0660 by default, exact from the first instant whatever the umask), frames lines per connection
 * and hands them to a LineSink. Each connection is attributed to a collector run once, from its SO_PEERCRED
 * pid, via the resolver.
 *
 * Limits (SocketOptions): peers outside allowed_uids/allowed_gids are closed on accept; at most
 * max_connections are open (a collector's connection evicts the longest-idle unattributed one, anything else
 * is refused); an unattributed connection that completes no line for idle_timeout is closed (idle clients and
 * slow-loris writers alike; collectors are bounded by their run's timeout instead). A partial line never holds
 * more than MaxLineLength bytes. Everything refused or closed is counted and logged (at most once per 10 s).
 *
 * Plain descriptors watched by QSocketNotifiers (no QtNetwork): each read() goes straight into one reusable
 * buffer and a connection keeps nothing but its partial line. While paused (or while the sink is congested)
 * the notifiers are off, so the kernel buffer fills and writers block instead of the agent growing. A wakeup
 * reads a bounded amount per connection, so a flooding writer cannot keep timers or other writers waiting.
 */
class SocketServer : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 ReadChunkBytes = 64 * 1024; ///< one read()
    /** Per connection per wakeup: one read. More (4 reads) kept D-Bus calls waiting 4 ms (p50) behind a flood. */
    static constexpr qint64 ReadBudgetBytes = ReadChunkBytes;
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

    /**
     * Stop reading from clients (backpressure) or resume; resuming reads what is already buffered. Driven by
     * the sink's congestion: a reader that finds the sink congested stops all reading until setPaused(false).
     */
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

    /** Replace the context of unattributed writers (e.g. after a reload changed the prefix). */
    void setUnattributedContext(RunContextPtr context);

    /**
     * Access and limits. Before listen(): all of it. While listening: limits apply at once, a new mode is
     * applied to the socket file (chmod). Raises the open-file limit (soft, up to hard) as max_connections needs.
     */
    void setOptions(const SocketOptions &options);
    const SocketOptions &options() const { return m_options; }
    /** max_connections as the open-file limit allows. */
    int effectiveMaxConnections() const { return m_maxConnections; }

Q_SIGNALS:
    void clientDisconnected(); ///< mostly for tests

private:
    static constexpr int MaxAcceptsPerWakeup = 256; ///< a connection storm cannot hold up the event loop either
    struct Connection
    {
        int fd = -1;
        QSocketNotifier *notifier = nullptr; ///< Read; off while reading is stopped
        LineFramer framer;
        RunContextPtr context;
        pid_t pid = 0;
        bool sawLine = false; ///< a complete line arrived since the last idle check
        qint64 lastLineMs = 0; ///< m_clock time of the last complete line (or of the accept)
    };
    bool prepareDirectory(const QString &directory);
    bool clearStaleSocket(const QByteArray &encodedPath);
    /** A listening socket at encodedPath, with the configured mode from the moment the file exists. */
    int bindInPlace(const QByteArray &encodedPath);
    /** Accept up to limit pending connections (until the backlog is empty). */
    void acceptConnections(int limit);
    /** A connection just accepted: checked against allowed ids and max_connections, then read. */
    void adopt(int fd);
    void stopListening();
    /** Over the limit: make room by evicting an idle unattributed connection (only for an attributed one). */
    bool makeRoom(bool forAttributed);
    bool peerAllowed(int fd, uid_t uid, gid_t gid) const;
    void closeIdle();
    void raiseFileLimit();
    enum class Notice { Refused, Denied, Idle, Evicted, AcceptFailed, Count };
    void notice(Notice kind, const QString &message);
    void resumeReading();
    bool readingAllowed() const;
    /** Turn every connection's notifier on or off (backpressure: off leaves the data in the kernel). */
    void setReadersEnabled(bool enabled);
    /** Read up to ReadBudgetBytes (unless paused); finishes the connection at end of stream. */
    void readFrom(Connection &connection);
    void consume(Connection &connection, std::string_view data);
    void finish(Connection &connection);

    LineSink &m_sink;
    Resolver m_resolver;
    RunContextPtr m_unattributed;
    int m_listenFd = -1;
    QSocketNotifier *m_listenNotifier = nullptr;
    std::vector<std::unique_ptr<Connection>> m_connections;
    std::unique_ptr<char[]> m_readBuffer;
    QString m_path;
    QString m_error;
    SocketCounters m_counters;
    SocketOptions m_options;
    int m_maxConnections = 1024;
    QTimer *m_acceptRetryTimer; ///< re-enables the listener after accept() ran out of descriptors
    QTimer *m_idleTimer;
    QElapsedTimer m_clock;
    struct NoticeLog
    {
        qint64 lastMs = -1;
        qint64 suppressed = 0;
    };
    NoticeLog m_notices[int(Notice::Count)];
    bool m_paused = false;
    bool m_readersEnabled = true;
    bool m_resumeScheduled = false;
};

} // namespace Garnet
