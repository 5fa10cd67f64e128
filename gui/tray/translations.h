// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QLocale>

namespace Garnet {

/**
 * Install the GUI's translation for locale (embedded as :/i18n/garnet_<lang>.qm) and Qt's own, replacing
 * ones installed before. Returns false when Garnet has no translation for that locale (English is built in).
 */
bool installTranslations(const QLocale &locale);

} // namespace Garnet
