// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// SocketServer: who may connect and for how long (accepting, allowed ids, max_connections, idle_timeout, file limit).
#include "socketserver.h"

#include "linesink.h"
#include "logging.h"

#include <QFile>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59 // Linux >= 4.13
#endif

namespace Garnet {

namespace {
constexpr qint64 NoticeIntervalMs = 10000; // at most one message per kind per 10 s
constexpr rlim_t FileReserve = 256; // descriptors kept for everything but client connections
constexpr int MaxGroups = 65536;
constexpr int AcceptRetryMs = 250; // out of descriptors: the listener rests instead of spinning

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

/** The peer's pid, uid and gid as of connect(); pid 0 and uid/gid -1 when unknown. */
ucred peerCredentials(int fd)
{
    ucred credentials { 0, uid_t(-1), gid_t(-1) };
    socklen_t length = sizeof(credentials);
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0)
        return { 0, uid_t(-1), gid_t(-1) };
    return credentials;
}

bool contains(const std::vector<quint32> &ids, quint32 id)
{
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}
} // namespace

void SocketServer::setOptions(const SocketOptions &options)
{
    const bool modeChanged = options.mode != m_options.mode;
    m_options = options;
    raiseFileLimit();
    // Check a few times per timeout, so a connection goes at most a quarter late.
    const auto check
        = std::clamp(options.idleTimeout / 4, std::chrono::milliseconds(100), std::chrono::milliseconds(5000));
    m_idleTimer->start(check);
    if (modeChanged && m_listenFd >= 0 && !m_path.isEmpty()) {
        const QByteArray encoded = QFile::encodeName(m_path);
        if (::chmod(encoded.constData(), mode_t(m_options.mode)) != 0)
            qCWarning(lcSocket).noquote()
                << "cannot set mode" << QString::number(m_options.mode, 8) << "on" << m_path << ':' << errnoText(errno);
    }
}

void SocketServer::raiseFileLimit()
{
    const rlim_t wanted = rlim_t(m_options.maxConnections) + FileReserve;
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        m_maxConnections = m_options.maxConnections;
        return;
    }
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            qCDebug(lcSocket) << "open-file limit raised from" << limit.rlim_cur << "to" << raised.rlim_cur;
            limit = raised;
        }
    }
    m_maxConnections = m_options.maxConnections;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        m_maxConnections = int(std::max<rlim_t>(1, limit.rlim_cur > FileReserve ? limit.rlim_cur - FileReserve : 1));
        qCWarning(lcSocket).noquote() << QStringLiteral(
            "max_connections %1 needs an open-file limit of %2, the hard limit is %3: at most %4 connections")
                                             .arg(m_options.maxConnections)
                                             .arg(qulonglong(wanted))
                                             .arg(qulonglong(limit.rlim_max))
                                             .arg(m_maxConnections);
    }
}

void SocketServer::acceptConnections(int limit)
{
    for (int accepted = 0; m_listenFd >= 0 && accepted < limit;) {
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            ++accepted;
            adopt(fd);
            continue;
        }
        const int error = errno;
        if (error == EINTR || error == ECONNABORTED)
            continue; // interrupted, or a client that gave up while queued
        if (error == EAGAIN || error == EWOULDBLOCK)
            return; // the backlog is empty
        // Out of descriptors (EMFILE, ENFILE) or memory: the connection stays queued. The notifier is
        // level-triggered and would fire again at once, so the listener rests instead of spinning.
        ++m_counters.acceptFailures;
        notice(Notice::AcceptFailed,
            QStringLiteral("cannot accept a connection: %1; retrying in %2 ms")
                .arg(errnoText(error))
                .arg(AcceptRetryMs));
        if (m_listenNotifier) {
            m_listenNotifier->setEnabled(false);
            m_acceptRetryTimer->start(AcceptRetryMs);
        }
        return;
    }
}

void SocketServer::adopt(int fd)
{
    const ucred peer = peerCredentials(fd);
    if (!peerAllowed(fd, peer.uid, peer.gid)) {
        ++m_counters.deniedConnections;
        notice(Notice::Denied,
            QStringLiteral("refused a connection from uid %1 gid %2 (pid %3): not in allowed_uids/allowed_gids")
                .arg(qint64(peer.uid) == qint64(uid_t(-1)) ? -1 : qint64(peer.uid))
                .arg(qint64(peer.gid) == qint64(gid_t(-1)) ? -1 : qint64(peer.gid))
                .arg(peer.pid));
        ::close(fd);
        return;
    }
    RunContextPtr attributedTo;
    if (peer.pid > 0 && m_resolver)
        attributedTo = m_resolver(peer.pid);
    if (qint64(m_connections.size()) >= m_maxConnections && !makeRoom(attributedTo != nullptr)) {
        ++m_counters.refusedConnections;
        notice(Notice::Refused,
            QStringLiteral("refused a connection from pid %1: max_connections (%2) are open")
                .arg(peer.pid)
                .arg(m_maxConnections));
        ::close(fd);
        return;
    }
    auto connection = std::make_unique<Connection>();
    connection->fd = fd;
    connection->notifier = new QSocketNotifier(QSocketNotifier::Read, this);
    connection->notifier->setSocket(fd);
    connection->notifier->setEnabled(m_readersEnabled);
    connection->pid = peer.pid;
    connection->lastLineMs = m_clock.elapsed();
    connection->context = std::move(attributedTo);
    if (!connection->context) {
        connection->context = m_unattributed;
        ++m_counters.unattributedConnections;
        qCDebug(lcSocket) << "connection from pid" << connection->pid << "belongs to no collector run";
    }
    ++m_counters.connections;
    ++m_counters.openConnections;
    Connection *raw = connection.get();
    m_connections.push_back(std::move(connection));
    connect(raw->notifier, &QSocketNotifier::activated, this, [this, raw] { readFrom(*raw); });
    readFrom(*raw); // it may have written (and even closed) before we got here
}

bool SocketServer::peerAllowed(int fd, uid_t uid, gid_t gid) const
{
    if (m_options.allowedUids.empty() && m_options.allowedGids.empty())
        return true;
    if (uid != uid_t(-1) && contains(m_options.allowedUids, quint32(uid)))
        return true;
    if (m_options.allowedGids.empty())
        return false;
    if (gid != gid_t(-1) && contains(m_options.allowedGids, quint32(gid)))
        return true;
    // Supplementary groups of the peer, as of connect().
    std::vector<gid_t> groups(64);
    for (;;) {
        socklen_t length = socklen_t(groups.size() * sizeof(gid_t));
        if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &length) == 0) {
            groups.resize(length / sizeof(gid_t));
            break;
        }
        if (errno != ERANGE || length / sizeof(gid_t) <= groups.size() || length / sizeof(gid_t) > MaxGroups)
            return false;
        groups.resize(length / sizeof(gid_t));
    }
    return std::any_of(
        groups.begin(), groups.end(), [this](gid_t group) { return contains(m_options.allowedGids, quint32(group)); });
}

bool SocketServer::makeRoom(bool forAttributed)
{
    if (!forAttributed)
        return false;
    // A collector's connection goes first: the unattributed connection idle for longest makes way.
    Connection *victim = nullptr;
    for (const auto &connection : m_connections) {
        if (connection->context->attributed)
            continue;
        if (!victim || connection->lastLineMs < victim->lastLineMs)
            victim = connection.get();
    }
    if (!victim)
        return false;
    ++m_counters.evictedConnections;
    notice(Notice::Evicted,
        QStringLiteral("closed an idle unattributed connection (pid %1) to make room for a collector's: "
                       "max_connections (%2) are open")
            .arg(victim->pid)
            .arg(m_maxConnections));
    finish(*victim);
    return true;
}

void SocketServer::closeIdle()
{
    const qint64 now = m_clock.elapsed();
    const qint64 timeout = m_options.idleTimeout.count();
    // While reads are paused (backpressure) nobody can complete a line: that is not idleness.
    const bool paused = m_paused || m_sink.isCongested();
    std::vector<Connection *> idle;
    for (const auto &connection : m_connections) {
        if (connection->sawLine || paused) {
            connection->sawLine = false;
            connection->lastLineMs = now;
        } else if (!connection->context->attributed && now - connection->lastLineMs >= timeout) {
            idle.push_back(connection.get());
        }
    }
    for (Connection *connection : idle) {
        ++m_counters.idleClosed;
        notice(Notice::Idle,
            QStringLiteral("closed a connection (pid %1) that completed no line for %2 s (idle_timeout)")
                .arg(connection->pid)
                .arg(double(timeout) / 1000.0));
        finish(*connection); // a partial line it held is rejected as unterminated
    }
}

void SocketServer::notice(Notice kind, const QString &message)
{
    NoticeLog &log = m_notices[int(kind)];
    const qint64 now = m_clock.elapsed();
    if (log.lastMs >= 0 && now - log.lastMs < NoticeIntervalMs) {
        ++log.suppressed;
        return;
    }
    if (log.suppressed > 0)
        qCWarning(lcSocket).noquote()
            << message
            << QStringLiteral("(%1 more like it in the last %2 s)").arg(log.suppressed).arg((now - log.lastMs) / 1000);
    else
        qCWarning(lcSocket).noquote() << message;
    log.lastMs = now;
    log.suppressed = 0;
}

} // namespace Garnet
