// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Shared by tst_socketserver and tst_socketreading: a recording sink, clients (QLocalSocket and raw), a flooder.
#pragma once

#include "linesink.h"
#include "socketserver.h"

#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <fcntl.h>
#include <functional>
#include <map>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace Garnet;

namespace {

const QString Writer = QStringLiteral(GARNET_TEST_SOURCE_DIR "/agent/writers/linewriter.py");

/** Records what the server hands on, per collector. */
class RecordingSink : public LineSink
{
public:
    void ingestLines(const RunContext &run, std::string_view lines) override
    {
        QVERIFY(!lines.empty() && lines.back() == '\n');
        if (keepText)
            byCollector[run.collector].append(lines);
        lineCount += std::count(lines.begin(), lines.end(), '\n');
        if (onLines)
            onLines(lines);
    }
    void rejectLine(const RunContext &run, RejectReason reason) override
    {
        rejects.emplace_back(run.collector, reason);
    }
    bool isCongested() const override { return congestAtLines >= 0 && lineCount >= congestAtLines; }

    std::map<QByteArray, std::string> byCollector;
    qint64 lineCount = 0;
    std::vector<std::pair<QByteArray, RejectReason>> rejects;
    bool keepText = true; ///< off for floods: only counted
    qint64 congestAtLines = -1; ///< congested from this many lines on (-1: never)
    std::function<void(std::string_view)> onLines;
};

inline RunContextPtr context(const QByteArray &collector)
{
    auto run = std::make_shared<RunContext>();
    run->collector = collector;
    run->pathPrefix = "servers.test." + collector;
    return run;
}

inline mode_t modeOf(const QString &path)
{
    struct stat st;
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return 0;
    return st.st_mode;
}

inline std::string numberedLines(const QString &prefix, int count)
{
    std::string out;
    for (int i = 0; i < count; ++i)
        out += prefix.toStdString() + '.' + std::to_string(i) + ' ' + std::to_string(i) + " 1700000000\n";
    return out;
}

/** A client in this process: connected synchronously (the kernel queues it until the server accepts). */
inline std::unique_ptr<QLocalSocket> connectClient(const QString &path)
{
    auto client = std::make_unique<QLocalSocket>();
    client->connectToServer(path);
    if (!client->waitForConnected(5000))
        return nullptr;
    return client;
}

inline void writeAll(QLocalSocket &client, std::string_view data)
{
    client.write(data.data(), qint64(data.size()));
    while (client.bytesToWrite() > 0 && client.waitForBytesWritten(5000)) { }
}

inline bool connectTo(int fd, const QString &path)
{
    const QByteArray encoded = QFile::encodeName(path);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, encoded.constData(), std::size_t(encoded.size()));
    return ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0;
}

/** A plain blocking client descriptor, connected (queued until the server accepts); -1 on failure. */
inline int connectRaw(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connectTo(fd, path))
        return fd;
    if (fd >= 0)
        ::close(fd);
    return -1;
}

/** The server's end of the one connection open to path (this process is the server): -1 if none. */
inline int acceptedDescriptor(const QString &path)
{
    const QByteArray encoded = QFile::encodeName(path);
    const QStringList fds = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System);
    for (const QString &name : fds) {
        const int fd = name.toInt();
        int listening = 1;
        socklen_t length = sizeof(listening);
        sockaddr_un address {};
        socklen_t addressLength = sizeof(address);
        if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || listening
            || ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &addressLength) != 0
            || address.sun_family != AF_UNIX)
            continue;
        if (QByteArray(address.sun_path) == encoded)
            return fd;
    }
    return -1;
}

/**
 * A writer thread that sends whole chunks of FloodLine as fast as the socket takes them, until stopped
 * (or until a cap, so a server that never lets go of the event loop fails the test instead of hanging it).
 */
class Flooder
{
public:
    static constexpr std::string_view FloodLine = "flood.line 1 2\n";
    static constexpr qint64 CapBytes = 512LL * 1024 * 1024;

    explicit Flooder(const QString &path)
        : m_fd(connectRaw(path))
    {
        std::string chunk;
        while (chunk.size() + FloodLine.size() <= 64 * 1024)
            chunk += FloodLine;
        // A deep queue (as far as the system allows) refills long before a slow reader could drain it.
        const int deep = 4 * 1024 * 1024;
        if (m_fd >= 0) {
            ::setsockopt(m_fd, SOL_SOCKET, SO_SNDBUF, &deep, sizeof(deep));
            m_thread = std::thread([this, chunk] { run(chunk); });
        }
    }
    ~Flooder()
    {
        stop();
        if (m_fd >= 0)
            ::shutdown(m_fd, SHUT_RDWR); // unblocks a send() the server no longer drains
        if (m_thread.joinable())
            m_thread.join();
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool connected() const { return m_fd >= 0; }
    void stop() { m_stop = true; }
    bool done() const { return m_done; }
    qint64 linesSent() const { return m_bytes / qint64(FloodLine.size()); }

private:
    void run(const std::string &chunk)
    {
        while (!m_stop && m_bytes < CapBytes) {
            for (std::size_t sent = 0; sent < chunk.size();) {
                const ssize_t n = ::send(m_fd, chunk.data() + sent, chunk.size() - sent, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0) {
                    m_done = true; // the server closed; only whole chunks are counted
                    return;
                }
                sent += std::size_t(n);
            }
            m_bytes += qint64(chunk.size());
        }
        ::shutdown(m_fd, SHUT_WR); // the end of the stream, as close() would be
        m_done = true;
    }
    int m_fd;
    std::thread m_thread;
    std::atomic<bool> m_stop { false };
    std::atomic<bool> m_done { false };
    std::atomic<qint64> m_bytes { 0 };
};

} // namespace
