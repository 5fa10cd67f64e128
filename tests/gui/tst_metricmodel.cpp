// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "agentclient.h"
#include "fakeagent.h"
#include "metricfiltermodel.h"
#include "metricmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Garnet;

class tst_MetricModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void showsSelectedCollector();
    void liveValuesUpdateRows();
    void newMetricsAreAppended();
    void otherCollectorsDoNotDisturb();
    void reloadsWhenCollectorsChange();
    void filterByName_data();
    void filterByName();
    void sortsNumerically();

private:
    std::unique_ptr<FakeAgent> m_agent;
    std::unique_ptr<AgentClient> m_client;
    std::unique_ptr<MetricModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void tst_MetricModel::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "these tests need a D-Bus session bus (dbus-run-session)");
}

void tst_MetricModel::init()
{
    m_agent = std::make_unique<FakeAgent>();
    m_agent->collectors = { FakeAgent::collector(QStringLiteral("cpu"), QStringLiteral("ok")),
        FakeAgent::collector(QStringLiteral("disk"), QStringLiteral("ok")) };
    m_agent->values = { FakeAgent::series(QStringLiteral("cpu"), QStringLiteral("user"), { 1, 2, 3 }),
        FakeAgent::series(QStringLiteral("cpu"), QStringLiteral("system"), { 0.25, 0.5 }),
        FakeAgent::series(QStringLiteral("cpu"), QStringLiteral("idle;core=0"), { 90, 80, 95 }),
        FakeAgent::series(QStringLiteral("disk"), QStringLiteral("root.used"), { 100 }) };
    QVERIFY(m_agent->start());
    m_client = std::make_unique<AgentClient>();
    m_model = std::make_unique<MetricModel>(m_client.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->setCollector(QStringLiteral("cpu"));
    QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(), 3, 10000);
}

void tst_MetricModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_agent.reset();
}

void tst_MetricModel::showsSelectedCollector()
{
    QCOMPARE(m_model->collector(), QStringLiteral("cpu"));
    QCOMPARE(m_model->columnCount(), int(MetricModel::ColumnCount));
    const int user = m_model->rowOf(QStringLiteral("user"));
    QVERIFY(user >= 0);
    QCOMPARE(m_model->index(user, MetricModel::NameColumn).data().toString(), QStringLiteral("user"));
    QCOMPARE(m_model->index(user, MetricModel::ValueColumn).data().toString(), QStringLiteral("3"));
    QCOMPARE(m_model->index(user, 0).data(MetricModel::ValueRole).toDouble(), 3.0);
    QCOMPARE(m_model->index(user, 0).data(MetricModel::TimestampRole).toLongLong(), 1700000020);
    QCOMPARE(
        m_model->index(user, 0).data(MetricModel::SparklineRole).value<QList<double>>(), QList<double>({ 1, 2, 3 }));
    QVERIFY(m_model->index(user, MetricModel::TrendColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QLatin1String("3 sample(s)")));
    const int system = m_model->rowOf(QStringLiteral("system"));
    QCOMPARE(m_model->index(system, MetricModel::ValueColumn).data().toString(), QStringLiteral("0.5"));

    m_model->setCollector(QStringLiteral("disk"));
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->index(0, 0).data().toString(), QStringLiteral("root.used"));
    m_model->setCollector(QString());
    QCOMPARE(m_model->rowCount(), 0);
}

void tst_MetricModel::liveValuesUpdateRows()
{
    QSignalSpy dataChanged(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_agent->pushSamples({ { QStringLiteral("cpu"), QStringLiteral("system"), 1700000030, 0.75 } });
    QVERIFY(dataChanged.wait(10000));
    const int system = m_model->rowOf(QStringLiteral("system"));
    QCOMPARE(dataChanged.count(), 1);
    QCOMPARE(dataChanged.constFirst().at(0).toModelIndex(), m_model->index(system, MetricModel::ValueColumn));
    QCOMPARE(dataChanged.constFirst().at(1).toModelIndex(), m_model->index(system, MetricModel::TrendColumn));
    QCOMPARE(m_model->index(system, MetricModel::ValueColumn).data().toString(), QStringLiteral("0.75"));
    QCOMPARE(m_model->index(system, 0).data(MetricModel::SparklineRole).value<QList<double>>(),
        QList<double>({ 0.25, 0.5, 0.75 }));
    QCOMPARE(reset.count(), 0);
}

void tst_MetricModel::newMetricsAreAppended()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    m_agent->pushSamples({ { QStringLiteral("cpu"), QStringLiteral("steal"), 1700000030, 0 },
        { QStringLiteral("cpu"), QStringLiteral("user"), 1700000030, 4 } });
    QVERIFY(inserted.wait(10000));
    QCOMPARE(inserted.constFirst().at(1).toInt(), 3);
    QCOMPARE(inserted.constFirst().at(2).toInt(), 3);
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(m_model->index(3, 0).data().toString(), QStringLiteral("steal"));
    QCOMPARE(m_model->index(m_model->rowOf(QStringLiteral("user")), MetricModel::ValueColumn).data().toString(),
        QStringLiteral("4"));
}

void tst_MetricModel::otherCollectorsDoNotDisturb()
{
    QSignalSpy arrived(m_client.get(), &AgentClient::valuesArrived);
    QSignalSpy dataChanged(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    m_agent->pushSamples({ { QStringLiteral("disk"), QStringLiteral("root.used"), 1700000030, 101 },
        { QStringLiteral("disk"), QStringLiteral("user"), 1700000030, 1 } });
    QVERIFY(arrived.wait(10000));
    QCOMPARE(dataChanged.count(), 0);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(m_model->rowCount(), 3);
}

void tst_MetricModel::reloadsWhenCollectorsChange()
{
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_agent->values.removeAt(1); // "system" is gone after the agent's reload
    m_agent->setCollectorSet(m_agent->collectors);
    QVERIFY(reset.wait(10000));
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(m_model->rowOf(QStringLiteral("system")), -1);
}

void tst_MetricModel::filterByName_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("empty") << QString()
                           << QStringList { QStringLiteral("idle;core=0"), QStringLiteral("system"),
                                  QStringLiteral("user") };
    QTest::newRow("part") << QStringLiteral("s") << QStringList { QStringLiteral("system"), QStringLiteral("user") };
    QTest::newRow("case-insensitive") << QStringLiteral("USER") << QStringList { QStringLiteral("user") };
    QTest::newRow("tags match") << QStringLiteral("core=0") << QStringList { QStringLiteral("idle;core=0") };
    QTest::newRow("spaces trimmed") << QStringLiteral("  sys ") << QStringList { QStringLiteral("system") };
    QTest::newRow("regex characters are literal") << QStringLiteral(".*") << QStringList {};
    QTest::newRow("nothing") << QStringLiteral("nope") << QStringList {};
}

void tst_MetricModel::filterByName()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, names);
    MetricFilterModel proxy;
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(m_model.get());
    proxy.sort(MetricModel::NameColumn);
    proxy.setFilterText(filter);
    QStringList shown;
    for (int row = 0; row < proxy.rowCount(); ++row)
        shown.append(proxy.index(row, MetricModel::NameColumn).data().toString());
    QCOMPARE(shown, names);

    // Filtering stays right while values arrive.
    m_agent->pushSamples({ { QStringLiteral("cpu"), QStringLiteral("system-extra"), 1700000030, 1 } });
    QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(), 4, 10000);
    const bool matches = QStringLiteral("system-extra").contains(filter.trimmed(), Qt::CaseInsensitive);
    QCOMPARE(proxy.rowCount(), int(names.size()) + (matches ? 1 : 0));
}

void tst_MetricModel::sortsNumerically()
{
    MetricFilterModel proxy;
    proxy.setSourceModel(m_model.get());
    m_agent->pushSamples({ { QStringLiteral("cpu"), QStringLiteral("user"), 1700000030, 10 } });
    QTRY_COMPARE_WITH_TIMEOUT(
        m_model->index(m_model->rowOf(QStringLiteral("user")), 0).data(MetricModel::ValueRole).toDouble(), 10.0, 10000);
    proxy.sort(MetricModel::ValueColumn, Qt::AscendingOrder);
    QStringList order;
    for (int row = 0; row < proxy.rowCount(); ++row)
        order.append(proxy.index(row, MetricModel::NameColumn).data().toString());
    // 0.5 < 10 < 95: a text sort would put "10" first
    QCOMPARE(order, QStringList({ QStringLiteral("system"), QStringLiteral("user"), QStringLiteral("idle;core=0") }));
}

QTEST_GUILESS_MAIN(tst_MetricModel)
#include "tst_metricmodel.moc"
