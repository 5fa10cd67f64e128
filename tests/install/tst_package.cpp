// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// The Debian package of this build (cpack -G DEB, as scripts/package does): its name, control fields,
// conffiles and maintainer scripts, its file list (the same as `cmake --install`), and the agent unpacked
// from it (dpkg -x) run end to end with the packaged configuration against a loopback sink.
#include "installharness.h"

using namespace GarnetInstallTest;

namespace {
QString tool(const char *name)
{
    return QStandardPaths::findExecutable(QLatin1String(name));
}

/** "./usr/bin/x" lines of `dpkg-deb -c` for files and symlinks, as "/usr/bin/x". */
QStringList packagedFiles(const QByteArray &listing)
{
    QStringList files;
    for (const QByteArray &line : listing.split('\n')) {
        if (line.isEmpty() || line.startsWith('d'))
            continue;
        const QList<QByteArray> fields = line.simplified().split(' ');
        QByteArray path = fields.value(5);
        if (path.startsWith('.'))
            path.remove(0, 1);
        files << QString::fromUtf8(path);
    }
    files.sort();
    return files;
}
} // namespace

class tst_package : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void nameAndControl();
    void conffilesAndScripts();
    void fileList();
    void unpackedAgentEndToEnd();

private:
    QByteArray field(const char *name) const;
    QTemporaryDir m_work;
    QString m_deb;
    Layout m_layout;
};

void tst_package::initTestCase()
{
    if (m_layout.prefix != QLatin1String("/usr"))
        QSKIP("the package needs a system layout: configure with -DCMAKE_INSTALL_PREFIX=/usr (scripts/test does)");
    for (const char *name : { "dpkg-deb", "dpkg-shlibdeps", "dpkg" })
        if (tool(name).isEmpty())
            QSKIP(qPrintable(QStringLiteral("%1 not installed (Debian: dpkg-dev)").arg(QLatin1String(name))));
    QVERIFY(m_work.isValid());
    const ToolResult cpack = runTool(QStringLiteral(GARNET_CPACK_COMMAND),
        { QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("--config"),
            QStringLiteral(GARNET_BINARY_DIR "/CPackConfig.cmake"), QStringLiteral("-B"), m_work.path() });
    QVERIFY2(cpack.ok(), qPrintable(cpack.describe(QStringLiteral("cpack -G DEB"))));
    const ToolResult arch = runTool(tool("dpkg"), { QStringLiteral("--print-architecture") });
    QVERIFY(arch.ok());
    m_deb = m_work.filePath(
        QStringLiteral("garnet_" GARNET_VERSION "_%1.deb").arg(QString::fromUtf8(arch.out.trimmed())));
    QVERIFY2(
        QFileInfo::exists(m_deb), qPrintable(m_deb + QStringLiteral(" not built:\n") + QString::fromUtf8(cpack.out)));
}

QByteArray tst_package::field(const char *name) const
{
    const ToolResult result = runTool(tool("dpkg-deb"), { QStringLiteral("-f"), m_deb, QLatin1String(name) });
    return result.ok() ? result.out.trimmed() : QByteArray();
}

void tst_package::nameAndControl()
{
    QCOMPARE(field("Package"), QByteArray("garnet"));
    QCOMPARE(field("Version"), QByteArray(GARNET_VERSION));
    QVERIFY(!field("Maintainer").isEmpty());
    QVERIFY(!field("Description").isEmpty());
    // dpkg-shlibdeps found the libraries; the run-time needs that nothing links are listed too.
    const QByteArray depends = field("Depends");
    for (const char *package : { "libc6", "libqt6core6", "libqt6dbus6", "libsystemd0", "libtomlplusplus3",
             "default-dbus-system-bus | dbus-system-bus" })
        QVERIFY2(
            depends.contains(package), QByteArray(QByteArray(package) + " not in Depends: " + depends).constData());
    // Nothing that ships links QtNetwork (the agent uses plain sockets: a smaller footprint, fewer libraries).
    QVERIFY2(!depends.contains("libqt6network6"), depends.constData());
    if (m_layout.gui) {
        for (const char *package : { "libqt6widgets6", "qt6-qpa-plugins", "libqt6svg6" })
            QVERIFY2(
                depends.contains(package), QByteArray(QByteArray(package) + " not in Depends: " + depends).constData());
    }
}

void tst_package::conffilesAndScripts()
{
    QTemporaryDir control;
    const ToolResult extract = runTool(tool("dpkg-deb"), { QStringLiteral("-e"), m_deb, control.path() });
    QVERIFY2(extract.ok(), qPrintable(extract.describe(QStringLiteral("dpkg-deb -e"))));
    QFile conffiles(control.filePath(QStringLiteral("conffiles")));
    QVERIFY(conffiles.open(QIODevice::ReadOnly));
    QStringList declared = QString::fromUtf8(conffiles.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    declared.sort();
    // Every file below /etc, and nothing else, is a conffile: dpkg keeps the admin's edits on upgrades.
    const ToolResult listing = runTool(tool("dpkg-deb"), { QStringLiteral("-c"), m_deb });
    QStringList etc;
    for (const QString &file : packagedFiles(listing.out))
        if (file.startsWith(m_layout.sysconfdir + QLatin1Char('/')))
            etc << file;
    QCOMPARE(declared, etc);
    QVERIFY(declared.contains(m_layout.mainConfig()));

    for (const char *script : { "postinst", "prerm", "postrm" }) {
        const QString path = control.filePath(QLatin1String(script));
        QVERIFY2(QFileInfo(path).isExecutable(), script);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY2(text.startsWith("#!/bin/sh\n") && text.contains("\nset -e\n"), script);
        QVERIFY2(text.contains("garnet-agent.service"), script);
        if (const QString sh = tool("sh"); !sh.isEmpty()) {
            const ToolResult syntax = runTool(sh, { QStringLiteral("-n"), path });
            QVERIFY2(syntax.ok(), qPrintable(syntax.describe(QLatin1String(script))));
        }
    }
}

void tst_package::fileList()
{
    const ToolResult listing = runTool(tool("dpkg-deb"), { QStringLiteral("-c"), m_deb });
    QVERIFY2(listing.ok(), qPrintable(listing.describe(QStringLiteral("dpkg-deb -c"))));
    const QStringList files = packagedFiles(listing.out);
    QTemporaryDir unpacked;
    const ToolResult extract = runTool(tool("dpkg-deb"), { QStringLiteral("-x"), m_deb, unpacked.path() });
    QVERIFY2(extract.ok(), qPrintable(extract.describe(QStringLiteral("dpkg-deb -x"))));
    verifyInstalledFiles(files, m_layout, unpacked.path());
    if (QTest::currentTestFailed())
        return;

    // The package holds exactly what `cmake --install` puts into a staging directory.
    QTemporaryDir staged;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DESTDIR"), staged.path());
    const ToolResult install = runTool(
        QStringLiteral(GARNET_CMAKE_COMMAND), { QStringLiteral("--install"), QStringLiteral(GARNET_BINARY_DIR) }, env);
    QVERIFY2(install.ok(), qPrintable(install.describe(QStringLiteral("cmake --install"))));
    QCOMPARE(files, filesBelow(staged.path()));
}

void tst_package::unpackedAgentEndToEnd()
{
    QTemporaryDir root;
    const ToolResult extract = runTool(tool("dpkg-deb"), { QStringLiteral("-x"), m_deb, root.path() });
    QVERIFY2(extract.ok(), qPrintable(extract.describe(QStringLiteral("dpkg-deb -x"))));
    const ToolResult version
        = runTool(root.path() + m_layout.bin(QStringLiteral("garnet-agent")), { QStringLiteral("--version") });
    QVERIFY2(version.ok() && version.out.startsWith("garnet-agent " GARNET_VERSION " (Qt 6."),
        qPrintable(version.describe(QStringLiteral("--version"))));
    QTemporaryDir run;
    runInstalledAgent(root.path(), m_layout, run.path());
}

QTEST_GUILESS_MAIN(tst_package)
#include "tst_package.moc"
