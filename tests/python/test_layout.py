"""The layout rules of docs/design/conventions.md that a scan can check.

Reads the source tree (native/ and src/triscope/), found relative to this
file, so it runs the same from the repository and from tests/ under the test
runner with the package installed.  Standard library only; nothing is built
or imported.  One test per rule; a failure lists every violation.

Decisions the rules leave open:
- Includes: a quoted include is resolved as the build does (setup.py,
  tests/c/run.sh): the including file's own folder first, then the folders
  its level may include.  One that resolves there is fine; one that resolves
  only in a folder its level may not include is a violation; one that
  resolves nowhere in native/ is a system or Python header and is ignored.
- Modules: a C module is a basename without .c/.h, named with its folder
  (extension/engine); an .inc.c file belongs to the module of the .c file
  that includes it (so pycompat's readers belong to extension/pycompat/pycompat).
- Python imports: an import of a submodule (``import triscope.x``,
  ``from triscope import x``, ``from . import x``, ``from .x import y``) is an
  edge to that submodule; only a name taken from the package itself
  (``from triscope import __version__``, ``import triscope``) is an edge to
  the package's __init__.  Imports inside functions and ``if`` blocks count.
- Owners: a file-scope variable is any object defined outside a function
  body that is not extern, not a typedef, not a function and not itself
  const (a const object has no writer to name).
"""

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NATIVE = REPO / "native"
PACKAGE = REPO / "src" / "triscope"
README = NATIVE / "README.md"

# Folder of native/ -> the other folders its files may include, in search
# order (conventions.md, "Folders and levels").  A folder's own files may
# always be included.  base is level 0, preload and profile level 1 (never
# each other), extension and its pycompat level 2 (anything but preload).
MAY_INCLUDE = {
    "base": [],
    "preload": ["base"],
    "profile": ["base"],
    "extension": ["extension/pycompat", "profile", "base"],
    "extension/pycompat": ["extension", "profile", "base"],
}
PYTHON_H_FOLDERS = ("extension", "extension/pycompat")
MAX_C_LINES = 700
SIGNAL_SENTENCES = ("Async-signal-safe.", "Not async-signal-safe.")

# (pattern, what it is) of platform specifics, allowed only in the OS seam.
PLATFORM_NAMES = [
    (r"\b__asm__\b|\b__asm\b|\basm\s*(?:\(|volatile\b|__volatile__\b)", "inline assembly"),
    (r"\b_sigev_un\b", "glibc-private sigevent field"),
    (r"\bREG_(?:R[0-9]+|R[A-Z]{2}|E(?:IP|SP|BP|AX|BX|CX|DX|SI|DI|FL|RR)|CSGSFS|TRAPNO"
     r"|OLDMASK|CR2)\b", "register name"),
    (r"\buc_mcontext\b", "machine context (registers)"),
    (r"\b__builtin_thread_pointer\b", "thread pointer read"),
    (r"\bR_(?:X86_64|AARCH64|386|ARM|RISCV)_\w+", "relocation type"),
    (r"\bSYS_\w+", "raw system call number"),
    (r"/proc/self/task\b", "Linux thread directory"),
]
VERSION_NAMES = [(r"\bPY_VERSION_HEX\b", "CPython version test")]

_SKIP_NAMES = re.compile(r"(^\.|\.(o|so|a|d|pyc)$|^__pycache__$)")


# --------------------------------------------------------------------------
# reading the tree

def _rel(path):
    return path.relative_to(NATIVE).as_posix()


def _native_files():
    """Every file under native/ (build artefacts and hidden files aside)."""
    out = []
    for p in sorted(NATIVE.rglob("*")):
        parts = p.relative_to(NATIVE).parts
        if p.is_file() and not any(_SKIP_NAMES.search(x) for x in parts):
            out.append(p)
    return out


def _c_files():
    return [p for p in _native_files() if p.suffix in (".c", ".h")]


def _lex_c(text):
    """(code, code_no_strings, comments) of C source.

    code has every comment replaced by spaces (newlines kept, so offsets and
    line numbers stay); code_no_strings also blanks the insides of string
    and character literals.  comments is a list of (start offset, end
    offset, text)."""
    code, bare, comments = list(text), list(text), []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i) or text.startswith("//", i):
            end = text.find("*/", i + 2) + 2 if c == "/" and text[i + 1] == "*" else text.find("\n", i)
            if end < 2 or end == -1:
                end = n
            comments.append((i, end, text[i:end]))
            for k in range(i, end):
                if text[k] != "\n":
                    code[k] = bare[k] = " "
            i = end
        elif c in "\"'":
            k = i + 1
            while k < n and text[k] != c and text[k] != "\n":
                k += 2 if text[k] == "\\" else 1
            for j in range(i + 1, min(k, n)):
                bare[j] = " "
            i = k + 1
        else:
            i += 1
    return "".join(code), "".join(bare), comments


class CFile:
    """One C file of native/, lexed once."""

    _cache = {}

    def __init__(self, path):
        self.path = path
        self.rel = _rel(path)
        self.folder = path.parent.relative_to(NATIVE).as_posix()
        self.text = path.read_text(encoding="utf-8", errors="replace")
        self.code, self.bare, self.comments = _lex_c(self.text)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    @classmethod
    def get(cls, path):
        if path not in cls._cache:
            cls._cache[path] = CFile(path)
        return cls._cache[path]

    def line_of(self, offset):
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def where(self, offset):
        return "native/%s:%d" % (self.rel, self.line_of(offset))

    def includes(self):
        """[(offset, name, quoted)] of every #include outside comments."""
        return [(m.start(), m.group(2), m.group(1) == '"') for m in
                re.finditer(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]', self.code, re.M)]


def _resolve_include(cf, name):
    """(resolved path or None, folder it was found in, allowed?)."""
    allowed = [cf.folder] + MAY_INCLUDE.get(cf.folder, [])
    for folder in allowed + [f for f in MAY_INCLUDE if f not in allowed]:
        target = (NATIVE / folder / name).resolve()
        if target.is_file() and NATIVE.resolve() in target.parents:
            return target, folder, folder in allowed
    return None, None, True


def _resolved_includes(cf):
    """[(offset, target path)] of the quoted includes found in native/."""
    out = []
    for off, name, quoted in cf.includes():
        if quoted:
            target, _, _ = _resolve_include(cf, name)
            if target is not None:
                out.append((off, target))
    return out


def _fail(title, violations, count=None):
    """Fails with every violation listed, one a line, count of them in the title."""
    if violations:
        count = len(violations) if count is None else count
        pytest.fail("%s (%d):\n  %s" % (title, count, "\n  ".join(violations)), pytrace=False)


def _cycles(edges):
    """Strongly connected components of more than one node (Tarjan).

    edges: {node: {successor: evidence}}.  Returns one (members, lines) per
    component: one shortest cycle through its first member, then every edge
    inside it with its evidence, so each cycle can be broken from the list."""
    index, low, stack, on_stack, comps = {}, {}, [], set(), []
    nodes = sorted(set(edges) | {w for succ in edges.values() for w in succ})

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while not comp or comp[-1] != v:
                comp.append(stack.pop())
                on_stack.discard(comp[-1])
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in nodes:
        if v not in index:
            strong(v)
    out = []
    for comp in comps:
        start, members = comp[0], set(comp)
        prev, frontier, path = {}, [start], None
        while frontier and path is None:
            nxt = []
            for v in frontier:
                for w in sorted(edges.get(v, {})):
                    if w == start and path is None:
                        chain = [v]
                        while chain[-1] != start:
                            chain.append(prev[chain[-1]])
                        path = chain[::-1] + [start]
                    elif w in members and w not in prev and w != start:
                        prev[w] = v
                        nxt.append(w)
            frontier = nxt
        lines = [" -> ".join(path) + ("   (one cycle; the component: %s)" % ", ".join(comp)
                                      if len(comp) > 2 else "")]
        lines += ["    %s" % edges[v][w] for v in comp for w in sorted(edges.get(v, {}))
                  if w in members]
        out.append((comp, lines))
    return out


def _fail_cycles(title, cycles):
    _fail(title, [line for _, lines in cycles for line in lines], len(cycles))


# --------------------------------------------------------------------------
# (a) include direction

def test_includes_follow_the_levels():
    violations = []
    for path in _c_files():
        cf = CFile.get(path)
        if cf.folder not in MAY_INCLUDE:
            violations.append("native/%s: folder native/%s/ has no level in "
                              "docs/design/conventions.md" % (cf.rel, cf.folder))
            continue
        for off, name, quoted in cf.includes():
            if name.split("/")[-1] == "Python.h" and cf.folder not in PYTHON_H_FOLDERS:
                violations.append("%s: includes Python.h outside native/extension/"
                                  % cf.where(off))
            if not quoted:
                continue
            _, folder, allowed = _resolve_include(cf, name)
            if not allowed:
                violations.append(
                    '%s: includes "%s", found only in native/%s/, which native/%s/ may not '
                    "include (it may include: %s)"
                    % (cf.where(off), name, folder, cf.folder,
                       ", ".join([cf.folder] + MAY_INCLUDE[cf.folder])))
    _fail("includes from a lower level to a higher one", violations)


# --------------------------------------------------------------------------
# (b) no cycle between C modules

def _c_module_names():
    """{path: module name}; .inc.c files take their includer's module."""
    files = _c_files()
    includers = {}
    for path in files:
        for _, target in _resolved_includes(CFile.get(path)):
            includers.setdefault(target, []).append(path.resolve())

    def module(path, seen=()):
        rel = _rel(path)
        if rel.endswith(".inc.c"):
            for parent in includers.get(path.resolve(), []):
                if parent not in seen:
                    return module(parent, seen + (path.resolve(),))
            return rel[: -len(".inc.c")]
        return rel[: -len(path.suffix)]

    return {path.resolve(): module(path) for path in files}


def test_no_cycle_between_c_modules():
    names = _c_module_names()
    edges = {}
    for path in _c_files():
        cf = CFile.get(path)
        src = names[path.resolve()]
        for off, target in _resolved_includes(cf):
            dst = names.get(target)
            if dst and dst != src:
                edges.setdefault(src, {}).setdefault(
                    dst, "%s: includes %s" % (cf.where(off), _rel(target)))
    _fail_cycles("cycles of C modules that include each other's headers", _cycles(edges))


# --------------------------------------------------------------------------
# (c) no import cycle between Python modules

def _python_modules():
    """{dotted name: path} of every module of src/triscope; the compiled ones
    (their .pyi stubs stand for them) import nothing of triscope."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.pyi")) + sorted(PACKAGE.rglob("*.py")):
        parts = ("triscope",) + path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _import_edges(name, path, modules):
    """{target module: 'file:line: statement'} of every import in the module."""
    if path.suffix == ".pyi":
        return {}
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, str(path))
    is_package = path.name == "__init__.py"
    edges = {}

    def known(dotted):
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted

    def add(target, node):
        if target and target != name:
            edges.setdefault(target, "src/triscope/%s:%d: imports %s (%s)" % (
                path.relative_to(PACKAGE).as_posix(), node.lineno, target,
                " ".join((ast.get_source_segment(source, node) or "import").split())))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "triscope" or alias.name.startswith("triscope."):
                    add(known(alias.name), node)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                full = base + ("." + node.module if node.module else "")
            else:
                full = node.module or ""
            if full != "triscope" and not full.startswith("triscope."):
                continue
            for alias in node.names:
                sub = full + "." + alias.name
                add(sub if sub in modules else known(full), node)
    return edges


def test_no_import_cycle_between_python_modules():
    modules = _python_modules()
    edges = {name: _import_edges(name, path, modules) for name, path in modules.items()}
    _fail_cycles("import cycles between modules of src/triscope (function-level imports "
                 "included)", _cycles(edges))


# --------------------------------------------------------------------------
# (d) the signal-safety sentence

def _is_sentence_at(text, i):
    """True if the /signal.safe/ match at i is one of SIGNAL_SENTENCES."""
    for sentence in SIGNAL_SENTENCES:
        start = i - sentence.index("signal")
        if start >= 0 and text.startswith(sentence, start):
            if start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "-_"):
                return True
    return False


def test_signal_safety_uses_the_fixed_sentence():
    violations = []
    for path in _native_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r"signal.safe", text, re.I):
            if not _is_sentence_at(text, m.start()):
                line = text.count("\n", 0, m.start()) + 1
                lo = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 30)
                hi = text.find("\n", m.end())
                snippet = text[lo:hi if hi != -1 else len(text)][:70].strip()
                violations.append('native/%s:%d: "%s"' % (_rel(path), line, snippet))
    _fail('signal-safety phrases other than "Async-signal-safe." / "Not async-signal-safe."',
          violations)


# --------------------------------------------------------------------------
# (e) an Owner: comment on every file-scope variable

_CONDITIONAL = re.compile(r"^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b")
_ATTRIBUTE = re.compile(r"\b(__attribute__|_Alignas|alignas|__declspec)\s*\(")


def _strip_groups(s, opener, closer):
    """s without its (nested) opener...closer groups."""
    out, depth = [], 0
    for ch in s:
        if ch == opener:
            depth += 1
        elif ch == closer and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def _drop_calls(s, pattern):
    """s without the NAME(...) groups pattern finds (attributes)."""
    while True:
        m = pattern.search(s)
        if not m:
            return s
        depth, k = 0, m.end() - 1
        for k in range(m.end() - 1, len(s)):
            depth += {"(": 1, ")": -1}.get(s[k], 0)
            if depth == 0:
                break
        s = s[: m.start()] + " " + s[k + 1:]


def _top_level_split(s, sep):
    parts, depth, cur = [], 0, []
    for ch in s:
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(ch, 0)
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _declared_variables(stmt):
    """Names of the non-const objects a file-scope statement defines ([] for
    typedefs, extern declarations, prototypes, tag-only definitions)."""
    s = " ".join(stmt.split())
    if re.match(r"^[A-Z][A-Z0-9_]*\s*\(", s):  # a list macro expanded before it
        s = _drop_calls(s, re.compile(r"^[A-Z][A-Z0-9_]*\s*\(")).strip()
    if not s or re.match(r"^(typedef|extern|_Static_assert|static_assert)\b", s):
        return []
    s = _strip_groups(_drop_calls(s, _ATTRIBUTE), "{", "}")
    s = re.sub(r"\b_Atomic\s*\(([^()]*)\)", r"_Atomic \1", s)  # _Atomic(T) is a type
    if re.match(r"^(struct|union|enum)(\s+\w+)?\s*$", s):
        return []
    parts = [_strip_groups(_top_level_split(p, "=")[0], "[", "]").strip()
             for p in _top_level_split(s, ",")]
    cut = min([k for k in (parts[0].find("*"), parts[0].find("(")) if k != -1]
              or [parts[0].rfind(re.findall(r"\w+", parts[0] or "x")[-1])])
    specifiers = re.findall(r"\w+", parts[0][:cut])
    parts[0] = parts[0][cut:]
    names = []
    for decl in parts:
        paren = decl.find("(")
        if paren != -1:
            if not decl[paren + 1:].lstrip().startswith("*"):
                return []  # a function prototype (or a macro call)
            decl = _strip_groups(decl[paren + 1:], "(", ")")  # (*name)(args)
        ids = re.findall(r"[A-Za-z_]\w*", decl)
        if not ids:
            continue
        if "*" in decl:
            const = "const" in re.findall(r"\w+", decl[decl.rfind("*"):])
        else:
            const = "const" in specifiers
        if not const:
            names.append(ids[-1])
    return names


def _file_scope_statements(cf):
    """[(start offset, end offset, text)] of the statements outside function
    bodies, preprocessor lines blanked."""
    code = cf.bare
    lines = code.split("\n")
    in_directive = False
    for i, line in enumerate(lines):
        if in_directive or line.lstrip().startswith("#"):
            in_directive = line.rstrip().endswith("\\")
            lines[i] = " " * len(line)
    code = "\n".join(lines)
    out, depth, start, i = [], 0, 0, 0
    while i < len(code):
        ch = code[i]
        if ch == "{" and depth == 0:
            head = code[start:i].strip()
            if head.endswith(")") and len(_top_level_split(head, "=")) == 1:
                level = 0  # a function body: skip it whole
                for k in range(i, len(code)):
                    level += {"{": 1, "}": -1}.get(code[k], 0)
                    if level == 0:
                        break
                i = start = k + 1
                continue
            depth += 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == ";" and depth == 0:
            text = code[start:i]
            lead = len(text) - len(text.lstrip())
            if text.strip():
                out.append((start + lead, i, text))
            start = i + 1
        i += 1
    return out


def _owner_violations(cf):
    statements = _file_scope_statements(cf)
    src_lines = cf.text.split("\n")
    code_lines = cf.code.split("\n")
    comment_end = {}    # last line of a whole-line comment -> (first line, text)
    trailing = {}       # line -> text of comments on lines that have code
    for start, end, text in cf.comments:
        first, last = cf.line_of(start), cf.line_of(max(start, end - 1))
        if all(not code_lines[n - 1].strip() for n in range(first, last + 1)):
            comment_end[last] = (first, text)
        else:
            for n in range(first, last + 1):
                trailing.setdefault(n, []).append(text)
    var_lines = {}      # line -> the statement's first line, for lines of variables
    results = []
    for start, end, text in statements:
        names = _declared_variables(text)
        first, last = cf.line_of(start), cf.line_of(end)
        for n in range(first, last + 1):
            var_lines[n] = first if names else None
        if names:
            results.append((first, last, names))

    def owned_above(line, seen):
        """True if the run of lines directly above `line` (comments,
        variables, #if lines; no blank line) has a whole-line Owner comment."""
        n = line - 1
        while n >= 1 and n not in seen:
            seen.add(n)
            if n in comment_end:
                first, text = comment_end[n]
                if "Owner:" in text:
                    return True
                n = first - 1
            elif _CONDITIONAL.match(src_lines[n - 1]):
                n -= 1
            elif var_lines.get(n):
                n = var_lines[n] - 1
            else:
                return False
        return False

    violations = []
    for first, last, names in results:
        if any("Owner:" in t for n in range(first, last + 1) for t in trailing.get(n, [])):
            continue
        if owned_above(first, set()):
            continue
        violations.append("native/%s:%d: %s" % (cf.rel, first, ", ".join(names)))
    return violations


def test_every_file_scope_variable_names_its_owner():
    violations = []
    for path in _c_files():
        violations.extend(_owner_violations(CFile.get(path)))
    _fail('file-scope variables without an "Owner:" comment above them or at the end of '
          "their line", violations)


# --------------------------------------------------------------------------
# (f) file length

def test_no_c_file_over_the_length_limit():
    violations = []
    for path in _c_files():
        n = len(path.read_text(encoding="utf-8", errors="replace").splitlines())
        if n > MAX_C_LINES:
            violations.append("native/%s: %d lines" % (_rel(path), n))
    _fail("C files over %d lines" % MAX_C_LINES, violations)


# --------------------------------------------------------------------------
# (g) platform specifics only in the OS seam, version tests only in pycompat

def _in_os_seam(rel):
    return rel == "base/os.h" or rel.startswith("base/os_linux")


def test_platform_and_version_specifics_stay_in_their_seams():
    violations = []
    for path in _c_files():
        cf = CFile.get(path)
        rules = []
        if not _in_os_seam(cf.rel):
            rules += [(p, what, "native/base/os.h and native/base/os_linux*")
                      for p, what in PLATFORM_NAMES]
        if not cf.rel.startswith("extension/pycompat/"):
            rules += [(p, what, "native/extension/pycompat/") for p, what in VERSION_NAMES]
        found = [(m.start(), what, m.group(0).strip(), home)
                 for pattern, what, home in rules for m in re.finditer(pattern, cf.code)]
        violations += ["%s: %s `%s` (belongs in %s)" % (cf.where(off), what, name, home)
                       for off, what, name, home in sorted(found)]
    _fail("platform or version specifics outside their seam", violations)


# --------------------------------------------------------------------------
# (h) native/README.md lists every file

def _readme_entries():
    """{path: description} of README's list items "- `path`: what it owns"."""
    entries = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*[-*]\s+`([^`]+)`\s*(?:[:\u2014-]\s*)?(.*)$", line)
        if m:
            entries[m.group(1)] = m.group(2).strip()
    return entries


def test_native_readme_lists_every_file():
    assert README.is_file(), "native/README.md is missing"
    entries = _readme_entries()
    files = {_rel(p) for p in _native_files()} - {"README.md"}
    violations = ["not listed: native/%s" % f for f in sorted(files - set(entries))]
    violations += ["listed but absent: native/%s" % f for f in sorted(set(entries) - files)]
    violations += ["listed without what it owns: native/%s" % f
                   for f, what in sorted(entries.items()) if not what]
    _fail("native/README.md and the files under native/ disagree", violations)


# --------------------------------------------------------------------------
# (i) one brace style (.clang-format): `else` starts its own line


def test_else_starts_its_own_line():
    violations = []
    for path in _c_files():
        cf = CFile.get(path)
        violations += [cf.where(m.start()) for m in re.finditer(r"\}[ \t]*else\b", cf.code)]
    _fail("`} else` on one line (.clang-format puts else on the line after the brace)", violations)
