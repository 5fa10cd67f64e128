// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "clientlogging.h"

Q_LOGGING_CATEGORY(lcClient, "garnet.gui.client", QtInfoMsg)
