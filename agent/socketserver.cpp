// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "socketserver.h"

#include "common/names.h"
#include "linesink.h"
#include "logging.h"

#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
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
    , m_acceptRetryTimer(new QTimer(this))
    , m_idleTimer(new QTimer(this))
{
    m_clock.start();
    connect(m_idleTimer, &QTimer::timeout, this, &SocketServer::closeIdle);
    m_acceptRetryTimer->setSingleShot(true);
    connect(m_acceptRetryTimer, &QTimer::timeout, this, [this] {
        if (m_listenNotifier)
            m_listenNotifier->setEnabled(true);
    });
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
    if (m_listenFd >= 0) {
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
    m_listenFd = fd;
    m_path = path;
    m_listenNotifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(m_listenNotifier, &QSocketNotifier::activated, this, [this] { acceptConnections(MaxAcceptsPerWakeup); });
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

void SocketServer::stopListening()
{
    m_acceptRetryTimer->stop();
    // close() may run from within the listener's activated(): delete it from the event loop.
    m_listenNotifier->setEnabled(false);
    m_listenNotifier->deleteLater();
    m_listenNotifier = nullptr;
    ::close(m_listenFd);
    m_listenFd = -1;
}

void SocketServer::setPaused(bool paused)
{
    if (paused != m_paused)
        qCDebug(lcSocket) << (paused ? "pausing" : "resuming") << "reads from" << m_connections.size()
                          << "connection(s)";
    m_paused = paused;
    if (paused) {
        if (m_readersEnabled)
            setReadersEnabled(false); // level-triggered notifiers would fire for the data we leave unread
        return;
    }
    // Readers may also have stopped on their own because the sink was congested: resume them in any case,
    // from the event loop, outside the caller.
    if (!m_resumeScheduled) {
        m_resumeScheduled = true;
        QMetaObject::invokeMethod(this, &SocketServer::resumeReading, Qt::QueuedConnection);
    }
}

bool SocketServer::readingAllowed() const
{
    return !m_paused && !m_sink.isCongested();
}

void SocketServer::setReadersEnabled(bool enabled)
{
    m_readersEnabled = enabled;
    for (const auto &connection : m_connections)
        connection->notifier->setEnabled(enabled);
}

void SocketServer::resumeReading()
{
    m_resumeScheduled = false;
    if (!readingAllowed())
        return; // paused again meanwhile, or still congested: the next setPaused(false) resumes
    setReadersEnabled(true);
    for (std::size_t i = 0; i < m_connections.size() && readingAllowed();) {
        Connection *connection = m_connections[i].get();
        readFrom(*connection); // may finish (erase) this connection, never another
        if (i < m_connections.size() && m_connections[i].get() == connection)
            ++i;
    }
}

void SocketServer::readFrom(Connection &connection)
{
    for (qint64 budget = ReadBudgetBytes;;) {
        if (!readingAllowed()) {
            // The rest waits in the kernel (writers block) until setPaused(false).
            if (m_readersEnabled)
                setReadersEnabled(false);
            return;
        }
        if (budget <= 0)
            return; // the notifier fires again for the rest, after timers and the other connections had a turn
        const ssize_t n = ::read(connection.fd, m_readBuffer.get(), std::size_t(ReadChunkBytes));
        if (n > 0) {
            consume(connection, std::string_view(m_readBuffer.get(), std::size_t(n)));
            if (n < ReadChunkBytes)
                return; // drained for now: the notifier reports more data, or the end
            budget -= n;
            continue;
        }
        const int error = n < 0 ? errno : 0;
        if (error == EINTR)
            continue;
        if (error == EAGAIN || error == EWOULDBLOCK)
            return;
        if (error != 0) // ECONNRESET and the like: what was read stays read
            qCDebug(lcSocket).noquote() << "connection from pid" << connection.pid << "ended:" << errnoText(error);
        finish(connection); // 0: the writer closed and all it sent is read; an error: nothing more will come
        return;
    }
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
    // We may be inside this notifier's activated(): switch it off now, delete it from the event loop.
    QSocketNotifier *notifier = connection.notifier;
    notifier->setEnabled(false);
    disconnect(notifier, nullptr, this, nullptr);
    notifier->deleteLater();
    ::close(connection.fd);
    --m_counters.openConnections;
    const auto it = std::find_if(m_connections.begin(), m_connections.end(),
        [&](const std::unique_ptr<Connection> &c) { return c.get() == &connection; });
    if (it != m_connections.end())
        m_connections.erase(it); // `connection` is gone from here on
    Q_EMIT clientDisconnected();
}

void SocketServer::close()
{
    if (m_listenFd >= 0) {
        acceptConnections(MaxBacklogOnClose); // writers that connected but were not accepted yet have data too
        stopListening();
    }
    // Read what the writers already sent, paused or not: this is the last chance.
    while (!m_connections.empty()) {
        Connection &connection = *m_connections.back();
        for (qint64 drained = 0; drained < MaxDrainBytesOnClose;) {
            const ssize_t n = ::read(connection.fd, m_readBuffer.get(), std::size_t(ReadChunkBytes));
            if (n > 0) {
                consume(connection, std::string_view(m_readBuffer.get(), std::size_t(n)));
                drained += n;
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else {
                break; // EAGAIN: nothing more sent; 0 or an error: the end
            }
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
