"""The Python modules of src/triscope import each other without cycles,
function-level imports included; the library interface does not pull in
the command line; and stage 1 of a run (before the re-exec under
LD_PRELOAD) imports neither argparse nor json.

The import graph is read from the sources (ast), not by importing them."""
import ast
import re

from conftest import PY, SRC, _run, describe

PACKAGE = SRC / "triscope"


def _module_name(path):
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name):
    path = SRC.joinpath(*name.split("."))
    # .pyi: a compiled extension (triscope._native), which imports nothing
    return any(path.with_suffix(s).is_file() for s in (".py", ".pyi")) or (path / "__init__.py").is_file()


def _imports(path):
    """The triscope modules path imports, anywhere in it."""
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "triscope":
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != "triscope":
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                found.add(sub if _is_module(sub) else source)
    found.discard(me)
    return {name for name in found if _is_module(name)}


def _graph():
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        graph[_module_name(path)] = _imports(path)
    return graph


def _cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, stack)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def _closure(graph, start):
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen


def test_graph_is_read():
    graph = _graph()
    assert "triscope.session" in graph["triscope.target"], graph
    assert "triscope.session" in graph["triscope.api"], graph  # a function-level import


def test_no_import_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_library_does_not_import_the_command_line():
    graph = _graph()
    for library in ("triscope.api", "triscope.child_session", "triscope.session"):
        reached = _closure(graph, library)
        commands = sorted(m for m in reached if m == "triscope.cli" or m.startswith("triscope.command_"))
        assert not commands, f"{library} reaches {commands}"


def test_stage_one_imports_neither_argparse_nor_json(engine, tmp_path):
    """What runs before the re-exec under LD_PRELOAD stays lean."""
    prog = tmp_path / "empty.py"
    prog.write_text("")
    proc = _run([PY, "-X", "importtime", "-m", "triscope", prog],
                env={"TRISCOPE_ATTACH": "preload"})
    assert proc.returncode == 0, describe(proc)
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", proc.stderr, re.M)
    if names.count("triscope.cli") < 2:  # no preload library: no re-exec
        return
    stage_one = names[:names.index("triscope.cli", names.index("triscope.cli") + 1)]
    heavy = sorted(set(stage_one) & {"argparse", "json"})
    assert not heavy, f"stage 1 imports {heavy}" + describe(proc)
