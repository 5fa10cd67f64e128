// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// garnetctl as a black box against the real garnet-agent on this test's private session bus (dbus-run-session).
#include "dbusharness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

using namespace GarnetDBusTest;

namespace {
constexpr int Timeout = 30000;

QJsonObject parseJson(const CtlResult &result)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(result.out, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning().noquote() << "not one JSON document:" << error.errorString() << result.describe();
    return document.object();
}

QJsonObject collectorJson(const QJsonObject &status, const QString &name)
{
    for (const QJsonValue &value : status.value(u"collectors").toArray())
        if (value.toObject().value(u"name").toString() == name)
            return value.toObject();
    return {};
}

/** The first line a running process wrote to stdout that contains `text`, waiting for it. */
bool waitForLine(QProcess &process, QByteArray &seen, const QByteArray &text, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!seen.contains(text)) {
        if (deadline.hasExpired() || process.state() != QProcess::Running)
            return false;
        process.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
        seen += process.readAllStandardOutput();
    }
    return true;
}
} // namespace

class tst_GarnetCtl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void helpAndVersion();
    void statusTable();
    void statusJson();
    void valuesOfOneCollector();
    void unknownCollectorExitsOne_data();
    void unknownCollectorExitsOne();
    void runDisableEnable();
    void reload();
    void reloadFailureShowsErrors();
    void watchPrintsLinesAndStopsOnSigint();
    void watchFollowsAnAgentRestart();
    void agentNotRunningExitsThree();

private:
    void startAgent()
    {
        m_agent = std::make_unique<AgentProcess>();
        m_agent->start(m_config.mainFile());
        QTRY_VERIFY2_WITH_TIMEOUT(serviceOnBus(QDBusConnection::sessionBus()), m_agent->log().constData(), Timeout);
    }
    qint64 runsOf(const QString &name)
    {
        return collectorJson(parseJson(runCtl({ u"status"_qs, u"--json"_qs })), name).value(u"runs").toInteger();
    }

    AgentConfig m_config;
    std::unique_ptr<AgentProcess> m_agent;
};

void tst_GarnetCtl::initTestCase()
{
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "no session bus: run this test under dbus-run-session");
    QVERIFY2(!serviceOnBus(QDBusConnection::sessionBus()), "another agent already owns org.garnet.Agent on this bus");
    m_config.writeCollector(u"alpha"_qs,
        collectorToml({ u"/bin/sh"_qs, u"-c"_qs, u"echo load.1 0.5; echo 'disk;dev=sda 42'"_qs },
            "interval = \"1s\"\nmode = \"stdout\"\n"));
    m_config.writeCollector(
        u"beta"_qs, collectorToml({ collectorScript("write_socket.py"), u"sock.a 7"_qs }, "interval = \"1s\"\n"));
    m_config.writeCollector(u"manual"_qs,
        collectorToml({ u"/bin/sh"_qs, u"-c"_qs, u"echo manual.ran 1"_qs }, "interval = \"1h\"\nmode = \"stdout\"\n"));
    startAgent();
}

void tst_GarnetCtl::cleanupTestCase()
{
    if (m_agent)
        QCOMPARE(m_agent->terminate(), 0);
}

void tst_GarnetCtl::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("no command") << QStringList {} << QByteArray("garnetctl: no command given");
    QTest::newRow("unknown command") << QStringList { u"frobnicate"_qs } << QByteArray("unknown command 'frobnicate'");
    QTest::newRow("unknown option") << QStringList { u"status"_qs, u"--yaml"_qs }
                                    << QByteArray("unknown option '--yaml'");
    QTest::newRow("missing name") << QStringList { u"run"_qs } << QByteArray("'run' needs a collector name");
    QTest::newRow("--json where it means nothing")
        << QStringList { u"reload"_qs, u"--json"_qs } << QByteArray("--json is only for 'status' and 'values'");
}

void tst_GarnetCtl::usageErrorsExitTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, message);
    const CtlResult result = runCtl(arguments);
    QVERIFY2(result.exitCode == 2, result.describe().constData());
    QVERIFY2(
        result.err.contains(message) && result.err.contains("Try 'garnetctl --help'."), result.describe().constData());
    QVERIFY(result.out.isEmpty());
}

void tst_GarnetCtl::helpAndVersion()
{
    const CtlResult help = runCtl({ u"--help"_qs });
    QVERIFY2(help.exitCode == 0 && help.out.startsWith("Usage: garnetctl"), help.describe().constData());
    const CtlResult version = runCtl({ u"--version"_qs });
    QVERIFY2(
        version.exitCode == 0 && version.out.startsWith("garnetctl " GARNET_VERSION), version.describe().constData());
}

void tst_GarnetCtl::statusTable()
{
    QTRY_VERIFY_WITH_TIMEOUT(runsOf(u"alpha"_qs) >= 1, Timeout);
    const CtlResult result = runCtl({ u"status"_qs });
    QVERIFY2(result.exitCode == 0, result.describe().constData());
    for (const char *text : { "garnet-agent " GARNET_VERSION " on testhost", "COLLECTOR", "NEXT RUN", "alpha", "beta",
             "manual", "Counters: received", "OUTPUT", "out.txt" })
        QVERIFY2(result.out.contains(text), QByteArray(text + ("\n" + result.describe())).constData());
}

void tst_GarnetCtl::statusJson()
{
    const CtlResult result = runCtl({ u"status"_qs, u"--json"_qs });
    QVERIFY2(result.exitCode == 0, result.describe().constData());
    const QJsonObject status = parseJson(result);
    const QJsonArray collectors = status.value(u"collectors").toArray();
    QCOMPARE(collectors.size(), 3);
    for (const QJsonValue &value : collectors)
        for (const char *key : { "name", "state", "enabled", "runs", "failures", "timeouts", "skipped", "last_exit",
                 "last_run", "last_duration_ms", "next_run", "stderr_tail" })
            QVERIFY2(value.toObject().contains(QLatin1String(key)), key);
    QCOMPARE(collectorJson(status, u"alpha"_qs).value(u"last_exit").toInteger(), 0);
    const QJsonObject counters = status.value(u"counters").toObject();
    for (const char *key : { "received", "sent", "dropped", "rejected", "queued" })
        QVERIFY2(counters.value(QLatin1String(key)).isDouble(), key);
    QCOMPARE(status.value(u"outputs").toArray().size(), 1);
}

void tst_GarnetCtl::valuesOfOneCollector()
{
    QTRY_VERIFY_WITH_TIMEOUT(runCtl({ u"values"_qs, u"beta"_qs }).out.contains("sock.a"), Timeout);
    const CtlResult json = runCtl({ u"values"_qs, u"alpha"_qs, u"--json"_qs });
    QVERIFY2(json.exitCode == 0, json.describe().constData());
    const QJsonArray values = parseJson(json).value(u"values").toArray();
    QStringList names;
    for (const QJsonValue &value : values) {
        QCOMPARE(value.toObject().value(u"collector").toString(), u"alpha"_qs);
        names << value.toObject().value(u"name").toString();
    }
    QCOMPARE(names, (QStringList { u"disk;dev=sda"_qs, u"load.1"_qs }));
    QCOMPARE(values[1].toObject().value(u"value").toDouble(), 0.5);
    QVERIFY(values[1].toObject().value(u"timestamp").toInteger() > 0);

    const CtlResult table = runCtl({ u"values"_qs });
    QVERIFY2(table.exitCode == 0 && table.out.contains("COLLECTOR") && table.out.contains("load.1")
            && table.out.contains("sock.a"),
        table.describe().constData());
}

void tst_GarnetCtl::unknownCollectorExitsOne_data()
{
    QTest::addColumn<QStringList>("arguments");
    for (const char *command : { "values", "watch", "run", "enable", "disable" })
        QTest::newRow(command) << QStringList { QLatin1String(command), u"nope"_qs };
}

void tst_GarnetCtl::unknownCollectorExitsOne()
{
    QFETCH(QStringList, arguments);
    const CtlResult result = runCtl(arguments);
    QVERIFY2(result.exitCode == 1, result.describe().constData());
    QCOMPARE(result.err.trimmed(), QByteArray("garnetctl: no collector named 'nope'"));
}

void tst_GarnetCtl::runDisableEnable()
{
    const qint64 before = runsOf(u"manual"_qs);
    const CtlResult run = runCtl({ u"run"_qs, u"manual"_qs });
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QTRY_VERIFY_WITH_TIMEOUT(runsOf(u"manual"_qs) > before, Timeout);

    const CtlResult disable = runCtl({ u"disable"_qs, u"alpha"_qs });
    QVERIFY2(disable.exitCode == 0, disable.describe().constData());
    QJsonObject alpha = collectorJson(parseJson(runCtl({ u"status"_qs, u"--json"_qs })), u"alpha"_qs);
    QCOMPARE(alpha.value(u"state").toString(), u"disabled"_qs);
    QCOMPARE(alpha.value(u"enabled").toBool(), false);

    const CtlResult enable = runCtl({ u"enable"_qs, u"alpha"_qs });
    QVERIFY2(enable.exitCode == 0, enable.describe().constData());
    alpha = collectorJson(parseJson(runCtl({ u"status"_qs, u"--json"_qs })), u"alpha"_qs);
    QVERIFY(alpha.value(u"state").toString() != u"disabled"_qs);
    QCOMPARE(alpha.value(u"enabled").toBool(), true);
}

void tst_GarnetCtl::reload()
{
    m_config.writeCollector(u"gamma"_qs, collectorToml({ u"/bin/true"_qs }, "interval = \"1h\"\n"));
    const CtlResult result = runCtl({ u"reload"_qs });
    QVERIFY2(result.exitCode == 0, result.describe().constData());
    QVERIFY(collectorJson(parseJson(runCtl({ u"status"_qs, u"--json"_qs })), u"gamma"_qs).contains(u"runs"_qs));
}

void tst_GarnetCtl::reloadFailureShowsErrors()
{
    m_config.writeCollector(u"gamma"_qs, "command = [\"/bin/true\"]\nintervall = \"1h\"\n");
    const CtlResult result = runCtl({ u"reload"_qs });
    QVERIFY2(result.exitCode == 1, result.describe().constData());
    QVERIFY2(result.err.startsWith("garnetctl: reload failed; the previous configuration stays in force:\n")
            && result.err.contains("gamma.toml:2:"),
        result.describe().constData());
    const CtlResult status = runCtl({ u"status"_qs });
    QVERIFY2(status.out.contains("Last reload failed; the previous configuration stays in force:\n  ")
            && status.out.contains("gamma.toml:2:"),
        status.describe().constData());
    m_config.writeCollector(u"gamma"_qs, collectorToml({ u"/bin/true"_qs }, "interval = \"1h\"\n"));
    QCOMPARE(runCtl({ u"reload"_qs }).exitCode, 0);
    QVERIFY(!runCtl({ u"status"_qs }).out.contains("Last reload failed"));
}

void tst_GarnetCtl::watchPrintsLinesAndStopsOnSigint()
{
    QProcess watch;
    watch.start(ctlBinary(), { u"watch"_qs, u"alpha"_qs });
    QVERIFY(watch.waitForStarted(Timeout));
    QByteArray seen;
    QVERIFY2(waitForLine(watch, seen, "  alpha  load.1 = 0.5\n", Timeout),
        QByteArray(seen + watch.readAllStandardError()).constData());
    QVERIFY(!seen.contains("beta")); // filtered to one collector
    QVERIFY2(!seen.contains("state: running"), seen.constData()); // only settled states: runs are not news
    // State changes are lines too.
    QCOMPARE(runCtl({ u"disable"_qs, u"alpha"_qs }).exitCode, 0);
    QVERIFY2(waitForLine(watch, seen, "  alpha  state: disabled\n", Timeout), seen.constData());
    QCOMPARE(runCtl({ u"enable"_qs, u"alpha"_qs }).exitCode, 0);

    ::kill(pid_t(watch.processId()), SIGINT);
    QVERIFY(watch.waitForFinished(Timeout));
    QCOMPARE(watch.exitStatus(), QProcess::NormalExit);
    QCOMPARE(watch.exitCode(), 0);
}

void tst_GarnetCtl::watchFollowsAnAgentRestart()
{
    QProcess watch;
    watch.start(ctlBinary(), { u"watch"_qs });
    QVERIFY(watch.waitForStarted(Timeout));
    QByteArray seen;
    QVERIFY2(waitForLine(watch, seen, "load.1 = 0.5\n", Timeout), seen.constData());

    QCOMPARE(m_agent->terminate(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!serviceOnBus(QDBusConnection::sessionBus()), Timeout);
    QByteArray notices; // accumulated: QTRY_* evaluates its expression once more at the end
    QTRY_VERIFY2_WITH_TIMEOUT((notices += watch.readAllStandardError()).contains("waiting for it to come back"),
        notices.constData(), Timeout);
    QCOMPARE(watch.state(), QProcess::Running);
    seen.clear();
    watch.readAllStandardOutput();
    startAgent();
    QVERIFY2(waitForLine(watch, seen, "load.1 = 0.5\n", Timeout), seen.constData()); // values from the new agent
    QTRY_VERIFY2_WITH_TIMEOUT(
        (notices += watch.readAllStandardError()).contains("the agent is back"), notices.constData(), Timeout);

    ::kill(pid_t(watch.processId()), SIGTERM);
    QVERIFY(watch.waitForFinished(Timeout));
    QCOMPARE(watch.exitStatus(), QProcess::NormalExit);
    QCOMPARE(watch.exitCode(), 0);
}

void tst_GarnetCtl::agentNotRunningExitsThree()
{
    QCOMPARE(m_agent->terminate(), 0);
    m_agent.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!serviceOnBus(QDBusConnection::sessionBus()), Timeout);
    for (const QStringList &arguments : { QStringList { u"status"_qs }, QStringList { u"values"_qs, u"--json"_qs },
             QStringList { u"watch"_qs }, QStringList { u"run"_qs, u"alpha"_qs } }) {
        const CtlResult result = runCtl(arguments);
        QVERIFY2(result.exitCode == 3, result.describe().constData());
        QCOMPARE(result.err.trimmed(),
            QByteArray("garnetctl: the Garnet agent is not running (org.garnet.Agent not on the session bus)"));
        QVERIFY(result.out.isEmpty());
    }
    // A fresh start: a new garnetctl process works again.
    startAgent();
    const CtlResult status = runCtl({ u"status"_qs });
    QVERIFY2(status.exitCode == 0, status.describe().constData());
}

QTEST_GUILESS_MAIN(tst_GarnetCtl)
#include "tst_garnetctl.moc"
