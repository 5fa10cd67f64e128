// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// org.garnet.Agent1 end to end: the real garnet-agent on this test's private session bus (dbus-run-session),
// driven through the proxy generated from the same XML.
#include "ctlagentproxy.h"
#include "dbusharness.h"

#include <QDBusMessage>
#include <QDBusReply>
#include <QElapsedTimer>
#include <QSet>
#include <QXmlStreamReader>

#include <memory>

using namespace Garnet;
using namespace GarnetDBusTest;

namespace {
constexpr int Timeout = 30000;
constexpr qint64 FloodLines = 100000;
constexpr int FloodNames = 500; // 200 samples per name: more than a ring holds

QStringList names(const CollectorStatusList &list)
{
    QStringList out;
    for (const CollectorStatus &c : list)
        out << c.name;
    return out;
}

/** Method, signal and property names of interface org.garnet.Agent1 in an introspection document. */
QStringList members(const QByteArray &xml)
{
    QStringList out;
    QXmlStreamReader reader(xml);
    bool inInterface = false;
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement() && reader.name() == u"interface")
            inInterface = reader.attributes().value(QLatin1String("name")) == u"org.garnet.Agent1";
        else if (reader.isEndElement() && reader.name() == u"interface")
            inInterface = false;
        else if (inInterface && reader.isStartElement()
            && (reader.name() == u"method" || reader.name() == u"signal" || reader.name() == u"property"))
            out << reader.name().toString() + u' ' + reader.attributes().value(QLatin1String("name")).toString();
    }
    out.sort();
    return out;
}
} // namespace

class tst_DBusService : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void introspectionMatchesTheXml();
    void properties();
    void collectorsAreListedAndRun();
    void failingCollectorShowsExitAndStderr();
    void collectorByName();
    void values();
    void countersAndOutputs();
    void runNow();
    void setEnabled();
    void reload();
    void reloadWithBrokenConfigFails();
    void valuesArrivedIsCoalesced();
    void settledStateChangeSendsTheStatusFirst();
    void secondAgentOnTheSameBusFails();
    void clientWorksAfterRestart();

private:
    CollectorStatus collector(const QString &name)
    {
        auto reply = m_proxy->Collector(name);
        reply.waitForFinished();
        if (reply.isError())
            qWarning() << "Collector(" << name << "):" << reply.error().message();
        return reply.value();
    }
    void startAgent()
    {
        m_agent = std::make_unique<AgentProcess>();
        m_agent->start(m_config.mainFile());
        QTRY_VERIFY2_WITH_TIMEOUT(serviceOnBus(QDBusConnection::sessionBus()), m_agent->log().constData(), Timeout);
    }

    AgentConfig m_config;
    std::unique_ptr<AgentProcess> m_agent;
    std::unique_ptr<CtlAgentProxy> m_proxy;
};

void tst_DBusService::initTestCase()
{
    registerDBusTypes();
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "no session bus: run this test under dbus-run-session");
    QVERIFY2(!serviceOnBus(QDBusConnection::sessionBus()), "another agent already owns org.garnet.Agent on this bus");
    const QString sh = QStringLiteral("/bin/sh");
    const QString c = QStringLiteral("-c");
    m_config.writeCollector(u"alpha"_qs,
        collectorToml(
            { sh, c, u"echo load.1 0.5; echo 'disk;dev=sda 42'"_qs }, "interval = \"1s\"\nmode = \"stdout\"\n"));
    m_config.writeCollector(u"beta"_qs,
        collectorToml({ collectorScript("write_socket.py"), u"sock.a 1"_qs, u"sock.b 2"_qs }, "interval = \"1s\"\n"));
    m_config.writeCollector(u"failing"_qs,
        collectorToml({ sh, c, u"echo oops-from-failing >&2; exit 3"_qs }, "interval = \"1s\"\nmode = \"stdout\"\n"));
    // manual and flood run only when asked: 876000h puts their aligned ticks decades away (1h would tick at hh:00).
    m_config.writeCollector(
        u"manual"_qs, collectorToml({ sh, c, u"echo manual.ran 1"_qs }, "interval = \"876000h\"\nmode = \"stdout\"\n"));
    // flip fails while its flag file exists, and runs only when asked.
    m_config.writeCollector(u"flip"_qs,
        collectorToml({ sh, c,
                          u"if test -e '%1'; then echo flip-broke-now >&2; exit 4; fi; echo flip.ok 1"_qs.arg(
                              m_config.path(u"flip.flag"_qs)) },
            "interval = \"876000h\"\nmode = \"stdout\"\n"));
    m_config.writeCollector(u"flood"_qs,
        collectorToml({ collectorScript("flood.py"), QString::number(FloodLines), QString::number(FloodNames) },
            "interval = \"876000h\"\n"));
    startAgent();
    m_proxy = std::make_unique<CtlAgentProxy>(ServiceName, u"/org/garnet/Agent"_qs, QDBusConnection::sessionBus());
    QVERIFY(m_proxy->isValid());
}

void tst_DBusService::cleanupTestCase()
{
    if (m_agent)
        QCOMPARE(m_agent->terminate(), 0);
}

void tst_DBusService::introspectionMatchesTheXml()
{
    QFile xml(QStringLiteral(GARNET_TEST_SOURCE_DIR "/../common/org.garnet.Agent1.xml"));
    QVERIFY(xml.open(QIODevice::ReadOnly));
    const QStringList expected = members(xml.readAll());
    QVERIFY(expected.contains(u"method RunNow"_qs));

    QDBusMessage call = QDBusMessage::createMethodCall(
        ServiceName, u"/org/garnet/Agent"_qs, u"org.freedesktop.DBus.Introspectable"_qs, u"Introspect"_qs);
    const QDBusReply<QString> reply = QDBusConnection::sessionBus().call(call);
    QVERIFY2(reply.isValid(), qPrintable(reply.error().message()));
    QCOMPARE(members(reply.value().toUtf8()), expected);
    // Only the adaptor is exported: no QObject slots such as deleteLater, no other interface of ours.
    QVERIFY(!reply.value().contains(u"deleteLater"_qs));
    QXmlStreamReader reader(reply.value());
    while (!reader.atEnd()) {
        if (reader.readNext() == QXmlStreamReader::StartElement && reader.name() == u"interface") {
            const QString name = reader.attributes().value(QLatin1String("name")).toString();
            QVERIFY2(name == u"org.garnet.Agent1"_qs || name.startsWith(u"org.freedesktop.DBus."_qs), qPrintable(name));
        }
    }

    // Properties are read-only.
    QDBusMessage set = QDBusMessage::createMethodCall(
        ServiceName, u"/org/garnet/Agent"_qs, u"org.freedesktop.DBus.Properties"_qs, u"Set"_qs);
    set << u"org.garnet.Agent1"_qs << u"Hostname"_qs << QVariant::fromValue(QDBusVariant(u"evil"_qs));
    QCOMPARE(QDBusConnection::sessionBus().call(set).type(), QDBusMessage::ErrorMessage);
    QCOMPARE(m_proxy->hostname(), u"testhost"_qs);
}

void tst_DBusService::properties()
{
    QCOMPARE(m_proxy->version(), QStringLiteral(GARNET_VERSION));
    QCOMPARE(m_proxy->hostname(), u"testhost"_qs);
    QCOMPARE(m_proxy->configFile(), QFileInfo(m_config.mainFile()).absoluteFilePath());
    const qint64 started = m_proxy->startTime();
    QVERIFY(started > 0);
    QVERIFY(started <= QDateTime::currentMSecsSinceEpoch());
}

void tst_DBusService::collectorsAreListedAndRun()
{
    auto reply = m_proxy->Collectors();
    reply.waitForFinished();
    QVERIFY2(!reply.isError(), qPrintable(reply.error().message()));
    QCOMPARE(names(reply.value()),
        (QStringList { u"alpha"_qs, u"beta"_qs, u"failing"_qs, u"flip"_qs, u"flood"_qs, u"manual"_qs }));
    const CollectorStatus alpha = reply.value().constFirst();
    QCOMPARE(alpha.intervalMs, 1000);
    QVERIFY(alpha.enabled);
    // Runs keep increasing on the 1 s schedule, with a next run ahead and a clean exit.
    QTRY_VERIFY_WITH_TIMEOUT(collector(u"alpha"_qs).runs >= 2, Timeout);
    const qint64 runs = collector(u"alpha"_qs).runs;
    QTRY_VERIFY_WITH_TIMEOUT(collector(u"alpha"_qs).runs > runs, Timeout);
    const CollectorStatus later = collector(u"alpha"_qs);
    QCOMPARE(later.lastExit, 0);
    QVERIFY(later.lastRunMs > 0);
    QVERIFY(later.lastDurationMs >= 0);
    QVERIFY(later.nextRunMs > later.lastRunMs);
    QVERIFY(later.state == u"ok"_qs || later.state == u"running"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(collector(u"beta"_qs).runs >= 1, Timeout);
}

void tst_DBusService::failingCollectorShowsExitAndStderr()
{
    QTRY_COMPARE_WITH_TIMEOUT(collector(u"failing"_qs).lastExit, 3, Timeout);
    const CollectorStatus failing = collector(u"failing"_qs);
    QVERIFY(failing.failures >= 1);
    QTRY_COMPARE_WITH_TIMEOUT(collector(u"failing"_qs).state, u"failing"_qs, Timeout); // "running" now and then
    QVERIFY2(
        failing.stderrTail.join(u'\n').contains(u"oops-from-failing"_qs), qPrintable(failing.stderrTail.join(u'|')));
}

void tst_DBusService::collectorByName()
{
    QCOMPARE(collector(u"beta"_qs).name, u"beta"_qs);
    auto unknown = m_proxy->Collector(u"nope"_qs);
    unknown.waitForFinished();
    QVERIFY(unknown.isError());
    QCOMPARE(unknown.error().name(), u"org.garnet.Agent1.Error.UnknownCollector"_qs);
    QCOMPARE(unknown.error().message(), u"no collector named 'nope'"_qs);
}

void tst_DBusService::values()
{
    auto find = [this](const QString &collectorName, const QString &metric) -> MetricSeries {
        auto reply = m_proxy->Values(collectorName);
        reply.waitForFinished();
        for (const MetricSeries &s : reply.value())
            if (s.name == metric)
                return s;
        return {};
    };
    QTRY_VERIFY_WITH_TIMEOUT(!find(u"alpha"_qs, u"load.1"_qs).points.isEmpty(), Timeout);
    const MetricSeries load = find(u"alpha"_qs, u"load.1"_qs);
    QCOMPARE(load.collector, u"alpha"_qs);
    QCOMPARE(load.points.constLast().value, 0.5);
    QVERIFY(qAbs(load.points.constLast().timestamp - QDateTime::currentSecsSinceEpoch()) < 120);
    QCOMPARE(find(u"alpha"_qs, u"disk;dev=sda"_qs).points.constLast().value, 42.0); // tags kept as written
    QTRY_COMPARE_WITH_TIMEOUT(find(u"beta"_qs, u"sock.b"_qs).points.value(0).value, 2.0, Timeout);

    auto all = m_proxy->Values(QString());
    all.waitForFinished();
    QSet<QString> collectors;
    for (const MetricSeries &s : all.value())
        collectors << s.collector;
    QVERIFY(collectors.contains(u"alpha"_qs) && collectors.contains(u"beta"_qs));

    auto unknown = m_proxy->Values(u"nope"_qs);
    unknown.waitForFinished();
    QCOMPARE(unknown.error().name(), u"org.garnet.Agent1.Error.UnknownCollector"_qs);
}

void tst_DBusService::countersAndOutputs()
{
    QSignalSpy countersChanged(m_proxy.get(), &CtlAgentProxy::CountersChanged);
    auto counters = m_proxy->Counters();
    counters.waitForFinished();
    QVERIFY2(!counters.isError(), qPrintable(counters.error().message()));
    for (const char *key : { "received", "sent", "dropped", "rejected", "queued", "unattributed" })
        QVERIFY2(counters.value().contains(QLatin1String(key)), key);
    QVERIFY(counters.value().value(u"received"_qs) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_proxy->Counters().value().value(u"sent"_qs) > 0, Timeout);

    auto outputs = m_proxy->Outputs();
    outputs.waitForFinished();
    QCOMPARE(outputs.value().size(), 1);
    QVERIFY2(outputs.value()[0].name.contains(u"out.txt"_qs), qPrintable(outputs.value()[0].name));
    QVERIFY(outputs.value()[0].connected);

    // Pushed at least every 5 s (and with every ValuesArrived).
    QVERIFY(countersChanged.wait(Timeout));
    QVERIFY(qvariant_cast<CounterMap>(countersChanged.constLast().at(0)).contains(u"received"_qs));
}

void tst_DBusService::runNow()
{
    QSignalSpy updated(m_proxy.get(), &CtlAgentProxy::CollectorUpdated);
    const qint64 before = collector(u"manual"_qs).runs;
    auto reply = m_proxy->RunNow(u"manual"_qs);
    reply.waitForFinished();
    QVERIFY2(!reply.isError(), qPrintable(reply.error().message()));
    QTRY_VERIFY_WITH_TIMEOUT(collector(u"manual"_qs).runs > before, Timeout);
    // CollectorUpdated is coalesced: a run gives at most two (running, if a flush falls inside it, and done),
    // never one per state change plus one per finished run; the last carries the finished run.
    const auto manualUpdates = [&updated] {
        QList<CollectorStatus> statuses;
        for (const QList<QVariant> &args : std::as_const(updated))
            if (const auto status = qvariant_cast<CollectorStatus>(args.at(0)); status.name == u"manual"_qs)
                statuses << status;
        return statuses;
    };
    QTRY_VERIFY_WITH_TIMEOUT(!manualUpdates().isEmpty() && manualUpdates().constLast().runs == before + 1, Timeout);
    QCOMPARE(manualUpdates().constLast().state, u"ok"_qs);
    reply = m_proxy->RunNow(u"manual"_qs); // its updates come after every update of the first run
    reply.waitForFinished();
    QVERIFY2(!reply.isError(), qPrintable(reply.error().message()));
    QTRY_VERIFY_WITH_TIMEOUT(manualUpdates().constLast().runs == before + 2, Timeout);
    QVERIFY2(manualUpdates().size() <= 4, qPrintable(QString::number(manualUpdates().size())));

    auto unknown = m_proxy->RunNow(u"nope"_qs);
    unknown.waitForFinished();
    QCOMPARE(unknown.error().name(), u"org.garnet.Agent1.Error.UnknownCollector"_qs);
}

void tst_DBusService::setEnabled()
{
    QSignalSpy stateChanged(m_proxy.get(), &CtlAgentProxy::CollectorStateChanged);
    QSignalSpy collectorsChanged(m_proxy.get(), &CtlAgentProxy::CollectorsChanged);
    auto reply = m_proxy->SetEnabled(u"alpha"_qs, false);
    reply.waitForFinished();
    QVERIFY2(!reply.isError(), qPrintable(reply.error().message()));
    QTRY_COMPARE_WITH_TIMEOUT(collector(u"alpha"_qs).state, u"disabled"_qs, Timeout);
    QVERIFY(!collector(u"alpha"_qs).enabled);
    QTRY_VERIFY_WITH_TIMEOUT(stateChanged.contains(QList<QVariant> { u"alpha"_qs, u"disabled"_qs }), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(collectorsChanged.count() >= 1, Timeout);

    reply = m_proxy->SetEnabled(u"alpha"_qs, true);
    reply.waitForFinished();
    QVERIFY(!reply.isError());
    QTRY_VERIFY_WITH_TIMEOUT(collector(u"alpha"_qs).state != u"disabled"_qs, Timeout);
    const qint64 runs = collector(u"alpha"_qs).runs;
    QTRY_VERIFY_WITH_TIMEOUT(collector(u"alpha"_qs).runs > runs, Timeout); // back on its schedule

    auto unknown = m_proxy->SetEnabled(u"nope"_qs, true);
    unknown.waitForFinished();
    QCOMPARE(unknown.error().name(), u"org.garnet.Agent1.Error.UnknownCollector"_qs);
}

void tst_DBusService::reload()
{
    QSignalSpy collectorsChanged(m_proxy.get(), &CtlAgentProxy::CollectorsChanged);
    m_config.writeCollector(u"manual"_qs,
        collectorToml(
            { u"/bin/sh"_qs, u"-c"_qs, u"echo manual.ran 2"_qs }, "interval = \"876001h\"\nmode = \"stdout\"\n"));
    m_config.writeCollector(u"gamma"_qs, collectorToml({ u"/bin/true"_qs }, "interval = \"1h\"\n"));
    auto reply = m_proxy->Reload();
    reply.waitForFinished();
    QVERIFY2(!reply.isError(), qPrintable(reply.error().message()));
    QTRY_VERIFY_WITH_TIMEOUT(collectorsChanged.count() >= 1, Timeout);
    QCOMPARE(collector(u"manual"_qs).intervalMs, qint64(876001) * 3600 * 1000);
    QCOMPARE(collector(u"gamma"_qs).name, u"gamma"_qs);
}

void tst_DBusService::reloadWithBrokenConfigFails()
{
    m_config.writeCollector(u"gamma"_qs, "command = [\"/bin/true\"]\ninterval = \"banana\"\n");
    auto reply = m_proxy->Reload();
    reply.waitForFinished();
    QVERIFY(reply.isError());
    QCOMPARE(reply.error().name(), u"org.garnet.Agent1.Error.ReloadFailed"_qs);
    QVERIFY2(reply.error().message().contains(u"gamma.toml:"_qs), qPrintable(reply.error().message()));
    // The previous configuration stays in force, and says why.
    QCOMPARE(collector(u"gamma"_qs).intervalMs, 3600 * 1000);
    QVERIFY2(m_proxy->lastReloadError().contains(u"gamma.toml:"_qs), qPrintable(m_proxy->lastReloadError()));
    m_config.writeCollector(u"gamma"_qs, collectorToml({ u"/bin/true"_qs }, "interval = \"1h\"\n"));
    reply = m_proxy->Reload();
    reply.waitForFinished();
    QVERIFY2(!reply.isError(), qPrintable(reply.error().message()));
    QCOMPARE(m_proxy->lastReloadError(), QString());
}

void tst_DBusService::valuesArrivedIsCoalesced()
{
    QSignalSpy arrived(m_proxy.get(), &CtlAgentProxy::ValuesArrived);
    QElapsedTimer elapsed;
    elapsed.start();
    auto reply = m_proxy->RunNow(u"flood"_qs);
    reply.waitForFinished();
    QVERIFY2(!reply.isError(), qPrintable(reply.error().message()));

    // Done when an emission carries the flood's last line (the newest sample of its metric).
    const QString lastName = QStringLiteral("flood.m%1").arg((FloodLines - 1) % FloodNames);
    auto complete = [&] {
        for (const QList<QVariant> &args : std::as_const(arrived))
            for (const MetricSample &s : qvariant_cast<MetricSampleList>(args.at(0)))
                if (s.collector == u"flood"_qs && s.name == lastName && s.value == double(FloodLines - 1))
                    return true;
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(complete(), 60000);
    const qint64 ms = elapsed.elapsed();

    // At most 4 emissions a second (one per 250 ms, plus slack for signals already on their way).
    QVERIFY2(arrived.count() <= ms / 250 + 4,
        qPrintable(QStringLiteral("%1 emissions in %2 ms").arg(arrived.count()).arg(ms)));
    qint64 floodSamples = 0;
    for (const QList<QVariant> &args : std::as_const(arrived)) {
        QSet<QString> seen; // each metric at most once per emission: only its newest sample
        for (const MetricSample &s : qvariant_cast<MetricSampleList>(args.at(0))) {
            const QString key = s.collector + u'/' + s.name;
            QVERIFY2(!seen.contains(key), qPrintable(key));
            seen << key;
            floodSamples += s.collector == u"flood"_qs ? 1 : 0;
        }
    }
    QVERIFY2(floodSamples < FloodLines / 10, qPrintable(QString::number(floodSamples)));

    // Every flood metric got 200 samples; the ring keeps the newest 120, oldest first.
    auto values = m_proxy->Values(u"flood"_qs);
    values.waitForFinished();
    QCOMPARE(values.value().size(), FloodNames);
    const MetricSeries m0 = values.value().constFirst();
    QCOMPARE(m0.name, u"flood.m0"_qs);
    QCOMPARE(m0.points.size(), 120);
    QCOMPARE(m0.points.constFirst().value, double(FloodLines - 120 * FloodNames));
    QCOMPARE(m0.points.constLast().value, double(FloodLines - FloodNames));
}

void tst_DBusService::settledStateChangeSendsTheStatusFirst()
{
    // Most state changes (running and back, every run) reach clients' full status with the next coalesced
    // flush. ok → failing does not wait: the status with the new stderr tail comes first, so a client that
    // reacts to CollectorStateChanged (the tray's notification quotes that tail) already has it.
    QStringList events; // in arrival order: "state:<state>" or "status:<state>:<stderr tail>"
    connect(m_proxy.get(), &CtlAgentProxy::CollectorStateChanged, this, [&](const QString &name, const QString &state) {
        if (name == u"flip"_qs)
            events << u"state:"_qs + state;
    });
    connect(m_proxy.get(), &CtlAgentProxy::CollectorUpdated, this, [&](const CollectorStatus &status) {
        if (status.name == u"flip"_qs)
            events << u"status:%1:%2"_qs.arg(status.state, status.stderrTail.join(u'|'));
    });
    QVERIFY(!m_proxy->RunNow(u"flip"_qs).isError());
    QTRY_VERIFY_WITH_TIMEOUT(events.contains(u"state:ok"_qs), Timeout);

    // A failing run's status (with its tail) arrives right before its state signal.
    const auto runFailingAndCheckTheOrder = [&] {
        events.clear();
        auto reply = m_proxy->RunNow(u"flip"_qs);
        reply.waitForFinished();
        QVERIFY2(!reply.isError(), qPrintable(reply.error().message()));
        QTRY_VERIFY_WITH_TIMEOUT(events.contains(u"state:failing"_qs), Timeout);
        const qsizetype stateAt = events.indexOf(u"state:failing"_qs);
        QVERIFY2(stateAt > 0 && events.at(stateAt - 1) == u"status:failing:flip-broke-now"_qs,
            qPrintable(events.join(u" / "_qs)));
    };
    m_config.write(u"flip.flag"_qs, "1");
    runFailingAndCheckTheOrder(); // ok → failing
    QVERIFY(!QTest::currentTestFailed());
    // Failing again (failing → running → failing): the tail was empty during the run.
    runFailingAndCheckTheOrder();
    QVERIFY(!QTest::currentTestFailed());
    QFile::remove(m_config.path(u"flip.flag"_qs));
    disconnect(m_proxy.get(), nullptr, this, nullptr);
}

void tst_DBusService::secondAgentOnTheSameBusFails()
{
    AgentConfig other;
    AgentProcess second;
    second.start(other.mainFile());
    QVERIFY(second.process().waitForFinished(Timeout));
    const QByteArray log = second.log();
    QVERIFY2(second.process().exitCode() != 0, log.constData());
    QVERIFY2(log.contains("another garnet-agent") && log.contains("already owns org.garnet.Agent on the session bus"),
        log.constData());
    QVERIFY(serviceOnBus(QDBusConnection::sessionBus())); // the first one is untouched
    QVERIFY(m_proxy->Collectors().value().size() >= 5);
}

void tst_DBusService::clientWorksAfterRestart()
{
    QCOMPARE(m_agent->terminate(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!serviceOnBus(QDBusConnection::sessionBus()), Timeout);
    auto gone = m_proxy->Collectors();
    gone.waitForFinished();
    QVERIFY(gone.isError());

    QSignalSpy arrived(m_proxy.get(), &CtlAgentProxy::ValuesArrived);
    startAgent();
    // The same proxy reaches the new agent, and its signal subscription follows the well-known name.
    auto back = m_proxy->Collectors();
    back.waitForFinished();
    QVERIFY2(!back.isError(), qPrintable(back.error().message()));
    QVERIFY(names(back.value()).contains(u"alpha"_qs));
    QVERIFY(arrived.wait(Timeout));
}

QTEST_GUILESS_MAIN(tst_DBusService)
#include "tst_dbusservice.moc"
