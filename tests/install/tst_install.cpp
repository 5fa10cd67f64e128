// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// `cmake --install` of this build into a staging DESTDIR: the layout, the shipped configuration, the systemd
// unit, the desktop and D-Bus files, and the installed agent run end to end against a loopback sink.
#include "common/config.h"
#include "installharness.h"

#include <QXmlStreamReader>

using namespace GarnetInstallTest;

class tst_install : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void layout();
    void installedVersions();
    void shippedConfiguration();
    void systemdUnit();
    void desktopEntries();
    void dbusPolicy();
    void completionAndManPages();
    void installedAgentEndToEnd();

private:
    QString installed(const QString &path) const { return m_root.path() + path; }
    QTemporaryDir m_root;
    Layout m_layout;
};

void tst_install::initTestCase()
{
    QVERIFY(m_root.isValid());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DESTDIR"), m_root.path());
    const ToolResult install = runTool(
        QStringLiteral(GARNET_CMAKE_COMMAND), { QStringLiteral("--install"), QStringLiteral(GARNET_BINARY_DIR) }, env);
    QVERIFY2(install.ok(), qPrintable(install.describe(QStringLiteral("cmake --install"))));
}

void tst_install::layout()
{
    verifyInstalledFiles(filesBelow(m_root.path()), m_layout, m_root.path());
}

void tst_install::installedVersions()
{
    const ToolResult agent
        = runTool(installed(m_layout.bin(QStringLiteral("garnet-agent"))), { QStringLiteral("--version") });
    QVERIFY2(agent.ok(), qPrintable(agent.describe(QStringLiteral("garnet-agent --version"))));
    QCOMPARE(agent.out, QByteArray("garnet-agent " GARNET_VERSION " (Qt " + QByteArray(qVersion()) + ")\n"));
    const ToolResult ctl
        = runTool(installed(m_layout.bin(QStringLiteral("garnetctl"))), { QStringLiteral("--version") });
    QVERIFY2(ctl.ok() && ctl.out.startsWith("garnetctl " GARNET_VERSION),
        qPrintable(ctl.describe(QStringLiteral("garnetctl --version"))));
}

void tst_install::shippedConfiguration()
{
    // As shipped: valid, with the bundled collectors, six of them enabled, each resolving to an installed program.
    const Garnet::ConfigResult result = Garnet::loadConfig(installed(m_layout.mainConfig()));
    QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
    QStringList names;
    QStringList enabled;
    for (const Garnet::CollectorConfig &collector : result.config.collectors) {
        names << collector.name;
        if (collector.enabled)
            enabled << collector.name;
        const QString program = collector.command.value(0);
        QVERIFY2(!program.contains(QLatin1Char('/')), qPrintable(program)); // found in the bundled directory
        QVERIFY2(QFileInfo(installed(m_layout.collectors() + QLatin1Char('/') + program)).isExecutable(),
            qPrintable(program));
    }
    QCOMPARE(names, bundledCollectors());
    QCOMPARE(enabled, enabledCollectors());
    QCOMPARE(result.config.outputs.size(), std::size_t(1));
    QCOMPARE(result.config.outputs[0].type, Garnet::OutputType::Graphite);
    QCOMPARE(result.config.agent.socketPath, Garnet::defaultSocketPath());

    const ToolResult check = runTool(installed(m_layout.bin(QStringLiteral("garnet-agent"))),
        { QStringLiteral("--check-config"), QStringLiteral("--config"), installed(m_layout.mainConfig()) });
    QVERIFY2(check.ok(), qPrintable(check.describe(QStringLiteral("--check-config"))));
    QVERIFY2(check.out.contains("OK, 8 collector(s) (6 enabled), 1 output(s)"), check.out.constData());
}

void tst_install::systemdUnit()
{
    QFile file(installed(m_layout.unit()));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray unit = file.readAll();
    const QByteArray execStart = "\nExecStart=" + m_layout.bin(QStringLiteral("garnet-agent")).toUtf8() + " --config "
        + m_layout.mainConfig().toUtf8() + " --system-bus\n";
    QVERIFY2(unit.contains(execStart), unit.constData());
    for (const char *line : { "\nType=notify\n", "\nNotifyAccess=main\n", "\nWatchdogSec=30\n",
             "\nExecReload=/bin/kill -HUP $MAINPID\n", "\nRuntimeDirectory=garnet\n", "\nProtectSystem=strict\n",
             "\nProtectHome=read-only\n", "\nNoNewPrivileges=yes\n", "\nPrivateTmp=yes\n", "\nRestart=on-failure\n" })
        QVERIFY2(unit.contains(line), line);
    // Collectors read /proc and /sys: nothing may hide them.
    for (const char *hiding : { "ProtectProc=invisible", "ProcSubset=pid", "InaccessiblePaths=", "PrivateNetwork=yes" })
        QVERIFY2(!unit.contains(hiding), hiding);

    const QString analyze = QStandardPaths::findExecutable(QStringLiteral("systemd-analyze"));
    if (analyze.isEmpty())
        QSKIP("systemd-analyze not installed (Debian: systemd)");
    // verify checks that ExecStart's program exists and the Documentation= man pages open: point both at the
    // staged tree. Other units on this machine may draw warnings; only ours must be clean.
    QTemporaryDir dir;
    const QString copy = dir.filePath(QStringLiteral("garnet-agent.service"));
    QFile out(copy);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QByteArray(unit).replace(QByteArray("ExecStart=" + m_layout.bin(QStringLiteral("garnet-agent")).toUtf8()),
        QByteArray("ExecStart=" + installed(m_layout.bin(QStringLiteral("garnet-agent"))).toUtf8())));
    out.close();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MANPATH"), installed(m_layout.prefix + QStringLiteral("/share/man")));
    env.insert(QStringLiteral("SYSTEMD_LOG_COLOR"), QStringLiteral("0"));
    const ToolResult verify = runTool(analyze, { QStringLiteral("verify"), copy }, env);
    const QString description = verify.describe(QStringLiteral("systemd-analyze verify"));
    QVERIFY2(verify.finished, qPrintable(description));
    for (const QByteArray &line : QByteArray(verify.out + verify.err).split('\n'))
        QVERIFY2(!line.contains("garnet-agent.service"), qPrintable(description));
    QVERIFY2(verify.exitCode == 0, qPrintable(description));
}

void tst_install::desktopEntries()
{
    if (!m_layout.gui)
        QSKIP("built without the tray (GARNET_BUILD_GUI=OFF)");
    const QStringList entries { installed(
                                    m_layout.prefix + QStringLiteral("/share/applications/org.garnet.Tray.desktop")),
        installed(m_layout.sysconfdir + QStringLiteral("/xdg/autostart/org.garnet.Tray.desktop")) };
    for (const QString &entry : entries) {
        QFile file(entry);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        // Both watch the installed service, which runs on the system bus.
        QVERIFY2(text.contains("\nExec=garnet-tray --system-bus\n"), qPrintable(entry));
        QVERIFY2(text.contains("\nIcon=org.garnet.Tray\n"), qPrintable(entry)); // the installed hicolor icon
    }
    const QString validate = QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate"));
    if (validate.isEmpty())
        QSKIP("desktop-file-validate not installed (Debian: desktop-file-utils)");
    const ToolResult result = runTool(validate, entries);
    QVERIFY2(result.ok() && result.out.trimmed().isEmpty(), qPrintable(result.describe(validate)));
}

void tst_install::dbusPolicy()
{
    QFile file(installed(m_layout.prefix + QStringLiteral("/share/dbus-1/system.d/org.garnet.Agent.conf")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    bool ownsName = false;
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String("allow")
            && xml.attributes().value(QLatin1String("own")) == QLatin1String("org.garnet.Agent"))
            ownsName = true;
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(ownsName);
}

void tst_install::completionAndManPages()
{
    QFile installedCompletion(
        installed(m_layout.prefix + QStringLiteral("/share/bash-completion/completions/garnetctl")));
    QFile sourceCompletion(QStringLiteral(GARNET_SOURCE_DIR "/packaging/completion/garnetctl.bash"));
    QVERIFY(installedCompletion.open(QIODevice::ReadOnly) && sourceCompletion.open(QIODevice::ReadOnly));
    QCOMPARE(installedCompletion.readAll(), sourceCompletion.readAll());

    const QString man = QStandardPaths::findExecutable(QStringLiteral("man"));
    if (man.isEmpty())
        QSKIP("man not installed (Debian: man-db)");
    // man finds the installed pages by name through MANPATH, as `man garnet-agent` would on the system.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MANPATH"), installed(m_layout.prefix + QStringLiteral("/share/man")));
    env.insert(QStringLiteral("MANWIDTH"), QStringLiteral("80"));
    for (const QString &page : QStringLiteral(GARNET_MAN_PAGES).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString section = page.right(1);
        const QString name = page.chopped(2);
        const ToolResult result = runTool(man, { QStringLiteral("--warnings"), section, name }, env);
        QVERIFY2(result.ok() && result.err.isEmpty(), qPrintable(result.describe(QStringLiteral("man ") + page)));
        QVERIFY2(result.out.contains("NAME") && result.out.contains(name.toUtf8()), qPrintable(page));
    }
}

void tst_install::installedAgentEndToEnd()
{
    QTemporaryDir run;
    QVERIFY(run.isValid());
    runInstalledAgent(m_root.path(), m_layout, run.path());
}

QTEST_GUILESS_MAIN(tst_install)
#include "tst_install.moc"
