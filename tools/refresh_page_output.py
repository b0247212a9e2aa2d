#!/usr/bin/env python3
"""Refresh the "Real output" blocks of the bug catalog's pages (scenarios/bugs/*.md).

A page quotes an abridged `zabsim run` of its scenario. When a change moves the timeline (a
few microseconds) or the trace hash, test/bugs/pages_test.cpp fails; this script re-runs each
scenario and replaces every quoted line by the line of today's output that matches it with the
numbers ignored (in order), so the page keeps its abridgement. A quoted line with no such match
is dropped and reported: read the page afterwards. A maintainer's tool, not part of the build.

usage: tools/refresh_page_output.py build/release/tools/zabsim [PAGE.md ...]
"""
import pathlib
import re
import subprocess
import sys
import tempfile


def shape(line):
    return re.sub(r"[0-9a-f]{16}|\d+(\.\d+)?", "#", line.strip())


def refresh(zabsim, page):
    scenario = page.with_suffix(".json")
    lines = page.read_text().split("\n")
    try:
        marker = next(i for i, l in enumerate(lines) if l.startswith("Real output"))
    except StopIteration:
        return
    start = next(i for i in range(marker, len(lines)) if lines[i].startswith("```")) + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("```"))
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run([zabsim, "run", str(scenario), "--out", out], capture_output=True, text=True)
    actual = run.stdout.split("\n")
    new_block, nxt = [], 0
    for line in lines[start:end]:
        if line.strip() in ("", "..."):
            new_block.append(line)
            continue
        found = next((j for j in range(nxt, len(actual)) if actual[j].strip() == line.strip()), None)
        if found is None:
            found = next((j for j in range(nxt, len(actual)) if shape(actual[j]) == shape(line)), None)
        if found is None:  # the same event reworded after its first words ("stops leading (reason 4)")
            head = shape(line.split("(")[0].split(":")[0])
            found = next((j for j in range(nxt, len(actual)) if shape(actual[j]).startswith(head)), None)
        if found is None:
            print(f"{page.name}: dropped '{line.strip()}'")
            continue
        new_block.append(actual[found])
        nxt = found + 1
    page.write_text("\n".join(lines[:start] + new_block + lines[end:]))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    zabsim = sys.argv[1]
    pages = [pathlib.Path(p) for p in sys.argv[2:]] or sorted(
        p for p in pathlib.Path(__file__).resolve().parent.parent.joinpath("scenarios", "bugs").glob("*.md")
        if p.name != "README.md")
    for page in pages:
        refresh(zabsim, page)


if __name__ == "__main__":
    main()
