// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "agentclient.h"
#include "collectormodel.h"
#include "mainwindow.h"
#include "metricmodel.h"
#include "statestyle.h"
#include "trayicon.h"

#include <QAction>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Garnet;

/** garnet-tray's pieces against the real garnet-agent binary, on this test's private session bus. */
class tst_RealAgent : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void showsCollectorsAndValues();
    void failingCollectorIsColouredAsFailing();
    void runNowTriggersARun();
    void disableAndEnable();
    void trayReflectsHealth();
    void reconnectsAfterAgentRestart();

private:
    void writeFile(const QString &name, const QByteArray &content);
    void startAgent();
    void stopAgent();
    QString stateOf(const QString &collector) const;

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_agent;
    std::unique_ptr<AgentClient> m_client;
    std::unique_ptr<MainWindow> m_window;
};

void tst_RealAgent::writeFile(const QString &name, const QByteArray &content)
{
    QFile file(m_dir.filePath(name));
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(file.fileName()));
    file.write(content);
}

void tst_RealAgent::startAgent()
{
    m_agent = std::make_unique<QProcess>();
    m_agent->setProgram(QStringLiteral(GARNET_BINARY_DIR "/bin/garnet-agent"));
    m_agent->setArguments({ QStringLiteral("--config"), m_dir.filePath(QStringLiteral("garnet.toml")) });
    m_agent->setStandardOutputFile(QProcess::nullDevice()); // no [[output]]: metrics go to stdout
    m_agent->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_agent->start();
    QVERIFY2(m_agent->waitForStarted(10000), qPrintable(m_agent->errorString()));
}

void tst_RealAgent::stopAgent()
{
    if (!m_agent || m_agent->state() == QProcess::NotRunning)
        return;
    m_agent->terminate();
    if (!m_agent->waitForFinished(15000)) {
        m_agent->kill();
        m_agent->waitForFinished(5000);
    }
}

QString tst_RealAgent::stateOf(const QString &collector) const
{
    const CollectorModel *model = m_window->collectorModel();
    const int row = model->rowOf(collector);
    return row < 0 ? QString() : model->index(row, 0).data(CollectorModel::StateRole).toString();
}

void tst_RealAgent::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "this test needs a D-Bus session bus (dbus-run-session)");
    QVERIFY(QFile::exists(QStringLiteral(GARNET_BINARY_DIR "/bin/garnet-agent")));
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("collectors.d")));
    writeFile(QStringLiteral("garnet.toml"),
        QByteArray("[agent]\ncollectors_dir = \"collectors.d\"\nsocket = \"")
            + m_dir.filePath(QStringLiteral("garnet.sock")).toUtf8() + "\"\nhostname = \"testhost\"\n");
    // good: two metrics every second; bad: fails every second; slow: runs only when asked (876000h: no
    // aligned tick for decades, where 1h would tick at hh:00).
    writeFile(QStringLiteral("collectors.d/good.toml"),
        "command = [\"/bin/sh\", \"-c\", \"echo value.a 1; echo value.b 2.5\"]\ninterval = \"1s\"\n"
        "mode = \"stdout\"\n");
    writeFile(QStringLiteral("collectors.d/bad.toml"),
        "command = [\"/bin/sh\", \"-c\", \"echo 'bad: no such sensor' >&2; exit 2\"]\ninterval = \"1s\"\n"
        "mode = \"stdout\"\n");
    writeFile(QStringLiteral("collectors.d/slow.toml"),
        "command = [\"/bin/sh\", \"-c\", \"echo ran 1\"]\ninterval = \"876000h\"\nmode = \"stdout\"\n");
    startAgent();

    m_client = std::make_unique<AgentClient>();
    m_window = std::make_unique<MainWindow>(m_client.get());
    m_window->show();
    QTRY_VERIFY_WITH_TIMEOUT(m_client->isConnected(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->collectorModel()->rowCount(), 3, 20000);
}

void tst_RealAgent::cleanupTestCase()
{
    m_window.reset();
    m_client.reset();
    stopAgent();
}

void tst_RealAgent::showsCollectorsAndValues()
{
    QCOMPARE(m_window->collectorModel()->index(0, 0).data().toString(), QStringLiteral("bad"));
    QCOMPARE(m_client->hostname(), QStringLiteral("testhost"));

    m_window->selectCollector(QStringLiteral("good"));
    MetricModel *metrics = m_window->metricModel();
    QTRY_COMPARE_WITH_TIMEOUT(metrics->rowCount(), 2, 20000);
    const int a = metrics->rowOf(QStringLiteral("value.a"));
    const int b = metrics->rowOf(QStringLiteral("value.b"));
    QVERIFY(a >= 0 && b >= 0);
    QCOMPARE(metrics->index(a, MetricModel::ValueColumn).data().toString(), QStringLiteral("1"));
    QCOMPARE(metrics->index(b, MetricModel::ValueColumn).data().toString(), QStringLiteral("2.5"));

    // Live: the history grows from ValuesArrived while we watch (one sample a second).
    const qsizetype before = metrics->index(a, 0).data(MetricModel::SparklineRole).value<QList<double>>().size();
    QTRY_VERIFY_WITH_TIMEOUT(
        metrics->index(a, 0).data(MetricModel::SparklineRole).value<QList<double>>().size() >= before + 2, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(m_client->counters().value(QStringLiteral("received")) > 0, 20000);
}

void tst_RealAgent::failingCollectorIsColouredAsFailing()
{
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(QStringLiteral("bad")), QStringLiteral("failing"), 20000);
    CollectorModel *model = m_window->collectorModel();
    const QModelIndex bad = model->index(model->rowOf(QStringLiteral("bad")), CollectorModel::StateColumn);
    QCOMPARE(bad.data(Qt::DecorationRole).value<QColor>(), StateStyle::color(QStringLiteral("failing")));
    QVERIFY(bad.data(CollectorModel::StderrTailRole)
                .toStringList()
                .join(QLatin1Char('\n'))
                .contains(QLatin1String("no such sensor")));

    QTRY_COMPARE_WITH_TIMEOUT(stateOf(QStringLiteral("good")), QStringLiteral("ok"), 20000);
    const QModelIndex good = model->index(model->rowOf(QStringLiteral("good")), CollectorModel::StateColumn);
    QCOMPARE(good.data(Qt::DecorationRole).value<QColor>(), StateStyle::color(QStringLiteral("ok")));
    QVERIFY(good.data(Qt::DecorationRole).value<QColor>() != bad.data(Qt::DecorationRole).value<QColor>());
}

void tst_RealAgent::runNowTriggersARun()
{
    const CollectorStatus *slow = m_client->collector(QStringLiteral("slow"));
    QVERIFY(slow);
    const qint64 runsBefore = slow->runs;
    QSignalSpy failed(m_client.get(), &AgentClient::callFailed);
    m_window->selectCollector(QStringLiteral("slow"));
    auto *runNow = m_window->findChild<QAction *>(QStringLiteral("runNowAction"));
    QVERIFY(runNow && runNow->isEnabled());
    runNow->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_client->collector(QStringLiteral("slow"))->runs, runsBefore + 1, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->metricModel()->rowOf(QStringLiteral("ran")) >= 0, 20000);
    QCOMPARE(failed.count(), 0);
}

void tst_RealAgent::disableAndEnable()
{
    QSignalSpy failed(m_client.get(), &AgentClient::callFailed);
    m_client->setEnabled(QStringLiteral("bad"), false);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->collector(QStringLiteral("bad"))->enabled, false, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(QStringLiteral("bad")), QStringLiteral("disabled"), 20000);
    m_client->setEnabled(QStringLiteral("bad"), true);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->collector(QStringLiteral("bad"))->enabled, true, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(QStringLiteral("bad")), QStringLiteral("failing"), 20000);
    QCOMPARE(failed.count(), 0);

    // An unknown name is refused with the agent's own error.
    m_client->runNow(QStringLiteral("no-such-collector"));
    QVERIFY(failed.wait(20000));
    QCOMPARE(failed.constFirst().at(2).toString(), QStringLiteral("org.garnet.Agent1.Error.UnknownCollector"));
}

void tst_RealAgent::trayReflectsHealth()
{
    TrayIcon tray(m_client.get());
    QTRY_COMPARE_WITH_TIMEOUT(tray.summary().health, Health::Failing, 20000);
    QVERIFY(tray.toolTip().contains(QLatin1String("Failing: bad")));
}

void tst_RealAgent::reconnectsAfterAgentRestart()
{
    QSignalSpy connected(m_client.get(), &AgentClient::connectedChanged);
    stopAgent();
    QTRY_VERIFY_WITH_TIMEOUT(!m_client->isConnected(), 20000);
    QCOMPARE(m_window->collectorModel()->rowCount(), 0);
    startAgent();
    QTRY_VERIFY_WITH_TIMEOUT(m_client->isConnected(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->collectorModel()->rowCount(), 3, 20000);
    QVERIFY(connected.count() >= 2);
    m_window->selectCollector(QStringLiteral("good"));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->metricModel()->rowOf(QStringLiteral("value.a")) >= 0, 20000);
}

QTEST_MAIN(tst_RealAgent)
#include "tst_realagent.moc"
