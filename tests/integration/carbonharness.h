// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// Real Graphite for tests: Debian's carbon-cache and carbon-c-relay on loopback, in private directories.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <csignal>
#include <optional>

namespace GarnetTest {

/** A free loopback TCP port (bound, then released: a small race we accept in tests). */
inline quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

inline bool acceptsConnections(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(200);
}

/** A process that is stopped with SIGTERM (then SIGKILL) when the object dies. */
class ServerProcess
{
public:
    ~ServerProcess() { stop(); }
    QProcess &process() { return m_process; }
    /** kill -9, then start it again with the same program, arguments and ports (a crash and a restart). */
    bool restart()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(10000);
        }
        m_process.start();
        return m_process.waitForStarted(10000);
    }
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

private:
    QProcess m_process;
};

/** carbon-cache with 1 s resolution for an hour, its own storage, line receiver on 127.0.0.1:port(). */
class CarbonCache : public ServerProcess
{
public:
    static bool available() { return !QStandardPaths::findExecutable(QStringLiteral("carbon-cache")).isEmpty(); }

    bool start()
    {
        m_port = freePort();
        const QString root = m_dir.path();
        for (const char *sub : { "conf", "storage/whisper", "storage/lists", "log", "run" })
            QDir(root).mkpath(QLatin1String(sub));
        const QByteArray r = root.toUtf8();
        const QByteArray conf = "[cache]\nSTORAGE_DIR = " + r + "/storage/\nLOCAL_DATA_DIR = " + r
            + "/storage/whisper/\nWHITELISTS_DIR = " + r + "/storage/lists/\nCONF_DIR = " + r + "/conf/\nLOG_DIR = " + r
            + "/log/\nPID_DIR = " + r
            + "/run/\nUSER =\nDATABASE = whisper\nMAX_CACHE_SIZE = inf\nMAX_UPDATES_PER_SECOND = 100000\n"
              "MAX_CREATES_PER_MINUTE = inf\nLINE_RECEIVER_INTERFACE = 127.0.0.1\nLINE_RECEIVER_PORT = "
            + QByteArray::number(m_port)
            + "\nENABLE_UDP_LISTENER = False\nPICKLE_RECEIVER_INTERFACE = 127.0.0.1\nPICKLE_RECEIVER_PORT = "
            + QByteArray::number(freePort())
            + "\nCACHE_QUERY_INTERFACE = 127.0.0.1\nCACHE_QUERY_PORT = " + QByteArray::number(freePort())
            + "\nWHISPER_AUTOFLUSH = True\nENABLE_TAGS = False\nLOG_LISTENER_CONN_SUCCESS = False\n";
        if (!writeFile(root + QStringLiteral("/conf/carbon.conf"), conf)
            || !writeFile(
                root + QStringLiteral("/conf/storage-schemas.conf"), "[all]\npattern = .*\nretentions = 1s:1h\n"))
            return false;
        process().setProcessChannelMode(QProcess::MergedChannels);
        process().setStandardOutputFile(root + QStringLiteral("/log/console.log"));
        process().start(QStringLiteral("carbon-cache"),
            { QStringLiteral("--config=%1/conf/carbon.conf").arg(root),
                QStringLiteral("--pidfile=%1/run/carbon.pid").arg(root), QStringLiteral("--logdir=%1/log").arg(root),
                QStringLiteral("--nodaemon"), QStringLiteral("start") });
        return process().waitForStarted(10000);
    }
    quint16 port() const { return m_port; }
    QByteArray log() const
    {
        QFile file(m_dir.filePath(QStringLiteral("log/console.log")));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
    QString whisperFile(const QByteArray &metric) const
    {
        return m_dir.filePath(QStringLiteral("storage/whisper/")
            + QString::fromUtf8(metric).replace(QLatin1Char('.'), QLatin1Char('/')) + QStringLiteral(".wsp"));
    }
    /** The non-empty points of a metric in the last hour, via whisper-fetch; empty if it has none yet. */
    QList<std::pair<qint64, double>> fetch(const QByteArray &metric) const
    {
        QList<std::pair<qint64, double>> points;
        const QString file = whisperFile(metric);
        if (!QFile::exists(file))
            return points;
        QProcess whisperFetch;
        whisperFetch.start(QStringLiteral("whisper-fetch"),
            { QStringLiteral("--from=%1").arg(QDateTime::currentSecsSinceEpoch() - 3500), file });
        if (!whisperFetch.waitForFinished(20000))
            return points;
        const QList<QByteArray> lines = whisperFetch.readAllStandardOutput().split('\n');
        for (const QByteArray &line : lines) {
            const QList<QByteArray> fields = line.split('\t');
            if (fields.size() == 2 && fields[1] != "None")
                points.append({ fields[0].toLongLong(), fields[1].toDouble() });
        }
        return points;
    }
    std::optional<double> lastValue(const QByteArray &metric) const
    {
        const auto points = fetch(metric);
        if (points.isEmpty())
            return std::nullopt;
        return points.last().second;
    }

private:
    static bool writeFile(const QString &path, const QByteArray &content)
    {
        QFile file(path);
        return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
    }
    QTemporaryDir m_dir;
    quint16 m_port = 0;
};

/** carbon-c-relay on 127.0.0.1:port(), consistent-hashing (carbon_ch) over the given carbon-caches. */
class CarbonCRelay : public ServerProcess
{
public:
    static bool available() { return !QStandardPaths::findExecutable(QStringLiteral("carbon-c-relay")).isEmpty(); }

    bool start(const QList<quint16> &cachePorts)
    {
        m_port = freePort();
        QByteArray conf = "listen\n    type linemode\n        127.0.0.1:" + QByteArray::number(m_port)
            + " proto tcp\n    ;\ncluster caches\n    carbon_ch\n";
        // carbon_ch hashes on host and instance, not port: without instance names every metric hashes alike.
        for (qsizetype i = 0; i < cachePorts.size(); ++i)
            conf += "        127.0.0.1:" + QByteArray::number(cachePorts[i]) + "=cache" + QByteArray::number(i) + "\n";
        conf += "    ;\nmatch * send to caches stop;\n";
        QFile file(m_dir.filePath(QStringLiteral("relay.conf")));
        if (!file.open(QIODevice::WriteOnly) || file.write(conf) != conf.size())
            return false;
        file.close();
        process().setProcessChannelMode(QProcess::MergedChannels);
        process().setStandardOutputFile(m_dir.filePath(QStringLiteral("relay.log")));
        process().start(
            QStringLiteral("carbon-c-relay"), { QStringLiteral("-f"), file.fileName(), QStringLiteral("-s") });
        return process().waitForStarted(10000);
    }
    quint16 port() const { return m_port; }

private:
    QTemporaryDir m_dir;
    quint16 m_port = 0;
};

} // namespace GarnetTest
