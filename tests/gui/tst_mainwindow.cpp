// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "agentclient.h"
#include "collectormodel.h"
#include "fakeagent.h"
#include "mainwindow.h"
#include "metricmodel.h"
#include "statestyle.h"

#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace Garnet;

class tst_MainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void showsCollectorsWithStateColours();
    void selectingShowsMetricsAndStderr();
    void filterFindsMetrics();
    void valuesUpdateLive();
    void runNowCallsTheAgent();
    void disableAndEnable();
    void statusBarFollowsTheAgent();
    void controlErrorsShowInTheStatusBar();

private:
    template<typename T> T *child(const char *name) const
    {
        T *widget = m_window->findChild<T *>(QLatin1String(name));
        if (!widget)
            qFatal("no child %s", name);
        return widget;
    }
    int rowOf(const QString &collector) const { return m_window->collectorModel()->rowOf(collector); }
    bool containsColour(QTableView *view, const QModelIndex &index, const QColor &colour) const;

    std::unique_ptr<FakeAgent> m_agent;
    std::unique_ptr<AgentClient> m_client;
    std::unique_ptr<MainWindow> m_window;
};

void tst_MainWindow::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "these tests need a D-Bus session bus (dbus-run-session)");
}

void tst_MainWindow::init()
{
    m_agent = std::make_unique<FakeAgent>();
    m_agent->collectors = { FakeAgent::collector(QStringLiteral("cpu"), QStringLiteral("ok"), 12),
        FakeAgent::collector(QStringLiteral("disk"), QStringLiteral("failing"), 4, 4),
        FakeAgent::collector(QStringLiteral("memory"), QStringLiteral("ok"), 12) };
    m_agent->values = { FakeAgent::series(QStringLiteral("cpu"), QStringLiteral("user"), { 3, 5, 4, 8, 6 }),
        FakeAgent::series(QStringLiteral("cpu"), QStringLiteral("system"), { 1, 1.5, 1.25 }),
        FakeAgent::series(QStringLiteral("cpu"), QStringLiteral("iowait"), { 0, 0.5, 0 }),
        FakeAgent::series(QStringLiteral("memory"), QStringLiteral("used"), { 512, 520 }) };
    m_agent->counters = { { QStringLiteral("received"), 10 }, { QStringLiteral("sent"), 9 },
        { QStringLiteral("dropped"), 0 }, { QStringLiteral("rejected"), 1 }, { QStringLiteral("queued"), 1 } };
    QVERIFY(m_agent->start());
    m_client = std::make_unique<AgentClient>();
    m_window = std::make_unique<MainWindow>(m_client.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_COMPARE_WITH_TIMEOUT(child<QTableView>("collectorsView")->model()->rowCount(), 3, 10000);
}

void tst_MainWindow::cleanup()
{
    m_window.reset();
    m_client.reset();
    m_agent.reset();
}

bool tst_MainWindow::containsColour(QTableView *view, const QModelIndex &index, const QColor &colour) const
{
    const QImage image = view->viewport()->grab(view->visualRect(index)).toImage();
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (image.pixelColor(x, y).rgb() == colour.rgb())
                return true;
        }
    }
    return false;
}

void tst_MainWindow::showsCollectorsWithStateColours()
{
    auto *view = child<QTableView>("collectorsView");
    QAbstractItemModel *model = view->model();
    const QModelIndex okState = model->index(rowOf(QStringLiteral("cpu")), CollectorModel::StateColumn);
    const QModelIndex failingState = model->index(rowOf(QStringLiteral("disk")), CollectorModel::StateColumn);
    QCOMPARE(failingState.data().toString(), QStringLiteral("failing"));
    QVERIFY(okState.data(Qt::DecorationRole).value<QColor>() != failingState.data(Qt::DecorationRole).value<QColor>());

    // What is painted, not only what the model says (unselected: selection tints the decoration).
    view->clearSelection();
    const QColor red = StateStyle::color(QStringLiteral("failing"));
    const QColor green = StateStyle::color(QStringLiteral("ok"));
    QVERIFY(containsColour(view, failingState, red));
    QVERIFY(!containsColour(view, failingState, green));
    QVERIFY(containsColour(view, okState, green));
    QVERIFY(!containsColour(view, okState, red));
}

void tst_MainWindow::selectingShowsMetricsAndStderr()
{
    m_window->selectCollector(QStringLiteral("cpu"));
    QCOMPARE(m_window->selectedCollector(), QStringLiteral("cpu"));
    auto *metrics = child<QTableView>("metricsView");
    QTRY_COMPARE_WITH_TIMEOUT(metrics->model()->rowCount(), 3, 10000);
    QStringList values;
    for (int row = 0; row < metrics->model()->rowCount(); ++row) {
        values.append(metrics->model()->index(row, MetricModel::NameColumn).data().toString() + QLatin1Char('=')
            + metrics->model()->index(row, MetricModel::ValueColumn).data().toString());
    }
    QCOMPARE(
        values, QStringList({ QStringLiteral("iowait=0"), QStringLiteral("system=1.25"), QStringLiteral("user=6") }));
    QVERIFY(child<QLabel>("detailsTitle")->text().contains(QLatin1String("cpu")));
    QVERIFY(child<QPlainTextEdit>("stderrView")->toPlainText().isEmpty());

    m_window->selectCollector(QStringLiteral("disk"));
    QCOMPARE(metrics->model()->rowCount(), 0);
    QVERIFY(
        child<QPlainTextEdit>("stderrView")->toPlainText().contains(QLatin1String("disk: cannot read /proc/nothing")));

    // A click works the same as selecting from code.
    auto *collectors = child<QTableView>("collectorsView");
    const QRect memoryRect = collectors->visualRect(collectors->model()->index(rowOf(QStringLiteral("memory")), 0));
    QTest::mouseClick(collectors->viewport(), Qt::LeftButton, {}, memoryRect.center());
    QCOMPARE(m_window->selectedCollector(), QStringLiteral("memory"));
    QTRY_COMPARE_WITH_TIMEOUT(metrics->model()->rowCount(), 1, 10000);
    QCOMPARE(metrics->model()->index(0, MetricModel::ValueColumn).data().toString(), QStringLiteral("520"));
}

void tst_MainWindow::filterFindsMetrics()
{
    m_window->selectCollector(QStringLiteral("cpu"));
    auto *metrics = child<QTableView>("metricsView");
    QTRY_COMPARE_WITH_TIMEOUT(metrics->model()->rowCount(), 3, 10000);
    auto *filter = child<QLineEdit>("metricFilter");
    QTest::keyClicks(filter, QStringLiteral("SYS"));
    QCOMPARE(metrics->model()->rowCount(), 1);
    QCOMPARE(metrics->model()->index(0, 0).data().toString(), QStringLiteral("system"));
    filter->clear();
    QCOMPARE(metrics->model()->rowCount(), 3);
}

void tst_MainWindow::valuesUpdateLive()
{
    m_window->selectCollector(QStringLiteral("cpu"));
    auto *metrics = child<QTableView>("metricsView");
    QTRY_COMPARE_WITH_TIMEOUT(metrics->model()->rowCount(), 3, 10000);
    m_agent->pushSamples({ { QStringLiteral("cpu"), QStringLiteral("user"), 1700000100, 42.5 } });
    const auto userValue = [metrics] {
        for (int row = 0; row < metrics->model()->rowCount(); ++row) {
            if (metrics->model()->index(row, 0).data().toString() == QLatin1String("user"))
                return metrics->model()->index(row, MetricModel::ValueColumn).data().toString();
        }
        return QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(userValue(), QStringLiteral("42.5"), 10000);

    CollectorStatus cpu = m_agent->collectors.at(0);
    cpu.runs = 13;
    m_agent->updateCollector(cpu);
    auto *collectors = child<QTableView>("collectorsView");
    QTRY_COMPARE_WITH_TIMEOUT(
        collectors->model()->index(rowOf(QStringLiteral("cpu")), CollectorModel::RunsColumn).data().toString(),
        QStringLiteral("13"), 10000);
}

void tst_MainWindow::runNowCallsTheAgent()
{
    m_window->selectCollector(QStringLiteral("memory"));
    auto *runNow = child<QAction>("runNowAction");
    QVERIFY(runNow->isEnabled());
    runNow->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->runNowCalls, QStringList { QStringLiteral("memory") }, 10000);
}

void tst_MainWindow::disableAndEnable()
{
    m_window->selectCollector(QStringLiteral("cpu"));
    auto *toggle = child<QAction>("enableAction");
    QCOMPARE(toggle->text(), QStringLiteral("Disable"));
    toggle->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->setEnabledCalls.size(), 1, 10000);
    QCOMPARE(m_agent->setEnabledCalls.constFirst(), std::make_pair(QStringLiteral("cpu"), false));
    QTRY_COMPARE_WITH_TIMEOUT(toggle->text(), QStringLiteral("Enable"), 10000);
    QVERIFY(!child<QAction>("runNowAction")->isEnabled()); // a disabled collector is not run by hand
    toggle->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->setEnabledCalls.size(), 2, 10000);
    QCOMPARE(m_agent->setEnabledCalls.constLast(), std::make_pair(QStringLiteral("cpu"), true));
}

void tst_MainWindow::statusBarFollowsTheAgent()
{
    auto *connection = child<QLabel>("connectionLabel");
    auto *counters = child<QLabel>("countersLabel");
    QTRY_VERIFY_WITH_TIMEOUT(
        connection->text().contains(QLatin1String("Connected to garnet-agent 9.9.9-fake on testhost")), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(counters->text().contains(QLatin1String("Received 10")), 10000);
    QVERIFY(counters->text().contains(QLatin1String("Rejected 1")));

    m_agent->counters[QStringLiteral("received")] = 25;
    Q_EMIT m_agent->CountersChanged(m_agent->counters);
    QTRY_VERIFY_WITH_TIMEOUT(counters->text().contains(QLatin1String("Received 25")), 10000);

    m_agent->stop();
    QTRY_VERIFY_WITH_TIMEOUT(connection->text().contains(QLatin1String("not reachable")), 10000);
    QCOMPARE(child<QTableView>("collectorsView")->model()->rowCount(), 0);
    QVERIFY(!child<QAction>("runNowAction")->isEnabled());
    QVERIFY(!child<QAction>("reloadAction")->isEnabled());

    QVERIFY(m_agent->start());
    QTRY_VERIFY_WITH_TIMEOUT(connection->text().contains(QLatin1String("Connected")), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(child<QTableView>("collectorsView")->model()->rowCount(), 3, 10000);
    QVERIFY(!m_window->selectedCollector().isEmpty()); // something is selected again
}

void tst_MainWindow::controlErrorsShowInTheStatusBar()
{
    m_agent->refuseControlWith = QStringLiteral("org.garnet.Agent1.Error.AccessDenied");
    QSignalSpy failed(m_client.get(), &AgentClient::callFailed);
    child<QAction>("reloadAction")->trigger();
    QVERIFY(failed.wait(10000));
    QVERIFY(m_window->statusBar()->currentMessage().contains(QLatin1String("refused by the test")));
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
