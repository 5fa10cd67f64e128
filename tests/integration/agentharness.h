// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// Black-box helpers for integration tests: a temporary config tree, the real garnet-agent binary, a TCP sink.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

namespace GarnetTest {

/** An interval whose aligned ticks (wall-clock multiples since the epoch) are decades away. "1h" or "24h"
 *  would tick whenever a test happens to span hh:00 or midnight, so "never runs on its own" needs this. */
inline constexpr char NeverTicks[] = "876000h";
/** Main-config line: self-metrics only at shutdown, so exact sink counts hold no agent lines. */
inline const QByteArray QuietInterval = QByteArray("interval = \"") + NeverTicks + "\"\n";

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool AddressSanitizerBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool AddressSanitizerBuild = true;
#else
inline constexpr bool AddressSanitizerBuild = false;
#endif
#else
inline constexpr bool AddressSanitizerBuild = false;
#endif
/**
 * Resident memory says nothing under AddressSanitizer (freed memory waits in its quarantine, shadow memory
 * grows): there, LeakSanitizer checks for leaks instead, at the agent's exit.
 */
inline bool residentMemoryMeaningful()
{
    return !AddressSanitizerBuild;
}

inline QString agentBinary()
{
    return QStringLiteral(GARNET_BINARY_DIR "/bin/garnet-agent");
}

inline QString testCollector(const char *name)
{
    return QStringLiteral(GARNET_TEST_SOURCE_DIR "/integration/collectors/") + QLatin1String(name);
}

/** A temporary directory holding garnet.toml, collectors.d/ and the socket. */
class ConfigTree
{
public:
    ConfigTree() { QDir(m_dir.path()).mkpath(QStringLiteral("collectors.d")); }
    QString path(const QString &relative) const { return m_dir.filePath(relative); }
    QString mainFile() const { return path(QStringLiteral("garnet.toml")); }
    QString socketPath() const { return path(QStringLiteral("run/garnet.sock")); }

    void writeMain(const QByteArray &extra, const QByteArray &agentExtra = {}) const
    {
        write(QStringLiteral("garnet.toml"),
            "[agent]\nsocket = \"run/garnet.sock\"\nhostname = \"testhost\"\n"
            "prefix = \"servers.{host}\"\n"
                + agentExtra + "\n" + extra);
    }
    void writeCollector(const QString &name, const QByteArray &toml) const
    {
        write(QStringLiteral("collectors.d/%1.toml").arg(name), toml);
    }
    void removeCollector(const QString &name) const
    {
        QFile::remove(path(QStringLiteral("collectors.d/%1.toml").arg(name)));
    }
    void write(const QString &relative, const QByteArray &content) const
    {
        QFile file(path(relative));
        QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
        file.write(content);
    }
    QByteArray read(const QString &relative) const
    {
        QFile file(path(relative));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private:
    QTemporaryDir m_dir;
};

/** A loopback TCP server that keeps every line it receives. */
class LineSink : public QObject
{
public:
    LineSink()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                QObject::connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    m_partial += socket->readAll();
                    const qsizetype last = m_partial.lastIndexOf('\n');
                    if (last < 0)
                        return;
                    const QList<QByteArray> lines = m_partial.left(last).split('\n');
                    m_lines += lines;
                    m_partial.remove(0, last + 1);
                });
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    QByteArray address() const { return "127.0.0.1:" + QByteArray::number(port()); }
    const QList<QByteArray> &lines() const { return m_lines; }
    /** Lines whose metric path starts with prefix. */
    QList<QByteArray> linesStartingWith(const QByteArray &prefix) const
    {
        QList<QByteArray> found;
        for (const QByteArray &line : m_lines)
            if (line.startsWith(prefix))
                found << line;
        return found;
    }
    bool has(const QByteArray &prefix) const { return !linesStartingWith(prefix).isEmpty(); }

private:
    QTcpServer m_server;
    QList<QByteArray> m_lines;
    QByteArray m_partial;
};

/** The real agent binary, with no D-Bus session bus (these tests are about the pipeline). */
class AgentProcess
{
public:
    AgentProcess()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/garnet-test"));
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
    }
    ~AgentProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    QProcess &process() { return m_process; }
    void start(const QStringList &arguments) { m_process.start(agentBinary(), arguments); }
    void signal(int sig) { ::kill(pid_t(m_process.processId()), sig); }
    QByteArray log() { return m_log += m_process.readAllStandardError(); }
    QByteArray out() { return m_out += m_process.readAllStandardOutput(); }

private:
    QProcess m_process;
    QByteArray m_log;
    QByteArray m_out;
};

} // namespace GarnetTest
