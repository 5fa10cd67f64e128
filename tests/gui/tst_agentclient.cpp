// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "agentclient.h"
#include "fakeagent.h"

#include <QDBusError>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Garnet;

class tst_AgentClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void busFromEnvironment_data();
    void busFromEnvironment();
    void loadsEverythingAsynchronously();
    void followsCollectorUpdates();
    void collectorSetChanges();
    void appendsArrivingValues();
    void capsHistory();
    void reconnectsWhenAgentRestarts();
    void connectsWhenAgentStartsLater();
    void controlCallsReachTheAgent();
    void controlErrorsAreReported_data();
    void controlErrorsAreReported();

private:
    std::unique_ptr<FakeAgent> m_agent;
};

void tst_AgentClient::initTestCase()
{
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "these tests need a D-Bus session bus (dbus-run-session)");
}

void tst_AgentClient::init()
{
    m_agent = std::make_unique<FakeAgent>();
    m_agent->collectors = { FakeAgent::collector(QStringLiteral("loadavg"), QStringLiteral("ok"), 5),
        FakeAgent::collector(QStringLiteral("disk"), QStringLiteral("failing"), 3, 3) };
    m_agent->values = { FakeAgent::series(QStringLiteral("loadavg"), QStringLiteral("01"), { 0.5, 0.7, 0.6 }),
        FakeAgent::series(QStringLiteral("disk"), QStringLiteral("root.used"), { 10, 11 }) };
    m_agent->counters = { { QStringLiteral("received"), 12 }, { QStringLiteral("sent"), 10 } };
    m_agent->outputs = { OutputStatus { QStringLiteral("graphite"), true, 12, 10, 0, 2 } };
}

void tst_AgentClient::cleanup()
{
    m_agent.reset();
}

void tst_AgentClient::busFromEnvironment_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<AgentClient::Bus>("bus");
    QTest::newRow("unset") << QByteArray() << AgentClient::Bus::Session;
    QTest::newRow("system") << QByteArray("system") << AgentClient::Bus::System;
    QTest::newRow("System") << QByteArray("System") << AgentClient::Bus::System;
    QTest::newRow("session") << QByteArray("session") << AgentClient::Bus::Session;
    QTest::newRow("garbage") << QByteArray("systemd\n") << AgentClient::Bus::Session;
}

void tst_AgentClient::busFromEnvironment()
{
    QFETCH(QByteArray, value);
    QFETCH(AgentClient::Bus, bus);
    if (value.isNull())
        qunsetenv("GARNET_BUS");
    else
        qputenv("GARNET_BUS", value);
    QCOMPARE(AgentClient::busFromEnvironment(), bus);
    qunsetenv("GARNET_BUS");
}

void tst_AgentClient::loadsEverythingAsynchronously()
{
    QVERIFY(m_agent->start());
    AgentClient client;
    // The agent lives in this thread: a blocking call would have hung here instead of returning at once.
    QVERIFY(!client.isConnected());
    QVERIFY(client.collectors().isEmpty());

    QSignalSpy connected(&client, &AgentClient::connectedChanged);
    QSignalSpy changed(&client, &AgentClient::collectorsChanged);
    QVERIFY(connected.wait(10000));
    QCOMPARE(connected.constFirst().constFirst().toBool(), true);
    QCOMPARE(changed.count(), 1);

    QCOMPARE(client.collectors().size(), 2);
    QCOMPARE(client.collectors().at(0).name, QStringLiteral("disk")); // sorted by name
    QCOMPARE(client.collectors().at(1), m_agent->collectors.at(0));
    QVERIFY(client.collector(QStringLiteral("disk")));
    QCOMPARE(client.collector(QStringLiteral("disk"))->state, QStringLiteral("failing"));
    QVERIFY(!client.collector(QStringLiteral("nope")));

    QTRY_COMPARE_WITH_TIMEOUT(client.series(QStringLiteral("loadavg")).size(), 1, 10000);
    QCOMPARE(client.series(QStringLiteral("loadavg")).constFirst().points.size(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(client.counters().value(QStringLiteral("received")), 12, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(client.outputs(), m_agent->outputs, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(client.agentVersion(), QStringLiteral("9.9.9-fake"), 10000);
    QCOMPARE(client.hostname(), QStringLiteral("testhost"));
    QVERIFY(client.lastError().isEmpty());
}

void tst_AgentClient::followsCollectorUpdates()
{
    QVERIFY(m_agent->start());
    AgentClient client;
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 10000);

    QSignalSpy updated(&client, &AgentClient::collectorUpdated);
    QSignalSpy stateChanged(&client, &AgentClient::collectorStateChanged);
    QSignalSpy setChanged(&client, &AgentClient::collectorsChanged);
    CollectorStatus status = FakeAgent::collector(QStringLiteral("loadavg"), QStringLiteral("failing"), 6, 1);
    m_agent->updateCollector(status);

    QTRY_COMPARE_WITH_TIMEOUT(client.collector(QStringLiteral("loadavg"))->runs, 6, 10000);
    QCOMPARE(*client.collector(QStringLiteral("loadavg")), status);
    QVERIFY(!updated.isEmpty());
    QCOMPARE(stateChanged.count(), 1);
    QCOMPARE(stateChanged.constFirst(),
        QVariantList({ QStringLiteral("loadavg"), QStringLiteral("ok"), QStringLiteral("failing") }));
    QCOMPARE(setChanged.count(), 0);
}

void tst_AgentClient::collectorSetChanges()
{
    QVERIFY(m_agent->start());
    AgentClient client;
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 10000);

    QSignalSpy setChanged(&client, &AgentClient::collectorsChanged);
    QSignalSpy stateChanged(&client, &AgentClient::collectorStateChanged);
    m_agent->setCollectorSet({ FakeAgent::collector(QStringLiteral("loadavg"), QStringLiteral("ok"), 5),
        FakeAgent::collector(QStringLiteral("memory"), QStringLiteral("ok")) });
    QVERIFY(setChanged.wait(10000));
    QCOMPARE(client.collectors().size(), 2);
    QCOMPARE(client.collectors().at(1).name, QStringLiteral("memory"));
    QVERIFY(!client.collector(QStringLiteral("disk")));
    QCOMPARE(stateChanged.count(), 1); // memory is new; loadavg kept its state
    QCOMPARE(stateChanged.constFirst().at(0).toString(), QStringLiteral("memory"));
    QVERIFY(stateChanged.constFirst().at(1).toString().isEmpty());
}

void tst_AgentClient::appendsArrivingValues()
{
    QVERIFY(m_agent->start());
    AgentClient client;
    QTRY_COMPARE_WITH_TIMEOUT(client.series(QStringLiteral("loadavg")).size(), 1, 10000);

    QSignalSpy arrived(&client, &AgentClient::valuesArrived);
    const MetricSampleList samples = {
        { QStringLiteral("loadavg"), QStringLiteral("01"), 1700000030, 0.9 },
        { QStringLiteral("loadavg"), QStringLiteral("05;cpu=all"), 1700000030, 1.5 }, // a new metric, with tags
    };
    m_agent->pushSamples(samples);
    QVERIFY(arrived.wait(10000));
    QCOMPARE(arrived.constFirst().constFirst().value<MetricSampleList>(), samples);

    MetricSeriesList series = client.series(QStringLiteral("loadavg"));
    QCOMPARE(series.size(), 2);
    QCOMPARE(series.at(0).points.size(), 4);
    QCOMPARE(series.at(0).points.constLast().value, 0.9);
    QCOMPARE(series.at(1).name, QStringLiteral("05;cpu=all"));

    // Same timestamp: the value is replaced; an older one is ignored.
    m_agent->pushSamples({ { QStringLiteral("loadavg"), QStringLiteral("01"), 1700000030, 1.1 },
        { QStringLiteral("loadavg"), QStringLiteral("01"), 1700000000, 9.9 } });
    QVERIFY(arrived.wait(10000));
    series = client.series(QStringLiteral("loadavg"));
    QCOMPARE(series.at(0).points.size(), 4);
    QCOMPARE(series.at(0).points.constLast().value, 1.1);
}

void tst_AgentClient::capsHistory()
{
    QList<double> many;
    for (int i = 0; i < AgentClient::MaxPointsPerSeries + 30; ++i)
        many.append(i);
    m_agent->values = { FakeAgent::series(QStringLiteral("loadavg"), QStringLiteral("01"), many) };
    QVERIFY(m_agent->start());
    AgentClient client;
    QTRY_COMPARE_WITH_TIMEOUT(client.series(QStringLiteral("loadavg")).size(), 1, 10000);
    QList<MetricPoint> points = client.series(QStringLiteral("loadavg")).constFirst().points;
    QCOMPARE(points.size(), AgentClient::MaxPointsPerSeries);
    QCOMPARE(points.constLast().value, many.constLast()); // the newest are kept

    QSignalSpy arrived(&client, &AgentClient::valuesArrived);
    m_agent->pushSamples({ { QStringLiteral("loadavg"), QStringLiteral("01"), 1800000000, -1 } });
    QVERIFY(arrived.wait(10000));
    points = client.series(QStringLiteral("loadavg")).constFirst().points;
    QCOMPARE(points.size(), AgentClient::MaxPointsPerSeries);
    QCOMPARE(points.constLast().value, -1.0);
}

void tst_AgentClient::reconnectsWhenAgentRestarts()
{
    QVERIFY(m_agent->start());
    AgentClient client;
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!client.series(QStringLiteral("disk")).isEmpty(), 10000);

    QSignalSpy connected(&client, &AgentClient::connectedChanged);
    m_agent->stop();
    QVERIFY(connected.wait(10000));
    QCOMPARE(connected.constLast().constFirst().toBool(), false);
    QVERIFY(client.collectors().isEmpty());
    QVERIFY(client.series(QStringLiteral("disk")).isEmpty());
    QVERIFY(client.counters().isEmpty());
    QVERIFY(!client.lastError().isEmpty());

    // The "new" agent has other collectors; the client must show those, not remember the old ones.
    m_agent->collectors = { FakeAgent::collector(QStringLiteral("zfs"), QStringLiteral("ok")) };
    QVERIFY(m_agent->start());
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(client.collectors().size(), 1, 10000);
    QCOMPARE(client.collectors().constFirst().name, QStringLiteral("zfs"));
    QVERIFY(client.lastError().isEmpty());

    // And its signals reach us.
    m_agent->updateCollector(FakeAgent::collector(QStringLiteral("zfs"), QStringLiteral("failing"), 2, 1));
    QTRY_COMPARE_WITH_TIMEOUT(client.collector(QStringLiteral("zfs"))->state, QStringLiteral("failing"), 10000);
}

void tst_AgentClient::connectsWhenAgentStartsLater()
{
    AgentClient client;
    QTRY_VERIFY_WITH_TIMEOUT(client.lastError().contains(QLatin1String("not running")), 10000);
    QVERIFY(!client.isConnected());

    QVERIFY(m_agent->start()); // no refresh timer needed: the bus name watcher notices
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(client.collectors().size(), 2, 10000);
}

void tst_AgentClient::controlCallsReachTheAgent()
{
    QVERIFY(m_agent->start());
    AgentClient client;
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 10000);
    QSignalSpy succeeded(&client, &AgentClient::callSucceeded);
    QSignalSpy failed(&client, &AgentClient::callFailed);

    client.runNow(QStringLiteral("loadavg"));
    QTRY_COMPARE_WITH_TIMEOUT(succeeded.count(), 1, 10000);
    QCOMPARE(succeeded.constFirst(), QVariantList({ QStringLiteral("RunNow"), QStringLiteral("loadavg") }));
    QCOMPARE(m_agent->runNowCalls, QStringList { QStringLiteral("loadavg") });

    client.setEnabled(QStringLiteral("disk"), false);
    QTRY_COMPARE_WITH_TIMEOUT(succeeded.count(), 2, 10000);
    QCOMPARE(m_agent->setEnabledCalls.size(), 1);
    QCOMPARE(m_agent->setEnabledCalls.constFirst(), std::make_pair(QStringLiteral("disk"), false));
    QTRY_COMPARE_WITH_TIMEOUT(client.collector(QStringLiteral("disk"))->enabled, false, 10000);

    client.reload();
    QTRY_COMPARE_WITH_TIMEOUT(succeeded.count(), 3, 10000);
    QCOMPARE(m_agent->reloadCalls, 1);
    QCOMPARE(failed.count(), 0);
}

void tst_AgentClient::controlErrorsAreReported_data()
{
    QTest::addColumn<QString>("refusal");
    QTest::addColumn<QString>("collector");
    QTest::addColumn<bool>("agentRunning");
    QTest::addColumn<QString>("expectedError");
    QTest::newRow("unknown collector") << QString() << QStringLiteral("nope") << true
                                       << QStringLiteral("org.garnet.Agent1.Error.UnknownCollector");
    QTest::newRow("access denied") << QStringLiteral("org.garnet.Agent1.Error.AccessDenied")
                                   << QStringLiteral("loadavg") << true
                                   << QStringLiteral("org.garnet.Agent1.Error.AccessDenied");
    QTest::newRow("agent gone") << QString() << QStringLiteral("loadavg") << false
                                << QStringLiteral("org.freedesktop.DBus.Error.ServiceUnknown");
}

void tst_AgentClient::controlErrorsAreReported()
{
    QFETCH(QString, refusal);
    QFETCH(QString, collector);
    QFETCH(bool, agentRunning);
    QFETCH(QString, expectedError);

    m_agent->refuseControlWith = refusal;
    if (agentRunning)
        QVERIFY(m_agent->start());
    AgentClient client;
    if (agentRunning)
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 10000);
    QSignalSpy failed(&client, &AgentClient::callFailed);
    client.runNow(collector);
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.constFirst().at(0).toString(), QStringLiteral("RunNow"));
    QCOMPARE(failed.constFirst().at(1).toString(), collector);
    QCOMPARE(failed.constFirst().at(2).toString(), expectedError);
    QVERIFY(!failed.constFirst().at(3).toString().isEmpty());
    QVERIFY(m_agent->runNowCalls.isEmpty());
    QCOMPARE(client.isConnected(), agentRunning); // a refused call does not make the agent unreachable
}

QTEST_GUILESS_MAIN(tst_AgentClient)
#include "tst_agentclient.moc"
