// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "sparklinedelegate.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace Garnet {

namespace {
const QColor LineColor(0x15, 0x65, 0xc0);
constexpr int Margin = 3;
} // namespace

SparklineDelegate::SparklineDelegate(int role, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_role(role)
{ }

QPolygonF SparklineDelegate::polyline(const QList<double> &values, const QRectF &rect)
{
    QList<double> finite;
    finite.reserve(values.size());
    std::copy_if(values.cbegin(), values.cend(), std::back_inserter(finite), [](double v) { return std::isfinite(v); });
    QPolygonF points;
    if (finite.isEmpty() || rect.isEmpty())
        return points;
    const auto [minIt, maxIt] = std::minmax_element(finite.cbegin(), finite.cend());
    const double min = *minIt;
    const double span = *maxIt - min;
    const double step = finite.size() > 1 ? rect.width() / double(finite.size() - 1) : 0;
    for (qsizetype i = 0; i < finite.size(); ++i) {
        // A flat series is drawn through the middle rather than along the bottom edge.
        const double fraction = span > 0 ? (finite.at(i) - min) / span : 0.5;
        points.append(QPointF(rect.left() + step * double(i), rect.bottom() - fraction * rect.height()));
    }
    if (points.size() == 1)
        points.append(QPointF(rect.right(), points.constFirst().y()));
    return points;
}

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    const QList<double> values = index.data(m_role).value<QList<double>>();
    const QRectF area = QRectF(option.rect).adjusted(Margin, Margin + 1, -Margin - 3, -Margin - 1);
    const QPolygonF line = polyline(values, area);
    if (line.isEmpty())
        return;

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const bool selected = option.state & QStyle::State_Selected;
    const QColor color = selected ? option.palette.color(QPalette::HighlightedText) : LineColor;

    QPainterPath fill;
    fill.moveTo(line.constFirst().x(), area.bottom());
    for (const QPointF &point : line)
        fill.lineTo(point);
    fill.lineTo(line.constLast().x(), area.bottom());
    fill.closeSubpath();
    QColor fillColor = color;
    fillColor.setAlpha(45);
    painter->fillPath(fill, fillColor);

    painter->setPen(QPen(color, 1.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->drawPolyline(line);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawEllipse(line.constLast(), 2.5, 2.5);
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QSize base = QStyledItemDelegate::sizeHint(option, index);
    return QSize(std::max(base.width(), 140), std::max(base.height(), 22));
}

} // namespace Garnet
