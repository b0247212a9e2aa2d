#!/usr/bin/env python3
"""Assertion density of the protocol code: ZAB_ASSERT uses per function definition.

Usage:  python3 tools/scripts/assertion_density.py [--threshold 1.5] [--dir protocol] [--self-test]

For every .h and .cpp file of protocol/'s parts (base/, election/, quorum/, persistence/,
database/, client_port/; relative to the repository root, or of --dir and its subfolders) it
prints the number of function definitions, the number of ZAB_ASSERT uses and their ratio,
then the totals, and exits 1 if the total ratio is below the threshold (default 1.5; 2 on a
usage error). The target comes from TigerBeetle's practice of about two assertions per function,
always on, on arguments, results and invariants.

What is counted, precisely:

* Comments, string and character literals (including raw strings) and preprocessor lines
  (with their backslash continuations) are removed first, so a `{` or a `ZAB_ASSERT` inside
  them counts for nothing; in particular the macro's own `#define` in protocol/base/assert.h is not
  a use.
* A *ZAB_ASSERT use* is the identifier ZAB_ASSERT anywhere in the remaining code (in a function
  body, a lambda body, a class body ...).
* A *function definition* is a body `{ ... }` that opens directly at namespace scope (including
  anonymous namespaces and `extern "C"` blocks) or at class scope (class, struct, union, nested
  ones too), whose declaration has a top-level parameter list `name(...)` — `name` an identifier,
  a qualified name (`Foo::bar`), a destructor (`~Foo`) or an operator (`operator==`,
  `operator()`) — with no top-level `=` before that list. That counts free functions, member
  functions defined out of line, inline ones in headers (one-line accessors included: nothing
  is excluded for being short), constructors (their member-initialiser lists are skipped) and
  function templates.
* Not counted: lambdas (any brace inside a function body is part of that function), `= default`
  and `= delete` (they have no body), declarations without a body, and brace initialisers of
  variables or members (`x = {...}`, `T v{...}`, whose declaration has no parameter list),
  enum bodies.

The parser is a small tokenizer plus a scope stack, not a C++ front end: it assumes `<` at
namespace or class scope opens a template argument list when it follows an identifier (true of
the protocol code, which has no comparisons in default arguments there). `--self-test` runs it
on small examples of each rule.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

KEYWORDS_BEFORE_PARENS = {
    "alignas", "decltype", "sizeof", "noexcept", "static_assert", "requires", "alignof",
    "throw", "explicit", "__attribute__",
}


def strip_code(text: str) -> str:
    """Returns the text with comments, literals and preprocessor lines replaced by spaces."""
    out: list[str] = []
    i = 0
    n = len(text)
    at_line_start = True  # only whitespace since the last newline
    while i < n:
        c = text[i]
        if c == "\n":
            out.append(c)
            at_line_start = True
            i += 1
            continue
        if at_line_start and c == "#":
            # A preprocessor directive, with its continuation lines.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    i += 2
                    out.append("\n")
                    continue
                i += 1
            continue
        if c in " \t\r\f\v":
            out.append(c)
            i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, end) or " ")
            i = end
            continue
        if c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            open_paren = text.find("(", i + 2)
            delim = text[i + 2:open_paren]
            end = text.find(")" + delim + '"', open_paren)
            end = n if end < 0 else end + len(delim) + 2
            out.append("\n" * text.count("\n", i, end) or " ")
            out.append('""')
            i = end
            continue
        if c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):
            # A string or character literal (a ' after a digit or letter is a digit separator).
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def tokenize(code: str) -> list[str]:
    """Identifiers (with their digits), numbers, `::`, `->` and single punctuation characters."""
    tokens: list[str] = []
    i = 0
    n = len(code)
    while i < n:
        c = code[i]
        if c.isspace():
            i += 1
        elif c.isalpha() or c == "_":
            j = i + 1
            while j < n and (code[j].isalnum() or code[j] == "_"):
                j += 1
            tokens.append(code[i:j])
            i = j
        elif c.isdigit():
            j = i + 1
            while j < n and (code[j].isalnum() or code[j] in "._'"):
                j += 1
            tokens.append(code[i:j])
            i = j
        elif code.startswith("::", i) or code.startswith("->", i):
            tokens.append(code[i:i + 2])
            i += 2
        else:
            tokens.append(c)
            i += 1
    return tokens


def is_identifier(token: str) -> bool:
    return bool(token) and (token[0].isalpha() or token[0] == "_")


def skip_group(tokens: list[str], i: int) -> int:
    """tokens[i] opens ( [ or {: returns the index just past its matching closer."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = [pairs[tokens[i]]]
    i += 1
    while i < len(tokens) and stack:
        t = tokens[i]
        if t in pairs:
            stack.append(pairs[t])
        elif stack and t == stack[-1]:
            stack.pop()
        i += 1
    return i


def classify(decl: list[str]) -> str:
    """What a `{` opens at namespace or class scope, from the tokens of its declaration.

    Returns "function", "class", "namespace" or "other" (enums, brace initialisers ...).
    """
    if not decl:
        return "other"
    if "enum" in decl:
        return "other"
    # The top-level parameter list: a ( group at angle/paren/bracket depth 0, after a name.
    depth = 0  # ( and [ nesting
    angle = 0  # template argument lists
    i = 0
    while i < len(decl):
        t = decl[i]
        prev = decl[i - 1] if i > 0 else ""
        if t == "operator" and depth == 0 and angle == 0:
            # The operator's symbol belongs to its name: operator() / operator== / operator bool.
            j = i + 1
            if j + 1 < len(decl) and decl[j] == "(" and decl[j + 1] == ")":
                j += 2
            while j < len(decl) and decl[j] != "(":
                j += 1
            if j < len(decl) and "=" not in decl[:i]:
                return "function"
            i = j
            continue
        if t in "([":
            if t == "(" and depth == 0 and angle == 0:
                name = prev
                if is_identifier(name) and name not in KEYWORDS_BEFORE_PARENS:
                    return "function" if "=" not in decl[:i] else "other"
            depth += 1
        elif t in ")]":
            depth -= 1
        elif t == "<" and depth == 0 and (is_identifier(prev) or prev == ">"):
            angle += 1
        elif t == ">" and depth == 0 and angle > 0:
            angle -= 1
        i += 1
    if any(t in ("class", "struct", "union") for t in decl):
        return "class"
    if decl[0] in ("namespace", "extern", "inline") and ("namespace" in decl or decl[0] == "extern"):
        return "namespace"
    return "other"


def parameters_end(decl: list[str]) -> int:
    """Index just past the top-level parameter list of a function declaration prefix, or -1."""
    depth = 0
    angle = 0
    i = 0
    while i < len(decl):
        t = decl[i]
        prev = decl[i - 1] if i > 0 else ""
        if t == "operator":
            j = i + 1
            if j + 1 < len(decl) and decl[j] == "(" and decl[j + 1] == ")":
                j += 2
            while j < len(decl) and decl[j] != "(":
                j += 1
            if j < len(decl):
                return skip_group(decl, j)
            return -1
        if t == "(" and depth == 0 and angle == 0 and is_identifier(prev) and prev not in KEYWORDS_BEFORE_PARENS:
            return skip_group(decl, i)
        if t in "([":
            depth += 1
        elif t in ")]":
            depth -= 1
        elif t == "<" and depth == 0 and (is_identifier(prev) or prev == ">"):
            angle += 1
        elif t == ">" and depth == 0 and angle > 0:
            angle -= 1
        i += 1
    return -1


def count_functions(code: str) -> int:
    """Function definitions at namespace or class scope in stripped code (see the docstring)."""
    tokens = tokenize(code)
    scopes = ["namespace"]  # the file itself is namespace scope
    count = 0
    decl: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if scopes[-1] not in ("namespace", "class"):
            raise AssertionError("only namespace and class scopes are walked token by token")
        if t == ";":
            decl = []
            i += 1
            continue
        if t == "}":
            scopes.pop()
            decl = []
            i += 1
            if not scopes:
                raise ValueError("unbalanced '}'")
            continue
        if t in ("(", "["):
            # Keep a parenthesised group whole: braces inside it (default arguments) are not scopes.
            end = skip_group(tokens, i)
            decl.extend(tokens[i:end])
            i = end
            continue
        if t == ":" and scopes[-1] in ("namespace", "class") and classify(decl) == "function" \
                and parameters_end(decl) == len(decl):
            # A constructor's member-initialiser list: name(args) or name{args}, comma separated.
            i += 1
            while i < len(tokens):
                while i < len(tokens) and tokens[i] not in ("(", "{"):
                    i += 1
                i = skip_group(tokens, i)
                if i < len(tokens) and tokens[i] == "...":
                    i += 1
                if i < len(tokens) and tokens[i] == ",":
                    i += 1
                    continue
                break
            decl.append("/*init-list*/")
            continue
        if t == "{":
            kind = classify(decl)
            decl = []
            if kind in ("namespace", "class"):
                scopes.append(kind)
                i += 1
                continue
            if kind == "function":
                count += 1
            # A function body or any other brace (initialiser, enum): skip it whole.
            i = skip_group(tokens, i)
            continue
        decl.append(t)
        i += 1
    return count


def count_asserts(code: str) -> int:
    return sum(1 for t in tokenize(code) if t == "ZAB_ASSERT")


def measure(path: pathlib.Path) -> tuple[int, int]:
    code = strip_code(path.read_text(encoding="utf-8"))
    return count_functions(code), count_asserts(code)


SELF_TESTS = [
    # (source, functions, asserts)
    ("int f(int x) { return x; }", 1, 0),
    ("namespace a::b { void f() { ZAB_ASSERT(1, \"x\"); } }", 1, 1),
    ("namespace { int g() { auto l = [] { return 1; }; return l(); } }", 1, 0),
    ("struct S { S() = default; int x() const { return 1; } bool operator==(const S&) const = default; };", 1, 0),
    ("class C { public: C(int a) : a_(a), b_{a} { ZAB_ASSERT(a > 0, \"p\"); } int a_; int b_{}; };", 1, 1),
    ("Foo::Foo(int a) : x_(a), y_{std::vector<int>{1, 2}} {}\nFoo::~Foo() {}", 2, 0),
    ("bool operator<(const A& a, const A& b) { return a.v < b.v; }\nvoid A::operator()() {}", 2, 0),
    ("// void commented() { ZAB_ASSERT }\nconst char* s = \"{ ZAB_ASSERT( }\"; char c = '{';", 0, 0),
    ("#define M(x) do { if (x) {} } while (0)\nstatic const std::vector<int> kV = {1, 2};", 0, 0),
    ("enum class E : int { a, b };\nstd::function<void(int)> make() { return {}; }", 1, 0),
    ("template <typename T> T id(T t) { return t; }\nstruct O { struct I { void f() {} }; };", 2, 0),
    ("auto r = R\"x({ ZAB_ASSERT })x\"; int n = 1'000'000; void f() {}", 1, 0),
    ("void f(int x = int{3}) { ZAB_ASSERT(x, \"a\"); ZAB_ASSERT(x, \"b\"); }", 1, 2),
    ("extern \"C\" { int c_fn(void) { return 0; } }", 1, 0),
]


def self_test() -> int:
    failures = 0
    for source, functions, asserts in SELF_TESTS:
        code = strip_code(source)
        got = (count_functions(code), count_asserts(code))
        if got != (functions, asserts):
            print(f"self-test failed: {source!r}: got {got}, want {(functions, asserts)}")
            failures += 1
    print(f"self-test: {len(SELF_TESTS) - failures}/{len(SELF_TESTS)} cases pass")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("threshold", nargs="?", type=float, default=1.5,
                        help="minimum total assertions per function (default 1.5)")
    parser.add_argument("--dir", default=None, help="the protocol folder (default: <repo>/protocol)")
    parser.add_argument("--self-test", action="store_true", help="check the counter on examples")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    root = pathlib.Path(args.dir) if args.dir else pathlib.Path(__file__).resolve().parents[2] / "protocol"
    # events/ holds the typed events' declarations only (no protocol logic, nothing to assert).
    files = sorted(p for p in list(root.rglob("*.h")) + list(root.rglob("*.cpp"))
                   if "events" not in p.relative_to(root).parts)
    if not files:
        print(f"no protocol/*.h or *.cpp files under {root}", file=sys.stderr)
        return 2
    total_functions = 0
    total_asserts = 0
    print(f"{'file':32} {'functions':>9} {'asserts':>8} {'per function':>12}")
    for path in files:
        functions, asserts = measure(path)
        total_functions += functions
        total_asserts += asserts
        ratio = f"{asserts / functions:.2f}" if functions else "-"
        print(f"{str(path.relative_to(root)):32} {functions:9d} {asserts:8d} {ratio:>12}")
    total = total_asserts / total_functions if total_functions else 0.0
    print(f"{'total':32} {total_functions:9d} {total_asserts:8d} {total:12.2f}")
    if total < args.threshold:
        print(f"assertion density {total:.2f} per function is below the threshold {args.threshold}")
        return 1
    print(f"assertion density {total:.2f} per function meets the threshold {args.threshold}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
