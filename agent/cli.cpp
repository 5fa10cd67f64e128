// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "cli.h"

#include "agent.h"
#include "common/names.h"
#include "dbusservice.h"
#include "logging.h"
#include "logsetup.h"
#include "processreaper.h"
#include "signalwatcher.h"
#include "systemd.h"
#include "testrun.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDBusConnection>
#include <QDBusError>
#include <QTextStream>

#include <cerrno>
#include <csignal>
#include <cstdio>

namespace Garnet {

namespace {

QString versionText()
{
    return QStringLiteral("garnet-agent %1 (Qt %2)\n")
        .arg(QString::fromLatin1(Version.data(), qsizetype(Version.size())), QString::fromLatin1(qVersion()));
}

void printTo(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stream);
    std::fflush(stream);
}

int checkConfig(const QString &path)
{
    const ConfigResult result = loadConfig(path);
    if (!result.ok()) {
        printTo(stderr, result.errors.join(QLatin1Char('\n')) + QLatin1Char('\n'));
        printTo(stderr, QStringLiteral("%1: %2 error(s)\n").arg(path).arg(result.errors.size()));
        return 1;
    }
    const auto &collectors = result.config.collectors;
    const auto enabled = std::count_if(collectors.begin(), collectors.end(), [](const auto &c) { return c.enabled; });
    printTo(stdout,
        QStringLiteral("%1: OK, %2 collector(s) (%3 enabled), %4 output(s)\n")
            .arg(result.config.file)
            .arg(collectors.size())
            .arg(enabled)
            .arg(std::max<std::size_t>(1, result.config.outputs.size())));
    return 0;
}

/** SIGHUP, SIGTERM and SIGINT held back until their handlers exist: early signals wait instead of killing. */
void setTerminationSignalsBlocked(bool blocked)
{
    sigset_t signals;
    sigemptyset(&signals);
    for (const int signal : { SIGHUP, SIGTERM, SIGINT })
        sigaddset(&signals, signal);
    ::sigprocmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &signals, nullptr);
}

/**
 * Blocked from the static initialisation of garnet-agent on (only its main() uses this file), before
 * QCoreApplication exists: a SIGHUP sent right after the exec (a reload by an impatient service manager)
 * must not kill the agent. Only the dynamic loader's few milliseconds remain unprotected.
 */
[[maybe_unused]] const bool g_signalsHeldFromStart = (setTerminationSignalsBlocked(true), true);

int runAgent(QCoreApplication &app, const CliOptions &options)
{
    SignalWatcher signalWatcher; // first: a SIGTERM during start-up is queued, never fatal
    setTerminationSignalsBlocked(false); // what arrived meanwhile is handled now (as a queued event)
    applyLogLevelOf(options.configPath); // before anything logs
    SystemdNotifier systemd; // no-op outside systemd; WATCHDOG=1 from the event loop when asked for
    Agent agent;
    // D-Bus before anything runs: a second agent on the same bus fails here, with nothing to undo.
    AgentDBusService dbus(agent);
    const QString busName = options.systemBus ? QStringLiteral("system") : QStringLiteral("session");
    QDBusConnection bus = options.systemBus ? QDBusConnection::systemBus() : QDBusConnection::sessionBus();
    QString dbusError;
    if (!bus.isConnected()) {
        if (options.systemBus) {
            qCCritical(lcAgent).noquote() << "cannot connect to the D-Bus system bus:" << bus.lastError().message();
            return 1;
        }
        // A headless server often has no session bus: collecting matters more than status.
        qCWarning(lcAgent).noquote() << "no D-Bus session bus:" << bus.lastError().message()
                                     << "- running without status and control over D-Bus";
    } else if (!dbus.start(bus, &dbusError)) {
        qCCritical(lcAgent).noquote() << dbusError;
        return 1;
    } else {
        qCInfo(lcAgent).noquote() << "status published as" << QLatin1String(DBusService) << "on the D-Bus" << busName
                                  << "bus";
    }
    // Orphans of collectors (double fork, setsid) become the agent's to end and reap. After D-Bus: a session
    // bus autolaunched by it is not a collector's.
    if (!ProcessReaper::becomeSubreaper())
        qCWarning(lcAgent) << "cannot become a child subreaper:" << qt_error_string(errno)
                           << "- processes that escape a collector's process group are not ended with it";
    if (!agent.start(options.configPath)) {
        qCCritical(lcAgent) << "not started";
        return 1;
    }
    systemd.ready(SystemdNotifier::describe(agent)); // the socket listens and the configuration is applied
    QObject::connect(&signalWatcher, &SignalWatcher::reloadRequested, &agent, [&agent, &systemd] {
        systemd.reloading();
        agent.reload();
    });
    // Also after a reload over D-Bus; READY=1 even when it failed: the old configuration is still running.
    QObject::connect(&agent, &Agent::reloaded, &systemd, [&agent, &systemd](bool ok) {
        applyLogLevel(agent.config().logLevel);
        systemd.ready(ok ? SystemdNotifier::describe(agent)
                         : QStringLiteral("reload failed, previous configuration in force: %1")
                               .arg(agent.lastReloadError().section(QLatin1Char('\n'), 0, 0)));
    });
    QObject::connect(&signalWatcher, &SignalWatcher::terminateRequested, &agent, [&agent, &systemd](int signal) {
        qCInfo(lcAgent) << "signal" << signal << "received";
        systemd.stopping();
        agent.shutdown();
    });
    QObject::connect(&agent, &Agent::finished, &app, &QCoreApplication::exit);
    return app.exec();
}

} // namespace

CliOptions parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Garnet metrics agent: runs collectors and ships their metrics to Graphite."));
    const QCommandLineOption configOption(QStringList { QStringLiteral("c"), QStringLiteral("config") },
        QStringLiteral("Main configuration file (default %1).").arg(QLatin1String(DefaultConfigPath)),
        QStringLiteral("FILE"), QLatin1String(DefaultConfigPath));
    const QCommandLineOption checkOption(
        QStringLiteral("check-config"), QStringLiteral("Validate the configuration and exit (0 valid, 1 invalid)."));
    const QCommandLineOption testOption(QStringLiteral("test"),
        QStringLiteral("Run collector NAME once, print its formatted metrics to stdout and exit with its status."),
        QStringLiteral("NAME"));
    const QCommandLineOption systemBusOption(QStringLiteral("system-bus"),
        QStringLiteral("Publish status on the D-Bus system bus instead of the session bus."));
    const QCommandLineOption helpOption(
        QStringList { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    const QCommandLineOption versionOption(QStringList { QStringLiteral("V"), QStringLiteral("version") },
        QStringLiteral("Show the version and the Qt version."));
    parser.addOptions({ configOption, checkOption, testOption, systemBusOption, helpOption, versionOption });

    CliOptions options;
    if (!parser.parse(arguments)) {
        options.action = CliOptions::Action::Error;
        options.text = parser.errorText();
        return options;
    }
    if (!parser.positionalArguments().isEmpty()) {
        options.action = CliOptions::Action::Error;
        options.text = QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().constFirst());
        return options;
    }
    options.configPath = parser.value(configOption);
    options.systemBus = parser.isSet(systemBusOption);
    if (parser.isSet(helpOption)) {
        options.action = CliOptions::Action::Help;
        options.text = parser.helpText();
    } else if (parser.isSet(versionOption)) {
        options.action = CliOptions::Action::Version;
        options.text = versionText();
    } else if (parser.isSet(checkOption) && parser.isSet(testOption)) {
        options.action = CliOptions::Action::Error;
        options.text = QStringLiteral("--check-config and --test cannot be combined");
    } else if (parser.isSet(checkOption)) {
        options.action = CliOptions::Action::CheckConfig;
    } else if (parser.isSet(testOption)) {
        options.action = CliOptions::Action::TestCollector;
        options.testCollector = parser.value(testOption);
    }
    return options;
}

int runAgentCli(QCoreApplication &app)
{
    app.setApplicationName(QStringLiteral("garnet-agent"));
    app.setApplicationVersion(QString::fromLatin1(Version.data(), qsizetype(Version.size())));
    setTerminationSignalsBlocked(true); // until runAgent installs the handlers (held since start-up already)
    installLogFormat();
    const CliOptions options = parseCommandLine(app.arguments());
    if (options.action != CliOptions::Action::Run)
        setTerminationSignalsBlocked(false); // one-shot actions keep the default: a signal ends them
    switch (options.action) {
    case CliOptions::Action::Help:
    case CliOptions::Action::Version:
        printTo(stdout, options.text);
        return 0;
    case CliOptions::Action::Error:
        printTo(stderr, QStringLiteral("garnet-agent: %1\nTry 'garnet-agent --help'.\n").arg(options.text));
        return 2;
    case CliOptions::Action::CheckConfig:
        return checkConfig(options.configPath);
    case CliOptions::Action::TestCollector:
        return runCollectorOnce(app, options.configPath, options.testCollector);
    case CliOptions::Action::Run:
        break;
    }
    return runAgent(app, options);
}

} // namespace Garnet
