// Standard base64 (RFC 4648: the + / alphabet, '=' padded, no line breaks), for bytes that must
// travel as text: Content-MD5 headers, HTTP Basic credentials, invalid UTF-8 lines in JSON.
#pragma once

#include <string>
#include <string_view>

namespace tributary::util {

std::string base64(std::string_view bytes);

}  // namespace tributary::util
