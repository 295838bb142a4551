// Taken from the eventsim samples in tests/data/ (see builtin_tables.h): real eventsim output,
// so every value is one eventsim itself emitted.
#include "gen/builtin_tables.h"

namespace tributary::gen {
namespace {

constexpr FirstName kFirstNames[] = {
    {"Andre", "M"},     {"Miguel", "M"},     {"Anthony", "M"},   {"Patrick", "M"},
    {"Shylah", "F"},    {"Kezia", "F"},      {"Aiden", "M"},     {"Mason", "M"},
    {"Caitlin", "F"},   {"Alex", "M"},       {"Fischer", "M"},   {"Jerimiah", "M"},
    {"Ayah", "F"},      {"Henry", "M"},      {"Kiptyn", "M"},    {"Jake", "M"},
    {"Tennyson", "M"},  {"Stacy", "F"},      {"Vance", "M"},     {"Kiyomi", "F"},
    {"Jazelle", "F"},   {"Toni", "F"},       {"Mia", "F"},       {"Tenli", "F"},
    {"Johnathan", "M"}, {"William", "M"},    {"Gaven", "M"},     {"Armani", "M"},
    {"Adler", "M"},     {"Rhett", "M"},      {"Stephen", "M"},   {"Samuel", "M"},
    {"Raleigh", "M"},   {"Jordyn", "F"},     {"Colin", "M"},     {"Zachary", "M"},
    {"Nyla", "F"},      {"Janiya", "F"},     {"Harrison", "M"},  {"Scarlette", "F"},
    {"Derrick", "M"},   {"Easton", "M"},     {"Hailey", "F"},    {"Jvion", "M"},
    {"Ayanna", "F"},    {"Andrea", "F"},     {"Gabriela", "F"},  {"Ksenia", "F"},
    {"Sonia", "F"},     {"Kaylee", "F"},     {"Emily", "F"},     {"Adrian", "M"},
    {"Xavier", "M"},    {"Hayden", "M"},     {"Grady", "M"},     {"Cooper", "M"},
    {"Andres", "M"},    {"Temperance", "F"}, {"Ethyn", "M"},     {"Pryce", "M"},
    {"Jayne", "F"},     {"Ela", "F"},        {"Noah", "M"},      {"Jayla", "F"},
    {"Lauren", "F"},    {"Caroline", "F"},   {"Xzavier", "M"},   {"Camille", "F"},
    {"Ava", "F"},       {"Pierce", "M"},     {"Elizabeth", "F"}, {"Brennon", "M"},
    {"Kai", "M"},       {"Aliyah", "F"},     {"Sebastian", "M"}, {"Eden", "F"},
    {"Emma", "F"},      {"Cynthia", "F"},    {"Jacob", "M"},     {"Diego", "M"},
    {"Nolan", "M"},     {"Estefania", "F"},  {"Jannely", "F"},   {"Domingo", "M"},
    {"Oscar", "M"},     {"Ashton", "M"},     {"Cole", "M"},      {"Kingston", "M"},
    {"Russell", "M"},   {"Enmanuel", "M"},   {"Maddison", "F"},  {"Elijah", "M"},
    {"Nathan", "M"},    {"Heaven", "F"},     {"Xiomara", "F"},   {"Brianna", "F"},
    {"Tristen", "M"},   {"Clara", "F"},      {"Dane", "M"},      {"Promise", "F"},
    {"Derriona", "F"},  {"Joshua", "M"},     {"Philip", "M"},    {"Mika", "M"},
    {"Alexandra", "F"}, {"Jayden", "M"},     {"John", "M"},      {"Kimball", "M"},
    {"Atticus", "M"},   {"Whitley", "F"},    {"Dylan", "M"},     {"Chloe", "F"},
    {"Kaily", "F"},     {"Karsen", "F"},     {"Ty", "M"},        {"London", "F"},
};

constexpr std::string_view kLastNames[] = {
    "Johnson",   "Sherman",    "Watson",     "Wong",       "Wiley",     "Stout",      "Hess",
    "Thompson",  "Payne",      "Lucero",     "Cooper",     "Davis",     "Scott",      "Monroe",
    "Simon",     "Hogan",      "Arroyo",     "Fitzgerald", "Edwards",   "Nichols",    "Ward",
    "Jimenez",   "Morgan",     "Ortiz",      "Cruz",       "Crawford",  "Riddle",     "Sellers",
    "Garza",     "Newton",     "Barron",     "Osborne",    "Hernandez", "Pennington", "Gibson",
    "Ramirez",   "Golden",     "Mclaughlin", "Frazier",    "Russell",   "Graham",     "Jenkins",
    "Erickson",  "Sanchez",    "Nguyen",     "Brown",      "Smith",     "Campbell",   "Sullivan",
    "Dominguez", "Hall",       "Hughes",     "Gonzalez",   "Holmes",    "Armstrong",  "Romero",
    "Farley",    "Harrington", "Frank",      "Reid",       "Horton",    "Davidson",   "Ross",
    "Roberson",  "Jacobson",   "Schmidt",    "Allen",      "Welch",     "Jordan",     "Lee",
    "Mccoy",     "Ellis",      "Flores",     "Tucker",     "Williams",  "Kennedy",    "Mccann",
    "Brock",     "Mercado",    "Alexander",  "Adams",      "Patel",     "Rogers",     "Fernandez",
    "Arnold",    "Miller",     "Moon",       "Lopez",      "Harris",    "Huff",       "Olson",
    "Fox",       "Hunt",       "Mcdonald",   "Foster",     "Hodge",     "Perez",      "Woodard",
    "King",      "Rosales",    "Gonzales",
};

// The agent without eventsim's extra quotes (see quoted_user_agent()); weight: distinct users
// with the agent in the samples.
constexpr UserAgent kUserAgents[] = {
    {"Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.125 Safari/537.36",
     11},
    {"Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.143 Safari/537.36",
     11},
    {"Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0", 8},
    {"Mozilla/5.0 (Windows NT 6.3; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.143 Safari/537.36",
     7},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0", 7},
    {"Mozilla/5.0 (Windows NT 6.3; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.125 Safari/537.36",
     6},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.77.4 (KHTML, like Gecko) "
     "Version/7.0.5 Safari/537.77.4",
     6},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.125 Safari/537.36",
     6},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.143 Safari/537.36",
     5},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.78.2 (KHTML, like Gecko) "
     "Version/7.0.6 Safari/537.78.2",
     4},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like "
     "Gecko) Version/7.0 Mobile/11D257 Safari/9537.53",
     3},
    {"Mozilla/5.0 (Windows NT 6.1; rv:31.0) Gecko/20100101 Firefox/31.0", 3},
    {"Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 "
     "Safari/537.36",
     3},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/37.0.2062.94 "
     "Safari/537.36",
     2},
    {"Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko", 2},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_2) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.125 Safari/537.36",
     2},
    {"Mozilla/5.0 (Windows NT 6.3; WOW64; Trident/7.0; rv:11.0) like Gecko", 2},
    {"Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.125 "
     "Safari/537.36",
     2},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/37.0.2062.94 Safari/537.36",
     2},
    {"Mozilla/5.0 (Windows NT 6.3; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0", 2},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.7; rv:31.0) Gecko/20100101 Firefox/31.0", 2},
    {"Mozilla/5.0 (Windows NT 6.2; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.143 Safari/537.36",
     2},
    {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:31.0) Gecko/20100101 Firefox/31.0", 2},
    {"Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; WOW64; Trident/6.0)", 2},
    {"Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/37.0.2062.102 Safari/537.36",
     1},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.125 "
     "Safari/537.36",
     1},
    {"Mozilla/5.0 (Windows NT 5.1; rv:31.0) Gecko/20100101 Firefox/31.0", 1},
    {"Mozilla/5.0 (Windows NT 6.1; WOW64; rv:24.0) Gecko/20100101 Firefox/24.0", 1},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_5) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/37.0.2062.94 Safari/537.36",
     1},
    {"Mozilla/5.0 (Windows NT 5.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 "
     "Safari/537.36",
     1},
    {"Mozilla/5.0 (Windows NT 6.2; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.125 Safari/537.36",
     1},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu "
     "Chromium/34.0.1847.116 Chrome/34.0.1847.116 Safari/537.36",
     1},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5) AppleWebKit/537.77.4 (KHTML, like Gecko) "
     "Version/6.1.5 Safari/537.77.4",
     1},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.125 Safari/537.36",
     1},
    {"Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/37.0.2062.103 Safari/537.36",
     1},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_6_8) AppleWebKit/534.59.10 (KHTML, like Gecko) "
     "Version/5.1.9 Safari/534.59.10",
     1},
    {"Mozilla/5.0 (X11; Ubuntu; Linux i686; rv:31.0) Gecko/20100101 Firefox/31.0", 1},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_3) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.125 Safari/537.36",
     1},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu "
     "Chromium/36.0.1985.125 Chrome/36.0.1985.125 Safari/537.36",
     1},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_3) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/37.0.2062.94 Safari/537.36",
     1},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_3) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/36.0.1985.143 Safari/537.36",
     1},
    {"Mozilla/5.0 (Windows NT 6.1; WOW64; rv:32.0) Gecko/20100101 Firefox/32.0", 1},
};

}  // namespace

std::span<const FirstName> builtin_first_names() {
  return kFirstNames;
}
std::span<const std::string_view> builtin_last_names() {
  return kLastNames;
}
std::span<const UserAgent> builtin_user_agents() {
  return kUserAgents;
}

}  // namespace tributary::gen
