// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>

#include <memory>
#include <string>
#include <sys/socket.h>
#include <vector>

class QSocketNotifier;

namespace Garnet {

/**
 * An outgoing TCP connection on QtCore alone: the part of QTcpSocket that GraphiteOutput uses, with the same
 * semantics, so that the agent does not load QtNetwork (and libproxy, krb5, brotli... with it).
 *
 * - connectToHost() connects to an IP literal at once; a name is resolved with getaddrinfo() on a thread of
 *   its own and its addresses are tried in order until one connects.
 * - The outcome always arrives from the event loop, never from inside connectToHost(): connected(), or
 *   errorOccurred() and then stateChanged(Unconnected).
 * - write() only buffers; the buffer goes out while the socket is writable and bytesWritten() reports, from the
 *   event loop, what the kernel accepted.
 * - Whatever the peer sends is discarded: it is read only to see the end of the stream. An end or an error
 *   closes the stream and drops what was still buffered.
 * - abort() closes at once and emits stateChanged(Unconnected) before it returns.
 *
 * The stream may be aborted or destroyed while a lookup runs: the lookup's thread finishes on its own and its
 * result is ignored; nothing ever waits for it.
 */
class TcpStream : public QObject
{
    Q_OBJECT
public:
    enum class State { Unconnected, HostLookup, Connecting, Connected };
    Q_ENUM(State)

    /** Lookup threads still running, in the whole process (they are capped; for tests). */
    static int runningLookups();

    explicit TcpStream(QObject *parent = nullptr);
    ~TcpStream() override; ///< closes without emitting anything

    /** Starts connecting (ignored with a warning unless Unconnected). */
    void connectToHost(const QString &host, quint16 port);
    /** Closes at once and drops the buffer; stateChanged(Unconnected) unless it was Unconnected already. */
    void abort();
    /** Appends to the send buffer: returns size, or -1 when Unconnected. */
    qint64 write(const char *data, qint64 size);

    State state() const { return m_state; }
    /** Bytes buffered that the kernel has not accepted yet. */
    qint64 bytesToWrite() const { return qint64(m_sendBuffer.size() - m_sendOffset); }
    /** The socket, or -1. */
    int socketDescriptor() const { return m_fd; }
    /** Why the last attempt or connection ended. */
    QString errorString() const { return m_errorString; }
    /** SO_KEEPALIVE, now and for the next connections (off by default, as in QTcpSocket). */
    void setKeepAlive(bool on);

Q_SIGNALS:
    void connected();
    void stateChanged(Garnet::TcpStream::State state);
    void bytesWritten(qint64 bytes);
    void errorOccurred();

private:
    struct Lookup;
    struct Endpoint
    {
        sockaddr_storage address;
        socklen_t length;
    };
    struct LookupResult
    {
        std::vector<Endpoint> endpoints;
        QString error;
    };

    void startLookup(const QString &host, quint16 port);
    void lookupFinished(const Lookup *lookup, const LookupResult &result);
    void cancelLookup();
    bool connectToNextEndpoint();
    void failLater();
    void onWritable();
    void onReadable();
    void finishConnecting();
    void sendBuffered();
    void end(const QString &reason);
    /** Drops the lookup, the socket and the buffer; Unconnected, a new generation (returned). No signal. */
    quint64 resetToUnconnected();
    void closeSocket();
    bool changeState(State state);
    QString describe(int error, const Endpoint &endpoint) const;

    State m_state = State::Unconnected;
    quint64 m_generation = 0; ///< bumped whenever a connection or attempt ends or starts: stale callbacks see it
    int m_fd = -1;
    bool m_keepAlive = false;
    bool m_hostIsName = false; ///< errors name the address tried, which the user did not write
    QSocketNotifier *m_readNotifier;
    QSocketNotifier *m_writeNotifier;
    std::shared_ptr<Lookup> m_lookup;
    std::vector<Endpoint> m_endpoints;
    std::size_t m_nextEndpoint = 0;
    std::string m_sendBuffer;
    std::size_t m_sendOffset = 0; ///< bytes at the front of m_sendBuffer that the kernel took already
    QString m_errorString;
};

} // namespace Garnet
