// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "spool.h"

#include "logging.h"
#include "spoolformat.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

namespace Garnet {

namespace {
std::atomic<int> g_failWrites { 0 };
constexpr qint64 WarnIntervalMs = 10000;
constexpr quint64 FirstSequence = 1000000000000ULL; // leaves room below for persistInFrontAndClose()
constexpr qint64 MinSegmentBytes = 16 * 1024;
constexpr qint64 MaxRecordBytes = 256 * 1024;

qint64 monotonicMs()
{
    static QElapsedTimer clock;
    if (!clock.isValid())
        clock.start();
    return clock.elapsed();
}

bool parseSegmentName(const QString &name, quint64 &sequence)
{
    const QByteArray latin = name.toLatin1();
    if (latin.size() != 24 || !latin.endsWith(".seg"))
        return false;
    const char *end = latin.constData() + 20;
    const auto [ptr, ec] = std::from_chars(latin.constData(), end, sequence);
    return ec == std::errc() && ptr == end;
}

bool makeDirectory(const QString &directory, QString *error)
{
    QStringList missing;
    for (QString current = directory; !QFileInfo::exists(current); current = QFileInfo(current).path()) {
        missing.prepend(current);
        if (current == QFileInfo(current).path())
            break;
    }
    for (const QString &component : std::as_const(missing)) {
        const QByteArray encoded = QFile::encodeName(component);
        if (::mkdir(encoded.constData(), 0700) != 0 && errno != EEXIST) {
            *error
                = QStringLiteral("cannot create spool directory %1: %2").arg(component, SpoolFormat::errnoText(errno));
            return false;
        }
    }
    if (!QFileInfo(directory).isDir()) {
        *error = QStringLiteral("spool_dir %1 is not a directory").arg(directory);
        return false;
    }
    if (::access(QFile::encodeName(directory).constData(), W_OK | X_OK) != 0) {
        *error = QStringLiteral("spool_dir %1 is not writable: %2").arg(directory, SpoolFormat::errnoText(errno));
        return false;
    }
    return true;
}
} // namespace

Spool::Spool(const QString &directory, qint64 maxBytes)
    : m_directory(QDir::cleanPath(directory))
    , m_encodedDirectory(QFile::encodeName(m_directory).toStdString())
    , m_maxBytes(std::max<qint64>(maxBytes, 4 * MinSegmentBytes))
    , m_segmentBytes(std::clamp(m_maxBytes / 8, MinSegmentBytes, MaxSegmentBytes))
    , m_recordBytes(std::min(MaxRecordBytes, m_segmentBytes / 2))
{ }

Spool::~Spool()
{
    closeWriteSegment();
    if (m_readFd >= 0)
        ::close(m_readFd);
    if (m_lockFd >= 0)
        ::close(m_lockFd); // releases the flock
}

void Spool::failWritesForTesting(int error)
{
    g_failWrites = error;
}

bool Spool::open(QString *error)
{
    if (isOpen())
        return true;
    if (!makeDirectory(m_directory, error))
        return false;
    const std::string lockPath = m_encodedDirectory + "/lock";
    const int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = QStringLiteral("cannot open %1: %2")
                     .arg(QFile::decodeName(lockPath.c_str()), SpoolFormat::errnoText(errno));
        return false;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int cause = errno;
        ::close(fd);
        *error = cause == EWOULDBLOCK
            ? QStringLiteral("spool_dir %1 is in use by another output or garnet-agent").arg(m_directory)
            : QStringLiteral("cannot lock spool_dir %1: %2").arg(m_directory, SpoolFormat::errnoText(cause));
        return false;
    }
    m_lockFd = fd;
    scan();
    return true;
}

void Spool::scan()
{
    // No name filter: QDir compiles a wildcard into a JIT regular expression, which maps half a MiB of PCRE2
    // into the agent for good. parseSegmentName() takes only segment names anyway.
    const QStringList names = QDir(m_directory).entryList(QDir::Files, QDir::Name);
    char header[RecordHeaderBytes];
    for (const QString &name : names) {
        Segment segment;
        if (!parseSegmentName(name, segment.sequence))
            continue;
        segment.path = segmentPath(segment.sequence);
        const int fd = ::open(segment.path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || ::fstat(fd, &st) != 0) {
            qCWarning(lcOutput).noquote()
                << QStringLiteral("spool: cannot read %1 (%2); skipped").arg(name, SpoolFormat::errnoText(errno));
            ++m_counters.corrupt;
            if (fd >= 0)
                ::close(fd);
            continue;
        }
        segment.bytes = st.st_size;
        qint64 offset = FileHeaderBytes;
        if (SpoolFormat::readAt(fd, header, FileHeaderBytes, 0) != FileHeaderBytes
            || !SpoolFormat::fileHeaderValid(header))
            offset = 0; // not one of ours, or its header is damaged: nothing in it can be trusted
        SpoolFormat::RecordHeader record;
        while (offset > 0 && offset + RecordHeaderBytes <= segment.bytes) {
            if (SpoolFormat::readAt(fd, header, RecordHeaderBytes, offset) != RecordHeaderBytes
                || !SpoolFormat::readRecordHeader(header, record)
                || offset + RecordHeaderBytes + qint64(record.length) > segment.bytes)
                break;
            segment.lines += record.lines;
            offset += RecordHeaderBytes + qint64(record.length);
        }
        ::close(fd);
        segment.end = std::max<qint64>(offset, FileHeaderBytes);
        if (offset < segment.bytes) {
            ++m_counters.corrupt;
            qCWarning(lcOutput).noquote() << QStringLiteral(
                "spool: %1 has %2 unreadable byte(s) from offset %3 (torn write or corruption); skipped")
                                                 .arg(name)
                                                 .arg(segment.bytes - offset)
                                                 .arg(offset);
        }
        if (segment.lines == 0) {
            ::unlink(segment.path.c_str());
            continue;
        }
        m_counters.lines += segment.lines;
        m_counters.bytes += segment.bytes;
        m_segments.push_back(std::move(segment));
    }
    m_counters.segments = qint64(m_segments.size());
    m_counters.recovered = m_counters.lines;
    m_nextSequence = m_segments.empty() ? FirstSequence : m_segments.back().sequence + 1;
    if (m_counters.recovered > 0)
        qCInfo(lcOutput).noquote() << QStringLiteral("spool %1: %2 line(s) in %3 segment(s) left by a previous run")
                                          .arg(m_directory)
                                          .arg(m_counters.recovered)
                                          .arg(m_segments.size());
}

qint64 Spool::append(std::string_view lines, qint64 lineCount)
{
    if (!isOpen())
        return lineCount;
    qint64 dropped = 0;
    while (!lines.empty() && lineCount > 0) {
        std::size_t cut = lines.size();
        qint64 count = lineCount;
        if (qint64(lines.size()) > m_recordBytes) {
            const auto end = lines.rfind('\n', std::size_t(m_recordBytes) - 1);
            cut = (end == std::string_view::npos ? lines.find('\n') : end) + 1; // one longer line: alone
            count = std::count(lines.begin(), lines.begin() + qsizetype(cut), '\n');
        }
        dropped += appendRecord(lines.substr(0, cut), count);
        lines.remove_prefix(cut);
        lineCount -= count;
    }
    return dropped;
}

qint64 Spool::appendRecord(std::string_view lines, qint64 lineCount)
{
    const qint64 recordBytes = RecordHeaderBytes + qint64(lines.size());
    if (FileHeaderBytes + recordBytes > m_maxBytes / 2) {
        m_counters.dropped += lineCount;
        warn(Warning::Write,
            QStringLiteral("spool %1: a record of %2 bytes is too large for spool_max_bytes %3; dropped")
                .arg(m_directory)
                .arg(recordBytes)
                .arg(m_maxBytes));
        return lineCount;
    }
    const auto writing = [this] { return m_writeFd >= 0 && !m_segments.empty(); };
    bool needSegment = !writing()
        || (m_segments.back().bytes + recordBytes > m_segmentBytes && m_segments.back().bytes > FileHeaderBytes);
    qint64 dropped = 0;
    while (!m_segments.empty() && m_counters.bytes + recordBytes + (needSegment ? FileHeaderBytes : 0) > m_maxBytes) {
        if (writing() && m_segments.size() == 1) {
            closeWriteSegment();
            needSegment = true;
        }
        dropped += dropFront();
    }
    if (needSegment) {
        closeWriteSegment();
        if (!startSegment()) {
            ++m_counters.writeErrors;
            m_counters.dropped += lineCount;
            return dropped + lineCount;
        }
    }
    Segment &segment = m_segments.back();
    m_header.resize(RecordHeaderBytes);
    SpoolFormat::writeRecordHeader(
        m_header.data(), { std::uint32_t(lines.size()), std::uint32_t(lineCount), SpoolFormat::crc32(lines) });
    QString error;
    if (!writeAll(m_writeFd, m_header, lines, &error)) {
        ++m_counters.writeErrors;
        m_counters.dropped += lineCount;
        warn(Warning::Write,
            QStringLiteral("spool %1: cannot write %2 line(s) (%3); they are dropped")
                .arg(m_directory)
                .arg(lineCount)
                .arg(error));
        // Cut a partial record off; a segment we cannot even truncate is written no more.
        if (::ftruncate(m_writeFd, segment.bytes) != 0)
            closeWriteSegment();
        return dropped + lineCount;
    }
    segment.bytes += recordBytes;
    segment.end = segment.bytes;
    segment.lines += lineCount;
    m_counters.bytes += recordBytes;
    m_counters.lines += lineCount;
    m_counters.spilled += lineCount;
    return dropped;
}

bool Spool::writeAll(int fd, std::string_view header, std::string_view payload, QString *error)
{
    if (const int injected = g_failWrites.load()) {
        *error = SpoolFormat::errnoText(injected);
        return false;
    }
    qint64 offset = m_segments.back().bytes;
    iovec parts[2] = { { const_cast<char *>(header.data()), header.size() },
        { const_cast<char *>(payload.data()), payload.size() } };
    int first = header.empty() ? 1 : 0;
    while (first < 2) {
        const ssize_t n = ::pwritev(fd, parts + first, 2 - first, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *error = n < 0 ? SpoolFormat::errnoText(errno) : QStringLiteral("nothing written");
            return false;
        }
        offset += n;
        std::size_t left = std::size_t(n);
        while (first < 2 && left >= parts[first].iov_len) {
            left -= parts[first].iov_len;
            ++first;
        }
        if (first < 2) {
            parts[first].iov_base = static_cast<char *>(parts[first].iov_base) + left;
            parts[first].iov_len -= left;
        }
    }
    return true;
}

bool Spool::startSegment()
{
    Segment segment;
    segment.sequence = m_nextSequence++;
    segment.path = segmentPath(segment.sequence);
    const int fd = ::open(segment.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        warn(Warning::Write,
            QStringLiteral("spool %1: cannot create a segment: %2").arg(m_directory, SpoolFormat::errnoText(errno)));
        return false;
    }
    char header[FileHeaderBytes];
    SpoolFormat::writeFileHeader(header);
    const int injected = g_failWrites.load();
    if (injected || ::pwrite(fd, header, sizeof header, 0) != qint64(sizeof header)) {
        warn(Warning::Write,
            QStringLiteral("spool %1: cannot start a segment: %2")
                .arg(m_directory, SpoolFormat::errnoText(injected ? injected : errno)));
        ::close(fd);
        ::unlink(segment.path.c_str());
        return false;
    }
    segment.bytes = segment.end = FileHeaderBytes;
    m_counters.bytes += FileHeaderBytes;
    m_segments.push_back(std::move(segment));
    m_counters.segments = qint64(m_segments.size());
    m_writeFd = fd;
    return true;
}

void Spool::closeWriteSegment()
{
    if (m_writeFd < 0)
        return;
    ::fdatasync(m_writeFd);
    ::close(m_writeFd);
    m_writeFd = -1;
}

void Spool::sync()
{
    if (m_writeFd >= 0)
        ::fdatasync(m_writeFd);
}

qint64 Spool::dropFront()
{
    const qint64 lines = m_segments.front().lines;
    const qint64 bytes = m_segments.front().bytes;
    if (m_writeFd >= 0 && m_segments.size() == 1)
        closeWriteSegment();
    if (m_readFd >= 0)
        ::close(m_readFd);
    m_readFd = -1;
    m_record.clear();
    m_recordOffset = 0;
    ::unlink(m_segments.front().path.c_str());
    m_segments.pop_front();
    m_counters.segments = qint64(m_segments.size());
    m_counters.bytes -= bytes;
    m_counters.lines -= lines;
    m_counters.dropped += lines;
    if (lines > 0)
        warn(Warning::Full,
            QStringLiteral("spool %1 is full (spool_max_bytes %2): dropped its oldest segment, %3 line(s)")
                .arg(m_directory)
                .arg(m_maxBytes)
                .arg(lines));
    return lines;
}

std::string Spool::segmentPath(quint64 sequence) const
{
    char name[32];
    std::snprintf(name, sizeof name, "/%020llu.seg", static_cast<unsigned long long>(sequence));
    return m_encodedDirectory + name;
}

void Spool::warn(Warning kind, const QString &message)
{
    WarningLog &log = m_warnings[int(kind)];
    const qint64 now = monotonicMs();
    if (log.lastMs >= 0 && now - log.lastMs < WarnIntervalMs) {
        ++log.suppressed;
        return;
    }
    if (log.suppressed > 0)
        qCWarning(lcOutput).noquote() << message
                                      << QStringLiteral("(and %1 more like it in the last %2 s)")
                                             .arg(log.suppressed)
                                             .arg((now - log.lastMs) / 1000);
    else
        qCWarning(lcOutput).noquote() << message;
    log.lastMs = now;
    log.suppressed = 0;
}

} // namespace Garnet
