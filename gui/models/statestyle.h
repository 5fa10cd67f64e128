// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QString>

/** The one palette for collector states, shared by the table, the tray icon and the sparklines. */
namespace Garnet::StateStyle {

/** Fill colour of a state's marker: ok green, failing red, timed-out orange, running blue, disabled grey. */
QColor color(const QString &state);
/** Text colour of a state's label, or an invalid colour for "use the palette's text colour". */
QColor textColor(const QString &state);

} // namespace Garnet::StateStyle
