#!/usr/bin/env python3
"""Refresh quoted real output: the "Real output" blocks of the bug catalog's pages
(scenarios/bugs/*.md) and the README's blocks marked <!-- output ... --> (test/tools/readme_test.cpp
describes the markers).

A page quotes an abridged `zabsim run` of its scenario. When a change moves the timeline (a
few microseconds) or the trace hash, test/bugs/pages_test.cpp (or readme_test.cpp) fails; this
script re-runs each command and replaces every quoted line by the line of today's output that
matches it with the numbers ignored (in order), so the block keeps its abridgement. A quoted
line with no such match is dropped and reported: read the page afterwards. A maintainer's tool,
not part of the build.

usage: tools/scripts/refresh_page_output.py build/release/tools/zabsim [PAGE.md ...] [README.md]
"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile


def shape(line):
    return re.sub(r"[0-9a-f]{16}|\d+(\.\d+)?", "#", line.strip())


def refresh_block(name, block, actual):
    """The quoted lines of `block` replaced by their matches in `actual` (see the docstring)."""
    new_block, nxt = [], 0
    for line in block:
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
            print(f"{name}: dropped '{line.strip()}'")
            continue
        new_block.append(actual[found])
        nxt = found + 1
    return new_block


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
    page.write_text("\n".join(lines[:start] + refresh_block(page.name, lines[start:end], actual) + lines[end:]))


def refresh_readme(zabsim, readme):
    """Each checked block: run its commands as readme_test.cpp does, refresh each one's output."""
    lines = readme.read_text().split("\n")
    bin_dir = str(pathlib.Path(zabsim).resolve().parent)
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"])
    i = 0
    while i < len(lines):
        if not (lines[i].startswith("```") and i > 0 and lines[i - 1].startswith("<!-- output")
                and "not checked" not in lines[i - 1]):
            i += 1
            continue
        start = i + 1
        end = next(j for j in range(start, len(lines)) if lines[j].startswith("```"))
        marker = lines[i - 1][len("<!-- output"):].rsplit("-->", 1)[0]
        command = marker.split(":", 1)[1].strip() if ":" in marker else None
        steps = [(command, list(range(start, end)))] if command else []
        if not command:
            for j in range(start, end):
                if lines[j].startswith("$ "):
                    steps.append((lines[j][2:], []))
                elif steps:
                    steps[-1][1].append(j)
        new_lines, last = {}, 0
        with tempfile.TemporaryDirectory() as work:
            os.symlink(readme.resolve().parent / "scenarios", os.path.join(work, "scenarios"))
            for cmd, idx in steps:
                if cmd == "echo $?":
                    actual = [str(last)]
                else:
                    run = subprocess.run(cmd, shell=True, cwd=work, env=env, capture_output=True, text=True)
                    last = run.returncode
                    actual = (run.stdout + run.stderr).split("\n")
                block = refresh_block(f"README.md:{start}", [lines[j] for j in idx], actual)
                new_lines[tuple(idx)] = block
        # Rebuilt: the commands in place, each followed by its refreshed output.
        out = lines[:start]
        if command:
            out += new_lines[tuple(steps[0][1])]
        else:
            for cmd, idx in steps:
                out.append("$ " + cmd)
                out += new_lines[tuple(idx)]
        lines = out + lines[end:]
        i = len(out) + 1  # past the closing fence
    readme.write_text("\n".join(lines))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    zabsim = sys.argv[1]
    root = pathlib.Path(__file__).resolve().parents[2]
    pages = [pathlib.Path(p) for p in sys.argv[2:]] or sorted(
        p for p in root.joinpath("scenarios", "bugs").glob("*.md") if p.name != "README.md")
    for page in pages:
        if page.name == "README.md" and page.parent.name != "bugs":
            refresh_readme(zabsim, page)
        else:
            refresh(zabsim, page)


if __name__ == "__main__":
    main()
