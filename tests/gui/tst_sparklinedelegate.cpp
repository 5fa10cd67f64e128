// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "sparklinedelegate.h"

#include <QImage>
#include <QPainter>
#include <QStandardItemModel>
#include <QTest>

#include <limits>

using namespace Garnet;

class tst_SparklineDelegate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void polyline_data();
    void polyline();
    void paintsTheLine();
};

void tst_SparklineDelegate::polyline_data()
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<QPolygonF>("expected"); // inside QRectF(0, 0, 100, 10): bottom is y=10
    QTest::newRow("empty") << QList<double> {} << QPolygonF {};
    QTest::newRow("one value: flat line through the middle")
        << QList<double> { 7 } << QPolygonF({ QPointF(0, 5), QPointF(100, 5) });
    QTest::newRow("flat") << QList<double> { 3, 3, 3 } << QPolygonF({ QPointF(0, 5), QPointF(50, 5), QPointF(100, 5) });
    QTest::newRow("rising") << QList<double> { 0, 5, 10 }
                            << QPolygonF({ QPointF(0, 10), QPointF(50, 5), QPointF(100, 0) });
    QTest::newRow("negative") << QList<double> { -4, -2 } << QPolygonF({ QPointF(0, 10), QPointF(100, 0) });
    QTest::newRow("non-finite values are skipped")
        << QList<double> { nan, 1, inf, 2, -inf } << QPolygonF({ QPointF(0, 10), QPointF(100, 0) });
    QTest::newRow("only nan") << QList<double> { nan, nan } << QPolygonF {};
}

void tst_SparklineDelegate::polyline()
{
    QFETCH(QList<double>, values);
    QFETCH(QPolygonF, expected);
    QCOMPARE(SparklineDelegate::polyline(values, QRectF(0, 0, 100, 10)), expected);
}

void tst_SparklineDelegate::paintsTheLine()
{
    constexpr int Role = Qt::UserRole + 7;
    QStandardItemModel model(1, 1);
    model.setData(model.index(0, 0), QVariant::fromValue(QList<double> { 1, 5, 2, 8 }), Role);
    SparklineDelegate delegate(Role);
    QImage image(160, 24, QImage::Format_ARGB32);
    image.fill(Qt::white);
    QStyleOptionViewItem option;
    option.rect = image.rect();
    option.state = QStyle::State_Enabled;
    {
        QPainter painter(&image);
        delegate.paint(&painter, option, model.index(0, 0));
    }
    int coloured = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor pixel = image.pixelColor(x, y);
            if (pixel.blue() > pixel.red() + 40)
                ++coloured;
        }
    }
    QVERIFY2(coloured > 50, qPrintable(QString::number(coloured)));
    QVERIFY(delegate.sizeHint(option, model.index(0, 0)).width() >= 100);
}

QTEST_MAIN(tst_SparklineDelegate)
#include "tst_sparklinedelegate.moc"
