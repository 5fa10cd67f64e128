// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// Helpers for the D-Bus tests: a temporary agent configuration, the real garnet-agent and garnetctl binaries,
// private dbus-daemons from generated configurations, and running a client as user nobody.

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace GarnetDBusTest {

inline QString agentBinary()
{
    return QStringLiteral(GARNET_BINARY_DIR "/bin/garnet-agent");
}
inline QString ctlBinary()
{
    return QStringLiteral(GARNET_BINARY_DIR "/bin/garnetctl");
}
inline QString collectorScript(const char *name)
{
    return QStringLiteral(GARNET_TEST_SOURCE_DIR "/dbus/collectors/") + QLatin1String(name);
}
inline QString policyFile()
{
    return QDir::cleanPath(QStringLiteral(GARNET_TEST_SOURCE_DIR "/../resources/org.garnet.Agent.conf"));
}
inline const QString ServiceName = QStringLiteral("org.garnet.Agent");

/** A temporary configuration tree: garnet.toml with a file output, collectors.d/, run/ for the socket. */
class AgentConfig
{
public:
    AgentConfig()
    {
        QDir(m_dir.path()).mkpath(QStringLiteral("collectors.d"));
        QDir(m_dir.path()).mkpath(QStringLiteral("run"));
        writeMain();
    }
    QString path(const QString &relative) const { return m_dir.filePath(relative); }
    QString mainFile() const { return path(QStringLiteral("garnet.toml")); }
    QString outputFile() const { return path(QStringLiteral("out.txt")); }

    void writeMain(const QByteArray &extra = {}) const
    {
        write(QStringLiteral("garnet.toml"),
            "[agent]\ncollectors_dir = \"collectors.d\"\nsocket = \"run/garnet.sock\"\nhostname = \"testhost\"\n"
            "prefix = \"servers.{host}\"\n\n[[output]]\ntype = \"file\"\npath = \"out.txt\"\n"
                + extra);
    }
    void writeCollector(const QString &name, const QByteArray &toml) const
    {
        write(QStringLiteral("collectors.d/%1.toml").arg(name), toml);
    }
    void write(const QString &relative, const QByteArray &content) const
    {
        QFile file(path(relative));
        QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
        file.write(content);
    }
    /** Let another user (nobody) read the tree and create the socket. */
    void openToEveryone() const
    {
        const auto rx = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup
            | QFile::ReadOther | QFile::ExeOther;
        QFile::setPermissions(m_dir.path(), rx);
        QFile::setPermissions(path(QStringLiteral("collectors.d")), rx);
        QFile::setPermissions(path(QStringLiteral("run")), rx | QFile::WriteGroup | QFile::WriteOther);
    }

private:
    QTemporaryDir m_dir;
};

/** The TOML of a collector whose command is argv. */
inline QByteArray collectorToml(const QStringList &argv, const QByteArray &extra)
{
    QByteArray toml = "command = [";
    for (qsizetype i = 0; i < argv.size(); ++i) {
        QByteArray arg = argv[i].toUtf8();
        arg.replace('\\', "\\\\").replace('"', "\\\"");
        toml += (i ? ", \"" : "\"") + arg + '"';
    }
    return toml + "]\n" + extra;
}

/** The user nobody, when it exists (tests that need another uid skip otherwise). */
inline bool nobodyExists()
{
    return ::getpwnam("nobody") != nullptr;
}

/** A command prefix that runs a program as nobody (setpriv, else runuser); empty if neither exists. */
inline QStringList asNobody()
{
    const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
    if (!setpriv.isEmpty()) {
        const QString group = ::getgrnam("nogroup") ? QStringLiteral("nogroup") : QStringLiteral("nobody");
        return { setpriv, QStringLiteral("--reuid=nobody"), QStringLiteral("--regid=") + group,
            QStringLiteral("--clear-groups") };
    }
    const QString runuser = QStandardPaths::findExecutable(QStringLiteral("runuser"));
    if (!runuser.isEmpty())
        return { runuser, QStringLiteral("-u"), QStringLiteral("nobody"), QStringLiteral("--") };
    return {};
}

/** garnet-agent as a child process, on whatever bus its environment names. */
class AgentProcess
{
public:
    explicit AgentProcess(const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        m_process.setProcessEnvironment(env);
    }
    ~AgentProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    QProcess &process() { return m_process; }
    /** prefix: e.g. asNobody(), to start the agent as another user. */
    void start(const QString &config, const QStringList &extraArguments = {}, const QStringList &prefix = {})
    {
        QStringList command = prefix;
        command << agentBinary() << QStringLiteral("--config") << config << extraArguments;
        m_process.start(command.takeFirst(), command);
    }
    /** SIGTERM and wait; returns the exit code (-1 if it did not exit normally in time). */
    int terminate(int timeoutMs = 20000)
    {
        if (m_process.state() == QProcess::NotRunning)
            return m_process.exitCode();
        ::kill(pid_t(m_process.processId()), SIGTERM);
        if (!m_process.waitForFinished(timeoutMs) || m_process.exitStatus() != QProcess::NormalExit)
            return -1;
        return m_process.exitCode();
    }
    QByteArray log() { return m_log += m_process.readAllStandardError(); }

private:
    QProcess m_process;
    QByteArray m_log;
};

/** Whether `service` is on `bus` (false when the bus is not connected). */
inline bool serviceOnBus(const QDBusConnection &bus, const QString &service = ServiceName)
{
    return bus.isConnected() && bus.interface()->isServiceRegistered(service).value();
}

/**
 * A private dbus-daemon started from a generated configuration (QEMU's dbus-vmstate test pattern), listening in
 * a directory every user can reach. Used for clients of another uid and for the system-bus policy.
 */
class PrivateBus
{
public:
    enum class Kind { OpenToAllUsers, SystemLike };

    ~PrivateBus()
    {
        if (!m_connectionName.isEmpty())
            QDBusConnection::disconnectFromBus(m_connectionName);
        if (m_daemon.state() != QProcess::NotRunning) {
            m_daemon.terminate();
            if (!m_daemon.waitForFinished(5000))
                m_daemon.kill();
            m_daemon.waitForFinished(5000);
        }
    }

    /** Start the daemon; empty string on success, else why not. */
    QString start(Kind kind)
    {
        QFile::setPermissions(m_dir.path(),
            QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup
                | QFile::ReadOther | QFile::ExeOther);
        QByteArray policy;
        if (kind == Kind::OpenToAllUsers) {
            // Like session.conf, but any user may connect (a session bus only admits its owner).
            policy = "  <policy context=\"default\">\n    <allow user=\"*\"/>\n    <allow own=\"*\"/>\n"
                     "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n    <allow eavesdrop=\"true\"/>\n"
                     "  </policy>\n";
        } else {
            // The defaults of the distribution's system.conf, then our policy file, as system.d would include it.
            policy = "  <policy context=\"default\">\n"
                     "    <allow user=\"*\"/>\n    <deny own=\"*\"/>\n    <deny send_type=\"method_call\"/>\n"
                     "    <allow send_type=\"signal\"/>\n"
                     "    <allow send_requested_reply=\"true\" send_type=\"method_return\"/>\n"
                     "    <allow send_requested_reply=\"true\" send_type=\"error\"/>\n"
                     "    <allow receive_type=\"method_call\"/>\n    <allow receive_type=\"method_return\"/>\n"
                     "    <allow receive_type=\"error\"/>\n    <allow receive_type=\"signal\"/>\n"
                     "    <allow send_destination=\"org.freedesktop.DBus\" send_interface=\"org.freedesktop.DBus\"/>\n"
                     "    <allow send_destination=\"org.freedesktop.DBus\""
                     " send_interface=\"org.freedesktop.DBus.Introspectable\"/>\n"
                     "  </policy>\n  <include>"
                + policyFile().toUtf8() + "</include>\n";
        }
        const QByteArray config
            = "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
              " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n<busconfig>\n  <type>"
            + QByteArray(kind == Kind::SystemLike ? "system" : "session") + "</type>\n  <listen>unix:dir="
            + m_dir.path().toUtf8() + "</listen>\n  <auth>EXTERNAL</auth>\n" + policy + "</busconfig>\n";
        QFile file(m_dir.filePath(QStringLiteral("bus.conf")));
        if (!file.open(QIODevice::WriteOnly) || file.write(config) != config.size())
            return file.errorString();
        file.close();
        m_daemon.start(QStringLiteral("dbus-daemon"),
            { QStringLiteral("--config-file=") + file.fileName(), QStringLiteral("--nofork"),
                QStringLiteral("--print-address=1") });
        if (!m_daemon.waitForStarted(10000))
            return QStringLiteral("dbus-daemon: ") + m_daemon.errorString();
        while (!m_daemon.canReadLine()) {
            if (!m_daemon.waitForReadyRead(10000))
                return QStringLiteral("dbus-daemon printed no address: ")
                    + QString::fromLocal8Bit(m_daemon.readAllStandardError());
        }
        m_address = QString::fromUtf8(m_daemon.readLine().trimmed());
        return {};
    }
    QString address() const { return m_address; }
    /** This process's connection to the bus. */
    QDBusConnection connection()
    {
        if (m_connectionName.isEmpty())
            m_connectionName = QStringLiteral("garnet-test-%1").arg(quintptr(this));
        return QDBusConnection::connectToBus(m_address, m_connectionName);
    }
    /** An environment whose session (or system) bus is this one. */
    QProcessEnvironment environment(const QString &variable = QStringLiteral("DBUS_SESSION_BUS_ADDRESS")) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(variable, m_address);
        return env;
    }

private:
    QTemporaryDir m_dir;
    QProcess m_daemon;
    QString m_address;
    QString m_connectionName;
};

/** The outcome of one garnetctl run. */
struct CtlResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QByteArray describe() const
    {
        return "exit " + QByteArray::number(exitCode) + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
};

inline CtlResult runCtl(const QStringList &arguments,
    const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(), const QStringList &prefix = {})
{
    QProcess ctl;
    ctl.setProcessEnvironment(env);
    QStringList command = prefix;
    command << ctlBinary() << arguments;
    ctl.start(command.takeFirst(), command);
    CtlResult result;
    if (!ctl.waitForFinished(60000) || ctl.exitStatus() != QProcess::NormalExit) {
        ctl.kill();
        ctl.waitForFinished(5000);
        result.err = "garnetctl did not finish: " + ctl.errorString().toUtf8();
        return result;
    }
    result.exitCode = ctl.exitCode();
    result.out = ctl.readAllStandardOutput();
    result.err = ctl.readAllStandardError();
    return result;
}

} // namespace GarnetDBusTest
