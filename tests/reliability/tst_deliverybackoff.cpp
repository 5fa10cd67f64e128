// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Reconnecting to a Graphite that keeps failing: exponential backoff (no reconnect storm), and delivery resumes
// on its own once the receiver behaves again.
#include "deliveryharness.h"
#include "graphiteoutput.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace Garnet;
using namespace GarnetTest;

namespace {
OutputConfig graphite(quint16 port)
{
    OutputConfig config;
    config.type = OutputType::Graphite;
    config.host = QStringLiteral("127.0.0.1");
    config.port = port;
    config.address = QStringLiteral("127.0.0.1:%1").arg(port);
    return config;
}
} // namespace

class tst_deliverybackoff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void failingReceiverIsRetriedWithGrowingPauses();
};

void tst_deliverybackoff::failingReceiverIsRetriedWithGrowingPauses()
{
    // A receiver that accepts and hangs up at once, like a carbon that crashes on every connection.
    QTcpServer slammer;
    QVERIFY(slammer.listen(QHostAddress::LocalHost, 0));
    QElapsedTimer clock;
    std::vector<qint64> acceptedAtMs;
    connect(&slammer, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = slammer.nextPendingConnection()) {
            acceptedAtMs.push_back(clock.elapsed());
            socket->abort();
            socket->deleteLater();
        }
    });
    GraphiteOutput output(graphite(slammer.serverPort()));
    output.enqueue("seq.1 1 1700000000\n", 1);
    clock.start();
    output.start();
    QTest::qWait(6500); // observing the retry pattern over time is the point here
    // 100 ms doubling (±20 %): about 0, 0.1, 0.3, 0.7, 1.5, 3.1, 6.3 s. A storm would be hundreds.
    QVERIFY2(acceptedAtMs.size() >= 3 && acceptedAtMs.size() <= 10, qPrintable(QString::number(acceptedAtMs.size())));
    // The pauses grow: the last one is several times the first.
    const qint64 first = acceptedAtMs[1] - acceptedAtMs[0];
    const qint64 last = acceptedAtMs.back() - acceptedAtMs[acceptedAtMs.size() - 2];
    QVERIFY2(last >= 3 * first, qPrintable(QStringLiteral("first pause %1 ms, last %2 ms").arg(first).arg(last)));
    QCOMPARE(output.counters().sent + output.counters().queued, 1);

    // The receiver behaves again on the same port: delivery resumes by itself.
    const quint16 port = slammer.serverPort();
    slammer.close();
    SeqSink sink;
    QVERIFY(sink.listen(port));
    QTRY_VERIFY_WITH_TIMEOUT(sink.distinctValues("seq.").count(1) == 1, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(output.counters().queued, 0, 60000);
}

QTEST_GUILESS_MAIN(tst_deliverybackoff)
#include "tst_deliverybackoff.moc"
