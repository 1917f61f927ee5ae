"""Count imports of project modules (hamafza.*, config.*) inside function bodies.

Usage: python scripts/inner_imports.py [--list]
Migrations and tests are skipped. Prints the total (and with --list, every site). Imports inside
``AppConfig.ready()`` are counted apart: that is where Django wants an app to import its own
modules to register hooks (importing models at the top of apps.py fails while the registry loads).
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("hamafza", "config")


def _is_project(node, module_path):
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return True
        return (node.module or "").split(".")[0] in PROJECT
    return any(alias.name.split(".")[0] in PROJECT for alias in node.names)


def inner_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Lambda):
                inner = inner or "<lambda>"
            if function and isinstance(child, ast.Import | ast.ImportFrom) and _is_project(child, path):
                in_ready = path.name == "apps.py" and function == "ready"
                found.append((child.lineno, ast.unparse(child), in_ready))
            visit(child, inner)

    visit(tree, None)
    return found


def main():
    total = ready = 0
    for path in sorted((ROOT / "hamafza").rglob("*.py")) + sorted((ROOT / "config").rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "migrations" in rel.parts or "tests" in rel.parts:
            continue
        for lineno, text, in_ready in inner_imports(path):
            total += 1
            ready += in_ready
            if "--list" in sys.argv:
                print(f"{rel}:{lineno}: {text}" + ("  (AppConfig.ready)" if in_ready else ""))
    print(f"imports of project modules inside functions: {total} ({ready} of them in AppConfig.ready())")


if __name__ == "__main__":
    main()
