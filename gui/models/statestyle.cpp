// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "statestyle.h"

namespace Garnet::StateStyle {

QColor color(const QString &state)
{
    if (state == QLatin1String("ok"))
        return QColor(0x2e, 0x7d, 0x32);
    if (state == QLatin1String("failing"))
        return QColor(0xc6, 0x28, 0x28);
    if (state == QLatin1String("timed-out"))
        return QColor(0xef, 0x6c, 0x00);
    if (state == QLatin1String("running"))
        return QColor(0x15, 0x65, 0xc0);
    return QColor(0x9e, 0x9e, 0x9e); // disabled, unknown
}

QColor textColor(const QString &state)
{
    if (state == QLatin1String("failing"))
        return QColor(0xb7, 0x1c, 0x1c);
    if (state == QLatin1String("timed-out"))
        return QColor(0xc4, 0x5a, 0x00);
    if (state == QLatin1String("disabled"))
        return QColor(0x75, 0x75, 0x75);
    return {};
}

} // namespace Garnet::StateStyle
