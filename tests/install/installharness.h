// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// Helpers for the install and package tests: running tools, the expected installed files, and the installed
// agent run end to end from a staged tree (DESTDIR install or an unpacked .deb).

#include "../integration/agentharness.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtTest>

#include <csignal>

namespace GarnetInstallTest {

using GarnetTest::LineSink;

constexpr int ToolTimeout = 170000;
constexpr int MetricTimeout = 60000; // bundled collectors tick every 10 s, aligned

struct ToolResult
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString describe(const QString &what) const
    {
        return QStringLiteral("%1: %2 (exit %3)\n--- stdout\n%4\n--- stderr\n%5")
            .arg(what, finished ? QStringLiteral("finished") : QStringLiteral("did not finish"))
            .arg(exitCode)
            .arg(QString::fromLocal8Bit(out.right(4000)), QString::fromLocal8Bit(err.right(4000)));
    }
    bool ok() const { return finished && exitCode == 0; }
};

inline ToolResult runTool(const QString &program, const QStringList &arguments,
    const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(), int timeout = ToolTimeout)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(program, arguments);
    ToolResult result;
    result.finished = process.waitForStarted(timeout) && process.waitForFinished(timeout);
    if (!result.finished)
        process.kill(), process.waitForFinished(5000);
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

/** Where things go: the configured prefix and sysconfdir (/usr and /etc for a system install). */
struct Layout
{
    QString prefix = QStringLiteral(GARNET_INSTALL_PREFIX);
    QString sysconfdir = QStringLiteral(GARNET_INSTALL_SYSCONFDIR);
    bool gui = GARNET_TEST_GUI;

    QString bin(const QString &name) const { return prefix + QStringLiteral("/bin/") + name; }
    QString collectors() const { return prefix + QStringLiteral("/lib/garnet/collectors"); }
    QString etc() const { return sysconfdir + QStringLiteral("/garnet"); }
    QString mainConfig() const { return etc() + QStringLiteral("/garnet.toml"); }
    QString unit() const { return prefix + QStringLiteral("/lib/systemd/system/garnet-agent.service"); }
};

inline QStringList bundledCollectors()
{
    return { QStringLiteral("cpu"), QStringLiteral("diskio"), QStringLiteral("filesystem"), QStringLiteral("loadavg"),
        QStringLiteral("memory"), QStringLiteral("network"), QStringLiteral("processes"), QStringLiteral("uptime") };
}

inline QStringList enabledCollectors()
{
    return { QStringLiteral("cpu"), QStringLiteral("diskio"), QStringLiteral("filesystem"), QStringLiteral("loadavg"),
        QStringLiteral("memory"), QStringLiteral("network") };
}

/** Absolute paths (as on the target system) that an install must contain. */
inline QStringList expectedFiles(const Layout &layout)
{
    const QString &p = layout.prefix;
    QStringList files { layout.bin(QStringLiteral("garnet-agent")), layout.bin(QStringLiteral("garnetctl")),
        layout.mainConfig(), layout.unit(), p + QStringLiteral("/share/dbus-1/interfaces/org.garnet.Agent1.xml"),
        p + QStringLiteral("/share/dbus-1/system.d/org.garnet.Agent.conf"),
        p + QStringLiteral("/share/bash-completion/completions/garnetctl"),
        p + QStringLiteral("/share/doc/garnet/copyright"), p + QStringLiteral("/share/doc/garnet/CHANGELOG.md") };
    for (const QString &name : bundledCollectors()) {
        files << layout.collectors() + QLatin1Char('/') + name;
        files << layout.etc() + QStringLiteral("/collectors.d/") + name + QStringLiteral(".toml");
    }
    for (const QString &page : QStringLiteral(GARNET_MAN_PAGES).split(QLatin1Char(','), Qt::SkipEmptyParts))
        files << p + QStringLiteral("/share/man/man") + page.right(1) + QLatin1Char('/') + page + QStringLiteral(".gz");
    if (layout.gui) {
        files << layout.bin(QStringLiteral("garnet-tray"))
              << p + QStringLiteral("/share/applications/org.garnet.Tray.desktop")
              << p + QStringLiteral("/share/icons/hicolor/scalable/apps/org.garnet.Tray.svg")
              << layout.sysconfdir + QStringLiteral("/xdg/autostart/org.garnet.Tray.desktop");
    }
    files.sort();
    return files;
}

/** Every file and symlink below root, as absolute paths on the target ("/usr/bin/x"), sorted. */
inline QStringList filesBelow(const QString &root)
{
    QStringList files;
    QDirIterator it(
        root, QDir::Files | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next().mid(root.size());
    files.sort();
    return files;
}

/** Checks the layout: everything expected, nothing outside Garnet's places, programs executable. */
inline void verifyInstalledFiles(const QStringList &files, const Layout &layout, const QString &root)
{
    for (const QString &file : expectedFiles(layout))
        QVERIFY2(files.contains(file), qPrintable(QStringLiteral("missing: ") + file));
    const QStringList allowed { layout.prefix + QStringLiteral("/bin/"), layout.collectors() + QLatin1Char('/'),
        layout.etc() + QLatin1Char('/'), layout.sysconfdir + QStringLiteral("/xdg/autostart/org.garnet."),
        layout.prefix + QStringLiteral("/share/"), layout.prefix + QStringLiteral("/lib/systemd/system/garnet-") };
    for (const QString &file : files) {
        const bool inPlace
            = std::any_of(allowed.begin(), allowed.end(), [&](const QString &dir) { return file.startsWith(dir); });
        QVERIFY2(inPlace, qPrintable(QStringLiteral("unexpected place: ") + file));
        const bool program = file.startsWith(layout.prefix + QStringLiteral("/bin/"))
            || file.startsWith(layout.collectors() + QLatin1Char('/'));
        QCOMPARE(QFileInfo(root + file).isExecutable(), program);
    }
}

/**
 * The installed agent with the installed configuration, changed only to put the socket into socketDir and
 * to send to a loopback sink: metrics of bundled collectors arrive, and SIGTERM ends it cleanly.
 */
inline void runInstalledAgent(const QString &root, const Layout &layout, const QString &socketDir)
{
    const QString config = root + layout.mainConfig();
    QFile file(config);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(config));
    QByteArray text = file.readAll();
    file.close();
    LineSink sink;
    QVERIFY(sink.listen());
    const QByteArray socketPath = QFile::encodeName(socketDir + QStringLiteral("/garnet.sock"));
    // Exactly these two lines are changed; if the shipped file changes shape this test must be updated.
    QCOMPARE(text.count("\naddress = \"127.0.0.1:2003\""), 1);
    QCOMPARE(text.count("\n# socket = \"/run/garnet/garnet.sock\""), 1);
    text.replace("\naddress = \"127.0.0.1:2003\"", QByteArray("\naddress = \"" + sink.address() + "\""));
    text.replace("\n# socket = \"/run/garnet/garnet.sock\"", QByteArray("\nsocket = \"" + socketPath + "\""));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
    file.close();

    GarnetTest::AgentProcess agent;
    QProcessEnvironment env = agent.process().processEnvironment();
    env.insert(QStringLiteral("GARNET_STATE_DIR"), socketDir + QStringLiteral("/state"));
    agent.process().setProcessEnvironment(env);
    agent.process().start(root + layout.bin(QStringLiteral("garnet-agent")), { QStringLiteral("--config"), config });
    QVERIFY2(agent.process().waitForStarted(ToolTimeout), qPrintable(agent.process().errorString()));

    // Bundled collectors, found next to the installed binary, deliver through the installed configuration.
    const QRegularExpression load(QStringLiteral("^servers\\.[^. ]+\\.loadavg\\.01 \\d+(\\.\\d+)? \\d+$"));
    const QRegularExpression memory(QStringLiteral("^servers\\.[^. ]+\\.memory\\.MemAvailable \\d+ \\d+$"));
    const auto has = [&sink](const QRegularExpression &pattern) {
        return std::any_of(sink.lines().begin(), sink.lines().end(),
            [&](const QByteArray &line) { return pattern.match(QString::fromUtf8(line)).hasMatch(); });
    };
    QTRY_VERIFY2_WITH_TIMEOUT(has(load) && has(memory),
        qPrintable(QStringLiteral("%1 lines so far; agent log:\n%2")
                       .arg(sink.lines().size())
                       .arg(QString::fromLocal8Bit(agent.log()))),
        MetricTimeout);
    QVERIFY2(QFileInfo::exists(QFile::decodeName(socketPath)), socketPath.constData());
    agent.signal(SIGTERM);
    QVERIFY(agent.process().state() == QProcess::NotRunning || agent.process().waitForFinished(ToolTimeout));
    QCOMPARE(agent.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(agent.process().exitCode(), 0);
    QVERIFY(!QFileInfo::exists(QFile::decodeName(socketPath)));
    const QByteArray log = agent.log();
    QVERIFY2(!log.contains(" critical "), log.constData());
}

} // namespace GarnetInstallTest
