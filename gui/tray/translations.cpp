// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "translations.h"

#include "traylogging.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

#include <memory>

namespace Garnet {

namespace {

void replace(std::unique_ptr<QTranslator> &slot, std::unique_ptr<QTranslator> next)
{
    if (slot)
        QCoreApplication::removeTranslator(slot.get());
    slot = std::move(next);
    if (slot)
        QCoreApplication::installTranslator(slot.get());
}

} // namespace

bool installTranslations(const QLocale &locale)
{
    static std::unique_ptr<QTranslator> garnet;
    static std::unique_ptr<QTranslator> qt;

    auto qtTranslator = std::make_unique<QTranslator>();
    const bool qtLoaded = qtTranslator->load(
        locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    replace(qt, qtLoaded ? std::move(qtTranslator) : nullptr);

    auto garnetTranslator = std::make_unique<QTranslator>();
    const bool loaded
        = garnetTranslator->load(locale, QStringLiteral("garnet"), QStringLiteral("_"), QStringLiteral(":/i18n"));
    replace(garnet, loaded ? std::move(garnetTranslator) : nullptr);
    qCDebug(lcTray) << "translation for" << locale.uiLanguages() << (loaded ? "loaded" : "not available");
    return loaded;
}

} // namespace Garnet
