// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "traylogging.h"

Q_LOGGING_CATEGORY(lcTray, "garnet.gui.tray", QtInfoMsg)
