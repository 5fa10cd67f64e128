// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// The tiny shared library of the bundled collectors: command line, metric output, /proc reading and the
// state file that turns counters into rates. Plain C++20 and POSIX: no Qt, no iostreams (start-up cost).

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace GarnetCollector {

/**
 * The command line every bundled collector accepts: `NAME [--stdout] [FLAGS...] [SOCKET]`.
 * The socket path is the last argument when it does not start with '-' (the agent appends it in socket
 * mode). Without one, or with --stdout, metric lines go to standard output (stdout mode, manual runs).
 */
struct Options
{
    std::string_view program; ///< basename of argv[0], e.g. "cpu"
    std::string_view socketPath; ///< empty: write to stdout
    std::map<std::string_view, bool> flags; ///< the collector's own flags, true when given

    bool has(std::string_view flag) const;
};

/**
 * Parses argv. `flags` are the collector's own options (e.g. "--per-cpu"), `usage` their description.
 * Exits 0 after printing usage for --help, 2 with a message for an unknown option.
 */
Options parseOptions(int argc, char **argv, std::initializer_list<std::string_view> flags, std::string_view usage);

/** Collects "NAME VALUE\n" lines in memory and sends them in one write at the end. */
class MetricWriter
{
public:
    /** `node.leaf VALUE`; an empty node gives just `leaf`. Non-finite values are skipped. */
    void add(std::string_view node, std::string_view leaf, double value, int decimals = 2);
    void add(std::string_view node, std::string_view leaf, std::uint64_t value);
    void add(std::string_view name, double value, int decimals = 2) { add({}, name, value, decimals); }
    void add(std::string_view name, std::uint64_t value) { add({}, name, value); }

    std::string_view text() const { return m_text; }
    std::size_t lines() const { return m_lines; }
    /**
     * Writes everything to the socket (connect, one write loop, close) or to stdout. Returns the exit
     * status for main(): 0, or 1 after a message on stderr.
     */
    int send(const Options &options) const;

private:
    void appendName(std::string_view node, std::string_view leaf);
    std::string m_text;
    std::size_t m_lines = 0;
};

/** Reads a whole (proc) file into `out`. False, with a message on stderr, when it cannot be read. */
bool readFile(const char *path, std::string &out, bool quiet = false);

/** Splits off the next line (without '\n'); empty view and false at the end. */
bool nextLine(std::string_view &text, std::string_view &line);
/** Splits off the next blank-separated field; empty when none is left. */
std::string_view nextField(std::string_view &text);
/** A decimal unsigned integer, the whole view. */
std::optional<std::uint64_t> parseUnsigned(std::string_view text);

/**
 * A metric path node from free text (device, interface or mount names): every byte Graphite cannot
 * store or query unescaped (blank, control, . ; ( ) { } [ ] , = ' " \ / * ?) becomes '_'.
 */
std::string pathNode(std::string_view text);

/**
 * The previous sample of one collector, for counters → rates. Kept in `<state dir>/<name>.state`, where
 * the state dir is $GARNET_STATE_DIR, else $XDG_RUNTIME_DIR/garnet/state, else /tmp/garnet-state-<uid>
 * (created 0700; not used unless owned by us and private). name is $GARNET_COLLECTOR, else the program
 * name. A sample from another boot, from the future, incomplete (no final "end": a run was killed while
 * writing it) or unreadable is ignored: the run emits no rates.
 */
class State
{
public:
    explicit State(std::string_view fallbackName);

    bool hasPrevious() const { return m_hasPrevious; }
    /** Seconds between the previous sample and now (CLOCK_BOOTTIME); 0 without a previous sample. */
    double elapsedSeconds() const { return m_elapsed; }
    std::optional<std::uint64_t> previous(std::string_view key) const;
    /**
     * The increase since the previous sample of `key`, after recording `now` for the next run. nullopt
     * without a previous value or when the counter went backwards (reset, device replaced).
     */
    std::optional<std::uint64_t> delta(std::string_view key, std::uint64_t now);
    /** Records a value for the next run without computing anything. */
    void record(std::string_view key, std::uint64_t value) { m_next.insert_or_assign(std::string(key), value); }
    /** Writes the recorded values for the next run (in place, ending in "end"). Nothing without a dir. */
    void save() const;

    /** The state directory, created if needed; empty (with a message on stderr) when unusable. */
    static std::string directory();
    std::string_view path() const { return m_path; }

private:
    std::string m_path;
    std::string m_bootId;
    std::uint64_t m_nowNs = 0;
    double m_elapsed = 0;
    bool m_hasPrevious = false;
    std::map<std::string, std::uint64_t, std::less<>> m_previous;
    std::map<std::string, std::uint64_t, std::less<>> m_next;
};

} // namespace GarnetCollector
