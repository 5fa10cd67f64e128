// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "collectormodel.h"
#include "translations.h"

#include <QApplication>
#include <QFile>
#include <QTest>
#include <QXmlStreamReader>

using namespace Garnet;

class tst_Translations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void systemLocaleIsGerman();
    void loadsGermanForTheSystemLocale();
    void englishNeedsNoTranslation();
    void catalogueIsComplete();
};

void tst_Translations::systemLocaleIsGerman()
{
    // main() below sets LANG/LC_ALL as a German desktop session would.
    QCOMPARE(QLocale::system().language(), QLocale::German);
}

void tst_Translations::loadsGermanForTheSystemLocale()
{
    QVERIFY(installTranslations(QLocale::system()));
    QCOMPARE(CollectorModel::stateLabel(QStringLiteral("failing")), QStringLiteral("fehlerhaft"));
    QCOMPARE(QCoreApplication::translate("Garnet::MainWindow", "Run now"), QStringLiteral("Jetzt ausführen"));
    QCOMPARE(QCoreApplication::translate("Garnet::TrayIcon", "Garnet: %n collector(s)", nullptr, 1),
        QStringLiteral("Garnet: 1 Kollektor"));
    QCOMPARE(QCoreApplication::translate("Garnet::TrayIcon", "Garnet: %n collector(s)", nullptr, 3),
        QStringLiteral("Garnet: 3 Kollektoren"));
}

void tst_Translations::englishNeedsNoTranslation()
{
    QVERIFY(!installTranslations(QLocale(QLocale::English, QLocale::UnitedStates)));
    QCOMPARE(CollectorModel::stateLabel(QStringLiteral("failing")), QStringLiteral("failing"));
    QVERIFY(installTranslations(QLocale(QLocale::German, QLocale::Austria))); // any German locale
    QCOMPARE(CollectorModel::stateLabel(QStringLiteral("ok")), QStringLiteral("in Ordnung"));
}

void tst_Translations::catalogueIsComplete()
{
    QFile file(QStringLiteral(GARNET_TEST_SOURCE_DIR "/../../translations/garnet_de.ts"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    QXmlStreamReader xml(&file);
    int messages = 0;
    QStringList missing;
    QString source;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation")) {
            ++messages;
            const bool unfinished = xml.attributes().value(QLatin1String("type")) == QLatin1String("unfinished");
            const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (unfinished || text.trimmed().isEmpty())
                missing.append(source);
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 50);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QLatin1String(" | "))));
}

int main(int argc, char *argv[])
{
    // Before QApplication: Qt reads the system locale from the environment once.
    qputenv("LC_ALL", "de_DE.UTF-8");
    qputenv("LANG", "de_DE.UTF-8");
    QApplication app(argc, argv);
    tst_Translations test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_translations.moc"
