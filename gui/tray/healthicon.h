// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "health.h"

#include <QIcon>

namespace Garnet {

/** The tray icon for a health: the garnet with a green, red or grey badge (painted if SVG support is missing). */
QIcon healthIcon(Health health);
/** The application's icon. */
QIcon applicationIcon();

} // namespace Garnet
