// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "cli.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    // Qt's own event dispatcher, not GLib's, in every thread: nothing here needs a GLib main loop, and it
    // saves a quarter MiB of resident memory. Collectors do not inherit the variable (collectorlaunch.cpp).
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    return Garnet::runAgentCli(app);
}
