// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "socketserver.h"

#include "common/names.h"
#include "linesink.h"
#include "logging.h"

#include <QFile>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace Garnet {

namespace {
constexpr mode_t DirectoryMode = 0750;
constexpr qint64 MaxDrainBytesOnClose = 64 * 1024 * 1024; // a writer that never stops cannot hold up close()
constexpr int MaxBacklogOnClose = 1024;

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

/** The peer's pid, uid and gid as of connect(); pid 0 and uid/gid -1 when unknown. */
ucred peerCredentials(QLocalSocket *socket)
{
    ucred credentials { 0, uid_t(-1), gid_t(-1) };
    socklen_t length = sizeof(credentials);
    if (::getsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0)
        return { 0, uid_t(-1), gid_t(-1) };
    return credentials;
}

RunContextPtr defaultUnattributedContext()
{
    auto context = std::make_shared<RunContext>();
    context->collector = QByteArray(UnattributedCollector.data(), qsizetype(UnattributedCollector.size()));
    context->attributed = false;
    return context;
}
} // namespace

SocketServer::SocketServer(LineSink &sink, Resolver resolver, RunContextPtr unattributed, QObject *parent)
    : QObject(parent)
    , m_sink(sink)
    , m_resolver(std::move(resolver))
    , m_unattributed(unattributed ? std::move(unattributed) : defaultUnattributedContext())
    , m_readBuffer(new char[ReadChunkBytes])
    , m_idleTimer(new QTimer(this))
{
    m_clock.start();
    connect(m_idleTimer, &QTimer::timeout, this, &SocketServer::closeIdle);
    setOptions(SocketOptions {});
}

SocketServer::~SocketServer()
{
    close();
}

void SocketServer::setUnattributedContext(RunContextPtr context)
{
    m_unattributed = context ? std::move(context) : defaultUnattributedContext();
}

bool SocketServer::listen(const QString &path)
{
    m_error.clear();
    if (m_server) {
        m_error = QStringLiteral("already listening on %1").arg(m_path);
        return false;
    }
    if (!path.startsWith(u'/')) {
        m_error = QStringLiteral("socket path must be absolute: \"%1\"").arg(path);
        return false;
    }
    const QByteArray encoded = QFile::encodeName(path);
    if (std::size_t(encoded.size()) >= sizeof(sockaddr_un::sun_path)) {
        m_error = QStringLiteral("socket path is too long (%1 bytes, at most %2): %3")
                      .arg(encoded.size())
                      .arg(sizeof(sockaddr_un::sun_path) - 1)
                      .arg(path);
        return false;
    }
    if (!prepareDirectory(QFileInfo(path).absolutePath()) || !clearStaleSocket(encoded))
        return false;

    const int fd = bindInPlace(encoded);
    if (fd < 0)
        return false;
    auto *server = new QLocalServer(this);
    if (!server->listen(qintptr(fd))) {
        m_error = QStringLiteral("cannot listen on %1: %2").arg(path, server->errorString());
        ::close(fd);
        ::unlink(encoded.constData());
        delete server;
        return false;
    }
    m_server = server;
    m_path = path;
    connect(m_server, &QLocalServer::newConnection, this, &SocketServer::acceptConnections);
    qCInfo(lcSocket).noquote() << "listening on" << path;
    return true;
}

int SocketServer::bindInPlace(const QByteArray &encodedPath)
{
    // Linux creates the socket file with the socket inode's mode minus the umask: set that mode on the socket
    // before bind() and the file can never appear looser than configured (at worst tighter, under a strict
    // umask, until the chmod below). No rename, so `ss -xl` shows the real path. Never an abstract-namespace
    // socket: those have no permissions at all.
    const QString path = QFile::decodeName(encodedPath);
    const mode_t mode = mode_t(m_options.mode);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, encodedPath.constData(), std::size_t(encodedPath.size()));
    QString failure;
    if (fd < 0)
        failure = QStringLiteral("cannot create a socket: %1").arg(errnoText(errno));
    else if (::fchmod(fd, mode) != 0)
        failure = QStringLiteral("cannot set the mode before binding: %1").arg(errnoText(errno));
    else if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0)
        failure = QStringLiteral("cannot bind: %1").arg(errnoText(errno));
    else if (::chmod(encodedPath.constData(), mode) != 0 || ::listen(fd, SOMAXCONN) != 0) {
        failure = QStringLiteral("cannot set its mode or listen: %1").arg(errnoText(errno));
        ::unlink(encodedPath.constData());
    }
    if (failure.isEmpty())
        return fd;
    if (fd >= 0)
        ::close(fd);
    m_error = QStringLiteral("cannot listen on %1: %2").arg(path, failure);
    return -1;
}

bool SocketServer::prepareDirectory(const QString &directory)
{
    // Create only the missing components, each with exactly 0750; existing directories are left alone.
    QStringList missing;
    for (QString current = directory; !QFileInfo::exists(current); current = QFileInfo(current).path()) {
        missing.prepend(current);
        if (current == QFileInfo(current).path())
            break;
    }
    for (const QString &component : std::as_const(missing)) {
        const QByteArray encoded = QFile::encodeName(component);
        if (::mkdir(encoded.constData(), DirectoryMode) != 0) {
            if (errno == EEXIST)
                continue; // created concurrently
            m_error = QStringLiteral("cannot create directory %1: %2").arg(component, errnoText(errno));
            return false;
        }
        ::chmod(encoded.constData(), DirectoryMode); // mkdir's mode is reduced by the umask
    }
    if (!QFileInfo(directory).isDir()) {
        m_error = QStringLiteral("%1 is not a directory").arg(directory);
        return false;
    }
    return true;
}

bool SocketServer::clearStaleSocket(const QByteArray &encodedPath)
{
    const QString path = QFile::decodeName(encodedPath);
    struct stat st;
    if (::lstat(encodedPath.constData(), &st) != 0)
        return true; // nothing there
    if (!S_ISSOCK(st.st_mode)) {
        m_error = QStringLiteral("%1 exists and is not a socket; not replacing it").arg(path);
        return false;
    }
    // A socket file: someone accepting connections there means a live agent; a refusal means a dead one.
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (probe < 0) {
        m_error = QStringLiteral("cannot check %1: %2").arg(path, errnoText(errno));
        return false;
    }
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, encodedPath.constData(), std::size_t(encodedPath.size()));
    const int connected = ::connect(probe, reinterpret_cast<const sockaddr *>(&address), sizeof(address));
    const int error = errno;
    ::close(probe);
    if (connected == 0 || error == EAGAIN || error == EINPROGRESS) {
        m_error = QStringLiteral("another agent is listening on %1").arg(path);
        return false;
    }
    if (error != ECONNREFUSED) {
        m_error = QStringLiteral("cannot check existing socket %1: %2").arg(path, errnoText(error));
        return false;
    }
    if (::unlink(encodedPath.constData()) != 0 && errno != ENOENT) {
        m_error = QStringLiteral("cannot remove stale socket %1: %2").arg(path, errnoText(errno));
        return false;
    }
    qCInfo(lcSocket).noquote() << "removed stale socket" << path << "left by an agent that is gone";
    return true;
}

void SocketServer::acceptConnections()
{
    while (m_server && m_server->hasPendingConnections()) {
        QLocalSocket *socket = m_server->nextPendingConnection();
        if (!socket)
            break;
        socket->setParent(this);
        const ucred peer = peerCredentials(socket);
        if (!peerAllowed(int(socket->socketDescriptor()), peer.uid, peer.gid)) {
            ++m_counters.deniedConnections;
            notice(Notice::Denied,
                QStringLiteral("refused a connection from uid %1 gid %2 (pid %3): not in allowed_uids/allowed_gids")
                    .arg(qint64(peer.uid) == qint64(uid_t(-1)) ? -1 : qint64(peer.uid))
                    .arg(qint64(peer.gid) == qint64(gid_t(-1)) ? -1 : qint64(peer.gid))
                    .arg(peer.pid));
            socket->abort();
            socket->deleteLater();
            continue;
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
            socket->abort();
            socket->deleteLater();
            continue;
        }
        socket->setReadBufferSize(ReadChunkBytes);
        auto connection = std::make_unique<Connection>();
        connection->socket = socket;
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
        connect(socket, &QLocalSocket::readyRead, this, [this, raw] { readFrom(*raw); });
        connect(socket, &QLocalSocket::disconnected, this, [this, raw] {
            raw->ended = true;
            readFrom(*raw);
        });
        readFrom(*raw); // it may have written (and even closed) before we got here
    }
}

void SocketServer::setPaused(bool paused)
{
    if (paused != m_paused)
        qCDebug(lcSocket) << (paused ? "pausing" : "resuming") << "reads from" << m_connections.size()
                          << "connection(s)";
    m_paused = paused;
    // Readers may also have stopped on their own because the sink was congested: resume them in any case.
    if (!paused && !m_resumeScheduled) {
        // Data already buffered produces no new readyRead: read it from the event loop, outside the caller.
        m_resumeScheduled = true;
        QMetaObject::invokeMethod(this, &SocketServer::resumeReading, Qt::QueuedConnection);
    }
}

void SocketServer::resumeReading()
{
    m_resumeScheduled = false;
    for (std::size_t i = 0; i < m_connections.size() && !m_paused;) {
        Connection *connection = m_connections[i].get();
        readFrom(*connection); // may finish (erase) this connection, never another
        if (i < m_connections.size() && m_connections[i].get() == connection)
            ++i;
    }
}

void SocketServer::readFrom(Connection &connection)
{
    while (!m_paused && !m_sink.isCongested()) {
        const qint64 n = connection.socket->read(m_readBuffer.get(), ReadChunkBytes);
        if (n <= 0)
            break;
        consume(connection, std::string_view(m_readBuffer.get(), std::size_t(n)));
    }
    if (connection.ended && connection.socket->bytesAvailable() == 0)
        finish(connection);
}

void SocketServer::consume(Connection &connection, std::string_view data)
{
    m_counters.bytesRead += qint64(data.size());
    const RunContext &run = *connection.context;
    connection.framer.feed(
        data,
        [&](std::string_view lines) {
            connection.sawLine = true;
            m_sink.ingestLines(run, lines);
        },
        [&] {
            ++m_counters.overlongLines;
            m_sink.rejectLine(run, RejectReason::TooLong);
        });
}

void SocketServer::finish(Connection &connection)
{
    if (!connection.framer.takeTail().empty())
        m_sink.rejectLine(*connection.context, RejectReason::Unterminated);
    QLocalSocket *socket = connection.socket;
    disconnect(socket, nullptr, this, nullptr);
    socket->abort();
    socket->deleteLater();
    --m_counters.openConnections;
    const auto it = std::find_if(m_connections.begin(), m_connections.end(),
        [&](const std::unique_ptr<Connection> &c) { return c.get() == &connection; });
    if (it != m_connections.end())
        m_connections.erase(it); // `connection` is gone from here on
    Q_EMIT clientDisconnected();
}

void SocketServer::close()
{
    if (m_server) {
        // Writers that connected but were not accepted yet have data too.
        for (int i = 0; i < MaxBacklogOnClose && m_server->waitForNewConnection(0); ++i)
            acceptConnections();
        m_server->close(); // also removes the socket file
        delete m_server;
        m_server = nullptr;
    }
    // Read what the writers already sent, paused or not: this is the last chance.
    while (!m_connections.empty()) {
        Connection &connection = *m_connections.back();
        // From here on only this loop reads: waitForReadyRead() may emit disconnected() synchronously.
        disconnect(connection.socket, nullptr, this, nullptr);
        qint64 drained = 0;
        for (;;) {
            const qint64 n = connection.socket->read(m_readBuffer.get(), ReadChunkBytes);
            if (n > 0) {
                consume(connection, std::string_view(m_readBuffer.get(), std::size_t(n)));
                drained += n;
                continue;
            }
            if (drained >= MaxDrainBytesOnClose || !connection.socket->waitForReadyRead(0))
                break;
        }
        finish(connection);
    }
    if (!m_path.isEmpty()) {
        const QByteArray encoded = QFile::encodeName(m_path);
        struct stat st;
        if (::lstat(encoded.constData(), &st) == 0 && S_ISSOCK(st.st_mode))
            ::unlink(encoded.constData());
        qCInfo(lcSocket).noquote() << "closed" << m_path;
        m_path.clear();
    }
}

} // namespace Garnet
