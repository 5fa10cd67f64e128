// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "healthicon.h"

#include "statestyle.h"

#include <QPainter>
#include <QPixmap>

namespace Garnet {

namespace {

QString resourceName(Health health)
{
    switch (health) {
    case Health::Ok:
        return QStringLiteral(":/icons/garnet-ok.svg");
    case Health::Failing:
        return QStringLiteral(":/icons/garnet-failing.svg");
    case Health::Unreachable:
        break;
    }
    return QStringLiteral(":/icons/garnet-unreachable.svg");
}

/** Without the Qt SVG plugins an SVG icon is empty: paint a plain coloured disc instead. */
QIcon paintedIcon(const QColor &color)
{
    QIcon icon;
    for (const int size : { 16, 22, 32, 64 }) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(color.darker(140), size / 16.0));
        painter.setBrush(color);
        painter.drawEllipse(QRectF(1, 1, size - 2, size - 2));
        icon.addPixmap(pixmap);
    }
    return icon;
}

QIcon loadOrPaint(const QString &resource, const QColor &fallback)
{
    QIcon icon(resource);
    if (icon.pixmap(22, 22).isNull())
        return paintedIcon(fallback);
    return icon;
}

} // namespace

QIcon healthIcon(Health health)
{
    const QString state = health == Health::Ok ? QStringLiteral("ok")
        : health == Health::Failing            ? QStringLiteral("failing")
                                               : QStringLiteral("disabled");
    return loadOrPaint(resourceName(health), StateStyle::color(state));
}

QIcon applicationIcon()
{
    return loadOrPaint(QStringLiteral(":/icons/garnet.svg"), QColor(0x8e, 0x1b, 0x3a));
}

} // namespace Garnet
