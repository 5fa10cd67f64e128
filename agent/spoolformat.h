// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// The spool's on-disk format (see Spool): little-endian fields, CRC-32 (IEEE, as zlib) over everything.

#include <QString>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <unistd.h>

namespace Garnet::SpoolFormat {

inline constexpr char FileMagic[8] = { 'G', 'A', 'R', 'N', 'E', 'T', 'S', 'P' };
inline constexpr std::uint32_t Version = 1;
inline constexpr std::uint32_t RecordMagic = 0x4c505347; // "GSPL"

namespace Detail {
constexpr std::array<std::uint32_t, 256> makeCrcTable()
{
    std::array<std::uint32_t, 256> table {};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}
inline constexpr std::array<std::uint32_t, 256> CrcTable = makeCrcTable();
} // namespace Detail

/** CRC-32/ISO-HDLC, the same value as zlib's crc32(0, data, size). */
inline std::uint32_t crc32(std::string_view data)
{
    std::uint32_t c = 0xffffffffu;
    for (const char byte : data)
        c = Detail::CrcTable[(c ^ std::uint8_t(byte)) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

inline void putU32(char *at, std::uint32_t value)
{
    for (int i = 0; i < 4; ++i)
        at[i] = char((value >> (8 * i)) & 0xff);
}
inline std::uint32_t getU32(const char *at)
{
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i)
        value |= std::uint32_t(std::uint8_t(at[i])) << (8 * i);
    return value;
}

/** 16 bytes: magic, version, CRC of the first 12. */
inline void writeFileHeader(char *out)
{
    std::memcpy(out, FileMagic, 8);
    putU32(out + 8, Version);
    putU32(out + 12, crc32(std::string_view(out, 12)));
}
inline bool fileHeaderValid(const char *in)
{
    return std::memcmp(in, FileMagic, 8) == 0 && getU32(in + 8) == Version
        && getU32(in + 12) == crc32(std::string_view(in, 12));
}

struct RecordHeader
{
    std::uint32_t length = 0; ///< payload bytes
    std::uint32_t lines = 0;
    std::uint32_t payloadCrc = 0;
};

/** 20 bytes: magic, length, lines, payload CRC, CRC of the first 16. */
inline void writeRecordHeader(char *out, const RecordHeader &header)
{
    putU32(out, RecordMagic);
    putU32(out + 4, header.length);
    putU32(out + 8, header.lines);
    putU32(out + 12, header.payloadCrc);
    putU32(out + 16, crc32(std::string_view(out, 16)));
}
/** False when the magic or the header's own checksum does not match. */
inline bool readRecordHeader(const char *in, RecordHeader &header)
{
    if (getU32(in) != RecordMagic || getU32(in + 16) != crc32(std::string_view(in, 16)))
        return false;
    header.length = getU32(in + 4);
    header.lines = getU32(in + 8);
    header.payloadCrc = getU32(in + 12);
    return true;
}

inline QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

/** pread until size bytes or end of file; returns bytes read (-1 on error). */
inline qint64 readAt(int fd, char *buffer, qint64 size, qint64 offset)
{
    qint64 done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, buffer + done, std::size_t(size - done), offset + done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += n;
    }
    return done;
}

} // namespace Garnet::SpoolFormat
