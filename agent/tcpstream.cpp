// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "tcpstream.h"

#include "logging.h"

#include <QPointer>
#include <QSocketNotifier>
#include <QUrl>

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace Garnet {

namespace {
/** A name server that does not answer keeps each lookup thread for tens of seconds: do not pile them up. */
constexpr int MaxRunningLookups = 8;
/** A drained send buffer keeps its memory up to this size (an idle agent should not hold a burst's buffer). */
constexpr std::size_t MaxIdleBufferCapacity = 64 * 1024;

std::atomic<int> g_runningLookups { 0 };

QString systemErrorText(int error)
{
    switch (error) {
    case ECONNREFUSED:
        return QStringLiteral("connection refused");
    case ECONNRESET:
        return QStringLiteral("connection reset by peer");
    case EPIPE:
        return QStringLiteral("the remote host closed the connection");
    case ETIMEDOUT:
        return QStringLiteral("connection timed out");
    case EHOSTUNREACH:
        return QStringLiteral("host unreachable");
    case ENETUNREACH:
        return QStringLiteral("network unreachable");
    default:
        break;
    }
    const char *text = ::strerrordesc_np(error); // thread-safe, unlike strerror()
    return text ? QString::fromUtf8(text) : QStringLiteral("error %1").arg(error);
}

void enableKeepAlive(int fd, bool on)
{
    const int value = on ? 1 : 0;
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &value, sizeof value);
}
} // namespace

struct TcpStream::Lookup
{
    std::mutex mutex;
    TcpStream *owner = nullptr; ///< nulled, under the mutex, once the stream no longer waits for this lookup
};

int TcpStream::runningLookups()
{
    return g_runningLookups.load();
}

TcpStream::TcpStream(QObject *parent)
    : QObject(parent)
    , m_readNotifier(new QSocketNotifier(QSocketNotifier::Read, this))
    , m_writeNotifier(new QSocketNotifier(QSocketNotifier::Write, this))
{
    connect(m_readNotifier, &QSocketNotifier::activated, this, &TcpStream::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &TcpStream::onWritable);
}

TcpStream::~TcpStream()
{
    cancelLookup();
    closeSocket();
}

void TcpStream::setKeepAlive(bool on)
{
    m_keepAlive = on;
    if (m_fd >= 0)
        enableKeepAlive(m_fd, on);
}

void TcpStream::connectToHost(const QString &host, quint16 port)
{
    if (m_state != State::Unconnected) {
        qCWarning(lcOutput) << "TcpStream::connectToHost: already connecting or connected";
        return;
    }
    ++m_generation;
    m_errorString.clear();
    m_endpoints.clear();
    m_nextEndpoint = 0;

    const bool bracketed = host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']'));
    const QByteArray literal = (bracketed ? host.mid(1, host.size() - 2) : host).toLatin1();
    Endpoint endpoint {};
    auto *v4 = reinterpret_cast<sockaddr_in *>(&endpoint.address);
    auto *v6 = reinterpret_cast<sockaddr_in6 *>(&endpoint.address);
    if (::inet_pton(AF_INET, literal.constData(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        endpoint.length = sizeof(sockaddr_in);
    } else if (::inet_pton(AF_INET6, literal.constData(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        endpoint.length = sizeof(sockaddr_in6);
    } else {
        m_hostIsName = true;
        if (!changeState(State::HostLookup))
            return;
        if (host.isEmpty()) {
            m_errorString = QStringLiteral("no host name given");
            failLater();
            return;
        }
        startLookup(host, port);
        return;
    }
    m_hostIsName = false;
    m_endpoints.push_back(endpoint);
    if (changeState(State::Connecting) && !connectToNextEndpoint())
        failLater();
}

void TcpStream::startLookup(const QString &host, quint16 port)
{
    if (g_runningLookups.load() >= MaxRunningLookups) {
        m_errorString = QStringLiteral("cannot look up %1: %2 earlier lookups are still running")
                            .arg(host)
                            .arg(MaxRunningLookups);
        failLater();
        return;
    }
    QByteArray name = QUrl::toAce(host);
    if (name.isEmpty())
        name = host.toUtf8();
    auto lookup = std::make_shared<Lookup>();
    lookup->owner = this;
    m_lookup = lookup;
    ++g_runningLookups;
    try {
        std::thread([lookup, name = std::string(name.constData(), name.size()), host, port] {
            addrinfo hints {};
            hints.ai_family = AF_UNSPEC;
            hints.ai_socktype = SOCK_STREAM;
            hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
            const std::string service = std::to_string(port);
            addrinfo *found = nullptr;
            int status = ::getaddrinfo(name.c_str(), service.c_str(), &hints, &found);
            if (status == EAI_BADFLAGS) { // as Qt does: some resolvers reject AI_ADDRCONFIG
                hints.ai_flags = AI_NUMERICSERV;
                status = ::getaddrinfo(name.c_str(), service.c_str(), &hints, &found);
            }
            LookupResult result;
            if (status != 0) {
                const QString reason
                    = status == EAI_SYSTEM ? systemErrorText(errno) : QString::fromUtf8(::gai_strerror(status));
                result.error = QStringLiteral("host not found: %1 (%2)").arg(host, reason);
            } else {
                for (const addrinfo *info = found; info; info = info->ai_next) {
                    if (info->ai_addrlen > sizeof(sockaddr_storage))
                        continue;
                    Endpoint endpoint {};
                    std::memcpy(&endpoint.address, info->ai_addr, info->ai_addrlen);
                    endpoint.length = info->ai_addrlen;
                    result.endpoints.push_back(endpoint);
                }
                ::freeaddrinfo(found);
                if (result.endpoints.empty())
                    result.error = QStringLiteral("host not found: %1 (no address)").arg(host);
            }
            {
                const std::lock_guard lock(lookup->mutex);
                if (TcpStream *owner = lookup->owner) {
                    // Posted while the owner is certainly alive; if it dies before the event runs, Qt drops it.
                    QMetaObject::invokeMethod(
                        owner,
                        [owner, lookup, result = std::move(result)] { owner->lookupFinished(lookup.get(), result); },
                        Qt::QueuedConnection);
                }
            }
            --g_runningLookups; // last: once it reads 0, every result is posted
        }).detach();
    } catch (const std::system_error &error) {
        --g_runningLookups;
        m_lookup.reset();
        m_errorString = QStringLiteral("cannot look up %1: %2").arg(host, QString::fromLocal8Bit(error.what()));
        failLater();
    }
}

void TcpStream::lookupFinished(const Lookup *lookup, const LookupResult &result)
{
    if (lookup != m_lookup.get() || m_state != State::HostLookup)
        return; // aborted meanwhile: a later connectToHost() has its own lookup
    m_lookup.reset();
    if (result.endpoints.empty()) {
        end(result.error);
        return;
    }
    m_endpoints = result.endpoints;
    m_nextEndpoint = 0;
    if (changeState(State::Connecting) && !connectToNextEndpoint())
        end(m_errorString);
}

void TcpStream::cancelLookup()
{
    if (!m_lookup)
        return;
    {
        const std::lock_guard lock(m_lookup->mutex);
        m_lookup->owner = nullptr;
    }
    m_lookup.reset();
}

bool TcpStream::connectToNextEndpoint()
{
    while (m_nextEndpoint < m_endpoints.size()) {
        const Endpoint &endpoint = m_endpoints[m_nextEndpoint++];
        const QString separator = m_errorString.isEmpty() ? QString() : QStringLiteral("; ");
        const int fd = ::socket(endpoint.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
        if (fd < 0) {
            m_errorString += separator + QStringLiteral("cannot create a socket: ") + systemErrorText(errno);
            continue;
        }
        if (m_keepAlive)
            enableKeepAlive(fd, true);
        // EINTR: the connection goes on asynchronously, as with EINPROGRESS.
        if (::connect(fd, reinterpret_cast<const sockaddr *>(&endpoint.address), endpoint.length) == 0
            || errno == EINPROGRESS || errno == EINTR) {
            m_fd = fd;
            m_writeNotifier->setSocket(fd);
            m_writeNotifier->setEnabled(true); // writable = connected or failed; SO_ERROR says which
            return true;
        }
        m_errorString += separator + describe(errno, endpoint);
        ::close(fd);
    }
    return false;
}

void TcpStream::failLater()
{
    // Nothing is reported from inside connectToHost(): the caller has not finished setting up yet.
    QMetaObject::invokeMethod(
        this,
        [this, generation = m_generation] {
            if (generation == m_generation)
                end(m_errorString);
        },
        Qt::QueuedConnection);
}

void TcpStream::onWritable()
{
    if (m_state == State::Connecting)
        finishConnecting();
    else if (m_state == State::Connected)
        sendBuffered();
}

void TcpStream::finishConnecting()
{
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
    if (error == EINPROGRESS || error == EALREADY)
        return;
    if (error != 0) {
        closeSocket();
        if (!m_errorString.isEmpty())
            m_errorString += QStringLiteral("; ");
        m_errorString += describe(error, m_endpoints[m_nextEndpoint - 1]);
        if (!connectToNextEndpoint())
            end(m_errorString);
        return;
    }
    m_errorString.clear(); // earlier addresses that failed are no longer news
    m_endpoints.clear();
    m_readNotifier->setSocket(m_fd);
    m_readNotifier->setEnabled(true);
    m_writeNotifier->setEnabled(bytesToWrite() > 0);
    if (changeState(State::Connected))
        Q_EMIT connected();
}

qint64 TcpStream::write(const char *data, qint64 size)
{
    if (m_state == State::Unconnected || size < 0)
        return -1;
    if (m_sendOffset == m_sendBuffer.size()) {
        m_sendBuffer.clear();
        m_sendOffset = 0;
    }
    m_sendBuffer.append(data, std::size_t(size));
    if (m_state == State::Connected && size > 0)
        m_writeNotifier->setEnabled(true); // bytesWritten() comes from the event loop, never from here
    return size;
}

void TcpStream::sendBuffered()
{
    qint64 sent = 0;
    while (m_sendOffset < m_sendBuffer.size()) {
        const ssize_t accepted = ::send(
            m_fd, m_sendBuffer.data() + m_sendOffset, m_sendBuffer.size() - m_sendOffset, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (accepted > 0) {
            m_sendOffset += std::size_t(accepted);
            sent += accepted;
        } else if (accepted < 0 && errno == EINTR) {
            continue;
        } else if (accepted == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
            break;
        } else {
            // What the kernel took in this round is not reported: it is most likely lost with the connection,
            // and whoever wrote it resends what bytesWritten() never confirmed.
            end(systemErrorText(errno));
            return;
        }
    }
    if (m_sendOffset == m_sendBuffer.size()) {
        m_writeNotifier->setEnabled(false);
        if (m_sendBuffer.capacity() > MaxIdleBufferCapacity)
            m_sendBuffer = std::string();
        else
            m_sendBuffer.clear();
        m_sendOffset = 0;
    } else if (m_sendOffset >= m_sendBuffer.size() / 2) {
        // Moving the rest costs at most what was just sent: linear overall, however the writes are sized.
        m_sendBuffer.erase(0, m_sendOffset);
        m_sendOffset = 0;
    }
    if (sent > 0)
        Q_EMIT bytesWritten(sent);
}

void TcpStream::onReadable()
{
    if (m_state != State::Connected)
        return;
    // The peer is not expected to send anything: read it away, a bounded amount per event loop pass.
    char discarded[16 * 1024];
    for (int round = 0; round < 16; ++round) {
        const ssize_t received = ::recv(m_fd, discarded, sizeof discarded, MSG_DONTWAIT);
        if (received > 0)
            continue;
        if (received == 0) {
            end(QStringLiteral("the remote host closed the connection"));
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            end(systemErrorText(errno));
        return;
    }
}

void TcpStream::abort()
{
    if (m_state == State::Unconnected)
        return;
    resetToUnconnected();
    Q_EMIT stateChanged(State::Unconnected);
}

void TcpStream::end(const QString &reason)
{
    m_errorString = reason;
    const quint64 generation = resetToUnconnected();
    const QPointer<TcpStream> alive(this);
    Q_EMIT errorOccurred();
    // A slot may have deleted the stream or started the next attempt already.
    if (alive && generation == m_generation)
        Q_EMIT stateChanged(State::Unconnected);
}

quint64 TcpStream::resetToUnconnected()
{
    cancelLookup();
    closeSocket();
    m_sendBuffer = std::string();
    m_sendOffset = 0;
    m_endpoints.clear();
    m_state = State::Unconnected;
    return ++m_generation;
}

void TcpStream::closeSocket()
{
    if (m_fd < 0)
        return;
    m_readNotifier->setSocket(-1); // also disables it, before the descriptor can be reused
    m_writeNotifier->setSocket(-1);
    ::close(m_fd);
    m_fd = -1;
}

bool TcpStream::changeState(State state)
{
    m_state = state;
    const quint64 generation = m_generation;
    const QPointer<TcpStream> alive(this);
    Q_EMIT stateChanged(state);
    return alive && generation == m_generation;
}

QString TcpStream::describe(int error, const Endpoint &endpoint) const
{
    const QString reason = systemErrorText(error);
    if (!m_hostIsName)
        return reason; // the address is the one the user wrote
    char text[INET6_ADDRSTRLEN] = {};
    quint16 port = 0;
    if (endpoint.address.ss_family == AF_INET6) {
        const auto *v6 = reinterpret_cast<const sockaddr_in6 *>(&endpoint.address);
        ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
        port = ntohs(v6->sin6_port);
        return QStringLiteral("%1 at [%2]:%3").arg(reason, QLatin1String(text)).arg(port);
    }
    const auto *v4 = reinterpret_cast<const sockaddr_in *>(&endpoint.address);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    port = ntohs(v4->sin_port);
    return QStringLiteral("%1 at %2:%3").arg(reason, QLatin1String(text)).arg(port);
}

} // namespace Garnet
