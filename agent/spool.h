// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <deque>
#include <string>
#include <string_view>

namespace Garnet {

struct SpoolCounters
{
    qint64 lines = 0; ///< lines on disk not yet taken back (part of the output's "queued")
    qint64 bytes = 0; ///< size of the segment files
    qint64 segments = 0;
    qint64 spilled = 0; ///< lines written to disk in total
    qint64 recovered = 0; ///< lines found on disk when opened, left by a previous run
    qint64 corrupt = 0; ///< records or segment tails skipped: bad checksum, torn write, garbage
    qint64 corruptLines = 0; ///< lines known to be in skipped records (a garbled header hides its count)
    qint64 writeErrors = 0; ///< failed writes (disk full, I/O error); their lines were dropped
    qint64 dropped = 0; ///< lines dropped by the spool: the byte cap (oldest segments) and write errors
};

/**
 * An output's disk spool: what overflows its memory queue, kept in order in segment files under one
 * directory (exclusive: locked with flock). Each segment "NNNNNNNNNNNNNNNNNNNN.seg" has a 16-byte header
 * ("GARNETSP", version, CRC32) and records of whole lines: a 20-byte header (magic, length, line count,
 * payload CRC32, header CRC32) and the payload. Nothing is ever parsed without its checksum matching: a torn
 * or garbled tail ends a segment's readable part, a bad payload skips that record; both are counted.
 *
 * Segments are about MaxSegmentBytes (smaller for a small cap); the files never exceed maxBytes in total:
 * the oldest segment is deleted (its lines counted as dropped) to make room. Data reaches the kernel on every
 * append (it survives the agent being killed); segments are fdatasync'ed when closed, so a power loss can lose
 * at most the segment being written. A segment is deleted once all its records were taken.
 * Pure I/O, no event loop; every failure is counted and logged (rate-limited), never thrown.
 */
class Spool
{
public:
    static constexpr qint64 MaxSegmentBytes = 4 * 1024 * 1024;
    static constexpr qint64 FileHeaderBytes = 16;
    static constexpr qint64 RecordHeaderBytes = 20;

    Spool(const QString &directory, qint64 maxBytes);
    ~Spool();
    Spool(const Spool &) = delete;
    Spool &operator=(const Spool &) = delete;

    /** Create the directory (0700) if needed, lock it, find what a previous run left. */
    bool open(QString *error);
    bool isOpen() const { return m_lockFd >= 0; }
    const QString &directory() const { return m_directory; }
    qint64 maxBytes() const { return m_maxBytes; }

    /** Append lineCount whole lines (after everything spooled). Returns lines dropped to honour the cap, or
     *  lines of this block that could not be written. */
    qint64 append(std::string_view lines, qint64 lineCount);
    /**
     * Take up to maxLines whole lines (stopping once about maxBytes are appended) in order into `into`; lines
     * found corrupt on the way are added to *lost (they leave lines()). Returns the lines taken.
     */
    qint64 take(std::string &into, qint64 maxLines, std::size_t maxBytes, qint64 *lost);
    /**
     * For shutdown: write `lines` (older than everything spooled, e.g. the memory queue) in front of the
     * spooled segments, sync and close. The spool is unusable afterwards.
     */
    bool persistInFrontAndClose(std::string_view lines, qint64 lineCount);

    bool isEmpty() const { return m_counters.lines == 0; }
    qint64 lines() const { return m_counters.lines; }
    /** Another segment would not fit under the cap without dropping: the output should apply backpressure. */
    bool isNearlyFull() const { return m_counters.bytes + m_segmentBytes + RecordHeaderBytes > m_maxBytes; }
    const SpoolCounters &counters() const { return m_counters; }
    /** fdatasync the segment being written. */
    void sync();

    /** Tests: make every following write fail with this errno (0: back to normal). */
    static void failWritesForTesting(int error);

private:
    struct Segment
    {
        quint64 sequence = 0;
        std::string path;
        qint64 bytes = 0; ///< file size
        qint64 end = 0; ///< end of the readable records
        qint64 lines = 0; ///< lines not yet taken
    };

    void scan();
    qint64 appendRecord(std::string_view lines, qint64 lineCount);
    bool startSegment();
    void closeWriteSegment();
    qint64 dropFront();
    bool loadRecord(qint64 *lost);
    void loseRestOfFront(qint64 *lost);
    void resetWhenDrained();
    bool writeAll(int fd, std::string_view header, std::string_view payload, QString *error);
    std::string segmentPath(quint64 sequence) const;
    enum class Warning { Damage, Full, Write, Count };
    /** Logged at most once per 10 s per kind, with a count of what was held back. */
    void warn(Warning kind, const QString &message);

    QString m_directory;
    std::string m_encodedDirectory;
    qint64 m_maxBytes;
    qint64 m_segmentBytes;
    qint64 m_recordBytes; ///< a record holds about this much (a single longer line gets its own record)
    std::deque<Segment> m_segments; ///< oldest first; back() is written to while m_writeFd >= 0
    int m_lockFd = -1;
    int m_writeFd = -1;
    int m_readFd = -1; ///< open on m_segments.front()
    qint64 m_readOffset = 0; ///< next record of the front segment
    std::string m_record; ///< payload of the front segment's current record
    std::size_t m_recordOffset = 0; ///< bytes of m_record already taken
    quint64 m_nextSequence = 0;
    SpoolCounters m_counters;
    std::string m_header; ///< scratch
    struct WarningLog
    {
        qint64 lastMs = -1;
        qint64 suppressed = 0;
    };
    WarningLog m_warnings[int(Warning::Count)];
};

} // namespace Garnet
