"""Runs every oracle script and checks that each number it prints appears, spelled the same way, in the
test file of the test it names: the tests' expected values still are the oracles' output. Exits non-zero
and lists the numbers that are missing otherwise."""
import pathlib
import re
import subprocess
import sys

here = pathlib.Path(__file__).resolve().parent
tests = {path: path.read_text() for path in (here.parent.parent / "Tests").rglob("*.swift")}
number = re.compile(r"-?(?:\d+\.\d+(?:e[-+]?\d+)?|\d+e[-+]?\d+|inf|nan)")
missing, checked = [], 0
for script in sorted(here.glob("[!_]*.py")):
    if script.name in ("all.py", "check-literals.py"):
        continue
    output = subprocess.run([sys.executable, str(script)], cwd=here, capture_output=True, text=True, check=True).stdout
    test_text = None
    for line in output.splitlines():
        if line.startswith("// ") and "." in line and "Scripts/oracles" not in line:
            # "// ClassName.testName …": the file that declares the class holds the literals.
            cls = line[3:].split(".")[0].split()[0]
            test_text = "\n".join(t for t in tests.values() if f"class {cls}" in t or f"extension {cls}" in t)
            continue
        # Values are printed as Swift array literals: "[…" lines and their indented continuations.
        if test_text is None or not (line.startswith("[") or line.startswith(" ")):
            continue
        for value in number.findall(line):
            if value.endswith("inf") or value.endswith("nan"):
                continue
            checked += 1
            spellings = [value] + ([value[:-2]] if value.endswith(".0") else [])
            if not any(re.search(r"(?<![\d.])" + re.escape(v) + r"(?![\d.]*\d)", test_text) for v in spellings):
                missing.append(f"{script.name}: {value} (test class file of '{cls}')")
print(f"{checked} printed values checked against the tests' literals")
if missing:
    sys.exit("values the oracles print that the tests do not hold:\n" + "\n".join(missing[:40]))
