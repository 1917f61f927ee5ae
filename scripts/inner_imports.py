"""Count imports of project modules (hamafza.*, config.*) inside function bodies.

Usage: python scripts/inner_imports.py [--list]
Migrations and tests are skipped. Prints the total (and with --list, every site).
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

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if in_function and isinstance(child, ast.Import | ast.ImportFrom) and _is_project(child, path):
                found.append((child.lineno, ast.unparse(child)))
            visit(child, inside)

    visit(tree, False)
    return found


def main():
    total = 0
    for path in sorted((ROOT / "hamafza").rglob("*.py")) + sorted((ROOT / "config").rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "migrations" in rel.parts or "tests" in rel.parts:
            continue
        for lineno, text in inner_imports(path):
            total += 1
            if "--list" in sys.argv:
                print(f"{rel}:{lineno}: {text}")
    print(f"imports of project modules inside functions: {total}")


if __name__ == "__main__":
    main()
