// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

namespace Garnet {

/** Draws MetricModel::SparklineRole (recent values) as a small line chart scaled to its own min and max. */
class SparklineDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit SparklineDelegate(int role, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    /** The polyline for values inside rect (exposed for tests): x spreads evenly, y from min (bottom) to max. */
    static QPolygonF polyline(const QList<double> &values, const QRectF &rect);

private:
    int m_role;
};

} // namespace Garnet
