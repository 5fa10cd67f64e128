// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "agentclient.h"
#include "fakeagent.h"
#include "trayicon.h"

#include <QMenu>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Garnet;

class tst_TrayIcon : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void tooltipAndHealth();
    void runNowMenu();
    void enableDisableMenu();
    void reloadAndOpen();
    void notifiesWhenCollectorStartsFailing();
    void notifiesWhenAgentGoesAway();

private:
    QMenu *submenu(const QString &title) const;
    QAction *action(QMenu *menu, const QString &text) const;

    std::unique_ptr<FakeAgent> m_agent;
    std::unique_ptr<AgentClient> m_client;
    std::unique_ptr<TrayIcon> m_tray;
    std::unique_ptr<QSignalSpy> m_notified; ///< from before the first connection
};

void tst_TrayIcon::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "these tests need a D-Bus session bus (dbus-run-session)");
}

void tst_TrayIcon::init()
{
    m_agent = std::make_unique<FakeAgent>();
    m_agent->collectors = { FakeAgent::collector(QStringLiteral("cpu"), QStringLiteral("ok")),
        FakeAgent::collector(QStringLiteral("disk"), QStringLiteral("failing"), 2, 2),
        FakeAgent::collector(QStringLiteral("memory"), QStringLiteral("ok")),
        FakeAgent::collector(QStringLiteral("net"), QStringLiteral("disabled")) };
    QVERIFY(m_agent->start());
    m_client = std::make_unique<AgentClient>();
    m_tray = std::make_unique<TrayIcon>(m_client.get());
    m_notified = std::make_unique<QSignalSpy>(m_tray.get(), &TrayIcon::notified);
    QCOMPARE(m_tray->summary().health, Health::Unreachable); // nothing answered yet
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->summary().total, 4, 10000);
}

void tst_TrayIcon::cleanup()
{
    m_notified.reset();
    m_tray.reset();
    m_client.reset();
    m_agent.reset();
}

QMenu *tst_TrayIcon::submenu(const QString &title) const
{
    const QList<QAction *> actions = m_tray->menu()->actions();
    for (QAction *action : actions) {
        if (action->menu() && action->text() == title)
            return action->menu();
    }
    return nullptr;
}

QAction *tst_TrayIcon::action(QMenu *menu, const QString &text) const
{
    const QList<QAction *> actions = menu->actions();
    for (QAction *action : actions) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

void tst_TrayIcon::tooltipAndHealth()
{
    const HealthSummary summary = m_tray->summary();
    QCOMPARE(summary.health, Health::Failing);
    QCOMPARE(summary.ok, 2);
    QCOMPARE(summary.failing, 1);
    QCOMPARE(summary.disabled, 1);
    QVERIFY(!m_tray->icon().isNull());
    const qint64 failingIcon = m_tray->icon().cacheKey();
    QVERIFY2(m_tray->toolTip().contains(QLatin1String("4 collector(s)")), qPrintable(m_tray->toolTip()));
    QVERIFY(m_tray->toolTip().contains(QLatin1String("2 ok, 1 failing, 0 running, 1 disabled")));
    QVERIFY(m_tray->toolTip().contains(QLatin1String("Failing: disk")));

    CollectorStatus disk = m_agent->collectors.at(1);
    disk.state = QStringLiteral("ok");
    m_agent->updateCollector(disk);
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->summary().health, Health::Ok, 10000);
    QVERIFY(m_tray->icon().cacheKey() != failingIcon);
    QVERIFY(!m_tray->toolTip().contains(QLatin1String("Failing")));

    m_agent->stop();
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->summary().health, Health::Unreachable, 10000);
    QVERIFY(m_tray->toolTip().contains(QLatin1String("not reachable")));
}

void tst_TrayIcon::runNowMenu()
{
    QMenu *run = submenu(QStringLiteral("Run now"));
    QVERIFY(run);
    QCOMPARE(run->actions().size(), 4);
    QVERIFY(!action(run, QStringLiteral("net"))->isEnabled()); // disabled
    action(run, QStringLiteral("memory"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->runNowCalls, QStringList { QStringLiteral("memory") }, 10000);
}

void tst_TrayIcon::enableDisableMenu()
{
    QMenu *toggle = submenu(QStringLiteral("Enable / disable"));
    QVERIFY(toggle);
    QVERIFY(action(toggle, QStringLiteral("Enable net")));
    action(toggle, QStringLiteral("Disable cpu"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->setEnabledCalls.size(), 1, 10000);
    QCOMPARE(m_agent->setEnabledCalls.constFirst(), std::make_pair(QStringLiteral("cpu"), false));
    QTRY_VERIFY_WITH_TIMEOUT(action(toggle, QStringLiteral("Enable cpu")), 10000);
    QVERIFY(action(toggle, QStringLiteral("Enable cpu"))->isEnabled());
    action(toggle, QStringLiteral("Enable net"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->setEnabledCalls.size(), 2, 10000);
    QCOMPARE(m_agent->setEnabledCalls.constLast(), std::make_pair(QStringLiteral("net"), true));
}

void tst_TrayIcon::reloadAndOpen()
{
    action(m_tray->menu(), QStringLiteral("Reload agent configuration"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->reloadCalls, 1, 10000);

    QSignalSpy open(m_tray.get(), &TrayIcon::showWindowRequested);
    action(m_tray->menu(), QStringLiteral("Open Garnet"))->trigger();
    QCOMPARE(open.count(), 1);
    Q_EMIT m_tray->activated(QSystemTrayIcon::Trigger);
    QCOMPARE(open.count(), 2);

    QSignalSpy quit(m_tray.get(), &TrayIcon::quitRequested);
    action(m_tray->menu(), QStringLiteral("Quit"))->trigger();
    QCOMPARE(quit.count(), 1);
}

void tst_TrayIcon::notifiesWhenCollectorStartsFailing()
{
    QSignalSpy &notified = *m_notified;
    // disk was already failing when we connected: that was notified once at start.
    QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 1, 10000);
    QVERIFY(notified.constFirst().at(1).toString().contains(QLatin1String("disk")));

    CollectorStatus cpu = m_agent->collectors.at(0);
    cpu.state = QStringLiteral("failing");
    cpu.stderrTail = { QStringLiteral("cpu: sensor missing") };
    m_agent->updateCollector(cpu);
    QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 2, 10000);
    QVERIFY(notified.constLast().at(1).toString().contains(QLatin1String("cpu is failing")));
    QVERIFY(notified.constLast().at(1).toString().contains(QLatin1String("sensor missing")));

    // running -> failing again is the same failure, not a new one
    cpu.state = QStringLiteral("running");
    m_agent->updateCollector(cpu);
    cpu.state = QStringLiteral("failing");
    cpu.runs += 1;
    m_agent->updateCollector(cpu);
    // ok -> failing within the minute: rate-limited
    cpu.state = QStringLiteral("ok");
    m_agent->updateCollector(cpu);
    cpu.state = QStringLiteral("failing");
    cpu.runs += 1;
    m_agent->updateCollector(cpu);
    // another collector has its own budget
    CollectorStatus memory = m_agent->collectors.at(2);
    memory.state = QStringLiteral("timed-out");
    m_agent->updateCollector(memory);
    QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 3, 10000);
    QVERIFY(notified.constLast().at(1).toString().contains(QLatin1String("memory timed out")));
    QTRY_COMPARE_WITH_TIMEOUT(m_client->collector(QStringLiteral("cpu"))->runs, cpu.runs, 10000);
    QCOMPARE(notified.count(), 3);
}

void tst_TrayIcon::notifiesWhenAgentGoesAway()
{
    QSignalSpy &notified = *m_notified;
    QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 1, 10000); // disk
    m_agent->stop();
    QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 2, 10000);
    QCOMPARE(notified.constLast().at(0).toString(), QStringLiteral("Garnet agent stopped"));
    QVERIFY(m_tray->menu()->actions().size() > 0);
    QVERIFY(!submenu(QStringLiteral("Run now"))->isEnabled());
}

QTEST_MAIN(tst_TrayIcon)
#include "tst_trayicon.moc"
