// SQL is built only from constants: data reaches the database as bound parameters or COPY
// rows, never inside SQL text. Static check over src/ (C++), run by CTest (reliability.sql_static).
//
//   node sql_static_check.mjs <repo root>   checks src/ against sql_allowlist.txt
//   node sql_static_check.mjs --self-test   checks the checker on snippets it must accept/refuse
//
// Every call that hands SQL text to a database is found: the SqlConnection methods
// (.execute_script / .execute / .query, SqliteConnection::prepare, PostgresConnection::copy_in,
// through `.` or `->`; the second argument of the free function insert_else) and the drivers'
// own entry points (libpq PQexec..., sqlite3_exec /
// sqlite3_prepare...), which only the two connection classes may call. The SQL argument passes
// when it is, recursively:
//   - string literals (adjacent ones too, raw strings included);
//   - a constant: an identifier kName declared constexpr or const with a literal initializer
//     in the scanned sources;
//   - quote_identifier(...) (one quoted identifier, whatever its input) or std::to_string(...)
//     (digits: std::to_string takes numbers only);
//   - std::string(...) / std::string_view(...) of a passing argument, or `a + b` of passing ones;
//   - `cond ? a : b` with passing branches (the condition only chooses between constants).
// Anything else (a variable, a function's result, fmt/std::format, a stream) must be in
// sql_allowlist.txt as `path :: argument :: reason`; an entry that matches no site fails the
// check too, so the list shrinks with the code.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SINK = /(?:\.|->)\s*(execute_script|execute|query|prepare|copy_in)\s*\(/g;
// insert_else(db, sql, params, otherwise): the SQL is its second argument.
const SECOND_ARGUMENT_SINK = /\b(insert_else)\s*\(/g;
const DRIVER = /\b(PQexec|PQexecParams|PQprepare|PQsendQuery|PQsendQueryParams|PQsendPrepare|sqlite3_exec|sqlite3_prepare|sqlite3_prepare_v2|sqlite3_prepare_v3)\s*\(/g;
const DRIVER_FILES = new Set(['src/warehouse/postgres_connection.cc', 'src/warehouse/sqlite_connection.cc']);

// The length of the string or character literal starting at text[i], or 0 when none starts there.
function literalLength(text, i) {
  const raw = /^(?:u8|[uUL])?R"([^()\\\s]{0,16})\(/.exec(text.slice(i, i + 24));
  if (raw && (i === 0 || !/[A-Za-z0-9_]/.test(text[i - 1]))) {
    const end = text.indexOf(`)${raw[1]}"`, i + raw[0].length);
    return end < 0 ? text.length - i : end + raw[1].length + 2 - i;
  }
  const quote = text[i];
  if (quote !== '"' && quote !== "'") return 0;
  if (quote === "'" && /[0-9A-Fa-f]/.test(text[i - 1] ?? '')) return 0;  // digit separator 1'000
  let j = i + 1;
  while (j < text.length && text[j] !== quote) j += text[j] === '\\' ? 2 : 1;
  return j + 1 - i;
}

// `text` with comments replaced by spaces (newlines kept, so offsets and lines stay valid).
function stripComments(text) {
  let out = '';
  for (let i = 0; i < text.length;) {
    const n = literalLength(text, i);
    if (n > 0) {
      out += text.slice(i, i + n);
      i += n;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// The top-level positions of `text` from `start` on: those outside literals and at bracket depth
// 0, the one scan behind splitting an expression, ending an argument and ending a statement.
// Brackets are counted from `start`, and the closing bracket that leaves depth 0 is yielded too,
// so that a caller inside a call can stop at the call's end; past it nothing is top level.
function* topLevel(text, start = 0) {
  let depth = 0;
  for (let i = start; i < text.length;) {
    const n = literalLength(text, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (depth === 0) yield i;
    if ('([{'.includes(text[i])) depth++;
    else if (')]}'.includes(text[i])) depth--;
    i++;
  }
}

// Splits `expr` at top-level occurrences of any character in `separators`; returns the parts and
// the separators found.
function splitTopLevel(expr, separators) {
  const parts = [];
  const found = [];
  let start = 0;
  for (const i of topLevel(expr)) {
    const c = expr[i];
    if (!separators.includes(c)) continue;
    // `::` is scope resolution, not a ternary's ':'.
    if (c === ':' && (expr[i + 1] === ':' || expr[i - 1] === ':')) continue;
    parts.push(expr.slice(start, i));
    found.push(c);
    start = i + 1;
  }
  parts.push(expr.slice(start));
  return { parts, found };
}

// The first argument of the call whose '(' is at text[open]; and where it ends.
function firstArgument(text, open) {
  for (const i of topLevel(text, open + 1)) {
    if (')]},'.includes(text[i])) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

// The argument of the call `name(...)` that is all of `expr`, or null.
function unwrap(expr, name) {
  if (!expr.startsWith(name)) return null;
  const rest = expr.slice(name.length).trim();
  if (!rest.startsWith('(')) return null;
  const inner = firstArgument(rest, 0);
  return rest.length === inner.length + 2 && rest.endsWith(')') ? inner : null;
}

// The text from `start` up to the first top-level `;`.
function statementRest(text, start) {
  for (const i of topLevel(text, start)) {
    if (text[i] === ';') return text.slice(start, i);
  }
  return text.slice(start);
}

function passes(expr, constants) {
  expr = expr.trim();
  if (expr === '') return false;
  const ternary = splitTopLevel(expr, '?');
  if (ternary.parts.length > 1) {
    const branches = splitTopLevel(ternary.parts.slice(1).join('?'), ':');
    return branches.parts.length === 2 && branches.parts.every((b) => passes(b, constants));
  }
  const sum = splitTopLevel(expr, '+');
  if (sum.parts.length > 1) return sum.parts.every((p) => passes(p, constants));
  // A sequence of adjacent literals.
  let rest = expr;
  while (rest.length > 0) {
    const n = literalLength(rest, 0);
    if (n === 0) break;
    rest = rest.slice(n).trim();
  }
  if (rest.length === 0) return true;
  if (/^k[A-Z]\w*$/.test(expr)) return constants.has(expr);
  for (const wrapper of ['std::string', 'std::string_view', 'std::to_string', 'quote_identifier']) {
    const inner = unwrap(expr, wrapper);
    if (inner === null) continue;
    if (wrapper === 'std::to_string' || wrapper === 'quote_identifier') return true;
    return passes(inner, constants);
  }
  if (expr.startsWith('(') && firstArgument(expr, 0).length === expr.length - 2) {
    return passes(expr.slice(1, -1), constants);
  }
  return false;
}

// Names declared `constexpr`/`const ... kName = "literal"` anywhere in `texts`.
function declaredConstants(texts) {
  const names = new Set();
  const decl = /\b(?:constexpr|const)\b[^;=()]*?\b(k[A-Z]\w*)\s*=\s*/g;
  for (const text of texts) {
    for (let m; (m = decl.exec(text));) {
      if (passes(statementRest(text, m.index + m[0].length), new Set())) names.add(m[1]);
    }
  }
  return names;
}

const normalize = (s) => s.replace(/\s+/g, ' ').trim();
const lineOf = (text, offset) => text.slice(0, offset).split('\n').length;

// Every SQL site of the files { path: text }: [{ file, line, sink, argument, ok }], and the
// driver calls found outside the connection classes.
export function findSites(files) {
  const stripped = Object.fromEntries(Object.entries(files).map(([f, t]) => [f, stripComments(t)]));
  const constants = declaredConstants(Object.values(stripped));
  const sites = [];
  const driverCalls = [];
  for (const [file, text] of Object.entries(stripped)) {
    for (const m of text.matchAll(SINK)) {
      const open = m.index + m[0].length - 1;
      const argument = normalize(firstArgument(text, open));
      sites.push({ file, line: lineOf(text, m.index), sink: m[1], argument, ok: passes(argument, constants) });
    }
    for (const m of text.matchAll(SECOND_ARGUMENT_SINK)) {
      const open = m.index + m[0].length - 1;
      const first = firstArgument(text, open);
      if (/\bSqlConnection\b/.test(first)) continue;  // the function's own declaration
      const argument = normalize(firstArgument(text, open + 1 + first.length));
      sites.push({ file, line: lineOf(text, m.index), sink: m[1], argument, ok: passes(argument, constants) });
    }
    if (!DRIVER_FILES.has(file)) {
      for (const m of text.matchAll(DRIVER)) driverCalls.push({ file, line: lineOf(text, m.index), call: m[1] });
    }
  }
  return { sites, driverCalls };
}

export function parseAllowlist(text) {
  const entries = [];
  const problems = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(' :: ');
    if (fields.length !== 3 || fields.some((f) => f.trim() === '')) {
      problems.push(`sql_allowlist.txt:${i + 1}: expected 'path :: argument :: reason'`);
      return;
    }
    entries.push({ file: fields[0].trim(), argument: normalize(fields[1]), reason: fields[2].trim(), line: i + 1 });
  });
  return { entries, problems };
}

// The problems of a tree: sites neither constant nor allowlisted, driver calls outside the
// connection classes, allowlist entries that match nothing or are malformed.
export function check(files, allowlistText) {
  const { sites, driverCalls } = findSites(files);
  const { entries, problems } = parseAllowlist(allowlistText);
  const used = new Set();
  for (const site of sites) {
    if (site.ok) continue;
    const entry = entries.find((e) => e.file === site.file && e.argument === site.argument);
    if (entry) {
      used.add(entry);
      site.allowlisted = entry.reason;
    } else {
      problems.push(`${site.file}:${site.line}: SQL built from non-constant parts: ${site.sink}(${site.argument})`);
    }
  }
  for (const d of driverCalls) {
    problems.push(`${d.file}:${d.line}: ${d.call} outside the connection classes (use SqlConnection)`);
  }
  for (const e of entries) {
    if (!used.has(e)) problems.push(`sql_allowlist.txt:${e.line}: matches no SQL site: ${e.file} :: ${e.argument}`);
  }
  return { sites, problems };
}

function sourceFiles(root) {
  const files = {};
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(cc|h)$/.test(entry.name)) files[path.relative(root, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(path.join(root, 'src'));
  return files;
}

function selfTest() {
  const header = 'constexpr std::string_view kLock = "SELECT 1";\nconst char* kName = compute();\n';
  const accepted = [
    'db.query("SELECT count(*) FROM t WHERE a = $1", p);',
    'db.execute("INSERT INTO t" " VALUES ($1)", p);',
    'db->execute_script(pg ? "BEGIN" : "BEGIN IMMEDIATE");',
    'db.query(std::string("SELECT 1") + (pg ? " FOR UPDATE" : ""));',
    'db.query(kLock);',
    'db.execute_script("CREATE TABLE " + quote_identifier(name) + " (x int) -- " + std::to_string(n));',
    'db.query(R"(SELECT "a", \'b\' FROM t)");',
    '// db.query("x" + name);  a comment is no call',
    'insert_else(db, pg ? "INSERT INTO t SELECT 1" : "INSERT INTO t SELECT 2", p, [&] { return 0; });',
    // Brackets, commas, quotes and separators inside literals are text, not structure.
    'db.query("SELECT f(a, \'[\') FROM t WHERE b IN (\')\', \';\')", p);',
    'db->execute_script(pg ? "SET x = \'a:b\'" : "PRAGMA x = \'?\'");',
  ];
  const refused = [
    'db.query("SELECT * FROM t WHERE name = \'" + name + "\'");',
    'db.execute(std::format("DELETE FROM t WHERE id = {}", id));',
    'db.execute(fmt::format("DELETE FROM {}", table));',
    'std::ostringstream s; s << "SELECT " << col; db.query(s.str());',
    'db->execute_script(sql);',
    'db.query(pg ? "SELECT 1" : user_sql);',
    'insert_else(db, "INSERT INTO t VALUES (\'" + name + "\')", {}, [&] { return 0; });',
    'db.query(kName);',  // const, but not initialised with a literal
    'conn.prepare("INSERT INTO t VALUES (" + value + ")");',
    'pg.copy_in("COPY " + table + " FROM STDIN", data);',
    'db.query(std::string("SELECT ") + std::string(column));',
    // Ending the argument, or the constant's initialiser, at the ')' or ';' inside a literal
    // would leave a lone literal, which passes.
    'db.query("SELECT f(x)) " + name);',
    'constexpr std::string_view kBad = "SELECT 1;" + suffix(); db.query(kBad);',
  ];
  const failures = [];
  for (const snippet of accepted) {
    const { problems } = check({ 'src/x.cc': header + snippet }, '');
    if (problems.length > 0) failures.push(`accepted snippet refused: ${snippet}\n  ${problems.join('\n  ')}`);
  }
  for (const snippet of refused) {
    const { problems } = check({ 'src/x.cc': header + snippet }, '');
    if (problems.length !== 1) failures.push(`unsafe snippet not refused once: ${snippet} (${problems.length})`);
  }
  const allow = 'src/x.cc :: sql :: built from constants only\n';
  if (check({ 'src/x.cc': 'db.execute(sql);' }, allow).problems.length !== 0) failures.push('allowlisted site refused');
  if (check({ 'src/x.cc': 'db.execute(q);' }, allow).problems.length !== 2) failures.push('stale allowlist entry not reported');
  if (check({ 'src/y.cc': 'PQexec(conn, text);' }, '').problems.length !== 1) failures.push('driver call outside the connection classes not refused');
  if (check({ 'src/x.cc': '' }, 'src/x.cc :: sql\n').problems.length !== 1) failures.push('entry without a reason not refused');
  if (failures.length > 0) {
    console.error(`FAIL: self-test\n${failures.join('\n')}`);
    process.exit(1);
  }
  console.log(`sql static check self-test: ${accepted.length} safe snippets accepted, ${refused.length} unsafe refused: ok`);
}

if (process.argv[2] === '--self-test') {
  selfTest();
} else {
  const root = process.argv[2];
  if (!root) {
    console.error('usage: sql_static_check.mjs <repo root> | --self-test');
    process.exit(2);
  }
  const allowlist = fs.readFileSync(path.join(here, 'sql_allowlist.txt'), 'utf8');
  const { sites, problems } = check(sourceFiles(root), allowlist);
  if (problems.length > 0) {
    console.error(`FAIL: ${problems.length} problem(s):\n${problems.join('\n')}`);
    process.exit(1);
  }
  const constant = sites.filter((s) => s.ok).length;
  console.log(`sql static check: ${sites.length} SQL sites in src/, ${constant} built from constants, ${sites.length - constant} allowlisted with a reason: ok`);
}
