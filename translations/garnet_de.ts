<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Garnet::AgentClient</name>
    <message>
        <source>No D-Bus connection: %1</source>
        <translation>Keine D-Bus-Verbindung: %1</translation>
    </message>
    <message>
        <source>garnet-agent is not running (no %1 on the bus)</source>
        <translation>garnet-agent läuft nicht (kein %1 auf dem Bus)</translation>
    </message>
    <message>
        <source>garnet-agent went away</source>
        <translation>garnet-agent ist verschwunden</translation>
    </message>
    <message>
        <source>garnet-agent was replaced</source>
        <translation>garnet-agent wurde ersetzt</translation>
    </message>
    <message>
        <source>Not allowed to talk to garnet-agent: %1</source>
        <translation>Keine Berechtigung für garnet-agent: %1</translation>
    </message>
</context>
<context>
    <name>Garnet::CollectorModel</name>
    <message>
        <source>ok</source>
        <translation>in Ordnung</translation>
    </message>
    <message>
        <source>failing</source>
        <translation>fehlerhaft</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>Zeitüberschreitung</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>%1 — last error output: %2</source>
        <translation>%1 — letzte Fehlerausgabe: %2</translation>
    </message>
    <message>
        <source>Killed by signal %1</source>
        <translation>Durch Signal %1 beendet</translation>
    </message>
    <message numerus="yes">
        <source>%n timeout(s), %1 skipped tick(s)</source>
        <translation>
            <numerusform>%n Zeitüberschreitung, %1 ausgelassene Takte</numerusform>
            <numerusform>%n Zeitüberschreitungen, %1 ausgelassene Takte</numerusform>
        </translation>
    </message>
    <message>
        <source>Collector</source>
        <translation>Kollektor</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Last run</source>
        <translation>Letzter Lauf</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Exit</source>
        <translation>Exit-Code</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>Failures</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Next run</source>
        <translation>Nächster Lauf</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>deaktiviert</translation>
    </message>
</context>
<context>
    <name>Garnet::MainWindow</name>
    <message>
        <source>Garnet</source>
        <translation>Garnet</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Aktionen</translation>
    </message>
    <message>
        <source>Run now</source>
        <translation>Jetzt ausführen</translation>
    </message>
    <message>
        <source>Run the selected collector now</source>
        <translation>Den ausgewählten Kollektor jetzt ausführen</translation>
    </message>
    <message>
        <source>Reload agent</source>
        <translation>Agent neu laden</translation>
    </message>
    <message>
        <source>Make the agent reread its configuration</source>
        <translation>Den Agenten seine Konfiguration neu einlesen lassen</translation>
    </message>
    <message>
        <source>Filter metrics by name…</source>
        <translation>Metriken nach Namen filtern …</translation>
    </message>
    <message>
        <source>No error output</source>
        <translation>Keine Fehlerausgabe</translation>
    </message>
    <message>
        <source>Select a collector to see its metrics</source>
        <translation>Einen Kollektor auswählen, um seine Metriken zu sehen</translation>
    </message>
    <message>
        <source>Waiting for the agent…</source>
        <translation>Warte auf den Agenten …</translation>
    </message>
    <message>
        <source>Metrics of %1</source>
        <translation>Metriken von %1</translation>
    </message>
    <message>
        <source> on %1</source>
        <translation> auf %1</translation>
    </message>
    <message>
        <source>Connected to garnet-agent %1%2</source>
        <translation>Verbunden mit garnet-agent %1%2</translation>
    </message>
    <message>
        <source>Agent not reachable</source>
        <translation>Agent nicht erreichbar</translation>
    </message>
    <message>
        <source>Received %1 · Sent %2 · Dropped %3 · Rejected %4 · Queued %5</source>
        <translation>Empfangen %1 · Gesendet %2 · Verworfen %3 · Abgelehnt %4 · Wartend %5</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Error output (last lines)</source>
        <translation>Fehlerausgabe (letzte Zeilen)</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Enable the selected collector: it runs on its schedule again</source>
        <translation>Den ausgewählten Kollektor aktivieren: er läuft wieder nach seinem Zeitplan</translation>
    </message>
    <message>
        <source>Disable the selected collector: it stops running on its schedule</source>
        <translation>Den ausgewählten Kollektor deaktivieren: er läuft nicht mehr nach seinem Zeitplan</translation>
    </message>
    <message>
        <source>Enable/disable</source>
        <translation>Aktivieren/Deaktivieren</translation>
    </message>
</context>
<context>
    <name>Garnet::MetricModel</name>
    <message numerus="yes">
        <source>%n sample(s), min %1, max %2</source>
        <translation>
            <numerusform>%n Messwert, min. %1, max. %2</numerusform>
            <numerusform>%n Messwerte, min. %1, max. %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Metrik</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Trend</source>
        <translation>Verlauf</translation>
    </message>
</context>
<context>
    <name>Garnet::TrayApp</name>
    <message>
        <source>Shows the state of garnet-agent&apos;s collectors and their latest values.</source>
        <translation>Zeigt den Zustand der Kollektoren von garnet-agent und ihre neuesten Werte.</translation>
    </message>
    <message>
        <source>Talk to the agent on the D-Bus system bus instead of the session bus (also: GARNET_BUS=system).</source>
        <translation>Den Agenten auf dem D-Bus-Systembus statt auf dem Sitzungsbus ansprechen (auch: GARNET_BUS=system).</translation>
    </message>
    <message>
        <source>Open the status window at start.</source>
        <translation>Das Statusfenster beim Start öffnen.</translation>
    </message>
    <message>
        <source>Select this collector in the window.</source>
        <translation>Diesen Kollektor im Fenster auswählen.</translation>
    </message>
    <message>
        <source>collector</source>
        <translation>Kollektor</translation>
    </message>
    <message>
        <source>Save the window to FILE once data has arrived, then exit.</source>
        <translation>Das Fenster nach Eintreffen der Daten in DATEI speichern und beenden.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
</context>
<context>
    <name>Garnet::TrayIcon</name>
    <message>
        <source>Open Garnet</source>
        <translation>Garnet öffnen</translation>
    </message>
    <message>
        <source>Run now</source>
        <translation>Jetzt ausführen</translation>
    </message>
    <message>
        <source>Reload agent configuration</source>
        <translation>Agent-Konfiguration neu laden</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Garnet: agent not reachable</source>
        <translation>Garnet: Agent nicht erreichbar</translation>
    </message>
    <message numerus="yes">
        <source>Garnet: %n collector(s)</source>
        <translation>
            <numerusform>Garnet: %n Kollektor</numerusform>
            <numerusform>Garnet: %n Kollektoren</numerusform>
        </translation>
    </message>
    <message>
        <source>Failing: %1</source>
        <translation>Fehlerhaft: %1</translation>
    </message>
    <message>
        <source>%1 timed out.</source>
        <translation>%1: Zeitüberschreitung.</translation>
    </message>
    <message>
        <source>%1 is failing.</source>
        <translation>%1 ist fehlerhaft.</translation>
    </message>
    <message>
        <source>Garnet collector failing</source>
        <translation>Garnet-Kollektor fehlerhaft</translation>
    </message>
    <message>
        <source>Garnet agent stopped</source>
        <translation>Garnet-Agent beendet</translation>
    </message>
    <message>
        <source>garnet-agent is no longer reachable on D-Bus.</source>
        <translation>garnet-agent ist über D-Bus nicht mehr erreichbar.</translation>
    </message>
    <message>
        <source>Enable / disable</source>
        <translation>Aktivieren / deaktivieren</translation>
    </message>
    <message>
        <source>%1 ok, %2 failing, %3 running, %4 disabled</source>
        <translation>%1 in Ordnung, %2 fehlerhaft, %3 laufend, %4 deaktiviert</translation>
    </message>
    <message>
        <source>Disable %1</source>
        <translation>%1 deaktivieren</translation>
    </message>
    <message>
        <source>Enable %1</source>
        <translation>%1 aktivieren</translation>
    </message>
</context>
</TS>
