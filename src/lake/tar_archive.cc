#include "lake/tar_archive.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace tributary::lake {
namespace {

constexpr std::size_t kBlock = 512;

// `value` as `width - 1` octal digits and a NUL, as ustar numeric fields are written.
void put_octal(char* field, std::size_t width, std::uint64_t value) {
  std::memset(field, '0', width - 1);
  field[width - 1] = '\0';
  for (std::size_t i = width - 1; i-- > 0 && value > 0; value >>= 3) {
    field[i] = static_cast<char>('0' + (value & 7));
  }
}

std::uint64_t header_checksum(const char* header) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < kBlock; ++i) {
    // The checksum field itself counts as eight spaces.
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
  }
  return sum;
}

// A printable ASCII name of at most 99 bytes for the ustar header: the end of `path` (its most
// specific part), other bytes replaced by '_'.
std::string ustar_name(std::string_view path) {
  std::string name(path.substr(path.size() > 99 ? path.size() - 99 : 0));
  for (char& c : name) {
    if (c < 0x20 || c > 0x7e) c = '_';
  }
  return name.empty() ? std::string("_") : name;
}

void append_header(std::string& out, std::string_view name, char type, std::uint64_t size) {
  char h[kBlock] = {};
  std::memcpy(h, name.data(), std::min<std::size_t>(name.size(), 100));
  put_octal(h + 100, 8, 0644);
  put_octal(h + 108, 8, 0);
  put_octal(h + 116, 8, 0);
  if (size >= (1ull << 33)) throw std::invalid_argument("tar member over 8 GiB");
  put_octal(h + 124, 12, size);
  put_octal(h + 136, 12, 0);
  h[156] = type;
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  put_octal(h + 148, 7, header_checksum(h));
  h[155] = ' ';
  out.append(h, kBlock);
}

void pad(std::string& out) {
  out.append((kBlock - out.size() % kBlock) % kBlock, '\0');
}

// One pax record: "<length> <key>=<value>\n", where <length> counts the whole record, its own
// digits included.
void append_record(std::string& out, std::string_view key, std::string_view value) {
  const std::size_t body = 1 + key.size() + 1 + value.size() + 1;  // " key=value\n"
  std::size_t length = body + 1;
  while (std::to_string(length).size() + body != length)
    length = std::to_string(length).size() + body;
  out += std::to_string(length);
  out.push_back(' ');
  out.append(key);
  out.push_back('=');
  out.append(value);
  out.push_back('\n');
}

[[noreturn]] void damaged(std::uint64_t at, const std::string& what) {
  throw std::runtime_error("tar archive damaged at byte " + std::to_string(at) + ": " + what);
}

std::uint64_t read_octal(const char* field, std::size_t width, std::uint64_t at) {
  std::uint64_t v = 0;
  std::size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) v = (v << 3) | (field[i] - '0');
  if (i < width && field[i] != '\0' && field[i] != ' ') damaged(at, "bad numeric field");
  return v;
}

std::string c_string(const char* field, std::size_t width) {
  return std::string(field, strnlen(field, width));
}

std::map<std::string, std::string> parse_records(std::string_view data, std::uint64_t at) {
  std::map<std::string, std::string> records;
  while (!data.empty()) {
    const auto space = data.find(' ');
    if (space == std::string_view::npos || space == 0) damaged(at, "pax record without a length");
    std::uint64_t length = 0;
    for (char c : data.substr(0, space)) {
      if (c < '0' || c > '9') damaged(at, "pax record length not a number");
      length = length * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (length <= space + 1 || length > data.size() || data[length - 1] != '\n') {
      damaged(at, "pax record length out of range");
    }
    const std::string_view record = data.substr(space + 1, length - space - 2);
    const auto eq = record.find('=');
    if (eq == std::string_view::npos) damaged(at, "pax record without '='");
    records[std::string(record.substr(0, eq))] = std::string(record.substr(eq + 1));
    data.remove_prefix(length);
  }
  return records;
}

}  // namespace

void TarWriter::add(std::string_view path, std::string_view data,
                    const std::map<std::string, std::string>& records) {
  std::string pax;
  append_record(pax, "path", path);
  for (const auto& [key, value] : records) append_record(pax, key, value);
  append_header(out_, "PaxHeaders/" + ustar_name(path).substr(0, 88), 'x', pax.size());
  out_ += pax;
  pad(out_);
  append_header(out_, ustar_name(path), '0', data.size());
  out_.append(data);
  pad(out_);
}

std::string TarWriter::finish() {
  out_.append(2 * kBlock, '\0');
  return std::exchange(out_, std::string());
}

std::vector<TarMember> read_tar(std::string_view archive) {
  std::vector<TarMember> members;
  std::map<std::string, std::string> pending;  // the last 'x' header's records
  std::uint64_t at = 0;
  while (at + kBlock <= archive.size()) {
    const char* h = archive.data() + at;
    if (std::all_of(h, h + kBlock, [](char c) { return c == '\0'; })) return members;
    if (read_octal(h + 148, 8, at) != header_checksum(h)) damaged(at, "header checksum mismatch");
    std::uint64_t size = read_octal(h + 124, 12, at);
    const char type = h[156];
    const std::uint64_t data_at = at + kBlock;
    if (type == 'x' || type == 'g') {
      if (size > archive.size() - data_at) damaged(at, "pax header cut short");
      auto records = parse_records(archive.substr(data_at, size), at);
      if (type == 'x') pending = std::move(records);
    } else {
      if (auto s = pending.find("size"); s != pending.end()) size = std::stoull(s->second);
      if (size > archive.size() - data_at) damaged(at, "member cut short");
      if (type == '0' || type == '\0') {
        TarMember m;
        if (auto p = pending.find("path"); p != pending.end()) {
          m.path = p->second;
        } else {
          const std::string prefix = c_string(h + 345, 155);
          m.path = (prefix.empty() ? "" : prefix + "/") + c_string(h, 100);
        }
        pending.erase("path");
        pending.erase("size");
        m.records = std::move(pending);
        m.offset = data_at;
        m.size = size;
        members.push_back(std::move(m));
      }
      pending.clear();
    }
    at = data_at + (size + kBlock - 1) / kBlock * kBlock;
  }
  damaged(at, "no end-of-archive blocks");
}

}  // namespace tributary::lake
