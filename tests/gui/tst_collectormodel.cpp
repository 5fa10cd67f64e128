// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "agentclient.h"
#include "collectormodel.h"
#include "fakeagent.h"
#include "statestyle.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Garnet;

class tst_CollectorModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void showsCollectors();
    void stateColours();
    void updateChangesOnlyChangedCells();
    void insertsAndRemovesRows();
    void emptiesWhenAgentGoesAway();
    void headers();

private:
    std::unique_ptr<FakeAgent> m_agent;
    std::unique_ptr<AgentClient> m_client;
    std::unique_ptr<CollectorModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void tst_CollectorModel::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "these tests need a D-Bus session bus (dbus-run-session)");
}

void tst_CollectorModel::init()
{
    m_agent = std::make_unique<FakeAgent>();
    m_agent->collectors = { FakeAgent::collector(QStringLiteral("cpu"), QStringLiteral("ok"), 7),
        FakeAgent::collector(QStringLiteral("disk"), QStringLiteral("failing"), 3, 2),
        FakeAgent::collector(QStringLiteral("net"), QStringLiteral("disabled"), 0) };
    QVERIFY(m_agent->start());
    m_client = std::make_unique<AgentClient>();
    m_model = std::make_unique<CollectorModel>(m_client.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(), 3, 10000);
}

void tst_CollectorModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_agent.reset();
}

void tst_CollectorModel::showsCollectors()
{
    QCOMPARE(m_model->columnCount(), int(CollectorModel::ColumnCount));
    const auto cell
        = [this](int row, int column, int role = Qt::DisplayRole) { return m_model->index(row, column).data(role); };
    QCOMPARE(cell(0, CollectorModel::NameColumn).toString(), QStringLiteral("cpu"));
    QCOMPARE(cell(1, CollectorModel::NameColumn).toString(), QStringLiteral("disk"));
    QCOMPARE(cell(0, CollectorModel::StateColumn).toString(), QStringLiteral("ok"));
    QCOMPARE(cell(1, CollectorModel::StateColumn).toString(), QStringLiteral("failing"));
    QCOMPARE(cell(2, CollectorModel::StateColumn).toString(), QStringLiteral("disabled"));
    QCOMPARE(cell(1, 0, CollectorModel::StateRole).toString(), QStringLiteral("failing"));
    QCOMPARE(cell(0, CollectorModel::RunsColumn).toString(), QStringLiteral("7"));
    QCOMPARE(cell(1, CollectorModel::FailuresColumn).toString(), QStringLiteral("2"));
    QCOMPARE(cell(1, CollectorModel::ExitColumn).toString(), QStringLiteral("2"));
    QCOMPARE(cell(0, CollectorModel::DurationColumn).toString(), QStringLiteral("42 ms"));
    QCOMPARE(cell(0, CollectorModel::RunsColumn, CollectorModel::SortRole).toLongLong(), 7);
    QCOMPARE(cell(2, CollectorModel::NextRunColumn).toString(), QStringLiteral("disabled"));
    QCOMPARE(cell(2, 0, CollectorModel::EnabledRole).toBool(), false);
    QVERIFY(cell(0, CollectorModel::LastRunColumn).toString().contains(QLatin1Char(':')));
    QCOMPARE(cell(1, 0, CollectorModel::StderrTailRole).toStringList().size(), 2);
    QVERIFY(cell(1, CollectorModel::StateColumn, Qt::ToolTipRole).toString().contains(QLatin1String("/proc/nothing")));
    QCOMPARE(m_model->rowOf(QStringLiteral("net")), 2);
    QCOMPARE(m_model->rowOf(QStringLiteral("nope")), -1);
}

void tst_CollectorModel::stateColours()
{
    const QColor ok = m_model->index(0, CollectorModel::StateColumn).data(Qt::DecorationRole).value<QColor>();
    const QColor failing = m_model->index(1, CollectorModel::StateColumn).data(Qt::DecorationRole).value<QColor>();
    const QColor disabled = m_model->index(2, CollectorModel::StateColumn).data(Qt::DecorationRole).value<QColor>();
    QCOMPARE(ok, StateStyle::color(QStringLiteral("ok")));
    QCOMPARE(failing, StateStyle::color(QStringLiteral("failing")));
    QVERIFY(ok != failing);
    QVERIFY(disabled != ok && disabled != failing);
    QVERIFY(failing.red() > failing.green()); // red-ish
    QVERIFY(ok.green() > ok.red()); // green-ish
    // Failing text is coloured, ok text uses the palette.
    QVERIFY(m_model->index(1, CollectorModel::StateColumn).data(Qt::ForegroundRole).canConvert<QBrush>());
    QVERIFY(!m_model->index(0, CollectorModel::StateColumn).data(Qt::ForegroundRole).isValid());
}

void tst_CollectorModel::updateChangesOnlyChangedCells()
{
    QSignalSpy dataChanged(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);

    CollectorStatus cpu = m_agent->collectors.at(0);
    cpu.runs = 8;
    m_agent->updateCollector(cpu);
    QVERIFY(dataChanged.wait(10000));
    QCOMPARE(dataChanged.count(), 1);
    auto topLeft = dataChanged.constFirst().at(0).toModelIndex();
    auto bottomRight = dataChanged.constFirst().at(1).toModelIndex();
    QCOMPARE(topLeft.row(), 0);
    QCOMPARE(bottomRight.row(), 0);
    QCOMPARE(topLeft.column(), int(CollectorModel::RunsColumn));
    QCOMPARE(bottomRight.column(), int(CollectorModel::RunsColumn));
    QCOMPARE(m_model->index(0, CollectorModel::RunsColumn).data().toString(), QStringLiteral("8"));

    // A state change also repaints the name (its colour follows the state).
    dataChanged.clear();
    cpu.state = QStringLiteral("failing");
    m_agent->updateCollector(cpu);
    QTRY_VERIFY_WITH_TIMEOUT(!dataChanged.isEmpty(), 10000);
    topLeft = dataChanged.constLast().at(0).toModelIndex();
    QCOMPARE(topLeft.column(), int(CollectorModel::NameColumn));
    QCOMPARE(m_model->index(0, 0).data(CollectorModel::StateRole).toString(), QStringLiteral("failing"));

    QCOMPARE(reset.count(), 0);
    QCOMPARE(inserted.count(), 0);
}

void tst_CollectorModel::insertsAndRemovesRows()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);

    // "disk" goes, "apache" and "dns" come: one removal, two separate insertions.
    m_agent->setCollectorSet({ FakeAgent::collector(QStringLiteral("apache"), QStringLiteral("ok")),
        FakeAgent::collector(QStringLiteral("cpu"), QStringLiteral("ok"), 7),
        FakeAgent::collector(QStringLiteral("dns"), QStringLiteral("running")),
        FakeAgent::collector(QStringLiteral("net"), QStringLiteral("disabled"), 0) });
    QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(), 4, 10000);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.constFirst().at(1).toInt(), 1); // disk was row 1
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0); // apache
    QCOMPARE(inserted.at(1).at(1).toInt(), 2); // dns, after cpu
    QCOMPARE(reset.count(), 0);
    QStringList names;
    for (int row = 0; row < m_model->rowCount(); ++row)
        names.append(m_model->index(row, 0).data().toString());
    QCOMPARE(names,
        QStringList({ QStringLiteral("apache"), QStringLiteral("cpu"), QStringLiteral("dns"), QStringLiteral("net") }));

    // A collector unknown so far that shows up in CollectorUpdated is inserted too.
    m_agent->updateCollector(FakeAgent::collector(QStringLiteral("zzz"), QStringLiteral("ok")));
    QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(), 5, 10000);
    QCOMPARE(m_model->index(4, 0).data().toString(), QStringLiteral("zzz"));
}

void tst_CollectorModel::emptiesWhenAgentGoesAway()
{
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    m_agent->stop();
    QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(), 0, 10000);
    QCOMPARE(removed.count(), 1); // one contiguous removal
    QVERIFY(m_agent->start());
    QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(), 3, 10000);
}

void tst_CollectorModel::headers()
{
    QCOMPARE(m_model->headerData(CollectorModel::NameColumn, Qt::Horizontal).toString(), QStringLiteral("Collector"));
    QCOMPARE(m_model->headerData(CollectorModel::NextRunColumn, Qt::Horizontal).toString(), QStringLiteral("Next run"));
    QVERIFY(m_model->roleNames().contains(CollectorModel::StateRole));
}

QTEST_GUILESS_MAIN(tst_CollectorModel)
#include "tst_collectormodel.moc"
