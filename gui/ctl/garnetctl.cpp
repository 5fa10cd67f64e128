// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "garnetctl.h"

#include "common/names.h"
#include "ctlagentproxy.h"
#include "ctlformat.h"
#include "ctlwatch.h"

#include <QCoreApplication>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusReply>
#include <QDateTime>
#include <QJsonDocument>

#include <chrono>
#include <cstdio>

namespace Garnet::Ctl {

namespace {
constexpr int CallTimeoutMs = 20000; // a reload re-reads every file: allow more than a plain status call

void write(FILE *stream, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stream);
    std::fflush(stream);
}

void printOut(const QString &text)
{
    write(stdout, text.toLocal8Bit());
}

void printErr(const QString &text)
{
    write(stderr, QStringLiteral("garnetctl: %1\n").arg(text).toLocal8Bit());
}

RenderContext renderContext()
{
    return { QDateTime::currentMSecsSinceEpoch(), QTimeZone::systemTimeZone() };
}

QString busName(const Command &command)
{
    return command.systemBus ? QStringLiteral("system bus") : QStringLiteral("session bus");
}

/** A failed call as the user should read it, with the exit code it deserves. */
class Session
{
public:
    Session(QDBusConnection bus, const Command &command)
        : m_bus(std::move(bus))
        , m_command(command)
        , m_proxy(QLatin1String(DBusService), QLatin1String(DBusObjectPath), m_bus)
    {
        m_proxy.setTimeout(CallTimeoutMs);
    }

    CtlAgentProxy &proxy() { return m_proxy; }
    QDBusConnection &bus() { return m_bus; }

    int notRunning() const
    {
        printErr(QStringLiteral("the Garnet agent is not running (%1 not on the %2)")
                     .arg(QLatin1String(DBusService), busName(m_command)));
        return ExitNotRunning;
    }

    int fail(const QDBusError &error, const QString &call) const
    {
        const QString name = error.name();
        if (name == QLatin1String("org.garnet.Agent1.Error.ReloadFailed")) {
            printErr(
                QStringLiteral("reload failed; the previous configuration stays in force:\n%1").arg(error.message()));
            return ExitAgentError;
        }
        if (name.startsWith(QLatin1String("org.garnet.Agent1.Error."))) {
            printErr(error.message());
            return ExitAgentError;
        }
        if (error.type() == QDBusError::ServiceUnknown || error.type() == QDBusError::Disconnected
            || error.type() == QDBusError::NoReply) {
            if (!m_bus.isConnected() || !m_bus.interface()->isServiceRegistered(QLatin1String(DBusService)))
                return notRunning(); // it went away while we asked
            if (error.type() == QDBusError::NoReply) {
                printErr(QStringLiteral("the agent did not answer %1: %2").arg(call, error.message()));
                return ExitAgentError;
            }
        }
        if (error.type() == QDBusError::AccessDenied) {
            printErr(QStringLiteral("the %1 refused %2: %3").arg(busName(m_command), call, error.message()));
            return ExitAgentError;
        }
        printErr(QStringLiteral("%1 failed: %2 (%3)").arg(call, error.message(), name));
        return ExitAgentError;
    }

private:
    QDBusConnection m_bus;
    Command m_command;
    CtlAgentProxy m_proxy;
};

template<typename Reply> bool finished(Reply &reply)
{
    reply.waitForFinished();
    return !reply.isError();
}

int status(Session &session, const Command &command)
{
    StatusSnapshot snapshot;
    auto collectors = session.proxy().Collectors();
    if (!finished(collectors))
        return session.fail(collectors.error(), QStringLiteral("Collectors"));
    snapshot.collectors = collectors.value();
    auto counters = session.proxy().Counters();
    if (!finished(counters))
        return session.fail(counters.error(), QStringLiteral("Counters"));
    snapshot.counters = counters.value();
    auto outputs = session.proxy().Outputs();
    if (!finished(outputs))
        return session.fail(outputs.error(), QStringLiteral("Outputs"));
    snapshot.outputs = outputs.value();

    QDBusMessage getAll = QDBusMessage::createMethodCall(QLatin1String(DBusService), QLatin1String(DBusObjectPath),
        QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("GetAll"));
    getAll << QLatin1String(DBusInterface);
    const QDBusReply<QVariantMap> properties = session.bus().call(getAll, QDBus::Block, CallTimeoutMs);
    if (!properties.isValid())
        return session.fail(properties.error(), QStringLiteral("GetAll"));
    snapshot.version = properties.value().value(QStringLiteral("Version")).toString();
    snapshot.hostname = properties.value().value(QStringLiteral("Hostname")).toString();
    snapshot.configFile = properties.value().value(QStringLiteral("ConfigFile")).toString();
    snapshot.startTimeMs = properties.value().value(QStringLiteral("StartTime")).toLongLong();
    snapshot.lastReloadError = properties.value().value(QStringLiteral("LastReloadError")).toString();

    if (command.json)
        printOut(QString::fromUtf8(QJsonDocument(statusJson(snapshot)).toJson(QJsonDocument::Indented)));
    else
        printOut(renderStatus(snapshot, renderContext()));
    return ExitOk;
}

int values(Session &session, const Command &command)
{
    auto series = session.proxy().Values(command.collector);
    if (!finished(series))
        return session.fail(series.error(), QStringLiteral("Values"));
    if (command.json)
        printOut(QString::fromUtf8(QJsonDocument(valuesJson(series.value())).toJson(QJsonDocument::Indented)));
    else
        printOut(renderValues(series.value(), renderContext()));
    return ExitOk;
}

int control(Session &session, const Command &command)
{
    QDBusPendingReply<> reply;
    QString call;
    QString done;
    switch (command.kind) {
    case Command::Kind::Run:
        reply = session.proxy().RunNow(command.collector);
        call = QStringLiteral("RunNow");
        done = QStringLiteral("started a run of %1\n").arg(command.collector);
        break;
    case Command::Kind::Enable:
    case Command::Kind::Disable: {
        const bool enable = command.kind == Command::Kind::Enable;
        reply = session.proxy().SetEnabled(command.collector, enable);
        call = QStringLiteral("SetEnabled");
        done = QStringLiteral("%1 %2\n").arg(
            command.collector, enable ? QStringLiteral("enabled") : QStringLiteral("disabled"));
        break;
    }
    default:
        reply = session.proxy().Reload();
        call = QStringLiteral("Reload");
        done = QStringLiteral("configuration reloaded\n");
        break;
    }
    if (!finished(reply))
        return session.fail(reply.error(), call);
    printOut(done);
    return ExitOk;
}

int watch(QCoreApplication &app, Session &session, const Command &command)
{
    if (!command.collector.isEmpty()) { // fail now on a typo rather than print nothing forever
        auto known = session.proxy().Values(command.collector);
        if (!finished(known))
            return session.fail(known.error(), QStringLiteral("Values"));
    }
    Watch watch(session.bus(), session.proxy(), command.collector);
    QObject::connect(&watch, &Watch::line, [](const QString &text) { printOut(text); });
    QObject::connect(&watch, &Watch::notice, [](const QString &text) { printErr(text); });
    if (!watch.start())
        return ExitAgentError;
    printErr(QStringLiteral("watching %1 on the %2; Ctrl-C stops")
                 .arg(command.collector.isEmpty() ? QStringLiteral("every collector") : command.collector,
                     busName(command)));
    return app.exec();
}
} // namespace

int execute(QCoreApplication &app, const Command &command)
{
    registerDBusTypes();
    QDBusConnection bus = command.systemBus ? QDBusConnection::systemBus() : QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        printErr(QStringLiteral("cannot connect to the %1: %2").arg(busName(command), bus.lastError().message()));
        return ExitNotRunning;
    }
    Session session(bus, command);
    if (!bus.interface()->isServiceRegistered(QLatin1String(DBusService)))
        return session.notRunning();
    switch (command.kind) {
    case Command::Kind::Status:
        return status(session, command);
    case Command::Kind::Values:
        return values(session, command);
    case Command::Kind::Watch:
        return watch(app, session, command);
    case Command::Kind::Run:
    case Command::Kind::Enable:
    case Command::Kind::Disable:
    case Command::Kind::Reload:
        return control(session, command);
    case Command::Kind::Help:
    case Command::Kind::Version:
        break;
    }
    return ExitOk;
}

int runGarnetCtl(QCoreApplication &app)
{
    app.setApplicationName(QStringLiteral("garnetctl"));
    const ParsedCommand parsed = parseCommand(app.arguments().mid(1));
    if (!parsed.error.isEmpty()) {
        printErr(parsed.error);
        write(stderr, "Try 'garnetctl --help'.\n");
        return ExitUsage;
    }
    switch (parsed.command.kind) {
    case Command::Kind::Help:
        printOut(usageText());
        return ExitOk;
    case Command::Kind::Version:
        printOut(QStringLiteral("garnetctl %1 (Qt %2)\n")
                     .arg(QString::fromLatin1(Version.data(), qsizetype(Version.size())), QLatin1String(qVersion())));
        return ExitOk;
    default:
        return execute(app, parsed.command);
    }
}

} // namespace Garnet::Ctl
