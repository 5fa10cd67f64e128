// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "format.h"

#include <QDateTime>
#include <QLocale>

#include <cmath>

namespace Garnet::Format {

QString none()
{
    return QStringLiteral("—");
}

QString timeOfDay(qint64 unixMs)
{
    if (unixMs <= 0)
        return none();
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(unixMs);
    if (when.date() == QDate::currentDate())
        return QLocale().toString(when.time(), QStringLiteral("HH:mm:ss"));
    return QLocale().toString(when, QLocale::ShortFormat);
}

QString dateTime(qint64 unixMs)
{
    if (unixMs <= 0)
        return none();
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(unixMs), QLocale::LongFormat);
}

QString duration(qint64 ms)
{
    if (ms < 0)
        return none();
    QLocale locale;
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000)
        return QStringLiteral("%1 s").arg(locale.toString(ms / 1000.0, 'f', ms < 10'000 ? 2 : 1));
    return QStringLiteral("%1 min %2 s").arg(ms / 60'000).arg((ms % 60'000) / 1000);
}

QString value(double value)
{
    QLocale locale;
    locale.setNumberOptions(QLocale::OmitGroupSeparator);
    if (std::isfinite(value) && std::trunc(value) == value && std::abs(value) < 1e15)
        return locale.toString(static_cast<qlonglong>(value));
    return locale.toString(value, 'g', 6);
}

} // namespace Garnet::Format
