// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Spool: taking lines back in order (checksums verified), and the final write at shutdown.
#include "spool.h"

#include "logging.h"
#include "spoolformat.h"

#include <QFile>

#include <algorithm>
#include <fcntl.h>
#include <limits>
#include <unistd.h>

namespace Garnet {

using SpoolFormat::errnoText;
using SpoolFormat::readAt;

qint64 Spool::take(std::string &into, qint64 maxLines, std::size_t maxBytes, qint64 *lost)
{
    qint64 taken = 0;
    while (taken < maxLines && m_counters.lines > 0) {
        if (m_recordOffset >= m_record.size()) {
            if (!loadRecord(lost))
                break;
            continue;
        }
        if (taken > 0 && into.size() >= maxBytes)
            break;
        const std::string_view rest = std::string_view(m_record).substr(m_recordOffset);
        const std::size_t budget = maxBytes > into.size() ? maxBytes - into.size() : 0;
        std::size_t cut = 0;
        qint64 count = 0;
        while (taken + count < maxLines && cut < rest.size()) {
            const std::size_t nl = rest.find('\n', cut); // a loaded record is whole lines
            const std::size_t next = nl == std::string_view::npos ? rest.size() : nl + 1;
            if ((taken + count) > 0 && next > budget)
                break;
            cut = next;
            ++count;
        }
        if (count == 0)
            break;
        into.append(rest.substr(0, cut));
        m_recordOffset += cut;
        taken += count;
        m_counters.lines -= count;
        m_segments.front().lines -= count;
    }
    if (m_counters.lines == 0 && m_recordOffset >= m_record.size())
        resetWhenDrained();
    return taken;
}

bool Spool::loadRecord(qint64 *lost)
{
    m_record.clear();
    m_recordOffset = 0;
    char header[RecordHeaderBytes];
    while (!m_segments.empty()) {
        Segment &segment = m_segments.front();
        const bool writing = m_writeFd >= 0 && m_segments.size() == 1;
        if (m_readFd < 0) {
            m_readFd = ::open(segment.path.c_str(), O_RDONLY | O_CLOEXEC);
            m_readOffset = FileHeaderBytes;
            if (m_readFd < 0) {
                warn(Warning::Damage,
                    QStringLiteral("spool: cannot read %1 (%2); its %3 line(s) are lost")
                        .arg(QFile::decodeName(segment.path.c_str()), errnoText(errno))
                        .arg(segment.lines));
                ++m_counters.corrupt;
                loseRestOfFront(lost);
            }
        }
        if (m_readOffset >= segment.end) {
            if (writing)
                return false; // caught up with the writer
            if (segment.lines > 0)
                loseRestOfFront(lost); // its header promised more than it held
            if (m_readFd >= 0)
                ::close(m_readFd);
            m_readFd = -1;
            ::unlink(segment.path.c_str());
            m_counters.bytes -= segment.bytes;
            m_segments.pop_front();
            m_counters.segments = qint64(m_segments.size());
            continue;
        }
        SpoolFormat::RecordHeader record;
        if (readAt(m_readFd, header, RecordHeaderBytes, m_readOffset) != RecordHeaderBytes
            || !SpoolFormat::readRecordHeader(header, record)
            || m_readOffset + RecordHeaderBytes + qint64(record.length) > segment.end) {
            ++m_counters.corrupt;
            warn(Warning::Damage,
                QStringLiteral("spool: %1 is damaged at offset %2; the rest of it (%3 line(s)) is skipped")
                    .arg(QFile::decodeName(segment.path.c_str()))
                    .arg(m_readOffset)
                    .arg(segment.lines));
            loseRestOfFront(lost);
            continue;
        }
        m_record.resize(record.length);
        const bool read = readAt(m_readFd, m_record.data(), record.length, m_readOffset + RecordHeaderBytes)
            == qint64(record.length);
        m_readOffset += RecordHeaderBytes + qint64(record.length);
        const bool intact = read && record.length > 0 && SpoolFormat::crc32(m_record) == record.payloadCrc
            && m_record.back() == '\n' && std::count(m_record.begin(), m_record.end(), '\n') == qint64(record.lines);
        if (intact)
            return true;
        const qint64 lines = std::min<qint64>(record.lines, segment.lines);
        ++m_counters.corrupt;
        m_counters.corruptLines += lines;
        segment.lines -= lines;
        m_counters.lines -= lines;
        *lost += lines;
        m_record.clear();
        warn(Warning::Damage,
            QStringLiteral("spool: a record in %1 at offset %2 fails its checksum; its %3 line(s) are skipped")
                .arg(QFile::decodeName(segment.path.c_str()))
                .arg(m_readOffset - RecordHeaderBytes - qint64(record.length))
                .arg(lines));
    }
    return false;
}

void Spool::loseRestOfFront(qint64 *lost)
{
    Segment &segment = m_segments.front();
    *lost += segment.lines;
    m_counters.corruptLines += segment.lines;
    m_counters.lines -= segment.lines;
    segment.lines = 0;
    segment.end = std::min(segment.end, m_readOffset);
    m_readOffset = segment.end;
    if (m_writeFd >= 0 && m_segments.size() == 1)
        closeWriteSegment(); // a damaged segment is not appended to
}

void Spool::resetWhenDrained()
{
    // Everything was taken: start afresh, so that an idle spool holds no files.
    closeWriteSegment();
    if (m_readFd >= 0)
        ::close(m_readFd);
    m_readFd = -1;
    for (const Segment &segment : m_segments)
        ::unlink(segment.path.c_str());
    m_segments.clear();
    m_record.clear();
    m_recordOffset = 0;
    m_counters.bytes = 0;
    m_counters.segments = 0;
}

bool Spool::persistInFrontAndClose(std::string_view lines, qint64 lineCount)
{
    if (!isOpen())
        return false;
    closeWriteSegment();
    if (m_readFd >= 0)
        ::close(m_readFd);
    m_readFd = -1;
    bool ok = true;
    if (lineCount > 0) {
        // Keep the newest lines that fit under the cap.
        const qint64 room = m_maxBytes - m_counters.bytes - FileHeaderBytes;
        const qint64 overhead = RecordHeaderBytes * (qint64(lines.size()) / m_recordBytes + 2);
        if (qint64(lines.size()) + overhead > room) {
            const std::size_t excess = std::size_t(
                std::min<qint64>(qint64(lines.size()), qint64(lines.size()) + overhead - std::max<qint64>(room, 0)));
            const auto nl = excess == 0 ? std::size_t(0) : lines.find('\n', excess - 1);
            const std::size_t cut = nl == std::string_view::npos ? lines.size() : nl + 1;
            const qint64 skipped = std::count(lines.begin(), lines.begin() + qsizetype(cut), '\n');
            warn(Warning::Full,
                QStringLiteral("spool %1: no room for %2 queued line(s) at shutdown; they are dropped")
                    .arg(m_directory)
                    .arg(skipped));
            m_counters.dropped += skipped;
            lines.remove_prefix(cut);
            lineCount -= skipped;
        }
        // Written as a segment numbered before the others, then appended to like any segment.
        std::deque<Segment> rest;
        rest.swap(m_segments);
        m_nextSequence = rest.empty() ? m_nextSequence : rest.front().sequence - 1;
        const qint64 bytesBefore = m_counters.bytes;
        m_counters.bytes = 0;
        if (lineCount > 0 && startSegment()) {
            m_segmentBytes = std::numeric_limits<qint64>::max(); // one segment, whatever its size
            const qint64 lost = append(lines, lineCount);
            ok = lost == 0;
        } else if (lineCount > 0) {
            ok = false;
        }
        closeWriteSegment();
        m_counters.bytes += bytesBefore;
        for (Segment &segment : rest)
            m_segments.push_back(std::move(segment));
    }
    ::close(m_lockFd);
    m_lockFd = -1;
    return ok;
}

} // namespace Garnet
