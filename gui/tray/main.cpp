// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "healthicon.h"
#include "translations.h"
#include "trayapp.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("garnet-tray"));
    QApplication::setApplicationDisplayName(QStringLiteral("Garnet"));
    QApplication::setApplicationVersion(QStringLiteral(GARNET_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.garnet.Tray"));
    QApplication::setWindowIcon(Garnet::applicationIcon());
    Garnet::installTranslations(QLocale::system());

    Garnet::TrayApp tray;
    tray.start(QApplication::arguments());
    return QApplication::exec();
}
